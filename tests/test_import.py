"""`postmortem import` on the corpus of real post-mortems in tests/fixtures/import/ (SOURCES.md):
every document imports into a draft that validates, with what a person read in it (expected.yml),
no sentence lost, the same bytes on a second run, and nothing ever overwritten."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.authoring.importing.convert import convert
from generator.cli import cli

from .conftest import FIXTURES, lay_out

CORPUS = FIXTURES / "import"
#: The corpus's folders of documents (its SOURCES.md and expected.yml are not documents to import).
DOCUMENTS = [CORPUS / "docx", CORPUS / "html", CORPUS / "markdown"]
EXPECTED = yaml.safe_load((CORPUS / "expected.yml").read_text(encoding="utf-8"))
#: A time of day, a date and a zone as the timeline rewrites them: left out when comparing text.
STAMPS = re.compile(r"\b\d{4}[-/]\d{2}[-/]\d{2}\b|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:UTC|CET))?")


def invoke(root: Path, *args: object):
    return CliRunner().invoke(cli, ["--root", str(root), *(str(arg) for arg in args)], catch_exceptions=False)


def import_written(tmp_path: Path, name: str, content: str, written: str) -> tuple[Path, str]:
    """A new knowledge base and the file `written` that importing `content`, saved as `name`, gives it."""
    root = lay_out(tmp_path / "kb")
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    assert invoke(root, "import", source).exit_code == 0
    return root, (root / written).read_text("utf-8")


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted((root / "postmortems").rglob("*.md"))}


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The corpus imported once into an empty knowledge base, and each document's report by its path."""
    root = lay_out(tmp_path_factory.mktemp("import") / "kb")
    result = invoke(root, "import", *DOCUMENTS, "--format", "json")
    assert result.exit_code == 0, result.output
    reports = {Path(report["source"]).relative_to(CORPUS).as_posix(): report
               for report in json.loads(result.output)["files"]}
    return root, reports


def test_every_document_imports(imported) -> None:
    root, reports = imported
    assert sorted(reports) == sorted(EXPECTED)
    assert all(report["status"] == "written" for report in reports.values())
    assert sorted(tree(root)) == sorted(report["target"] for report in reports.values())


def test_the_drafts_validate_with_no_error_but_the_todos_the_report_lists(imported) -> None:
    root, reports = imported
    result = invoke(root, "validate", "--format", "json")
    diagnostics = json.loads(result.output)["diagnostics"]
    assert result.exit_code == 0, [d for d in diagnostics if d["level"] == "error"]
    todo = {(report["target"], item["field"]) for report in reports.values() for item in report["todo"]}
    for diagnostic in diagnostics:
        if diagnostic["code"] == "PM115":
            field = re.search(r"`([^`]+)`", diagnostic["message"])[1]
            assert (diagnostic["path"], field) in todo, diagnostic


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_what_a_person_read_is_in_the_import(imported, name: str) -> None:
    root, reports = imported
    report, expected = reports[name], EXPECTED[name]
    filled = {item["field"]: item["value"] for item in report["filled"]}
    assert filled["title"] == expected["title"]
    for count in ("timeline_entries", "actions", "owners"):
        assert math.ceil(0.9 * expected[count]) <= report[count] <= expected[count], count
    found = {item["section"] for item in report["sections"] if item["from"]}
    assert len(found & set(expected["sections"])) >= math.ceil(0.9 * len(expected["sections"]))


def test_most_starts_and_resolutions_a_person_read_are_proposed(imported) -> None:
    """The times are proposals ("check it"): where a person reads the start in the stats rather than
    in the timeline's words (DFDS's total node failure), the import proposes another one."""
    _, reports = imported
    read = [(name, moment, EXPECTED[name][moment].isoformat()) for name in sorted(EXPECTED)
            for moment in ("started_at", "resolved_at") if EXPECTED[name][moment] is not None]
    proposed = {(name, item["field"]): item["value"] for name, report in reports.items() for item in report["filled"]}
    missed = [(name, moment, value, proposed.get((name, moment))) for name, moment, value in read
              if proposed.get((name, moment)) != value]
    assert len(missed) <= len(read) // 4, missed


def _words(text: str) -> str:
    """The words of a text, without link targets, times, dates and punctuation."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[\W_]+", " ", STAMPS.sub(" ", text)).lower().split())


def _sentences(markdown: str) -> list[str]:
    """The sentences of a document's text: its paragraphs, items and table cells, without headings,
    table headers, delimiter rows, list markers and link targets."""
    lines = markdown.split("\n")
    kept = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.lstrip().startswith("#") or re.match(r"^\s*\|?[\s:|-]+\|?\s*$", following) and "|" in following:
            continue
        kept.append(re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", "\n".join(kept))
    return [words for piece in re.split(r"(?<=[.!?])\s+|\n\s*\n|\|", text) if (words := _words(piece))]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_sentence_of_the_source_is_lost(imported, name: str) -> None:
    root, reports = imported
    result = _words((root / reports[name]["target"]).read_text(encoding="utf-8"))
    missing = [sentence for sentence in _sentences(convert(CORPUS / name).markdown) if sentence not in result]
    assert missing == []


def test_a_second_run_into_a_fresh_repository_gives_the_same_bytes(imported, tmp_path: Path) -> None:
    root, _ = imported
    again = lay_out(tmp_path / "again")
    assert invoke(again, "import", *DOCUMENTS).exit_code == 0
    assert tree(again) == tree(root)


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    root = lay_out(tmp_path / "kb")
    source = CORPUS / "markdown/dfds-pm2020-004-coredns-upgrade.md"
    target = root / "postmortems/2020/2020-02-03-coredns-upgrade-issue.md"
    assert invoke(root, "import", source).exit_code == 0
    target.write_text("edited by hand\n", encoding="utf-8")
    result = invoke(root, "import", source)
    assert result.exit_code == 1
    assert result.output == (
        f"Refused postmortems/2020/2020-02-03-coredns-upgrade-issue.md from {source.as_posix()} (read as Markdown)\n"
        "  postmortems/2020/2020-02-03-coredns-upgrade-issue.md exists already: it was not changed\n"
        "\n"
        "0 of 1 document(s) written; 1 refused.\n")
    assert target.read_text(encoding="utf-8") == "edited by hand\n"


def test_two_documents_with_one_id_are_both_kept(tmp_path: Path) -> None:
    root = lay_out(tmp_path / "kb")
    folder = tmp_path / "docs"
    folder.mkdir()
    text = (CORPUS / "markdown/dfds-pm2020-004-coredns-upgrade.md").read_bytes()
    (folder / "a.md").write_bytes(text)
    (folder / "b.md").write_bytes(text)
    assert invoke(root, "import", folder).exit_code == 0
    assert sorted(tree(root)) == ["postmortems/2020/2020-02-03-coredns-upgrade-issue-2.md",
                                  "postmortems/2020/2020-02-03-coredns-upgrade-issue.md"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.md", "Panne du 3 f\xe9vrier".encode("latin-1"), "not UTF-8 text (byte 13): save it as UTF-8 and import it again"),
    ("report.docx", b"not a zip file", "not a Word document (.docx) that can be opened: File is not a zip file"),
    ("report.pdf", b"%PDF-1.4", "not a document import reads: give .md, .html or .docx (.docx, .htm, .html, .markdown, "
                                ".md, .txt, .xhtml)"),
    ("undated.md", b"# Something broke\n\nIt broke.\n", "no date found to name the post-mortem by: add a line such as "
                                                        "`Date: 2026-03-13` and import it again"),
])
def test_unreadable_input_exits_2_and_writes_nothing(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    root = lay_out(tmp_path / "kb")
    readable = CORPUS / "markdown/dfds-pm2020-004-coredns-upgrade.md"
    bad = tmp_path / name
    bad.write_bytes(content)
    result = invoke(root, "import", readable, bad)
    assert result.exit_code == 2
    assert result.output == f"Error: {bad}: {message} (nothing was imported)\n"
    assert tree(root) == {}


def test_dry_run_prints_the_report_and_writes_nothing(tmp_path: Path) -> None:
    root = lay_out(tmp_path / "kb")
    source = CORPUS / "markdown/dfds-pm2020-004-coredns-upgrade.md"
    result = invoke(root, "import", source, "--dry-run")
    assert result.exit_code == 0
    assert result.output.startswith(f"Would write postmortems/2020/2020-02-03-coredns-upgrade-issue.md from "
                                    f"{source.as_posix()} (read as Markdown)\n"
                                    "  timeline: 3 entries; actions: 2, 0 with an owner named\n")
    assert result.output.endswith("1 of 1 document(s) would be written (dry run: nothing written); 0 refused.\n")
    assert tree(root) == {}


def test_the_example_report_of_the_docs_is_what_import_prints(tmp_path: Path, monkeypatch) -> None:
    root = lay_out(tmp_path / "kb")
    (tmp_path / "old-incidents").mkdir()
    (tmp_path / "old-incidents/traefik-v2-outage.md").write_bytes(
        (CORPUS / "markdown/dfds-pm2021-008-traefik-v2.md").read_bytes())
    monkeypatch.chdir(tmp_path)
    command = "postmortem import old-incidents/traefik-v2-outage.md --dry-run"
    result = invoke(root, *command.split()[1:])
    docs = (Path(__file__).parent.parent / "docs/import.md").read_text(encoding="utf-8")
    assert f"```text\n$ {command}\n{result.output}```" in docs


OWN_TEMPLATE = """\
# Payments API returned 502s for 25 minutes

- **Date:** 2026-03-13
- **Severity:** SEV2
- **Services:** Payments API, checkout-web

## What happened

The payments-api pods ran out of database connections after a deploy.

## Timeline (CET)

- 6:42 PM — p99 latency alert fires
- 6:47 PM — incident declared, bob is incident commander
- 7:02 PM — rollback started
- 7:07 PM — error rate back to normal

## Follow-up

| Action | Owner | Due | Ticket |
|---|---|---|---|
| Alert on pool saturation | bob | 2026-03-20 | CHK-101 |
| Load test the pool | dave | 2026-04-10 | CHK-102 |
"""


def test_the_front_matter_of_a_team_template_with_its_facts_roles_and_owners(tmp_path: Path) -> None:
    root, text = import_written(tmp_path, "incident.md", OWN_TEMPLATE,
                                "postmortems/2026/2026-03-13-payments-api-returned-502s-for-25-minutes.md")
    assert text.split("---\n")[1] == """\
title: "Payments API returned 502s for 25 minutes"
status: draft  # imported: check every value before review
severity: SEV2
services: [payments-api, checkout-web]
tags: []
started_at: 2026-03-13T18:42:00+01:00  # proposed from the timeline: check it
detected_at: 2026-03-13T18:42:00+01:00  # proposed from the timeline: check it
declared_at: 2026-03-13T18:47:00+01:00  # proposed from the timeline: check it
mitigated_at: 2026-03-13T19:02:00+01:00  # proposed from the timeline: check it
resolved_at: 2026-03-13T19:07:00+01:00  # proposed from the timeline: check it
detection: alert  # proposed from the timeline: check it
root_cause: TODO  # capacity | change | configuration | dependency | code | infrastructure | data | security | process | unknown
roles:
  incident_commander: "bob"
  technical_owner: TODO  # the document names no technical owner
  communications_owner: TODO  # the document names no communications owner
actions:
  - title: "Alert on pool saturation"
    owner: "bob"
    due: 2026-03-20
    ticket: "CHK-101"
  - title: "Load test the pool"
    owner: TODO  # the document says 'dave', who is not in postmortem.yml's people or teams
    due: 2026-04-10
    ticket: "CHK-102"
"""
    result = invoke(root, "validate", "--format", "json")
    assert result.exit_code == 0
    assert {d["code"] for d in json.loads(result.output)["diagnostics"]} == {"PM115", "PM303"}


CONFLUENCE_STORAGE = """\
<h1>Checkout errors after a deploy</h1>
<p>Date: 2026-03-02</p>
<h2>Timeline</h2>
<ul><li>14:00 CET — deploy of checkout-web</li><li>14:25 CET — rollback, errors stop</li></ul>
<h2>Action items</h2>
<ac:task-list>
<ac:task><ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status>
<ac:task-body>Canary the deploys, owner: <ac:link><ri:user ri:username="carol" /></ac:link>, due <time datetime="2026-03-20" /></ac:task-body>
</ac:task>
</ac:task-list>
<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">text</ac:parameter>
<ac:plain-text-body><![CDATA[HTTP 500 on /cart]]></ac:plain-text-body></ac:structured-macro>
"""


def test_confluence_storage_format_tasks_mentions_and_dates(tmp_path: Path) -> None:
    _, text = import_written(tmp_path, "page.xhtml", CONFLUENCE_STORAGE,
                             "postmortems/2026/2026-03-02-checkout-errors-after-a-deploy.md")
    assert ('actions:\n  - title: "Canary the deploys, owner: @carol, due 2026-03-20"\n    owner: "carol"\n'
            "    due: 2026-03-20\n---\n") in text
    assert "started_at: 2026-03-02T14:00:00+01:00" in text and "services: [checkout-web]" in text
    assert "```\nHTTP 500 on /cart\n```" in text and "ac:" not in text


def test_a_folder_without_documents_exits_2(tmp_path: Path) -> None:
    root = lay_out(tmp_path / "kb")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty/notes.pdf").write_bytes(b"%PDF-1.4")
    result = invoke(root, "import", tmp_path / "empty")
    assert (result.exit_code, result.output) == (
        2, "Error: no document to import: give .md, .html or .docx files or folders holding some\n")


def test_the_json_report_of_a_file(tmp_path: Path) -> None:
    root = lay_out(tmp_path / "kb")
    source = CORPUS / "markdown/dfds-pm2020-004-coredns-upgrade.md"
    result = invoke(root, "import", source, "--dry-run", "--format", "json")
    document = json.loads(result.output)
    assert document["dry_run"] is True and len(document["files"]) == 1
    report = document["files"][0]
    assert list(report) == ["source", "target", "converter", "status", "reason", "filled", "todo", "sections",
                            "kept_under", "timeline_entries", "actions", "owners", "notes"]
    assert (report["target"], report["status"], report["converter"]) == (
        "postmortems/2020/2020-02-03-coredns-upgrade-issue.md", "would write", "read as Markdown")
    assert report["filled"][1] == {"field": "started_at", "value": "2020-02-03T11:21:00+01:00",
                                   "from": "timeline: EKS 1.14 upgrade cause CoreDNS pods to crash loop"}
    assert report["sections"][2] == {"section": "Impact", "from": []}
    assert {"field": "services", "why": "no service of postmortem.yml's catalogue is named"} in report["todo"]
