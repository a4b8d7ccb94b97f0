"""`postmortem stats`: the site's figures for a period, as data and as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import metrics
from .checker import check
from .config import load_config


def compute_stats(root: Path, since: dt.date | None = None, until: dt.date | None = None,
                  today: dt.date | None = None) -> dict:
    """The figures of the incidents started from `since` to `until` (default: all, up to today).
    Post-mortems whose front matter is invalid are left out, as drafts are."""
    kb = load_config(root)
    today = today or kb.config.today()
    result = check(root, kb=kb, keep_postmortems=True)
    return metrics.summary(result.postmortems, kb.config, since, until or today, today)


def _minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} min"


def stats_text(figures: dict) -> str:
    """A plain-text rendering of `compute_stats`."""
    severities = ", ".join(f"{k} {v}" for k, v in figures["by_severity"].items())
    rate = figures["recurrence_rate"]
    actions = figures["actions"]
    lines = [
        f"Incidents:        {figures['incidents']} ({severities})",
        f"MTTD:             {_minutes(figures['mttd_minutes'])}",
        f"MTTR:             {_minutes(figures['mttr_minutes'])} (median {_minutes(figures['median_ttr_minutes'])})",
        f"Recurrence rate:  {'—' if rate is None else f'{100 * rate:.0f}%'}",
        f"Actions:          {actions['total']} total, {actions['open']} open, {actions['overdue']} overdue, "
        f"{actions['done']} done",
        "",
        "Service                    Incidents  Downtime    Lowest month",
    ]
    for service, data in figures["services"].items():
        lowest = min(data["availability"].items(), key=lambda kv: kv[1], default=None)
        shown = f"{lowest[1]:.3f}% ({lowest[0]})" if lowest else "—"
        lines.append(f"{service:<26} {data['incidents']:>9}  {data['downtime_minutes']:>8.1f}m  {shown}")
    return "\n".join(lines)
