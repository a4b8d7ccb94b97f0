"""`postmortem stats`: the site's figures for a period, as data and as text."""

from __future__ import annotations

import datetime as dt

from ..figures import units
from ..figures.selection import Choice, summary
from ..kb.layout import KnowledgeBase


def compute_stats(kb: KnowledgeBase, since: dt.date | None = None, until: dt.date | None = None,
                  today: dt.date | None = None, team: Choice = None, service: Choice = None,
                  severity: Choice = None) -> dict:
    """The figures of a loaded knowledge base's incidents started from `since` to `until` (default:
    all, up to today), narrowed to those of the team(s) `team`, the service(s) `service` and the
    severity (or severities) `severity` when given (see `selection.select_incidents`). Post-mortems
    whose front matter is invalid are left out, as drafts are. The time to post-mortem comes from
    git, and is None outside a repository or in a shallow clone. Raises UsageError for an unknown
    team, service or severity, naming the known ones."""
    from ..kb.gitinfo import read_history

    today = today or kb.config.today()
    published = read_history(kb).published_by_id()
    return summary(kb.postmortems, kb.config, since, until or today, today, published, team, service, severity)


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} min"


def _spread(spread: dict) -> str:
    return (f"median {_minutes(spread['median'])}, p90 {_minutes(spread['p90'])}, mean {_minutes(spread['mean'])}"
            f" (n = {spread['n']})")


def _publication(figures: dict | None) -> str:
    if figures is None:
        return "— (no git history here)"
    median = figures["median_hours"]
    rate = figures["on_time_rate"]
    return (f"median {'—' if median is None else f'{median:.1f} h'}, "
            f"{units.rate(rate)} on time, {figures['published']} published")


def stats_text(figures: dict) -> str:
    """A plain-text rendering of `compute_stats`."""
    severities = ", ".join(f"{k} {v}" for k, v in figures["by_severity"].items())
    rate = figures["recurrence_rate"]
    actions = figures["actions"]
    lines = [
        f"Incidents:           {figures['incidents']} ({severities})",
        *(f"{name + ':':<21}{_spread(figures[key])}" for name, key in (
            ("Time to detect", "ttd_minutes"), ("Time to mitigate", "ttm_minutes"), ("Time to resolve", "ttr_minutes"))),
        f"Recurrence rate:     {units.rate(rate)}",
        f"Actions:             {actions['total']} total, {actions['open']} open, {actions['overdue']} overdue, "
        f"{actions['done']} done",
        f"Time to post-mortem: {_publication(figures['time_to_postmortem'])}",
        "",
        "Service                    Incidents  Downtime    Lowest month",
    ]
    for service, data in figures["services"].items():
        lowest = min(data["availability"].items(), key=lambda kv: kv[1], default=None)
        shown = f"{lowest[1]:.3f}% ({lowest[0]})" if lowest else "—"
        lines.append(f"{service:<26} {data['incidents']:>9}  {data['downtime_minutes']:>8.1f}m  {shown}")
    return "\n".join(lines)
