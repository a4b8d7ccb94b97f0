"""One converted document as a draft post-mortem: its front matter (title, date, severity, services
matched against the config's catalogue, the incident's times, the actions) with `TODO` and a comment
for everything undecided, and its body in the format's sections, where nothing of the source is dropped."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from ...kb.config.schema import Config
from ...kb.model import MAX_SLUG_LENGTH, TIME_FIELDS, slugify
from .actions import FoundAction, read_actions
from .blocks import Block, parse_blocks
from .body import render_body
from .convert import CONVERTERS, Converted
from .dates import first_date, zone_named
from .report import FileReport, clip
from .sections import ACTIONS, Outline, Placed, outline
from .timeline import Timeline, propose_times, read_timeline

#: `Label: value` lines that give the document's facts: `**Date**: 2015-10-21`, `- Severity: SEV2`.
FACT_LINE = re.compile(r"^[\s>*_-]*(?:\*\*|__)?(?P<key>[A-Za-zÀ-ÿ ]{2,30}?)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*"
                       r"(?P<value>\S.*)$", re.MULTILINE)
FACT_KEYS = {"date": "date", "incident date": "date", "severity": "severity", "sévérité": "severity",
             "severite": "severity", "priority": "severity", "priorité": "severity", "sev": "severity",
             "services": "services", "service": "services", "affected services": "services",
             "services affected": "services", "services touchés": "services", "title": "title", "titre": "title",
             "incident commander": "incident_commander", "ic": "incident_commander",
             "technical owner": "technical_owner", "tech lead": "technical_owner",
             "communications owner": "communications_owner", "comms lead": "communications_owner",
             "communications lead": "communications_owner"}
#: How an incident was noticed, from what the detection entry says; people before tools ("End-users
#: alerted us" is a customer).
DETECTION_WORDS = [("customer", re.compile(r"\b(?:customers?|clients?|end[- ]users?|users?) (?:reports?|reported|alerted|"
                                           r"complained|signalent)\b|\breports? from (?:customers|users)", re.I)),
                   ("employee", re.compile(r"\b(?:developers?|employees?|engineers?|teams?) (?:reports?|reported|noticed)\b",
                                           re.I)),
                   ("alert", re.compile(r"\b(?:alert|alerte|paged|pager|monitoring|borgmon|alarm|automated warning)",
                                        re.I))]

#: Who held each role, in the words of a write-up: "names jennifer incident commander", "bob is the
#: incident commander", "Incident commander: bob" (a fact line, read before these).
ROLE_PATTERNS = {
    role: re.compile(rf"\bnames?\s+@?(?P<before>[\w.-]+)\s+(?:as\s+)?(?:the\s+)?{words}\b|"
                     rf"@?(?P<after>[\w.-]+)\s+(?:is|was|as)\s+(?:the\s+)?{words}\b", re.IGNORECASE)
    for role, words in (("incident_commander", r"(?:incident commander|IC)"),
                        ("technical_owner", r"(?:technical owner|tech(?:nical)? lead)"),
                        ("communications_owner", r"(?:communications? (?:owner|lead)|comms lead)"))}

@dataclass(frozen=True)
class Imported:
    """A draft post-mortem made from a document: its id, its text, and the report of what was done."""

    postmortem_id: str | None  # None when the document gives no date to name the file by
    text: str
    report: FileReport


def build_postmortem(converted: Converted, source_name: str, config: Config, report: FileReport) -> Imported:
    """The draft post-mortem of a converted document; `report` collects what was filled and what is TODO."""
    blocks = parse_blocks(converted.markdown)
    plan = outline(blocks, config)
    facts = _facts(blocks)
    all_text = converted.markdown
    day = _document_day(facts, all_text)

    title, title_origin = _title(plan, converted, facts, source_name)
    report.fill("title", title, title_origin)
    fields: dict[str, tuple[str, str | None]] = {"title": (json.dumps(title, ensure_ascii=False), None),
                                                 "status": ("draft", "imported: check every value before review")}
    timeline_section = _section_of_kind(plan, config, "timeline")
    timeline = _timeline(timeline_section, config, day) if timeline_section else None
    report.timeline_entries = len(timeline.entries) if timeline else 0
    if timeline:
        report.notes.extend(timeline.notes)

    fields["severity"] = _severity(config, facts, all_text, report)
    fields["services"] = _services(config, facts, title, all_text, report)
    fields["tags"] = ("[]", None)
    proposed = propose_times([entry for entry, _, _ in timeline.entries]) if timeline else {}
    for name in TIME_FIELDS:
        if name in proposed:
            when, text = proposed[name]
            fields[name] = (when.isoformat(), "proposed from the timeline: check it")
            report.fill(name, when.isoformat(), f"timeline: {clip(text, 60)}")
        elif name != "declared_at":
            why = {"started_at": "no timed timeline entry to start from",
                   "detected_at": "no timeline entry says how it was noticed"}.get(
                name, f"no timeline entry says when it was {name.removesuffix('_at')}")
            fields[name] = ("TODO", why)
            report.to_complete(name, why)
    fields["detection"] = _detection(proposed, report)
    fields["root_cause"] = ("TODO", " | ".join(config.root_causes))
    report.to_complete("root_cause", "a category for trends: the document explains the cause, the category is a "
                                     "choice (see ## Root cause)")
    actions = [action for part in plan.roles.get(ACTIONS, []) for action in read_actions(part.blocks)]
    report.actions = len(actions)
    report.owners = sum(action.owner is not None for action in actions)
    start = proposed.get("started_at", (None, ""))[0]
    postmortem_day = start.date() if start else day
    front = _front_matter(fields, _roles_yaml(facts, all_text, config, report), _actions_yaml(actions, config, report))
    body = render_body(plan, timeline_section, timeline, report)
    slug = slugify(title)[:MAX_SLUG_LENGTH].strip("-") or "imported"
    postmortem_id = f"{postmortem_day.isoformat()}-{slug}" if postmortem_day else None
    return Imported(postmortem_id, f"---\n{front}---\n\n{body}", report)


def converter_name(converted: Converted) -> str:
    return CONVERTERS[converted.kind]


def _facts(blocks: list[Block]) -> dict[str, str]:
    facts: dict[str, str] = {}
    for block in blocks:
        if block.kind not in ("paragraph", "item"):
            continue
        for match in FACT_LINE.finditer(block.text):
            key = FACT_KEYS.get(match["key"].strip().lower())
            if key and key not in facts:
                facts[key] = match["value"].strip(" *_")
    return facts


def _document_day(facts: dict[str, str], text: str) -> dt.date | None:
    return first_date(facts.get("date", "")) or first_date(text)


def _title(plan: Outline, converted: Converted, facts: dict[str, str], source_name: str) -> tuple[str, str]:
    for candidate, origin in ((plan.title, "the document's first heading"), (converted.page_title, "the page's title"),
                              (facts.get("title"), "the document's Title line")):
        if candidate and candidate.strip():
            return _clean_title(candidate), origin
    stem = re.sub(r"[-_]+", " ", source_name.rsplit(".", 1)[0]).strip()
    return _clean_title(stem or "Imported post-mortem"), "the file name: write a better one"


def _clean_title(text: str) -> str:
    text = " ".join(re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", lambda m: m[1] or "", text).split())
    return text if len(text) <= 120 else text[:119].rsplit(" ", 1)[0] + "…"


def _section_of_kind(plan: Outline, config: Config, kind: str) -> Placed | None:
    spec = config.section_spec(kind)
    return next((placed for placed in plan.sections if placed.spec is spec), None)


def _timeline(section: Placed, config: Config, day: dt.date | None) -> Timeline:
    blocks = [block for part in section.parts for block in part.blocks]
    headings = " ".join(part.heading or "" for part in section.parts)
    untimed = " ".join(block.text for block in blocks if block.kind == "paragraph")
    named = zone_named(f"{headings} {untimed}") or zone_named(" ".join(section.sources))
    context = " ".join(block.text for block in blocks[:2] if block.kind == "paragraph")
    return read_timeline(blocks, context, day, config.zone, named)


def _severity(config: Config, facts: dict[str, str], text: str, report: FileReport) -> tuple[str, str | None]:
    def find(where: str) -> list[str]:
        squeezed = re.sub(r"[\s_-]+", "", where).upper()
        return [level for level in config.severity_ids if re.search(rf"(?<![A-Z0-9]){re.escape(level.upper())}(?![0-9])",
                                                                    squeezed)]
    named = find(facts["severity"]) if "severity" in facts else []
    found = named or sorted(set(find(text)), key=config.severity_ids.index)
    if len(found) >= 1 and (named or len(found) == 1):
        report.fill("severity", found[0], "the document's Severity line" if named else "the document's text")
        return found[0], None
    why = (f"the document says {facts['severity']!r}, not one of {', '.join(config.severity_ids)}"
           if "severity" in facts else f"the document names none of {', '.join(config.severity_ids)}")
    report.to_complete("severity", why)
    return "TODO", " | ".join(config.severity_ids)


def _services(config: Config, facts: dict[str, str], title: str, text: str, report: FileReport) -> tuple[str, str | None]:
    where = f" {_loose(facts.get('services') or f'{title} {text}')} "
    found = [service.id for service in config.services
             if any(f" {_loose(name)} " in where for name in (service.id, service.display_name))]
    if found:
        report.fill("services", found, "the document's Services line" if "services" in facts else
                    "the catalogue's names found in the text")
        return f"[{', '.join(found)}]", None
    said = f"the document says {facts['services']!r}; " if "services" in facts else ""
    why = f"{said}no service of postmortem.yml's catalogue is named"
    report.to_complete("services", why)
    return "TODO", "ids from postmortem.yml's services, e.g. [" + ", ".join(sorted(config.service_ids)[:2]) + "]"


def _loose(text: str) -> str:
    """A name as compared with the catalogue's: `Payments API` and `payments-api` alike."""
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def _detection(proposed: dict, report: FileReport) -> tuple[str, str | None]:
    if "detected_at" in proposed:
        text = proposed["detected_at"][1]
        for value, words in DETECTION_WORDS:
            if words.search(text):
                report.fill("detection", value, f"timeline: {clip(text, 60)}")
                return value, "proposed from the timeline: check it"
    report.to_complete("detection", "how the incident was noticed is not clear from the timeline")
    return "TODO", "alert | customer | employee | automated-test | other"


def _front_matter(fields: dict[str, tuple[str, str | None]], roles: list[str], actions: list[str]) -> str:
    lines = []
    for name, (value, comment) in fields.items():
        lines.append(f"{name}: {value}" + (f"  # {comment}" if comment else ""))
    lines.append("roles:")
    lines.extend(roles)
    if actions:
        lines.append("actions:")
        lines.extend(actions)
    else:
        lines.append("actions: []  # TODO: the document lists no action item")
    return "\n".join(lines) + "\n"


def _roles_yaml(facts: dict[str, str], text: str, config: Config, report: FileReport) -> list[str]:
    """The incident's roles where the document names who held them ("names jennifer incident
    commander", "Incident commander: bob"); a holder must be one of the config's people."""
    people = {person.lower(): person for person in config.people}
    lines = []
    for role, pattern in ROLE_PATTERNS.items():
        named = facts.get(role)
        found = pattern.search(text) if not named else None
        said = (named or (found and (found["before"] or found["after"])) or "").strip(" @*_")
        said = said.split(",")[0].split()[0] if said else ""
        holder = people.get(said.lower()) if people else said
        name = role.replace("_", " ")
        if holder:
            lines.append(f"  {role}: {json.dumps(holder, ensure_ascii=False)}")
            report.fill(f"roles.{role}", holder, "the document's text")
            continue
        why = (f"the document says {said!r}, who is not in postmortem.yml's people" if said
               else f"the document names no {name}")
        lines.append(f"  {role}: TODO  # {_comment(why)}")
        report.to_complete(f"roles.{role}", why)
    return lines


def _actions_yaml(actions: list[FoundAction], config: Config, report: FileReport) -> list[str]:
    owners = {owner.lower(): owner for owner in config.owners}
    lines = []
    for index, action in enumerate(actions):
        lines.append(f"  - title: {json.dumps(action.title, ensure_ascii=False)}")
        known = owners.get((action.owner or "").lower()) if owners else action.owner
        if known:
            lines.append(f"    owner: {json.dumps(known, ensure_ascii=False)}")
        else:
            why = (f"the document says {action.owner!r}, who is not in postmortem.yml's people or teams"
                   if action.owner else "the document names no owner")
            lines.append(f"    owner: TODO  # {_comment(why)}")
            report.to_complete(f"actions[{index}].owner", why)
        if action.due:
            lines.append(f"    due: {action.due.isoformat()}")
        else:
            lines.append("    due: TODO  # the document gives no due date")
            report.to_complete(f"actions[{index}].due", "the document gives no due date")
        if action.ticket:
            lines.append(f"    ticket: {json.dumps(action.ticket, ensure_ascii=False)}")
        if action.done:
            report.notes.append(f"actions[{index}] is done in the document: set `status: done` and `closed_on`")
    return lines


def _comment(text: str) -> str:
    return " ".join(text.replace("#", "").split())
