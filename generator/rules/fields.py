"""PM101-PM105, PM110, PM115, PM116: the front-matter fields as the model (generator.kb.model.FrontMatter)
judges them: required keys, types, formats, dates; and the placeholders and duplicate keys the
loader finds. `model_error` maps each of the model's errors to its rule; the checks that need the
config or several fields at once are in `values`."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Level
from ..kb.config.nearest import nearest, shown
from ..kb.model import TIME_FIELDS, FrontMatter, field_at, field_names_at
from ..kb.yamlsource import YamlDocument, dotted_path
from .actions import missing_in_action
from .registry import ERROR, WARNING, declare, diagnostic

#: The model's errors for a key it does not define (`invalid_key`: a key YAML read as a number).
UNKNOWN_KEY_ERRORS = ("extra_forbidden", "invalid_key")
DATE_FIELDS = {*TIME_FIELDS, "due", "closed_on"}
DATE_ERRORS = {
    "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type",
    "datetime_parsing", "datetime_from_date_parsing", "datetime_type", "datetime_object_invalid",
}

declare("PM101", "missing-field", ERROR, "A required front-matter field is missing.", """
    Required: `title`, `status`, `severity`, `services`, `started_at`, `detected_at`, `detection`,
    `root_cause` (and `resolved_at` unless the status is draft, see PM111).

    Failing:
    ```yaml
    title: Payment API unavailable for 47 minutes
    status: published
    ```

    Passing:
    ```yaml
    title: Payment API unavailable for 47 minutes
    status: published
    severity: SEV1
    services: [payments-api]
    started_at: 2026-03-13T18:42:00+01:00
    detected_at: 2026-03-13T18:42:00+01:00
    resolved_at: 2026-03-13T19:29:00+01:00
    detection: alert
    root_cause: capacity
    ```
""")

declare("PM102", "invalid-value", ERROR, "A front-matter value has the wrong type or is out of range.", """
    The message names the field and what it accepts: `status` is draft, review or published;
    `detection` is alert, customer, employee, automated-test or other; `title` is 1 to 120
    characters; percentages are 0 to 100; counts are whole numbers, 0 or more.

    Failing:
    ```yaml
    status: done
    impact:
      failed_requests_pct: 130
    ```

    Passing:
    ```yaml
    status: published
    impact:
      failed_requests_pct: 31
    ```
""")

declare("PM103", "unknown-field", WARNING, "The front matter has a key that the format does not define.", """
    Usually a typo, which would otherwise be silently ignored. The message suggests the nearest key.

    Failing:
    ```yaml
    mitigated: 2026-03-13T19:14:00+01:00
    ```

    Passing:
    ```yaml
    mitigated_at: 2026-03-13T19:14:00+01:00
    ```
""")

declare("PM104", "time-without-offset", ERROR, "A time has no UTC offset.", """
    Times are compared across teams and time zones, so each carries its offset.

    Failing:
    ```yaml
    started_at: 2026-03-13T18:42:00
    ```

    Passing:
    ```yaml
    started_at: 2026-03-13T18:42:00+01:00
    ```
""")

declare("PM105", "invalid-date", ERROR, "A date or time is not a real ISO 8601 date.", """
    Failing:
    ```yaml
    started_at: 2026-02-30T10:00:00Z
    actions:
      - {title: Add alert, owner: bob, due: next week}
    ```

    Passing:
    ```yaml
    started_at: 2026-03-13T18:42:00+01:00
    actions:
      - {id: add-alert, title: Add alert, owner: bob, due: 2026-03-20, verify_by: 2026-04-20}
    ```
""")


declare("PM110", "invalid-tag", ERROR, "A tag is not lowercase a-z, 0-9 and -.", """
    Failing:
    ```yaml
    tags: [Database, "connection pool"]
    ```

    Passing:
    ```yaml
    tags: [database, connection-pool]
    ```
""")


declare("PM115", "placeholder", ERROR, "A front-matter value is still the template's `TODO` placeholder.", """
    `postmortem new` writes `TODO` where the author must fill in a value. In a draft this is a
    warning; from review on it is an error.

    Failing:
    ```yaml
    status: review
    detection: TODO
    ```

    Passing:
    ```yaml
    status: review
    detection: alert
    ```
""")

declare("PM116", "duplicate-key", ERROR, "A front-matter key is written twice.", """
    YAML keeps only the last value, so the first one is silently lost.

    Failing:
    ```yaml
    status: draft
    status: published
    ```

    Passing:
    ```yaml
    status: published
    ```
""")


def duplicate_keys(path: str, document: YamlDocument) -> list[Diagnostic]:
    """PM116, for each key the front matter writes twice."""
    return [diagnostic("PM116", path, *position, f"`{dotted_path(key)}` is written twice: keep one (YAML keeps the last)")
            for key, position in document.duplicate_keys]


def placeholders(path: str, document: YamlDocument, keys: set[tuple], draft: bool) -> list[Diagnostic]:
    """PM115, for each value still the template's `TODO` (a warning in a draft)."""
    return [diagnostic("PM115", path, *document.position(key), f"`{dotted_path(key)}` is not filled in yet: replace TODO",
                       Level.WARNING if draft else Level.ERROR)
            for key in sorted(keys, key=document.position)]


def model_error(error: dict, loc: tuple) -> tuple[str, str]:
    """The rule code and the message for one error of the front-matter model (pydantic's, found at
    `loc`). The hints are the model's descriptions of its fields."""
    kind, name, field = error["type"], dotted_path(loc), loc[-1] if loc else ""
    if kind == "missing":
        return missing_in_action(loc) or ("PM101", f"missing required field `{name}`{_hint(loc, ': ')}")
    if kind in UNKNOWN_KEY_ERRORS:
        known = field_names_at(FrontMatter, loc[:-1])
        guess = nearest(str(field), known)
        hint = f": did you mean `{guess}`?" if guess else f": known fields are {', '.join(known)}"
        return "PM103", f"unknown field `{name}`{hint}"
    if kind == "timezone_aware":
        return "PM104", f"`{name}` has no UTC offset: write it like 2026-03-13T18:42:00+01:00 (Z for UTC)"
    if kind in DATE_ERRORS or (kind == "value_error" and field in DATE_FIELDS):
        example = "2026-03-20" if field in ("due", "closed_on") else "2026-03-13T18:42:00+01:00"
        return "PM105", f"`{name}` is {shown(error['input'])}, not a real date: write it like {example}"
    if kind == "string_pattern_mismatch" and loc[0] == "tags":
        return "PM110", f"tag {shown(error['input'])} must be lowercase a-z, 0-9 and -, e.g. connection-pool"
    if kind == "string_pattern_mismatch":
        return "PM102", f"`{name}` is {shown(error['input'])}{_hint(loc[:1], ': ')}"
    if kind == "enum":
        return "PM102", f"`{name}` is {shown(error['input'])}: use {error['ctx']['expected']}"
    message = error["msg"]
    if isinstance(error["input"], bool):
        message += " (YAML reads yes/no/on/off as true/false: quote the value)"
    return "PM102", f"`{name}` is {shown(error['input'])}: {message[0].lower()}{message[1:]}"


def _hint(loc: tuple, separator: str) -> str:
    """The model's description of the field at `loc`, as a hint after `separator`."""
    info = field_at(FrontMatter, loc)
    text = (info.description or "").rstrip(".") if info else ""
    return f"{separator}{text[0].lower()}{text[1:]}" if text else ""


