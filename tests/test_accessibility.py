"""Accessibility in a real browser: axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules over every kind of
page of the sample site, light and dark, at desktop and phone width; and the header search used with
the keyboard alone. axe-core is vendored in tests/vendor/ (no network at test time)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.kb.layout import open_knowledge_base
from generator.site.build import build_site

from .conftest import TODAY, axe_violations, copy_knowledge_base, describe, serve

#: A restricted copy of a sample post-mortem: the sample has none, and its page is a kind of its own.
RESTRICTED = "2026-03-13-restricted-payment-outage"
#: Material's scheme for each colour preference the browser states.
SCHEMES = {"light": "default", "dark": "slate"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The sample knowledge base and one restricted post-mortem, built once."""
    root = copy_knowledge_base(tmp_path_factory.mktemp("accessibility"))
    text = (root / "postmortems/2026/2026-03-13-payment-api-outage.md").read_text(encoding="utf-8")
    text = text.replace("status: published\n", "status: published\nvisibility: restricted\n", 1)
    (root / f"postmortems/2026/{RESTRICTED}.md").write_text(text, encoding="utf-8")
    build_site(open_knowledge_base(root), TODAY)
    return root / "site"


@pytest.fixture(scope="module")
def sample_site(built_site: Path) -> str:
    """The URL of the built sample, served on 127.0.0.1."""
    server, url = serve(built_site)
    yield url
    server.shutdown()


def search_page_results(page) -> None:
    """The search page once it shows a page of results, the "more" button and every filter."""
    page.locator('#pm-search[data-query="summary"] .pm-result-link').first.wait_for(timeout=10_000)
    page.locator('#pm-search select[data-search-filter="service"]').wait_for(timeout=10_000)
    page.locator("#pm-search .pm-search-more").wait_for(timeout=10_000)


def header_search_open(page) -> None:
    """The header's search panel open, with a query typed and its results shown."""
    page.locator(".pm-header-search__input").wait_for()
    page.keyboard.press("s")
    page.keyboard.type("pool")
    page.locator('.pm-header-search__panel[data-query="pool"] .pm-result-link').first.wait_for(timeout=10_000)
    page.locator('.pm-header-search__panel select[data-search-filter="service"]').wait_for(timeout=10_000)


def link_focused(page) -> None:
    """A link of the content focused from the keyboard (Material colours it then)."""
    page.locator("article a[href]").nth(3).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")


@dataclass(frozen=True)
class View:
    """A kind of page: its name, its path under the site, and what to do once it is loaded."""

    name: str
    path: str
    prepare: Callable | None = None


#: Every kind of page of the site, one line each.
VIEWS = [
    View("home", ""),
    View("postmortems", "postmortems/"),
    View("postmortems-link-focused", "postmortems/", link_focused),
    View("year", "postmortems/2026/"),
    View("postmortem", "postmortems/2026/2026-03-13-payment-api-outage/"),
    View("postmortem-in-review", "postmortems/2026/2026-11-18-search-autocomplete-degraded/"),
    View("restricted", f"postmortems/2026/{RESTRICTED}/"),
    View("services", "services/"),
    View("service", "services/payments-api/"),
    View("teams", "teams/"),
    View("team", "teams/payments/"),
    View("severities", "severities/"),
    View("severity", "severities/sev1/"),
    View("causes", "causes/"),
    View("cause", "causes/capacity/"),
    View("tags", "tags/"),
    View("tag", "tags/database/"),
    View("trends", "trends/"),
    View("actions", "actions/"),
    View("owner", "actions/bob/"),
    View("report", "report/"),
    View("search-empty", "search/"),
    View("search", "search/?q=summary", search_page_results),
    View("header-search", "", header_search_open),
    View("reference", "reference/"),
    View("reference-format", "reference/format/"),
    View("reference-rules", "reference/rules/"),
    View("reference-cli", "reference/cli/"),
    View("reference-metrics", "reference/metrics/"),
    View("404", "404.html"),
]

#: Desktop, and a phone's width.
WIDTHS = [1280, 390]


def open_view(browser, url: str, view: View, scheme: str, width: int):
    """A new browser context at `width` preferring `scheme`, on `view` once it is ready."""
    phone = width < 600
    context = browser.new_context(viewport={"width": width, "height": 900 if not phone else 844},
                                  is_mobile=phone, color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    page.goto(url + view.path)
    page.wait_for_load_state("load")
    assert page.locator("body").get_attribute("data-md-color-scheme") == SCHEMES[scheme]
    if view.prepare:
        view.prepare(page)
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("view", VIEWS, ids=[view.name for view in VIEWS])
def test_no_wcag_violation(browser, sample_site: str, view: View, scheme: str, width: int) -> None:
    context, page = open_view(browser, sample_site, view, scheme, width)
    try:
        violations = axe_violations(page)
    finally:
        context.close()
    if violations:
        count = sum(len(violation["nodes"]) for violation in violations)
        pytest.fail(f"{count} violations on {view.path or '/'} ({scheme}, {width} px):\n" + describe(violations), pytrace=False)


def focus_ring(page) -> dict:
    """The focused element, and whether something shows it has the focus (an outline or a shadow)."""
    return page.evaluate("""() => {
        const element = document.activeElement, style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        return {tag: element.tagName.toLowerCase(), className: String(element.className),
                filter: element.dataset ? element.dataset.searchFilter || '' : '', value: element.value || '',
                text: element.innerText || '', href: element.getAttribute('href') || '',
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== 'none', width: box.width, height: box.height};
    }""")


def tab_to(page, wanted: Callable[[dict], bool], limit: int = 40) -> dict:
    """Press Tab until the focused element is the one `wanted` says, and return it; that one and every
    element passed on the way shows its focus (a visually hidden one, as Material's palette switch,
    shows it on its label, which Material outlines)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = focus_ring(page)
        if focused["width"] > 0 and focused["height"] > 0:
            assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
        if wanted(focused):
            assert focused["width"] > 0 and focused["height"] > 0
            return focused
    raise AssertionError(f"not reached in {limit} presses of Tab")


def test_skip_link_leads_to_the_content(browser, sample_site: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(sample_site + "postmortems/2026/2026-03-13-payment-api-outage/")
        page.keyboard.press("Tab")
        skip = focus_ring(page)
        assert "md-skip" in skip["className"] and (skip["outline"] or skip["shadow"])
        assert page.locator(".md-skip").is_visible()
        page.keyboard.press("Enter")
        page.wait_for_url("**#*")
        target = page.evaluate("decodeURIComponent(location.hash.slice(1))")
        assert page.locator(f'[id="{target}"]').is_visible()
    finally:
        context.close()


def test_header_search_with_the_keyboard_alone(browser, sample_site: str) -> None:
    """From the top of a page: Tab to the header's search box, type, Tab to the service filter and
    change it with the arrow keys, Tab to the first result and open it with Enter."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(sample_site + "postmortems/")
        page.locator(".pm-header-search__input").wait_for()
        tab_to(page, lambda focused: "pm-header-search__input" in focused["className"])
        page.keyboard.type("pool")
        panel = page.locator('.pm-header-search__panel[data-query="pool"]')
        panel.locator(".pm-result-link").first.wait_for(timeout=10_000)
        assert panel.locator(".pm-result-link").all_inner_texts() == [
            "Payment API unavailable for 47 minutes", "Payment latency doubled for 35 minutes at the evening peak"]
        panel.locator('select[data-search-filter="service"]').wait_for(timeout=10_000)
        tab_to(page, lambda focused: focused["filter"] == "service")
        page.keyboard.press("ArrowDown")  # the first service after "all": Payments API
        page.locator('.pm-header-search__panel[data-state="?q=pool&service=payments-api"]').wait_for(timeout=10_000)
        changed = focus_ring(page)  # the filters are drawn again: the focus stays on the one changed
        assert changed["value"] == "payments-api" and (changed["outline"] or changed["shadow"])
        result = tab_to(page, lambda focused: "pm-result-link" in focused["className"])
        assert result["text"] == "Payment API unavailable for 47 minutes"
        page.keyboard.press("Enter")
        page.wait_for_url("**/postmortems/2026/2026-03-13-payment-api-outage/")
        assert page.locator("h1").first.inner_text().rstrip("¶") == "Payment API unavailable for 47 minutes"
    finally:
        context.close()


def test_every_kind_of_page_is_checked(built_site: Path) -> None:
    """A kind of page the site gains (a folder of pages, or a page at its root) fails here until a
    view of VIEWS reaches it: one line to add."""
    kinds = {path.relative_to(built_site).parts[0] for path in built_site.rglob("*.html")
             if not path.relative_to(built_site).parts[0].startswith("pagefind")}
    viewed = {view.path.split("/")[0] or "index.html" for view in VIEWS}
    assert kinds - viewed == set()
