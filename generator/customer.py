"""The public incident report (`postmortem export ID --audience customer`): what customers saw, a
plain-language cause, what was done and what will be done, written from the internal post-mortem
without people's names, ticket keys, internal service ids, or text the author marks internal."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .config import CUSTOMER_SUMMARY, Config
from .errors import UsageError
from .knowledgebase import KnowledgeBase
from .model import PostMortem
from .units import duration

#: Text between these comments stays internal: `<!-- internal -->` ... `<!-- /internal -->`.
INTERNAL = re.compile(r"<!--\s*internal\s*-->.*?<!--\s*/internal\s*-->", re.S | re.I)
#: Ticket keys whatever the tracker: `PAY-123`, `#123`, `org/repo#123`.
TICKET_KEY = re.compile(r"(?:\b[\w.-]+/[\w.-]+)?#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b")
#: What removing keys can leave: `()`, `[, ]`.
EMPTY_BRACKETS = re.compile(r"\s*[(\[][\s,;:]*[)\]]")

WORDS = {
    "en": {
        "saw": "What you saw", "cause": "Why it happened", "done": "What we did", "next": "What we will do",
        "date": "Date", "duration": "Duration", "services": "Services affected",
        "saw_text": "{when} ({zone}), {services} did not work as expected for {duration}.",
        "same_day": "On {day}, from {start} to {end}", "days": "From {start} to {end}", "and": "and",
        "failed": " About {pct:g}% of requests failed.",
        "restored": "We restored the service at {end}, and have worked since on the causes.",
        "horizons": {"week": "This week", "month": "This month", "quarter": "This quarter", "later": "Later"},
        "nothing_next": "Every corrective action is complete.",
        "our_team": "our team", "the_service": "one of our services",
        "causes": {
            "capacity": "Part of our system ran out of capacity under the load it received.",
            "change": "A change we made to our systems caused the failure.",
            "configuration": "A configuration error in our systems caused the failure.",
            "dependency": "A provider we depend on failed, and our systems did not work around it.",
            "code": "A software defect caused the failure.",
            "infrastructure": "A failure in our hosting infrastructure caused the outage.",
            "data": "A problem with data in our systems caused the failure.",
            "security": "A security event affected our systems.",
            "process": "A gap in our operating procedures allowed the failure.",
            "unknown": "We are still investigating the cause and will update this report.",
        },
        "other_cause": "We found the cause in our systems and corrected it.",
    },
    "fr": {
        "saw": "Ce que vous avez constaté", "cause": "Pourquoi c'est arrivé", "done": "Ce que nous avons fait",
        "next": "Ce que nous allons faire", "date": "Date", "duration": "Durée", "services": "Services touchés",
        "saw_text": "{when} ({zone}), le fonctionnement de {services} a été perturbé pendant {duration}.",
        "same_day": "Le {day}, de {start} à {end}", "days": "Du {start} au {end}", "and": "et",
        "failed": " Environ {pct:g} % des requêtes ont échoué.",
        "restored": "Nous avons rétabli le service à {end}, puis traité les causes.",
        "horizons": {"week": "Cette semaine", "month": "Ce mois-ci", "quarter": "Ce trimestre", "later": "Plus tard"},
        "nothing_next": "Toutes les actions correctives sont terminées.",
        "our_team": "notre équipe", "the_service": "l'un de nos services",
        "causes": {
            "capacity": "Une partie de notre système a manqué de capacité face à la charge reçue.",
            "change": "Une modification de nos systèmes a provoqué la panne.",
            "configuration": "Une erreur de configuration de nos systèmes a provoqué la panne.",
            "dependency": "Un fournisseur dont nous dépendons a connu une panne que nos systèmes n'ont pas contournée.",
            "code": "Un défaut logiciel a provoqué la panne.",
            "infrastructure": "Une panne de notre infrastructure d'hébergement a provoqué l'interruption.",
            "data": "Un problème de données dans nos systèmes a provoqué la panne.",
            "security": "Un événement de sécurité a touché nos systèmes.",
            "process": "Une lacune de nos procédures a permis la panne.",
            "unknown": "Nous cherchons encore la cause et mettrons ce rapport à jour.",
        },
        "other_cause": "Nous avons trouvé la cause dans nos systèmes et l'avons corrigée.",
    },
}


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
    front, config = pm.front_matter, kb.config
    if front is None or front.resolved_at is None:
        raise UsageError(f"{postmortem_id} has no valid front matter with resolved_at: run `postmortem validate "
                         f"{pm.path}` and fix it first")
    words = WORDS[config.language]
    scrub = Scrubber(config, words, {action.ticket for action in front.actions if action.ticket})
    zone = config.zone
    start, end = front.started_at.astimezone(zone), front.resolved_at.astimezone(zone)
    names = [scrub.service(service) for service in front.services]
    services = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {words['and']} {names[-1]}"
    lasted = duration((front.resolved_at - front.started_at).total_seconds() / 60)
    summary = customer_summary(pm)
    if summary is not None:
        saw, cause = scrub(summary), ""
    else:
        when = (words["same_day"].format(day=start.date().isoformat(), start=f"{start:%H:%M}", end=f"{end:%H:%M}")
                if start.date() == end.date() else words["days"].format(start=_when(start), end=_when(end)))
        saw = words["saw_text"].format(when=when, zone=config.timezone, services=services, duration=lasted)
        if front.impact and front.impact.failed_requests_pct is not None:
            saw += words["failed"].format(pct=front.impact.failed_requests_pct)
        cause = words["causes"].get(front.root_cause, words["other_cause"])
    public = [action for action in front.actions if not action.internal and action.status.value != "wont-do"]
    done = [scrub(action.title) for action in public if action.status.value == "done"]
    planned: dict[str, list[str]] = {}
    for action in sorted((a for a in public if a.status.value != "done"), key=lambda a: a.due):
        planned.setdefault(_horizon(action.due, today), []).append(scrub(action.title))
    return CustomerReport(
        title=scrub(front.title), date=start.date().isoformat(), duration=lasted, services=services, saw=saw,
        cause=cause, done=[words["restored"].format(end=_when(end)), *done],
        planned=[(words["horizons"][key], planned[key]) for key in ("week", "month", "quarter", "later") if key in planned],
        language=config.language,
    )


def find_postmortem(kb: KnowledgeBase, postmortem_id: str) -> PostMortem:
    """The loaded post-mortem with this id (its file name without `.md`). Raises UsageError."""
    wanted = postmortem_id.removesuffix(".md").rsplit("/", 1)[-1]
    found = next((pm for pm in kb.postmortems if pm.id == wanted), None)
    if found is None:
        import difflib

        close = difflib.get_close_matches(wanted, [pm.id for pm in kb.postmortems], n=1)
        raise UsageError(f"no post-mortem {wanted!r}" + (f": did you mean {close[0]!r}?" if close else
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

    def __init__(self, config: Config, words: dict, tickets: set[str]):
        self.words = words
        handles = {*config.people, *(handle.lstrip("@") for handle in config.github.values())}
        self.names = _any_of({*handles, *(f"@{handle}" for handle in handles)}, re.I)
        self.tickets = _any_of(tickets)
        self.services = {service.id: service for service in config.services}
        self.ids = _any_of(self.services)

    def service(self, service_id: str) -> str:
        service = self.services.get(service_id)
        return service.name if service and service.name else self.words["the_service"]

    def __call__(self, text: str) -> str:
        text = INTERNAL.sub("", text)
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        if self.tickets:
            text = self.tickets.sub("", text)
        text = EMPTY_BRACKETS.sub("", TICKET_KEY.sub("", text))
        if self.ids:
            text = self.ids.sub(lambda match: self.service(match[0]), text)
        if self.names:
            text = self.names.sub(self.words["our_team"], text)
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
    words = WORDS[report.language]
    lines = [f"# {report.title}", "",
             f"**{words['date']}:** {report.date} · **{words['duration']}:** {report.duration} · "
             f"**{words['services']}:** {report.services}", "", f"## {words['saw']}", "", report.saw, ""]
    if report.cause:
        lines += [f"## {words['cause']}", "", report.cause, ""]
    lines += [f"## {words['done']}", "", *(f"- {item}" for item in report.done), "", f"## {words['next']}", ""]
    for horizon, items in report.planned:
        lines += [f"**{horizon}**", "", *(f"- {item}" for item in items), ""]
    if not report.planned:
        lines += [words["nothing_next"], ""]
    return "\n".join(lines)
