"""What every page is made of: the post-mortems as the site may show them, the config, the day of
the build, the git history, and the figures the pages share (worked out once, on first use)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ..figures import availability, metrics, similarity
from ..kb.config.schema import Config
from ..kb.model import Action, PostMortem, page_path, slugify
from ..labels import Labels

if TYPE_CHECKING:
    from ..kb.evidence import Evidence
    from ..kb.gitinfo import History

#: Post-mortems per search bundle. The indexer's memory grows with what it indexes (about 75 KB a
#: post-mortem), so a large knowledge base is indexed in parts, one after the other, and the search
#: page merges them.
SEARCH_BUNDLE_SIZE = 1250


def path_of(pm: PostMortem) -> str:
    """The docs page of a post-mortem."""
    return f"{page_path(pm.id)}.md"


@dataclass
class Site:
    """Everything the pages are made of: the post-mortems, the config, the day of the build and,
    when git can tell it, the history of each file."""

    postmortems: list[PostMortem]
    config: Config
    today: dt.date
    history: History | None = None
    #: The commits that are evidence of actions, where `evidence` is set in the config.
    evidence: Evidence | None = None

    def __post_init__(self) -> None:
        self.labels = Labels(self.config.language)
        self.zone = self.config.zone
        self.now = metrics.end_of_day(self.today, self.zone)
        restricted_title = self.labels("restricted_title")
        self.postmortems = sorted((pm.redacted(restricted_title) if pm.is_restricted else pm for pm in self.postmortems),
                                  key=PostMortem.chronological_key, reverse=True)
        self.by_id = {pm.id: pm for pm in self.postmortems}
        self.summary_spec = self.config.section_spec("summary")
        #: The newest post-mortems are in search bundle 0, the next in bundle 1, and so on: the
        #: search box shows the best results of the newest bundle first.
        self.search_bundle_size = SEARCH_BUNDLE_SIZE
        self.search_bundles = max(1, -(-len(self.postmortems) // SEARCH_BUNDLE_SIZE))
        #: Table rows already rendered, by (post-mortem id, page depth): see `tables.postmortem_row`.
        self.rows: dict[tuple[str, int], list[str]] = {}
        #: Links to post-mortems with their date, by (post-mortem id, page depth): see `postmortem._dated_link`.
        self.links: dict[tuple[str, int], str] = {}
        #: Post-mortems by the values of a front-matter field: see `grouped`.
        self.groups: dict[str, dict[str, list[PostMortem]]] = {}

    # -- the figures the pages share (the search documents need none) --

    @cached_property
    def published(self) -> dict[str, dt.datetime] | None:
        """When each post-mortem was published, by id; None without history."""
        return self.history.published_by_id() if self.history else None

    @cached_property
    def incidents(self) -> list[metrics.Incident]:
        return metrics.incidents(self.postmortems, self.published)

    @cached_property
    def incident_of(self) -> dict[str, metrics.Incident]:
        return {item.id: item for item in self.incidents}

    @cached_property
    def recurring(self) -> set[str]:
        return metrics.recurrences(self.incidents)

    @cached_property
    def similar(self) -> dict[str, list[metrics.Incident]]:
        return metrics.similar_incidents(self.incidents)

    @cached_property
    def after_actions(self) -> dict[str, metrics.RecurrenceAfterActions]:
        """By the id of each incident whose actions were all closed and that came back, how."""
        return metrics.recurrences_after_actions(self.incidents, self.zone)

    @cached_property
    def came_back(self) -> dict[str, list[metrics.RecurrenceAfterActions]]:
        """By the id of each incident, the earlier ones it came back after their actions were closed."""
        found: dict[str, list[metrics.RecurrenceAfterActions]] = {}
        for record in self.after_actions.values():
            found.setdefault(record.later.id, []).append(record)
        return found

    @cached_property
    def similar_by_text(self) -> dict[str, list[similarity.Match]]:
        """For each post-mortem the site shows whole, the others most similar to it by their words
        (title, summary, root cause, tags) and categories (services, root cause). A caller that has
        them already (the live preview) assigns them instead."""
        specs = [spec for spec in (self.summary_spec, self.config.section_spec("root-cause")) if spec]
        titles = frozenset().union(*(spec.normalized_names for spec in specs))

        def terms(pm: PostMortem) -> list[str]:
            texts = [text for section, text in pm.section_texts() if section.normalized_title in titles]
            found = similarity.words(" ".join([pm.value("title") or "", *texts, *(pm.value("tags") or [])]))
            found += [similarity.category("service", s) for s in pm.value("services") or []]
            return found + ([similarity.category("cause", pm.value("root_cause"))] if pm.value("root_cause") else [])

        # A generator: one post-mortem's terms in memory at a time.
        return similarity.similar_documents((pm.id, terms(pm)) for pm in self.postmortems if not pm.is_restricted)

    @cached_property
    def incidents_by_service(self) -> dict[str, list[metrics.Incident]]:
        """The incidents of each service, oldest first."""
        found: dict[str, list[metrics.Incident]] = {}
        for item in self.incidents:
            for service in item.services:
                found.setdefault(service, []).append(item)
        return found

    @cached_property
    def downtime(self) -> dict[str, dict[str, float]]:
        """Minutes of downtime by service and month, over every incident."""
        return {s.id: availability.downtime_by_month(self.incidents_by_service.get(s.id, []), s.id, self.zone)
                for s in self.config.services}

    def period(self, days_back: int) -> tuple[dt.date, dt.date]:
        """The 90 days ending `days_back` days before today, both ends included."""
        end = self.today - dt.timedelta(days=days_back)
        return end - dt.timedelta(days=89), end

    def in_period(self, start: dt.date, end: dt.date) -> list[metrics.Incident]:
        return metrics.in_period(self.incidents, start, end, self.zone)

    def figures(self, items: list[metrics.Incident]) -> metrics.PeriodFigures:
        """The figures of a period's (or a month's) incidents."""
        return metrics.period_figures(items, self.config, self.recurring, self.now)

    # -- what a post-mortem says, drafts included (a draft may lack any field) --

    def grouped(self, field: str) -> dict[str, list[PostMortem]]:
        """The post-mortems under each value of the front-matter `field` (each item of a list field),
        newest first; made once a field, in one pass (a knowledge base may have hundreds of tags)."""
        if field not in self.groups:
            found: dict[str, list[PostMortem]] = {}
            for pm in self.postmortems:
                value = pm.value(field)
                for key in dict.fromkeys(value) if isinstance(value, list) else [value] if value else []:
                    found.setdefault(key, []).append(pm)
            self.groups[field] = found
        return self.groups[field]

    def local(self, when: dt.datetime | None) -> str:
        return "—" if when is None else when.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    @staticmethod
    def ttr(pm: PostMortem) -> float | None:
        return metrics.minutes_between(pm.value("resolved_at"), pm.value("started_at"))

    @cached_property
    def severity_index(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.config.severities)}

    @cached_property
    def service_names(self) -> dict[str, str]:
        return {s.id: s.display_name for s in self.config.services}

    def service_name(self, service_id: str) -> str:
        return self.service_names.get(service_id, service_id)

    def has_service_page(self, service_id: str) -> bool:
        """Whether a post-mortem (a draft too) names the service, which then has a page; the others
        are a row of the services page. A catalogue of thousands is mostly services without incident,
        and a page each made most of the build's time."""
        return service_id in self.grouped("services")

    # -- actions, owners and teams --

    @cached_property
    def owner_slugs(self) -> dict[str, str]:
        """A file name for every action owner, unique even when two handles slugify alike."""
        return unique_slugs(sorted({a.owner for pm in self.postmortems for _, a in pm.actions}), "owner")

    @cached_property
    def team_slugs(self) -> dict[str, str]:
        """A file name for every team the config names (see `Config.known_teams`)."""
        return unique_slugs(self.config.known_teams, "team")

    @cached_property
    def teams_with_page(self) -> frozenset[str]:
        """The teams with something of their own to show, which then have a page: a post-mortem of one
        of their services, or an open action of the team or of a member. The others are a row of the
        teams page, as services without post-mortem are (see `has_service_page`)."""
        found = {s.team for s in self.config.services if s.team and self.has_service_page(s.id)}
        found.update(team for _, action in self.all_actions() if action.status in metrics.OPEN_STATUSES
                     for team in self.config.teams_of(action.owner))
        return frozenset(found)

    def all_actions(self) -> list[tuple[PostMortem, Action]]:
        return [(pm, action) for pm in self.postmortems for _, action in pm.actions]

    def grouped_actions(self, items: list[tuple[PostMortem, Action]]) -> dict[str, list[tuple[PostMortem, Action]]]:
        """Actions overdue, open and done (each group under its label key), in the order to read them."""
        groups: dict[str, list] = {"group_overdue": [], "group_open": [], "group_done": []}
        for pm, action in items:
            if metrics.is_overdue(action, self.today):
                groups["group_overdue"].append((pm, action))
            elif action.status in metrics.OPEN_STATUSES:
                groups["group_open"].append((pm, action))
            else:
                groups["group_done"].append((pm, action))
        groups["group_overdue"].sort(key=lambda item: item[1].due)
        groups["group_open"].sort(key=lambda item: item[1].due)
        groups["group_done"].sort(key=lambda item: (item[1].closed_on or item[1].due), reverse=True)
        return groups


def unique_slugs(names: list[str], kind: str) -> dict[str, str]:
    """A file name for each of `names`, unique even when two slugify alike (or to nothing)."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        slug = slugify(name) or f"{kind}-" + hashlib.sha1(name.encode()).hexdigest()[:8]
        while slug in taken:
            slug += "-" + hashlib.sha1(name.encode()).hexdigest()[:4]
        taken.add(slug)
        slugs[name] = slug
    return slugs
