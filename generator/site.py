"""The site's Markdown tree: every page generated from the post-mortems, written for MkDocs to build.

Nothing here knows MkDocs: pages are Markdown with raw HTML blocks for cards and tables, so any
engine that reads a docs folder can build them. Every front-matter string is HTML-escaped where a
page shows it, and post-mortem text is never used as a template.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import metrics
from .config import Config
from .labels import Labels
from .model import Action, PostMortem, Status
from .scaffold import slugify
from .silences import without_allow_comments

if TYPE_CHECKING:
    from .gitinfo import History

ASSETS = ("postmortem.css", "postmortem.js")
LATEST = 10
#: Post-mortems per search bundle. The indexer's memory grows with what it indexes (about 75 KB a
#: post-mortem), so a large knowledge base is indexed in parts, one after the other, and the search
#: page merges them.
SEARCH_BUNDLE_SIZE = 1250
DONE_SHOWN = 200
IMPACT_FIELDS = ("users_affected", "failed_requests_pct", "revenue_lost", "support_tickets", "sla_breached",
                 "downtime_minutes")
ROLES = ("incident_commander", "technical_owner", "communications_owner")

Page = tuple[str, str | bytes]
FRAGMENT = re.compile(r"<!-- pm-fragment (\d+) -->")


class _Fragments:
    """Generated HTML is kept out of the Markdown: the page holds a marker comment, and the HTML is
    put in place in the built page (see `fill_fragments`). Markdown engines parse raw HTML slowly
    (with MkDocs, most of a build's time on large bases); the markers pass through untouched."""

    def __init__(self) -> None:
        self.pending: list[str] = []

    def add(self, html_block: str) -> str:
        self.pending.append(html_block)
        return f"<!-- pm-fragment {len(self.pending) - 1} -->\n"

    def take(self) -> list[str]:
        taken, self.pending = self.pending, []
        return taken


FRAGMENTS = _Fragments()


def e(value: Any) -> str:
    """HTML-escaped text of any value."""
    return html.escape(str(value), quote=True)


@cache
def page_url(path: str) -> str:
    """The URL (relative to the site root) of a docs page, as MkDocs writes it with directory URLs."""
    if path == "index.md":
        return ""
    if path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[:-3] + "/"


@lru_cache(maxsize=4096)
def _folders(path: str) -> tuple[str, ...]:
    return tuple(part for part in page_url(path).split("/") if part)


def href(source: str, target: str) -> str:
    """A relative link from the page `source` to the page (`.md`) or file `target`: up to the site's
    root, then down. It depends only on the source's depth, so rendered rows can be shared."""
    up = "../" * len(_folders(source))
    return up + (page_url(target) if target.endswith(".md") else target) or "./"


WIDE = {"hide": ["navigation"]}


def front_matter_block(title: str, **extra: Any) -> str:
    """The page's YAML front matter. The title is HTML-escaped because themes print it unescaped."""
    lines = ["---", f"title: {json.dumps(html.escape(title), ensure_ascii=False)}"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "\n".join(lines + ["---", ""])


def table(headers: list[str], rows: list[list[str]], row_attributes: list[str] | None = None) -> str:
    """An HTML table; headers are text, cells are HTML already escaped."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join(
        f"<tr{(' ' + row_attributes[i]) if row_attributes else ''}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows)
    )
    return FRAGMENTS.add(f'<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>')


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
    return "—" if value is None else f"{value:.{digits}f}%"


#: What the site shows of a restricted post-mortem, besides its id.
RESTRICTED_SHOWN = ("status", "severity", "services", "started_at", "resolved_at", "visibility")


def redacted(pm: PostMortem, title: str) -> PostMortem:
    """A restricted post-mortem as the pages may see it: id, status, severity, services, start and
    end, and `title`. Its front matter stays whole for the figures, which count it like any other."""
    shown = {name: pm.values[name] for name in RESTRICTED_SHOWN if name in pm.values}
    return replace(pm, values={**shown, "title": title}, body="", sections=[], actions=[], text="", positions={},
                   placeholders=set(), cache={})


@dataclass
class Site:
    """Everything the pages are made of: the post-mortems, the config, the day of the build and,
    when git can tell it, the history of each file."""

    postmortems: list[PostMortem]
    config: Config
    today: dt.date
    history: History | None = None

    def __post_init__(self) -> None:
        self.labels = Labels(self.config.language)
        self.edit_url = self.config.edit_url
        self.zone = self.config.zone
        self.now = metrics.end_of_day(self.today, self.zone)
        restricted_title = self.labels("restricted_title")
        self.postmortems = sorted((redacted(pm, restricted_title) if pm.is_restricted else pm for pm in self.postmortems),
                                  key=PostMortem.chronological_key, reverse=True)
        self.by_id = {pm.id: pm for pm in self.postmortems}
        self.search_bundles = max(1, -(-len(self.postmortems) // SEARCH_BUNDLE_SIZE))

    # -- the figures the pages share, worked out on first use (the search documents need none) --

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

    # -- what a post-mortem says, drafts included (a draft may lack any field) --

    def local(self, when: dt.datetime | None) -> str:
        return "—" if when is None else when.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")

    @staticmethod
    def path_of(pm: PostMortem) -> str:
        return f"postmortems/{pm.id[:4]}/{pm.id}.md"

    @cached_property
    def severity_index(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.config.severities)}

    def badge(self, severity: str | None) -> str:
        if severity is None:
            return "—"
        return f'<span class="pm-badge pm-sev-{self.severity_index.get(severity, 9)}">{e(severity)}</span>'

    def status_badge(self, pm: PostMortem) -> str:
        status = pm.value("status")
        return f'<span class="pm-status pm-status-{status.value}">{e(status.value)}</span>' if status else "—"

    @cached_property
    def service_names(self) -> dict[str, str]:
        return {s.id: s.display_name for s in self.config.services}

    def service_name(self, service_id: str) -> str:
        return self.service_names.get(service_id, service_id)

    def service_links(self, source: str, pm: PostMortem) -> str:
        return ", ".join(f'<a href="{href(source, f"services/{s}.md")}">{e(self.service_name(s))}</a>'
                         for s in pm.value("services") or [])

    def link(self, source: str, pm: PostMortem) -> str:
        return f'<a href="{href(source, self.path_of(pm))}">{e(pm.value("title") or pm.id)}</a>'

    def ttr(self, pm: PostMortem) -> float | None:
        return metrics.minutes_between(pm.value("resolved_at"), pm.value("started_at"))

    @cached_property
    def _rows(self) -> dict[tuple, list[str]]:
        return {}

    def postmortem_row(self, source: str, pm: PostMortem) -> list[str]:
        """A post-mortem's cells in the listings; links depend only on the page's depth."""
        key = (pm.id, len(_folders(source)))
        if key not in self._rows:
            self._rows[key] = [
                e(self.local(pm.value("started_at"))[:10] if pm.value("started_at") else pm.id[:10]),
                self.link(source, pm),
                self.badge(pm.value("severity")),
                self.service_links(source, pm),
                e(duration(self.ttr(pm))),
                self.cause_link(source, pm.value("root_cause")),
                self.status_badge(pm),
            ]
        return self._rows[key]

    def postmortem_table(self, source: str, postmortems: list[PostMortem]) -> str:
        if not postmortems:
            return f"<p>{e(self.labels('no_incidents'))}</p>\n"
        label = self.labels
        rows = [self.postmortem_row(source, pm) for pm in postmortems]
        headers = [label("date"), label("title"), label("severity"), label("services"), label("duration"),
                   label("root_cause"), label("status")]
        return table(headers, rows)

    def cause_link(self, source: str, cause: str | None) -> str:
        return f'<a href="{href(source, f"causes/{cause}.md")}">{e(cause)}</a>' if cause else "—"

    # -- owners and teams --

    @cached_property
    def owner_slugs(self) -> dict[str, str]:
        """A file name for every action owner, unique even when two handles slugify alike."""
        slugs: dict[str, str] = {}
        taken: set[str] = set()
        for owner in sorted({a.owner for pm in self.postmortems for _, a in pm.actions}):
            slug = slugify(owner) or "owner-" + hashlib.sha1(owner.encode()).hexdigest()[:8]
            while slug in taken:
                slug += "-" + hashlib.sha1(owner.encode()).hexdigest()[:4]
            taken.add(slug)
            slugs[owner] = slug
        return slugs

    def teams_of(self, owner: str) -> list[str]:
        if owner in self.config.teams:
            return [owner]
        return sorted(team for team, members in self.config.teams.items()
                      if owner in {m.lstrip("@") for m in members})

    def owner_link(self, source: str, owner: str) -> str:
        return f'<a href="{href(source, f"actions/{self.owner_slugs[owner]}.md")}">{e(owner)}</a>'

    def all_actions(self) -> list[tuple[PostMortem, Action]]:
        return [(pm, action) for pm in self.postmortems for _, action in pm.actions]

    def action_table(self, source: str, items: list[tuple[PostMortem, Action]], filterable: bool = False,
                     with_postmortem: bool = True) -> str:
        label = self.labels
        rows, attributes = [], []
        for pm, action in items:
            overdue = metrics.is_overdue(action, self.today)
            flag = f' <span class="pm-overdue">{e(label("overdue_flag"))}</span>' if overdue else ""
            rows.append([
                e(action.title),
                self.owner_link(source, action.owner),
                e(action.due.isoformat()) + flag,
                e(action.status.value),
                self.ticket(action.ticket),
                *([self.link(source, pm)] if with_postmortem else []),
            ])
            teams = " ".join(self.teams_of(action.owner))
            attributes.append(f'data-owner="{e(action.owner)}" data-teams="{e(teams)}"' if filterable else "")
        headers = [label("action"), label("owner"), label("due"), label("status"), label("ticket"),
                   *([label("postmortem")] if with_postmortem else [])]
        return table(headers, rows, attributes if filterable else None)

    @staticmethod
    def ticket(ticket: str | None) -> str:
        if not ticket:
            return "—"
        if re.match(r"^https?://", ticket):
            return f'<a href="{e(ticket)}">{e(ticket)}</a>'
        return e(ticket)

    def grouped_actions(self, items: list[tuple[PostMortem, Action]]) -> dict[str, list[tuple[PostMortem, Action]]]:
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

    # -- figures --

    def period(self, days_back: int) -> tuple[dt.date, dt.date]:
        """The 90 days ending `days_back` days before today, both ends included."""
        end = self.today - dt.timedelta(days=days_back)
        return end - dt.timedelta(days=89), end

    def in_period(self, start: dt.date, end: dt.date) -> list[metrics.Incident]:
        return metrics.in_period(self.incidents, start, end, self.zone)

    @cached_property
    def downtime(self) -> dict[str, dict[str, float]]:
        """Minutes of downtime by service and month, over every incident."""
        return {s.id: metrics.downtime_by_month(self.incidents, s.id, self.zone) for s in self.config.services}

    def month_key(self, day: dt.date) -> str:
        return f"{day.year:04d}-{day.month:02d}"

    def budget_row(self, source: str, service, key: str) -> list[str]:
        used = self.downtime[service.id].get(key, 0.0)
        budget = metrics.error_budget(service.slo, key, self.zone)
        left = budget - used
        availability = metrics.availability(used, key, self.zone)
        state = "pm-ok" if availability >= service.slo else "pm-breach"
        return [
            f'<a href="{href(source, f"services/{service.id}.md")}">{e(service.display_name)}</a>',
            e(percent(service.slo, 2)),
            f'<span class="{state}">{e(percent(availability, 3))}</span>',
            e(f"{left:.1f} min ({100 * left / budget:.0f}%)" if budget else "—"),
        ]


def generate_pages(site: Site) -> Iterator[tuple[str, str | bytes, list[str]]]:
    """Every page and file of the docs tree, as (path, content, the page's HTML fragments)."""
    FRAGMENTS.take()
    for generate in PAGES:
        for path, content in generate(site):
            yield path, content, FRAGMENTS.take() if path.endswith(".md") else []


def _home(site: Site) -> Iterator[Page]:
    label, source = site.labels, "index.md"
    start, end = site.period(0)
    before_start, before_end = site.period(90)
    now, previous = site.in_period(start, end), site.in_period(before_start, before_end)

    def card(title: str, value: str, note: str) -> str:
        return f'<div class="pm-card-figure"><span>{e(title)}</span><strong>{e(value)}</strong><small>{e(note)}</small></div>'

    by_severity = ", ".join(f"{s}: {sum(i.front.severity == s for i in now)}" for s in site.config.severity_ids)
    actions = metrics.action_counts(site.incidents, site.today)
    cards = [
        card(label("incidents"), str(len(now)), f"{by_severity} · " + label("before", value=len(previous))),
        card(label("mttd"), duration(metrics.mean(metrics.time_to_detect(i.front) for i in now)),
             label("median", value=duration(metrics.median(metrics.time_to_detect(i.front) for i in now))) + " · "
             + label("before", value=duration(metrics.mean(metrics.time_to_detect(i.front) for i in previous)))),
        card(label("mttr"), duration(metrics.mean(metrics.time_to_resolve(i.front) for i in now)),
             label("median", value=duration(metrics.median(metrics.time_to_resolve(i.front) for i in now))) + " · "
             + label("before", value=duration(metrics.mean(metrics.time_to_resolve(i.front) for i in previous)))),
        card(label("recurrence"), _rate(metrics.recurrence_rate(now, site.recurring)),
             label("before", value=_rate(metrics.recurrence_rate(previous, site.recurring)))),
        card(label("open_actions"), str(actions["open"]), f"{actions['overdue']} {label('overdue')}"),
    ]
    if site.published is not None:
        cards.append(card(label("time_to_postmortem"), _rate(metrics.on_time_rate(now, site.config, site.now)),
                          label("on_time_note") + " · " + label(
                              "before", value=_rate(metrics.on_time_rate(previous, site.config, site.now)))))
    key = site.month_key(site.today)
    services = [site.budget_row(source, s, key) for s in site.config.services]
    text = [
        front_matter_block(label("home"), **WIDE),
        f"# {e(label('home'))}\n",
        f'<p class="pm-period">{e(label("period", start=start, end=end))}</p>\n',
        FRAGMENTS.add('<div class="pm-cards">\n' + "\n".join(cards) + "\n</div>"),
        f"## {e(label('availability_month', month=label.month(key)))}\n",
        table([label("service"), label("slo"), label("availability"), label("budget_left")], services)
        if services else "",
        f"## {e(label('latest'))}\n",
        site.postmortem_table(source, site.postmortems[:LATEST]),
    ]
    yield source, "\n".join(text)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _postmortem_pages(site: Site) -> Iterator[Page]:
    label = site.labels
    for pm in site.postmortems:
        source = site.path_of(pm)
        yield source, _postmortem_page(site, pm, source, label)


def _postmortem_page(site: Site, pm: PostMortem, source: str, label: Labels) -> str:
    values = pm.values
    title = values.get("title") or pm.id
    parts = [front_matter_block(title)]
    if pm.is_restricted:
        parts.append(FRAGMENTS.add(f'<div class="pm-banner pm-banner-restricted">{e(label("restricted_banner"))}</div>'))
    elif values.get("status") is Status.draft:
        parts.append(FRAGMENTS.add(f'<div class="pm-banner pm-banner-draft">{e(label("draft_banner"))}</div>'))
    elif values.get("status") is Status.review:
        parts.append(FRAGMENTS.add(f'<div class="pm-banner">{e(label("review_banner"))}</div>'))
    if not re.match(r"\s*# ", pm.body):
        parts.append(f"# {e(title)}\n")
    parts.append(_header_card(site, pm, source, label))
    parts.append(without_allow_comments(pm.body).strip("\n") + "\n")
    if pm.actions:
        parts.append(f"## {e(label('actions'))}\n")
        parts.append(site.action_table(source, [(pm, a) for _, a in pm.actions], with_postmortem=False))
    parts.append(_related(site, pm, source, label))
    return "\n".join(parts)


def _header_card(site: Site, pm: PostMortem, source: str, label: Labels) -> str:
    values = pm.values
    started = values.get("started_at")

    def since_start(name: str) -> str:
        return duration(metrics.minutes_between(values.get(name), started))

    rows = [
        (label("severity"), site.badge(values.get("severity")) + " " + site.status_badge(pm)),
        (label("services"), site.service_links(source, pm) or "—"),
        (label("started"), e(site.local(started))),
        (label("duration"), e(duration(site.ttr(pm)))),
        (label("ttd"), e(since_start("detected_at"))),
        (label("ttm"), e(since_start("mitigated_at"))),
        (label("ttr"), e(since_start("resolved_at"))),
        (label("detection"), e(values["detection"].value) if values.get("detection") else "—"),
        (label("root_cause"), site.cause_link(source, values.get("root_cause"))),
    ]
    if pm.is_restricted:
        rows = rows[:4]  # severity, services, start, duration: nothing more is published
    else:
        rows += _detail_rows(site, pm, source, label)
    body = "".join(f"<dt>{e(name)}</dt><dd>{value}</dd>" for name, value in rows)
    return FRAGMENTS.add(f'<dl class="pm-header">{body}</dl>')


def _detail_rows(site: Site, pm: PostMortem, source: str, label: Labels) -> list[tuple[str, str]]:
    """Roles, impact, tags, history and the edit link of a post-mortem's header card."""
    values = pm.values
    rows = []
    roles = values.get("roles")
    if roles:
        rows.append((label("roles"), "<br>".join(
            f"{e(label(role))}: {e(getattr(roles, role))}" for role in ROLES if getattr(roles, role))))
    impact = values.get("impact")
    if impact and impact.has_figures():
        rows.append((label("impact"), "<br>".join(
            f"{e(label(name))}: {e(_impact_value(name, getattr(impact, name), site.config.currency, label))}"
            for name in IMPACT_FIELDS if getattr(impact, name) is not None)))
    tags = values.get("tags")
    if tags:
        rows.append((label("tags"), " ".join(
            f'<a class="pm-tag" href="{href(source, f"tags/{t}.md")}">{e(t)}</a>' for t in tags)))
    rows += _history_rows(site, pm, label)
    if site.edit_url:
        rows.append(("", f'<a href="{e(site.edit_url + pm.path)}">{e(label("edit"))}</a>'))
    return rows


def _history_rows(site: Site, pm: PostMortem, label: Labels) -> list[tuple[str, str]]:
    """Time to post-mortem and the file's history, when git can tell them."""
    if site.published is None:
        return []
    rows = []
    incident = site.incident_of.get(pm.id)
    target = metrics.publish_target(site.config, pm.value("severity") or "")
    if incident is not None and target is not None and incident.front.resolved_at is not None:
        shown_target = f"{target} h"
        hours = metrics.hours_to_postmortem(incident)
        text = (label("not_published", target=shown_target) if hours is None
                else label("published_after", hours=duration(60 * hours), target=shown_target))
        verdict = metrics.published_on_time(incident, target, site.now)
        flag = "" if verdict is None else (f' <span class="pm-ok">{e(label("on_time_flag"))}</span>' if verdict
                                           else f' <span class="pm-overdue">{e(label("late_flag"))}</span>')
        rows.append((label("time_to_postmortem"), e(text) + flag))
    history = site.history.files.get(pm.path)
    if history is None:
        rows.append((label("history"), e(label("not_committed"))))
    else:
        count = history.revisions
        revisions = label("one_revision") if count == 1 else label("revisions", count=count)
        rows.append((label("history"), e(label("history_line", first=site.local(history.first_commit)[:10],
                                                last=site.local(history.last_change)[:10], revisions=revisions))))
        rows.append((label("authors"), e(", ".join(history.authors))))
    return rows


def _impact_value(name: str, value: Any, currency: str, label: Labels) -> str:
    if isinstance(value, bool):
        return label("yes") if value else label("no")
    if name == "failed_requests_pct":
        return f"{value:g}%"
    if name == "revenue_lost":
        return f"{value:,.0f} {currency}"
    if name == "downtime_minutes":
        return duration(value)
    return f"{value:,}"


def _related(site: Site, pm: PostMortem, source: str, label: Labels) -> str:
    if pm.is_restricted:
        return ""
    explicit = [site.by_id[r] for r in pm.value("related") or [] if r in site.by_id]
    detected = [site.by_id[i.id] for i in site.similar.get(pm.id, []) if site.by_id[i.id] not in explicit]
    if not explicit and not detected:
        return ""
    parts = [f"## {e(label('related'))}\n"]
    for key, items in (("related_explicit", explicit), ("related_detected", detected)):
        if items:
            entries = "".join(f"<li>{site.link(source, other)} ({e(other.id[:10])})</li>" for other in items)
            parts.append(FRAGMENTS.add(f'<p class="pm-related-kind">{e(label(key))}</p>\n<ul>{entries}</ul>'))
    return "\n".join(parts)


def _listings(site: Site) -> Iterator[Page]:
    label = site.labels
    years = sorted({pm.id[:4] for pm in site.postmortems}, reverse=True)
    source = "postmortems/index.md"
    year_links = " · ".join(f'<a href="{href(source, f"postmortems/{y}/index.md")}">{y}</a>' for y in years)
    browse = " · ".join(f'<a href="{href(source, f"{folder}/index.md")}">{e(label(key))}</a>'
                        for folder, key in (("severities", "severity"), ("causes", "root_cause"), ("tags", "tags")))
    yield source, "\n".join([
        front_matter_block(label("all_postmortems"), **WIDE),
        f"# {e(label('all_postmortems'))}\n",
        f'<p class="pm-years">{e(label("years"))}: {year_links}</p>\n',
        f'<p class="pm-browse">{e(label("browse"))}: {browse}</p>\n',
        site.postmortem_table(source, site.postmortems),
    ])
    for year in years:
        source = f"postmortems/{year}/index.md"
        chosen = [pm for pm in site.postmortems if pm.id[:4] == year]
        yield source, "\n".join([front_matter_block(label("year_title", year=year), **WIDE),
                                 f"# {e(label('year_title', year=year))}\n", site.postmortem_table(source, chosen)])


def _grouped_pages(site: Site, folder: str, title_key: str, index_title: str,
                   groups: dict[str, tuple[str, str, list[PostMortem]]]) -> Iterator[Page]:
    """An index page of `folder` and one page per group: (file stem, title, intro, post-mortems)."""
    label = site.labels
    index = f"{folder}/index.md"
    rows = [[f'<a href="{href(index, f"{folder}/{stem}.md")}">{e(name)}</a>', e(intro), str(len(items))]
            for stem, (name, intro, items) in groups.items()]
    yield index, "\n".join([front_matter_block(index_title), f"# {e(index_title)}\n",
                            table([label(title_key), "", label("count")], rows)])
    for stem, (name, intro, items) in groups.items():
        source = f"{folder}/{stem}.md"
        yield source, "\n".join([front_matter_block(name, **WIDE), f"# {e(name)}\n",
                                 f"<p>{e(intro)}</p>\n" if intro else "", site.postmortem_table(source, items)])


def _severities(site: Site) -> Iterator[Page]:
    label = site.labels
    groups = {
        slugify(s.id) or f"severity-{i}": (label("severity_title", severity=s.id), s.description,
                                           [pm for pm in site.postmortems if pm.value("severity") == s.id])
        for i, s in enumerate(site.config.severities)
    }
    yield from _grouped_pages(site, "severities", "severity", label("severities_title"), groups)


def _causes(site: Site) -> Iterator[Page]:
    label = site.labels
    groups = {cause: (label("cause_title", cause=cause), "",
                      [pm for pm in site.postmortems if pm.value("root_cause") == cause])
              for cause in site.config.root_causes}
    yield from _grouped_pages(site, "causes", "root_cause", label("causes_title"), groups)


def _tags(site: Site) -> Iterator[Page]:
    label = site.labels
    tags = sorted({t for pm in site.postmortems for t in pm.value("tags") or []})
    groups = {tag: (label("tag_title", tag=tag), "", [pm for pm in site.postmortems if tag in (pm.value("tags") or [])])
              for tag in tags}
    yield from _grouped_pages(site, "tags", "tags", label("tags_title"), groups)


def _services(site: Site) -> Iterator[Page]:
    label = site.labels
    key = site.month_key(site.today)
    source = "services/index.md"
    rows = []
    for service in site.config.services:
        name, *figures = site.budget_row(source, service, key)
        count = sum(service.id in (pm.value("services") or []) for pm in site.postmortems)
        rows.append([name, e(service.team or "—"), *figures, str(count)])
    title = label("services_title")
    yield source, "\n".join([
        front_matter_block(title, **WIDE), f"# {e(title)}\n",
        f"<p>{e(label('availability_month', month=label.month(key)))}</p>\n",
        table([label("service"), label("team"), label("slo"), label("availability"), label("budget_left"),
               label("incidents")], rows),
    ])
    months = metrics.months_between(site.today.replace(day=1) - dt.timedelta(days=335), site.today)
    for service in site.config.services:
        source = f"services/{service.id}.md"
        mine = [pm for pm in site.postmortems if service.id in (pm.value("services") or [])]
        used = site.downtime[service.id]
        budget = metrics.error_budget(service.slo, key, site.zone)
        left = budget - used.get(key, 0.0)
        monthly = []
        for month in reversed(months):
            availability = metrics.availability(used.get(month, 0.0), month, site.zone)
            state = "pm-ok" if availability >= service.slo else "pm-breach"
            monthly.append([e(month), e(duration(used.get(month, 0.0))),
                            f'<span class="{state}">{e(percent(availability, 3))}</span>', e(percent(service.slo))])
        open_actions = sorted(((pm, a) for pm in mine for _, a in pm.actions if a.status in metrics.OPEN_STATUSES),
                              key=lambda item: (item[1].due, item[0].id))
        yield source, "\n".join([
            front_matter_block(service.display_name, **WIDE),
            f"# {e(service.display_name)}\n",
            f"<p>{e(label('team'))}: {e(service.team or '—')} · {e(label('slo'))}: {e(percent(service.slo))}</p>\n",
            f'<p class="pm-budget">{e(label("budget_this_month", month=label.month(key), left=f"{left:.1f} min", budget=f"{budget:.1f} min", percent=f"{100 * left / budget:.0f}%"))}</p>\n',
            f"## {e(label('monthly_availability'))}\n",
            table([label("month"), label("downtime"), label("availability"), label("slo")], monthly),
            f"## {e(label('open_actions_of'))}\n",
            site.action_table(source, open_actions) if open_actions else f"<p>{e(label('none'))}</p>\n",
            f"## {e(label('incidents_of'))}\n",
            site.postmortem_table(source, mine),
        ])


def _actions(site: Site) -> Iterator[Page]:
    label = site.labels
    source = "actions/index.md"
    every = site.all_actions()
    groups = site.grouped_actions(every)
    owners = sorted({a.owner for _, a in every})
    teams = sorted({t for owner in owners for t in site.teams_of(owner)})

    def select(name: str, key: str, options: list[str]) -> str:
        choices = "".join(f'<option value="{e(o)}">{e(o)}</option>' for o in options)
        return (f'<label>{e(label(key))} <select data-filter="{name}"><option value="">{e(label("filter_all"))}'
                f"</option>{choices}</select></label>")

    parts = [
        front_matter_block(label("actions_title"), **WIDE),
        f"# {e(label('actions_title'))}\n",
        f"<p>{e(label('actions_intro', today=site.today.isoformat()))}</p>\n",
        FRAGMENTS.add(f'<div class="pm-filters">{select("owner", "filter_owner", owners)} '
                      f'{select("teams", "filter_team", teams)}</div>'),
    ]
    for key, items in groups.items():
        shown = items[:DONE_SHOWN] if key == "group_done" else items
        parts += [f"## {e(label(key))} ({len(items)})\n",
                  site.action_table(source, shown, filterable=True) if shown else f"<p>{e(label('none'))}</p>\n"]
    owner_links = " · ".join(site.owner_link(source, owner) for owner in owners)
    parts += [f"## {e(label('owners'))}\n", f"<p>{owner_links}</p>\n"]
    yield source, "\n".join(parts)
    for owner in owners:
        page = f"actions/{site.owner_slugs[owner]}.md"
        mine = site.grouped_actions([(pm, a) for pm, a in every if a.owner == owner])
        text = [front_matter_block(label("owner_title", owner=owner), **WIDE), f"# {e(label('owner_title', owner=owner))}\n"]
        for key, items in mine.items():
            text += [f"## {e(label(key))} ({len(items)})\n",
                     site.action_table(page, items) if items else f"<p>{e(label('none'))}</p>\n"]
        yield page, "\n".join(text)


def _report(site: Site) -> Iterator[Page]:
    label, source = site.labels, "report.md"
    start, end = site.period(0)
    period = site.in_period(start, end)
    chosen = [site.by_id[i.id] for i in reversed(period)]
    causes: dict[str, list[metrics.Incident]] = {}
    for item in period:
        causes.setdefault(item.front.root_cause, []).append(item)
    downtime_of = {i.id: _downtime_minutes(i) for i in period}
    cause_rows = [[site.cause_link(source, cause), str(len(items)), e(duration(sum(downtime_of[i.id] for i in items)))]
                  for cause, items in sorted(causes.items(), key=lambda kv: -len(kv[1]))]
    areas = [(label("kind_service"), s.display_name, href(source, f"services/{s.id}.md"),
              sum(metrics.downtime_by_month(period, s.id, site.zone).values()))
             for s in site.config.services]
    areas += [(label("kind_cause"), cause, href(source, f"causes/{cause}.md"),
               sum(downtime_of[i.id] for i in items)) for cause, items in causes.items()]
    top = sorted((a for a in areas if a[3] > 0), key=lambda a: (-a[3], a[1]))[:3]
    top_rows = [[f'<a href="{link}">{e(name)}</a>', e(kind), e(duration(minutes))] for kind, name, link, minutes in top]
    title = label("report_title")
    yield source, "\n".join([
        front_matter_block(title, **WIDE), f"# {e(title)}\n",
        f"<p>{e(label('report_intro', start=start, end=end))}</p>\n",
        FRAGMENTS.add(
            '<div class="pm-cards">'
            f'<div class="pm-card-figure"><span>{e(label("incidents"))}</span><strong>{len(period)}</strong>'
            f'<small>{e(label("per_month", value=f"{len(period) / 3:.1f}"))}</small></div>'
            f'<div class="pm-card-figure"><span>{e(label("mttr"))}</span>'
            f'<strong>{e(duration(metrics.mean(metrics.time_to_resolve(i.front) for i in period)))}</strong>'
            f'<small>{e(label("median", value=duration(metrics.median(metrics.time_to_resolve(i.front) for i in period))))}</small></div>'
            "</div>"),
        f"## {e(label('top_areas'))}\n",
        table([label("area"), "", label("downtime")], top_rows) if top_rows else f"<p>{e(label('none'))}</p>\n",
        f"## {e(label('causes_period'))}\n",
        table([label("root_cause"), label("count"), label("downtime")], cause_rows) if cause_rows
        else f"<p>{e(label('none'))}</p>\n",
        f"## {e(label('incidents'))}\n",
        site.postmortem_table(source, chosen),
    ])


def _downtime_minutes(item: metrics.Incident) -> float:
    interval = metrics.downtime_interval(item.front)
    return (interval[1] - interval[0]).total_seconds() / 60 if interval else 0.0


def _trends(site: Site) -> Iterator[Page]:
    from .charts import trend_charts

    yield from trend_charts(site)


def _search(site: Site) -> Iterator[Page]:
    label = site.labels
    yield "search.md", "\n".join([
        front_matter_block(label("search")), f"# {e(label('search'))}\n", f"<p>{e(label('search_intro'))}</p>\n",
        f'<div id="pm-search" data-bundles="{site.search_bundles}" data-pagefind-ignore></div>\n',
    ])


def _reference(site: Site) -> Iterator[Page]:
    from .reference import reference_pages  # made from the code: the package needs no docs/ folder

    for name, text in reference_pages().items():
        yield f"reference/{name}", text
    yield "reference/index.md", "\n".join([front_matter_block(site.labels("reference")),
                                           f"# {e(site.labels('reference'))}\n", site.labels("reference_pages") + "\n"])
    language = site.config.language
    yield "reference/metrics.md", resources.files("generator").joinpath(f"assets/metrics.{language}.md").read_text("utf-8")
    for asset in ASSETS:
        yield f"assets/{asset}", resources.files("generator").joinpath(f"assets/{asset}").read_bytes()


PAGES: list[Callable[[Site], Iterator[Page]]] = [
    _home, _search, _postmortem_pages, _listings, _services, _severities, _causes, _tags, _trends, _actions,
    _report, _reference,
]


INLINE_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`]+")


def _plain(markdown: str) -> str:
    """Markdown as readable text for search excerpts: links and emphasis reduced to their words."""
    return INLINE_MARKUP.sub(lambda match: match[1] or "", markdown)


def search_bundle(index: int) -> str:
    """The folder of the site that holds search bundle `index`; the first one holds the search UI."""
    return "pagefind" if index == 0 else f"pagefind-{index}"


def search_documents(site: Site) -> Iterator[tuple[str, str, list[str]]]:
    """One small HTML document per post-mortem, for the search indexer: the title, the front
    matter's words, and the body's sections with the anchors the site gives their headings, under
    the folder of its search bundle. Indexing these instead of the themed pages keeps the
    indexer's memory flat."""
    from markdown.extensions.toc import slugify

    language = site.config.language
    for number, pm in enumerate(pm for pm in site.postmortems if not pm.is_restricted):
        values = pm.values
        title = values.get("title") or pm.id
        facts = " · ".join(str(part) for part in (
            values.get("severity"), ", ".join(site.service_name(s) for s in values.get("services") or []),
            values.get("root_cause"), " ".join(values.get("tags") or [])) if part)
        lines = pm.body.split("\n")
        sections = []
        for section in pm.sections:
            text = "\n".join(lines[section.line - pm.body_line + 1: section.end_line - pm.body_line + 1])
            sections.append(f'<h2 id="{e(slugify(section.title, "-"))}">{e(_plain(section.title))}</h2>'
                            f"<p>{e(_plain(text))}</p>")
        yield (f"{search_bundle(number % site.search_bundles)}/{page_url(site.path_of(pm))}index.html",
               f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{e(title)}</title></head>'
               f'<body><h1>{e(title)}</h1><p>{e(facts)}</p>{"".join(sections)}</body></html>', [])


def write_tree(pages, folder: Path, fragments_folder: Path | None = None) -> int:
    """Write the pages under `folder` and their fragments under `fragments_folder` (as JSON),
    touching only files whose content changed (so that a live server rebuilds only what moved),
    and delete files that are no longer generated."""
    written: set[Path] = set()
    changed = 0

    def put(path: Path, data: bytes) -> None:
        nonlocal changed
        written.add(path)
        if path.exists() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed += 1

    # Written as they come: the whole tree would not fit in memory beside the post-mortems.
    for relative, content, fragments in pages:
        put(folder / relative, content.encode("utf-8") if isinstance(content, str) else content)
        if fragments and fragments_folder is not None:
            put(fragments_folder / f"{relative}.json", json.dumps(fragments, ensure_ascii=False).encode("utf-8"))
    for base in (folder, fragments_folder) if fragments_folder is not None else (folder,):
        base.mkdir(parents=True, exist_ok=True)
        for path in sorted(base.rglob("*"), reverse=True):
            if path.is_file() and path not in written:
                path.unlink()
                changed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return changed


def fill_fragments(text: str, fragments: list[str]) -> str:
    """A built page with its HTML fragments in place of their markers."""
    return FRAGMENT.sub(lambda match: fragments[int(match[1])], text)
