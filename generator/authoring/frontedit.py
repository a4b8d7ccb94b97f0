"""Editing the fields of a post-mortem's actions as text (`actions ids`, `actions sync`): each change
touches the characters of one key, so comments, quotes, flow or block style and the body stay as
they were. The edited front matter is parsed again and must hold exactly the values asked for, or
nothing is written; the file is replaced in one step, and only if nobody changed it meanwhile."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import UsageError

_OPENING = re.compile(r"\ufeff?---[ \t]*\r?\n")
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.M)


@dataclass(frozen=True)
class ActionEdit:
    """What to change in the action at `index` of `actions`: keys to set (to plain YAML scalars such
    as `done` or `2026-03-19`), placed after the first key of `after` present when they are new, and
    keys to remove. New keys go together, in the order given."""

    index: int
    set: dict[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


class EditError(UsageError):
    """The front matter could not be edited safely; the file is left as it was."""


def edit_actions(text: str, edits: list[ActionEdit], where: str) -> str:
    """`text` (a whole post-mortem file) with `edits` made to its actions. Raises EditError when the
    front matter cannot be read, or the edited text would not hold exactly the values asked for."""
    start, end = _front_matter_span(text, where)
    front = text[start:end]
    expected = front_matter_data(text, where)
    root = yaml.compose(front, Loader=yaml.SafeLoader)
    actions = _value_of(root, "actions")
    if not isinstance(actions, yaml.SequenceNode):
        raise EditError(f"{where}: no list of actions to edit")
    splices = []
    for edit in edits:
        node = actions.value[edit.index]
        if not isinstance(node, yaml.MappingNode):
            raise EditError(f"{where}: action {edit.index + 1} is not a mapping")
        splices += _splices(front, node, edit)
        action = expected["actions"][edit.index]
        action.update({key: yaml.safe_load(value) for key, value in edit.set.items()})
        for key in edit.remove:
            action.pop(key, None)
    for first, last, replacement in sorted(splices, reverse=True):
        front = front[:first] + replacement + front[last:]
    if _reread(front) != expected:
        raise EditError(f"{where}: the actions could not be edited without changing something else: "
                        "edit them by hand")
    return text[:start] + front + text[end:]


def front_matter_data(text: str, where: str) -> dict:
    """The front matter of `text` as plain data (dates as dates); raises EditError when it is missing
    or not a YAML mapping."""
    start, end = _front_matter_span(text, where)
    try:
        data = yaml.safe_load(text[start:end])
    except yaml.YAMLError as error:
        raise EditError(f"{where}: the front matter is not valid YAML ({error}): run `postmortem validate`") from None
    if not isinstance(data, dict):
        raise EditError(f"{where}: the front matter is not a mapping: run `postmortem validate`")
    return data


def _front_matter_span(text: str, where: str) -> tuple[int, int]:
    opening = _OPENING.match(text)
    closing = _CLOSING.search(text, opening.end()) if opening else None
    if closing is None:
        raise EditError(f"{where}: no front matter to edit")
    return opening.end(), closing.start()


def _reread(front: str):
    try:
        return yaml.safe_load(front)
    except yaml.YAMLError:
        return None


def _value_of(mapping, key: str):
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next((value for name, value in mapping.value if name.value == key), None)


def _splices(front: str, node: yaml.MappingNode, edit: ActionEdit) -> list[tuple[int, int, str]]:
    """(start, end, replacement) in `front` for each key of `edit`."""
    pairs = node.value
    keys = [name.value for name, _ in pairs]
    splices, new = [], []
    for key, value in edit.set.items():
        if key in keys:
            found = pairs[keys.index(key)][1]
            splices.append((found.start_mark.index, found.end_mark.index, value))
        else:
            new.append(f"{key}: {value}")
    if new:  # together, after the anchor, or first on the line of the item's dash
        anchor = next((pairs[keys.index(name)] for name in edit.after if name in keys), None)
        newline = "\r\n" if "\r\n" in front else "\n"
        indent = " " * pairs[0][0].start_mark.column
        separator = ", " if node.flow_style else newline + indent
        if anchor is not None and isinstance(anchor[1], yaml.ScalarNode) and node.flow_style:
            at = anchor[1].end_mark.index
            splices.append((at, at, "".join(separator + item for item in new)))
        elif anchor is not None and isinstance(anchor[1], yaml.ScalarNode):  # on the lines below the anchor's
            end = anchor[1].end_mark.index  # a block scalar ends at the start of the next line
            at = end if front[end - 1:end] == "\n" else front.find("\n", end) + 1 or len(front)
            splices.append((at, at, "".join(f"{indent}{item}{newline}" for item in new)))
        else:
            at = pairs[0][0].start_mark.index
            splices.append((at, at, "".join(item + separator for item in new)))
    for key in edit.remove:
        if key in keys:
            splices.append(_removal(front, node, keys.index(key)))
    return splices


def _removal(front: str, node: yaml.MappingNode, position: int) -> tuple[int, int, str]:
    pairs = node.value
    name, value = pairs[position]
    if position + 1 < len(pairs):  # up to the next key
        start = name.start_mark.index if node.flow_style or position == 0 else _line_start(front, name.start_mark.index)
        nxt = pairs[position + 1][0].start_mark.index
        return start, nxt if node.flow_style or position == 0 else _line_start(front, nxt), ""
    if node.flow_style:  # the last key: from the end of the one before
        return pairs[position - 1][1].end_mark.index, value.end_mark.index, ""
    last = value.end_mark.index
    while last > 0 and front[last - 1] in " \r\n":
        last -= 1
    line_end = front.find("\n", last)
    return _line_start(front, name.start_mark.index), len(front) if line_end < 0 else line_end + 1, ""


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def write_if_unchanged(path: Path, read: str, edited: str) -> None:
    """Replace `path`'s text `read` by `edited` in one step (a file beside it, then a rename), so
    that a killed run leaves the old file or the new one, whole. Raises EditError if the file no
    longer holds `read`: someone changed it since."""
    if read_exact(path) != read:
        raise EditError(f"{path}: changed while being edited: run the command again")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(edited)
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_exact(path: Path) -> str:
    """A file's text with its line endings as they are (`read_text` would turn CRLF into LF)."""
    return path.read_bytes().decode("utf-8")
