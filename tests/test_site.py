"""The site build: real MkDocs and Pagefind runs on temporary copies of a knowledge base."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from generator.checker import load
from generator.cli import cli
from generator.figures.units import duration
from generator.kb.layout import open_knowledge_base
from generator.site import Site
from generator.site.build import build_site, generate
from generator.site.engine import LiveMkDocs, prepare_mkdocs, run_mkdocs
from generator.site.markup import href, page_url
from generator.site.siteconfig import site_config_file
from generator.site.tree import finish_page, finish_pages, write_tree

from .conftest import TODAY, copy_knowledge_base, git, write, write_corpus


def tree_digest(folder: Path) -> dict[str, str]:
    """Each file of `folder`, Pagefind's included, with the digest of its content."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


LATE = "2026-03-13-payment-api-outage"


def commit_one_by_one(root: Path) -> None:
    """A history for the knowledge base at `root`: the config first, then each post-mortem in a commit
    of its own, 30 hours after its resolution (100 hours for LATE, a SEV1 whose target is 72 hours),
    by Alice, then Bob, in turn."""
    git(root, "init", "--quiet", "--initial-branch", "main")
    git(root, "add", "postmortem.yml")
    git(root, "commit", "--quiet", "--message", "Knowledge base", when="2025-01-01T09:00:00+00:00")
    for number, path in enumerate(sorted((root / "postmortems").rglob("*.md"))):
        resolved = re.search(r"^resolved_at: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        if resolved is None:
            continue
        when = dt.datetime.fromisoformat(resolved[1]) + dt.timedelta(hours=100 if path.stem == LATE else 30)
        git(root, "add", str(path))
        git(root, "commit", "--quiet", "--message", f"Post-mortem {path.stem}", when=when.isoformat(),
            author=("Alice Martin", "Bob Stone")[number % 2])
    git(root, "add", ".")
    git(root, "commit", "--quiet", "--message", "Templates", when="2026-11-20T09:00:00+00:00")


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    root = copy_knowledge_base(tmp_path_factory.mktemp("sample"))
    commit_one_by_one(root)
    build_site(open_knowledge_base(root), TODAY)
    return root


@pytest.mark.parametrize("page", [
    "index.html", "search/index.html", "postmortems/index.html", "postmortems/2025/index.html",
    "postmortems/2026/2026-03-13-payment-api-outage/index.html",
    "postmortems/2025/2025-11-21-notifications-retard-black-friday/index.html",
    "services/index.html", "services/payments-api/index.html", "teams/index.html", "teams/payments/index.html",
    "severities/sev1/index.html",
    "causes/capacity/index.html", "tags/connection-pool/index.html", "trends/index.html", "actions/index.html",
    "actions/alice/index.html", "actions/payments/index.html", "report/index.html", "reference/metrics/index.html",
    "reference/index.html", "reference/format/index.html", "reference/rules/index.html", "reference/cli/index.html",
    "reference/schema/postmortem.schema.json", "pagefind/pagefind.js", "sitemap.xml",
])
def test_every_page_is_built(sample_site: Path, page: str) -> None:
    assert (sample_site / "site" / page).is_file()


def read(root: Path, page: str) -> str:
    return (root / "site" / page).read_text(encoding="utf-8")


def test_postmortem_page_has_its_card_actions_and_related_links(sample_site: Path) -> None:
    page = read(sample_site, "postmortems/2026/2026-03-13-payment-api-outage/index.html")
    assert '<span class="pm-badge pm-sev-0">SEV1</span>' in page
    assert "<dt>Time to detect</dt><dd>0 min</dd>" in page and "<dt>Time to resolve</dt><dd>47 min</dd>" in page
    assert "<dt>Time to mitigate</dt><dd>32 min</dd>" in page
    assert "Revenue lost: 18,000 EUR" in page
    assert "Separate critical and non-critical workloads" in page and '<span class="pm-overdue">overdue</span>' in page
    # The ticket, linked by the config's first tracker.
    assert '<td><a href="https://tarteline.atlassian.net/browse/PAY-421">PAY-421</a></td>' in page
    assert "Listed by the authors" in page and "2026-02-20-payments-db-latency" in page
    assert '<h2 id="root-cause">Root cause' in page  # the body as written


def test_every_postmortem_page_shows_its_history(sample_site: Path) -> None:
    pages = sorted((sample_site / "site/postmortems").glob("20*/20*/index.html"))
    assert len(pages) == 13
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "<dt>History</dt><dd>first committed 20" in text and "1 revision</dd>" in text, page
        assert re.search("<dt>Written by</dt><dd>(Alice Martin|Bob Stone)</dd>", text), page


def test_time_to_postmortem_on_pages_home_and_trends(sample_site: Path) -> None:
    late = read(sample_site, f"postmortems/2026/{LATE}/index.html")
    assert ("<dt>Time to post-mortem</dt><dd>published 4 d 4 h after the resolution (target: 72 h) "
            '<span class="pm-overdue">late</span></dd>') in late
    on_time = read(sample_site, "postmortems/2026/2026-02-20-payments-db-latency/index.html")
    assert ("<dt>Time to post-mortem</dt><dd>published 1 d 6 h after the resolution (target: 120 h) "
            '<span class="pm-ok">on time</span></dd>') in on_time
    # the last 90 days hold 2026-10-02 and 2026-11-18, both on time; the 90 before, three, all on time
    assert re.search(r"<span>Time to post-mortem</span><strong>100%</strong><small>published on time · "
                     r"before: 100%</small>", read(sample_site, "index.html"))
    trends = read(sample_site, "trends/index.html")
    on_time_table = trends[trends.index("Post-mortems published within their severity"):]
    assert "<td>2026-02</td><td>100%</td>" in on_time_table and "<td>2026-03</td><td>0%</td>" in on_time_table
    assert 'aria-labelledby="chart-on-time-title"' in on_time_table


def test_outside_git_the_build_says_once_that_there_is_no_history(runner, tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path)
    result = runner.invoke(cli, ["--root", str(root), "build", "--today", "2026-11-26"])
    assert result.exit_code == 0
    assert result.stderr.count("is not in a git repository: the pages show no history") == 1
    page = read(root, f"postmortems/2026/{LATE}/index.html")
    assert "<dt>History</dt>" not in page and "Time to post-mortem" not in page


def test_detected_related_incidents(sample_site: Path) -> None:
    page = read(sample_site, "postmortems/2026/2026-07-09-search-outage-bad-config-push/index.html")
    assert "Same service and root cause within 30 days" in page
    assert "2026-07-28-search-latency-config-timeout" in page


def test_draft_banner(tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path, postmortems=False)
    from generator.authoring.scaffold import new_postmortem

    path = new_postmortem(open_knowledge_base(root), "Half written", "SEV2", ["checkout-web"], started_at="2026-11-20T10:00+01:00")
    build_site(open_knowledge_base(root), TODAY)
    page = read(root, f"postmortems/2026/{path.stem}/index.html")
    assert "Draft: this post-mortem is still being written" in page


def test_home_figures(sample_site: Path) -> None:
    home = read(sample_site, "index.html")
    assert "Last 90 days, 2026-08-29 to 2026-11-26, against the 90 days before." in home
    # 2026-10-02 (SEV3) and 2026-11-18 (SEV2) fall in the last 90 days; 2026-07-09, 07-28 and 08-21 before.
    assert ('<span>Incidents</span><strong>2</strong><small>SEV1: 0, SEV2: 1, SEV3: 1 · before: 3</small>') in home
    assert "Availability in November 2026" in home


def test_team_page_figures(sample_site: Path) -> None:
    page = read(sample_site, "teams/payments/index.html")
    assert 'Members: <a href="../../actions/alice/">alice</a>, <a href="../../actions/bob/">bob</a>' in page
    # Team payments owns payments-api alone; its incidents are the five that affected it:
    # 2026-01-14, 02-20, 03-13 (with checkout-web), 08-21 (with auth-service) and 10-02 (with checkout-web).
    incidents = page[page.index('id="incidents"'):]
    assert re.findall(r'href="../../postmortems/\d{4}/(\d{4}-\d\d-\d\d)-', incidents) == [
        "2026-10-02", "2026-08-21", "2026-03-13", "2026-02-20", "2026-01-14"]
    # Detected after 45, 13, 0, 3, 3 minutes: sorted 0 3 3 13 45, median 3, p90 of rank ceil(4.5) = 5,
    # 45; mean 64 / 5 = 12.8. Mitigated after 71, 26, 32, 29, 52: median 32, p90 71, mean 210 / 5 = 42.
    # Resolved after 1,360 (22 h 40), 35, 47, 45, 61: median 47, p90 1,360, mean 1,548 / 5 = 309.6.
    assert "<tr><td>Time to detect</td><td>3 min</td><td>45 min</td><td>13 min</td><td>5</td></tr>" in page
    assert "<tr><td>Time to mitigate</td><td>32 min</td><td>1 h 11</td><td>42 min</td><td>5</td></tr>" in page
    assert "<tr><td>Time to resolve</td><td>47 min</td><td>22 h 40</td><td>5 h 10</td><td>5</td></tr>" in page
    # This month (November, 30 days): no downtime, the whole budget of (1 - 0.9995) x 43,200 = 21.6 min.
    link = '<a href="../../services/payments-api/">Payments API</a>'
    assert (f'<tr><td>{link}</td><td>99.95%</td><td><span class="pm-ok">100.000%</span></td>'
            "<td>21.6 min (100%)</td></tr>") in page
    # Six months, newest first. October: 11 minutes counted of 44,700 (31 days and the hour the clocks
    # went back): 100 x (1 - 11 / 44,700) = 99.975%; budget 0.0005 x 44,700 = 22.35 min, 11 / 22.35 = 49%
    # burned. August: 5 of 44,640: 99.989%; 5 / 22.32 = 22%.
    months = re.findall(r"<tr><td>(2026-\d\d)</td><td>" + re.escape(link) + r"</td><td>([^<]*)</td>"
                        r'<td><span class="pm-ok">([^<]*)</span></td><td>99.95%</td><td>([^<]*)</td></tr>', page)
    assert months == [("2026-11", "0 min", "100.000%", "0%"), ("2026-10", "11 min", "99.975%", "49%"),
                      ("2026-09", "0 min", "100.000%", "0%"), ("2026-08", "5 min", "99.989%", "22%"),
                      ("2026-07", "0 min", "100.000%", "0%"), ("2026-06", "0 min", "100.000%", "0%")]
    # The open actions of alice, bob and the team itself, as `postmortem actions --team payments --open`
    # lists them: four past their due date (03-06, 04-12, 06-11, 11-13), one due 2026-12-18.
    assert '<h3 id="overdue-4">Overdue (4)' in page and '<h3 id="open-1">Open (1)' in page
    actions = page[page.index('id="overdue-4"'):page.index('id="incidents"')]
    assert re.findall(r'href="../../actions/[a-z]+/">([a-z]+)</a>', actions) == ["alice", "bob", "alice", "payments",
                                                                                 "alice"]


def test_teams_are_linked_from_the_navigation_services_and_postmortems(sample_site: Path) -> None:
    index = read(sample_site, "teams/index.html")
    # Team, services, members, post-mortems, open actions (overdue included), overdue.
    assert ('<tr id="team-payments"><td><a href="../teams/payments/">payments</a></td><td><a '
            'href="../services/payments-api/">Payments API</a></td><td>alice, bob</td><td>5</td><td>5</td><td>4</td></tr>'
            ) in index
    # Support has no service, no incident and no open action: a row, and no page of its own.
    assert ('<tr id="team-support"><td><a href="../teams/#team-support">support</a></td><td>—</td><td>lea</td><td>0</td>'
            '<td>0</td><td>0</td></tr>') in index
    assert not (sample_site / "site/teams/support").exists()
    home = read(sample_site, "index.html")
    assert re.search(r'<a href="teams/" class="md-tabs__link">\s*Teams\s*</a>', home)
    outage = read(sample_site, "postmortems/2026/2026-03-13-payment-api-outage/index.html")
    assert ('<dt>Teams</dt><dd><a href="../../../teams/payments/">payments</a>, '
            '<a href="../../../teams/checkout/">checkout</a></dd>') in outage
    assert '<p>Team: <a href="../../teams/payments/">payments</a> · SLO: 99.95%</p>' in read(
        sample_site, "services/payments-api/index.html")
    assert '<td><a href="../teams/discovery/">discovery</a></td>' in read(sample_site, "services/index.html")


def test_actions_page_groups_and_filters(sample_site: Path) -> None:
    page = read(sample_site, "actions/index.html")
    assert '<h2 id="overdue-8">Overdue (8)<a class="headerlink"' in page
    assert 'data-owner="alice" data-teams="payments"' in page
    assert '<select data-filter="owner">' in page and '<select data-filter="teams">' in page


def test_navigation_lists_index_pages_not_postmortems(sample_site: Path) -> None:
    page = read(sample_site, "postmortems/2025/2025-04-08-search-stale-results-after-reindex/index.html")
    navigation = page[page.index('<nav class="md-tabs"'):page.index('<div class="md-content"')]
    assert navigation.count("<a ") < 40
    assert "2025-04-08-search-stale-results-after-reindex" not in navigation


def test_pages_load_nothing_from_elsewhere(sample_site: Path) -> None:
    """No web fonts, CDN scripts or stylesheets: what a page loads is local (the browser test checks
    the requests themselves)."""
    import re

    for page in ("index.html", "search/index.html", "trends/index.html", "postmortems/2026/2026-03-13-payment-api-outage/index.html"):
        html = read(sample_site, page)
        loaded = re.findall(r'<(?:script|img)[^>]* src="([^"]+)"', html) + re.findall(r'<link[^>]* href="([^"]+)"', html)
        assert loaded, page
        assert [url for url in loaded if url.startswith(("http:", "https:", "//")) and not url.startswith("http://127.0.0.1:8000/")] == []


def test_builds_are_reproducible(tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path)
    build_site(open_knowledge_base(root), TODAY)
    first = tree_digest(root / "site")
    shutil.rmtree(root / "build/docs")
    build_site(open_knowledge_base(root), TODAY)
    assert tree_digest(root / "site") == first
    assert "sitemap.xml.gz" in first and any(name.startswith("pagefind/index/") for name in first)
    assert sum(name.startswith("pagefind/filter/") for name in first) == 6  # severity, status, service, cause, year, tag


@pytest.mark.slow
def test_two_builds_of_a_thousand_postmortems_are_identical(tmp_path: Path) -> None:
    """Built in two folders from nothing: every file the same, Pagefind's filter indexes included,
    whose order Pagefind varies from run to run."""
    trees = []
    for name in ("first", "second"):
        write_corpus(tmp_path / name, 1000)
        build_site(open_knowledge_base(tmp_path / name), TODAY)
        trees.append(tree_digest(tmp_path / name / "site"))
    assert trees[0] == trees[1]
    assert len(trees[0]) > 2000


def test_failed_build_keeps_the_previous_site(runner, tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path)
    build_site(open_knowledge_base(root), TODAY)
    before = tree_digest(root / "site")
    sources = tree_digest(root / "postmortems")
    broken = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    broken.write_text(broken.read_text().replace("status: published", "status: finished"))
    result = runner.invoke(cli, ["--root", str(root), "build", "--today", "2026-11-26"])
    assert result.exit_code == 1
    assert "2026-03-13-payment-api-outage.md:3:1: PM102" in result.stderr
    assert result.stderr.endswith("Error: build stopped: 1 error to fix first\n")
    assert tree_digest(root / "site") == before
    # A theme override that fails on every page: the engine fails part-way.
    (root / "overrides").mkdir()
    (root / "overrides/main.html").write_text('{% extends "base.html" %}{% block content %}{{ no_such() }}{% endblock %}')
    (root / "mkdocs.yml").write_text("INHERIT: build/mkdocs.yml\ntheme: {name: material, custom_dir: overrides}\n")
    broken.write_text(broken.read_text().replace("status: finished", "status: published"))
    failed = runner.invoke(cli, ["--root", str(root), "build", "--today", "2026-11-26"])
    assert failed.exit_code == 1 and "the site engine failed" in failed.stderr, failed.stderr
    assert tree_digest(root / "site") == before
    assert not [p for p in (root / "build").iterdir() if p.name.startswith((".site", ".search"))]
    del sources["2026/2026-03-13-payment-api-outage.md"]
    assert {k: v for k, v in tree_digest(root / "postmortems").items() if k in sources} == sources


def test_hostile_strings_are_text_everywhere(tmp_path: Path, base_text: str) -> None:
    root = copy_knowledge_base(tmp_path, postmortems=False)
    (root / "postmortem.yml").write_text((root / "postmortem.yml").read_text().replace(
        "people: [alice, bob, carol, dave, erin, farid, grace, hugo, ines, jules, karim, lea]", "people: []").replace(
        "    name: Checkout (web)", '    name: "<b onmouseover=alert(2)>Checkout</b>"'))
    hostile = "<img src=x onerror=alert(1)>"
    text = (base_text.replace("title: Checkout errors for 20 minutes after a deploy", f'title: "{hostile}"')
            .replace("    owner: bob", '    owner: "<script>alert(3)</script>"')
            .replace("  incident_commander: alice", '  incident_commander: "<i>x</i>"')
            .replace("    closed_on: 2026-03-08", '    closed_on: 2026-03-08\n    ticket: "javascript:alert(4)"'))
    write(root, "2026-03-02-hostile.md", text)
    build_site(open_knowledge_base(root), TODAY)
    pages = [p for p in (root / "site").rglob("*.html")]
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for raw in (hostile, "<script>alert(3)", "<b onmouseover", "<i>x</i>", 'href="javascript:'):
            assert raw not in html, f"{raw} unescaped in {page}"
    postmortem = read(root, "postmortems/2026/2026-03-02-hostile/index.html")
    assert "&lt;img src=x onerror=alert(1)&gt;" in postmortem
    assert "<title>&lt;img src=x onerror=alert(1)&gt; - Tarteline post-mortems</title>" in postmortem


def test_generated_pages_stay_out_of_postmortems(sample_site: Path) -> None:
    assert sorted(p.suffix for p in (sample_site / "postmortems").rglob("*") if p.is_file()) == [".j2", ".j2"] + [".md"] * 13
    assert (sample_site / "build/docs" / "index.md").exists()


def test_write_tree_touches_only_changes_and_removes_stale_files(tmp_path: Path) -> None:
    docs, fragments = tmp_path / "docs", tmp_path / "fragments"
    pages = [("a.md", "one <!-- pm-fragment 0 -->", ["<p>1</p>"]), ("b/c.md", "two", [])]
    assert write_tree(iter(pages), docs, fragments) == {"a.md", "b/c.md"}
    assert write_tree(iter(pages), docs, fragments) == set()
    # a rewritten, its fragments gone, b/c gone
    assert write_tree(iter([("a.md", "changed", [])]), docs, fragments) == {"a.md", "b/c.md"}
    assert write_tree(iter([("a.md", "changed", ["<p>2</p>"])]), docs, fragments) == {"a.md"}  # its fragments changed
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "docs/a.md", "fragments/a.md.json"]


def test_fragments_are_put_in_place_and_the_authors_part_is_sanitised() -> None:
    built = ("<script>theme()</script><h2>A</h2>\n<!-- pm-fragment 1 -->\n<!-- pm-body -->\n"
             "<p>b<img src=x onerror=alert(1)></p><!-- pm-fragment 0 --><script>alert(2)</script>\n"
             "<!-- /pm-body --><script>theme()</script>")
    assert finish_page(built, ["<table>1</table>", '<dl data-x="1">2</dl>']) == (
        '<script>theme()</script><h2>A</h2>\n<dl data-x="1">2</dl>\n<!-- pm-body -->'
        '\n<p>b<img src="x"></p><table>1</table>\n<!-- /pm-body --><script>theme()</script>')
    assert finish_page("<p>no markers <!-- pm-fragment 0 --></p>", ["<i>x</i>"]) == "<p>no markers <i>x</i></p>"


def test_pages_rendered_by_several_processes_are_mkdocs_own(tmp_path: Path) -> None:
    """MkDocs' pages, in one process, in three, and from a config and templates prepared before
    the docs tree was written (and a throw-away page rendered): the same bytes."""
    kb = open_knowledge_base(copy_knowledge_base(tmp_path / "kb"))
    early = tmp_path / "site-prepared"
    early.mkdir()
    kb.docs_dir.mkdir(parents=True)
    prepared = prepare_mkdocs(site_config_file(kb), kb.docs_dir, early)
    assert prepared is not None and not any(early.iterdir())
    generate(kb, TODAY)
    trees = []
    for jobs in (1, 3):
        site = tmp_path / f"site-{jobs}"
        run_mkdocs(site_config_file(kb), kb.docs_dir, site, TODAY, jobs)
        trees.append(tree_digest(site))
    run_mkdocs(site_config_file(kb), kb.docs_dir, early, TODAY, 2, prepared=prepared)
    assert len(trees[0]) > 90
    assert trees[0] == trees[1] == tree_digest(early)


def test_a_config_mkdocs_cannot_load_is_not_prepared(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme:\n  name: no-such-theme\n")
    assert prepare_mkdocs(tmp_path / "mkdocs.yml", tmp_path / "docs", tmp_path / "site") is None


@pytest.mark.parametrize("jobs", [1, 2])
def test_pages_finished_as_mkdocs_writes_them_are_those_finished_after(tmp_path: Path, jobs: int) -> None:
    """The MkDocs speed-up (each page finished as it is written) against the engine-neutral step
    (every page finished once the engine is done, as after Zensical): the same bytes."""
    kb = open_knowledge_base(copy_knowledge_base(tmp_path / "kb"))
    generate(kb, TODAY)
    after, during = tmp_path / "after", tmp_path / "during"
    run_mkdocs(site_config_file(kb), kb.docs_dir, after, TODAY, jobs)
    finish_pages(after, kb.fragments_dir, jobs=jobs)
    run_mkdocs(site_config_file(kb), kb.docs_dir, during, TODAY, jobs, fragments_dir=kb.fragments_dir)
    assert tree_digest(after) == tree_digest(during)
    assert '<dl class="pm-header">' in (during / "postmortems/2026/2026-03-13-payment-api-outage/index.html").read_text()


def test_an_mkdocs_not_checked_builds_through_its_public_build(tmp_path: Path) -> None:
    """An MkDocs other than the one whose internals were checked (its version given here, as if it
    were installed): MkDocs' public build() and the finishing plugin build the sample, with one
    warning; the same bytes as the pages shared out by processes, hence the same visible text. The
    live preview then rebuilds the whole site (no MkDocs kept loaded)."""
    kb = open_knowledge_base(copy_knowledge_base(tmp_path / "kb"))
    generate(kb, TODAY)
    config, fast, public = site_config_file(kb), tmp_path / "fast", tmp_path / "public"
    assert run_mkdocs(config, kb.docs_dir, fast, TODAY, 2, fragments_dir=kb.fragments_dir) == []
    warnings = run_mkdocs(config, kb.docs_dir, public, TODAY, 2, fragments_dir=kb.fragments_dir, mkdocs_version="1.7.0")
    assert warnings == ["MkDocs 1.7.0 is not the version whose internals were checked (1.6.1): building through "
                        "MkDocs' public build(), in one process (slower, the same pages)"]
    assert len(tree_digest(public)) > 90
    assert tree_digest(public) == tree_digest(fast)
    assert '<dl class="pm-header">' in (public / f"postmortems/2026/{LATE}/index.html").read_text()
    assert LiveMkDocs.load(config, kb.docs_dir, public, mkdocs_version="1.7.0") is None
    assert LiveMkDocs.load(config, kb.docs_dir, public) is not None


@pytest.mark.parametrize("source, target, link", [
    ("index.md", "postmortems/2026/2026-03-13-x.md", "postmortems/2026/2026-03-13-x/"),
    ("services/api.md", "postmortems/2026/2026-03-13-x.md", "../../postmortems/2026/2026-03-13-x/"),
    ("postmortems/index.md", "postmortems/2026/index.md", "../postmortems/2026/"),
    ("postmortems/2026/2026-03-13-x.md", "index.md", "../../../"),
    ("trends/index.md", "trends/index.md", "../trends/"),
    ("index.md", "index.md", "./"),
    ("trends/index.md", "reference/schema/postmortem.schema.json", "../reference/schema/postmortem.schema.json"),
    ("report.md", "causes/capacity.md", "../causes/capacity/"),
])
def test_relative_links(source: str, target: str, link: str) -> None:
    assert href(source, target) == link


def test_page_urls_and_durations() -> None:
    assert [page_url(p) for p in ("index.md", "a/index.md", "a/b.md")] == ["", "a/", "a/b/"]
    assert [duration(m) for m in (None, 0, 47, 60, 125, 1440, 1500)] == ["—", "0 min", "47 min", "1 h 00", "2 h 05",
                                                                          "1 d 0 h", "1 d 1 h"]


@pytest.mark.parametrize("mkdocs_yml, message", [
    ("INHERIT: build/mkdocs.yml\nuse_directory_urls: false\n",
     "Error: mkdocs.yml sets use_directory_urls to false: the generated pages link to directory URLs, remove the "
     "setting\n"),
    ("site_name: x\ntheme: {name: no-such-theme}\n",
     "Error: mkdocs.yml cannot be used: Config value 'theme': Unrecognised theme name: 'no-such-theme'. The "
     "available installed themes are: mkdocs, readthedocs, material; fix it, or delete it to build with the built-in "
     "configuration\n"),
    ("INHERIT: nowhere/mkdocs.yml\n",
     "Error: mkdocs.yml cannot be used: Inherited config file 'nowhere/mkdocs.yml' does not exist at "
     "'{root}/nowhere/mkdocs.yml'.; fix it, or delete it to build with the built-in configuration\n"),
])
def test_an_unusable_mkdocs_yml_is_a_configuration_problem(runner, tmp_path: Path, mkdocs_yml: str,
                                                             message: str) -> None:
    root = copy_knowledge_base(tmp_path)
    (root / "mkdocs.yml").write_text(mkdocs_yml)
    result = runner.invoke(cli, ["--root", str(root), "build", "--today", "2026-11-26"])
    assert result.exit_code == 2
    assert result.stderr.endswith(message.format(root=root))
    assert not (root / "site").exists()


def test_a_relative_root_builds(runner, tmp_path: Path, monkeypatch) -> None:
    copy_knowledge_base(tmp_path / "kb", postmortems=False)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--root", "kb", "build", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kb/site/index.html").is_file()


def test_a_site_with_plugins_is_built_by_mkdocs_itself(tmp_path: Path) -> None:
    # A plugin may look across pages (Material's search does): then MkDocs' own build runs, in one process.
    root = copy_knowledge_base(tmp_path)
    # Extending the built-in configuration, as the README shows.
    (root / "mkdocs.yml").write_text("INHERIT: build/mkdocs.yml\nplugins: [search]\n")
    build_site(open_knowledge_base(root), TODAY, jobs=2)
    index = json.loads((root / "site/search/search_index.json").read_text())
    titles = {entry["location"]: entry["title"] for entry in index["docs"]}
    assert titles[f"postmortems/2026/{LATE}/"] == "Payment API unavailable for 47 minutes"
    assert "<dt>Time to resolve</dt><dd>47 min</dd>" in read(root, f"postmortems/2026/{LATE}/index.html")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_page_that_cannot_be_rendered_is_a_build_error(tmp_path: Path, jobs: int) -> None:
    from generator.errors import BuildError

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n")
    for number in range(4):
        (docs / f"page-{number}.md").write_text(f"---\ntemplate: no-such-{number}.html\n---\n# Page\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ntheme: {name: material}\nplugins: []\n")
    with pytest.raises(BuildError, match="the site engine failed: Error building page 'page-.\\.md': 'no-such-"):
        run_mkdocs(tmp_path / "mkdocs.yml", docs, tmp_path / "site", TODAY, jobs)


def test_a_mkdocs_yml_in_another_language_gets_a_warning(runner, tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path, postmortems=False)
    (root / "mkdocs.yml").write_text("INHERIT: build/mkdocs.yml\ntheme:\n  language: de\n")
    result = runner.invoke(cli, ["--root", str(root), "build", "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert ("warning: mkdocs.yml sets the theme's language to 'de' but postmortem.yml says 'en': the theme's own "
            "words (table of contents, skip to content) will not match the pages; remove theme.language or set it "
            "to 'en'\n") in result.stderr
    assert '<html lang="de"' in read(root, "index.html")
    assert yaml.safe_load((root / "build/mkdocs.yml").read_text())["site_name"] == "Tarteline post-mortems"


def build_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "--root", str(root), "build", "--today", TODAY.isoformat()]


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.85])
def test_a_build_killed_part_way_leaves_the_previous_site_whole(tmp_path: Path, fraction: float) -> None:
    """Killed at a fraction of the time a rebuild after an edit takes (timed on one such rebuild:
    a first, cold build takes longer, and a kill late in it would often come after the end):
    validating, generating, in MkDocs, swapping."""
    root = copy_knowledge_base(tmp_path)
    subprocess.run(build_command(root), check=True, capture_output=True)
    changed = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    changed.write_text(changed.read_text().replace("47 minutes", "48 minutes"))
    started = time.monotonic()
    subprocess.run(build_command(root), check=True, capture_output=True)
    whole = time.monotonic() - started
    before = tree_digest(root / "site")
    changed.write_text(changed.read_text().replace("48 minutes", "49 minutes"))
    build = subprocess.Popen(build_command(root), start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    time.sleep(whole * fraction)
    os.killpg(build.pid, signal.SIGKILL)  # the build and every process it started
    if build.wait() == 0:
        pytest.skip("the build finished before it could be killed")
    left = tree_digest(root / "site")
    build_site(open_knowledge_base(root), TODAY)  # the next build clears what the killed one left, and replaces the site
    # The previous site whole, or (killed after the swap, before it exited) the new one whole: never a mix.
    assert left in (before, tree_digest(root / "site"))
    assert left == before or fraction > 0.5
    assert [p.name for p in [*root.iterdir(), *(root / "build").iterdir()] if p.name.startswith(".site")] == []
    assert tree_digest(root / "site") != before


@pytest.mark.slow
def test_two_builds_started_together_do_not_corrupt_each_other(tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path / "kb")
    reference = copy_knowledge_base(tmp_path / "reference")
    build_site(open_knowledge_base(reference), TODAY)
    builds = [subprocess.Popen(build_command(root), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
              for _ in range(2)]
    outputs = [build.communicate()[0] for build in builds]
    assert [build.returncode for build in builds] == [0, 0], outputs
    assert tree_digest(root / "site") == tree_digest(reference / "site")


def test_postmortems_grouped_by_a_field_once_each_newest_first(tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path)
    outage = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    outage.write_text(outage.read_text().replace("tags: [database, connection-pool,", "tags: [database, database, connection-pool,"))
    kb = open_knowledge_base(root)
    load(kb)
    site = Site(kb.postmortems, kb.config, TODAY)
    assert [pm.id for pm in site.grouped("tags")["database"]] == ["2026-03-13-payment-api-outage", "2026-02-20-payments-db-latency"]
    # Counted in the sample's front matter: `grep -h '^services:' postmortems/20*/*.md`, and so on.
    assert {service: len(pms) for service, pms in site.grouped("services").items()} == {
        "auth-service": 3, "checkout-web": 3, "notifications-worker": 2, "payments-api": 5, "search-api": 4}
    assert {severity: len(pms) for severity, pms in site.grouped("severity").items()} == {"SEV1": 3, "SEV2": 6, "SEV3": 4}
    for group in site.grouped("services").values():
        assert [pm.id for pm in group] == sorted((pm.id for pm in group), reverse=True)


def test_root_cause_pages_count_contributing_factors(sample_site: Path) -> None:
    # The payment outage of 2026-03-13: root cause capacity, contributing factors change and process.
    index = read(sample_site, "causes/index.html")
    assert re.search(r'<a href="../causes/change/">change</a></td><td>2</td><td>1</td>', index)
    assert re.search(r'<a href="../causes/capacity/">capacity</a></td><td>4</td><td>0</td>', index)
    change = read(sample_site, "causes/change/index.html")
    contributed = change[change.index("Contributing factor in"):]
    assert "2026-03-13-payment-api-outage" in contributed
    assert "2026-03-13-payment-api-outage" not in change[:change.index("Contributing factor in")]
    assert "Contributing factor in" not in read(sample_site, "causes/capacity/index.html")
    trends = read(sample_site, "trends/index.html")
    assert '<h2 id="trend-factors">Contributing factors by month</h2>' in trends


def test_similar_postmortems_by_their_words_with_the_reason(sample_site: Path) -> None:
    page = read(sample_site, "postmortems/2026/2026-08-21-auth-token-validation-failures/index.html")
    similar = page[page.index("Similar by their words"):page.index("</ul>", page.index("Similar by their words"))]
    assert "2026-05-05-password-reset-emails-not-sent" in similar
    assert "— shared words: key, rotation, api · same service: Authentication</span>" in similar
    # Listed once: a post-mortem the authors relate, or found within 30 days, is not listed again.
    payment = read(sample_site, "postmortems/2026/2026-03-13-payment-api-outage/index.html")
    assert payment.count("2026-02-20-payments-db-latency/") == 1


def test_incidents_that_came_back_after_their_actions_were_closed(sample_site: Path) -> None:
    # The Black Friday slowdown (checkout-web, capacity) closed its last action on 2026-01-20; the
    # payment outage of 2026-03-13 (checkout-web among its services, capacity) came 52 days later.
    earlier = read(sample_site, "postmortems/2025/2025-11-28-checkout-black-friday-slowdown/index.html")
    assert re.search(r'<p class="pm-came-back">Came back 52 days after its actions were closed: <a href="[./]*'
                     r'postmortems/2026/2026-03-13-payment-api-outage/">', earlier)
    later = read(sample_site, "postmortems/2026/2026-03-13-payment-api-outage/index.html")
    assert "Came back 52 days after every action of this earlier post-mortem was closed: " in later
    trends = read(sample_site, "trends/index.html")
    assert "Of the 5 post-mortems whose actions are all closed, 1 came back afterwards (20%)" in trends
    assert "a median 52 days later." in trends


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_feed_lists_the_published_postmortems_newest_first(tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path)
    commit_one_by_one(root)
    config = root / "postmortem.yml"
    config.write_text(config.read_text() + "site_url: https://incidents.example.com/\n")
    build_site(open_knowledge_base(root), TODAY)
    feed = ElementTree.parse(root / "site/feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}title").text == "Tarteline post-mortems"
    entries = feed.findall(f"{ATOM}entry")
    published = [entry.find(f"{ATOM}published").text for entry in entries]
    # Twelve published of thirteen (one is in review), each published 30 hours after its resolution
    # (LATE: 100 hours) in commit_one_by_one: newest first.
    assert len(entries) == 12 and published == sorted(published, reverse=True)
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert not any("2026-11-18-search-autocomplete-degraded" in link for link in links)   # in review
    assert all(link.startswith("https://incidents.example.com/postmortems/") for link in links)
    latest = entries[0]
    assert links[0].endswith("/2026-10-02-checkout-3ds-provider-outage/") and latest.find(f"{ATOM}id").text == links[0]
    assert [c.get("term") for c in latest.findall(f"{ATOM}category")] == ["SEV2", "checkout-web", "payments-api", "dependency"]
    assert latest.find(f"{ATOM}content").text.startswith("- On 2 October, 22% of card payments failed")
    home = read(root, "index.html")
    assert '<a href="feed.xml" type="application/atom+xml">' in home



def test_trends_charts_count_in_whole_numbers_and_say_what_they_show(sample_site: Path) -> None:
    trends = read(sample_site, "trends/index.html")
    for name in ("incidents", "causes", "factors"):
        svg = re.search(rf'<svg [^>]*aria-labelledby="chart-{name}-title".*?</svg>', trends, re.DOTALL)[0]
        ticks = re.findall(r'<text class="pm-tick"[^>]*>([^<]*)</text>', svg)
        assert ticks == [str(n) for n in range(len(ticks))], (name, ticks)  # 0, 1, 2: one incident a step
    # Hand count, months to 2026-11: September to November hold 2026-10-02 (SEV2) and 2026-11-18 (SEV3);
    # June to August, 2026-07-09 (SEV2), 2026-07-28 (SEV3) and 2026-08-21 (SEV2).
    assert ('<p class="pm-chart-summary">Last three months: 2 (SEV2 1, SEV3 1), 1 fewer than the three months '
            'before.</p>') in trends
    assert "<title>2026-11: SEV3 1</title>" in trends  # the bar
    assert "<title>2026-07: SEV1 0 · SEV2 1 · SEV3 1</title>" in trends  # the month's column
    # The tables are folded under their charts.
    # incidents, times, recurrence, causes, factors, budget, and on time (the sample has its git history)
    assert trends.count("<details><summary>Figures by month</summary><table>") == 7


def test_a_postmortem_page_shows_each_actions_verification(sample_site: Path) -> None:
    page = read(sample_site, "postmortems/2026/2026-03-13-payment-api-outage/index.html")
    assert ("<td>done<br><small>verified 2026-04-10 by bob: pool saturated on purpose in staging: the alert fired in 2 "
            "minutes</small></td>") in page
    # The runbook is done; its verification date passed on 2026-04-17 without `verified`: to verify.
    assert ('<td>done<br><small>verify by 2026-04-17</small> <span class="pm-to-verify">to verify</span></td>'
            in page)
    # The workload separation is still in progress: its date is said, not flagged.
    assert "<td>in-progress<br><small>verify by 2026-05-10</small></td>" in page
