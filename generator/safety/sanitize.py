"""What HTML a page may carry: the allow-list that every built page's content goes through (nh3,
the binding of the Ammonia sanitiser), and the finder that tells authors what of their Markdown it
would drop, with its line.

The finder does not keep a list of its own: it renders the body as the site does (Python-Markdown
with the built-in site's extensions), runs the same allow-list over it, and reports every element
and attribute that did not come through, and any raw HTML the site engine cannot read.
"""

from __future__ import annotations

import copy
import difflib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import nh3
from markdown.htmlparser import htmlparser as markdown_htmlparser  # Python-Markdown's copy of html.parser

#: Allowed on top of nh3's defaults: what Python-Markdown's tables, table of contents (permalinks,
#: heading ids), footnotes and code blocks write.
EXTRA_ATTRIBUTES = {"*": {"class", "id", "title", "lang", "dir"}, "a": {"href", "title"},
                    "img": {"alt", "title"}, "th": {"style"}, "td": {"style"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: The Markdown extensions of the built-in site (`site.siteconfig`), with their settings: the body
#: is rendered so here too.
SITE_MARKDOWN_EXTENSIONS = {"tables": {}, "fenced_code": {}, "toc": {"permalink": True}}
#: The only inline style kept: the alignment Markdown tables write.
TABLE_ALIGNMENT = re.compile(r"^text-align:\s*(left|right|center);?$")


def _attributes() -> dict[str, set[str]]:
    attributes = copy.deepcopy(nh3.ALLOWED_ATTRIBUTES)
    for tag, names in EXTRA_ATTRIBUTES.items():
        attributes.setdefault(tag, set()).update(names)
    return attributes


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return value if TABLE_ALIGNMENT.match(value.strip()) else None
    if tag == "img" and attribute == "src" and (":" in value.split("/")[0] or value.startswith("//")):
        return None  # images come from the site itself: no tracking pixels, no mixed content
    return value


_CLEANER = nh3.Cleaner(tags=nh3.ALLOWED_TAGS, attributes=_attributes(), url_schemes=URL_SCHEMES, link_rel=None,
                       attribute_filter=_keep, strip_comments=True)
_HELD = re.compile("\ue000(\\d+)\ue001")


def clean_page_html(content: str, keep: re.Pattern | None = None) -> str:
    """A page's HTML with only what the allow-list keeps: no script, no event handler, no
    `javascript:` or `data:` URL, no external image, no comment; text matching `keep` (the site's
    fragment markers) passes through as it is."""
    held: list[str] = []

    def hold(match: re.Match) -> str:
        held.append(match[0])
        return f"\ue000{len(held) - 1}\ue001"

    protected = content.replace("\ue000", "").replace("\ue001", "")
    if keep is not None:
        protected = keep.sub(hold, protected)
    return _HELD.sub(lambda match: held[int(match[1])], _CLEANER.clean(protected))


#: What a dropped element would have done.
ELEMENT_EFFECTS = {
    "script": "runs code", "iframe": "embeds another page", "frame": "embeds another page",
    "object": "embeds a plugin", "embed": "embeds a plugin", "applet": "embeds a plugin",
    "style": "restyles the whole site", "link": "loads a resource", "meta": "redirects or changes the page",
    "base": "changes where every link goes", "form": "posts readers' input elsewhere",
    "svg": "can carry script", "math": "can carry script", "template": "can carry script",
}
NOT_ALLOWED = "is not on the site's allow-list"
_SCHEME_EFFECT = {"javascript:": "runs code", "vbscript:": "runs code", "data:": "embeds a document that can run code"}
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Dropped:
    """Something of a body that the site's allow-list would drop, or the engine could not read:
    its line and column (1-based, in the whole file) and why."""

    line: int
    column: int
    why: str


def unsafe_scheme(url: str) -> str | None:
    """The scheme of a URL that runs script or embeds data (`javascript:`, `vbscript:`, `data:`),
    however it is encoded or spaced; None for any other URL."""
    decoded = html.unescape(html.unescape(url))
    compact = re.sub(r"[\x00-\x20]+", "", decoded).lower()
    return next((scheme for scheme in _SCHEME_EFFECT if compact.startswith(scheme)), None)


def dropped_html(body: str, first_line: int) -> list[Dropped]:
    """What the site would drop from `body` (whose first line is `first_line` of its file) or could
    not build: the body rendered as the site renders it, then run through the site's allow-list;
    each element or attribute that did not come through, at the line that wrote it."""
    if not _may_be_unsafe(body):
        return []
    if stopped := _unreadable(body, markdown_htmlparser.HTMLParser()):
        line, problem = stopped
        return [Dropped(first_line + line - 1, 1, f"HTML that the site engine cannot read ({problem}): the build "
                                                   "would stop, even with it in code; rewrite it (outside code, "
                                                   "write `<` as `&lt;`)")]
    fragment = render_as_site(body)
    if stopped := _unreadable(fragment, HTMLParser()):  # the site's sanitiser reads anything; this finder cannot
        return [Dropped(first_line, 1, f"HTML that cannot be checked ({stopped[1]}): remove it")]
    source = _Source(body, first_line)
    return [source.locate(signature) for signature in _dropped(fragment)]


def _may_be_unsafe(text: str) -> bool:
    """Whether `text` may render to HTML of the author's or a link the allow-list refuses; without
    `<`, `&#` or a refused scheme it cannot (most post-mortems: no rendering at all)."""
    if "<" in text or "&#" in text:
        return True
    lowered = text.lower()
    colon = lowered.find(":")
    while colon != -1:  # a scheme ends at a colon: look only before each one
        if lowered[max(0, colon - 12):colon].rstrip().endswith(("script", "data")):
            return True
        colon = lowered.find(":", colon + 1)
    return False


def render_as_site(text: str) -> str:
    """Markdown to HTML as the site's engine renders an author's text (before the allow-list)."""
    renderer = markdown.Markdown(extensions=list(SITE_MARKDOWN_EXTENSIONS), extension_configs=SITE_MARKDOWN_EXTENSIONS)
    return renderer.convert(text)


def _dropped(fragment: str) -> list[tuple[str, ...]]:
    """What the allow-list drops from `fragment`, in order: ("element", tag) and
    ("attribute", tag, name, value). Both sides are read as the sanitiser's own HTML parser reads
    them (html5ever, through nh3): the fragment cleaned by a cleaner that keeps every name it holds,
    against the fragment cleaned by the site's allow-list; so a parser's difference of opinion on
    odd markup is no finding."""
    before, after = _elements(_kept_whole(fragment)), _elements(clean_page_html(fragment))
    found: list[tuple[str, ...]] = []
    matcher = difflib.SequenceMatcher(None, [tag for tag, _ in before], [tag for tag, _ in after], autojunk=False)
    for operation, start, end, other, _ in matcher.get_opcodes():
        for index in range(start, end):
            tag, attributes = before[index]
            if operation == "equal":
                kept = after[other + index - start][1]
                found += [("attribute", tag, name, value) for name, value in attributes.items()
                          if kept.get(name) != value]
            else:
                found.append(("element", tag))
    return found


def _kept_whole(fragment: str) -> str:
    """`fragment` as nh3 parses and writes it, keeping every tag, attribute and URL scheme it names
    (comments aside, which the site drops and which run nothing)."""
    names = set(re.findall(r"[^\s\"'<>/=`]+", fragment))
    tags = {name.lower() for name in names} | names | set(nh3.ALLOWED_TAGS)
    written = html.unescape(html.unescape(fragment))  # `&#106;avascript&colon;` names a scheme too
    schemes = {scheme.lower() for scheme in re.findall(r"([a-zA-Z][a-zA-Z0-9+.-]*):", written)} | URL_SCHEMES
    keeper = nh3.Cleaner(tags=tags, clean_content_tags=set(), attributes={"*": tags}, url_schemes=schemes,
                         link_rel=None, strip_comments=True)
    return keeper.clean(fragment)


def _unreadable(text: str, parser: HTMLParser) -> tuple[int, str] | None:
    """Where and why `parser` stops on `text`, or None. MkDocs runs Python-Markdown's copy of
    html.parser over every page's Markdown (to find anchors), and a build stops where it does."""
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError, IndexError) as error:
        return parser.getpos()[0], str(error).split(" at ", 1)[0] or type(error).__name__
    return None


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def _elements(fragment: str) -> list[tuple[str, dict[str, str]]]:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector.elements


def _why(signature: tuple[str, ...]) -> str:
    if signature[0] == "element":
        tag = signature[1]
        if tag in ELEMENT_EFFECTS:
            return f"<{tag}> {ELEMENT_EFFECTS[tag]}"
        if tag in nh3.ALLOWED_TAGS:
            return f"<{tag}> goes with what encloses it (an unclosed <style> or <script>, or <svg> or <math> content)"
        return f"<{tag}> {NOT_ALLOWED}"
    _, tag, name, value = signature
    if name.startswith("on"):
        return f"the event handler {name}= runs code"
    if scheme := unsafe_scheme(value):
        return f"a {scheme} URL in {name}= {_SCHEME_EFFECT[scheme]}"
    if tag == "img" and name == "src":
        return "an image from another site (it tracks readers and may not load)"
    if name == "style":
        return "an inline style restyles the page"
    return f"the attribute {name}= of <{tag}> {NOT_ALLOWED}"


def _attribute_named(name: str) -> re.Pattern:
    """An attribute's name as written in raw HTML, not part of a longer name."""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.I)


class _Source:
    """The body's lines as an author wrote them, code and comments blanked (the site shows code as
    text and drops comments), to find the line of each thing the allow-list dropped: the first line
    that, rendered alone, has it dropped too; else the first that writes it."""

    def __init__(self, body: str, first_line: int) -> None:
        self.first_line = first_line
        text = _COMMENT.sub(lambda match: re.sub(r"[^\n]", " ", match[0]), body)
        lines, fence = [], None
        for line in text.split("\n"):
            opening = _FENCE.match(line)
            if fence or opening:
                if opening and (fence is None or opening[1][0] == fence[0] and len(opening[1]) >= len(fence)):
                    fence = None if fence else opening[1]
                lines.append("")
                continue
            lines.append(_CODE_SPAN.sub(lambda match: " " * len(match[0]), line))
        self.lines = lines
        self.alone: dict[int, list[tuple[str, ...]]] = {}

    def _dropped_alone(self, number: int) -> list[tuple[str, ...]]:
        """What the allow-list drops from line `number` rendered on its own (taken as it is claimed)."""
        if number not in self.alone:
            line = self.lines[number]
            fragment = render_as_site(line) if _may_be_unsafe(line) else ""
            self.alone[number] = _dropped(fragment) if fragment and not _unreadable(fragment, HTMLParser()) else []
        return self.alone[number]

    def locate(self, signature: tuple[str, ...]) -> Dropped:
        """The first line that drops `signature` when rendered alone, else the first that writes it."""
        for number in range(len(self.lines)):
            dropped = self._dropped_alone(number)
            if signature in dropped:
                dropped.remove(signature)
                return self._at(number, signature)
        # Where it is written: its value as written, else (an entity-encoded value) its attribute's name.
        patterns = [self._written(signature)] + ([_attribute_named(signature[2])] if signature[0] == "attribute" else [])
        found = (number for pattern in patterns for number, line in enumerate(self.lines) if pattern.search(line))
        return self._at(next(found, 0), signature)

    @staticmethod
    def _written(signature: tuple[str, ...]) -> re.Pattern:
        if signature[0] == "element":
            return re.compile(rf"<\s*{re.escape(signature[1])}(?![\w-])", re.I)
        _, _, name, value = signature
        return re.compile(re.escape(value.strip()), re.I) if value.strip() else _attribute_named(name)

    def _at(self, number: int, signature: tuple[str, ...]) -> Dropped:
        line = self.lines[number]
        where = [self._written(signature).search(line)]
        if signature[0] == "attribute":
            where.insert(0, _attribute_named(signature[2]).search(line))
        column = next((match.start() for match in where if match), 0)
        return Dropped(self.first_line + number, column + 1, f"{_why(signature)}: the site drops it; show it as code "
                                                             "in backticks, or remove it")
