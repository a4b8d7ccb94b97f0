"""The git workflow on real repositories in temporary folders: `validate --changed-since`,
`new --branch`, and the history the site and `stats` read."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from generator.cli import cli
from generator.kb.gitinfo import FileHistory, read_history
from generator.kb.layout import is_attachment, is_postmortem_file, open_knowledge_base

from .conftest import git, lay_out, write

CHECKOUT = "postmortems/2026/2026-03-02-checkout-deploy-errors.md"
AGAIN = "postmortems/2026/2026-03-06-checkout-errors-again.md"
UNKNOWN_SEVERITY = "PM107 unknown severity 'SEV9': did you mean 'SEV3'? (or add it to `severities` in postmortem.yml)"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The valid fixture knowledge base committed on `main`, with a branch `feature` checked out."""
    root = lay_out(tmp_path / "repo", "valid")
    git(root, "init", "--quiet", "--initial-branch", "main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "--message", "Knowledge base")
    git(root, "switch", "--quiet", "--create", "feature")
    return root


def validate_changes(runner, root: Path, ref: str = "main", *extra: str):
    return runner.invoke(cli, ["--root", str(root), "validate", "--changed-since", ref, *extra])


def test_only_the_changed_file_is_checked(runner, repo: Path, base_text: str) -> None:
    bad = base_text.replace("severity: SEV2", "severity: SEV9")
    write(repo, "2026-03-02-checkout-deploy-errors.md", bad)          # modified, committed
    git(repo, "commit", "--quiet", "--all", "--message", "Edit")
    write(repo, "2026-03-09-new-outage.md", bad.replace("2026-03-02", "2026-03-09"))   # added, not even staged
    result = validate_changes(runner, repo)
    assert (result.exit_code, result.stdout) == (1, (
        f"{CHECKOUT}:4:1: {UNKNOWN_SEVERITY}\n"
        f"postmortems/2026/2026-03-09-new-outage.md:4:1: {UNKNOWN_SEVERITY}\n"
        "2 post-mortems checked: 2 errors, 0 warnings.\n"))


def test_no_change_checks_nothing(runner, repo: Path) -> None:
    result = validate_changes(runner, repo)
    assert (result.exit_code, result.stdout) == (0, "0 post-mortems checked: no problems found.\n")


def test_a_deletion_that_breaks_a_related_link_is_reported_where_the_link_is(runner, repo: Path) -> None:
    git(repo, "rm", "--quiet", CHECKOUT)
    result = validate_changes(runner, repo)
    assert (result.exit_code, result.stdout) == (1, (
        f"{AGAIN}:7:11: PM405 related post-mortem '2026-03-02-checkout-deploy-errors' does not exist: "
        "check the id (the file name without .md)\n"
        "1 post-mortem checked: 1 error, 0 warnings.\n"))


def test_templates_and_attachments_are_not_postmortems(runner, repo: Path) -> None:
    templates = repo / "postmortems/_templates"
    templates.mkdir()
    (templates / "notes.md").write_text("See the diagram.\n")
    (repo / "postmortems/2026/diagram.png").write_bytes(b"png")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "--message", "Attachment")
    git(repo, "rm", "--quiet", "postmortems/2026/diagram.png")
    (templates / "notes.md").write_text("See the diagram, now gone.\n")
    result = validate_changes(runner, repo, "HEAD")
    assert (result.exit_code, result.stdout) == (0, "0 post-mortems checked: no problems found.\n")


@pytest.mark.parametrize(("below", "postmortem", "attachment"), [
    ("2026/2026-03-02-checkout-deploy-errors.md", True, False),
    ("2026/_notes.md", False, False),
    ("_templates/postmortem.en.md", False, False),
    (".trash/2026-03-02-checkout-deploy-errors.md", False, False),
    ("2026/diagram.png", False, True),
    ("2026/.diagram.png.swp", False, False),
])
def test_one_function_says_what_a_postmortem_file_is(below: str, postmortem: bool, attachment: bool) -> None:
    """What `validate`, `--changed-since`, the build and the live preview all go by."""
    assert (is_postmortem_file(below), is_attachment(Path(below).name)) == (postmortem, attachment)


def test_a_rename_is_checked_under_its_new_name_and_breaks_links_to_the_old_id(runner, repo: Path) -> None:
    git(repo, "mv", CHECKOUT, "postmortems/2026/2026-03-02-checkout-errors.md")
    git(repo, "commit", "--quiet", "--message", "Rename")
    result = validate_changes(runner, repo, "main", "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found["checked"] == 2
    assert [(d["path"], d["code"]) for d in found["diagnostics"]] == [(AGAIN, "PM405")]


def test_moving_a_file_without_changing_its_id_breaks_nothing(runner, repo: Path) -> None:
    (repo / "postmortems/2027").mkdir()
    git(repo, "mv", CHECKOUT, "postmortems/2027/2026-03-02-checkout-deploy-errors.md")
    result = validate_changes(runner, repo)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "postmortems/2027/2026-03-02-checkout-deploy-errors.md:1: PM403 move the file to "
        f"{CHECKOUT}",
        "1 post-mortem checked: 1 error, 0 warnings."]


def test_a_new_duplicate_id_is_reported_on_both_files(runner, repo: Path, base_text: str) -> None:
    copy = repo / "postmortems/2025/2026-03-02-checkout-deploy-errors.md"
    copy.write_text(base_text)
    result = validate_changes(runner, repo, "main", "--format", "json")
    found = json.loads(result.stdout)
    assert found["checked"] == 2
    assert [(d["path"], d["code"]) for d in found["diagnostics"]] == [
        ("postmortems/2025/2026-03-02-checkout-deploy-errors.md", "PM403"),
        ("postmortems/2025/2026-03-02-checkout-deploy-errors.md", "PM404"), (CHECKOUT, "PM404")]


def test_a_config_change_checks_everything(runner, repo: Path) -> None:
    config = repo / "postmortem.yml"
    config.write_text(config.read_text().replace("  - {id: search-api, team: checkout, slo: 99.5}\n", ""))
    result = validate_changes(runner, repo, "main", "--format", "json")
    found = json.loads(result.stdout)
    assert found["checked"] == 6
    assert [(d["path"], d["code"]) for d in found["diagnostics"]] == [
        ("postmortems/2025/2025-12-31-search-slow-new-year.md", "PM108")]


def test_github_annotations_land_on_the_changed_lines(runner, repo: Path, base_text: str) -> None:
    write(repo, "2026-03-02-checkout-deploy-errors.md", base_text.replace("severity: SEV2", "severity: SEV9"))
    result = validate_changes(runner, repo, "main", "--format", "github")
    assert result.stdout.splitlines()[0] == (
        f"::error file={CHECKOUT},line=4,col=1,title=PM107::{UNKNOWN_SEVERITY[6:]}")


@pytest.mark.parametrize(("ref", "message"), [
    ("origin/main", "Error: --changed-since: 'origin/main' is not a commit in this clone: check the name "
                    "(e.g. origin/main) and fetch it\n"),
    ("main..feature", "Error: --changed-since: 'main..feature' is not a commit in this clone: check the name "
                      "(e.g. origin/main) and fetch it\n"),
])
def test_a_missing_ref_is_a_usage_error(runner, repo: Path, ref: str, message: str) -> None:
    result = runner.invoke(cli, ["--root", str(repo), "validate", "--changed-since", ref])
    assert (result.exit_code, result.stderr) == (2, message)


def test_outside_a_repository_changed_since_is_a_usage_error(runner, tmp_path: Path) -> None:
    root = lay_out(tmp_path / "plain", "valid")
    result = runner.invoke(cli, ["--root", str(root), "validate", "--changed-since", "main"])
    assert (result.exit_code, result.stderr) == (2, f"Error: {root} is not in a git repository\n")


def test_files_and_changed_since_together_are_refused(runner, repo: Path) -> None:
    result = runner.invoke(cli, ["--root", str(repo), "validate", "--changed-since", "main", str(repo / CHECKOUT)])
    assert result.exit_code == 2
    assert "give FILES or --changed-since, not both" in result.stderr


def test_a_shallow_clone_says_to_fetch_the_full_history(runner, repo: Path, tmp_path: Path, base_text: str) -> None:
    write(repo, "2026-03-02-checkout-deploy-errors.md", base_text.replace("alice", "bob", 1))
    git(repo, "commit", "--quiet", "--all", "--message", "On the branch")
    git(repo, "switch", "--quiet", "main")
    (repo / "postmortems/2026/2026-03-09-other.md").write_text(base_text)
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "--message", "On main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--depth", "1", "--no-single-branch", "--branch", "feature",
        repo.as_uri(), str(clone))
    result = runner.invoke(cli, ["--root", str(clone), "validate", "--changed-since", "origin/main"])
    assert (result.exit_code, result.stderr) == (2, (
        "Error: --changed-since: this clone is too shallow to find where HEAD left origin/main: fetch the full "
        "history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)\n"))


def test_a_knowledge_base_in_a_subfolder_of_the_repository(runner, tmp_path: Path, base_text: str) -> None:
    top = tmp_path / "monorepo"
    root = lay_out(top / "docs/incidents", "valid")
    git(top, "init", "--quiet", "--initial-branch", "main")
    git(top, "add", ".")
    git(top, "commit", "--quiet", "--message", "Knowledge base")
    write(root, "2026-03-02-checkout-deploy-errors.md", base_text.replace("severity: SEV2", "severity: SEV9"))
    result = runner.invoke(cli, ["--root", str(root), "validate", "--changed-since", "HEAD"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 post-mortem checked: 1 error, 0 warnings."
    assert result.stdout.startswith(f"{CHECKOUT}:4:1: PM107")


# -- new --branch ------------------------------------------------------------------------------------

NEW = ["new", "Disk full on the primary", "--severity", "SEV2", "--service", "payments-api",
       "--started-at", "2026-03-20T10:00:00+01:00", "--branch"]
NEW_FILE = "postmortems/2026/2026-03-20-disk-full-on-the-primary.md"


def test_new_branch_commits_the_file_alone_and_keeps_unstaged_work(runner, repo: Path) -> None:
    git(repo, "switch", "--quiet", "main")
    edited = repo / CHECKOUT
    edited.write_text(edited.read_text() + "\nWork in progress.\n")
    (repo / "notes.txt").write_text("untracked notes\n")
    result = runner.invoke(cli, ["--root", str(repo), *NEW])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"Created {NEW_FILE}", "Committed it on the new branch postmortem/2026-03-20-disk-full-on-the-primary"]
    assert git(repo, "branch", "--show-current") == "postmortem/2026-03-20-disk-full-on-the-primary\n"
    assert git(repo, "show", "--name-only", "--format=%s", "HEAD").splitlines() == [
        "Post-mortem 2026-03-20-disk-full-on-the-primary: Disk full on the primary", "", NEW_FILE]
    assert git(repo, "status", "--porcelain").splitlines() == [f" M {CHECKOUT}", "?? notes.txt"]
    assert edited.read_text().endswith("\nWork in progress.\n")


def test_new_branch_refuses_staged_changes_and_touches_nothing(runner, repo: Path) -> None:
    staged = repo / CHECKOUT
    staged.write_text(staged.read_text() + "\nStaged.\n")
    git(repo, "add", CHECKOUT)
    result = runner.invoke(cli, ["--root", str(repo), *NEW])
    assert (result.exit_code, result.stderr) == (2, (
        f"Error: --branch: 1 staged change(s) ({CHECKOUT}) would go into the post-mortem's commit: commit or "
        "unstage them first (git stash, or git restore --staged)\n"))
    assert not (repo / NEW_FILE).exists()
    assert git(repo, "branch", "--show-current") == "feature\n"
    assert git(repo, "status", "--porcelain").splitlines() == [f"M  {CHECKOUT}"]


def test_new_branch_refuses_an_existing_branch(runner, repo: Path) -> None:
    git(repo, "branch", "postmortem/2026-03-20-disk-full-on-the-primary")
    result = runner.invoke(cli, ["--root", str(repo), *NEW])
    assert result.exit_code == 2
    assert result.stderr == ("Error: --branch: the branch postmortem/2026-03-20-disk-full-on-the-primary exists "
                             "already: switch to it, or choose another --slug\n")
    assert not (repo / NEW_FILE).exists()


def test_new_branch_outside_a_repository(runner, kb: Path) -> None:
    result = runner.invoke(cli, ["--root", str(kb), *NEW])
    assert (result.exit_code, result.stderr) == (2, f"Error: {kb} is not in a git repository\n")
    assert not (kb / NEW_FILE).exists()


# -- history -------------------------------------------------------------------------------------------


@pytest.fixture
def history_repo(tmp_path: Path, base_text: str) -> Path:
    """`main`: a review written by Alice (10 Mar) and edited by "ally" (Alice again, by .mailmap); a
    branch where Bob publishes it on 12 Mar, merged on 13 Mar; then a rename on 14 Mar."""
    root = lay_out(tmp_path / "history")
    git(root, "init", "--quiet", "--initial-branch", "main")
    (root / ".mailmap").write_text("Alice Martin <alice@example.com> ally <ally@example.com>\n")
    write(root, "2026-03-02-checkout-deploy-errors.md", base_text.replace("status: published", "status: review"))
    git(root, "add", ".")
    git(root, "commit", "--quiet", "--message", "Review", when="2026-03-10T09:00:00+00:00")
    path = root / CHECKOUT
    path.write_text(path.read_text() + "\nMore.\n")
    git(root, "commit", "--quiet", "--all", "--message", "Edit", when="2026-03-11T09:00:00+00:00", author="ally",
        email="ally@example.com")
    git(root, "switch", "--quiet", "--create", "publish")
    path.write_text(path.read_text().replace("status: review", "status: published"))
    git(root, "commit", "--quiet", "--all", "--message", "Publish", when="2026-03-12T09:00:00+00:00", author="Bob",
        email="bob@example.com")
    git(root, "switch", "--quiet", "main")
    git(root, "merge", "--quiet", "--no-ff", "--message", "Merge", "publish", when="2026-03-13T09:00:00+00:00")
    git(root, "mv", CHECKOUT, "postmortems/2026/2026-03-02-checkout-errors.md")
    git(root, "commit", "--quiet", "--message", "Rename", when="2026-03-14T09:00:00+00:00")
    return root


def test_history_follows_renames_mailmap_and_publication_on_the_first_parent_line(history_repo: Path) -> None:
    history = read_history(open_knowledge_base(history_repo))
    utc = dt.UTC
    assert history.notice is None
    assert history.files == {"postmortems/2026/2026-03-02-checkout-errors.md": FileHistory(
        first_commit=dt.datetime(2026, 3, 10, 9, tzinfo=utc), last_change=dt.datetime(2026, 3, 14, 9, tzinfo=utc),
        revisions=4, authors=("Alice Martin", "Bob"),
        # published when the merge landed on main, not when Bob committed on his branch
        published_at=dt.datetime(2026, 3, 13, 9, tzinfo=utc))}


def test_stats_reads_the_time_to_postmortem_from_history(runner, history_repo: Path) -> None:
    result = runner.invoke(cli, ["--root", str(history_repo), "stats", "--today", "2026-11-26", "--format", "json"])
    # resolved 2026-03-02 13:30 UTC, published 2026-03-13 09:00 UTC: 11 days less 4.5 h = 259.5 h, beyond
    # SEV2's 120 h
    assert json.loads(result.stdout)["time_to_postmortem"] == {
        "published": 1, "median_hours": 259.5, "on_time_rate": 0.0}


def test_a_shallow_clone_and_a_plain_folder_have_no_history(history_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", history_repo.as_uri(), str(clone))
    assert read_history(open_knowledge_base(clone)).files == {}
    assert read_history(open_knowledge_base(clone)).notice == (
        "this is a shallow clone, so the pages show no history: fetch the full history (actions/checkout with "
        "`fetch-depth: 0`, or `git fetch --unshallow`)")
    plain = lay_out(tmp_path / "plain", "valid")
    assert read_history(open_knowledge_base(plain)).notice == f"{plain} is not in a git repository: the pages show no history"


def test_a_repository_git_cannot_read_means_no_history(history_repo: Path) -> None:
    blob = git(history_repo, "rev-parse", "HEAD:postmortems/2026/2026-03-02-checkout-errors.md").strip()
    (history_repo / ".git/objects" / blob[:2] / blob[2:]).unlink()
    history = read_history(open_knowledge_base(history_repo))
    assert history.files == {} and history.notice.startswith("git ")
    assert history.notice.endswith(": the pages show no history")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_repository_owned_by_someone_else_means_no_history(history_repo: Path) -> None:
    # Git refuses to read a repository another user owns ("dubious ownership"), as in a CI container
    # that mounts a checkout made by another user.
    os.chown(history_repo, 12345, 12345)
    history = read_history(open_knowledge_base(history_repo))
    assert history.files == {}
    assert "dubious ownership" in history.notice and history.notice.endswith(": the pages show no history")
