"""Following incidents through: the weekly actions review (`postmortem actions`, the weekly-review
workflow), tracker links, on a hand-built knowledge base whose answers are known."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator.cli import cli
from generator.reports.exports import POSTMORTEM_COLUMNS as EXPORT_COLUMNS
from generator.reports.texttables import markdown_cell

from .conftest import FIXTURES, REPOSITORY, lay_out, write

BIN = Path(sys.executable).parent
TRACKERS = """
github:
  alice: alice-gh
  payments: acme/payments
trackers:
  - match: 'CHK-\\d+'
    url: https://jira.example.com/browse/{ticket}
  - match: '(?P<repo>[\\w.-]+/[\\w.-]+)#(?P<number>\\d+)'
    url: https://github.com/{repo}/issues/{number}
  - match: '#(?P<number>\\d+)'
    url: https://github.com/acme/app/issues/{number}
"""
ACTIONS_A = """actions:
  - {title: Canary deploys for checkout, owner: bob, due: 2026-03-09, status: done, closed_on: 2026-03-08, ticket: CHK-1}
  - {title: "Alert on the error rate | per route", owner: carol, due: 2026-03-20, ticket: "#12"}
"""
ACTIONS_B = """actions:
  - {title: Size the pool from measured peaks, owner: alice, due: 2026-03-25, status: in-progress, ticket: acme/app#7}
  - {title: Write the failover runbook, owner: payments, due: 2026-04-30}
"""


def with_actions(text: str, actions: str) -> str:
    return re.sub(r"^actions:\n(?:  .*\n)+", actions, text, flags=re.M)


@pytest.fixture
def review_kb(tmp_path: Path, base_text: str) -> Path:
    fixture_config = re.sub(r"^trackers:\n(?:  .*\n)*", "", (FIXTURES / "postmortem.yml").read_text(), flags=re.M)
    root = lay_out(tmp_path / "kb", config=fixture_config + TRACKERS)
    write(root, "2026-03-02-checkout-deploy-errors.md", with_actions(base_text, ACTIONS_A))
    later = base_text.replace("2026-03-02T", "2026-03-05T").replace("Checkout errors for 20 minutes after a deploy",
                                                                    "Payments slow at the evening peak")
    write(root, "2026-03-05-payments-slow.md", with_actions(later, ACTIONS_B))
    return root


def run(runner, root: Path, *args: str):
    return runner.invoke(cli, ["--root", str(root), *args], catch_exceptions=False)


def test_actions_lists_every_action_by_due_date_with_its_lateness(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "actions", "--today", "2026-03-22")
    assert (result.exit_code, result.output) == (0, """\
2026-03-09            done         bob       2026-03-02-checkout-deploy-errors  Canary deploys for checkout [CHK-1]
2026-03-20  2 d late  open         carol     2026-03-02-checkout-deploy-errors  Alert on the error rate | per route [#12]
2026-03-25            in-progress  alice     2026-03-05-payments-slow           Size the pool from measured peaks [acme/app#7]
2026-04-30            open         payments  2026-03-05-payments-slow           Write the failover runbook
""")


def test_actions_text_leaves_out_lateness_when_nothing_is_late(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--team", "payments")
    assert result.output == """\
2026-03-09  done         bob       2026-03-02-checkout-deploy-errors  Canary deploys for checkout [CHK-1]
2026-03-25  in-progress  alice     2026-03-05-payments-slow           Size the pool from measured peaks [acme/app#7]
2026-04-30  open         payments  2026-03-05-payments-slow           Write the failover runbook
"""


@pytest.mark.parametrize(("options", "expected"), [
    (["--overdue"], ["Alert on the error rate | per route"]),
    (["--open"], ["Alert on the error rate | per route", "Size the pool from measured peaks", "Write the failover runbook"]),
    (["--owner", "alice"], ["Size the pool from measured peaks"]),
    (["--owner", "@alice"], ["Size the pool from measured peaks"]),
    # A team's own actions and those of its members.
    (["--team", "payments"], ["Canary deploys for checkout", "Size the pool from measured peaks", "Write the failover runbook"]),
    # Due by 2026-03-29: the overdue one included, the done one too unless --open.
    (["--due-within", "1w"], ["Canary deploys for checkout", "Alert on the error rate | per route",
                              "Size the pool from measured peaks"]),
    (["--due-within", "7d", "--open"], ["Alert on the error rate | per route", "Size the pool from measured peaks"]),
    (["--due-within", "2"], ["Canary deploys for checkout", "Alert on the error rate | per route"]),
    (["--open", "--team", "checkout", "--overdue"], ["Alert on the error rate | per route"]),
    (["--owner", "bob", "--open"], []),
])
def test_actions_filters(runner, review_kb: Path, options: list[str], expected: list[str]) -> None:
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--format", "json", *options)
    assert result.exit_code == 0
    assert [row["action"] for row in json.loads(result.output)] == expected


def test_actions_json_keys_and_values(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--format", "json", "--overdue")
    assert json.loads(result.output) == [{
        "postmortem": "2026-03-02-checkout-deploy-errors", "postmortem_title": "Checkout errors for 20 minutes after a deploy",
        "action": "Alert on the error rate | per route", "owner": "carol", "team": "checkout", "due": "2026-03-20",
        "status": "open", "ticket": "#12", "ticket_url": "https://github.com/acme/app/issues/12", "days_overdue": 2,
        "verify_by": "", "to_verify": False, "action_id": "", "reverted_by": "",
    }]


def test_actions_csv_reads_back_with_the_documented_columns(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["postmortem", "postmortem_title", "action", "owner", "team", "due", "status", "ticket",
                             "ticket_url", "days_overdue", "verify_by", "to_verify", "action_id", "reverted_by"]
    assert [(row["owner"], row["team"], row["due"], row["ticket_url"], row["days_overdue"]) for row in rows] == [
        ("bob", "payments", "2026-03-09", "https://jira.example.com/browse/CHK-1", "0"),
        ("carol", "checkout", "2026-03-20", "https://github.com/acme/app/issues/12", "2"),
        ("alice", "payments", "2026-03-25", "https://github.com/acme/app/issues/7", "0"),
        ("payments", "payments", "2026-04-30", "", "0"),
    ]


REVIEW = """\
**1 overdue**, 2 others · as of 2026-03-22

### Overdue (1)

| Due | Late | Owner | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-03-20 | 2 d | carol | Alert on the error rate \\| per route | [#12](https://github.com/acme/app/issues/12) | `2026-03-02-checkout-deploy-errors` |

### Open (2)

| Due | Late | Owner | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-03-25 |  | @alice-gh | Size the pool from measured peaks | [acme/app#7](https://github.com/acme/app/issues/7) | `2026-03-05-payments-slow` |
| 2026-04-30 |  | @acme/payments | Write the failover runbook |  | `2026-03-05-payments-slow` |
"""


def test_actions_markdown_is_the_review_overdue_first_owners_mentioned(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--open", "--format", "markdown")
    assert (result.exit_code, result.output) == (0, REVIEW)


REVIEW_FR = """\
**1 en retard**, 3 autres · au 2026-03-22

### En retard (1)

| Échéance | Retard | Propriétaire | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-03-20 | 2 j | carol | Alert on the error rate \\| per route | [#12](https://github.com/acme/app/issues/12) | `2026-03-02-checkout-deploy-errors` |

### Autres actions (3)

| Échéance | Retard | Propriétaire | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-03-09 |  | bob | Canary deploys for checkout | [CHK-1](https://jira.example.com/browse/CHK-1) | `2026-03-02-checkout-deploy-errors` |
| 2026-03-25 |  | @alice-gh | Size the pool from measured peaks | [acme/app#7](https://github.com/acme/app/issues/7) | `2026-03-05-payments-slow` |
| 2026-04-30 |  | @acme/payments | Write the failover runbook |  | `2026-03-05-payments-slow` |
"""


def in_french(root: Path) -> None:
    config = root / "postmortem.yml"
    config.write_text(config.read_text() + "language: fr\n")


def test_actions_markdown_is_in_the_configs_language(runner, review_kb: Path) -> None:
    """The same review in French, a done action among the others: they are not all open."""
    in_french(review_kb)
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--format", "markdown")
    assert (result.exit_code, result.output) == (0, REVIEW_FR)
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--owner", "bob", "--open", "--format",
                 "markdown")
    assert result.output == "**0 en retard**, 0 autres · au 2026-03-22\n\nAucune action à passer en revue.\n"


@pytest.mark.parametrize(("language", "title"), [("en", "Post-mortem actions: week 2026-W12"),
                                                 ("fr", "Actions des post-mortems : semaine 2026-W12")])
def test_the_review_issue_title_is_the_iso_week_in_the_configs_language(runner, review_kb: Path, language: str,
                                                                       title: str) -> None:
    if language == "fr":
        in_french(review_kb)
    # 2026-03-22 is a Sunday, the last day of ISO week 12.
    result = run(runner, review_kb, "actions", "--issue-title", "--today", "2026-03-22")
    assert (result.exit_code, result.output) == (0, title + "\n")


@pytest.mark.parametrize(("text", "cell"), [
    ("Alert on the error rate | per route", "Alert on the error rate \\| per route"),
    ("Two\nlines,  spaced", "Two lines, spaced"),
    ("Escape <b> & co", "Escape &lt;b> &amp; co"),
    # Code spans show their text as it is: only the `|` is escaped, as tables need.
    ("Move it to `postmortems/<YYYY>/` or `a|b`", "Move it to `postmortems/<YYYY>/` or `a\\|b`"),
])
def test_markdown_cells_stay_one_cell_of_text(text: str, cell: str) -> None:
    assert markdown_cell(text) == cell


def test_actions_markdown_links_postmortems_to_the_site(runner, review_kb: Path) -> None:
    config = review_kb / "postmortem.yml"
    config.write_text(config.read_text() + "site_url: https://incidents.example.com/\n")
    result = run(runner, review_kb, "actions", "--today", "2026-03-22", "--overdue", "--format", "markdown")
    assert "| [2026-03-02-checkout-deploy-errors](https://incidents.example.com/postmortems/2026/" \
           "2026-03-02-checkout-deploy-errors/) |" in result.output


@pytest.mark.parametrize(("options", "message"), [
    (["--team", "nope"], "Error: unknown team 'nope': use one of payments, checkout (or add it to `teams` in "
                         "postmortem.yml, line 10)\n"),
    (["--owner", "zoe"], "Error: unknown owner 'zoe': use one of alice, bob, carol, checkout, payments (or add it to "
                          "`people` or `teams` in postmortem.yml, lines 8 and 10)\n"),
])
def test_actions_unknown_owner_or_team_is_a_usage_error(runner, review_kb: Path, options, message) -> None:
    result = run(runner, review_kb, "actions", *options)
    assert (result.exit_code, result.output) == (2, message)


def test_actions_due_within_takes_days_or_weeks_only(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "actions", "--due-within", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a number of days: write 7, 7d or 2w" in result.output


# -- trackers --

def test_tickets_matching_no_tracker_are_warnings(runner, review_kb: Path) -> None:
    path = review_kb / "postmortems/2026/2026-03-05-payments-slow.md"
    path.write_text(path.read_text().replace("ticket: acme/app#7", "ticket: JIRA 7"))
    result = run(runner, review_kb, "validate")
    assert result.exit_code == 0
    assert "PM207 warning: ticket 'JIRA 7' of action 1 matches no tracker" in result.output


@pytest.mark.parametrize(("tracker", "message"), [
    ("- {match: 'PAY-(\\d+', url: 'https://x.example/{ticket}'}", "trackers[0].match: not a regular expression"),
    ("- {match: 'PAY-\\d+', url: 'https://x.example/{number}'}",
     "url uses {number}, which is neither {ticket} nor a named group of match"),
    ("- {match: 'PAY-\\d+', url: 'jira/{ticket}'}", "trackers[0].url: 'jira/{ticket}' should match pattern '^https?://'"),
])
def test_unusable_trackers_are_config_errors(runner, review_kb: Path, tracker: str, message: str) -> None:
    config = review_kb / "postmortem.yml"
    config.write_text(config.read_text().split("trackers:")[0] + f"trackers:\n  {tracker}\n")
    result = run(runner, review_kb, "validate")
    assert result.exit_code == 2
    assert "PM503" in result.output and message in result.output


def test_github_handles_belong_to_people_or_teams(runner, kb: Path) -> None:
    config = kb / "postmortem.yml"
    config.write_text(config.read_text() + "github:\n  zoe: zoe-gh\n")
    result = run(runner, kb, "validate")
    assert result.exit_code == 2
    assert "'zoe' is not in `people` or `teams`: add them there or fix the name" in result.output


# -- the weekly review on GitHub --

def weekly_review_script() -> str:
    workflow = yaml.safe_load((REPOSITORY / ".github/workflows/weekly-review.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["weekly-review"]["permissions"] == {"contents": "read", "issues": "write"}
    assert workflow[True]["schedule"] == [{"cron": "0 7 * * 1"}] and "workflow_dispatch" in workflow[True]
    step = workflow["jobs"]["weekly-review"]["steps"][-1]
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    return step["run"]


@pytest.mark.parametrize(("language", "title"), [("en", "Post-mortem actions: week {week}"),
                                                 ("fr", "Actions des post-mortems : semaine {week}")])
def test_weekly_review_dry_run_prints_the_issue(runner, review_kb: Path, tmp_path: Path, language: str,
                                                title: str) -> None:
    """The workflow's own commands, run by bash with DRY_RUN set: the week's title, then the body
    of `postmortem actions --open --format markdown`, both in the config's language; gh is never
    reached (it is not installed)."""
    if language == "fr":
        in_french(review_kb)
    env = {**os.environ, "DRY_RUN": "1", "RUNNER_TEMP": str(tmp_path), "PATH": f"{BIN}:/usr/bin:/bin"}
    done = subprocess.run(["bash", "-e", "-c", weekly_review_script()], cwd=review_kb, env=env,
                          capture_output=True, text=True)
    # The week of today in the config's time zone, as every figure counts it.
    week = dt.datetime.now(ZoneInfo("Europe/Paris")).date().isocalendar()
    body = run(runner, review_kb, "actions", "--open", "--format", "markdown").output
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == title.format(week=f"{week.year}-W{week.week:02d}") + f"\n\n{body}"
    assert "@alice-gh" in body


def test_weekly_review_dry_run_on_the_sample(tmp_path: Path) -> None:
    env = {**os.environ, "DRY_RUN": "1", "RUNNER_TEMP": str(tmp_path), "PATH": f"{BIN}:/usr/bin:/bin"}
    done = subprocess.run(["bash", "-e", "-c", weekly_review_script()], cwd=REPOSITORY, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    title, _, body = done.stdout.partition("\n\n")
    assert re.fullmatch(r"Post-mortem actions: week \d{4}-W\d{2}", title)
    overdue = body.index("### Overdue")
    assert "| @alice-tarteline |" in body[overdue:] and "[PAY-421](https://tarteline.atlassian.net/browse/PAY-421)" in body


# -- the timeline from a Slack export --

def utc(text: str) -> str:
    """Slack's `ts`: seconds since the epoch, as text with microseconds."""
    return f"{dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp():.6f}"


@pytest.fixture
def slack_export(tmp_path: Path) -> Path:
    """A workspace export in Slack's documented layout: users.json, channels.json (with pins), and a
    folder per channel with a JSON file of messages per day (UTC)."""
    export = tmp_path / "slack-export"
    channel = export / "inc-payments"
    channel.mkdir(parents=True)
    (export / "users.json").write_text(json.dumps([
        {"id": "U1", "name": "alice", "profile": {"display_name": "", "real_name": "Alice Martin"}},
        {"id": "U2", "name": "bob", "profile": {"display_name": "bob", "real_name": "Bob Stone"}},
    ]))
    late = utc("2026-03-13T23:30:00")
    (export / "channels.json").write_text(json.dumps([
        {"id": "C1", "name": "inc-payments", "pins": [{"id": late, "type": "C", "user": "U2"}]},
        {"id": "C2", "name": "general"},
    ]))
    (channel / "2026-03-13.json").write_text(json.dumps([
        {"type": "message", "user": "U1", "text": "deploy 4812 starts", "ts": utc("2026-03-13T17:40:00")},
        {"type": "message", "user": "U1", "ts": utc("2026-03-13T17:42:00"),
         "text": "<!here> payments failing, see <https://grafana.example/d/1|dashboard>",
         "reactions": [{"name": "rotating_light", "users": ["U2"], "count": 1}]},
        {"type": "message", "user": "U1", "text": "<@U2> can you roll back?\nnow", "ts": utc("2026-03-13T17:50:00"),
         "pinned_to": ["C1"]},
        {"type": "message", "subtype": "channel_join", "user": "U2", "text": "<@U2> has joined the channel",
         "ts": utc("2026-03-13T17:51:00"), "reactions": [{"name": "wave", "users": ["U1"], "count": 1}]},
        {"type": "message", "user": "U2", "text": "rollback done &amp; errors dropping in <#C1|inc-payments>",
         "ts": utc("2026-03-13T18:02:00"), "reactions": [{"name": "white_check_mark", "users": ["U1"], "count": 1}]},
        {"type": "message", "user": "U2", "text": "still watching", "ts": late},
    ]))
    (channel / "2026-03-14.json").write_text(json.dumps([
        {"type": "message", "user": "U2", "text": "closing the incident", "ts": utc("2026-03-14T09:00:00"),
         "reactions": [{"name": "white_check_mark", "users": ["U1"], "count": 1}]},
    ]))
    return export


TIMELINE = """\
- 2026-03-13 18:42 — @here payments failing, see dashboard (https://grafana.example/d/1) (Alice Martin)
- 18:50 — @bob can you roll back? now (Alice Martin)
- 19:02 — rollback done & errors dropping in #inc-payments (bob)
- 2026-03-14 00:30 — still watching (bob)
"""


def test_timeline_keeps_the_pinned_and_marked_messages(runner, slack_export: Path) -> None:
    # The sample knowledge base: its config counts times in Europe/Paris.
    result = run(runner, REPOSITORY, "timeline", "--slack", str(slack_export), "--channel", "#inc-payments",
                 "--from", "2026-03-13T18:30", "--to", "2026-03-14T08:00")
    assert (result.exit_code, result.output) == (0, TIMELINE)


def test_timeline_lines_pass_the_timeline_check(runner, kb: Path, slack_export: Path, base_text: str) -> None:
    lines = run(runner, kb, "timeline", "--slack", str(slack_export), "--channel", "inc-payments", "--from",
                "2026-03-13T18:30+01:00", "--to", "2026-03-13T20:00+01:00").output
    text = base_text.replace("2026-03-02T", "2026-03-13T").replace("T14:", "T18:")
    timeline = re.search(r"## Timeline\n\n(.*?)\n\n", text, re.S)[1]
    write(kb, "2026-03-13-from-slack.md", text.replace(timeline, lines.rstrip("\n")))
    result = run(runner, kb, "validate")
    assert (result.exit_code, result.output) == (0, "1 post-mortem checked: no problems found.\n")


@pytest.mark.parametrize(("options", "expected"), [
    (["--only-reactions", "white_check_mark"], [
        "- 2026-03-13 19:02 — rollback done & errors dropping in #inc-payments (bob)",
        "- 2026-03-14 10:00 — closing the incident (bob)"]),
    (["--all", "--to", "2026-03-13T18:45"], [
        "- 2026-03-13 18:40 — deploy 4812 starts (Alice Martin)",
        "- 18:42 — @here payments failing, see dashboard (https://grafana.example/d/1) (Alice Martin)"]),
])
def test_timeline_options(runner, kb: Path, slack_export: Path, options: list[str], expected: list[str]) -> None:
    result = run(runner, kb, "timeline", "--slack", str(slack_export), "--channel", "inc-payments",
                 "--from", "2026-03-13T18:30", "--to", "2026-03-14T12:00", *options)
    assert (result.exit_code, result.output.splitlines()) == (0, expected)


@pytest.mark.parametrize(("options", "message"), [
    (["--channel", "inc-nope"], "Error: no channel 'inc-nope' in the export"),
    (["--channel", "inc-payments", "--to", "2026-03-13T17:00"], "Error: --to is before --from"),
    (["--channel", "inc-payments", "--to", "tomorrow"], "'tomorrow' is not an ISO 8601 time"),
])
def test_timeline_refuses_what_it_cannot_read(runner, kb: Path, slack_export: Path, options, message) -> None:
    arguments = ["--slack", str(slack_export), "--from", "2026-03-13T18:30", *options]
    if "--to" not in options:
        arguments += ["--to", "2026-03-13T20:00"]
    result = run(runner, kb, "timeline", *arguments)
    assert result.exit_code == 2 and message in result.output


def test_timeline_says_when_nothing_was_marked(runner, kb: Path, slack_export: Path) -> None:
    result = runner.invoke(cli, ["--root", str(kb), "timeline", "--slack", str(slack_export), "--channel", "inc-payments",
                                 "--from", "2026-03-13T18:30", "--to", "2026-03-13T18:41"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert "No message pinned or marked with a reaction in #inc-payments" in result.stderr


# -- exports for BI tools --

def test_export_all_json_has_every_field_and_the_durations(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "export", "--all", "--today", "2026-03-22")
    rows = json.loads(result.output)
    assert [row["id"] for row in rows] == ["2026-03-02-checkout-deploy-errors", "2026-03-05-payments-slow"]
    first = rows[0]
    assert list(first) == list(EXPORT_COLUMNS)
    assert {key: first[key] for key in ("severity", "services", "started_at", "roles.incident_commander",
                                        "impact.users_affected", "impact.revenue_lost", "actions", "actions_open",
                                        "actions_overdue", "ttd_minutes", "ttm_minutes", "ttr_minutes")} == {
        "severity": "SEV2", "services": ["checkout-web"], "started_at": "2026-03-02T14:00:00+01:00",
        "roles.incident_commander": "alice", "impact.users_affected": 800, "impact.revenue_lost": None,
        "actions": 2, "actions_open": 1, "actions_overdue": 1, "ttd_minutes": 5.0, "ttm_minutes": 20.0,
        "ttr_minutes": 30.0}


def test_export_all_csv_reads_back_as_the_json(runner, review_kb: Path) -> None:
    rows = json.loads(run(runner, review_kb, "export", "--all", "--today", "2026-03-22").output)
    result = run(runner, review_kb, "export", "--all", "--format", "csv", "--today", "2026-03-22")
    read = list(csv.DictReader(io.StringIO(result.output)))
    assert list(read[0]) == list(EXPORT_COLUMNS)

    def as_csv(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).lower()
        return ";".join(value) if isinstance(value, list) else str(value)

    assert read == [{key: as_csv(value) for key, value in row.items()} for row in rows]


def test_export_actions_are_the_review_rows(runner, review_kb: Path) -> None:
    exported = run(runner, review_kb, "export", "--actions", "--format", "csv", "--today", "2026-03-22").output
    assert exported == run(runner, review_kb, "actions", "--format", "csv", "--today", "2026-03-22").output


@pytest.mark.parametrize(("language", "title"), [("en", "Restricted incident"), ("fr", "Incident à accès restreint")])
def test_export_restricted_postmortem_gives_only_its_facts(runner, review_kb: Path, language: str, title: str) -> None:
    """Titled as on the site, in the config's language."""
    path = review_kb / "postmortems/2026/2026-03-05-payments-slow.md"
    path.write_text(path.read_text().replace("status: published", "status: published\nvisibility: restricted"))
    config = review_kb / "postmortem.yml"
    config.write_text(config.read_text() + f"language: {language}\n")
    row = json.loads(run(runner, review_kb, "export", "--all").output)[1]
    assert row["title"] == title and row["roles.incident_commander"] is None
    assert (row["severity"], row["ttr_minutes"], row["actions"]) == ("SEV2", 30.0, 0)


@pytest.mark.parametrize(("arguments", "message"), [
    ([], "give one of ID, --all or --actions"),
    (["--all", "--actions"], "give one of ID, --all or --actions"),
    (["--all", "--format", "md"], "--format md does not apply here: use json or csv"),
    (["2026-03-02-checkout-deploy-errors", "--format", "csv"], "--format csv does not apply here: use md or html"),
    (["2026-03-02-checkout-deploy-error"], "no post-mortem '2026-03-02-checkout-deploy-error': did you mean "
                                           "'2026-03-02-checkout-deploy-errors'?"),
])
def test_export_usage_errors(runner, review_kb: Path, arguments, message) -> None:
    result = run(runner, review_kb, "export", *arguments)
    assert result.exit_code == 2 and message in result.output


# -- the customer report --

CUSTOMER = """\
# Checkout errors for 20 minutes after a deploy

**Date:** 2026-03-02 · **Duration:** 30 min · **Services affected:** checkout web

## What you saw

On 2026-03-02, from 14:00 to 14:30 (Europe/Paris), checkout web did not work as expected for 30 min.

## Why it happened

A change we made to our systems caused the failure.

## What we did

- We restored the service at 2026-03-02 14:30, and have worked since on the causes.
- Canary deploys for checkout

## What we will do

**This week**

- Alert on the error rate | per route
"""


def test_customer_report_of_a_postmortem(runner, review_kb: Path) -> None:
    config = review_kb / "postmortem.yml"
    config.write_text(config.read_text().replace("{id: checkout-web, team: checkout, slo: 99.9}",
                                                 "{id: checkout-web, name: checkout web, team: checkout, slo: 99.9}"))
    result = run(runner, review_kb, "export", "2026-03-02-checkout-deploy-errors", "--today", "2026-03-22")
    assert (result.exit_code, result.output) == (0, CUSTOMER)


def test_customer_report_horizons_internal_actions_and_names(runner, review_kb: Path) -> None:
    path = review_kb / "postmortems/2026/2026-03-05-payments-slow.md"
    text = path.read_text().replace("  - {title: Write the failover runbook, owner: payments, due: 2026-04-30}",
                                    "  - {title: Write the failover runbook, owner: payments, due: 2026-04-30}\n"
                                    "  - {title: Ask bob to rotate CHK-9 keys, owner: bob, due: 2026-09-30}\n"
                                    "  - {title: Fire the vendor, owner: bob, due: 2026-04-01, internal: true}\n"
                                    "  - {title: 'Tune the pool (#12, acme/app#7)', owner: bob, due: 2026-03-24, "
                                    "ticket: OPS 12}\n"
                                    "  - {title: Page on OPS 12 alarms, owner: bob, due: 2026-03-24}")
    path.write_text(text)
    output = run(runner, review_kb, "export", "2026-03-05-payments-slow", "--today", "2026-03-22").output
    plan = output[output.index("## What we will do"):]
    assert plan == ("## What we will do\n\n**This week**\n\n- Tune the pool\n- Page on alarms\n"
                    "- Size the pool from measured peaks\n\n"
                    "**This quarter**\n\n- Write the failover runbook\n\n**Later**\n\n- Ask our team to rotate keys\n")
    assert "vendor" not in output and "checkout-web" not in output


def test_customer_report_html_escapes_what_authors_wrote(runner, review_kb: Path) -> None:
    path = review_kb / "postmortems/2026/2026-03-02-checkout-deploy-errors.md"
    path.write_text(path.read_text().replace("## Timeline", "## Customer summary\n\nCheckout failed <b>briefly</b>."
                                             "\n<!-- internal -->\nThe carol pager was off.\n<!-- /internal -->\n\n"
                                             "## Timeline"))
    result = run(runner, review_kb, "export", "2026-03-02-checkout-deploy-errors", "--format", "html")
    assert result.exit_code == 0
    assert result.output.startswith("<!doctype html>") and "<h2>What you saw</h2>" in result.output
    assert "Checkout failed &lt;b&gt;briefly&lt;/b&gt;." in result.output
    assert "pager" not in result.output and "<h2>Why it happened</h2>" not in result.output


def sample_ids() -> list[str]:
    return sorted(path.stem for path in (REPOSITORY / "postmortems").rglob("2*.md"))


@pytest.mark.parametrize("postmortem_id", sample_ids())
def test_customer_report_of_every_sample_leaks_nothing(runner, postmortem_id: str) -> None:
    config = yaml.safe_load((REPOSITORY / "postmortem.yml").read_text(encoding="utf-8"))
    for output_format in ("md", "html"):
        result = run(runner, REPOSITORY, "export", postmortem_id, "--format", output_format, "--today", "2026-11-27")
        assert result.exit_code == 0, result.output
        text = result.output
        for person in [*config["people"], *config["github"].values()]:
            assert not re.search(rf"\b{re.escape(person)}\b", text, re.I), person
        for service in config["services"]:
            assert not re.search(rf"\b{re.escape(service['id'])}\b", text), service["id"]
        assert not re.search(r"\b[A-Z][A-Z0-9]+-\d+\b|#\d+\b", text), re.findall(r"\b[A-Z]+-\d+\b|#\d+\b", text)


def test_customer_summary_of_the_sample_is_used_without_its_internal_part(runner) -> None:
    output = run(runner, REPOSITORY, "export", "2026-01-14-duplicate-charges-retry-storm").output
    assert "1,240 of you were charged twice" in output
    assert "Refunds were run" not in output and "## Why it happened" not in output


# -- the board report --

def test_board_report_on_a_hand_built_quarter(runner, review_kb: Path) -> None:
    result = run(runner, review_kb, "report", "--quarter", "2026Q1", "--today", "2026-03-22")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "| SEV2 | 2 | 0 | new |" in lines and "| All | 2 | 0 | new |" in lines
    assert "| Time to detect (median) | 5 min | — | — |" in lines
    assert "| Time to resolve (median) | 30 min | — | — |" in lines
    # Two 30-minute outages of checkout-web in a quarter of 90 days less the hour DST takes in Paris
    # (129,540 minutes): 99.954% available; a budget of 129.54 minutes at 99.9%, 46% of it used.
    assert "| checkout-web | 99.90% | 99.954% (within) | 1 h 00 | 46% |" in lines
    # Due in the quarter: the done action (closed the day before its due date), carol's and alice's.
    assert "Actions due this quarter closed on time: 1 of 3 (33%)." in lines
    assert lines[-1] == ("1. **change**: 1 h 00 of downtime in 2 incidents; 1 action done; under way: Alert on the "
                         "error rate | per route (due 2026-03-20); Size the pool from measured peaks (due 2026-03-25); "
                         "Write the failover runbook (due 2026-04-30).")


@pytest.mark.browser
def test_board_report_pdf_holds_the_quarters_figures(runner, tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "board.pdf"
    result = run(runner, REPOSITORY, "report", "--quarter", "2026Q1", "--format", "pdf", "-o", str(target),
                 "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    pages = PdfReader(target).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert len(pages) == 1
    for figure in ("Tarteline post-mortems: reliability, 2026Q1", "SEV1 2 0 new", "All 3 2 +50%",
                   "Time to resolve (median) 47 min 1 h 42", "Payments API 99.95% 99.964%",
                   "closed on time: 4 of 8 (50%)", "capacity: 47 min of downtime in 2 incidents"):
        assert figure in text, figure


@pytest.mark.parametrize("quarter", ["2026Q5", "Q3", "2026-07"])
def test_board_report_refuses_what_is_not_a_quarter(runner, review_kb: Path, quarter: str) -> None:
    result = run(runner, review_kb, "report", "--quarter", quarter)
    assert result.exit_code == 2 and f"{quarter!r} is not a quarter: write it as 2026Q3" in result.output


def test_export_of_the_sample_reads_back(runner) -> None:
    postmortems = list(csv.DictReader(io.StringIO(run(runner, REPOSITORY, "export", "--all", "--format", "csv").output)))
    assert [row["id"] for row in postmortems] == sample_ids()
    outage = next(row for row in postmortems if row["id"] == "2026-03-13-payment-api-outage")
    assert (outage["services"], outage["impact.revenue_lost"], outage["ttr_minutes"]) == ("payments-api;checkout-web",
                                                                                          "18000.0", "47.0")
    actions = list(csv.DictReader(io.StringIO(run(runner, REPOSITORY, "export", "--actions", "--format", "csv").output)))
    assert len(actions) == sum(len(yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["actions"])
                               for path in (REPOSITORY / "postmortems").rglob("2*.md"))


def test_board_report_counts_the_downtime_that_runs_into_the_quarter(runner, review_kb: Path, base_text: str) -> None:
    # An outage of checkout-web from 2025-12-31 23:00 to 2026-01-01 01:00 (Paris): one hour in 2026Q1.
    text = (base_text.replace("2026-03-02T14:00:00+01:00", "2025-12-31T23:00:00+01:00")
            .replace("2026-03-02T14:05:00+01:00", "2025-12-31T23:05:00+01:00")
            .replace("2026-03-02T14:08:00+01:00", "2025-12-31T23:08:00+01:00")
            .replace("2026-03-02T14:20:00+01:00", "2025-12-31T23:20:00+01:00")
            .replace("2026-03-02T14:30:00+01:00", "2026-01-01T01:00:00+01:00"))
    write(review_kb, "2025-12-31-new-year-outage.md", text)
    lines = run(runner, review_kb, "report", "--quarter", "2026Q1", "--today", "2026-03-22").output.splitlines()
    assert "| checkout-web | 99.90% | 99.907% (within) | 2 h 00 | 93% |" in lines
    assert "| All | 2 | 1 | +100% |" in lines  # the incident itself belongs to 2025Q4


def test_reports_follow_the_configs_language(runner, review_kb: Path) -> None:
    config = review_kb / "postmortem.yml"
    config.write_text(config.read_text() + "language: fr\n")
    board = run(runner, review_kb, "report", "--quarter", "2026Q1", "--today", "2026-03-22").output.splitlines()
    assert board[0] == "# Post-mortems : fiabilité, 2026Q1"
    assert "| Sévérité | 2026Q1 | 2025Q4 | Évolution |" in board and "| SEV2 | 2 | 0 | nouveau |" in board
    assert "Actions dues ce trimestre fermées à temps : 1 sur 3 (33%)." in board
    customer = run(runner, review_kb, "export", "2026-03-02-checkout-deploy-errors", "--today", "2026-03-22").output
    assert "## Ce que vous avez constaté\n\nLe 2026-03-02, de 14:00 à 14:30 (Europe/Paris)" in customer
    assert "**Cette semaine**\n\n- Alert on the error rate | per route" in customer


# -- verification: done, then checked --

ACTIONS_VERIFIED = """actions:
  - {title: Canary deploys for checkout, owner: bob, due: 2026-03-09, status: done, closed_on: 2026-03-08,
     verify_by: 2026-03-20, verified: {date: 2026-03-18, by: carol, how: a bad build stopped at the canary}}
  - {title: Alert on the error rate, owner: carol, due: 2026-03-10, status: done, closed_on: 2026-03-10,
     verify_by: 2026-03-21}
  - {title: Roll back in one command, owner: bob, due: 2026-03-12, status: done, closed_on: 2026-03-11,
     verify_by: 2026-04-15}
  - {title: Dry-run the migrations, owner: carol, due: 2026-04-30, verify_by: 2026-05-15}
"""


@pytest.fixture
def verification_kb(tmp_path: Path, base_text: str) -> Path:
    root = lay_out(tmp_path / "kb")
    write(root, "2026-03-02-checkout-deploy-errors.md", with_actions(base_text, ACTIONS_VERIFIED))
    return root


def test_the_weekly_review_lists_the_fixes_to_verify(runner, verification_kb: Path) -> None:
    # On 2026-03-22: the alert is done and its verification date (03-21) passed without `verified`: to verify.
    # The canary is verified; the rollback's date (04-15) is ahead; the dry-run is open, not late.
    result = run(runner, verification_kb, "actions", "--open", "--today", "2026-03-22", "--format", "markdown")
    assert result.output == """\
**0 overdue**, 1 other · as of 2026-03-22 · **1 to verify**

### To verify: done, the fix's effect still to check (1)

| Due | Late | Owner | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-03-10 | verify by 2026-03-21 | carol | Alert on the error rate |  | `2026-03-02-checkout-deploy-errors` |

### Open (1)

| Due | Late | Owner | Action | Ticket | Post-mortem |
| --- | --- | --- | --- | --- | --- |
| 2026-04-30 |  | carol | Dry-run the migrations |  | `2026-03-02-checkout-deploy-errors` |
"""
    rows = json.loads(run(runner, verification_kb, "actions", "--today", "2026-03-22", "--format", "json").output)
    assert [(row["action"], row["verify_by"], row["to_verify"]) for row in rows] == [
        ("Canary deploys for checkout", "2026-03-20", False), ("Alert on the error rate", "2026-03-21", True),
        ("Roll back in one command", "2026-04-15", False), ("Dry-run the migrations", "2026-05-15", False)]


def test_verified_on_time_beside_closed_on_time(runner, verification_kb: Path) -> None:
    # 2026Q1: verification dates 03-20 (verified 03-18, on time) and 03-21 (not verified); 04-15 and 05-15
    # fall in Q2. Due in Q1: three actions, all closed by their due date.
    result = run(runner, verification_kb, "report", "--quarter", "2026Q1", "--today", "2026-03-31")
    assert "Actions due this quarter closed on time: 3 of 3 (100%)." in result.output.splitlines()
    assert ("Fixes whose verification fell due this quarter, verified on time: 1 of 2 (50%)."
            in result.output.splitlines())


def test_a_verified_action_must_be_done_and_a_top_severity_one_needs_a_date(runner, verification_kb: Path) -> None:
    path = verification_kb / "postmortems/2026/2026-03-02-checkout-deploy-errors.md"
    text = path.read_text().replace("severity: SEV2", "severity: SEV1", 1)
    text = text.replace(", verify_by: 2026-05-15", "").replace(
        "  - {title: Roll back in one command, owner: bob, due: 2026-03-12, status: done, closed_on: 2026-03-11,",
        "  - {title: Roll back in one command, owner: bob, due: 2026-03-12, status: open,")
    text = text.replace("     verify_by: 2026-04-15}", "     verify_by: 2026-04-15, verified: {date: 2026-03-20, by: bob, how: a drill}}")
    path.write_text(text)
    result = run(runner, verification_kb, "validate")
    found = [line.split(": ")[0].rsplit(":", 2)[1:] + [line.split(": ")[1].split()[0]]
             for line in result.output.splitlines() if ": PM" in line]
    # The rollback, open, carries `verified` (line 26); the dry-run of a SEV1 has no verify_by (line 27);
    # a SEV1 also asks for a customer summary (PM313).
    assert found == [["26", "29", "PM208"], ["27", "6", "PM209"], ["29", "PM313"]], result.output
