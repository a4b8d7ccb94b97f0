"""The readers behind `postmortem import`, on the forms post-mortems write: times and dates, the
timeline's entries and their days, action items, and headings placed in the format's sections."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.authoring.importing import import_documents
from generator.authoring.importing.actions import FoundAction, read_actions
from generator.authoring.importing.blocks import parse_blocks
from generator.authoring.importing.document import ROLE_PATTERNS
from generator.authoring.importing.sections import outline, role_of
from generator.authoring.importing.timeline import entry_line, propose_times, read_stamp, read_timeline
from generator.checker import check
from generator.diagnostics import Level
from generator.kb.config.schema import Config
from generator.kb.layout import open_knowledge_base

from .conftest import lay_out

UTC = dt.UTC
CET = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(("text", "date", "time", "rest"), [
    ("18:42 — first alert", None, "18:42", "first alert"),
    ("6:42 PM: checkout errors rise", None, "18:42", "checkout errors rise"),
    ("12:05 am - cron starts", None, "00:05", "cron starts"),
    ("22h06 : correctif déployé", None, "22:06", "correctif déployé"),
    ("2017-01-31 23:00 UTC — replication lags", "2017-01-31", "23:00", "replication lags"),
    ("**± 17:20 UTC:** prior to starting this work", None, "17:20", "prior to starting this work"),
    ("**14:54 OUTAGE BEGINS** — backends melt", None, "14:54", "**OUTAGE BEGINS** — backends melt"),
    ("2020-11-17 10:45~ — KIAM upgraded", "2020-11-17", "10:45", "KIAM upgraded"),
    ("January 31, 2017 at 6:42 PM — thing", "2017-01-31", "18:42", "January 31, 2017 at 6:42 PM — thing"),
])
def test_a_time_at_the_start_of_a_line(text: str, date: str | None, time: str, rest: str) -> None:
    stamp = read_stamp(text)
    assert (stamp.date.isoformat() if stamp.date else None, f"{stamp.time:%H:%M}", stamp.text) == (date, time, rest)


@pytest.mark.parametrize("text", ["2022-05-?? HH:mm — detected", "25:10 — rollback", "3.5 to 3.6 upgrade",
                                  "Version 1.14 shipped", "18:42", "2026-02-30 10:00 — no such day"])
def test_no_time_at_the_start_of_a_line(text: str) -> None:
    assert read_stamp(text) is None


def _timeline(markdown: str, day: dt.date | None = dt.date(2026, 3, 13), zone: dt.tzinfo = UTC):
    blocks = parse_blocks(markdown)
    return read_timeline(blocks, "", day, zone, None)


def test_a_time_earlier_than_the_one_before_it_is_the_next_day() -> None:
    timeline = _timeline("- 23:50 — deploy starts\n- 00:10 — errors rise\n- 00:40 — rollback\n")
    entries = [entry for entry, _, _ in timeline.entries]
    assert [entry.when.isoformat() for entry in entries] == [
        "2026-03-13T23:50:00+00:00", "2026-03-14T00:10:00+00:00", "2026-03-14T00:40:00+00:00"]
    lines = [entry_line(entry, previous) for entry, previous in zip(entries, [None, *entries])]
    assert lines == ["- 2026-03-13 23:50 — deploy starts", "- 2026-03-14 00:10 — errors rise", "- 00:40 — rollback"]
    assert timeline.notes == ["00:10 read as the next day, 2026-03-14 (it comes after 23:50)"]


def test_an_entry_dated_earlier_than_the_one_before_it_is_kept_as_text() -> None:
    timeline = _timeline("- 2026-03-13 10:00 — b\n- 2026-03-12 09:00 — a\n")
    assert [entry.text for entry, _, _ in timeline.entries] == ["b"]
    assert timeline.notes == ["2026-03-12 09:00 is earlier than the entry before it: kept as text, not as an entry"]


def test_a_table_of_times_and_events_with_the_zone_of_its_stamps() -> None:
    timeline = _timeline("| Heure | Événement |\n|---|---|\n| 10:01 CET | alerte |\n| 10:25 | correctif |\n",
                         zone=UTC)
    assert [entry.when.isoformat() for entry, _, _ in timeline.entries] == [
        "2026-03-13T10:01:00+01:00", "2026-03-13T10:25:00+01:00"]


def test_without_any_date_the_entries_keep_their_times_only() -> None:
    timeline = _timeline("- 14:51 — news\n- 14:53 — traffic x88\n", day=None)
    entries = [entry for entry, _, _ in timeline.entries]
    assert [entry_line(entry, None) for entry in entries] == ["- 14:51 — news", "- 14:53 — traffic x88"]
    assert propose_times(entries) == {}


def test_the_incident_times_proposed_from_what_the_entries_say() -> None:
    timeline = _timeline("- 14:51 — news reports a sonnet\n- 14:54 — OUTAGE BEGINS\n- 14:55 — on-call paged\n"
                         "- 15:01 — incident declared\n- 15:36 — OUTAGE MITIGATED\n- 16:30 — INCIDENT ENDS\n")
    proposed = {name: f"{when:%H:%M}" for name, (when, _) in propose_times([e for e, _, _ in timeline.entries]).items()}
    assert proposed == {"started_at": "14:54", "detected_at": "14:55", "declared_at": "15:01",
                        "mitigated_at": "15:36", "resolved_at": "16:30"}


@pytest.mark.parametrize(("markdown", "expected"), [
    ("| Action Item | Type | Owner | Bug |\n|---|---|---|---|\n"
     "| Plug the leak | prevent | agoogler | Bug 5554825 **DONE** |\n| Update playbook | mitigate | jennifer | n/a |\n",
     [FoundAction("Plug the leak", "agoogler", None, "Bug 5554825", done=True),
      FoundAction("Update playbook", "jennifer", None, None)]),
    ("| Owner | Task | Due | Ticket |\n|---|---|---|---|\n| @alex | Add test for edge case | 2026-06-28 | PAY-12 |\n",
     [FoundAction("Add test for edge case", "alex", dt.date(2026, 6, 28), "PAY-12")]),
    ("- [ ] Raise the pool size (owner: bob, due 2026-03-20, PAY-123)\n- [x] Alert on saturation @carol\n"
     "  - nested detail\n",
     [FoundAction("Raise the pool size (owner: bob, due 2026-03-20, PAY-123)", "bob", dt.date(2026, 3, 20), "PAY-123"),
      FoundAction("Alert on saturation @carol", "carol", None, None, done=True)]),
    ("| Action | Status |\n|---|---|\n| Rotate the key | Done ✅ |\n| Add a canary | In progress |\n",
     [FoundAction("Rotate the key", None, None, None, done=True), FoundAction("Add a canary", None, None, None)]),
    ("1. [Prometheus monitoring for backups (#1095)](https://gitlab.com/i/1095)\n"
     "1. [Assign an owner for data durability](https://gitlab.com/i/1163)\n",
     [FoundAction("Prometheus monitoring for backups (#1095)", None, None, "#1095"),
      FoundAction("Assign an owner for data durability", None, None, "https://gitlab.com/i/1163")]),
])
def test_action_items_from_tables_and_lists(markdown: str, expected: list[FoundAction]) -> None:
    assert read_actions(parse_blocks(markdown)) == expected


@pytest.mark.parametrize(("heading", "role"), [
    ("Root cause analysis", "root-cause"), ("Trigger", "root-cause"), ("Cause racine", "root-cause"),
    ("Facteurs contributifs", "root-cause"), ("What happened", "summary"), ("TL;DR", "summary"),
    ("Chronologie", "timeline"), ("3. Timeline (UTC)", "timeline"), ("Timeline167", "timeline"),
    ("Leçons", "lessons"), ("What went wrong", "lessons"), ("Action items", "actions"), ("Suivi", "actions"),
    ("Ce qui a bien marché", "went-well"), ("Data loss impact", "impact"), ("Attendees", None),
])
def test_headings_by_meaning(heading: str, role: str | None) -> None:
    assert role_of(heading) == role


def test_what_maps_to_no_section_is_kept_under_the_nearest_one_before_it() -> None:
    markdown = ("# Panne du paiement\n\nIntro.\n\n## Infrastructure en place\n\nDeux bases.\n\n## Chronologie\n\n"
                "- 10:00 — alerte\n\n## Cause racine\n\nUn index.\n\n### Pourquoi ?\n\nPas de test.\n\n"
                "## Participants\n\n- A, B\n")
    plan = outline(parse_blocks(markdown), Config(services=[{"id": "api"}]))
    placed = {section.spec.title: [(part.heading, [block.text for block in part.blocks]) for part in section.parts]
              for section in plan.sections}
    assert plan.title == "Panne du paiement"
    assert placed["Summary"] == [(None, ["Intro."]), ("Infrastructure en place", ["Deux bases."])]
    assert placed["Root cause"] == [("Cause racine", ["Un index."]), ("Pourquoi ?", ["Pas de test."]),
                                    ("Participants", ["A, B"])]
    assert plan.unmapped == ["Infrastructure en place", "Pourquoi ?", "Participants"]


HEADINGS = ["Summary", "What happened", "Timeline", "Chronologie", "Root cause", "Trigger", "Impact",
            "Action items", "Suivi", "Lessons learned", "Attendees", "Notes", "Resolution", "Timeline (UTC)",
            "3. Impact", "Leçons", "Incident title", "Ce qui a bien marché", "What went well", "Detection"]
TIMES = ["09:05", "23:59", "00:10", "6:42 PM", "12:01 am", "2026-03-13 10:00", "2026-03-14 01:00", "22h06",
         "**± 17:20 UTC:**", "2026-03-12 08:00 UTC"]
WORDS = ["alert fired", "rollback", "resolved", "owner: bob", "@carol", "due 2026-04-01", "PAY-12", "# not a title",
         "`code`", "a: b # c", '"quoted"', "TODO", "---", "<b>html</b>", "ünïcödé", "| pipe |"]
LINES = st.one_of(
    st.builds(lambda heading, level: f"{'#' * level} {heading}", st.sampled_from(HEADINGS), st.integers(1, 3)),
    st.builds(lambda time, words, bullet: f"{bullet}{time} — {words}", st.sampled_from(TIMES),
              st.sampled_from(WORDS), st.sampled_from(["- ", "", "1. "])),
    st.builds(lambda time, words: f"| {time} | {words} |", st.sampled_from(TIMES), st.sampled_from(WORDS)),
    st.sampled_from(["| Time | Event |", "|---|---|", "", "Date: 2026-03-13", "Severity: SEV2", "- [ ] Fix it",
                     "All times in CET.", "> quoted", "> - quoted item", "```", "  - nested", "    - indented code",
                     "<!-- a comment -->", "* * *", "Title\n====="]),
    st.builds(lambda heading, words: f"**{heading}**: {words}", st.sampled_from(HEADINGS), st.sampled_from(WORDS)),
    st.sampled_from(WORDS),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(LINES, min_size=1, max_size=25))
def test_any_document_with_a_date_imports_into_a_draft_without_errors(tmp_path_factory, lines: list[str]) -> None:
    """Whatever headings, times, tables and stray markup a document holds, its import validates as a
    draft with warnings only (the TODOs), and keeps its words."""
    root = lay_out(tmp_path_factory.mktemp("fuzz") / "kb")
    source = root.parent / "incident.md"
    source.write_text("Date: 2026-03-13\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = import_documents(open_knowledge_base(root), [source])
    assert [report.status for report in result.reports] == ["written"]
    checked = check(open_knowledge_base(root))
    assert [d.text_line() for d in checked.diagnostics if d.level is Level.ERROR] == []
    written = (root / result.reports[0].target).read_text(encoding="utf-8").lower()
    words = set(re.findall(r"[^\W\d_]{3,}", source.read_text("utf-8").lower())) - {"utc", "cet"}
    assert words - set(re.findall(r"[^\W\d_]{3,}", written)) == set()


def test_an_entry_written_in_another_zone_is_converted_to_the_timelines() -> None:
    blocks = parse_blocks("- 18:42 — alert\n- 17:50 UTC — the provider's status page turns red\n")
    timeline = read_timeline(blocks, "", dt.date(2026, 3, 13), CET, CET)
    assert [(entry.when.isoformat(), entry.text) for entry, _, _ in timeline.entries] == [
        ("2026-03-13T18:42:00+01:00", "alert"),
        ("2026-03-13T18:50:00+01:00", "(17:50 UTC) the provider's status page turns red")]


@pytest.mark.parametrize(("text", "holder"), [
    ("15:01 docbrown declares incident #465, names jennifer incident commander", "jennifer"),
    ("- 18:47 — incident declared, bob is the incident commander", "bob"),
    ("with @carol as incident commander", "carol"),
    ("The incident commander was not named.", None),
])
def test_who_held_the_incident_commander_role(text: str, holder: str | None) -> None:
    found = ROLE_PATTERNS["incident_commander"].search(text)
    assert ((found["before"] or found["after"]) if found else None) == holder


ELEMENTS = st.one_of(
    st.builds(lambda heading, level: f"<h{level}>{heading}</h{level}>", st.sampled_from(HEADINGS), st.integers(1, 3)),
    st.builds(lambda items: "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>",
              st.lists(st.builds(lambda time, words: f"{time} {words}", st.sampled_from(TIMES), st.sampled_from(WORDS)),
                       min_size=1, max_size=4)),
    st.builds(lambda rows: "<table><tr><th>Time</th><th>Event</th></tr>" + "".join(
        f"<tr><td>{time}</td><td>{words}</td></tr>" for time, words in rows) + "</table>",
        st.lists(st.tuples(st.sampled_from(TIMES), st.sampled_from(WORDS)), min_size=1, max_size=4)),
    st.builds(lambda words: f"<p>{words}</p>", st.sampled_from(WORDS)),
    st.sampled_from(["<nav>Home | Blog</nav>", "<footer>© 2026</footer>", "<blockquote><ul><li>quoted</li></ul></blockquote>",
                     "<pre>- 10:00 in code</pre>", "<p><strong>Root cause</strong>: a leak</p>", "<hr>", "<br>",
                     "<ol><li>first<ul><li>nested</li></ul></li></ol>"]),
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(ELEMENTS, min_size=1, max_size=15), st.sampled_from(["article", "main", "div", "body"]))
def test_any_html_page_with_a_date_imports_into_a_draft_without_errors(tmp_path_factory, elements: list[str],
                                                                        container: str) -> None:
    """Headings, lists, tables, quotes and page chrome in an article, a main, a div or a bare body."""
    root = lay_out(tmp_path_factory.mktemp("fuzz") / "kb")
    source = root.parent / "incident.html"
    inner = "<p>Date: 2026-03-13</p>" + "".join(elements)
    page = inner if container == "body" else f"<{container}>{inner}</{container}>"
    source.write_text(f"<html><head><title>Space : Page</title></head><body>{page}</body></html>", encoding="utf-8")
    result = import_documents(open_knowledge_base(root), [source])
    assert [report.status for report in result.reports] == ["written"]
    checked = check(open_knowledge_base(root))
    assert [d.text_line() for d in checked.diagnostics if d.level is Level.ERROR] == []
