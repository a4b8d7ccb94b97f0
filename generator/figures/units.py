"""How figures are written for people: durations and percentages (the site, the reports)."""

from __future__ import annotations


def duration(minutes: float | None) -> str:
    """`47 min`, `2 h 05`, `3 d 4 h`, or a dash."""
    if minutes is None:
        return "—"
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 1440:
        return f"{minutes // 60} h {minutes % 60:02d}"
    return f"{minutes // 1440} d {minutes % 1440 // 60} h"


def percent(value: float | None, digits: int = 2) -> str:
    """A percentage already in percent (99.95 -> `99.95%`), or a dash."""
    return "—" if value is None else f"{value:.{digits}f}%"


def rate(value: float | None) -> str:
    """A share (0.25 -> `25%`), or a dash."""
    return "—" if value is None else f"{100 * value:.0f}%"
