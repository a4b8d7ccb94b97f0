"""Commits as evidence that actions were done: trailers read in the knowledge base's repository and
in an application repository, withdrawn by a real `git revert`, shown on the site and in the review."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from generator.checker import load_knowledge_base
from generator.cli import cli
from generator.kb.gitinfo import read_evidence
from generator.site.context import Site
from generator.site.tables import action_table

from .conftest import FIXTURES, git, lay_out, write

ACTIONS = """actions:
  - {id: canary, title: Canary deploys for checkout, owner: bob, due: 2026-03-09, status: done, closed_on: 2026-03-08}
  - {id: error-alert, title: Alert on the error rate, owner: carol, due: 2026-03-20, status: done, closed_on: 2026-03-12}
  - {id: rollback, title: Roll back in one command, owner: bob, due: 2026-04-30}
"""
PM = "2026-03-02-checkout-deploy-errors"


def commit(root: Path, message: str, when: str, name: str = "change.txt") -> str:
    """Commit a change to `name` with `message`; return the commit's full sha."""
    (root / name).write_text(f"{message}\n{when}\n")
    git(root, "add", name)
    git(root, "commit", "--quiet", "--message", message, when=when)
    return git(root, "rev-parse", "HEAD").strip()


def revert(root: Path, sha: str, when: str) -> str:
    git(root, "revert", "--no-edit", sha, when=when)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repositories(tmp_path: Path, base_text: str) -> dict[str, Path]:
    """A knowledge base in its own repository, and an application repository beside it (`../app`).
    The canary is done in the application (a commit with a trailer, then a commit without); the
    error alert in the knowledge base's repository, by a commit whose trailer key is written in
    lower case."""
    config = (FIXTURES / "postmortem.yml").read_text() + "evidence:\n  repositories: [../app]\n"
    kb = lay_out(tmp_path / "kb", config=config)
    write(kb, f"{PM}.md", re.sub(r"^actions:\n(?:  .*\n)+", ACTIONS, base_text, flags=re.M))
    app = tmp_path / "app"
    app.mkdir()
    for root in (kb, app):
        git(root, "init", "--quiet", "--initial-branch", "main")
    git(kb, "add", ".")
    git(kb, "commit", "--quiet", "--message", "Knowledge base", when="2026-03-02T18:00:00+00:00")
    commit(app, f"Canary stage in the deploy pipeline\n\nPostmortem-Action: {PM}/canary", "2026-03-08T10:00:00+00:00")
    commit(app, "Unrelated fix", "2026-03-08T11:00:00+00:00", "other.txt")
    commit(kb, f"Error-rate alert rule\n\npostmortem-action: {PM}/error-alert", "2026-03-12T09:30:00+00:00",
           "alert.txt")
    return {"kb": kb, "app": app}


def run(runner, root: Path, *args: str):
    return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def evidence_table(repositories) -> list[tuple[str, str, str, str | None]]:
    kb = repositories["kb"]
    evidence = read_evidence(load_knowledge_base(kb))
    assert evidence.notices == []
    return sorted((key, item.commit.repository, item.commit.subject, item.reverted_by and item.reverted_by.subject)
                  for key, items in evidence.by_action.items() for item in items)


def test_trailers_in_both_repositories_are_evidence(repositories) -> None:
    assert evidence_table(repositories) == [
        (f"{PM}/canary", "../app", "Canary stage in the deploy pipeline", None),
        (f"{PM}/error-alert", ".", "Error-rate alert rule", None),
    ]


def test_a_revert_withdraws_the_evidence_and_a_revert_of_the_revert_gives_it_back(runner, repositories) -> None:
    app = repositories["app"]
    canary = git(app, "log", "--format=%H", "--grep=Canary").strip()
    undone = revert(app, canary, "2026-03-15T08:00:00+00:00")
    assert evidence_table(repositories)[0] == (f"{PM}/canary", "../app", "Canary stage in the deploy pipeline",
                                               'Revert "Canary stage in the deploy pipeline"')
    # The weekly review lists the canary again, done but undone, with the revert's sha.
    result = run(runner, repositories["kb"], "actions", "--open", "--today", "2026-03-22", "--format", "markdown")
    assert result.output == f"""\
**0 overdue**, 1 other · as of 2026-03-22 · **1 undone by a revert**

### Done, but the commit that did it was reverted (1)

| Due | Late | Owner | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-03-09 | reverted by {undone[:7]} | bob | Canary deploys for checkout |  | `{PM}` |

### Open (1)

| Due | Late | Owner | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-04-30 |  | bob | Roll back in one command |  | `{PM}` |
"""
    rows = json.loads(run(runner, repositories["kb"], "actions", "--format", "json").output)
    assert [(row["action_id"], row["reverted_by"]) for row in rows] == [
        ("canary", undone[:7]), ("error-alert", ""), ("rollback", "")]
    assert json.loads(run(runner, repositories["kb"], "export", "--actions").output) == rows
    revert(app, undone, "2026-03-16T08:00:00+00:00")
    assert evidence_table(repositories)[0][3] is None
    rows = json.loads(run(runner, repositories["kb"], "actions", "--format", "json").output)
    assert [row["reverted_by"] for row in rows] == ["", "", ""]


def test_the_postmortem_page_shows_each_actions_commits(repositories) -> None:
    kb = load_knowledge_base(repositories["kb"])
    app = repositories["app"]
    canary = git(app, "log", "--format=%H", "--grep=Canary").strip()
    undone = revert(app, canary, "2026-03-15T08:00:00+00:00")
    alert = git(repositories["kb"], "log", "--format=%H", "--grep=Error-rate").strip()
    site = Site(kb.postmortems, kb.config, dt.date(2026, 3, 22), evidence=read_evidence(kb))
    pm = kb.postmortems[0]
    html = action_table(site, "index.md", [(pm, action) for _, action in pm.actions], with_postmortem=False)
    assert (f'<br><small class="pm-evidence"><del>../app <code>{canary[:7]}</code> 2026-03-08 Canary stage in the '
            f'deploy pipeline</del> <span class="pm-overdue">reverted by {undone[:7]}</span></small>') in html
    assert f'<br><small class="pm-evidence"><code>{alert[:7]}</code> 2026-03-12 Error-rate alert rule</small>' in html
    assert html.count("pm-evidence") == 2


def test_a_repository_that_cannot_be_read_is_a_notice(runner, repositories) -> None:
    """A path that does not exist, and a folder inside a repository (whose commits are not its own)."""
    config = repositories["kb"] / "postmortem.yml"
    config.write_text(config.read_text().replace("[../app]", "[../app, ../gone, ../app/src]"))
    (repositories["app"] / "src").mkdir()
    result = run(runner, repositories["kb"], "actions", "--open", "--today", "2026-03-22")
    assert result.exit_code == 0
    kb = repositories["kb"]
    assert result.stderr == (
        f"evidence: ../gone: {kb / '../gone'} is not in a git repository, so its commits are not read\n"
        f"evidence: ../app/src: {kb / '../app/src'} is not the top of a git repository, so its commits are not read\n")


def test_sync_opens_an_action_whose_commit_was_reverted_and_closes_it_when_the_revert_is(runner, repositories) -> None:
    """No ticket here: the commits alone decide, and GitHub is never asked (the API address is a
    closed port)."""
    kb, app = repositories["kb"], repositories["app"]
    path = kb / f"postmortems/2026/{PM}.md"
    canary = git(app, "log", "--format=%H", "--grep=Canary").strip()
    undone = revert(app, canary, "2026-03-15T08:00:00+00:00")
    sync = ["actions", "sync", "--api-url", "http://127.0.0.1:9"]
    result = run(runner, kb, *sync)
    assert (result.exit_code, result.output) == (0, f"""\
postmortems/2026/{PM}.md: canary: done -> open (commit {canary[:7]} reverted by {undone[:7]})
1 status changed.
""")
    assert ("  - {id: canary, title: Canary deploys for checkout, owner: bob, due: 2026-03-09, status: open}\n"
            in path.read_text())
    revert(app, undone, "2026-03-16T08:00:00+00:00")
    result = run(runner, kb, *sync)
    assert result.output == f"""\
postmortems/2026/{PM}.md: canary: open -> done (commit {canary[:7]} Canary stage in the deploy pipeline)
1 status changed.
"""
    assert ("  - {id: canary, title: Canary deploys for checkout, owner: bob, due: 2026-03-09, status: done, "
            "closed_on: 2026-03-08}\n" in path.read_text())
