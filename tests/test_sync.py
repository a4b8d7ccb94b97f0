"""`postmortem actions sync`: statuses read back from GitHub issues, against a local server that
answers as GitHub's REST reference documents (tests/github_api.py), and written into the front
matter only once every ticket is read."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.authoring.github import GitHubClient, GitHubError, IssueRef, TicketUnreadable, issue_ref
from generator.cli import cli

from .conftest import FIXTURES, REPOSITORY, git, lay_out, write
from .github_api import Answer, FakeGitHub, issue, start

TRACKERS = """trackers:
  - {match: 'CHK-\\d+', url: 'https://tracker.example/{ticket}'}
  - {match: '#(?P<number>\\d+)', url: 'https://github.com/acme/app/issues/{number}'}
"""
ACTIONS = """actions:
  - id: canary
    title: Canary deploys for checkout
    owner: bob
    due: 2026-03-09
    ticket: acme/app#1
  - id: error-alert
    title: Alert on the error rate
    owner: carol
    due: 2026-03-10
    status: done   # closed by hand
    ticket: https://github.com/acme/app/issues/2
    closed_on: 2026-03-10
    verified: {date: 2026-03-12, by: bob, how: a drill}
    verify_by: 2026-03-20
  - {id: dashboards, title: Dashboards per route, owner: carol, due: 2026-03-30, ticket: "#3"}
  - {id: runbook, title: Write the runbook, owner: bob, due: 2026-03-30}
  - {id: jira, title: Jira-tracked, owner: bob, due: 2026-03-30, ticket: CHK-9}
  - {id: deleted, title: Its issue was deleted, owner: bob, due: 2026-03-30, ticket: acme/app#4}
  - {id: still-open, title: Still open, owner: bob, due: 2026-04-30, status: in-progress, ticket: acme/app#5}
"""
SYNCED = """actions:
  - id: canary
    title: Canary deploys for checkout
    owner: bob
    due: 2026-03-09
    status: done
    closed_on: 2026-03-18
    ticket: acme/app#1
  - id: error-alert
    title: Alert on the error rate
    owner: carol
    due: 2026-03-10
    status: open   # closed by hand
    ticket: https://github.com/acme/app/issues/2
    verify_by: 2026-03-20
  - {id: dashboards, title: Dashboards per route, owner: carol, due: 2026-03-30, status: wont-do, closed_on: 2026-03-21, ticket: "#3"}
  - {id: runbook, title: Write the runbook, owner: bob, due: 2026-03-30}
  - {id: jira, title: Jira-tracked, owner: bob, due: 2026-03-30, ticket: CHK-9}
  - {id: deleted, title: Its issue was deleted, owner: bob, due: 2026-03-30, ticket: acme/app#4}
  - {id: still-open, title: Still open, owner: bob, due: 2026-04-30, status: in-progress, ticket: acme/app#5}
"""
PATH = "postmortems/2026/2026-03-02-checkout-deploy-errors.md"
BIN = Path(sys.executable).parent


@pytest.fixture
def github():
    fake = FakeGitHub()
    server = start(fake)
    yield fake
    server.shutdown()


@pytest.fixture
def sync_kb(tmp_path: Path, base_text: str) -> Path:
    config = re.sub(r"^trackers:\n(?:  .*\n)*", lambda _: TRACKERS, (FIXTURES / "postmortem.yml").read_text(), flags=re.M)
    root = lay_out(tmp_path / "kb", config=config)
    write(root, "2026-03-02-checkout-deploy-errors.md", re.sub(r"^actions:\n(?:  .*\n)+", ACTIONS, base_text, flags=re.M))
    return root


def answer_the_issues(github: FakeGitHub) -> None:
    # Closed at 23:30 UTC on the 17th: the 18th in Paris, the config's zone.
    github.answer("GET", "/repos/acme/app/issues/1", issue(1, "closed", "completed", "2026-03-17T23:30:00Z"))
    github.answer("GET", "/repos/acme/app/issues/2", issue(2, "open", "reopened"))
    github.answer("GET", "/repos/acme/app/issues/3", issue(3, "closed", "not_planned", "2026-03-21T09:00:00Z"))
    github.answer("GET", "/repos/acme/app/issues/4", Answer(410, {"message": "This issue was deleted",
                                                                   "documentation_url": "https://docs.github.com/rest"}))
    github.answer("GET", "/repos/acme/app/issues/5", issue(5, "open"))


def run(runner, root: Path, github: FakeGitHub, *args: str, token: str = "ghs_test"):
    return runner.invoke(cli, ["--root", str(root), "actions", "sync", "--api-url", github.url, *args],
                         env={"GITHUB_TOKEN": token}, catch_exceptions=False)


def test_sync_writes_what_the_issues_say_and_leaves_the_others_alone(runner, sync_kb: Path, github) -> None:
    answer_the_issues(github)
    before = (sync_kb / PATH).read_text()
    result = run(runner, sync_kb, github)
    assert result.exit_code == 1  # the deleted issue
    assert result.stderr == f"{PATH}: deleted: acme/app#4 was deleted (410): write another ticket, or remove it\n"
    assert result.stdout == f"""\
{PATH}: canary: open -> done (acme/app#1 closed on 2026-03-18)
{PATH}: error-alert: done -> open (acme/app#2 is open)
{PATH}: dashboards: open -> wont-do (#3 closed as not planned)
3 statuses changed.
"""
    assert (sync_kb / PATH).read_text() == before.replace(ACTIONS, SYNCED)
    # Each issue read once, with the token; the Jira ticket and the action without one never asked.
    assert sorted((method, path, auth) for method, path, auth, _ in github.requests) == [
        ("GET", f"/repos/acme/app/issues/{n}", "Bearer ghs_test") for n in range(1, 6)]
    again = run(runner, sync_kb, github)
    assert again.stdout == "No status changed.\n"


def test_dry_run_writes_nothing(runner, sync_kb: Path, github) -> None:
    answer_the_issues(github)
    before = (sync_kb / PATH).read_text()
    result = run(runner, sync_kb, github, "--dry-run")
    assert result.stdout.splitlines()[-1] == "3 statuses to change."
    assert (sync_kb / PATH).read_text() == before


@pytest.mark.parametrize(("answer", "message"), [
    (Answer(401, {"message": "Bad credentials"}),
     "Error: GitHub refused the token (401): set GITHUB_TOKEN to a token that can read the issues; nothing was "
     "written\n"),
    (Answer(403, {"message": "API rate limit exceeded"}, {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "5000",
                                                           "x-ratelimit-reset": "4102444800"}),
     "Error: GitHub's rate limit is reached until "),
])
def test_what_stops_the_sync_writes_nothing(runner, sync_kb: Path, github, answer: Answer, message: str) -> None:
    answer_the_issues(github)
    github.answer("GET", "/repos/acme/app/issues/3", answer)  # after two issues were read
    before = (sync_kb / PATH).read_text()
    result = run(runner, sync_kb, github)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(message)
    assert (sync_kb / PATH).read_text() == before


def test_a_server_error_is_asked_again_and_a_short_rate_limit_waited_out(github) -> None:
    github.answer("GET", "/repos/acme/app/issues/1", Answer(502, {"message": "Server Error"}),
                  Answer(503, {"message": "Unavailable"}), issue(1, "closed", "completed", "2026-03-17T23:30:00Z"))
    github.answer("GET", "/repos/acme/app/issues/2",
                  Answer(429, {"message": "You have exceeded a secondary rate limit"}, {"retry-after": "0"}),
                  issue(2, "open"))
    client = GitHubClient(github.url, "t", retry_pauses=(0, 0, 0))
    assert client.issue(IssueRef("acme/app", 1)).state == "closed"
    assert client.issue(IssueRef("acme/app", 2)).state == "open"
    assert [path for _, path, _, _ in github.requests] == ["/repos/acme/app/issues/1"] * 3 + ["/repos/acme/app/issues/2"] * 2


def test_server_errors_that_last_stop_the_sync(github) -> None:
    github.answer("GET", "/repos/acme/app/issues/1", Answer(500, {"message": "Server Error"}))
    with pytest.raises(GitHubError, match="GitHub answered 500 for acme/app#1, 3 times: try again later"):
        GitHubClient(github.url, None, retry_pauses=(0, 0)).issue(IssueRef("acme/app", 1))
    assert len(github.requests) == 3 and github.requests[0][2] is None  # no token, no Authorization


@pytest.mark.parametrize(("status", "message"), [
    (404, "acme/app#9 is not found (404): check the ticket, and that the token can read its repository"),
    (410, "acme/app#9 was deleted (410): write another ticket, or remove it"),
])
def test_a_missing_issue_is_this_tickets_problem_alone(github, status: int, message: str) -> None:
    github.answer("GET", "/repos/acme/app/issues/9", Answer(status, {"message": "gone"}))
    with pytest.raises(TicketUnreadable) as caught:
        GitHubClient(github.url).issue(IssueRef("acme/app", 9))
    assert str(caught.value) == message


def test_github_cannot_be_reached(runner, sync_kb: Path) -> None:
    result = runner.invoke(cli, ["--root", str(sync_kb), "actions", "sync", "--api-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: GitHub's API at http://127.0.0.1:9 cannot be reached (")


@pytest.mark.parametrize(("ticket", "url", "expected"), [
    ("acme/app#12", None, "acme/app#12"),
    ("https://github.com/acme/app/issues/12", None, "acme/app#12"),
    ("https://ghe.acme.internal/payments/api/issues/7#issuecomment-1", None, "payments/api#7"),
    ("#12", "https://github.com/acme/app/issues/12", "acme/app#12"),
    ("CHK-9", "https://tracker.example/CHK-9", None),
    ("https://github.com/acme/app/pull/12", None, None),
])
def test_which_tickets_are_github_issues(ticket: str, url: str | None, expected: str | None) -> None:
    found = issue_ref(ticket, url)
    assert (str(found) if found else None) == expected


# -- the weekly workflow's pull request --

def sync_job() -> dict:
    workflow = yaml.safe_load((REPOSITORY / ".github/workflows/weekly-review.yml").read_text(encoding="utf-8"))
    return workflow["jobs"]["actions-sync"]


def test_the_sync_job_asks_for_what_it_writes_and_reads_the_whole_history() -> None:
    job = sync_job()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "read"}
    assert job["steps"][0]["with"]["fetch-depth"] == 0
    assert job["steps"][-1]["env"]["BRANCH"] == "postmortem/actions-sync"
    assert job["steps"][-1]["env"]["GITHUB_TOKEN"] == "${{ github.token }}"


@pytest.fixture
def checkout(tmp_path: Path, sync_kb: Path) -> Path:
    """The knowledge base as the job checks it out: a clone of `origin` (a bare repository) on main."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(origin))
    git(sync_kb, "init", "--quiet", "--initial-branch", "main")
    git(sync_kb, "add", ".")
    git(sync_kb, "commit", "--quiet", "--message", "Knowledge base")
    git(sync_kb, "remote", "add", "origin", str(origin))
    git(sync_kb, "push", "--quiet", "origin", "main")
    return sync_kb


def run_the_job(checkout: Path, github: FakeGitHub, tmp_path: Path, dry_run: str = "") -> subprocess.CompletedProcess:
    """The job's own `run:` script, by bash -e as GitHub runs it, with the variables GitHub sets."""
    step = sync_job()["steps"][-1]
    env = {**os.environ, "GITHUB_TOKEN": "ghs_job", "GITHUB_API_URL": github.url, "GITHUB_REPOSITORY": "acme/incidents",
           "BRANCH": step["env"]["BRANCH"], "BASE": "main", "DRY_RUN": dry_run, "RUNNER_TEMP": str(tmp_path),
           "PATH": f"{BIN}:/usr/bin:/bin"}
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=checkout, env=env, capture_output=True, text=True)


def pull_requests(github: FakeGitHub) -> list[tuple[str, str, dict | None]]:
    return [(method, path, body) for method, path, _, body in github.requests if "/pulls" in path]


BODY = f"""\
Statuses read back by `postmortem actions sync` from the actions' tickets and commits:

- {PATH}: canary: open -> done (acme/app#1 closed on 2026-03-18)
- {PATH}: error-alert: done -> open (acme/app#2 is open)
- {PATH}: dashboards: open -> wont-do (#3 closed as not planned)
"""
TITLE = "Post-mortem actions: statuses from their tickets and commits"


def test_the_job_opens_one_pull_request_then_updates_it(checkout: Path, github, tmp_path: Path) -> None:
    answer_the_issues(github)
    github.answer("GET", "/repos/acme/incidents/pulls", [], [{"number": 7, "state": "open"}])
    github.answer("POST", "/repos/acme/incidents/pulls", Answer(201, {"number": 7, "state": "open"}))
    github.answer("PATCH", "/repos/acme/incidents/pulls/7", {"number": 7, "state": "open"})
    done = run_the_job(checkout, github, tmp_path)
    assert done.returncode == 0, done.stderr
    head = "postmortem/actions-sync"
    assert pull_requests(github) == [
        ("GET", f"/repos/acme/incidents/pulls?state=open&head=acme:{head}", None),
        ("POST", "/repos/acme/incidents/pulls", {"title": TITLE, "body": BODY, "head": head, "base": "main"})]
    # The branch holds one commit on main: the statuses, nothing else; main is untouched.
    origin = checkout.parent / "origin.git"
    assert git(origin, "rev-list", "--count", f"main..{head}").strip() == "1"
    assert git(origin, "diff", "--name-only", "main", head) == f"{PATH}\n"
    assert git(origin, "show", f"{head}:{PATH}").count("status: done\n    closed_on: 2026-03-18\n") == 1
    # A week later, issue 5 is closed too: the same branch is pushed again, the same pull request edited.
    git(checkout, "switch", "--quiet", "main")
    github.requests.clear()
    github.answer("GET", "/repos/acme/app/issues/5", issue(5, "closed", "completed", "2026-03-24T10:00:00Z"))
    done = run_the_job(checkout, github, tmp_path)
    assert done.returncode == 0, done.stderr
    assert [(method, path) for method, path, _ in pull_requests(github)] == [
        ("GET", f"/repos/acme/incidents/pulls?state=open&head=acme:{head}"), ("PATCH", "/repos/acme/incidents/pulls/7")]
    assert pull_requests(github)[1][2] == {
        "title": TITLE, "body": BODY + f"- {PATH}: still-open: in-progress -> done (acme/app#5 closed on 2026-03-24)\n"}
    assert git(origin, "rev-list", "--count", f"main..{head}").strip() == "1"


def test_the_job_without_changes_or_in_a_dry_run_pushes_nothing(checkout: Path, github, tmp_path: Path) -> None:
    answer_the_issues(github)
    done = run_the_job(checkout, github, tmp_path, dry_run="1")
    assert done.returncode == 0 and done.stdout.startswith(f"{PATH}: canary: open -> done")
    assert "+    status: done\n+    closed_on: 2026-03-18\n" in done.stdout  # the diff it would propose
    git(checkout, "checkout", "--quiet", "--", ".")
    for number in (1, 2, 3):
        github.answer("GET", f"/repos/acme/app/issues/{number}", issue(number, "open"))
    git(checkout, "commit", "--quiet", "--all", "--allow-empty", "--message", "Nothing to sync")
    (checkout / PATH).write_text((checkout / PATH).read_text().replace("    status: done   # closed by hand\n", "")
                                 .replace("    closed_on: 2026-03-10\n", "")
                                 .replace("    verified: {date: 2026-03-12, by: bob, how: a drill}\n", ""))
    git(checkout, "commit", "--quiet", "--all", "--message", "Error alert open again")
    done = run_the_job(checkout, github, tmp_path)
    assert (done.returncode, done.stdout) == (0, "No status changed.\n")
    assert pull_requests(github) == []
    assert git(checkout.parent / "origin.git", "branch", "--list", "postmortem/*") == ""


def test_the_job_fails_when_github_cannot_be_read(checkout: Path, github, tmp_path: Path) -> None:
    github.answer("GET", "/repos/acme/app/issues/1", Answer(401, {"message": "Bad credentials"}))
    done = run_the_job(checkout, github, tmp_path)
    assert done.returncode == 2 and "GitHub refused the token (401)" in done.stderr
    assert pull_requests(github) == []
