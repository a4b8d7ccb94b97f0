"""Headings mapped to the format's sections by what they mean, in English and French: "Root cause
analysis", "Trigger" and "Cause racine" are the root cause; "Action items" and "Suivi" are actions.
A heading that means none of them is kept, with its text, under the nearest section before it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ...kb.config.schema import Config, SectionSpec
from .blocks import Block

SUMMARY, TIMELINE, IMPACT, ROOT_CAUSE, DETECTION, WENT_WELL, LESSONS, ACTIONS, RESOLUTION = (
    "summary", "timeline", "impact", "root-cause", "detection", "went-well", "lessons", "actions", "resolution")

#: What each meaning is called, normalized (lowercase, no accents, no punctuation).
SYNONYMS: dict[str, list[str]] = {
    SUMMARY: ["summary", "executive summary", "incident summary", "issue summary", "tl dr", "tldr", "overview",
              "incident overview", "what happened", "description", "abstract", "introduction", "background",
              "context", "resume", "resume executif", "synthese", "contexte", "ce qui s est passe", "description"],
    TIMELINE: ["timeline", "incident timeline", "timeline of events", "chronology", "sequence of events",
               "chronologie", "deroule", "deroulement", "historique"],
    IMPACT: ["impact", "impacts", "customer impact", "user impact", "impact assessment", "data loss impact",
             "business impact", "consequences", "impact client"],
    ROOT_CAUSE: ["root cause", "root causes", "root cause analysis", "rca", "cause", "causes", "trigger",
                 "triggers", "contributing factors", "contributing factor", "why it happened", "5 whys",
                 "five whys", "cause racine", "causes racines", "cause profonde", "causes profondes",
                 "analyse des causes", "facteurs contributifs", "declencheur", "origine"],
    DETECTION: ["detection", "how we found out", "how it was detected", "how was it detected", "monitoring"],
    WENT_WELL: ["what went well", "went well", "what worked", "things that went well", "ce qui a bien marche",
                "ce qui a bien fonctionne", "points positifs"],
    LESSONS: ["lessons learned", "lessons learnt", "lessons", "learnings", "takeaways", "what went wrong",
              "what didn t go well", "what did not go well", "what could be improved", "where we got lucky",
              "what we learned", "lecons", "lecons apprises", "lecons tirees", "enseignements", "retour d experience",
              "ce qui n a pas marche", "ce qui n a pas fonctionne", "axes d amelioration", "conclusion"],
    ACTIONS: ["action items", "action item", "actions", "follow up", "follow ups", "follow up actions",
              "corrective actions", "corrective and preventative measures", "corrective and preventive measures",
              "preventive measures", "preventative measures", "next steps", "remediation", "remediations",
              "remediation items", "improvements", "improving", "what we are doing", "what we will do",
              "preventing", "prevention", "suivi", "actions correctives",
              "plan d action", "mesures correctives", "prochaines etapes", "actions de suivi"],
    RESOLUTION: ["resolution", "recovery", "mitigation", "how we fixed it", "fix", "resolution and recovery",
                 "resolution et retablissement", "retablissement", "remise en service", "attenuation"],
}
#: The meaning each role stands for in the format: the section it goes in (actions go in the body
#: under the lessons and into the front matter; the resolution tells the story of the timeline).
ROLE_SECTIONS = {SUMMARY: "Summary", TIMELINE: "Timeline", IMPACT: "Impact", ROOT_CAUSE: "Root cause",
                 DETECTION: "Detection", WENT_WELL: "What went well", LESSONS: "Lessons learned",
                 ACTIONS: "Lessons learned", RESOLUTION: "Timeline"}
KINDS = {SUMMARY: "summary", TIMELINE: "timeline", ROOT_CAUSE: "root-cause", RESOLUTION: "timeline"}
#: Headings that name the document rather than a part of it: the title is the text after them.
GENERIC_TITLES = {"incident title", "title", "postmortem", "post mortem", "example postmortem", "incident report",
                  "incident", "titre", "rapport d incident"}


def normalize(heading: str) -> str:
    """A heading as compared: lowercase, accents and footnote marks, numbering, `(UTC)` and punctuation gone."""
    text = re.sub(r"\[[^\]]*\]\([^)]*\)", " ", heading)  # links: footnote markers of a web page
    text = re.sub(r"\([^)]*\)", " ", text)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"^\s*(?:\d+\s+)+|(?:\s+\d+)+\s*$", " ", text)  # "3. Timeline", "Timeline167"
    text = re.sub(r"(?<=[a-z])\d+$", "", text.strip())
    return " ".join(text.split())


_PHRASES = sorted(((phrase, role) for role, phrases in SYNONYMS.items() for phrase in phrases),
                  key=lambda pair: -len(pair[0]))


def role_of(heading: str, exact: bool = False) -> str | None:
    """The meaning of a heading: exactly one of the synonyms, or (unless `exact`) one of them as
    whole words in it."""
    name = normalize(heading)
    if not name:
        return None
    for phrase, role in _PHRASES:
        if name == phrase:
            return role
    if exact:
        return None
    for phrase, role in _PHRASES:
        if len(phrase) > 3 and re.search(rf"(?:^| ){re.escape(phrase)}(?: |$)", name):
            return role
    return None


@dataclass
class Part:
    """Content of the source under one of its headings (None before the first)."""

    heading: str | None
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Placed:
    """A required section of the format, and what the source puts in it."""

    spec: SectionSpec
    heading: str
    parts: list[Part] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the source headings mapped to it by meaning


def spec_for(config: Config, heading: str, exact: bool = False) -> tuple[SectionSpec | None, str | None]:
    """The config's section a heading goes in, and the role it plays (actions, resolution...); with
    `exact`, only a heading that is one of the names (a subheading: "What happened?" in a FAQ is
    not the summary)."""
    for spec in config.sections:
        if spec.matches(heading):
            return spec, role_of(heading) or _role_of_spec(spec)
    role = role_of(heading, exact)
    if role is None:
        return None, None
    kind = KINDS.get(role)
    spec = config.section_spec(kind) if kind else None
    if spec is None:
        spec = next((spec for spec in config.sections if spec.matches(ROLE_SECTIONS[role])), None)
    return spec, role


def _role_of_spec(spec: SectionSpec) -> str | None:
    return next((role_of(name) for name in spec.names() if role_of(name)), None)


@dataclass
class Outline:
    """The source's headings placed in the format's sections, and what the title heading said."""

    sections: list[Placed]
    title: str | None
    roles: dict[str, list[Part]]  # the parts of each meaning found: actions, resolution, timeline...
    unmapped: list[str]  # source headings kept under another section
    top: int  # the level of the document's section headings


def outline(blocks: list[Block], config: Config) -> Outline:
    """Place every block of the document in a section of the format; nothing is dropped."""
    title, blocks = _title(blocks)
    placed = {spec.title: Placed(spec, spec.title) for spec in config.sections}
    order = [spec.title for spec in config.sections]
    roles: dict[str, list[Part]] = {}
    unmapped: list[str] = []
    current = placed[order[0]] if order else None
    part = Part(None, 0)
    if current:
        current.parts.append(part)
    top = min((block.level for block in blocks if block.kind == "heading"), default=2)
    for block in blocks:
        heading = block.text if block.kind == "heading" else block.label if block.label else None
        deeper = block.kind == "heading" and block.level > top
        spec, role = spec_for(config, heading, exact=deeper) if heading else (None, None)
        if block.kind != "heading" and spec is None:
            part.blocks.append(block)
            continue
        level = block.level if block.kind == "heading" else top
        if spec is not None:
            current = placed[spec.title]
            if not current.sources and spec.matches(heading):
                current.heading = heading.strip()
            current.sources.append(heading)
        elif block.kind == "heading":
            unmapped.append(heading)
        part = Part(heading if block.kind == "heading" else None, level if spec is None else top)
        if block.kind != "heading":
            part.blocks.append(block)
        current.parts.append(part)
        if role:
            roles.setdefault(role, []).append(part)
    return Outline([placed[name] for name in order], title, roles, unmapped, top)


def _title(blocks: list[Block]) -> tuple[str | None, list[Block]]:
    """The document's title: the heading it starts with, or what follows a heading such as "Incident title"."""
    first = 0 if blocks and blocks[0].kind == "heading" else None
    if first is None or blocks[first].level != min(b.level for b in blocks if b.kind == "heading"):
        return None, blocks
    heading = blocks[first]
    if role_of(heading.text):
        return None, blocks
    rest = blocks[:first] + blocks[first + 1:]
    if normalize(heading.text) not in GENERIC_TITLES:
        return heading.text, rest
    following = blocks[first + 1] if first + 1 < len(blocks) else None
    if following and following.kind == "paragraph" and "\n" not in following.text and not following.label:
        return following.text.strip(), blocks[:first] + blocks[first + 2:]
    if following and following.kind == "heading" and not role_of(following.text):
        return following.text, blocks[:first] + blocks[first + 2:]
    return None, rest
