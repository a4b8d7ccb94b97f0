"""Raw HTML in a body: PM601 reports what the site's sanitiser drops, and HTML the site engine
cannot read, so that a post-mortem that validates always builds into a page that runs nothing."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from generator.checker import ValidationFailed, check
from generator.kb.layout import open_knowledge_base
from generator.safety.sanitize import dropped_html, unsafe_scheme
from generator.site.build import build_site

from .conftest import BASE_POSTMORTEM, TODAY, copy_knowledge_base, write

#: The sentence of the base post-mortem that the cases replace.
PLACE = "800 shoppers saw errors."


def pm601(root: Path) -> list[tuple[int, str]]:
    return [(d.line, d.message) for d in check(open_knowledge_base(root)).diagnostics if d.code == "PM601"]


@pytest.mark.parametrize("html_text", ["<![ CDATA[x]]>", "<![foo[x]]>", "<div>\n<![ x\n</div>"])
def test_html_the_engine_cannot_read_is_a_finding_not_a_failed_build(tmp_path: Path, html_text: str) -> None:
    root = copy_knowledge_base(tmp_path, postmortems=False)
    path = write(root, "2026-03-02-cdata.md",
                 BASE_POSTMORTEM.read_text(encoding="utf-8").replace(PLACE, f"{PLACE}\n\n{html_text}"))
    line = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if "<![" in text)
    [(found_line, message)] = pm601(root)
    assert found_line == line and "HTML that the site engine cannot read" in message
    with pytest.raises(ValidationFailed):
        build_site(open_knowledge_base(root), TODAY)


@pytest.mark.parametrize(("body", "expected"), [
    ("a\n\n<b onclick=\"x()\">bold</b>", [(3, 4, "the event handler onclick= runs code")]),
    ("a\n\nsee [the runbook](javascript:alert(1))", [(3, 19, "a javascript: URL in href= runs code")]),
    ("<span style=\"color: red\">red</span>", [(1, 7, "an inline style restyles the page")]),
    ("<details open><summary>x</summary>y</details>", [(1, 10, "the attribute open= of <details> is not on the site's allow-list")]),
    ("`<script>` and\n\n```html\n<script>alert(1)</script>\n```", []),
    ("<!-- <script>alert(1)</script> -->", []),
    ("<kbd>Ctrl</kbd> <sup>2</sup> <br> <b>x</b>", []),
])
def test_what_the_site_drops_is_reported_where_it_is_written(body: str, expected: list) -> None:
    found = [(d.line, d.column, d.why.split(": the site drops it")[0]) for d in dropped_html(body, 1)]
    assert found == expected


#: Pieces of the Markdown and HTML that hostile or careless text is made of.
TAGS = ["script", "img", "a", "svg", "math", "style", "iframe", "details", "div", "span", "p", "b", "form", "input",
        "body", "noscript", "template", "table", "mglyph", "mtext", "title", "textarea", "xmp", "object", "kbd"]
ATTRIBUTES = ["onerror", "onload", "onclick", "href", "src", "style", "id", "title", "open", "xlink:href"]
VALUES = ["javascript:alert(1)", "&#106;avascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:alert(1)",
          "data:text/html,<script>alert(1)</script>", "https://example.com/", "x", "x\" onerror=\"alert(1)", "graph.png"]
ODD = ["<!-- x -->", "<!-->", "<!--", "-->", "<![CDATA[x]]>", "<![ x", "<![foo[x]]>", "<!x>", "<?x>", "</p>", "&lt;",
       "&#x3C;script&#x3E;", "&amp;", "<", ">", "`<script>`", "\u2028"]


@st.composite
def pieces(draw) -> str:
    kind = draw(st.sampled_from(["tag", "close", "link", "odd", "text"]))
    if kind == "tag":
        attributes = draw(st.lists(st.tuples(st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES)), max_size=2))
        quoted = "".join(f' {name}="{value}"' for name, value in attributes)
        return f"<{draw(st.sampled_from(TAGS))}{quoted}{draw(st.sampled_from(['>', ' />', '']))}"
    if kind == "close":
        return f"</{draw(st.sampled_from(TAGS))}>"
    if kind == "link":
        return draw(st.sampled_from(["[t]({})", "![i]({})", "<{}>", "[r][x]\n\n[x]: {}"])).format(draw(st.sampled_from(VALUES)))
    if kind == "odd":
        return draw(st.sampled_from(ODD))
    return draw(st.sampled_from(["text", "alert(1)", "window.pwned=1", " "]))


fragments = st.lists(st.lists(pieces(), min_size=1, max_size=4).map("".join), min_size=1, max_size=6)


class _Page(HTMLParser):
    """The elements and attributes of a built page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.found = 0, []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "article":
            self.inside += 1
        if self.inside:
            self.found.append((tag, dict(attrs)))

    def handle_endtag(self, tag) -> None:
        if tag == "article":
            self.inside -= 1


@pytest.mark.slow
# Each example is a build: a dozen, without shrinking (a failure is shown as it was generated), the same dozen
# every run (derandomize): a failure found by chance joins the @example list, as the cases below did.
@settings(max_examples=12, phases=[Phase.explicit, Phase.reuse, Phase.generate], derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(fragments)
@example(["&#x3C;script&#x3E;</math><![CDATA[x]]><!--", "text<svg onclick=\"x\" onerror=\"alert(1)\" /></p><"])
# An entity-encoded value (`&#106;avascript:`) is found by its attribute's name, on its own line, not the body's first.
@example([' <details onerror="&#106;avascript:alert(1)"<span`<script>`', '<div onclick=" java\tscript:alert(1)" onerror="x" />'])
def test_what_validates_builds_and_runs_nothing(tmp_path_factory, paragraphs: list[str]) -> None:
    """Hostile fragments in a body; those PM601 reports are taken out, until it reports none; the
    rest must build, and the page's article must hold no script, no event handler, no script URL."""
    root = copy_knowledge_base(tmp_path_factory.mktemp("fragments"), postmortems=False)
    base = BASE_POSTMORTEM.read_text(encoding="utf-8")
    first = base.splitlines().index(PLACE) + 1
    for _ in range(len(paragraphs) + 1):
        text = base.replace(PLACE, "\n\n".join(paragraphs) or "Nothing.")
        write(root, "2026-03-02-fragments.md", text)
        flagged = {line for line, _ in pm601(root)}
        if not flagged:
            break
        starts = [first + sum(p.count("\n") + 2 for p in paragraphs[:index]) for index in range(len(paragraphs))]
        paragraphs = [p for p, start in zip(paragraphs, starts) if not flagged & set(range(start, start + p.count("\n") + 1))]
    assert pm601(root) == []
    # Other errors (an unclosed `<!--` hides the sections after it: PM301) stop the build anyway.
    assume([d for d in check(open_knowledge_base(root)).diagnostics if d.level.value == "error"] == [])
    build_site(open_knowledge_base(root), TODAY)
    page = _Page()
    page.feed((root / "site/postmortems/2026/2026-03-02-fragments/index.html").read_text(encoding="utf-8"))
    assert page.found, "the page has no article"
    for tag, attributes in page.found:
        assert tag not in {"script", "iframe", "object", "embed", "form", "style", "svg", "math", "base", "meta"}
        assert not [name for name in attributes if name.startswith("on")]
        assert not [value for name, value in attributes.items()
                    if name in {"href", "src", "action", "xlink:href"} and value and unsafe_scheme(value)]
