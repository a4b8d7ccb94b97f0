"""Downtime and availability: when an incident counts as downtime, the minutes of each service's
downtime in each month, and the availability and error budget of a month (see the site's Metrics
page). Months are calendar months in the config's time zone, with their real length."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from ..kb.model import FrontMatter


def downtime_interval(front: FrontMatter) -> tuple[dt.datetime, dt.datetime] | None:
    """When the incident counts as downtime: from `started_at`, for `impact.downtime_minutes` when
    given, else until `resolved_at`. None when neither is known."""
    explicit = front.impact.downtime_minutes if front.impact else None
    if explicit is not None:
        return front.started_at, front.started_at + dt.timedelta(minutes=explicit)
    if front.resolved_at is None:
        return None
    return front.started_at, front.resolved_at


def downtime_minutes(front: FrontMatter) -> float:
    """Minutes the incident counts as downtime (see `downtime_interval`); 0 when unknown."""
    interval = downtime_interval(front)
    return (interval[1] - interval[0]).total_seconds() / 60 if interval else 0.0


def month_start(when: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    local = when.astimezone(zone)
    return dt.datetime(local.year, local.month, 1, tzinfo=zone)


def next_month(start: dt.datetime) -> dt.datetime:
    return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)


def month_key(day: dt.date) -> str:
    """The key of the month a day (or a moment, already in its zone) falls in: `YYYY-MM`."""
    return f"{day.year:04d}-{day.month:02d}"


def minutes_in_month(key: str, zone: ZoneInfo) -> float:
    """Real minutes in the month `YYYY-MM` of `zone` (daylight-saving changes included)."""
    start = dt.datetime(int(key[:4]), int(key[5:]), 1, tzinfo=zone)
    return (next_month(start).astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 60


def _merged(intervals: list[tuple[dt.datetime, dt.datetime]]) -> list[tuple[dt.datetime, dt.datetime]]:
    merged: list[list[dt.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def downtime_by_month(items: Iterable, service: str, zone: ZoneInfo) -> dict[str, float]:
    """Minutes of downtime of `service` in each month (`YYYY-MM`), over `items` (metrics.Incident),
    split by the minute at month boundaries. Overlapping incidents of the same service count once."""
    return _split(items, service, lambda when: month_start(when, zone), next_month, month_key)


def downtime_by_day(items: Iterable, service: str, zone: ZoneInfo) -> dict[dt.date, float]:
    """Minutes of downtime of `service` on each day of `zone`, over `items`, split at midnight
    (a day of a daylight-saving change has its real length). Overlaps count once."""
    def day_start(when: dt.datetime) -> dt.datetime:
        local = when.astimezone(zone)
        return dt.datetime(local.year, local.month, local.day, tzinfo=zone)

    def next_day(start: dt.datetime) -> dt.datetime:
        following = start.date() + dt.timedelta(days=1)
        return dt.datetime(following.year, following.month, following.day, tzinfo=zone)

    return _split(items, service, day_start, next_day, lambda start: start.date())


def _split(items: Iterable, service: str, period_start, next_period, key) -> dict:
    """Each period's minutes of the service's merged downtime intervals."""
    intervals = [iv for i in items if service in i.front.services and (iv := downtime_interval(i.front))]
    totals: dict = {}
    for start, end in _merged(intervals):
        period = period_start(start)
        while period < end:
            following = next_period(period)
            # In UTC: two times of one zone subtract by their wall clocks, wrong across a clock change.
            overlap = (min(end, following).astimezone(dt.UTC) - max(start, period).astimezone(dt.UTC)).total_seconds() / 60
            if overlap > 0:
                totals[key(period)] = totals.get(key(period), 0.0) + overlap
            period = following
    return totals


def availability(downtime_minutes: float, key: str, zone: ZoneInfo) -> float:
    """Availability of a month in percent: 100 x (1 - downtime / minutes in the month)."""
    return 100 * (1 - downtime_minutes / minutes_in_month(key, zone))


def error_budget(slo: float, key: str, zone: ZoneInfo) -> float:
    """Minutes of downtime the SLO allows in the month: (1 - SLO/100) x minutes in the month."""
    return (1 - slo / 100) * minutes_in_month(key, zone)
