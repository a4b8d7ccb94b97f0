"""The timeline: lines, list items and table rows that start with a time (`18:42`, `6:42 PM`,
`2017-01-31 23:00 UTC`, `**± 17:20 UTC:**`), rewritten as the format's entries (`- HH:MM — text`, the
full date on the first entry and where the day changes), and the incident's times proposed from them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .blocks import Block
from .dates import DATE, TIME, ZONE, date_of, month_day, time_of, zone_of
from .sections import normalize

#: A time at the start of a text, with an optional date before it and zone after it.
STAMP = re.compile(
    rf"^[\s*_±~≈>(\[]*(?:(?:on|at|around|le|à|vers)\s+)?(?:{DATE}[\s,T]*(?:at\s+|à\s+)?[\s*_]*)?[~±≈]?\s*{TIME}"
    rf"(?!\d|:\d)(?:\s*~)?(?:\s*\(?{ZONE}\)?)?(?![\w])[\s*_~+)\]]*(?:[:|,.–—-]+)?[\s*_]*(?P<text>.*)$",
    re.IGNORECASE | re.DOTALL)
#: Words in what precedes a time, once its zone and AM/PM are left out.
WORDS = re.compile(r"[^\W\d_]{2,}")
ZONE_OR_MERIDIEM = re.compile(rf"{ZONE}|\b[ap]\.?\s?m\b\.?", re.IGNORECASE)
#: Table headers of the time column and of the event column.
TIME_HEADERS = {"time", "date", "datetime", "date time", "timestamp", "when", "heure", "horodatage", "date heure",
                "time utc", "heure utc", "date and time"}


@dataclass(frozen=True)
class Entry:
    """A timed event of the timeline, in the document's words."""

    when: dt.datetime | None  # None when the document gives no date at all
    time: dt.time
    text: str
    dated: bool  # the document wrote the date on this entry


@dataclass(frozen=True)
class Stamp:
    date: dt.date | None
    time: dt.time
    zone: dt.tzinfo | None
    text: str
    month_day: tuple[int, int] | None = None  # a date written without its year: the timeline's year
    zone_name: str | None = None  # as written: UTC, CET, UTC+2


def read_stamp(text: str) -> Stamp | None:
    """The time a text starts with, and the rest of the text, or None."""
    text = " ".join(text.split())
    match = STAMP.match(text)
    if not match:
        return None
    time = time_of(match)
    if time is None:
        return None
    date = date_of(match) if match["iso"] or match["month1"] or match["month2"] else None
    if match["iso"] and date is None:
        return None
    rest = match["text"].strip()
    if WORDS.search(ZONE_OR_MERIDIEM.sub("", text[:match.start("text")])):
        rest = text  # "On February 1st at 17:00 UTC we...": the words before the time are the author's
    for mark in ("**", "__"):
        if rest.count(mark) % 2:
            rest = mark + rest
    zone = zone_of(match["zone"]) if match["zone"] else None
    return Stamp(date, time, zone, rest, None if date else month_day(match), match["zone"]) if rest else None


def table_stamps(block: Block) -> list[Stamp | None]:
    """For each data row of a table, its stamp (time column first, the other cells as text), or None."""
    rows = block.rows
    if len(rows) < 2:
        return []
    header = [normalize(cell) for cell in rows[0]]
    time_column = next((index for index, name in enumerate(header) if name in TIME_HEADERS), None)
    stamps = []
    for row in rows[1:]:
        column = time_column
        if column is None:
            column = next((index for index, cell in enumerate(row) if read_stamp(f"{cell} x")), None)
        if column is None or column >= len(row):
            stamps.append(None)
            continue
        rest = " — ".join(cell for index, cell in enumerate(row) if index != column and cell)
        stamps.append(read_stamp(f"{row[column]} — {rest}") if rest else None)
    return stamps


@dataclass
class Timeline:
    """The entries of the timeline, each with its block (and row), and what was assumed reading them."""

    entries: list[tuple[Entry, Block, int | None]]
    notes: list[str]


def read_timeline(blocks: list[Block], context_text: str, default_day: dt.date | None, default_zone: dt.tzinfo,
                  named_zone: dt.tzinfo | None) -> Timeline:
    """The timed entries of the timeline's blocks, dated: an entry without a date takes the one before
    it, the first takes the timeline's own date line or `default_day`; a time earlier than the one
    before it, without a date, is the next day. Times are in the zone the timeline names, else the
    first entry's, else `default_zone`; an entry written in another zone is converted to it."""
    from .dates import first_date

    zone = named_zone or default_zone
    day = first_date(context_text) or default_day
    entries: list[tuple[Entry, Block, int | None]] = []
    notes: list[str] = []
    previous: dt.datetime | None = None
    for block, row, stamp in _stamps(blocks):
        if stamp is None:
            if block.kind == "paragraph" and not entries:
                day = first_date(block.text) or day
            continue
        stamp_day = stamp.date or _in_year(stamp.month_day, day)
        dated = stamp_day is not None
        if stamp.zone is not None and not entries and named_zone is None:
            zone = stamp.zone
        if dated:
            day = stamp_day
        when, text = None, stamp.text
        if day is not None:
            when, text = _moment(day, stamp, zone)
            if previous and when < previous and not dated:
                day = day + dt.timedelta(days=1)
                when, text = _moment(day, stamp, zone)
                notes.append(f"{stamp.time:%H:%M} read as the next day, {day.isoformat()} (it comes after "
                             f"{previous:%H:%M})")
                dated = True
            if previous and when < previous:
                notes.append(f"{day.isoformat()} {stamp.time:%H:%M} is earlier than the entry before it: "
                             "kept as text, not as an entry")
                continue
            previous = when
        entries.append((Entry(when, stamp.time, text, dated), block, row))
    return Timeline(entries, notes)


def _moment(day: dt.date, stamp: Stamp, zone: dt.tzinfo) -> tuple[dt.datetime, str]:
    """An entry's time in the timeline's zone, and its text: with the time as written first when it
    was written in another zone ("(17:20 UTC) prior to...")."""
    target = _fixed(zone, day, stamp.time)
    if stamp.zone is None:
        return dt.datetime.combine(day, stamp.time, target), stamp.text
    written = dt.datetime.combine(day, stamp.time, stamp.zone)
    if written.utcoffset() == target.utcoffset(written):
        return written, stamp.text
    return written.astimezone(target), f"({stamp.time:%H:%M} {stamp.zone_name}) {stamp.text}"


def _in_year(month_day: tuple[int, int] | None, day: dt.date | None) -> dt.date | None:
    if month_day is None or day is None:
        return None
    try:
        return dt.date(day.year, *month_day)
    except ValueError:
        return None


def _stamps(blocks: list[Block]):
    for block in blocks:
        if block.kind == "table":
            for row, stamp in enumerate(table_stamps(block)):
                yield block, row, stamp
        elif block.kind == "paragraph" or block.kind == "item" and block.level == 1:
            yield block, None, read_stamp(block.text)


def _fixed(zone: dt.tzinfo, day: dt.date, time: dt.time) -> dt.tzinfo:
    """The fixed offset of `zone` on that day, so that every time written carries its own offset."""
    offset = dt.datetime.combine(day, time, zone).utcoffset() or dt.timedelta(0)
    return dt.timezone(offset)


def entry_line(entry: Entry, previous: Entry | None) -> str:
    """The format's entry: `- HH:MM — text`, with the date on the first entry and where the day changes."""
    text = " ".join(entry.text.split())
    if entry.when is None:
        return f"- {entry.time:%H:%M} — {text}"
    new_day = previous is None or previous.when is None or previous.when.date() != entry.when.date()
    stamp = entry.when.strftime("%Y-%m-%d %H:%M") if new_day else entry.when.strftime("%H:%M")
    return f"- {stamp} — {text}"


#: What an entry says when it marks one of the incident's times, first match wins (resolution: last).
MOMENTS = {
    "started_at": re.compile(r"outage begins|impact (?:begins|began|starts|started)|début (?:de l'incident|de "
                             r"l'impact|de la panne)|started failing|start(?:ed|s)? (?:failing|melting|crash)|"
                             r"crash[- ]?loop|went down", re.I),
    "detected_at": re.compile(r"\b(?:alert(?:ed|s)?|alarm|paged|pager|detect(?:ed|s)?|noticed|reports?|"
                              r"monitoring|on-call|signal(?:é|e)|détect|alerte|informed|discovered|receives|warning)\b", re.I),
    "declared_at": re.compile(r"\bdeclar(?:e|es|ed)\b|incident begins|déclar", re.I),
    "mitigated_at": re.compile(r"mitigat|roll(?:ed)?[ -]?back|revert|restored|fail(?:ed)?[ -]?over|atténu|"
                               r"rétabli|downgraded|workaround|contourn", re.I),
    "resolved_at": re.compile(r"resolved|outage ends|incident ends|\bfixed|solved|\boperational\b|"
                              r"confirmed working|back to normal|recovered|résolu|corrig|confirmed that the problem|"
                              r"operating as expected|back online|fully (?:restored|operational)|"
                              r"issue permanently|completed? .*confirmed", re.I),
}


def propose_times(entries: list[Entry]) -> dict[str, tuple[dt.datetime, str]]:
    """The incident's times the timeline makes clear, each with the entry it comes from, in order:
    started_at (the first entry that says so, else the first entry), resolved_at (the last that
    says so), and between them detected_at, declared_at and mitigated_at (the first that says so)."""
    timed = [entry for entry in entries if entry.when is not None]
    if not timed:
        return {}
    start = next((entry for entry in timed if MOMENTS["started_at"].search(entry.text)), timed[0])
    proposed = {"started_at": (start.when, start.text)}
    resolved = [entry for entry in timed if entry.when >= start.when and MOMENTS["resolved_at"].search(entry.text)]
    ceiling = resolved[-1].when if resolved else None
    floor = start.when
    for name in ("detected_at", "declared_at", "mitigated_at"):
        chosen = next((entry for entry in timed if floor <= entry.when and (ceiling is None or entry.when <= ceiling)
                       and MOMENTS[name].search(entry.text)), None)
        if chosen:
            proposed[name] = (chosen.when, chosen.text)
            floor = chosen.when
    if resolved:
        proposed["resolved_at"] = (resolved[-1].when, resolved[-1].text)
    return proposed
