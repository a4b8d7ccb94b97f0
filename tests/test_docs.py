"""The documentation is written from the code, and says what the code does."""

from __future__ import annotations

import re

import pytest

from generator.cli import cli
from generator.docgen import stale_documents
from generator.rules import RULES

from .conftest import REPOSITORY

DOCS = REPOSITORY / "docs"
README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def test_generated_documents_are_current() -> None:
    stale = [path.relative_to(REPOSITORY).as_posix() for path in stale_documents(DOCS)]
    assert stale == [], f"run `make docs` to update {', '.join(stale)}"


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_is_documented_with_a_failing_and_a_passing_example(code: str) -> None:
    rule = RULES[code]
    assert re.fullmatch(r"PM\d{3}", code)
    assert rule.summary and rule.name
    assert "Failing" in rule.doc and "Passing" in rule.doc
    assert f"\n### {code}\n" in (DOCS / "rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_readme_documents_every_command(command: str) -> None:
    assert f"postmortem {command}" in README


def test_readme_starts_with_its_commands() -> None:
    language, *lines = README.split("```", 2)[1].strip().splitlines()
    assert language == "bash"
    assert [line.split("#")[0].strip() for line in lines] == ["make serve", "make test", "make test-fast"]


def test_readme_links_the_format_reference() -> None:
    assert "docs/format.md" in README and "docs/rules.md" in README
