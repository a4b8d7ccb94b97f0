"""Reading one post-mortem file: bytes to front-matter values with their positions, and body sections.

Every problem becomes a diagnostic with the file's path and, where there is one, a line; nothing
raised here escapes for bad input.
"""

from __future__ import annotations

import contextlib
import difflib
import os
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import frontmatter
from pydantic import TypeAdapter, ValidationError

from .body import is_placeholder, parse_sections
from .diagnostics import Diagnostic, Level
from .model import TIME_FIELDS, Action, FrontMatter, PostMortem, field_names_at
from .rules import diagnostic
from .rules.parsing import MAX_FILE_BYTES
from .yamlsource import YamlSyntaxError, YamlTooComplex, dotted_path, load_yaml

_HANDLER = frontmatter.YAMLHandler()

UNKNOWN_KEY_ERRORS = ("extra_forbidden", "invalid_key")
DATE_FIELDS = {*TIME_FIELDS, "due", "closed_on"}
DATE_ERRORS = {
    "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type",
    "datetime_parsing", "datetime_from_date_parsing", "datetime_type", "datetime_object_invalid",
}
PATTERN_HINTS = {
    "services": "service ids are lowercase a-z, 0-9 and single dashes, as in the config's catalog",
    "related": "post-mortem ids are YYYY-MM-DD-slug, the file name without .md",
}
MISSING_HINTS = {
    "title": "one line that says what broke and for how long",
    "status": "draft, review or published",
    "severity": "e.g. SEV1",
    "services": "the ids of the affected services, e.g. [payments-api]",
    "started_at": "when impact began, e.g. 2026-03-13T18:42:00+01:00",
    "detected_at": "when someone or something noticed, e.g. 2026-03-13T18:42:00+01:00",
    "detection": "alert, customer, employee, automated-test or other",
    "root_cause": "a category from the config's root_causes, e.g. capacity",
}


def relative_path(root: Path, file: Path) -> str:
    """`file` relative to the knowledge-base root, POSIX style; absolute when outside it.
    Links are not followed: the path is the one the author sees."""
    absolute = Path(os.path.abspath(file))
    try:
        return absolute.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return absolute.as_posix()


def read_postmortem(root: Path, file: Path) -> tuple[PostMortem | None, list[Diagnostic]]:
    """Read and parse `file`. Returns the post-mortem (None when it cannot be parsed) and the
    diagnostics found while reading it."""
    path = relative_path(root, file)

    def fail(code: str, line: int | None, column: int | None, message: str):
        return None, [diagnostic(code, path, line, column, message)]

    try:
        with open(file, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return fail("PM010", None, None, f"cannot read the file: {error.strerror or error}")
    if len(raw) > MAX_FILE_BYTES:
        size = file.stat().st_size / 1024 / 1024
        return fail("PM008", None, None, f"the file is {size:.1f} MiB, over the 1 MiB limit: move logs and "
                                         "attachments out of it and link to them")
    if b"\x00" in raw:
        return fail("PM002", None, None, "binary file (it holds NUL bytes): post-mortems are Markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        return fail("PM001", raw.count(b"\n", 0, error.start) + 1, error.start - line_start + 1,
                    f"byte 0x{raw[error.start]:02x} is not UTF-8: re-save the file as UTF-8")
    text = text.replace("\r\n", "\n")
    if not text.strip():
        return fail("PM003", 1, None, "empty file: create post-mortems with `postmortem new`")
    if not _HANDLER.detect(text):
        return fail("PM004", 1, 1, "no front matter: the file must start with a `---` line, the YAML "
                                   "fields, then another `---` line")
    try:
        front, body = _HANDLER.split(text)
    except ValueError:
        return fail("PM005", 1, 1, "the front matter opened here is never closed: add a `---` line after it")
    first_line = text.count("\n", 0, _HANDLER.FM_BOUNDARY.match(text).end()) + 1
    try:
        document = load_yaml(front, first_line)
    except YamlSyntaxError as error:
        return fail("PM006", error.line, error.column, f"YAML syntax error: {error.message}")
    except YamlTooComplex:
        return fail("PM009", 1, 1, "the front matter expands to too many values or nests too deep "
                                   "(YAML anchors and aliases): write the values out")
    data = document.data
    if not isinstance(data, dict):
        found = "empty" if data is None else f"a {type(data).__name__}"
        return fail("PM007", first_line, 1, f"the front matter is {found}, not a mapping of fields: "
                                            "write `key: value` lines")

    draft = data.get("status") == "draft"
    diagnostics = [
        diagnostic("PM116", path, *position, f"`{dotted_path(key)}` is written twice: keep one (YAML keeps the last)")
        for key, position in document.duplicate_keys
    ]
    placeholders = _take_placeholders(data)
    diagnostics += [
        diagnostic("PM115", path, *document.position(key), f"`{dotted_path(key)}` is not filled in yet: replace TODO",
                   Level.WARNING if draft else Level.ERROR)
        for key in sorted(placeholders, key=document.position)
    ]
    model, values, actions, errors = _validate(data)
    for error in errors:
        loc = tuple(error["loc"])
        if any(loc[: len(p)] == p for p in placeholders):
            continue
        if error["type"] == "invalid_key":  # a key such as `1:`, which YAML read as a number
            loc = (*loc[:-1], str(loc[-1]))
        code, message = _field_problem(error, loc)
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
    if all(e["type"] in UNKNOWN_KEY_ERRORS for e in errors):  # unknown keys only: a warning, not a lost file
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


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _field_problem(error: dict, loc: tuple) -> tuple[str, str]:
    """The rule code and the message for one front-matter model error."""
    kind, name, field = error["type"], dotted_path(loc), loc[-1] if loc else ""
    if kind == "missing":
        if len(loc) == 3 and loc[0] == "actions" and field == "owner":
            return "PM202", (f"action {loc[1] + 1} has no owner: an action without an owner does not exist; "
                             "add `owner:` with a person or team")
        if len(loc) == 3 and loc[0] == "actions" and field == "due":
            return "PM203", f"action {loc[1] + 1} has no due date: add `due: YYYY-MM-DD`"
        hint = MISSING_HINTS.get(name)
        return "PM101", f"missing required field `{name}`" + (f": {hint}" if hint else "")
    if kind in UNKNOWN_KEY_ERRORS:
        known = field_names_at(FrontMatter, loc[:-1])
        guess = difflib.get_close_matches(str(field), known, n=1)
        hint = f": did you mean `{guess[0]}`?" if guess else f": known fields are {', '.join(known)}"
        return "PM103", f"unknown field `{name}`{hint}"
    if kind == "timezone_aware":
        return "PM104", f"`{name}` has no UTC offset: write it like 2026-03-13T18:42:00+01:00 (Z for UTC)"
    if kind in DATE_ERRORS or (kind == "value_error" and field in DATE_FIELDS):
        example = "2026-03-20" if field in ("due", "closed_on") else "2026-03-13T18:42:00+01:00"
        return "PM105", f"`{name}` is {_shown(error['input'])}, not a real date: write it like {example}"
    if kind == "string_pattern_mismatch" and loc[0] == "tags":
        return "PM110", f"tag {_shown(error['input'])} must be lowercase a-z, 0-9 and -, e.g. connection-pool"
    if kind == "string_pattern_mismatch" and loc[0] in PATTERN_HINTS:
        return "PM102", f"`{name}` is {_shown(error['input'])}: {PATTERN_HINTS[loc[0]]}"
    if kind == "enum":
        return "PM102", f"`{name}` is {_shown(error['input'])}: use {error['ctx']['expected']}"
    message = error["msg"]
    if isinstance(error["input"], bool):
        message += " (YAML reads yes/no/on/off as true/false: quote the value)"
    return "PM102", f"`{name}` is {_shown(error['input'])}: {message[0].lower()}{message[1:]}"
