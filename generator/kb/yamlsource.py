"""YAML text to plain data, with the line and column of every key and list item.

Timestamps stay strings, so that the front-matter model (not PyYAML) parses them: an impossible date
such as 2026-02-30 then becomes a diagnostic on its own line instead of a constructor crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:  # The C parser is ten times faster; fall back where libyaml is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader

#: More values than this added by aliases means a "billion laughs": an anchor's value repeated by
#: aliases of aliases until the document holds billions. Counted before anything is expanded.
MAX_ALIAS_VALUES = 20_000
#: More values than this written out is no config (a catalogue of 10,000 people, 3,000 services and
#: 500 teams is about 35,000): the default of `load_yaml`'s `max_values`.
MAX_VALUES = 1_000_000
#: Deeper than this is no config or front matter.
MAX_DEPTH = 50

Position = tuple[int, int]
KeyPath = tuple


class _StringTimestampLoader(_BaseLoader):
    """Safe loader that reads timestamps as strings."""


_StringTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(Exception):
    """The text is not YAML. `line` and `column` are 1-based in the whole file, or None."""

    def __init__(self, message: str, line: int | None, column: int | None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class YamlTooComplex(Exception):
    """The document cannot be read whole: `reason` says why, as the end of a sentence whose subject is
    the document ("the config " + reason)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class YamlDocument:
    """Parsed data with `positions`: key path -> (line, column), 1-based in the whole file."""

    data: object
    positions: dict[KeyPath, Position]
    duplicate_keys: list[tuple[KeyPath, Position]] = field(default_factory=list)

    def position(self, path: KeyPath) -> Position | None:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        return nearest_position(self.positions, path, self.positions.get(()))


def nearest_position(positions: dict[KeyPath, Position], path: KeyPath, default: Position | None) -> Position | None:
    """The position of `path` in `positions`, or of its nearest ancestor there, else `default`."""
    while path:
        if path in positions:
            return positions[path]
        path = path[:-1]
    return default


def dotted_path(path: KeyPath) -> str:
    """`("actions", 0, "owner")` -> `actions[0].owner`, as an author would write it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(text: str, first_line: int = 1, max_values: int = MAX_VALUES) -> YamlDocument:
    """Parse one YAML document; `first_line` is the file line where `text` starts. Raises
    YamlTooComplex for a document of more than `max_values` values, an alias bomb, or one too deep."""
    offset = first_line - 1
    loader = _StringTimestampLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, {(): (first_line, 1)})
        if "*" in text:  # an alias is written `*name`: without one, nothing expands
            _refuse_alias_bombs(node)
        walk = _Walk(offset, max_values)
        walk.visit(node, ())
        try:
            data = _plain_value(loader, node)
        except _NotPlain:
            data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + offset if mark else None
        column = mark.column + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        if error.problem and error.context and error.context_mark and error.context_mark is not mark:
            problem += f" ({error.context} started on line {error.context_mark.line + 1 + offset})"
        raise YamlSyntaxError(problem, line, column) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error).splitlines()[0], None, None) from None
    finally:
        loader.dispose()
    walk.positions.setdefault((), (first_line, 1))
    return YamlDocument(data, walk.positions, walk.duplicate_keys)


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
#: Scalars whose value PyYAML's safe constructor makes from the node alone.
_PLAIN_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null"))


class _NotPlain(Exception):
    """The document holds what only PyYAML's constructor builds right: a merge key (`<<`), an explicit
    tag such as `!!set` or `!!timestamp`, a key that is a list or a mapping."""


def _plain_value(loader, node):
    """What `loader.construct_document(node)` returns for a document of plain mappings, lists and
    scalars, without its bookkeeping (a third of the YAML's time in `validate`); raises _NotPlain for
    anything else. `load_yaml` has already refused alias bombs and self-referring aliases."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        if node.tag in _PLAIN_SCALARS:
            return loader.yaml_constructors[node.tag](loader, node)
    elif isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_plain_value(loader, item) for item in node.value]
    elif isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _PLAIN_SCALARS:
                raise _NotPlain()
            mapping[_plain_value(loader, key_node)] = _plain_value(loader, value_node)
        return mapping
    raise _NotPlain()


def _refuse_alias_bombs(root) -> None:
    """Raise YamlTooComplex when aliases would add more than MAX_ALIAS_VALUES values, or refer to a
    value that holds them: the size each node expands to, worked out once a node, without expanding."""
    sizes: dict[int, int | None] = {}  # a node's id -> the values it expands to; None while counting it

    def expanded(node, depth: int) -> int:
        if id(node) in sizes:
            if sizes[id(node)] is None:
                raise YamlTooComplex("has a YAML alias inside the value it refers to (`&a [*a]`): write the "
                                     "values out")
            return sizes[id(node)]
        if depth > MAX_DEPTH:
            raise YamlTooComplex(f"nests deeper than {MAX_DEPTH} levels")
        sizes[id(node)] = None
        if isinstance(node, yaml.MappingNode):
            children = [value for _, value in node.value]
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else ()
        sizes[id(node)] = size = 1 + sum(expanded(child, depth + 1) for child in children)
        return size

    added = expanded(root, 0) - len(sizes)
    if added > MAX_ALIAS_VALUES:
        raise YamlTooComplex(f"would grow by more than {MAX_ALIAS_VALUES:,} values through its YAML aliases (an "
                             "alias bomb, or \"billion laughs\"): write the values out")


class _Walk:
    """Records node positions, and stops a document too large or too deep to read."""

    def __init__(self, offset: int, max_values: int):
        self.offset = offset
        self.max_values = max_values
        self.positions: dict[KeyPath, Position] = {}
        self.duplicate_keys: list[tuple[KeyPath, Position]] = []
        self.count = 0

    def at(self, node) -> Position:
        return (node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def visit(self, node, path: KeyPath) -> None:
        self.count += 1
        if self.count > self.max_values:
            raise YamlTooComplex(f"holds more than {self.max_values:,} values, without YAML aliases: too large to read")
        if len(path) > MAX_DEPTH:
            raise YamlTooComplex(f"nests deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                key_path = (*path, key)
                if key in seen:
                    self.duplicate_keys.append((key_path, self.at(key_node)))
                seen.add(key)
                self.positions[key_path] = self.at(key_node)
                self.visit(value_node, key_path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.positions[(*path, index)] = self.at(item)
                self.visit(item, (*path, index))
