"""What HTML a page may carry: the allow-list that every built page's content goes through (nh3,
the binding of the Ammonia sanitiser), and the finder that tells authors which raw HTML in their
Markdown it would drop, with its line.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterator

import nh3

#: Allowed on top of nh3's defaults: what Python-Markdown's tables, table of contents (permalinks,
#: heading ids), footnotes and code blocks write.
EXTRA_ATTRIBUTES = {"*": {"class", "id", "title", "lang", "dir"}, "a": {"href", "title"},
                    "img": {"alt", "title"}, "th": {"style"}, "td": {"style"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
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


#: Elements the site drops, with what they would do.
DROPPED_ELEMENTS = {
    "script": "runs code", "iframe": "embeds another page", "frame": "embeds another page",
    "object": "embeds a plugin", "embed": "embeds a plugin", "applet": "embeds a plugin",
    "style": "restyles the whole site", "link": "loads a resource", "meta": "redirects or changes the page",
    "base": "changes where every link goes", "form": "posts readers' input elsewhere",
    "svg": "can carry script", "math": "can carry script", "template": "can carry script",
}
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>?")
_HANDLER = re.compile(r"(?:^|[\s\"'/])(on[a-zA-Z]+)\s*=", re.ASCII)
_URL_ATTRIBUTE = re.compile(r"""(?:^|[\s"'/])(href|src|action|formaction|xlink:href|data|poster|srcset)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
                            re.IGNORECASE)
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)|<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>|^\s*\[[^\]]+\]:\s*<?(\S+)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SCHEME_EFFECT = {"javascript:": "runs code", "vbscript:": "runs code", "data:": "embeds a document that can run code"}
_UNSAFE_SCHEMES = tuple(_SCHEME_EFFECT)


def unsafe_scheme(url: str) -> str | None:
    """The scheme of a URL that runs script or embeds data (`javascript:`, `vbscript:`, `data:`),
    however it is encoded or spaced; None for any other URL."""
    decoded = html.unescape(html.unescape(url))
    compact = re.sub(r"[\x00-\x20]+", "", decoded).lower()
    return next((scheme for scheme in _UNSAFE_SCHEMES if compact.startswith(scheme)), None)


def unsafe_html(line: str) -> Iterator[tuple[int, str]]:
    """What the site would drop from one line of Markdown (code spans aside): (column, why)."""
    line = _CODE_SPAN.sub(lambda m: " " * len(m[0]), line)
    if "<" in line:
        for tag in _TAG.finditer(line):
            name, rest = tag[2].lower(), tag[3]
            if name in DROPPED_ELEMENTS and not tag[1]:
                yield tag.start() + 1, f"<{name}> {DROPPED_ELEMENTS[name]}"
                continue
            for handler in _HANDLER.finditer(rest):
                yield tag.start() + 1, f"the event handler {handler[1]}= runs code"
            for attribute in _URL_ATTRIBUTE.finditer(rest):
                if scheme := unsafe_scheme(attribute[2].strip("\"'")):
                    yield tag.start() + 1, f"a {scheme} URL in {attribute[1]}= {_SCHEME_EFFECT[scheme]}"
    if ":" in line:
        for link in _LINK_TARGET.finditer(line):
            if scheme := unsafe_scheme(link[1] or link[2] or link[3] or ""):
                yield link.start() + 1, f"a {scheme} link {_SCHEME_EFFECT[scheme]}"
