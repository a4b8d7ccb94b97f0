"""The public incident report (`postmortem export ID --audience customer`): what customers saw, a
plain-language cause, what was done and what will be done, written from the internal post-mortem
without people's names, ticket keys, internal service ids, or text the author marks internal."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import UsageError
from ..figures.units import duration
from ..kb.config.nearest import nearest
from ..kb.config.schema import CUSTOMER_SUMMARY, Config
from ..kb.layout import KnowledgeBase
from ..kb.model import ActionStatus, PostMortem
from ..labels import LABELS, Labels

#: Text between these comments stays internal: `<!-- internal -->` ... `<!-- /internal -->`.
INTERNAL = re.compile(r"<!--\s*internal\s*-->.*?<!--\s*/internal\s*-->", re.S | re.I)
#: Ticket keys whatever the tracker: `PAY-123`, `#123`, `org/repo#123`.
TICKET_KEY = re.compile(r"(?:\b[\w.-]+/[\w.-]+)?#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b")
#: What removing keys can leave: `()`, `[, ]`.
EMPTY_BRACKETS = re.compile(r"\s*[(\[][\s,;:]*[)\]]")

@dataclass(frozen=True)
class CustomerReport:
    """The public report's parts, already free of internal names and keys."""

    title: str
    date: str
    duration: str
    services: str
    saw: str
    cause: str
    done: list[str]
    planned: list[tuple[str, list[str]]]
    language: str


def customer_report(kb: KnowledgeBase, postmortem_id: str, today: dt.date) -> CustomerReport:
    """The public report of the post-mortem `postmortem_id` of the loaded knowledge base, with the
    horizon of each planned action counted from `today`. Raises UsageError for an unknown id or a
    post-mortem that lacks the times or services a report needs."""
    pm = find_postmortem(kb, postmortem_id)
    if pm.front_matter is None or pm.front_matter.resolved_at is None:
        raise UsageError(f"{postmortem_id} has no valid front matter with resolved_at: run `postmortem validate "
                         f"{pm.path}` and fix it first")
    return customer_report_of(pm, kb.config, today)


def customer_report_of(pm: PostMortem, config: Config, today: dt.date) -> CustomerReport:
    """The public report of `pm`, a post-mortem whose front matter is valid and has `resolved_at`."""
    front = pm.front_matter
    label = Labels(config.language)
    scrub = Scrubber(config, label, {action.ticket for action in front.actions if action.ticket})
    zone = config.zone
    start, end = front.started_at.astimezone(zone), front.resolved_at.astimezone(zone)
    names = [scrub.service(service) for service in front.services]
    services = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {label('customer_and')} {names[-1]}"
    lasted = duration((front.resolved_at - front.started_at).total_seconds() / 60)
    summary = customer_summary(pm)
    if summary is not None:
        saw, cause = scrub(summary), ""
    else:
        when = (label("customer_same_day", day=start.date().isoformat(), start=f"{start:%H:%M}", end=f"{end:%H:%M}")
                if start.date() == end.date() else label("customer_days", start=_when(start), end=_when(end)))
        saw = label("customer_saw_text", when=when, zone=config.timezone, services=services, duration=lasted)
        if front.impact and front.impact.failed_requests_pct is not None:
            saw += label("customer_failed", pct=front.impact.failed_requests_pct)
        known = f"customer_cause_{front.root_cause}"
        cause = label(known if known in LABELS else "customer_other_cause")
    public = [action for action in front.actions if not action.internal and action.status is not ActionStatus.wont_do]
    done = [scrub(action.title) for action in public if action.status is ActionStatus.done]
    planned: dict[str, list[str]] = {}
    for action in sorted((a for a in public if a.status is not ActionStatus.done), key=lambda a: a.due):
        planned.setdefault(_horizon(action.due, today), []).append(scrub(action.title))
    return CustomerReport(
        title=scrub(front.title), date=start.date().isoformat(), duration=lasted, services=services, saw=saw,
        cause=cause, done=[label("customer_restored", end=_when(end)), *done],
        planned=[(label(f"horizon_{key}"), planned[key]) for key in ("week", "month", "quarter", "later") if key in planned],
        language=config.language,
    )


def find_postmortem(kb: KnowledgeBase, postmortem_id: str) -> PostMortem:
    """The loaded post-mortem with this id (its file name without `.md`). Raises UsageError."""
    wanted = postmortem_id.removesuffix(".md").rsplit("/", 1)[-1]
    found = next((pm for pm in kb.postmortems if pm.id == wanted), None)
    if found is None:
        close = nearest(wanted, [pm.id for pm in kb.postmortems])
        raise UsageError(f"no post-mortem {wanted!r}" + (f": did you mean {close!r}?" if close else
                                                         ": give its file name without .md (see `postmortem list`)"))
    return found


def customer_summary(pm: PostMortem) -> str | None:
    """The `## Customer summary` section's Markdown without its internal parts, or None."""
    section = pm.section(CUSTOMER_SUMMARY)
    if section is None:
        return None
    text = next(text for candidate, text in pm.section_texts() if candidate is section)
    return INTERNAL.sub("", text).strip() or None


class Scrubber:
    """Takes out of a text what stays internal: people's names and GitHub handles, the post-mortem's
    tickets and anything written like a ticket key, internal comments; service ids become the
    services' names. Team names stay: they are often plain words (payments, platform)."""

    def __init__(self, config: Config, label: Labels, tickets: set[str]):
        self.label = label
        handles = {*config.people, *(handle.lstrip("@") for handle in config.github.values())}
        self.names = _any_of({*handles, *(f"@{handle}" for handle in handles)}, re.I)
        self.tickets = _any_of(tickets)
        self.services = {service.id: service for service in config.services}
        self.ids = _any_of(self.services)

    def service(self, service_id: str) -> str:
        service = self.services.get(service_id)
        return service.name if service and service.name else self.label("customer_the_service")

    def __call__(self, text: str) -> str:
        text = INTERNAL.sub("", text)
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        if self.tickets:
            text = self.tickets.sub("", text)
        text = EMPTY_BRACKETS.sub("", TICKET_KEY.sub("", text))
        if self.ids:
            text = self.ids.sub(lambda match: self.service(match[0]), text)
        if self.names:
            text = self.names.sub(self.label("customer_our_team"), text)
        return re.sub(r"[ \t]{2,}", " ", text).strip()


def _any_of(texts, flags: int = 0) -> re.Pattern | None:
    """Any of `texts` as a whole word (not inside a longer id), the longest first; None for none."""
    ordered = sorted(set(texts), key=len, reverse=True)
    return re.compile("|".join(rf"(?<![\w-]){re.escape(text)}(?![\w-])" for text in ordered), flags) if ordered else None


def _horizon(due: dt.date, today: dt.date) -> str:
    days = (due - today).days
    return "week" if days <= 7 else "month" if days <= 31 else "quarter" if days <= 92 else "later"


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def report_markdown(report: CustomerReport) -> str:
    """The report as Markdown."""
    label = Labels(report.language)
    lines = [f"# {report.title}", "",
             f"**{label('date')}:** {report.date} · **{label('duration')}:** {report.duration} · "
             f"**{label('customer_services')}:** {report.services}", "", f"## {label('customer_saw')}", "",
             report.saw, ""]
    if report.cause:
        lines += [f"## {label('customer_cause')}", "", report.cause, ""]
    lines += [f"## {label('customer_done')}", "", *(f"- {item}" for item in report.done), "",
              f"## {label('customer_next')}", ""]
    for horizon, items in report.planned:
        lines += [f"**{horizon}**", "", *(f"- {item}" for item in items), ""]
    if not report.planned:
        lines += [label("customer_nothing_next"), ""]
    return "\n".join(lines)
