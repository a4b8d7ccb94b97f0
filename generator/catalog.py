"""Querying the loaded post-mortems: filters and the summary rows of `postmortem list`."""

from __future__ import annotations

from pathlib import Path

from .checker import check
from .model import PostMortem


def list_postmortems(root: Path, severity: str | None = None, service: str | None = None,
                     status: str | None = None) -> tuple[list[PostMortem], int]:
    """The post-mortems matching every filter given, newest first, and how many files were
    skipped because their front matter is invalid (run `postmortem validate` to see why)."""
    result = check(root)
    readable = [pm for pm in result.postmortems if pm.front_matter is not None]
    skipped = result.checked - len(readable)
    chosen = [
        pm for pm in readable
        if (severity is None or pm.front_matter.severity == severity)
        and (service is None or service in pm.front_matter.services)
        and (status is None or pm.front_matter.status.value == status)
    ]
    chosen.sort(key=lambda pm: (pm.front_matter.started_at, pm.id), reverse=True)
    return chosen, skipped


def summary_row(postmortem: PostMortem) -> dict:
    """The JSON object of `postmortem list --format json` for one post-mortem."""
    fm = postmortem.front_matter
    return {
        "id": postmortem.id,
        "path": postmortem.path,
        "title": fm.title,
        "status": fm.status.value,
        "severity": fm.severity,
        "services": list(fm.services),
        "started_at": fm.started_at.isoformat(),
        "resolved_at": fm.resolved_at.isoformat() if fm.resolved_at else None,
        "root_cause": fm.root_cause,
        "tags": list(fm.tags),
    }


def text_rows(postmortems: list[PostMortem]) -> list[str]:
    """Aligned lines for `postmortem list`: id, severity, status, services, title."""
    cells = [
        (pm.id, pm.front_matter.severity, pm.front_matter.status.value, ",".join(pm.front_matter.services),
         pm.front_matter.title)
        for pm in postmortems
    ]
    widths = [max((len(row[column]) for row in cells), default=0) for column in range(4)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[4]]) for row in cells]
