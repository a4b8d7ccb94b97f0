"""Exports for BI tools (`postmortem export --all` and `--actions`): one row a post-mortem with every
front-matter field and the computed durations, or one row an action, as JSON or CSV (the writers
`postmortem actions` uses too)."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
from typing import Any

from ..figures import metrics
from ..kb.evidence import Evidence
from ..kb.layout import KnowledgeBase
from ..kb.model import FrontMatter, Impact, PostMortem, Roles
from ..labels import Labels
from .review import as_records, review_actions

#: Nested front-matter fields, exported one column a sub-field (`roles.incident_commander`).
NESTED = {"roles": Roles, "impact": Impact}
#: The front matter's fields as columns (actions are counted instead).
FIELD_COLUMNS = tuple(
    f"{name}.{sub}" if name in NESTED else name
    for name in FrontMatter.model_fields if name != "actions"
    for sub in (NESTED[name].model_fields if name in NESTED else [None]))
#: The columns of `export --all`, in this order.
POSTMORTEM_COLUMNS = ("id", "path", *FIELD_COLUMNS, "actions", "actions_open", "actions_overdue", "ttd_minutes",
                      "ttm_minutes", "ttr_minutes")


def postmortem_rows(kb: KnowledgeBase, today: dt.date) -> list[dict[str, Any]]:
    """Every post-mortem of the loaded knowledge base, oldest first, as a row of
    `POSTMORTEM_COLUMNS` (None where the file has no valid value). A restricted post-mortem gives
    only what the site shows of it (its title the site's, in the config's language), and its durations."""
    restricted_title = Labels(kb.config.language)("restricted_title")
    return [_postmortem_row(pm, today, restricted_title)
            for pm in sorted(kb.postmortems, key=PostMortem.chronological_key)]


def action_rows(kb: KnowledgeBase, today: dt.date, evidence: Evidence | None = None) -> list[dict[str, Any]]:
    """Every action, by due date, as a row of the columns of `postmortem actions` (`reverted_by`
    from `evidence`)."""
    return as_records(review_actions(kb, today, evidence=evidence))


def _postmortem_row(pm: PostMortem, today: dt.date, restricted_title: str) -> dict[str, Any]:
    front = pm.front_matter
    shown = pm.redacted(restricted_title) if pm.is_restricted else pm
    row: dict[str, Any] = {"id": pm.id, "path": pm.path}
    for column in FIELD_COLUMNS:
        name, _, sub = column.partition(".")
        value = shown.value(name)
        row[column] = getattr(value, sub) if sub and value is not None else (None if sub else value)
    actions = [action for _, action in shown.actions]
    row["actions"] = len(actions)
    row["actions_open"] = sum(action.status in metrics.OPEN_STATUSES for action in actions)
    row["actions_overdue"] = sum(metrics.is_overdue(action, today) for action in actions)
    row["ttd_minutes"] = _minutes(metrics.time_to_detect(front) if front else None)
    row["ttm_minutes"] = _minutes(metrics.time_to_mitigate(front) if front else None)
    row["ttr_minutes"] = _minutes(metrics.time_to_resolve(front) if front else None)
    return {column: _plain(value) for column, value in row.items()}


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def rows_json(rows: list[dict[str, Any]]) -> str:
    """The rows as a JSON array of objects."""
    return json.dumps(rows, indent=2, ensure_ascii=False)


def rows_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """The rows as CSV with a header row of `columns`: lists joined by `;`, booleans as true and
    false, nothing for a missing value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(row[column]) for column in columns] for row in rows)
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return value
