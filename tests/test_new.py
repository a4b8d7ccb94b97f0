"""`postmortem new`: a draft from the template, and nothing ever overwritten."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import frontmatter
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.authoring.scaffold import default_template, new_postmortem, slugify
from generator.checker import check
from generator.cli import cli
from generator.kb.layout import open_knowledge_base
from generator.kb.model import MAX_SLUG_LENGTH, SLUG_PATTERN

from .conftest import REPOSITORY

NEW = ["new", "Payment API unavailable for 47 minutes", "--severity", "SEV1", "--service", "payments-api",
       "--started-at", "2026-03-13T18:42+01:00"]
CREATED = "postmortems/2026/2026-03-13-payment-api-unavailable-for-47-minutes.md"


def invoke(runner, root: Path, *args: str):
    return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def test_new_writes_a_draft_and_says_what_next(runner, kb: Path) -> None:
    result = invoke(runner, kb, *NEW)
    assert result.exit_code == 0
    assert result.stdout == (
        f"Created {CREATED}\n"
        "\n"
        "Next steps:\n"
        "  1. Replace every TODO: what happened, why it was possible, why we did not see it earlier,\n"
        "     and the actions, each with an owner and a due date.\n"
        f"  2. Check it:  postmortem validate {CREATED}\n"
        "  3. Set `status: review` and open a pull request, within 24 to 72 hours of the resolution.\n"
    )
    post = frontmatter.load(kb / CREATED)
    assert post["title"] == "Payment API unavailable for 47 minutes"
    assert post["status"] == "draft" and post["severity"] == "SEV1" and post["services"] == ["payments-api"]
    assert [a["due"] for a in post["actions"]] == [dt.date(2026, 3, 20), dt.date(2026, 4, 12), dt.date(2026, 6, 11)]


def test_a_new_draft_passes_with_warnings_until_it_goes_to_review(kb: Path) -> None:
    path = new_postmortem(open_knowledge_base(kb), "Checkout down", "SEV2", ["checkout-web"], started_at="2026-03-02T14:00+01:00")
    draft = check(open_knowledge_base(kb))
    assert draft.errors == 0
    assert {d.code for d in draft.diagnostics} == {"PM115", "PM303"}
    path.write_text(path.read_text().replace("status: draft", "status: review"))
    review = check(open_knowledge_base(kb))
    assert review.warnings == 0
    assert {d.code for d in review.diagnostics} == {"PM115", "PM303"}
    placeholders = [d for d in review.diagnostics if d.code == "PM115"]
    assert [d.line for d in placeholders][:3] == [8, 9, 10]


def test_french_template(kb: Path) -> None:
    path = new_postmortem(open_knowledge_base(kb), "Paiements refusés", "SEV2", ["payments-api"], started_at="2026-03-02T14:00+01:00",
                          language="fr")
    assert path.name == "2026-03-02-paiements-refuses.md"
    text = path.read_text()
    assert "## Cause racine" in text and "## Chronologie" in text
    assert check(open_knowledge_base(kb)).errors == 0


def test_title_is_written_as_yaml_text(kb: Path) -> None:
    title = 'Login "down": #1 <img src=x onerror=alert(1)> {{ 7*7 }}'
    path = new_postmortem(open_knowledge_base(kb), title, "SEV3", ["search-api"], started_at="2026-03-02T14:00Z", slug="login-down")
    assert frontmatter.load(path)["title"] == title


def test_custom_template_in_the_knowledge_base(kb: Path) -> None:
    folder = kb / "postmortems/_templates"
    folder.mkdir()
    (folder / "postmortem.md.j2").write_text("---\ntitle: {{ title | yaml }}\n---\nOur own template for {{ id }}\n")
    path = new_postmortem(open_knowledge_base(kb), "Cache outage", "SEV3", ["search-api"], started_at="2026-03-02T14:00Z")
    assert path.read_text() == '---\ntitle: "Cache outage"\n---\nOur own template for 2026-03-02-cache-outage\n'


def test_started_at_defaults_to_now_in_the_config_zone(kb: Path) -> None:
    now = dt.datetime(2026, 7, 1, 23, 30, 12, tzinfo=dt.UTC)  # already 2 July in Paris
    path = new_postmortem(open_knowledge_base(kb), "Late night", "SEV3", ["search-api"], now=now.astimezone(dt.timezone(dt.timedelta(hours=2))))
    assert path.name == "2026-07-02-late-night.md"
    assert "started_at: 2026-07-02T01:30:00+02:00" in path.read_text()


def test_naive_started_at_is_read_in_the_config_zone(kb: Path) -> None:
    path = new_postmortem(open_knowledge_base(kb), "Winter", "SEV3", ["search-api"], started_at="2026-01-10T09:00")
    assert "started_at: 2026-01-10T09:00:00+01:00" in path.read_text()


@pytest.mark.parametrize("args, message", [
    (["--slug", "../../etc/passwd"], "Error: slug '../../etc/passwd' must be lowercase a-z, 0-9 and single dashes"),
    (["--slug", "Bad_Slug"], "Error: slug 'Bad_Slug' must be lowercase"),
    (["--severity", "P1"], "Error: unknown severity 'P1': use one of SEV1, SEV2, SEV3"),
    (["--service", "payments"], "Error: unknown service 'payments': did you mean 'payments-api'? (or add it to "
                               "`services` in postmortem.yml, line 4)"),
    (["--started-at", "yesterday"], "Error: --started-at 'yesterday' is not an ISO 8601 time"),
    (["--template", "missing.j2"], "Error: no template 'missing.j2' in postmortems/_templates/"),
])
def test_new_refuses_bad_input_and_writes_nothing(runner, kb: Path, args: list[str], message: str) -> None:
    base = {"--severity": "SEV2", "--service": "checkout-web", "--started-at": "2026-03-02T14:00Z"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    result = invoke(runner, kb, "new", "Checkout down", *[item for pair in base.items() for item in pair])
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert list((kb / "postmortems").rglob("*.md")) == []
    assert not (kb.parent / "etc").exists()


def test_new_never_overwrites(runner, kb: Path) -> None:
    assert invoke(runner, kb, *NEW).exit_code == 0
    path = kb / CREATED
    path.write_text("my notes")
    again = invoke(runner, kb, *NEW)
    assert again.exit_code == 2
    assert again.stderr == (f"Error: post-mortem '2026-03-13-payment-api-unavailable-for-47-minutes' exists already: "
                            f"{CREATED} (choose another --slug)\n")
    assert path.read_text() == "my notes"


def test_new_refuses_an_id_used_in_another_year_folder(kb: Path) -> None:
    other = kb / "postmortems/2025/2026-03-02-checkout-down.md"
    other.parent.mkdir(parents=True)
    other.write_text("misfiled")
    from generator.errors import UsageError

    with pytest.raises(UsageError, match="exists already"):
        new_postmortem(open_knowledge_base(kb), "Checkout down", "SEV2", ["checkout-web"], started_at="2026-03-02T14:00Z")


@pytest.mark.parametrize("title, slug", [
    ("Payment API: 47 min down!", "payment-api-47-min-down"),
    ("Résumé — Paiements refusés", "resume-paiements-refuses"),
    ("   --weird__spacing--   ", "weird-spacing"),
    ("a" * 70, "a" * 60),
    ("word " * 20, "-".join(["word"] * 12)),
    ("日本語", ""),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@given(st.text(max_size=200))
def test_slugify_always_gives_a_valid_slug_or_nothing(title: str) -> None:
    slug = slugify(title)
    assert slug == "" or (re.match(SLUG_PATTERN, slug) and len(slug) <= MAX_SLUG_LENGTH)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sample_templates_are_the_defaults(language: str) -> None:
    sample = REPOSITORY / f"postmortems/_templates/postmortem.{language}.md.j2"
    assert sample.read_text() == default_template(language)


def test_new_with_a_slug_a_template_a_language_and_two_services(runner, kb: Path) -> None:
    # The options of `new` that succeed, through the command line.
    folder = kb / "postmortems/_templates"
    folder.mkdir()
    (folder / "short.md.j2").write_text(
        "---\ntitle: {{ title | yaml }}\nservices: {{ services | tojson }}\n---\n{{ id }}\n")
    result = invoke(runner, kb, "new", "Checkout and payments down", "--severity", "SEV2", "--service", "checkout-web",
                    "--service", "payments-api", "--started-at", "2026-03-02T14:00Z", "--slug", "checkout-payments",
                    "--template", "short.md.j2")
    assert result.exit_code == 0
    assert result.stdout.startswith("Created postmortems/2026/2026-03-02-checkout-payments.md\n")
    assert (kb / "postmortems/2026/2026-03-02-checkout-payments.md").read_text() == (
        '---\ntitle: "Checkout and payments down"\nservices: ["checkout-web", "payments-api"]\n---\n'
        "2026-03-02-checkout-payments\n")


@pytest.mark.parametrize("language, heading", [("fr", "## Cause racine"), ("en", "## Root cause")])
def test_new_language_picks_the_template(runner, kb: Path, language: str, heading: str) -> None:
    result = invoke(runner, kb, "new", "Paiements refusés", "--severity", "SEV2", "--service", "payments-api",
                    "--service", "checkout-web", "--started-at", "2026-03-02T14:00+01:00", "--language", language)
    assert result.exit_code == 0
    post = frontmatter.load(kb / "postmortems/2026/2026-03-02-paiements-refuses.md")
    assert heading in post.content
    assert post["services"] == ["payments-api", "checkout-web"]
