"""What the public page shows, and nothing else: each public service's daily downtime over 90
days and availability over 12 months (the internal figures' functions), and the customer report of
each public incident. Every value here is chosen, never left over from an internal page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from ..figures import availability, metrics
from ..kb.audience import is_public
from ..kb.config.schema import Config, Service
from ..kb.model import PostMortem
from ..labels import Labels
from ..reports.customer import CustomerReport, customer_report_of

UPTIME_DAYS = 90
HISTORY_MONTHS = 12


@dataclass(frozen=True)
class Day:
    """A day of a service's uptime bar: its downtime and the worst it saw (`operational`,
    `degraded`, `outage`)."""

    day: dt.date
    minutes: float
    status: str


@dataclass(frozen=True)
class Month:
    key: str
    availability: float
    met: bool


@dataclass(frozen=True)
class PublicService:
    name: str
    sla: float
    uptime: float  # percent over the last UPTIME_DAYS days
    days: list[Day]
    months: list[Month]


@dataclass(frozen=True)
class PublicIncident:
    """A public incident: where its page is, when it was, how bad, and its customer report."""

    slug: str
    started: dt.datetime
    resolved: dt.datetime
    impact: str  # "outage" for the most severe level, else "degraded"
    severity: str
    services: list[str]
    report: CustomerReport


@dataclass(frozen=True)
class PublicContent:
    title: str
    language: str
    colour: str
    logo: str | None
    url: str | None
    today: dt.date
    services: list[PublicService]
    incidents: list[PublicIncident]


def public_content(config: Config, postmortems: Iterable[PostMortem], today: dt.date) -> PublicContent:
    """The public page's content from the knowledge base's checked post-mortems. Every incident
    counts in the uptime (restricted and internal ones too: they were real downtime); only the
    public ones have a page."""
    postmortems = list(postmortems)
    counted = metrics.incidents(postmortems)
    services = [_service(config, service, counted, today)
                for service in (config.service_by_id[sid] for sid in config.public.services)]
    public = sorted((pm for pm in postmortems if pm.front_matter is not None and pm.front_matter.resolved_at is not None
                     and is_public(pm, config)), key=lambda pm: (pm.front_matter.started_at, pm.id))
    incidents = [_incident(config, pm, today, slug) for pm, slug in zip(public, _slugs(config, public), strict=True)]
    return PublicContent(
        title=config.public.title or Labels(config.language)("public_title", title=config.title),
        language=config.language, colour=config.public.colour,
        logo=f"logo{PurePath(config.public.logo).suffix}" if config.public.logo else None,
        url=config.public.url, today=today, services=services, incidents=incidents[::-1])


def _service(config: Config, service: Service, counted: list[metrics.Incident], today: dt.date) -> PublicService:
    zone = config.zone
    first = today - dt.timedelta(days=UPTIME_DAYS - 1)
    by_day = availability.downtime_by_day(counted, service.id, zone)
    worst = availability.downtime_by_day([i for i in counted if i.front.severity == config.severity_ids[0]],
                                         service.id, zone)
    days = [Day(day, round(by_day.get(day, 0.0), 1),
                "outage" if worst.get(day) else "degraded" if by_day.get(day) else "operational")
            for day in (first + dt.timedelta(days=n) for n in range(UPTIME_DAYS))]
    window = (metrics.end_of_day(today, zone).astimezone(dt.UTC)
              - metrics.end_of_day(first - dt.timedelta(days=1), zone).astimezone(dt.UTC)).total_seconds() / 60
    sla = config.public.sla if config.public.sla is not None else service.slo
    by_month = availability.downtime_by_month(counted, service.id, zone)
    months = []
    for key in metrics.months_between(_months_back(today, HISTORY_MONTHS - 1), today):
        value = availability.availability(by_month.get(key, 0.0), key, zone)
        months.append(Month(key, value, value >= sla))
    return PublicService(service.display_name, sla, 100 * (1 - sum(d.minutes for d in days) / window), days,
                         months[::-1])


def _incident(config: Config, pm: PostMortem, today: dt.date, slug: str) -> PublicIncident:
    front, label = pm.front_matter, Labels(config.language)
    report = customer_report_of(pm, config, today)
    impact = "outage" if front.severity == config.severity_ids[0] else "degraded"
    names = [service.display_name for service in config.services if service.id in front.services]
    title = label(f"public_{impact}_title", services=report.services)
    return PublicIncident(slug, front.started_at.astimezone(config.zone), front.resolved_at.astimezone(config.zone),
                          impact, front.severity, names, dataclasses.replace(report, title=title))


def _slugs(config: Config, public: list[PostMortem]) -> list[str]:
    """Each incident's page named by its local date, `-2`, `-3` for a second or third that day:
    never by the post-mortem's file name, which is internal."""
    taken: dict[str, int] = {}
    slugs = []
    for pm in public:
        day = pm.front_matter.started_at.astimezone(config.zone).date().isoformat()
        taken[day] = taken.get(day, 0) + 1
        slugs.append(day if taken[day] == 1 else f"{day}-{taken[day]}")
    return slugs


def _months_back(today: dt.date, count: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)
