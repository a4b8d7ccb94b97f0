"""The command line contract: exact output, JSON shape and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.cli import cli

from .conftest import BASE_POSTMORTEM, copy_knowledge_base, lay_out, write

BAD = "postmortems/2026/2026-03-02-bad.md"


@pytest.fixture
def valid_kb(tmp_path: Path) -> Path:
    return lay_out(tmp_path / "valid", "valid")


@pytest.fixture
def bad_kb(kb: Path, base_text: str) -> Path:
    """One post-mortem with two errors (status, unknown owner) and one warning (unknown field)."""
    text = (base_text.replace("status: published", "status: done")
            .replace("    owner: bob", "    owner: dave")
            .replace("detection: alert", "detection: alert\nmitigated: soon"))
    write(kb, "2026-03-02-bad.md", text)
    return kb


def invoke(runner, *args, env=None):
    return runner.invoke(cli, [str(a) for a in args], env=env or {"GITHUB_ACTIONS": ""}, catch_exceptions=False)


def test_validate_clean(runner, valid_kb: Path) -> None:
    result = invoke(runner, "--root", valid_kb, "validate")
    assert result.exit_code == 0
    assert result.stdout == "6 post-mortems checked: no problems found.\n"


def test_validate_text(runner, bad_kb: Path) -> None:
    result = invoke(runner, "--root", bad_kb, "validate")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{BAD}:3:1: PM102 `status` is 'done': use 'draft', 'review' or 'published'\n"
        f"{BAD}:13:1: PM103 warning: unknown field `mitigated`: did you mean `mitigated_at`?\n"
        f"{BAD}:23:5: PM204 unknown owner 'dave': use one of alice, bob, carol, checkout, payments "
        "(or add it to `people` or `teams` in postmortem.yml, lines 8 and 10)\n"
        "1 post-mortem checked: 2 errors, 1 warning.\n"
    )


def test_validate_json(runner, bad_kb: Path) -> None:
    result = invoke(runner, "--root", bad_kb, "validate", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert list(document) == ["checked", "diagnostics", "silenced"]
    assert document["silenced"] == []
    assert document["checked"] == 1
    assert document["diagnostics"][1] == {
        "path": BAD, "line": 13, "column": 1, "code": "PM103", "severity": "warning",
        "message": "unknown field `mitigated`: did you mean `mitigated_at`?",
    }
    assert [d["code"] for d in document["diagnostics"]] == ["PM102", "PM103", "PM204"]


def test_validate_json_null_positions(runner, kb: Path) -> None:
    write(kb, "2026-03-02-binary.md", b"\x00\x01")
    document = json.loads(invoke(runner, "--root", kb, "validate", "--format", "json").stdout)
    assert document["diagnostics"][0]["line"] is None and document["diagnostics"][0]["column"] is None


def test_validate_github_is_automatic_in_actions(runner, bad_kb: Path) -> None:
    result = invoke(runner, "--root", bad_kb, "validate", env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file={BAD},line=3,col=1,title=PM102::`status` is 'done': use 'draft', 'review' or 'published'",
        f"::warning file={BAD},line=13,col=1,title=PM103::unknown field `mitigated`: did you mean `mitigated_at`?",
        f"::error file={BAD},line=23,col=5,title=PM204::unknown owner 'dave': use one of alice, bob, carol, "
        "checkout, payments (or add it to `people` or `teams` in postmortem.yml, lines 8 and 10)",
        "1 post-mortem checked: 2 errors, 1 warning.",
    ]


def test_validate_markdown_is_a_summary_table(runner, bad_kb: Path) -> None:
    result = invoke(runner, "--root", bad_kb, "validate", "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout == (
        "### Post-mortem validation\n\n1 post-mortem checked: 2 errors, 1 warning.\n\n"
        "| File | Line | Rule | Level | Message |\n|---|---:|---|---|---|\n"
        f"| {BAD} | 3 | PM102 | error | `status` is 'done': use 'draft', 'review' or 'published' |\n"
        f"| {BAD} | 13 | PM103 | warning | unknown field `mitigated`: did you mean `mitigated_at`? |\n"
        f"| {BAD} | 23 | PM204 | error | unknown owner 'dave': use one of alice, bob, carol, checkout, payments "
        "(or add it to `people` or `teams` in postmortem.yml, lines 8 and 10) |\n")


def test_markdown_cells_cannot_break_the_table() -> None:
    import io

    from generator.diagnostics import CheckResult, Diagnostic, Level
    from generator.reporters import report_markdown

    out = io.StringIO()
    report_markdown(CheckResult(1, [Diagnostic("a|b.md", None, None, "PM001", Level.ERROR, "<b>x</b> | y\nz")]), out)
    assert out.getvalue().splitlines()[-1] == "| a\\|b.md |  | PM001 | error | &lt;b>x&lt;/b> \\| y z |"


def test_every_reporter_is_a_format_choice() -> None:
    from generator.cli import FORMATS
    from generator.reporters import REPORTERS

    assert list(REPORTERS) == FORMATS


def test_github_format_escapes_properties_and_data() -> None:
    from generator.diagnostics import Diagnostic, Level
    from generator.reporters import github_line

    line = github_line(Diagnostic("a,b:c.md", 2, None, "PM101", Level.ERROR, "100% wrong\nsecond"))
    assert line == "::error file=a%2Cb%3Ac.md,line=2,title=PM101::100%25 wrong%0Asecond"


@pytest.mark.parametrize("strict, exit_code", [(False, 0), (True, 1)])
def test_warnings_fail_only_when_strict(runner, kb: Path, base_text: str, strict: bool, exit_code: int) -> None:
    write(kb, "2026-03-02-warned.md", base_text.replace("detection: alert", "detection: alert\ncolour: red"))
    result = invoke(runner, "--root", kb, "validate", *(["--strict"] if strict else []))
    assert result.exit_code == exit_code
    assert result.stdout.endswith("1 post-mortem checked: 0 errors, 1 warning.\n")


def test_validate_selected_files_and_folders(runner, valid_kb: Path) -> None:
    one = valid_kb / "postmortems/2026/2026-03-02-checkout-deploy-errors.md"
    assert invoke(runner, "--root", valid_kb, "validate", one).stdout == "1 post-mortem checked: no problems found.\n"
    folder = invoke(runner, "--root", valid_kb, "validate", valid_kb / "postmortems/2026")
    assert folder.stdout == "5 post-mortems checked: no problems found.\n"


def test_missing_file_is_a_usage_error(runner, valid_kb: Path) -> None:
    result = invoke(runner, "--root", valid_kb, "validate", valid_kb / "nope.md")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_config_errors_exit_2_with_lines(runner, tmp_path: Path) -> None:
    root = lay_out(tmp_path, "valid", config="services:\n  - id: api\n    slo: 150\nfavicon: red\n")
    result = invoke(runner, "--root", root, "validate")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "postmortem.yml:3:5: PM503 services[0].slo: input should be less than or equal to 100\n"
        "postmortem.yml:4:1: PM502 unknown key 'favicon'; known keys: country, currency, edit_url, email_domains, engine, evidence, "
        "github, language, people, public, root_causes, sections, services, severities, site_url, teams, timezone, title, "
        "trackers\n"
        "Error: postmortem.yml has 2 problems: fix them first\n"
    )
    as_json = invoke(runner, "--root", root, "validate", "--format", "json")
    assert as_json.exit_code == 2
    assert [d["line"] for d in json.loads(as_json.stdout)["diagnostics"]] == [3, 4]


def test_list_text_newest_first(runner, valid_kb: Path) -> None:
    result = invoke(runner, "--root", valid_kb, "list", "--service", "checkout-web", "--status", "published")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "2026-03-07-bom-and-crlf            SEV2  published  checkout-web  "
        "Written on Windows, saved with a BOM and CRLF line endings",
        "2026-03-06-checkout-errors-again   SEV2  published  checkout-web  Checkout errors for 20 minutes after a deploy",
        "2026-03-04-erreurs-paiement        SEV2  published  checkout-web  Erreurs au paiement pendant 20 minutes",
        "2026-03-02-checkout-deploy-errors  SEV2  published  checkout-web  Checkout errors for 20 minutes after a deploy",
    ]


def test_list_json(runner, valid_kb: Path) -> None:
    rows = json.loads(invoke(runner, "--root", valid_kb, "list", "--severity", "SEV3", "--format", "json").stdout)
    assert rows == [{
        "id": "2025-12-31-search-slow-new-year",
        "path": "postmortems/2025/2025-12-31-search-slow-new-year.md",
        "title": "Search slow around midnight on New Year's Eve",
        "status": "published",
        "severity": "SEV3",
        "services": ["search-api"],
        "started_at": "2025-12-31T23:40:00+01:00",
        "resolved_at": "2026-01-01T00:30:00+01:00",
        "root_cause": "capacity",
        "tags": [],
        "visibility": "internal",
    }]


def test_list_shows_a_file_with_invalid_fields_with_its_valid_ones(runner, bad_kb: Path) -> None:
    result = invoke(runner, "--root", bad_kb, "list")
    assert result.exit_code == 0
    assert result.stdout == "2026-03-02-bad  SEV2  —  checkout-web  Checkout errors for 20 minutes after a deploy\n"
    assert result.stderr == ""


def test_list_says_what_it_skipped(runner, kb: Path) -> None:
    write(kb, "2026-03-02-empty.md", "")
    result = invoke(runner, "--root", kb, "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "1 file(s) skipped: they cannot be read as post-mortems (see `postmortem validate`)\n"


def test_schema_is_the_committed_one(runner) -> None:
    committed = (Path(__file__).parent.parent / "docs/schema/postmortem.schema.json").read_text()
    assert invoke(runner, "schema").stdout == committed


def test_rules_lists_every_code(runner) -> None:
    from generator.rules import RULES

    lines = invoke(runner, "rules").stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)
    assert lines[0] == "PM001  error    The file is not valid UTF-8."


def test_version(runner) -> None:
    assert invoke(runner, "--version").stdout == f"postmortem, version {__version__}\n"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(runner, command: str) -> None:
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


def test_shell_completion_offers_config_values(runner, valid_kb: Path) -> None:
    env = {"_POSTMORTEM_COMPLETE": "bash_complete", "COMP_WORDS": f"postmortem --root {valid_kb} new x --service ch",
           "COMP_CWORD": "6"}
    result = runner.invoke(cli, [], prog_name="postmortem", env=env)
    assert result.stdout.splitlines() == ["plain,checkout-web"]


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout == f"postmortem, version {__version__}\n"


def test_root_defaults_to_the_current_directory(runner, valid_kb: Path, monkeypatch) -> None:
    monkeypatch.chdir(valid_kb)
    assert invoke(runner, "validate").stdout == "6 post-mortems checked: no problems found.\n"


def test_base_fixture_is_where_tests_expect_it() -> None:
    assert BASE_POSTMORTEM.exists()


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = "import sys, generator.cli; print(sorted({'pydantic', 'markdown_it', 'jinja2', 'yaml'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


@pytest.mark.parametrize("name", __import__("generator").__all__)
def test_library_api_names_resolve(name: str) -> None:
    import generator

    assert callable(getattr(generator, name))


def test_a_folder_without_postmortems_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = invoke(runner, "--root", tmp_path, "validate")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: no postmortems/ folder in {tmp_path}: run `postmortem init` there, "
                             "or point --root at the knowledge base\n")


@pytest.mark.parametrize("jobs, pools", [("1", []), ("2", [2])])
def test_validate_jobs_gives_the_same_report(runner, bad_kb: Path, base_text: str, monkeypatch, jobs: str,
                                             pools: list) -> None:
    # 200 files or more are split across processes unless --jobs 1 says otherwise; the report is the same.
    from generator import checker

    started = []
    monkeypatch.setattr(checker, "ProcessPoolExecutor", lambda workers, original=checker.ProcessPoolExecutor, **options:
                        started.append(workers) or original(workers, **options))
    for number in range(1, 220):
        write(bad_kb, f"2026-03-02-copy-{number:03}.md", base_text.replace("    owner: bob", "    owner: dave"))
    result = invoke(runner, "--root", bad_kb, "validate", "--jobs", jobs)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "220 post-mortems checked: 221 errors, 1 warning."
    assert lines[:3] == [
        f"{BAD}:3:1: PM102 `status` is 'done': use 'draft', 'review' or 'published'",
        f"{BAD}:13:1: PM103 warning: unknown field `mitigated`: did you mean `mitigated_at`?",
        f"{BAD}:23:5: PM204 unknown owner 'dave': use one of alice, bob, carol, checkout, payments "
        "(or add it to `people` or `teams` in postmortem.yml, lines 8 and 10)",
    ]
    assert lines[3].startswith("postmortems/2026/2026-03-02-copy-001.md:22:5: PM204 unknown owner 'dave'")
    assert started == pools


@pytest.mark.parametrize("jobs, parallel", [("1", False), ("2", True)])
def test_build_jobs_chooses_how_many_processes_render(runner, tmp_path: Path, monkeypatch, jobs: str,
                                                      parallel: bool) -> None:
    from generator.site import mkdocs_internals

    shared_out = []
    monkeypatch.setattr(mkdocs_internals, "build_in_processes",
                        lambda config, count, env, original=mkdocs_internals.build_in_processes: shared_out.append(count)
                        or original(config, count, env))
    root = copy_knowledge_base(tmp_path)
    result = invoke(runner, "--root", root, "build", "--jobs", jobs, "--today", "2026-11-26")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Built ") and result.stdout.endswith(" pages into site/\n")
    assert shared_out == ([2] if parallel else [])
    assert (root / "site/postmortems/2026/2026-03-13-payment-api-outage/index.html").is_file()


def test_rules_markdown_is_the_rule_reference(runner) -> None:
    result = invoke(runner, "rules", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == (Path(__file__).parent.parent / "docs/rules.md").read_text(encoding="utf-8")
