"""Reliability figures, as pure functions of the post-mortems (see the site's Metrics page).

Drafts are left out of every figure: their values are not checked yet. Times are in minutes.
Months are calendar months in the config's time zone, with their real length (a month with a
daylight-saving change has an hour more or less).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from ..kb.config.schema import Config
from ..kb.model import Action, ActionStatus, FrontMatter, Status
from .availability import month_key

RECURRENCE_WINDOW = dt.timedelta(days=30)
OPEN_STATUSES = (ActionStatus.open, ActionStatus.in_progress)


@dataclass(frozen=True, eq=False)
class Incident:
    """A post-mortem reduced to what the figures need."""

    id: str
    front: FrontMatter
    #: The first commit of the built branch where the file says `status: published` (from git).
    published_at: dt.datetime | None = None

    @property
    def started(self) -> dt.datetime:
        return self.front.started_at

    @cached_property
    def services(self) -> frozenset[str]:
        return frozenset(self.front.services)


def incidents(postmortems: Iterable, published: dict[str, dt.datetime] | None = None) -> list[Incident]:
    """The post-mortems that count (every status but draft), oldest first, with the time each was
    published when `published` (by id) tells it."""
    published = published or {}
    chosen = [Incident(pm.id, pm.front_matter, published.get(pm.id)) for pm in postmortems
              if pm.front_matter is not None and pm.front_matter.status is not Status.draft]
    return sorted(chosen, key=lambda i: (i.started, i.id))


def minutes_between(later: dt.datetime | None, earlier: dt.datetime | None) -> float | None:
    """Minutes from `earlier` to `later`; None when either is unknown."""
    return None if later is None or earlier is None else (later - earlier).total_seconds() / 60


def time_to_detect(front: FrontMatter) -> float:
    return minutes_between(front.detected_at, front.started_at)


def time_to_mitigate(front: FrontMatter) -> float | None:
    return minutes_between(front.mitigated_at, front.started_at)


def time_to_resolve(front: FrontMatter) -> float | None:
    return minutes_between(front.resolved_at, front.started_at)


def hours_to_postmortem(item: Incident) -> float | None:
    """Hours from the resolution to the publication of the post-mortem; None until both are known."""
    minutes = minutes_between(item.published_at, item.front.resolved_at)
    return None if minutes is None else minutes / 60


def published_on_time(item: Incident, target_hours: int | None, now: dt.datetime) -> bool | None:
    """Whether the post-mortem was published within `target_hours` of the resolution. One still
    unpublished is late once the target has passed at `now`; None while it can still be on time,
    or without a target or a resolution."""
    resolved = item.front.resolved_at
    if target_hours is None or resolved is None:
        return None
    deadline = resolved + dt.timedelta(hours=target_hours)
    if item.published_at is not None:
        return item.published_at <= deadline
    return False if now > deadline else None


def on_time_rate(items: list[Incident], config: Config, now: dt.datetime) -> float | None:
    """The share of post-mortems published within their severity's `publish_within_hours`, among
    those whose verdict is known (see `published_on_time`)."""
    verdicts = [published_on_time(i, publish_target(config, i.front.severity), now) for i in items]
    known = [v for v in verdicts if v is not None]
    return sum(known) / len(known) if known else None


def publish_target(config: Config, severity: str) -> int | None:
    """Hours within which a post-mortem of `severity` is due (`publish_within_hours`), if set."""
    found = config.severity(severity)
    return found.publish_within_hours if found else None


def median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def nearest_rank(ordered: list[float], percentile: float) -> float:
    """The `percentile` of values sorted in increasing order, by the nearest-rank method: the value
    of rank ceil(percentile / 100 x n), counted from 1."""
    return ordered[max(1, math.ceil(percentile / 100 * len(ordered))) - 1]


@dataclass(frozen=True)
class Spread:
    """A duration over a set of incidents: how many have it (`n`: both its timestamps are known),
    and its mean, median and 90th percentile (None when `n` is 0). A mean alone misleads: one long
    outage moves it more than the other incidents together."""

    n: int
    mean: float | None
    median: float | None
    p90: float | None

    def rounded(self) -> dict:
        return {"n": self.n, "mean": _round(self.mean), "median": _round(self.median), "p90": _round(self.p90)}


def spread(values: Iterable[float | None]) -> Spread:
    """The spread of the known values (None values are left out)."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return Spread(0, None, None, None)
    return Spread(len(ordered), statistics.fmean(ordered), statistics.median(ordered), nearest_rank(ordered, 90))


def in_period(items: list[Incident], since: dt.date | None, until: dt.date | None, zone: ZoneInfo) -> list[Incident]:
    """Incidents whose start falls on a day from `since` to `until` (both included), in `zone`."""
    return [i for i in items
            if (since is None or i.started.astimezone(zone).date() >= since)
            and (until is None or i.started.astimezone(zone).date() <= until)]


def _by_cause_and_service(every: list[Incident]) -> dict[tuple[str, str], list[Incident]]:
    """The incidents of each (root cause, service), oldest first: similar incidents are found
    within a group, so each only meets its few candidates."""
    groups: dict[tuple[str, str], list[Incident]] = {}
    for item in sorted(every, key=lambda i: (i.started, i.id)):
        for service in item.services:
            groups.setdefault((item.front.root_cause, service), []).append(item)
    return groups


def _windows(members: list[Incident]) -> Iterator[tuple[int, int, int]]:
    """For each incident of a group (oldest first), its index and the slice `[low, high)` of the
    group started at most 30 days before or after it (itself included)."""
    low = high = 0
    for index, item in enumerate(members):
        while item.started - members[low].started > RECURRENCE_WINDOW:
            low += 1
        while high < len(members) and members[high].started - item.started <= RECURRENCE_WINDOW:
            high += 1
        yield index, low, high


def recurrences(every: list[Incident]) -> set[str]:
    """Ids of the incidents that recur: a similar incident started in the 30 days before, one that
    shares a service and has the same root cause, or one that the incident lists in `related`."""
    found = set()
    for members in _by_cause_and_service(every).values():
        # The oldest of the window started earlier than the incident: one at least did.
        found |= {members[index].id for index, low, _ in _windows(members) if members[low].started < members[index].started}
    by_id = {i.id: i for i in every}
    for item in every:
        for related in item.front.related:
            earlier = by_id.get(related)
            if earlier and dt.timedelta(0) < item.started - earlier.started <= RECURRENCE_WINDOW:
                found.add(item.id)
    return found


def recurrence_rate(period: list[Incident], recurring: set[str]) -> float | None:
    """Share of the period's incidents that recur (0 to 1), given `recurrences()` of every
    incident; None without incidents."""
    return sum(i.id in recurring for i in period) / len(period) if period else None


def similar_incidents(every: list[Incident]) -> dict[str, list[Incident]]:
    """For each incident, the others within 30 days either side that share a service and the root
    cause, oldest first."""
    found: dict[str, list[Incident]] = {}
    merged: set[str] = set()
    for members in _by_cause_and_service(every).values():
        for index, low, high in _windows(members):
            others = members[low:index] + members[index + 1:high]  # in order already
            if others:
                key = members[index].id
                if key in found:  # another of its services: merge
                    found[key] = found[key] + others
                    merged.add(key)
                else:
                    found[key] = others
    for key in merged:
        found[key] = sorted(set(found[key]), key=lambda i: (i.started, i.id))
    return found


def actions_closed_on(front: FrontMatter) -> dt.date | None:
    """The day the last action of a post-mortem was closed, once every one is `done` or `wont-do`
    and one at least is `done`; None before, or without actions."""
    actions = front.actions
    if not any(a.status is ActionStatus.done for a in actions) or any(a.status in OPEN_STATUSES for a in actions):
        return None
    days = [a.closed_on for a in actions]
    return None if None in days else max(days)


@dataclass(frozen=True)
class RecurrenceAfterActions:
    """An incident that came back after its post-mortem's actions were all closed: `later` shares
    a service and the root cause of `earlier`, and started `days` after `closed_on`."""

    earlier: Incident
    closed_on: dt.date
    later: Incident
    days: int


def recurrences_after_actions(every: list[Incident], zone: ZoneInfo) -> dict[str, RecurrenceAfterActions]:
    """For each incident whose actions were all closed (see `actions_closed_on`), by its id, the
    first incident that shares a service and the root cause and started on a later day; whether
    its actions worked, as far as git-native post-mortems can tell."""
    groups = {key: ([i.started.astimezone(zone).date() for i in members], members)
              for key, members in _by_cause_and_service(every).items()}
    found = {}
    for item in every:
        closed = actions_closed_on(item.front)
        if closed is None:
            continue
        later = []
        for service in item.services:
            days, members = groups[(item.front.root_cause, service)]
            index = bisect.bisect_right(days, closed)  # the first that started on a later day
            later += [other for other in members[index:index + 2] if other is not item][:1]
        if later:
            first = min(later, key=lambda other: (other.started, other.id))
            found[item.id] = RecurrenceAfterActions(item, closed, first, (first.started.astimezone(zone).date() - closed).days)
    return found


def to_verify(action: Action, today: dt.date) -> bool:
    """Done, its verification date reached, and not yet verified: the fix's effect is to be checked."""
    return (action.status is ActionStatus.done and action.verified is None and action.verify_by is not None
            and action.verify_by <= today)


def is_overdue(action: Action, today: dt.date) -> bool:
    return action.status in OPEN_STATUSES and action.due < today


def action_counts(items: list[Incident], today: dt.date) -> dict[str, int]:
    """Totals of the actions: open counts in-progress too; wont-do counts only in the total."""
    actions = [a for i in items for a in i.front.actions]
    return {
        "total": len(actions),
        "open": sum(a.status in OPEN_STATUSES for a in actions),
        "overdue": sum(is_overdue(a, today) for a in actions),
        "done": sum(a.status is ActionStatus.done for a in actions),
        "to_verify": sum(to_verify(a, today) for a in actions),
    }


def months_between(since: dt.date, until: dt.date) -> list[str]:
    """Every month key from `since`'s month to `until`'s, in order."""
    keys, year, month = [], since.year, since.month
    while (year, month) <= (until.year, until.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return keys


def by_root_cause(items: list[Incident]) -> dict[str, list[Incident]]:
    """The incidents of each root cause, in the order of `items`."""
    found: dict[str, list[Incident]] = {}
    for item in items:
        found.setdefault(item.front.root_cause, []).append(item)
    return found


def by_month(items: list[Incident], months: list[str], zone: ZoneInfo) -> dict[str, list[Incident]]:
    """The incidents that started in each of `months` (keys as `months_between` writes them), in `zone`."""
    found: dict[str, list[Incident]] = {month: [] for month in months}
    for item in items:
        key = month_key(item.started.astimezone(zone))
        if key in found:
            found[key].append(item)
    return found


@dataclass(frozen=True)
class PeriodFigures:
    """The figures of a set of incidents (a period, a month): the home page's cards, the report's,
    each month of the trends and `postmortem stats` all read them from here."""

    incidents: int
    by_severity: dict[str, int]
    by_cause: dict[str, int]
    #: How many incidents list each category among their `contributing_factors`.
    by_factor: dict[str, int]
    ttd: Spread
    ttm: Spread
    ttr: Spread
    recurrence_rate: float | None
    #: None without git history (no publication times), or when no verdict is known yet.
    on_time_rate: float | None


def period_figures(items: list[Incident], config: Config, recurring: set[str], now: dt.datetime) -> PeriodFigures:
    """The figures of `items`; `recurring` is `recurrences()` of every incident (a recurrence may
    follow an incident outside the period)."""
    causes: dict[str, int] = {}
    factors: dict[str, int] = {}
    for item in items:
        causes[item.front.root_cause] = causes.get(item.front.root_cause, 0) + 1
        for factor in set(item.front.contributing_factors):
            factors[factor] = factors.get(factor, 0) + 1
    return PeriodFigures(
        incidents=len(items),
        by_severity={s: sum(i.front.severity == s for i in items) for s in config.severity_ids},
        by_cause=causes,
        by_factor=factors,
        ttd=spread(time_to_detect(i.front) for i in items),
        ttm=spread(time_to_mitigate(i.front) for i in items),
        ttr=spread(time_to_resolve(i.front) for i in items),
        recurrence_rate=recurrence_rate(items, recurring),
        on_time_rate=on_time_rate(items, config, now),
    )


def publication_figures(items: list[Incident], config: Config, now: dt.datetime) -> dict:
    """How soon post-mortems were published: how many are, the median hours from resolution, and
    the share published within their severity's target."""
    return {
        "published": sum(i.published_at is not None for i in items),
        "median_hours": _round(median(hours_to_postmortem(i) for i in items), 1),
        "on_time_rate": _round(on_time_rate(items, config, now), 4),
    }


def end_of_day(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The last moment of `day` in `zone`: what "now" is for a build dated `day`."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone) - dt.timedelta(microseconds=1)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
