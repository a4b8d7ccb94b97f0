"""`postmortem stats` on the valid fixture knowledge base, with the figures worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

from generator.cli import cli

from .conftest import lay_out


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
        "actions": {"total": 5, "open": 1, "overdue": 0, "done": 3},  # one wont-do; the open one is due 2026-12-15
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
