"""Reading one post-mortem file: bytes to front-matter values with their positions, and body sections.

Every problem becomes a diagnostic with the file's path and, where there is one, a line; nothing
raised here escapes for bad input.
"""

from __future__ import annotations

import contextlib
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from ..diagnostics import Diagnostic
from ..rules import diagnostic, fields, parsing
from .body import is_placeholder, parse_sections
from .model import Action, FrontMatter, PostMortem


def read_postmortem(path: str, file: Path) -> tuple[PostMortem | None, list[Diagnostic]]:
    """Read and parse `file`, shown as `path` (relative to the knowledge base). Returns the
    post-mortem (None when it cannot be parsed) and the diagnostics found while reading it."""
    text, unreadable = parsing.read_text(path, file)
    if unreadable is not None:
        return None, [unreadable]
    parsed = parsing.read_front_matter(path, text)
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
