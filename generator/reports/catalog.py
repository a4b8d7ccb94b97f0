"""Querying the loaded post-mortems: filters and the summary rows of `postmortem list`."""

from __future__ import annotations

from ..kb.layout import KnowledgeBase
from ..kb.model import PostMortem, Visibility
from .texttables import aligned_columns


def list_postmortems(kb: KnowledgeBase, severity: str | None = None, service: str | None = None,
                     status: str | None = None) -> tuple[list[PostMortem], int]:
    """The post-mortems of a loaded knowledge base matching every filter given, newest first, and
    how many files were skipped because they cannot be read at all (run `postmortem validate` to
    see why). A file with errors in some fields is listed with the fields that are valid."""
    skipped = kb.check_result.checked - len(kb.postmortems)
    chosen = [
        pm for pm in kb.postmortems
        if (severity is None or pm.value("severity") == severity)
        and (service is None or service in (pm.value("services") or []))
        and (status is None or pm.value("status") == status)
    ]
    chosen.sort(key=PostMortem.chronological_key, reverse=True)
    return chosen, skipped


def _text(value) -> str:
    return "—" if value is None else str(value)


def summary_row(postmortem: PostMortem) -> dict:
    """The JSON object of `postmortem list --format json` for one post-mortem (null where the file
    has no valid value)."""
    value = postmortem.value
    started, resolved = value("started_at"), value("resolved_at")
    return {
        "id": postmortem.id,
        "path": postmortem.path,
        "title": value("title"),
        "status": value("status") and value("status").value,
        "severity": value("severity"),
        "services": list(value("services") or []),
        "started_at": started.isoformat() if started else None,
        "resolved_at": resolved.isoformat() if resolved else None,
        "root_cause": value("root_cause"),
        "tags": list(value("tags") or []),
        "visibility": (value("visibility") or Visibility.internal).value,
    }


def text_rows(postmortems: list[PostMortem]) -> list[str]:
    """Aligned lines for `postmortem list`: id, severity, status, services, title."""
    cells = [
        (pm.id, _text(pm.value("severity")), _text(pm.value("status") and pm.value("status").value),
         ",".join(pm.value("services") or []), _text(pm.value("title")))
        for pm in postmortems
    ]
    return aligned_columns(cells)
