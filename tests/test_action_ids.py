"""Stable action ids: written by `new` and `init`, added to existing files by `actions ids` without
touching anything else, and checked (PM210 where `evidence` is set, PM211 always)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import frontmatter
import pytest

from generator.authoring.actionids import action_id
from generator.checker import check
from generator.cli import cli
from generator.kb.layout import open_knowledge_base

from .conftest import FIXTURES, lay_out, write

BLOCK = """\
---
title: Checkout errors
actions:   # what we change
  - title: Canary deploys for checkout   # the big one
    owner: bob
    due: 2026-03-09
  - id: alert
    title: "Alert on the error rate: per route"
    owner: carol
    due: 2026-03-20
  - {title: Alert on the error rate, owner: 'carol', due: 2026-03-21}   # same words as the id above
---

## Summary

Body text, with `actions:` in it.
"""
WITH_IDS = """\
---
title: Checkout errors
actions:   # what we change
  - id: canary-deploys-for-checkout
    title: Canary deploys for checkout   # the big one
    owner: bob
    due: 2026-03-09
  - id: alert
    title: "Alert on the error rate: per route"
    owner: carol
    due: 2026-03-20
  - {id: alert-on-the-error-rate, title: Alert on the error rate, owner: 'carol', due: 2026-03-21}   # same words as the id above
---

## Summary

Body text, with `actions:` in it.
"""
CRLF = "---\r\ntitle: x\r\nactions:\r\n  - title: Roll back fast\r\n    owner: bob\r\n    due: 2026-03-09\r\n---\r\nBody\r\n"


def run(runner, root: Path, *args: str):
    return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


@pytest.mark.parametrize(("title", "taken", "expected"), [
    ("Alert on DB connection-pool saturation (above 80%)", set(), "alert-on-db-connection-pool"),
    ("Alert on DB connection-pool saturation", {"alert-on-db-connection-pool"}, "alert-on-db-connection-pool-2"),
    ("Autoscaling des workers de notification", set(), "autoscaling-des-workers-de"),
    ("Anticonstitutionnellement-anticonstitutionnellement", set(), "anticonstitutionnellement"),
    ("!!!", {"action"}, "action-2"),
])
def test_an_id_is_the_first_words_of_the_title(title: str, taken: set[str], expected: str) -> None:
    assert action_id(title, taken) == expected


def test_actions_ids_adds_only_the_missing_ids_and_keeps_every_other_character(runner, kb: Path) -> None:
    block = write(kb, "2026-03-02-checkout-errors.md", BLOCK)
    crlf = write(kb, "2026-03-05-rollback.md", CRLF.encode())
    dry = run(runner, kb, "actions", "ids", "--dry-run")
    assert (dry.exit_code, dry.output) == (0, """\
postmortems/2026/2026-03-02-checkout-errors.md: canary-deploys-for-checkout, alert-on-the-error-rate
postmortems/2026/2026-03-05-rollback.md: roll-back-fast
3 ids would be added in 2 files.
""")
    assert block.read_text() == BLOCK
    result = run(runner, kb, "actions", "ids")
    assert (result.exit_code, result.output.splitlines()[-1]) == (0, "3 ids added in 2 files.")
    assert block.read_text() == WITH_IDS
    assert crlf.read_bytes() == CRLF.replace("  - title", "  - id: roll-back-fast\r\n    title").encode()
    assert run(runner, kb, "actions", "ids").output == "Every action has an id.\n"


def test_actions_ids_writes_nothing_when_one_file_cannot_be_edited(runner, kb: Path) -> None:
    good = write(kb, "2026-03-02-checkout-errors.md", BLOCK)
    write(kb, "2026-03-05-broken.md", "---\ntitle: [unclosed\nactions: []\n---\n")
    result = run(runner, kb, "actions", "ids")
    assert result.exit_code == 2
    assert result.output.startswith("Error: postmortems/2026/2026-03-05-broken.md: the front matter is not valid YAML")
    assert good.read_text() == BLOCK


def test_ids_are_required_where_evidence_is_read(runner, tmp_path: Path) -> None:
    root = lay_out(tmp_path / "kb", "valid",
                   config=(FIXTURES / "postmortem.yml").read_text() + "evidence: {repositories: []}\n")
    before = check(open_knowledge_base(root))
    assert {d.code for d in before.diagnostics} == {"PM210"} and before.errors == 0
    assert run(runner, root, "actions", "ids").exit_code == 0
    assert check(open_knowledge_base(root)).diagnostics == []


@pytest.mark.parametrize(("language", "ids"), [("en", ["this-week", "this-month", "this-quarter"]),
                                                ("fr", ["cette-semaine", "ce-mois-ci", "ce-trimestre"])])
def test_new_writes_an_id_for_each_action(runner, kb: Path, language: str, ids: list[str]) -> None:
    result = run(runner, kb, "new", "Checkout down", "--severity", "SEV2", "--service", "checkout-web",
                 "--started-at", "2026-03-02T14:00+01:00", "--language", language)
    post = frontmatter.load(kb / "postmortems/2026/2026-03-02-checkout-down.md")
    assert result.exit_code == 0 and [action["id"] for action in post["actions"]] == ids
    assert post["actions"][0]["due"] == dt.date(2026, 3, 9)
