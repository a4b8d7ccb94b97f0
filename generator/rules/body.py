"""PM3xx: the body's `##` sections, the timeline and the root cause."""

from __future__ import annotations

import datetime as dt
import re

from ..kb.body import has_text, is_placeholder
from ..kb.config.schema import CUSTOMER_SUMMARY
from ..kb.model import Status
from .registry import ERROR, WARNING, Finding, lenient, rule


@rule("PM301", "missing-section", ERROR, "A required `##` section is missing.")
def missing_section(doc, context):
    """The required sections (by default Summary, Timeline, Impact, Root cause, Detection, What went
    well, Lessons learned, or their French titles) are `##` headings; titles match whatever the
    case. In a draft this is a warning.

    Failing:
    ```markdown
    ## Summary
    Checkout failed for 20 minutes.
    ## Impact
    ...
    ```

    Passing:
    ```markdown
    ## Summary
    Checkout failed for 20 minutes.
    ## Timeline
    - 14:02 — error rate alert fires
    ## Impact
    2,300 orders failed.
    ## Root cause
    A deploy removed the retry on the payment call.
    ## Detection
    The error-rate alert, after 2 minutes.
    ## What went well
    The rollback took 4 minutes.
    ## Lessons learned
    Deploys need a canary on the payment path.
    ```
    """
    specs = context.config.sections
    for position, spec in enumerate(specs):
        if doc.section(spec):
            continue
        following = next((s for later in specs[position + 1:] if (s := doc.section(later))), None)
        where = following.line if following else doc.line_count
        after = next((f"after `## {s.title}`" for earlier in reversed(specs[:position])
                      if (s := doc.section(earlier))), "")
        yield Finding(where, f"missing section `## {spec.title}`: add it {after}".rstrip(), lenient(doc))


@rule("PM302", "section-order", WARNING, "A required section is out of order.")
def section_order(doc, context):
    """Required sections come in the config's order, so that every post-mortem reads the same way.

    Failing:
    ```markdown
    ## Summary
    The payment API was down for 47 minutes.
    ## Impact
    12,000 customers could not pay.
    ## Timeline
    - 18:42 — alert on the error rate
    ```

    Passing:
    ```markdown
    ## Summary
    The payment API was down for 47 minutes.
    ## Timeline
    - 18:42 — alert on the error rate
    ## Impact
    12,000 customers could not pay.
    ```
    """
    specs = context.config.sections
    placed = []  # (spec index, section) of the first section matching each spec, in file order
    for section in doc.sections:
        index = next((i for i, spec in enumerate(specs) if section.normalized_title in spec.normalized_names), None)
        if index is not None and all(index != i for i, _ in placed):
            placed.append((index, section))
    in_order = _longest_increasing(placed)
    for index, section in placed:
        if (index, section) in in_order:
            continue
        before = [s for i, s in in_order if i < index]
        where = f"after `## {before[-1].title}`" if before else "first"
        yield Finding(section.line, f"`## {section.title}` is out of order: move it {where}")


def _longest_increasing(placed: list) -> list:
    """The longest run of sections (not necessarily adjacent) already in the config's order."""
    best: list[list] = []
    for position, (index, section) in enumerate(placed):
        candidates = [best[p] for p in range(position) if placed[p][0] < index]
        best.append(max(candidates, key=len, default=[]) + [(index, section)])
    return max(best, key=len, default=[])


@rule("PM303", "empty-section", ERROR, "A required section has no text, or only the template's placeholder.")
def empty_section(doc, context):
    """HTML comments (the template's guidance) and `TODO` placeholders do not count as text.
    In a draft this is a warning.

    Failing:
    ```markdown
    ## Root cause
    <!-- Why was it possible? -->
    TODO: the system condition that let this happen.
    ```

    Passing:
    ```markdown
    ## Root cause
    The connection pool (20 connections) saturated under the Friday peak; nothing alerted on it.
    ```
    """
    for spec in context.config.sections:
        section = doc.section(spec)
        if section and not has_text(section):
            yield Finding(section.line, f"`## {section.title}` is not written yet: replace the placeholder with text",
                          lenient(doc))


SUMMARY_MAX_LINES = 5


@rule("PM304", "summary-too-long", WARNING, "The summary is longer than 5 lines or bullets.")
def summary_too_long(doc, context):
    """The summary is for executives: five lines or bullets at most. Details go in other sections.

    Failing:
    ```markdown
    ## Summary
    - Payments failed for 47 minutes.
    - 31% of transactions failed.
    - The DB connection pool saturated.
    - Nothing alerted on the pool.
    - We rolled back and raised the pool size.
    - We will add alerts and load tests.
    ```

    Passing:
    ```markdown
    ## Summary
    - Payments failed for 47 minutes; 31% of transactions failed.
    - Cause: the DB connection pool saturated, and nothing alerted on it.
    - Fixed by a rollback; alerts and load tests are planned.
    ```
    """
    spec = context.config.section_spec("summary")
    section = doc.section(spec) if spec else None
    if section is None:
        return
    count = sum(
        1 if block.kind == "item" else block.line_count
        for block in section.blocks
        if block.kind in ("item", "paragraph") and block.depth <= 1 and not is_placeholder(block.text)
    )
    if count > SUMMARY_MAX_LINES:
        yield Finding(section.line, f"`## {section.title}` has {count} lines or bullets: keep it to "
                                    f"{SUMMARY_MAX_LINES}, details belong in the other sections")


TIMELINE_ENTRY = re.compile(
    r"^(?:\*\*|__)?(?:(?P<date>\d{4}-\d{2}-\d{2})[ T])?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\*\*|__)?"
    r"\s*[-–—]\s*\S"
)
TIMELINE_SLACK = dt.timedelta(hours=24)


def timeline_entries(doc, context):
    """The timeline section and its top-level items as (block, datetime or None, problem or None)."""
    if "timeline" not in doc.cache:
        doc.cache["timeline"] = _read_timeline(doc, context)
    return doc.cache["timeline"]


def _read_timeline(doc, context):
    spec = context.config.section_spec("timeline")
    section = doc.section(spec) if spec else None
    if section is None:
        return None
    started = doc.value("started_at")
    zone = started.tzinfo if started else dt.UTC
    day = started.date() if started else dt.date(2000, 1, 1)
    entries = []
    for block in section.blocks:
        if block.kind != "item" or block.depth != 1 or is_placeholder(block.text):
            continue
        match = TIMELINE_ENTRY.match(block.text)
        if not match:
            entries.append((block, None, "does not start with a time: write `HH:MM — what happened` "
                                         "or `YYYY-MM-DD HH:MM — what happened`"))
            continue
        try:
            if match["date"]:
                day = dt.date.fromisoformat(match["date"])
            when = dt.datetime.combine(day, dt.time(int(match["hour"]), int(match["minute"])), zone)
        except ValueError:
            stamp = f"{match['date'] or ''} {match['hour']}:{match['minute']}".strip()
            entries.append((block, None, f"`{stamp}` is not a real date and time"))
            continue
        entries.append((block, when, None))
    return section, entries


@rule("PM305", "timeline-not-a-list", ERROR, "The timeline has text but no list of timed entries.")
def timeline_not_a_list(doc, context):
    """Failing:
    ```markdown
    ## Timeline
    At 18:42 the first alert fired, then we declared a SEV1.
    ```

    Passing:
    ```markdown
    ## Timeline
    - 18:42 — first latency alert
    - 18:47 — SEV1 declared, Alice is incident commander
    ```
    """
    found = timeline_entries(doc, context)
    if found and not found[1] and has_text(found[0]):
        yield Finding(found[0].line, f"`## {found[0].title}` needs a list of entries, one per line: "
                                     "`- HH:MM — what happened`")


@rule("PM306", "timeline-entry-without-time", ERROR, "A timeline entry does not start with a valid time.")
def timeline_entry_without_time(doc, context):
    """Each top-level item starts with `HH:MM` or `YYYY-MM-DD HH:MM`, then a dash or an em-dash,
    then text. Times are read in the offset of `started_at`. Nested items are free text.

    Failing:
    ```markdown
    ## Timeline
    - First alert at 18:42
    - 25:10 — rollback started
    ```

    Passing:
    ```markdown
    ## Timeline
    - 18:42 — first alert
    - 19:02 — rollback started
    ```
    """
    found = timeline_entries(doc, context)
    for block, _, problem in found[1] if found else ():
        if problem:
            yield Finding(block.line, f"timeline entry {problem}")


@rule("PM307", "timeline-backwards", ERROR, "The timeline goes back in time.")
def timeline_backwards(doc, context):
    """Entries are in chronological order. An entry without a date takes the date of the entry
    before it (the first takes `started_at`'s), so a timeline that crosses midnight writes the
    full date on the first entry after it.

    Failing:
    ```markdown
    ## Timeline
    - 23:50 — deploy starts
    - 00:10 — errors rise
    ```

    Passing:
    ```markdown
    ## Timeline
    - 2026-03-13 23:50 — deploy starts
    - 2026-03-14 00:10 — errors rise
    ```
    """
    found = timeline_entries(doc, context)
    previous = None
    for block, when, _ in found[1] if found else ():
        if when is None:
            continue
        if previous and when < previous:
            yield Finding(block.line, f"timeline goes back in time ({when:%Y-%m-%d %H:%M} after "
                                      f"{previous:%Y-%m-%d %H:%M}): reorder the entries, or write the full "
                                      "date `YYYY-MM-DD HH:MM` after midnight")
        previous = when


@rule("PM308", "timeline-outside-incident", WARNING, "A timeline entry is far outside the incident.")
def timeline_outside_incident(doc, context):
    """Entries fall between 24 hours before `started_at` and 24 hours after `resolved_at`; one
    outside usually has a wrong date. Follow-ups belong in actions.

    Failing (started 2026-03-13T18:42+01:00):
    ```markdown
    ## Timeline
    - 2026-03-20 10:00 — pool size raised
    ```

    Passing:
    ```markdown
    ## Timeline
    - 2026-03-13 19:02 — pool size raised
    ```
    """
    started, resolved = doc.value("started_at"), doc.value("resolved_at")
    found = timeline_entries(doc, context)
    if started is None or not found:
        return
    for block, when, _ in found[1]:
        if when is None:
            continue
        if when < started - TIMELINE_SLACK or resolved and when > resolved + TIMELINE_SLACK:
            yield Finding(block.line, f"timeline entry at {when:%Y-%m-%d %H:%M} is more than 24 hours outside "
                                      "the incident (started_at to resolved_at): check its date")


@rule("PM310", "duplicate-section", WARNING, "A required section appears twice.")
def duplicate_section(doc, context):
    """Only the first is checked and read as that section: merge the two.

    Failing:
    ```markdown
    ## Impact
    ...
    ## Impact
    ```

    Passing:
    ```markdown
    ## Impact
    ...
    ```
    """
    for spec in context.config.sections:
        matching = [s for s in doc.sections if s.normalized_title in spec.normalized_names]
        for section in matching[1:]:
            yield Finding(section.line, f"`## {section.title}` appears again (first on line {matching[0].line}): "
                                        "merge the two")


@rule("PM313", "no-customer-summary", WARNING, "A published post-mortem of the top severity has no customer summary.")
def no_customer_summary(doc, context):
    """Customers of the most severe incidents (the first severity of the config, SEV1 by default)
    read the public report that `postmortem export ID --audience customer` writes. Without a
    `## Customer summary` section, the report says what customers saw and why in generated words;
    the section says it in yours. Text between `<!-- internal -->` and `<!-- /internal -->` stays out.

    Failing:
    ```markdown
    ## Summary

    The payment API was down for 47 minutes.
    ```

    Passing:
    ```markdown
    ## Summary

    The payment API was down for 47 minutes.

    ## Customer summary

    On 13 March from 18:42 to 19:29 (Paris time), card payments failed for most customers.
    ```
    """
    severities = context.config.severity_ids
    if doc.value("status") != Status.published or not severities or doc.value("severity") != severities[0]:
        return
    if doc.section(CUSTOMER_SUMMARY) is None:
        yield Finding(doc.body_line, f"no `## {CUSTOMER_SUMMARY.title}` section: write in a few plain sentences what "
                                     "customers saw and why, for the public report (`postmortem export "
                                     f"{doc.id} --audience customer`)")
