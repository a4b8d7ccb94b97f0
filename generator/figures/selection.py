"""Which incidents a question is about (those of a team, of some services, of some severities, in a
period), and their figures as `postmortem stats` gives them. One definition for `stats`, the team
pages and the Trends page's filter.

A team's incidents are those that affect one of its services (`services[].team` in postmortem.yml):
an incident of two services counts for the teams of both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from ..errors import UsageError
from ..kb.config.nearest import on_the_site, unknown_value
from ..kb.config.schema import Config, Service
from . import metrics
from .availability import availability, downtime_by_month
from .metrics import Incident, in_period

#: One value, several (any of them matches), or None or an empty collection (no filter).
Choice = str | Collection[str] | None


def chosen_services(config: Config, team: Choice = None, service: Choice = None) -> list[Service]:
    """The services of the catalog, in its order, owned by one of the teams `team` and among the
    ids `service` (a filter not given keeps them all). Raises UsageError for an unknown team or
    service, naming the known ones."""
    teams = _checked(team, "team", config.known_teams, config.listed_at("teams"), on_the_site(config, "teams"))
    ids = _checked(service, "service", config.service_ids, config.listed_at("services"), on_the_site(config, "services"))
    # One team (its page, `stats --team`): its own services, not a pass over a catalogue of thousands.
    candidates = config.services_by_team.get(next(iter(teams)), []) if teams and len(teams) == 1 else config.services
    return [s for s in candidates if (teams is None or s.team in teams) and (ids is None or s.id in ids)]


def select_incidents(incidents: Iterable[Incident], config: Config, team: Choice = None, service: Choice = None,
                     severity: Choice = None, since: dt.date | None = None,
                     until: dt.date | None = None) -> list[Incident]:
    """The incidents that match every filter given, in their order: one of their services is among
    `chosen_services(config, team, service)`, their severity is `severity` (or one of them), and
    they started on a day from `since` to `until`, both included, in the config's time zone. Each
    of `team`, `service` and `severity` is one value, a collection of values (any of them matches),
    or None or an empty collection (no filter). Raises UsageError for an unknown team, service or
    severity, naming the known ones."""
    severities = _checked(severity, "severity", config.severity_ids, config.listed_at("severities"))
    chosen = chosen_services(config, team, service)
    services = {s.id for s in chosen} if _values(team) or _values(service) else None
    kept = [item for item in incidents
            if (services is None or not services.isdisjoint(item.services))
            and (severities is None or item.front.severity in severities)]
    return in_period(kept, since, until, config.zone)


def summary(postmortems: Iterable, config: Config, since: dt.date | None, until: dt.date, today: dt.date,
            published: dict[str, dt.datetime] | None = None, team: Choice = None, service: Choice = None,
            severity: Choice = None) -> dict:
    """The figures of `postmortem stats` for the incidents started from `since` to `until` that
    `team`, `service` and `severity` choose (see `select_incidents`), with the availability of the
    chosen services (`chosen_services`) over those incidents alone. `published` (by id, from git)
    gives the time-to-post-mortem figures; without it they are None."""
    zone = config.zone
    services = chosen_services(config, team, service)
    every = metrics.incidents(postmortems, published)
    period = select_incidents(every, config, team, service, severity, since, until)
    first = since or (period[0].started.astimezone(zone).date() if period else until)
    months = metrics.months_between(first, until)
    now = metrics.end_of_day(today, zone)
    # Every incident, chosen or not, tells which recur: a recurrence may follow one left out.
    figures = metrics.period_figures(period, config, metrics.recurrences(every), now)
    by_service = {}
    for chosen in services:
        downtime = downtime_by_month(period, chosen.id, zone)
        by_service[chosen.id] = {
            "incidents": sum(chosen.id in i.services for i in period),
            "downtime_minutes": round(sum(downtime.values()), 2),
            "availability": {key: round(availability(downtime.get(key, 0.0), key, zone), 4) for key in months},
        }
    return {
        "incidents": figures.incidents,
        "by_severity": figures.by_severity,
        "mttd_minutes": _round(figures.ttd.mean),
        "mttr_minutes": _round(figures.ttr.mean),
        "median_ttr_minutes": _round(figures.ttr.median),
        "ttd_minutes": figures.ttd.rounded(),
        "ttm_minutes": figures.ttm.rounded(),
        "ttr_minutes": figures.ttr.rounded(),
        "recurrence_rate": _round(figures.recurrence_rate, 4),
        "actions": metrics.action_counts(period, today),
        "time_to_postmortem": None if published is None else metrics.publication_figures(period, config, now),
        "services": by_service,
    }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _checked(choice: Choice, kind: str, known: Collection[str], listed_at: str,
             shown_at: str | None = None) -> frozenset[str] | None:
    """The values of a filter, each one known; None when the filter is not given."""
    values = _values(choice)
    if not values:
        return None
    unknown = sorted(values - set(known))
    if unknown:
        raise UsageError(unknown_value(kind, unknown[0], known, listed_at, shown_at))
    return values


def _values(choice: Choice) -> frozenset[str]:
    return frozenset([choice] if isinstance(choice, str) else choice or ())
