"""End to end in a real browser: the sample knowledge base built, served on 127.0.0.1, and driven
in Debian's Chromium through Playwright. Screenshots go to tests/artifacts/ (ignored by git)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.kb.layout import open_knowledge_base
from generator.site.build import build_site

from .conftest import BASE_POSTMORTEM, HOSTILE, REPOSITORY, TODAY, copy_knowledge_base, serve, write

ARTIFACTS = REPOSITORY / "tests/artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, served):
    """A page that records every request it makes and fails on any JavaScript dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []
    page.dialogs = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    assert page.dialogs == [], "a post-mortem string ran as script"
    outside = [url for url in page.requests if not url.startswith(served) and not url.startswith("data:")]
    assert outside == [], "requests left 127.0.0.1"
    context.close()


def heading(page) -> str:
    """The page's title as shown, without the permalink sign."""
    return page.locator("h1").first.inner_text().rstrip("¶")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def results(page, container: str, query: str) -> list[str]:
    """The titles of the results shown in `container` once they are those of `query`."""
    page.locator(f'{container}[data-query="{query}"] .pm-result-link').first.wait_for(timeout=10_000)
    return page.locator(f"{container} .pm-result-link").all_inner_texts()


def narrow(page, container: str, query: str, **wanted: str) -> list[str]:
    """Choose each filter's value in `container`, each time waiting for the results it gives."""
    state = {"q": query}
    for key, value in wanted.items():
        page.locator(f'{container} select[data-search-filter="{key}"]').select_option(value)
        state[key] = value
        shown = "?" + "&".join(f"{name}={chosen}" for name, chosen in state.items())
        page.locator(f'{container}[data-state="{shown}"]').wait_for(timeout=10_000)
    return results(page, container, query)


@pytest.mark.parametrize("start", ["", "postmortems/2026/2026-01-14-duplicate-charges-retry-storm/"])
def test_header_search_narrows_by_service_and_severity_and_links_the_same_results(page, served, start) -> None:
    page.goto(served + start)
    page.locator(".pm-header-search__input").wait_for()
    page.keyboard.press("/" if start else "s")  # Material's keys put the cursor in the box
    page.keyboard.type("pool")
    panel = ".pm-header-search__panel"
    assert results(page, panel, "pool") == ["Payment API unavailable for 47 minutes",
                                            "Payment latency doubled for 35 minutes at the evening peak"]
    facts = page.locator(f"{panel} .pm-result-facts").first.inner_text()
    assert facts == "SEV1 2026-03-13 · Payments API, Checkout (web) · 47 min"
    service = page.locator(f'{panel} select[data-search-filter="service"]')
    assert service.locator("option").all_inner_texts() == ["Service: all", "Payments API (2)", "Checkout (web) (1)"]
    narrowed = narrow(page, panel, "pool", service="payments-api", severity="SEV2")
    assert narrowed == ["Payment latency doubled for 35 minutes at the evening peak"]
    screenshot(page, "header-search")

    link = page.locator(".pm-search-all")
    assert link.get_attribute("href") == "/search/?q=pool&service=payments-api&severity=SEV2"
    link.click()
    page.wait_for_url("**/search/?q=pool&service=payments-api&severity=SEV2")
    assert results(page, "#pm-search", "pool") == narrowed
    assert page.locator('#pm-search select[data-search-filter="severity"]').input_value() == "SEV2"
    screenshot(page, "search")
    page.locator("#pm-search .pm-result-link").first.click()
    page.wait_for_url("**/2026-02-20-payments-db-latency/")
    assert heading(page) == "Payment latency doubled for 35 minutes at the evening peak"


def test_search_page_keeps_its_query_and_filters_in_the_url(page, served) -> None:
    page.goto(served + "search/")
    page.locator("#pm-search input").fill("idempotency")
    assert results(page, "#pm-search", "idempotency") == ["1,240 customers charged twice after gateway timeouts"]
    narrow(page, "#pm-search", "idempotency", cause="code")
    assert page.url.endswith("/search/?q=idempotency&cause=code")
    page.locator("#pm-search .pm-result-link").first.click()
    page.wait_for_url("**/2026-01-14-duplicate-charges-retry-storm/")
    assert heading(page) == "1,240 customers charged twice after gateway timeouts"


@pytest.mark.slow
def test_search_merges_the_bundles_of_a_large_knowledge_base(browser, tmp_path: Path, monkeypatch) -> None:
    # Four post-mortems a bundle: the thirteen samples are indexed in four bundles.
    monkeypatch.setattr("generator.site.context.SEARCH_BUNDLE_SIZE", 4)
    root = copy_knowledge_base(tmp_path)
    build_site(open_knowledge_base(root), dt.date(2026, 11, 26))
    bundles = sorted(path.name for path in (root / "site").glob("pagefind*") if path.is_dir())
    assert bundles == ["pagefind", "pagefind-1", "pagefind-2", "pagefind-3"]
    expected = {}
    for bundle in bundles:  # the first post-mortem of each bundle, searched by its title
        document = sorted((root / "build/search" / bundle).rglob("*.html"))[0]
        title = re.search(r"<title>(.*?)</title>", document.read_text(encoding="utf-8"))[1]
        # The result links to the post-mortem's page, <id>/, not to the indexed document, <id>.html.
        expected[html.unescape(title)] = document.relative_to(root / "build/search" / bundle).with_suffix("").as_posix() + "/"
    server, url = serve(root / "site")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        for title, path in expected.items():
            page.goto(url + "search/")
            page.locator("#pm-search input").fill(title)
            link = page.locator(f'#pm-search .pm-result-link[href$="{path}"]')
            link.first.wait_for(timeout=10_000)
    finally:
        context.close()
        server.shutdown()


def test_trends_show_the_charts_on_at_most_three_screens(page, served) -> None:
    page.goto(served)
    page.get_by_role("link", name="Trends").first.click()
    page.wait_for_url("**/trends/")
    # incidents, times, recurrence, causes, contributing factors, error budget (no git history here)
    charts = page.locator("figure.pm-chart svg[role=img]")
    assert charts.count() == 6
    for index in range(6):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 400 and box["height"] > 150
    assert page.get_by_role("img", name="Incidents by severity").is_visible()
    # every table folded: at most three screens of 900 px at 1280 px wide
    assert page.locator("details[open]").count() == 0
    assert page.evaluate("document.documentElement.scrollHeight") <= 2700
    screenshot(page, "trends")
    figures = page.locator(".pm-chart-card details").first
    figures.locator("summary").click()
    assert figures.locator("table").is_visible()


def test_actions_show_an_overdue_action_and_filter_by_owner(page, served) -> None:
    page.goto(served + "actions/")
    # The sample and its hostile copy have 36 actions: 8 overdue on 2026-11-26, 4 owned by bob,
    # 13 owned by the payments team or its members.
    rows = page.locator("tr[data-owner]")
    assert rows.count() == 36
    overdue = page.locator("tr:has(.pm-overdue)")
    assert overdue.count() == 8
    assert overdue.first.is_visible()
    assert "Size the payments DB connection pool" in overdue.first.inner_text()
    page.select_option("select[data-filter=owner]", "bob")
    visible = page.locator("tr[data-owner]:visible")
    assert visible.count() == 4
    assert [row.get_attribute("data-owner") for row in visible.all()] == ["bob"] * 4
    page.select_option("select[data-filter=owner]", "")
    assert page.locator("tr[data-owner]:visible").count() == 36
    page.select_option("select[data-filter=teams]", "payments")
    visible = page.locator("tr[data-owner]:visible")
    assert visible.count() == 13
    assert all("payments" in row.get_attribute("data-teams").split() for row in visible.all())
    screenshot(page, "actions")


def test_dark_mode_toggle(page, served) -> None:
    page.goto(served)
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{scheme}'")
    assert page.locator("body").get_attribute("data-md-color-scheme") in {"default", "slate"}
    screenshot(page, "dark-mode")


def test_hostile_title_shows_as_text(page, served) -> None:
    page.goto(served + "postmortems/")
    assert page.get_by_text(HOSTILE, exact=True).first.is_visible()
    page.goto(served + "postmortems/2026/2026-11-18-hostile-title/")
    assert heading(page) == HOSTILE
    assert page.title().startswith(HOSTILE)


def test_phone_layout(browser, served) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    phone = context.new_page()
    phone.goto(served + "postmortems/2026/2026-03-13-payment-api-outage/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone, "phone")
    context.close()


def test_artifacts_are_ignored_by_git() -> None:
    assert "tests/artifacts/" in (REPOSITORY / ".gitignore").read_text().splitlines()
    shutil.rmtree(ARTIFACTS / "unused", ignore_errors=True)


#: Known XSS vectors, each setting `window.pwned` if it ran: raw tags, event handlers, script URLs
#: (plain, entity-encoded, spaced), mutation XSS through foreign content and parser differentials.
XSS_CORPUS = [
    "<script>window.pwned='script'</script>",
    "<img src=x onerror=\"window.pwned='img'\">",
    "<svg onload=\"window.pwned='svg'\"></svg>",
    "<svg><script>window.pwned='svg-script'</script></svg>",
    "<iframe srcdoc=\"<script>parent.pwned='srcdoc'</script>\"></iframe>",
    "<iframe src=\"javascript:parent.pwned='iframe'\"></iframe>",
    "<object data=\"javascript:window.pwned='object'\"></object>",
    "<embed src=\"data:text/html,<script>parent.pwned='embed'</script>\">",
    "<details open ontoggle=\"window.pwned='details'\"><summary>x</summary></details>",
    "<input autofocus onfocus=\"window.pwned='input'\">",
    "<body onload=\"window.pwned='body'\">",
    "<style>@import 'javascript:window.pwned=1';</style>",
    "<div style=\"background:url(javascript:window.pwned='style')\">x</div>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.pwned='meta'\">",
    "<base href=\"javascript:window.pwned='base'//\">",
    "<form action=\"javascript:window.pwned='form'\"><button id=xss-form>go</button></form>",
    "<a href=\"javascript:window.pwned='a'\">plain</a>",
    "<a href=\"&#106;avascript:window.pwned='entity'\">entity</a>",
    "<a href=\"&#x6A;&#x61;vascript&colon;window.pwned='hex'\">hex</a>",
    "<a href=\" java\tscript:window.pwned='spaced'\">spaced</a>",
    "<a href=\"JaVaScRiPt:window.pwned='case'\">case</a>",
    "[markdown](javascript:window.pwned='md')",
    "[encoded](&#106;avascript:window.pwned='md-entity')",
    "[ref][xss]\n\n[xss]: javascript:window.pwned='ref'",
    "<javascript:window.pwned='autolink'>",
    "![img](x\" onerror=\"window.pwned='md-img')",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"window.pwned='mxss'\">",
    "<noscript><p title=\"</noscript><img src=x onerror=window.pwned='noscript'>\"></noscript>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=window.pwned='svg-style'>\">",
    "<!--><img src=x onerror=\"window.pwned='comment'\">-->",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<img src=\"https://tracker.example.invalid/pixel.png\">",
]


def with_engine(root: Path, engine: str) -> Path:
    """`root`, its site to be built by `engine`."""
    config = root / "postmortem.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nengine: mkdocs\n" in text
    config.write_text(text.replace("\nengine: mkdocs\n", f"\nengine: {engine}\n"), encoding="utf-8")
    return root


#: Written just before the corpus: the page's checks find it, so they do not look at an empty article.
#: (Not after it: an unclosed `<style>` inside `<math>` makes the sanitiser drop all that follows.)
SAFE_LINK = "A [safe link before the corpus](https://example.com/before)."


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_no_xss_vector_runs_in_the_browser(browser, tmp_path: Path, engine: str) -> None:
    """Every vector in a post-mortem's body (each allowed by a reasoned comment, so that the build
    goes through), built by each engine and opened in Chromium: nothing runs, no link or source is a
    script URL."""
    root = with_engine(copy_knowledge_base(tmp_path / "kb", postmortems=False), engine)
    allow = " <!-- postmortem: allow PM601 an XSS vector of the sanitiser's test -->"
    body = "\n\n".join([SAFE_LINK, *(vector.replace("\n", allow + "\n", 1) + allow for vector in XSS_CORPUS)])
    write(root, "2026-03-02-xss.md", BASE_POSTMORTEM.read_text(encoding="utf-8").replace("800 shoppers saw errors.", body)
          .replace("## Root cause", f"## <img src=x onerror=\"window.pwned='heading'\">{allow}\n\n## Root cause"))
    build_site(open_knowledge_base(root), TODAY)
    built = (root / "site/postmortems/2026/2026-03-02-xss/index.html").read_text(encoding="utf-8")
    assert "postmortem: allow" not in built
    server, url = serve(root / "site")
    context = browser.new_context()
    page = context.new_page()
    dialogs, outside = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: None if request.url.startswith(url) else outside.append(request.url))
    try:
        page.goto(url + "postmortems/2026/2026-03-02-xss/", wait_until="load")
        page.wait_for_timeout(500)
        # The checks below look inside the article: it must be there, holding the body around the corpus.
        article = " ".join(page.inner_text("article").split())
        assert "Checkout returned errors for 20 minutes" in article and "safe link before the corpus" in article
        assert page.evaluate("window.pwned") is None
        # A script link runs only when followed: follow each one the body has, without leaving the page.
        page.evaluate("""() => document.querySelectorAll('article .md-typeset p a').forEach(a => {
            a.addEventListener('click', e => { if (!a.protocol.startsWith('http')) return; e.preventDefault(); });
            a.click(); })""")
        page.wait_for_timeout(300)
        schemes = page.evaluate("""() => [...document.querySelectorAll('article [href], article [src], article [action]')]
            .map(e => new URL(e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'),
                              location.href).protocol)""")
        assert "https:" in schemes and set(schemes) <= {"http:", "https:", "mailto:"}
        handlers = page.evaluate("""() => [...document.querySelectorAll('article *')]
            .flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on'))""")
        assert handlers == []
        assert page.evaluate("document.querySelectorAll('article script, article iframe, article object, "
                             "article embed, article style, article svg, article math, article form').length") == 0
        assert dialogs == [] and outside == []
    finally:
        context.close()
        server.shutdown()


@pytest.fixture(scope="module")
def sites_by_engine(tmp_path_factory) -> dict[str, Path]:
    """The sample knowledge base built by each engine."""
    built = {}
    for engine in ("mkdocs", "zensical"):
        root = with_engine(copy_knowledge_base(tmp_path_factory.mktemp(engine)), engine)
        build_site(open_knowledge_base(root), TODAY)
        built[engine] = root / "site"
    return built


@pytest.mark.slow
def test_mkdocs_and_zensical_build_the_same_pages(browser, sites_by_engine: dict[str, Path]) -> None:
    """The same generated tree, built by MkDocs and by Zensical: the same pages, and the same visible
    text in each page's content (cards, tables and the authors' Markdown alike), read by Chromium."""
    pages = {engine: sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
             for engine, site in sites_by_engine.items()}
    assert pages["mkdocs"] == pages["zensical"]
    assert len(pages["mkdocs"]) > 90
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    differing = []
    try:
        for relative in pages["mkdocs"]:
            texts = []
            for site in sites_by_engine.values():
                page.goto((site / relative).as_uri(), wait_until="domcontentloaded")
                texts.append(" ".join(page.inner_text("article").split()))  # blank lines are not text
            if texts[0] != texts[1]:
                differing.append(relative)
    finally:
        context.close()
    assert differing == []
    postmortem = "postmortems/2026/2026-03-13-payment-api-outage/index.html"
    built = (sites_by_engine["zensical"] / postmortem).read_text(encoding="utf-8")
    assert '<dl class="pm-header">' in built and "pm-fragment" not in built and "pm-body" in built


def incident(base: str, day: str, severity: str, services: str, detect: int, mitigate: int, resolve: int) -> str:
    """The fixture post-mortem moved to `day` at 10:00 (Paris, winter offset), with its times after the start."""
    times = {"started_at": 0, "detected_at": detect, "declared_at": detect, "mitigated_at": mitigate,
             "resolved_at": resolve}
    for key, minutes in times.items():
        base = re.sub(rf"^{key}: .*$", f"{key}: {day}T{10 + minutes // 60:02d}:{minutes % 60:02d}:00+01:00", base,
                      count=1, flags=re.M)
    base = re.sub(r"^severity: .*$", f"severity: {severity}", base, count=1, flags=re.M)
    return re.sub(r"^services: .*$", f"services: {services}", base, count=1, flags=re.M).replace(
        "due: 2026-03-09", f"due: {day}").replace("closed_on: 2026-03-08", f"closed_on: {day}")


def test_the_trends_selection_gives_the_figures_of_stats(browser, tmp_path: Path, runner) -> None:
    from generator.cli import cli

    from .conftest import lay_out

    root = lay_out(tmp_path / "kb")
    base = BASE_POSTMORTEM.read_text()
    # checkout owns checkout-web and search-api; payments owns payments-api (tests/fixtures/postmortem.yml).
    write(root, "2026-03-02-a.md", incident(base, "2026-03-02", "SEV2", "[checkout-web]", 5, 20, 30))
    write(root, "2026-03-10-b.md", incident(base, "2026-03-10", "SEV1", "[checkout-web, payments-api]", 10, 40, 60))
    write(root, "2026-03-12-c.md", incident(base, "2026-03-12", "SEV2", "[search-api]", 2, 30, 60))
    write(root, "2026-03-20-d.md", incident(base, "2026-03-20", "SEV2", "[payments-api]", 4, 15, 25))
    build_site(open_knowledge_base(root), dt.date(2026, 3, 25))
    # Team checkout, SEV2, 1 to 15 March: a and c. Detect 5 and 2: median 3.5, p90 (rank ceil(0.9 x 2) = 2) 5,
    # mean 3.5; mitigate 20 and 30: 25, 30, 25; resolve 30 and 60: 45, 60, 45.
    expected = {"incidents": 2, "ttd-median": 3.5, "ttd-p90": 5, "ttd-mean": 3.5, "ttd-n": 2,
                "ttm-median": 25, "ttm-p90": 30, "ttm-mean": 25, "ttr-median": 45, "ttr-p90": 60, "ttr-mean": 45}
    options = ["--team", "checkout", "--severity", "SEV2", "--since", "2026-03-01", "--until", "2026-03-15"]
    stats = runner.invoke(cli, ["--root", str(root), "stats", *options, "--today", "2026-03-25", "--format", "json"])
    figures = json.loads(stats.output)
    assert {"incidents": figures["incidents"], **{f"{name}-{key}": figures[f"{name}_minutes"][key]
            for name, key in (k.split("-") for k in expected if k != "incidents")}} == expected

    server, url = serve(root / "site")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "trends/?team=checkout&severity=SEV2&since=2026-03-01&until=2026-03-15")
    shown = page.locator(".pm-selection-figures [data-figure]")
    shown.first.wait_for()
    values = {cell.get_attribute("data-figure"): float(cell.get_attribute("data-value")) for cell in shown.all()}
    assert {key: values[key] for key in expected} == expected
    # Another choice: the figures and the address follow. Team payments (b and d), SEV2, to 15 March: none.
    page.locator("select[name=team]").select_option("payments")
    page.locator('[data-figure="incidents"][data-value="0"]').wait_for()
    assert "team=payments" in page.url and "severity=SEV2" in page.url
    page.locator("select[name=severity]").select_option("")  # any severity: b
    page.locator('[data-figure="incidents"][data-value="1"]').wait_for()
    assert "severity" not in page.url
    assert [r for r in requests if not r.startswith(url)] == []
    context.close()
    server.shutdown()
