"""A large company's catalogue (10,000 people, 3,000 services, 500 teams): a value it does not know
gets the nearest known one, or where the catalogue is, never a line listing thousands."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from generator.cli import cli
from generator.kb.config.nearest import unknown_value
from generator.kb.layout import open_knowledge_base
from generator.site.build import build_site

from .conftest import BASE_POSTMORTEM, large_catalogue_config, lay_out, write, write_corpus

#: Where the large catalogue's keys start in its postmortem.yml (benchmarks/corpus.py).
SERVICES_LINE, PEOPLE_LINE, TEAMS_LINE = 3, 3 + 3_000 + 1, 3 + 3_000 + 1 + 10_000 + 1


@pytest.fixture(scope="module")
def catalogue_kb(tmp_path_factory) -> Path:
    """The large catalogue, and one post-mortem naming a service, people, an owner, a severity and a
    root cause that it does not know, some of them near misses; and one of its 10,000 people as the
    subject of the root cause."""
    root = lay_out(tmp_path_factory.mktemp("catalogue") / "kb", config=large_catalogue_config())
    text = (BASE_POSTMORTEM.read_text(encoding="utf-8")
            .replace("services: [checkout-web]", "services: [trading, checkout-wbe]")
            .replace("severity: SEV2", "severity: SEV22")
            .replace("root_cause: change", "root_cause: chnage")
            .replace("incident_commander: alice", "incident_commander: zorro")
            .replace("technical_owner: bob", "technical_owner: alcie")
            .replace("    owner: bob", "    owner: grcae")
            .replace("The deploy shipped a migration", "Nothing held the deploy because when Person-04000 pushed a "
                     "migration, person-0400 and Grace-Hopper watched; it"))
    write(root, "2026-03-02-typos.md", text)
    return root


EXPECTED = [
    f"5:12: PM108 unknown service 'trading': no known service is like it; see the 3,000 in `services` in "
    f"postmortem.yml, line {SERVICES_LINE}, or on the site's services page (or add it there)",
    f"5:21: PM108 unknown service 'checkout-wbe': did you mean 'checkout-web'? (or add it to `services` in "
    f"postmortem.yml, line {SERVICES_LINE})",
    "4:1: PM107 unknown severity 'SEV22': did you mean 'SEV2'? (or add it to `severities` in postmortem.yml)",
    "13:1: PM109 unknown root cause 'chnage': did you mean 'change'? (or add it to `root_causes` in postmortem.yml)",
    f"15:3: PM113 unknown person 'zorro': no known person is like it; see the 10,000 in `people` in postmortem.yml, "
    f"line {PEOPLE_LINE} (or add it there)",
    f"16:3: PM113 unknown person 'alcie': did you mean 'alice'? (or add it to `people` in postmortem.yml, line "
    f"{PEOPLE_LINE})",
    f"22:5: PM204 unknown owner 'grcae': did you mean 'grace'? (or add it to `people` or `teams` in "
    f"postmortem.yml, lines {PEOPLE_LINE} and {TEAMS_LINE})",
    "45: PM311 warning: the root cause makes Person-04000 its subject: say what the system allowed, and keep people "
    "in the timeline",
]


def test_unknown_values_get_the_nearest_known_or_where_the_catalogue_is(runner, catalogue_kb: Path) -> None:
    result = runner.invoke(cli, ["--root", str(catalogue_kb), "validate", "--format", "text"],
                           env={"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    assert result.exit_code == 1
    found = sorted(line.removeprefix("postmortems/2026/2026-03-02-typos.md:") for line in result.stdout.splitlines()[:-1])
    assert found == sorted(EXPECTED)


@pytest.mark.parametrize("output", ["text", "json", "github", "markdown"])
def test_no_line_of_any_reporter_is_long(runner, catalogue_kb: Path, output: str) -> None:
    result = runner.invoke(cli, ["--root", str(catalogue_kb), "validate", "--format", output],
                           env={"GITHUB_ACTIONS": ""}, catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    if output == "json":  # one document: its messages are the lines a reader sees
        lines = [d["message"] for d in json.loads(result.stdout)["diagnostics"]]
    assert len(lines) >= len(EXPECTED)
    assert max(len(line) for line in lines) <= 300


@pytest.mark.parametrize("value, known, expected", [
    ("paymnts-api", ["payments-api", "checkout-web", "payments-worker"], "did you mean 'payments-api'?"),
    ("payments", ["payments-api", "checkout-web", "search-api"], "did you mean 'payments-api'?"),
    ("search_api", ["search-api", "searchapi-legacy", "research-api"], "did you mean 'search-api'?"),
    ("Checkout-Web", ["checkout-web", "checkout-worker"], "did you mean 'checkout-web'?"),
    ("alcie", ["alice", "alicia", "bob"], "did you mean 'alice'?"),
    ("sev1", ["SEV1", "SEV2", "SEV3"], "did you mean 'SEV1'?"),
    ("capcity", ["capacity", "change", "configuration"], "did you mean 'capacity'?"),
    ("web", ["payments-api", "checkout-web", "search-api"], "use one of payments-api, checkout-web, search-api"),
    ("web", {"search-api", "payments-api", "checkout-web"}, "use one of checkout-web, payments-api, search-api"),
    ("web", [], "add it to `services` in postmortem.yml"),
    ("web", [f"service-{n}" for n in range(11)], "no known service is like it; see the 11 in `services` in "
                                                 "postmortem.yml (or add it there)"),
], ids=["letter-dropped", "prefix", "underscore", "case", "swapped", "lowercase", "cause", "short-list",
        "set-sorted", "none-known", "long-list"])
def test_hand_made_typos_get_the_right_suggestion(value: str, known, expected: str) -> None:
    message = unknown_value("service", value, known, "`services` in postmortem.yml")
    assert message.split(": ", 1)[1].removesuffix(" (or add it to `services` in postmortem.yml)") == expected


@pytest.fixture(scope="module")
def catalogue_site(tmp_path_factory) -> Path:
    """20 post-mortems of the benchmarks' corpus, the last on 2025-03-15, with the large catalogue:
    8 of its 3,000 services have incidents. Built five days after the last."""
    root = tmp_path_factory.mktemp("catalogue-site") / "kb"
    write_corpus(root, 20, large_catalogue=True)
    build_site(open_knowledge_base(root), dt.date(2025, 3, 20))
    return root / "site"


def test_the_home_page_shows_the_services_hit_and_counts_the_others(catalogue_site: Path) -> None:
    home = (catalogue_site / "index.html").read_bytes()
    assert len(home) < 100_000
    text = home.decode()
    availability = text[text.index('<h2 id="availability-in-march-2025">'):text.index('<h2 id="latest-post-mortems">')]
    # In the 90 days to 2025-03-20, the incident of 2025-03-15 alone (the one before is of 2024-12-05), in
    # the catalogue's order.
    assert re.findall(r'<td><a href="services/([a-z0-9-]+)/">', availability) == ["search-api", "catalog-api"]
    assert ('<p class="pm-quiet">Not shown: 2,998 services without incident in these 90 days or downtime this month. '
            '<a href="services/">Every service</a></p>') in availability
    assert (catalogue_site / "services/index.html").read_text().count('<tr id="service-') == 3_000


def test_services_and_teams_without_incident_are_rows_not_pages(catalogue_site: Path) -> None:
    """8 services have post-mortems, and 10 teams an incident or an open action: team-000 to team-007
    own those services, and the first ten people, who own the actions, are one in each of team-000 to
    team-009. The others are a row each, where every link to them goes."""
    assert sorted(path.parent.name for path in (catalogue_site / "services").glob("*/index.html")) == [
        "auth-service", "catalog-api", "checkout-web", "notifications-worker", "orders-api", "payments-api",
        "search-api", "shipping-api"]
    assert sorted(path.parent.name for path in (catalogue_site / "teams").glob("*/index.html")) == [
        f"team-{number:03d}" for number in range(10)]
    services = (catalogue_site / "services/index.html").read_text()
    assert ('<tr id="service-pool-0000"><td><a href="../services/#service-pool-0000">pool-0000</a></td>'
            '<td><a href="../teams/team-008/">team-008</a></td>') in services
    assert ('<tr id="service-latency-0002"><td><a href="../services/#service-latency-0002">latency-0002</a></td>'
            '<td><a href="../teams/#team-team-010">team-010</a></td>') in services
    assert "A service without post-mortem has no page of its own: its row is all there is to say." in services
    teams = (catalogue_site / "teams/index.html").read_text()
    assert ('<tr id="team-team-010"><td><a href="../teams/#team-team-010">team-010</a></td><td><a '
            'href="../services/#service-latency-0002">latency-0002</a>') in teams
    assert '<tr id="team-team-000"><td><a href="../teams/team-000/">team-000</a></td>' in teams
