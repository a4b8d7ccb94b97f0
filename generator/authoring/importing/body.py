"""The body of an imported post-mortem: the format's `##` sections in the config's order, each with
the parts of the document placed in it, the timeline rewritten as entries, nothing of the source
dropped (a timeline without any timed line is kept under the first section)."""

from __future__ import annotations

import re

from .blocks import Block
from .report import FileReport
from .sections import Outline, Placed
from .timeline import Timeline, entry_line, table_stamps

#: A list marker in a quote: in the timeline it would be an entry without a time, so it is escaped.
QUOTED_LIST_MARKER = re.compile(r"^((?:[ \t]*>[ \t]?)+[ \t]*(?:\d+)?)([-*+.)])(?=[ \t])", re.MULTILINE)
LEADING_LIST_MARKER = re.compile(r"^(\d*)([-*+.)])(?=\s)")
#: How the report names the text before the document's first heading.
PREAMBLE = "(the text before the first heading)"
PLACEHOLDER = "TODO: nothing in the imported document maps to this section; write it."
TIMELINE_PLACEHOLDER = ("TODO: no timed entry found in the imported document (its timeline, if any, is kept under "
                        "the summary); write one entry a line: `- HH:MM — what happened`.")


def render_body(plan: Outline, timeline_section: Placed | None, timeline: Timeline | None, report: FileReport) -> str:
    """The body: the format's sections in order, each with what the document put in it (its subheadings
    kept as `###`), a TODO where it put nothing; the timeline's timed lines as entries. Notes in
    `report` where each heading went."""
    moved = []
    if timeline_section and timeline is not None and not timeline.entries and _has_text(timeline_section):
        moved = timeline_section.parts
        report.notes.append("no timed entry in the timeline: its text is kept under the first other section")
    keeper = next((placed for placed in plan.sections if placed is not timeline_section), None)
    chunks = []
    for index, placed in enumerate(plan.sections):
        parts = placed.parts + (moved if placed is keeper else [])
        if placed is timeline_section and moved:
            parts = []
        sources = list(placed.sources)
        if index == 0 and parts and parts[0].heading is None and parts[0].blocks:
            sources.insert(0, PREAMBLE)
        report.sections.append({"section": placed.spec.title, "from": sources})
        for part in parts:
            if part.heading and not placed.spec.matches(part.heading) and part.heading not in placed.sources:
                report.kept_under.append({"heading": part.heading, "section": placed.spec.title})
        if placed is timeline_section and timeline is not None and not moved:
            text = _render_timeline(placed, timeline, plan.top)
        else:
            text = _render_parts(placed, parts, plan.top)
        placeholder = TIMELINE_PLACEHOLDER if placed is timeline_section else PLACEHOLDER
        chunks.append(f"## {placed.heading}\n\n{text or placeholder}\n")
    return "\n".join(chunks)


def _has_text(placed: Placed) -> bool:
    """True when the section holds more than the heading that names it."""
    naming = _naming_part(placed, placed.parts)
    return any(part.blocks or part.heading and part is not naming for part in placed.parts)


def _subheading(placed: Placed, part, top: int, first: bool) -> str | None:
    """The `###` heading a part keeps in its section: none for the heading the section is named by."""
    if not part.heading or (first and placed.spec.matches(part.heading)):
        return None
    level = min(6, 3 + max(0, part.level - top))
    return f"{'#' * level} {part.heading}"


def _as_paragraph(text: str) -> str:
    """Text on one line that stays a paragraph: a leading list marker escaped (`\\- `, `1\\. `)."""
    return LEADING_LIST_MARKER.sub(r"\1\\\2", " ".join(text.split()))


def _naming_part(placed: Placed, parts):
    """The part whose heading the section is named by: it needs no `###` of its own."""
    return next((part for part in parts if part.heading and part.heading.strip() == placed.heading), None)


def _render_parts(placed: Placed, parts, top: int) -> str:
    pieces: list[str] = []
    for part in parts:
        heading = _subheading(placed, part, top, part is _naming_part(placed, parts))
        if heading:
            pieces.append(heading)
        pieces.extend(_render_blocks(part.blocks))
    return "\n\n".join(pieces).strip("\n")


def _render_blocks(blocks: list[Block]) -> list[str]:
    pieces: list[str] = []
    previous_item = False
    for block in blocks:
        if block.kind == "item":
            line = _item(block.text, block.level)
            if previous_item:
                pieces[-1] += "\n" + line
            else:
                pieces.append(line)
            previous_item = True
            continue
        previous_item = False
        pieces.append(block.text)
    return pieces


def _item(text: str, level: int) -> str:
    indent = "  " * (level - 1)
    lines = text.split("\n")
    return "\n".join([f"{indent}- {lines[0]}", *(f"{indent}  {line}" for line in lines[1:])])


def _render_timeline(placed: Placed, timeline: Timeline, top: int) -> str:
    """The timeline's parts with every timed line, item or row as an entry, and every other top-level
    item as a paragraph (a top-level item of the timeline must start with a time)."""
    entries = {(id(block), row): entry for entry, block, row in timeline.entries}
    pieces: list[str] = []
    previous_entry = None
    in_list = False

    def add(line: str, joined: bool) -> None:
        nonlocal in_list
        if joined and in_list:
            pieces[-1] += "\n" + line
        else:
            pieces.append(line)
        in_list = joined

    for part in placed.parts:
        heading = _subheading(placed, part, top, part is _naming_part(placed, placed.parts))
        if heading:
            add(heading, False)
        for block in part.blocks:
            if block.kind == "table":
                stamps = table_stamps(block)
                for row, _ in enumerate(stamps):
                    entry = entries.get((id(block), row))
                    if entry:
                        add(entry_line(entry, previous_entry), True)
                        previous_entry = entry
                    elif any(block.rows[row + 1]):
                        add(_as_paragraph(" — ".join(cell for cell in block.rows[row + 1] if cell)), False)
                if not stamps:
                    add(block.text, False)
                continue
            entry = entries.get((id(block), None))
            if entry:
                add(entry_line(entry, previous_entry), True)
                previous_entry = entry
            elif block.kind == "item" and block.level > 1 and in_list:
                add(_item(block.text, block.level), True)
            elif block.kind == "other":
                add(QUOTED_LIST_MARKER.sub(r"\1\\\2", block.text), False)
            elif block.kind == "item":
                add(_as_paragraph(block.text), False)
            else:
                add(block.text, False)
    return "\n\n".join(pieces).strip("\n")
