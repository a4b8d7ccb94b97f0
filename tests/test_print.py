"""On paper and on a phone, in Debian's Chromium: pages of the sample site (`served`, conftest.py) printed to A4
PDF by a reader in dark mode and read back with pypdf, laid out for print, and every kind of page at a phone's
width, with scripts and without; the sample with `site_url` and things too wide for a phone (`published`)."""

from __future__ import annotations

import io
import re

import pytest

from generator.kb.layout import open_knowledge_base
from generator.site.build import build_site

from .conftest import TODAY, copy_knowledge_base, serve

pytestmark = pytest.mark.browser

POSTMORTEM = "postmortems/2026/2026-03-13-payment-api-outage/"
REPORT = "report/"
#: A4 in PDF points (1/72 inch): 210 x 297 mm.
A4 = (595.28, 841.89)
#: The width print.css leaves for the article on A4 (210 mm less two margins of 14 mm), in CSS pixels (96 an inch).
PRINTABLE_WIDTH = round((210 - 2 * 14) / 25.4 * 96)

#: What each printed page must hold: its title, a sentence of its own, and the written-out target of one link to
#: another site and of one to another page of this one (made absolute, `{site}` standing for the site's address).
PRINTED = {
    "post-mortem": (POSTMORTEM, "Payment API unavailable for 47 minutes",
                    "The pool size had not been revisited since launch, nothing measured its saturation",
                    ["(https://tarteline.atlassian.net/browse/PAY-412)",
                     "({site}postmortems/2026/2026-02-20-payments-db-latency/)"]),
    "team page": ("teams/payments/", "Team payments", "its actions, those owned by the team or by one of its members",
                  ["(https://tarteline.atlassian.net/browse/PAY-398)"]),
    "90-day report": (REPORT, "Last 90 days", "what broke, how fast we recovered, why, and where to act first",
                      ["({site}postmortems/2026/2026-10-02-checkout-3ds-provider-outage/)"]),
}

#: Every text node of the page outside its article: header, tabs, navigation, table of contents, footer.
CHROME_TEXTS = """() => {
  const article = document.querySelector('article');
  const texts = new Set();
  for (const element of document.querySelectorAll('body *:not(script):not(style)')) {
    if (article.contains(element) || element.contains(article)) continue;
    for (const node of element.childNodes) if (node.nodeType === 3 && node.textContent.trim()) texts.add(node.textContent.trim());
  }
  return [...texts];
}"""


def squeezed(text: str) -> str:
    """`text` without any white space: a PDF's text breaks lines (and addresses) where the paper did."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def dark(browser):
    """A reader in dark mode, at a laptop's width."""
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def pdf_text(page) -> tuple[str, list]:
    """The page printed on A4 by Chromium (backgrounds included), read back: its text and its pages."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    return "\n".join(sheet.extract_text() for sheet in reader.pages), reader.pages


@pytest.mark.parametrize("kind", PRINTED)
def test_a_page_prints_its_article_alone_with_link_targets(dark, served, kind: str) -> None:
    path, title, sentence, targets = PRINTED[kind]
    dark.goto(served + path)
    assert dark.locator("body").get_attribute("data-md-color-scheme") == "slate"
    article = squeezed(dark.inner_text("article"))
    chrome = dark.evaluate(CHROME_TEXTS)
    # The header's site name, the search tab, the other tabs, the table of contents' and footer's words are
    # among the texts outside the article: none of those the article does not also hold may be printed.
    assert {"Tarteline post-mortems", "Search", "Trends", "Reference", "Table of contents", "Back to top",
            "Made with"} <= set(chrome)
    text, sheets = pdf_text(dark)
    printed = squeezed(text)

    assert all((float(sheet.mediabox.width), float(sheet.mediabox.height)) == pytest.approx(A4, abs=1) for sheet in sheets)
    assert squeezed(title) in printed and squeezed(sentence) in printed
    assert [chromed for chromed in chrome if squeezed(chromed) not in article and squeezed(chromed) in printed] == []
    for target in targets:
        assert squeezed(target.format(site=served)) in printed
    # Links to the site's index pages (a service, a cause, a tag, an owner) are named by their text: no address.
    assert f"({served}services/" not in printed and f"({served}causes/" not in printed
    assert "¶" not in printed  # the headings' permalinks


@pytest.mark.parametrize("path", [POSTMORTEM, REPORT, "services/"])
def test_a_reader_in_dark_mode_prints_black_on_white(browser, served, path: str) -> None:
    """Print media in dark mode: a white page, dark text, and every colour of the article (text and backgrounds,
    badges included) the one a reader in light mode prints. (The services page has figures in green.)"""
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(served + path)
        page.emulate_media(media="print")
        colours[scheme] = page.evaluate("""() => [document.body, ...document.querySelectorAll('article, article *')]
            .map(element => { const style = getComputedStyle(element);
              return [element.tagName.toLowerCase() + '.' + element.className, style.color, style.backgroundColor]; })""")
        if scheme == "dark":
            assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
            body = page.evaluate("getComputedStyle(document.body).backgroundColor")
            text = page.evaluate("getComputedStyle(document.querySelector('article')).color")
        context.close()
    assert body == "rgb(255, 255, 255)"
    red, green, blue = (int(value) for value in re.findall(r"\d+", text)[:3])
    assert max(red, green, blue) < 64, f"the article's text is {text} on paper"
    assert [dark for light, dark in zip(colours["light"], colours["dark"]) if light != dark] == []


#: Written into the sample's post-mortem of `published`: an address, a word, code, a log line and a table, each
#: wider than a phone's screen; the table, ten columns of it, wider than the paper too.
LONG_THINGS = """## Evidence

The dashboard: <https://grafana.tarteline.example/d/payments-db-pool/payments-database-connection-pool-saturation?orgId=1&from=1773423720000&to=1773426540000>.
In German, its team is the Zahlungsdatenbankverbindungspoolsaettigungsueberwachungsbereitschaftsdienstabteilung.
The query was `SELECT_payments_connection_pool_saturation_ratio_over_five_minutes_by_pod_and_region_and_zone`.

```
2026-03-13T18:42:07.123+01:00 ERROR payments-api pool=primary waiting=300 active=20 max=20 msg="timeout acquiring connection from pool after 2000 ms"
```

| pod | region | availability zone | pool | waiting | active | max | p99 latency | errors | note |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| payments-api-7f9c | eu-west-1 | eu-west-1a | primary | 300 | 20 | 20 | 2400 ms | 31% | saturated during the evening peak |

"""


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The sample with `site_url` set, its post-mortem POSTMORTEM holding LONG_THINGS, built and served."""
    root = copy_knowledge_base(tmp_path_factory.mktemp("published"))
    config = root / "postmortem.yml"
    config.write_text(config.read_text().replace("# site_url: https://incidents.example.com/",
                                                 "site_url: https://incidents.example.com/"))
    postmortem = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    postmortem.write_text(postmortem.read_text().replace("## Lessons learned", LONG_THINGS + "## Lessons learned"))
    build_site(open_knowledge_base(root), TODAY)
    server, url = serve(root / "site")
    yield url
    server.shutdown()


@pytest.mark.parametrize("site, path", [("served", POSTMORTEM), ("served", REPORT), ("published", POSTMORTEM)])
def test_tables_fit_the_paper_and_pages_break_between_rows(request, browser, site: str, path: str) -> None:
    """Laid out for print as wide as A4's printable width: no table runs past the article's right edge (with
    Material's print styles alone, the report's incidents table ran 98 px past it, the ten columns of LONG_THINGS
    353 px); rows are not split and headings stay with what follows them."""
    context = browser.new_context(viewport={"width": PRINTABLE_WIDTH, "height": 1000})
    try:
        page = context.new_page()
        page.goto(request.getfixturevalue(site) + path)
        page.emulate_media(media="print")
        tables, overflowing = page.evaluate("""() => { const edge = document.querySelector('article').getBoundingClientRect().right;
            const tables = [...document.querySelectorAll('article table')];
            return [tables.length, tables.map(table => table.getBoundingClientRect().right - edge)
              .filter(past => past > 0.5).map(Math.round)]; }""")
        breaks = page.evaluate("""() => [getComputedStyle(document.querySelector('article tbody tr')).breakInside,
                                         getComputedStyle(document.querySelector('article h2')).breakAfter]""")
    finally:
        context.close()
    assert tables and overflowing == [], f"tables wider than the paper by {overflowing} px"
    assert breaks == ["avoid", "avoid"]


def test_printed_addresses_are_those_of_the_published_site(browser, published) -> None:
    """With `site_url` in postmortem.yml, a link to another page prints the address where the site is published,
    wherever the page was opened from; a link whose text is its address prints it once."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(published + POSTMORTEM)
        printed = squeezed(pdf_text(page)[0])
    finally:
        context.close()
    assert "(https://incidents.example.com/postmortems/2026/2026-02-20-payments-db-latency/)" in printed
    assert published not in printed
    assert printed.count("https://grafana.tarteline.example/") == 1


#: One page of every kind the site has.
PAGE_KINDS = {
    "home": "",
    "all post-mortems": "postmortems/",
    "a year": "postmortems/2026/",
    "a post-mortem": POSTMORTEM,
    "services": "services/",
    "a service": "services/payments-api/",
    "teams": "teams/",
    "a team": "teams/payments/",
    "a severity": "severities/sev1/",
    "a root cause": "causes/capacity/",
    "a tag": "tags/database/",
    "trends": "trends/",
    "actions": "actions/",
    "an owner's actions": "actions/bob/",
    "90-day report": REPORT,
    "search": "search/",
    "reference": "reference/",
    "command line": "reference/cli/",
    "format": "reference/format/",
    "metrics": "reference/metrics/",
    "rules": "reference/rules/",
    "404": "404.html",
}
PHONE = {"width": 390, "height": 844}

#: The element reaching furthest past the screen's right edge, outside any box that clips or scrolls it.
WIDEST = """() => {
  let widest = null, right = 0;
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (!box.width || box.right <= right) continue;
    let inside = false;
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') { inside = true; break; }
    }
    if (!inside) { widest = element; right = box.right; }
  }
  const name = widest.tagName.toLowerCase() + (widest.id ? '#' + widest.id : '')
    + [...widest.classList].map(c => '.' + c).join('');
  return `${name} "${widest.textContent.trim().slice(0, 40)}" reaches ${Math.round(right)} px`;
}"""


@pytest.fixture(scope="module", params=["scripts", "no scripts"])
def phone(request, browser):
    """A phone's screen (390 x 844, touch, its meta viewport honoured), with scripts and without."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  java_script_enabled=request.param == "scripts")
    yield context.new_page()
    context.close()


def assert_no_sideways_scroll(phone, name: str) -> None:
    """The page is as wide as the screen. A phone's browser widens its layout to the content (innerWidth follows
    scrollWidth), so both are held to the screen's width."""
    width, inner = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert (width, inner) == (PHONE["width"], PHONE["width"]), (
        f"{name} scrolls sideways by {width - PHONE['width']} px; widest: " + phone.evaluate(WIDEST))


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_no_page_scrolls_sideways_on_a_phone(phone, served, kind: str) -> None:
    phone.goto(served + PAGE_KINDS[kind])
    assert_no_sideways_scroll(phone, f"{kind} ({PAGE_KINDS[kind] or '/'})")


def test_long_words_addresses_code_and_tables_keep_to_a_phone_screen(phone, published) -> None:
    """LONG_THINGS, each wider than the screen: the words and the address break, the code and the table scroll
    inside their own box (the table's box is Material's wrapper when scripts run, the table itself otherwise)."""
    phone.goto(published + POSTMORTEM)
    assert_no_sideways_scroll(phone, "a post-mortem of LONG_THINGS")
    scrolled = phone.evaluate("""() => [document.querySelector('article pre code'), [...document.querySelectorAll('article table')]
        .map(table => table.closest('.md-typeset__scrollwrap') || table).find(box => box.textContent.includes('p99 latency'))]
        .map(box => box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX)""")
    assert scrolled == ["auto", "auto"]
