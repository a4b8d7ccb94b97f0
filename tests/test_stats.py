"""`postmortem stats` on the valid fixture knowledge base and on one built here, its options narrowing
the figures to a team, services, severities and a period, with the figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from generator.cli import cli

from .conftest import lay_out, write


def test_stats_json(runner, tmp_path: Path) -> None:
    root = lay_out(tmp_path, "valid")
    result = runner.invoke(cli, ["--root", str(root), "stats", "--since", "2025-12-01", "--until", "2026-03-31",
                                 "--today", "2026-11-26", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        # six files, one a draft: five incidents, four SEV2 on checkout-web and one SEV3 on search-api
        "incidents": 5,
        "by_severity": {"SEV1": 0, "SEV2": 4, "SEV3": 1},
        "mttd_minutes": 5.0,                 # every one detected after 5 minutes
        "mttr_minutes": 34.0,                # (4 x 30 + 50) / 5
        "median_ttr_minutes": 30.0,
        "ttd_minutes": {"n": 5, "mean": 5.0, "median": 5.0, "p90": 5.0},
        "ttm_minutes": {"n": 4, "mean": 20.0, "median": 20.0, "p90": 20.0},   # one was never mitigated
        "ttr_minutes": {"n": 5, "mean": 34.0, "median": 30.0, "p90": 50.0},   # 30 30 30 30 50: rank ceil(4.5) = 5
        "recurrence_rate": 0.6,              # 03-04, 03-06, 03-07 follow a checkout-web change within days
        "actions": {"total": 5, "open": 1, "overdue": 0, "done": 3, "to_verify": 0},  # one wont-do; the open one is due 2026-12-15
        "time_to_postmortem": None,          # not a git repository
        "services": {
            "payments-api": {"incidents": 0, "downtime_minutes": 0.0,
                             "availability": {"2025-12": 100.0, "2026-01": 100.0, "2026-02": 100.0, "2026-03": 100.0}},
            # 4 x 30 minutes in March, which has 44,580 minutes in Paris: 100 x (1 - 120 / 44,580) = 99.7308
            "checkout-web": {"incidents": 4, "downtime_minutes": 120.0,
                             "availability": {"2025-12": 100.0, "2026-01": 100.0, "2026-02": 100.0, "2026-03": 99.7308}},
            # 23:40 on 31 December to 00:30: 20 minutes of 44,640 in December, 30 in January
            "search-api": {"incidents": 1, "downtime_minutes": 50.0,
                           "availability": {"2025-12": 99.9552, "2026-01": 99.9328, "2026-02": 100.0, "2026-03": 100.0}},
        },
    }


def test_stats_text(runner, tmp_path: Path) -> None:
    root = lay_out(tmp_path, "valid")
    result = runner.invoke(cli, ["--root", str(root), "stats", "--today", "2026-11-26"])
    assert result.exit_code == 0
    # The same figures as the JSON above (the period runs from the first incident to today); each
    # service's lowest month, ties going to the earliest.
    assert result.stdout.splitlines() == [
        "Incidents:           5 (SEV1 0, SEV2 4, SEV3 1)",
        "Time to detect:      median 5.0 min, p90 5.0 min, mean 5.0 min (n = 5)",
        "Time to mitigate:    median 20.0 min, p90 20.0 min, mean 20.0 min (n = 4)",
        "Time to resolve:     median 30.0 min, p90 50.0 min, mean 34.0 min (n = 5)",
        "Recurrence rate:     60%",
        "Actions:             5 total, 1 open, 0 overdue, 3 done",
        "Time to post-mortem: — (no git history here)",
        "",
        "Service                    Incidents  Downtime    Lowest month",
        "payments-api                       0       0.0m  100.000% (2025-12)",
        "checkout-web                       4     120.0m  99.731% (2026-03)",
        "search-api                         1      50.0m  99.933% (2026-01)",
    ]


def changed(base: str, severity: str, services: str, started: str, minutes: tuple, cause: str, actions: list[str]) -> str:
    """The base post-mortem with another severity, services, start, root cause and actions; detected,
    mitigated and resolved `minutes` after the start (None: never mitigated)."""
    start = dt.datetime.fromisoformat(started)
    text = re.sub(r"^declared_at: .*\n", "", base, flags=re.M)
    for key, value in (("severity", severity), ("services", services), ("started_at", started), ("root_cause", cause)):
        text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    for key, after in zip(("detected_at", "mitigated_at", "resolved_at"), minutes, strict=True):
        line = "" if after is None else f"{key}: {(start + dt.timedelta(minutes=after)).isoformat()}\n"
        text = re.sub(rf"^{key}: .*\n", line, text, count=1, flags=re.M)
    return re.sub(r"^actions:\n(.*\n)*?---\n", "actions:\n" + "".join(f"  - {a}\n" for a in actions) + "---\n", text,
                  count=1, flags=re.M)


@pytest.fixture
def teams_kb(kb: Path, base_text: str) -> Path:
    """Four incidents on the fixture config (payments-api is team payments'; checkout-web and
    search-api team checkout's), times in minutes after the start (detected, mitigated, resolved):

    A 2026-03-02 SEV2 checkout-web                change         5, 20, 30    bob done
    B 2026-04-10 SEV1 payments-api                capacity      10, 40, 90    alice open due 05-01 (overdue);
                                                                              payments in progress due 12-31
    C 2026-04-20 SEV2 payments-api, checkout-web  capacity       2, 10, 60    bob done
    D 2026-05-05 SEV3 search-api                  configuration 30, —, 120    carol wont-do

    C recurs: B shares its service and root cause and started 10 days before. None overlap."""
    write(kb, "2026-03-02-checkout-deploy-errors.md", base_text)
    write(kb, "2026-04-10-payments-down.md", changed(
        base_text, "SEV1", "[payments-api]", "2026-04-10T14:00:00+02:00", (10, 40, 90), "capacity",
        ["{title: Pool sizing, owner: alice, due: 2026-05-01, status: open}",
         "{title: Load test, owner: payments, due: 2026-12-31, status: in-progress}"]))
    write(kb, "2026-04-20-payments-and-checkout.md", changed(
        base_text, "SEV2", "[payments-api, checkout-web]", "2026-04-20T14:00:00+02:00", (2, 10, 60), "capacity",
        ["{title: Autoscale, owner: bob, due: 2026-05-15, status: done, closed_on: 2026-05-10}"]))
    write(kb, "2026-05-05-search-slow.md", changed(
        base_text, "SEV3", "[search-api]", "2026-05-05T14:00:00+02:00", (30, None, 120), "configuration",
        ["{title: Config check, owner: carol, due: 2026-06-01, status: wont-do, closed_on: 2026-05-20}"]))
    return kb


def stats_of(runner, root: Path, *options: str):
    return runner.invoke(cli, ["--root", str(root), "stats", "--today", "2026-11-26", *options])


def test_stats_of_a_team(runner, teams_kb: Path) -> None:
    result = stats_of(runner, teams_kb, "--team", "payments")
    assert result.exit_code == 0
    # Team payments owns payments-api: B and C, whatever else C affects. Detect 10 and 2: median
    # (2 + 10) / 2 = 6, p90 of rank ceil(1.8) = 2, 10; mitigate 40 and 10; resolve 90 and 60. C recurs
    # after B: 1 of 2. B's two open actions (alice's past due) and C's done one. Only the team's
    # service is listed: 90 + 60 minutes in April, 30 days of 1,440 minutes in Paris (the clocks
    # went forward in March): 100 x (1 - 150 / 43,200) = 99.653%.
    assert result.stdout.splitlines() == [
        "Incidents:           2 (SEV1 1, SEV2 1, SEV3 0)",
        "Time to detect:      median 6.0 min, p90 10.0 min, mean 6.0 min (n = 2)",
        "Time to mitigate:    median 25.0 min, p90 40.0 min, mean 25.0 min (n = 2)",
        "Time to resolve:     median 75.0 min, p90 90.0 min, mean 75.0 min (n = 2)",
        "Recurrence rate:     50%",
        "Actions:             3 total, 2 open, 1 overdue, 1 done",
        "Time to post-mortem: — (no git history here)",
        "",
        "Service                    Incidents  Downtime    Lowest month",
        "payments-api                       2     150.0m  99.653% (2026-04)",
    ]


def test_stats_of_a_service(runner, teams_kb: Path) -> None:
    result = stats_of(runner, teams_kb, "--service", "checkout-web", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "incidents": 2,                      # A and C
        "by_severity": {"SEV1": 0, "SEV2": 2, "SEV3": 0},
        "mttd_minutes": 3.5,                 # (5 + 2) / 2
        "mttr_minutes": 45.0,                # (30 + 60) / 2
        "median_ttr_minutes": 45.0,
        "ttd_minutes": {"n": 2, "mean": 3.5, "median": 3.5, "p90": 5.0},
        "ttm_minutes": {"n": 2, "mean": 15.0, "median": 15.0, "p90": 20.0},     # 20 and 10
        "ttr_minutes": {"n": 2, "mean": 45.0, "median": 45.0, "p90": 60.0},
        "recurrence_rate": 0.5,              # C, after B (on payments-api, which is not chosen: it still counts)
        "actions": {"total": 2, "open": 0, "overdue": 0, "done": 2, "to_verify": 0},
        "time_to_postmortem": None,
        "services": {
            # A's 30 minutes in March (31 days less the hour the clocks went forward: 44,580 minutes):
            # 100 x (1 - 30 / 44,580) = 99.9327; C's 60 in April: 100 x (1 - 60 / 43,200) = 99.8611
            "checkout-web": {"incidents": 2, "downtime_minutes": 90.0, "availability": {
                "2026-03": 99.9327, "2026-04": 99.8611, "2026-05": 100.0, "2026-06": 100.0, "2026-07": 100.0,
                "2026-08": 100.0, "2026-09": 100.0, "2026-10": 100.0, "2026-11": 100.0}},
        },
    }


def test_stats_of_severities_in_a_period(runner, teams_kb: Path) -> None:
    result = stats_of(runner, teams_kb, "--severity", "SEV2", "--severity", "SEV3", "--since", "2026-04-01")
    assert result.exit_code == 0
    # SEV2 or SEV3 from April: C and D (A is before, B is SEV1). Detect 2 and 30: median 16; only C
    # was mitigated (n = 1); resolve 60 and 120. C recurs after B, which is left out: 1 of 2. C's
    # done action and D's wont-do, which counts in the total alone. Every service is listed, each
    # with the chosen incidents only: C's hour on payments-api and checkout-web in April (99.861%),
    # D's 120 minutes in May, 31 days of 1,440 minutes: 100 x (1 - 120 / 44,640) = 99.731%.
    assert result.stdout.splitlines() == [
        "Incidents:           2 (SEV1 0, SEV2 1, SEV3 1)",
        "Time to detect:      median 16.0 min, p90 30.0 min, mean 16.0 min (n = 2)",
        "Time to mitigate:    median 10.0 min, p90 10.0 min, mean 10.0 min (n = 1)",
        "Time to resolve:     median 90.0 min, p90 120.0 min, mean 90.0 min (n = 2)",
        "Recurrence rate:     50%",
        "Actions:             2 total, 0 open, 0 overdue, 1 done",
        "Time to post-mortem: — (no git history here)",
        "",
        "Service                    Incidents  Downtime    Lowest month",
        "payments-api                       1      60.0m  99.861% (2026-04)",
        "checkout-web                       1      60.0m  99.861% (2026-04)",
        "search-api                         1     120.0m  99.731% (2026-05)",
    ]


def test_stats_of_a_team_and_a_service_of_it(runner, teams_kb: Path) -> None:
    # Team checkout's services are checkout-web and search-api; of them, search-api alone: D.
    result = stats_of(runner, teams_kb, "--team", "checkout", "--service", "search-api", "--format", "json")
    assert result.exit_code == 0
    figures = json.loads(result.stdout)
    assert (figures["incidents"], list(figures["services"])) == (1, ["search-api"])


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--team", "ops", "Error: unknown team 'ops': use one of checkout, payments (or add it to `teams` in "
                      "postmortem.yml, line 10)\n"),
    ("--service", "web", "Error: unknown service 'web': use one of checkout-web, payments-api, search-api (or add it "
                         "to `services` in postmortem.yml, line 4)\n"),
    ("--severity", "P1", "Error: unknown severity 'P1': use one of SEV1, SEV2, SEV3 (or add it to `severities` in "
                         "postmortem.yml)\n"),
])
def test_stats_refuses_an_unknown_team_service_or_severity(runner, teams_kb: Path, option: str, value: str,
                                                           message: str) -> None:
    result = stats_of(runner, teams_kb, option, value)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)
