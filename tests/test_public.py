"""The public trust page (`postmortem build --public`) on a hand-built knowledge base whose figures
are worked out in the comments, the refusals, and a search for anything internal in every file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

from .conftest import FIXTURES, TODAY, axe_violations, copy_knowledge_base, describe, lay_out, serve, write

CONFIG = (FIXTURES / "postmortem.yml").read_text().replace(
    "  - {id: payments-api, team: payments, slo: 99.95}\n  - {id: checkout-web, team: checkout, slo: 99.9}\n",
    "  - {id: payments-api, name: Payments, team: payments, slo: 99.95}\n"
    "  - {id: checkout-web, name: Checkout, team: checkout, slo: 99.9}\n",
) + "public:\n  services: [payments-api, checkout-web]\n  sla: 99.5\n"


def postmortem(base_text: str, **changes: str) -> str:
    """The fixture post-mortem with front-matter lines replaced (`key: value`, by key)."""
    text = base_text
    for key, value in changes.items():
        text = re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    return text


@pytest.fixture
def public_kb(tmp_path: Path, base_text: str) -> Path:
    root = lay_out(tmp_path / "kb", config=CONFIG)
    # Public, SEV1, payments-api: 23:30 on 31 October to 00:30 on 1 November (Paris), over midnight and
    # over a month's end: 30 minutes on each day, and in each month.
    write(root, "2026-10-31-payments-down.md", postmortem(
        base_text, title="Payments down over midnight", severity="SEV1", services="[payments-api]",
        started_at="2026-10-31T23:30:00+01:00", detected_at="2026-10-31T23:35:00+01:00",
        declared_at="2026-10-31T23:36:00+01:00", mitigated_at="2026-11-01T00:20:00+01:00",
        resolved_at="2026-11-01T00:30:00+01:00", root_cause="capacity")
        .replace("tags: [deploy]", "tags: [deploy]\nvisibility: public")
        .replace("## Summary", "## Customer summary\n\nCard payments failed for an hour.\n\n## Summary"))
    # Restricted, SEV2, checkout-web: 45 minutes on 10 November; counts, shows nowhere.
    write(root, "2026-11-10-checkout-restricted.md", postmortem(
        base_text, started_at="2026-11-10T10:00:00+01:00", detected_at="2026-11-10T10:05:00+01:00",
        declared_at="2026-11-10T10:08:00+01:00", mitigated_at="2026-11-10T10:30:00+01:00",
        resolved_at="2026-11-10T10:45:00+01:00").replace("tags: [deploy]", "tags: [deploy]\nvisibility: restricted"))
    # Internal, SEV2, payments-api: 20 minutes on 20 November.
    write(root, "2026-11-20-payments-slow.md", postmortem(
        base_text, services="[payments-api]", started_at="2026-11-20T08:00:00+01:00",
        detected_at="2026-11-20T08:02:00+01:00", declared_at="2026-11-20T08:03:00+01:00",
        mitigated_at="2026-11-20T08:10:00+01:00", resolved_at="2026-11-20T08:20:00+01:00"))
    return root


def build_public(runner, root: Path):
    return runner.invoke(cli, ["--root", str(root), "build", "--public", "--today", TODAY.isoformat()])


def test_uptime_and_history_equal_hand_computed_figures(runner, public_kb: Path) -> None:
    result = build_public(runner, public_kb)
    assert (result.exit_code, result.output) == (
        0, "Built the public site into site-public/: 2 services, 1 public incident\n")
    uptime = json.loads((public_kb / "site-public/api/uptime.json").read_text())
    payments, checkout = uptime["services"]
    assert (payments["name"], payments["sla_percent"], checkout["name"]) == ("Payments", 99.5, "Checkout")
    # 90 days to 2026-11-26 start on 2026-08-29; Paris fell back an hour on 25 October.
    days = {d["date"]: (d["downtime_minutes"], d["status"]) for d in payments["days"]}
    assert len(days) == 90 and min(days) == "2026-08-29" and max(days) == "2026-11-26"
    assert {k: v for k, v in days.items() if v != (0, "operational")} == {
        "2026-10-31": (30, "outage"), "2026-11-01": (30, "outage"), "2026-11-20": (20, "degraded")}
    assert [(d["date"], d["downtime_minutes"]) for d in checkout["days"] if d["downtime_minutes"]] == [("2026-11-10", 45)]
    # 80 minutes down in 90 x 1440 + 60 = 129,660 minutes: 99.9383%.
    assert payments["uptime_percent_90_days"] == round(100 * (1 - 80 / 129_660), 4) == 99.9383
    months = {m["month"]: (m["availability_percent"], m["sla_met"]) for m in payments["months"]}
    assert len(months) == 12 and max(months) == "2026-11" and min(months) == "2025-12"
    # October: 30 of 31 x 1440 + 60 = 44,700 minutes; November: 30 + 20 of 43,200.
    assert months["2026-10"] == (round(100 * (1 - 30 / 44_700), 4), True) == (99.9329, True)
    assert months["2026-11"] == (round(100 * (1 - 50 / 43_200), 4), True) == (99.8843, True)
    assert months["2026-09"] == (100.0, True)

    incidents = json.loads((public_kb / "site-public/api/incidents.json").read_text())
    assert incidents == {"version": 1, "date": "2026-11-26", "incidents": [{
        "id": "2026-10-31", "url": "incidents/2026-10-31/", "title": "Payments: outage",
        "started_at": "2026-10-31T23:30:00+01:00", "resolved_at": "2026-11-01T00:30:00+01:00", "impact": "outage",
        "severity": "SEV1", "services": ["Payments"], "duration": "1 h 00"}]}
    page = (public_kb / "site-public/incidents/2026-10-31/index.html").read_text()
    assert "<p>Card payments failed for an hour.</p>" in page and "Canary deploys for checkout" in page
    index = (public_kb / "site-public/index.html").read_text()
    assert "<title>2026-10-31: outage, 30 min</title>" in index and "<title>2026-11-10: degraded, 45 min</title>" in index
    assert '<a href="incidents/2026-10-31/">Payments: outage</a>' in index
    assert "<script" not in index and "http" not in index.replace("http://www.w3.org/2000/svg", "")


def test_two_builds_are_byte_identical(runner, public_kb: Path, tmp_path: Path) -> None:
    assert build_public(runner, public_kb).exit_code == 0
    first = {p.relative_to(public_kb).as_posix(): p.read_bytes() for p in (public_kb / "site-public").rglob("*") if p.is_file()}
    assert build_public(runner, public_kb).exit_code == 0
    second = {p.relative_to(public_kb).as_posix(): p.read_bytes() for p in (public_kb / "site-public").rglob("*") if p.is_file()}
    assert first == second and len(first) == 5


def test_a_public_postmortem_must_be_published(runner, public_kb: Path) -> None:
    path = public_kb / "postmortems/2026/2026-10-31-payments-down.md"
    path.write_text(path.read_text().replace("status: published", "status: review"))
    result = build_public(runner, public_kb)
    assert result.exit_code == 1
    assert ("postmortems/2026/2026-10-31-payments-down.md:7:1: PM701 marked public but its status is review: the "
            "public page shows only published post-mortems; publish it, or remove `visibility: public`") in result.output
    assert not (public_kb / "site-public").exists()


def test_an_allowed_finding_in_public_text_stops_the_public_build(runner, public_kb: Path) -> None:
    path = public_kb / "postmortems/2026/2026-10-31-payments-down.md"
    path.write_text(path.read_text().replace(
        "Card payments failed for an hour.",
        "Card payments failed for an hour; write to dpo@client-corp.fr. <!-- postmortem: allow PM603 their public DPO -->"))
    result = build_public(runner, public_kb)
    assert result.exit_code == 1
    assert ("postmortems/2026/2026-10-31-payments-down.md:31:44: PM702 PM603 is allowed here (“their public DPO”), "
            "but this text goes on the public page: take the value out, or mark the action `internal: true`"
            ) in result.output
    # The same allowance where the public page does not read is fine.
    path.write_text(path.read_text().replace("## Customer summary\n\nCard payments failed for an hour; write to "
                                             "dpo@client-corp.fr. <!-- postmortem: allow PM603 their public DPO -->",
                                             "## Customer summary\n\nCard payments failed for an hour.").replace(
        "800 shoppers saw errors.", "800 shoppers saw errors; dpo@client-corp.fr asked. "
                                    "<!-- postmortem: allow PM603 their public DPO -->"))
    assert build_public(runner, public_kb).exit_code == 0


def test_nothing_internal_reaches_the_public_site(runner, public_kb: Path) -> None:
    """Unique markers in every internal field, section, comment, action, person, team, ticket and
    tag of every post-mortem, public or not: none may be in any file of `site-public/`."""
    config = public_kb / "postmortem.yml"
    config.write_text(config.read_text().replace("people: [alice, bob, carol]", "people: [alice, bob, carol, mkperson]")
                      .replace("  checkout: [carol]", "  checkout: [carol]\n  mkteam: [mkperson]"))
    for number, path in enumerate(sorted((public_kb / "postmortems").rglob("*.md"))):
        text = path.read_text()
        public = "visibility: public" in text
        text = text.replace("title: ", f"title: mktitle{number} ", 1).replace("tags: [deploy]", f"tags: [mktag{number}]")
        text = text.replace("incident_commander: alice", "incident_commander: mkperson")
        text = text.replace("technical_owner: bob", "technical_owner: mkperson")
        text = text.replace("    owner: bob\n", f"    owner: mkteam\n    ticket: CHK-{9000 + number}\n")
        text = text.replace("  - title: Canary deploys for checkout\n", f"  - title: mkinternalaction{number}\n"
                            "    owner: mkperson\n    due: 2026-12-01\n    internal: true\n"
                            "  - title: Canary deploys for checkout\n")
        if not public:
            text = text.replace("Canary deploys for checkout", f"mkaction{number}")
        for section in ("Summary", "Timeline", "Impact", "Root cause", "Detection", "What went well", "Lessons learned"):
            text = text.replace(f"## {section}\n\n", f"## {section}\n\nmksection{number} <!-- mkcomment{number} -->\n\n")
        if not public:
            text = text.replace("## Summary", f"## Customer summary\n\nmkcustomer{number}\n\n## Summary")
        assert len(re.findall(r"mk[a-z]+\d", text)) >= (13 if public else 15), text  # every marker went in
        path.write_text(text)
    result = build_public(runner, public_kb)
    assert result.exit_code == 0, result.output
    leaks = {}
    for file in (public_kb / "site-public").rglob("*"):
        if file.is_file():
            found = set(re.findall(r"mk\w+|CHK-\d+|payments-api|checkout-web|alice|bob|carol", file.read_text()))
            if found:
                leaks[file.name] = found
    assert leaks == {}
    # The public incident's page is there, with its public text.
    assert "Card payments failed for an hour." in (public_kb / "site-public/incidents/2026-10-31/index.html").read_text()


def test_the_public_build_needs_no_public_section_to_say_there_is_nothing(runner, tmp_path: Path, base_text) -> None:
    root = lay_out(tmp_path / "kb")
    write(root, "2026-03-02-checkout-deploy-errors.md", base_text)
    result = runner.invoke(cli, ["--root", str(root), "build", "--public", "--today", "2026-03-10"])
    assert (result.exit_code, result.output) == (0, "Built the public site into site-public/: 0 services, 0 public "
                                                    "incidents\n")
    assert "No incident to report." in (root / "site-public/index.html").read_text()


@pytest.fixture(scope="module")
def public_site(tmp_path_factory) -> str:
    """The sample's public page (this repository's `public:` section), served on 127.0.0.1."""
    root = copy_knowledge_base(tmp_path_factory.mktemp("public"))
    result = CliRunner().invoke(cli, ["--root", str(root), "build", "--public", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    server, url = serve(root / "site-public")
    yield url
    server.shutdown()


PUBLIC_PAGES = {"home": "", "incident": "incidents/2026-03-13/"}


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PUBLIC_PAGES)
def test_the_public_pages_pass_axe_and_call_nothing_outside(browser, public_site: str, kind: str, scheme: str,
                                                            width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    requests, dialogs, received = [], [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("response", lambda response: received.append(len(response.body())))
    page.goto(public_site + PUBLIC_PAGES[kind])
    page.wait_for_load_state("load")
    assert page.locator("h1").count() == 1
    violations = axe_violations(page)
    assert violations == [], f"{kind}, {scheme}, {width} px:\n{describe(violations)}"
    assert [url for url in requests if not url.startswith(public_site)] == [] and dialogs == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways
    if kind == "home":
        assert 20_000 < sum(received) < 100_000  # the whole first page: one HTML file, nothing else
    context.close()


def test_the_company_s_title_logo_colour_and_language(runner, public_kb: Path) -> None:
    config = public_kb / "postmortem.yml"
    config.write_text("language: fr\n" + config.read_text() + "  title: Acme, état des services\n"
                      "  colour: \"#1b5e20\"\n  logo: brand/logo.svg\n")
    (public_kb / "brand").mkdir()
    (public_kb / "brand/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert build_public(runner, public_kb).exit_code == 0
    index = (public_kb / "site-public/index.html").read_text()
    assert '<html lang="fr">' in index and "<title>Acme, état des services</title>" in index
    assert "header { background: #1b5e20;" in index and '<img src="logo.svg" alt="">' in index
    assert "Historique des incidents" in index and "Payments : panne" in index
    assert (public_kb / "site-public/logo.svg").read_bytes() == (public_kb / "brand/logo.svg").read_bytes()
    (public_kb / "brand/logo.svg").unlink()
    missing = build_public(runner, public_kb)
    assert (missing.exit_code, missing.output) == (2, "Error: public.logo: cannot read brand/logo.svg: No such file or "
                                                      "directory\n")
