"""Reading one post-mortem file: bytes to front-matter values with their positions, and body sections.

Every problem becomes a diagnostic with the file's path and, where there is one, a line; nothing
raised here escapes for bad input.
"""

from __future__ import annotations

import contextlib
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import frontmatter
from pydantic import TypeAdapter, ValidationError

from ..diagnostics import Diagnostic
from ..rules import diagnostic, fields, parsing
from .body import is_placeholder, parse_sections
from .model import Action, FrontMatter, PostMortem
from .yamlsource import YamlDocument, YamlSyntaxError, YamlTooComplex, load_yaml


def read_postmortem(path: str, file: Path) -> tuple[PostMortem | None, list[Diagnostic]]:
    """Read and parse `file`, shown as `path` (relative to the knowledge base). Returns the
    post-mortem (None when it cannot be parsed) and the diagnostics found while reading it."""
    text, unreadable = _read_text(path, file)
    if unreadable is not None:
        return None, [unreadable]
    parsed = _read_front_matter(path, text)
    if isinstance(parsed, Diagnostic):
        return None, [parsed]
    document, body = parsed
    data = document.data
    placeholders = _take_placeholders(data)
    diagnostics = [*fields.duplicate_keys(path, document),
                   *fields.placeholders(path, document, placeholders, data.get("status") == "draft")]
    model, values, actions, errors = _validate(data)
    for error in errors:
        loc = tuple(error["loc"])
        if any(loc[: len(p)] == p for p in placeholders):
            continue
        if error["type"] == "invalid_key":  # a key such as `1:`, which YAML read as a number
            loc = (*loc[:-1], str(loc[-1]))
        code, message = fields.model_error(error, loc)
        diagnostics.append(diagnostic(code, path, *document.position(loc), message))

    body_start = len(text) - len(body)
    body_line = text.count("\n", 0, body_start) + 1
    postmortem = PostMortem(
        path=path,
        id=Path(path).stem,
        values=values,
        positions=document.positions,
        sections=parse_sections(body, body_line),
        body=body,
        body_line=body_line,
        line_count=text.count("\n") + (0 if text.endswith("\n") else 1),
        text=text,
        placeholders=placeholders,
        invalid_fields={str(e["loc"][0]) for e in errors if e["loc"] and e["loc"][0] in data},
        front_matter=model,
        actions=actions,
    )
    return postmortem, diagnostics


#: Larger files are refused (PM008): a post-mortem links to its logs rather than holding them.
MAX_FILE_BYTES = 1024 * 1024
#: More values than any front matter needs (PM009): a post-mortem's has about fifty.
FRONT_MATTER_MAX_VALUES = 20_000
_HANDLER = frontmatter.YAMLHandler()


def _read_text(path: str, file: Path) -> tuple[str | None, Diagnostic | None]:
    """The text of the post-mortem `file` (shown as `path`), UTF-8 with its line ends made `\\n`;
    or why it cannot be read as one (PM001, PM002, PM003, PM008, PM010)."""
    try:
        with open(file, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, parsing.UNREADABLE.at(path, None, None, f"cannot read the file: {error.strerror or error}")
    if len(raw) > MAX_FILE_BYTES:
        size = file.stat().st_size / 1024 / 1024
        return None, parsing.TOO_LARGE.at(path, None, None, f"the file is {size:.1f} MiB, over the 1 MiB limit: move "
                                                           "logs and attachments out of it and link to them")
    if b"\x00" in raw:
        return None, parsing.BINARY.at(path, None, None,
                                "binary file (it holds NUL bytes): post-mortems are Markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        return None, parsing.NOT_UTF8.at(path, raw.count(b"\n", 0, error.start) + 1, error.start - line_start + 1,
                                f"byte 0x{raw[error.start]:02x} is not UTF-8: re-save the file as UTF-8")
    if not text.strip():
        return None, parsing.EMPTY.at(path, 1, None, "empty file: create post-mortems with `postmortem new`")
    return text.replace("\r\n", "\n"), None


def _read_front_matter(path: str, text: str) -> tuple[YamlDocument, str] | Diagnostic:
    """The front matter of `text`, parsed (a mapping, with the position of every key), and the body
    after it; or why there is none to read (PM004, PM005, PM006, PM007, PM009)."""
    if not _HANDLER.detect(text):
        return parsing.NO_FRONT_MATTER.at(path, 1, 1, "no front matter: the file must start with a `---` line, the YAML "
                                               "fields, then another `---` line")
    try:
        front, body = _HANDLER.split(text)
    except ValueError:
        return parsing.UNCLOSED_FRONT_MATTER.at(path, 1, 1, "the front matter opened here is never closed: add a `---` line "
                                               "after it")
    first_line = text.count("\n", 0, _HANDLER.FM_BOUNDARY.match(text).end()) + 1
    try:
        document = load_yaml(front, first_line, FRONT_MATTER_MAX_VALUES)
    except YamlSyntaxError as error:
        return parsing.YAML_SYNTAX.at(path, error.line, error.column, f"YAML syntax error: {error.message}")
    except YamlTooComplex as error:
        return parsing.TOO_COMPLEX.at(path, 1, 1, f"the front matter {error.reason}")
    if not isinstance(document.data, dict):
        found = "empty" if document.data is None else f"a {type(document.data).__name__}"
        return parsing.NOT_A_MAPPING.at(path, first_line, 1, f"the front matter is {found}, not a mapping of fields: "
                                                        "write `key: value` lines")
    return document, body


def _take_placeholders(data: dict, prefix: tuple = ()) -> set[tuple]:
    """Remove `TODO` values from mappings (in place) and return their key paths."""
    found: set[tuple] = set()
    for key, value in list(data.items()):
        if isinstance(value, str) and is_placeholder(value):
            found.add((*prefix, key))
            del data[key]
        elif isinstance(value, dict):
            found |= _take_placeholders(value, (*prefix, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    found |= _take_placeholders(item, (*prefix, key, index))
    return found


def _validate(data: dict) -> tuple[FrontMatter | None, dict[str, Any], list[tuple[int, Action]], list[dict]]:
    """Validate the front matter. When it is invalid, keep every top-level field (and every action)
    that is valid on its own, so that the other rules still check them in the same run."""
    try:
        model = FrontMatter.model_validate(data)
    except ValidationError as error:
        errors = error.errors(include_url=False)
    else:
        return model, dict(model), list(enumerate(model.actions)), []
    if all(e["type"] in fields.UNKNOWN_KEY_ERRORS for e in errors):  # unknown keys only: a warning, not a lost file
        model = FrontMatter.model_validate(_without(data, [tuple(e["loc"]) for e in errors]))
        return model, dict(model), list(enumerate(model.actions)), errors
    failed = {e["loc"][0] for e in errors if e["loc"]}
    values = {
        name: _field_adapter(name).validate_python(data[name])
        for name in FrontMatter.model_fields
        if name in data and name not in failed
    }
    actions = []
    if isinstance(data.get("actions"), list):
        for index, item in enumerate(data["actions"]):
            with contextlib.suppress(ValidationError):  # already reported by the whole-model error
                actions.append((index, Action.model_validate(item)))
    return None, values, actions, errors


def _without(data: Any, paths: list[tuple]) -> Any:
    """A copy of `data` without the keys at `paths` (tuples of keys and list indexes)."""
    if isinstance(data, dict):
        return {key: _without(value, [p[1:] for p in paths if p[:1] == (key,)])
                for key, value in data.items() if (key,) not in paths}
    if isinstance(data, list):
        return [_without(item, [p[1:] for p in paths if p[:1] == (index,)]) for index, item in enumerate(data)]
    return data


@cache
def _field_adapter(name: str) -> TypeAdapter:
    info = FrontMatter.model_fields[name]
    return TypeAdapter(Annotated[info.annotation, info])
