"""HTML for the generated pages: escaping, links between pages, tables, durations, and the
fragments a page keeps out of its Markdown.

Every string that comes from a post-mortem or the config is escaped here or by the caller with
`e()`; nothing here renders post-mortem text as a template.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache, lru_cache
from typing import Any

#: A marker left in a page's Markdown where one of its fragments goes.
FRAGMENT = re.compile(r"<!-- pm-fragment (\d+) -->")
#: Around the authors' Markdown in a post-mortem page (and the generated sections after it): what
#: lies between them in the built page is sanitised once the engine rendered it (`tree.finish_page`).
BODY_START = "<!-- pm-body -->\n"
BODY_END = "<!-- /pm-body -->\n"
#: Anything an author could write that looks like one of the markers above.
MARKER_LOOKALIKE = re.compile(r"<!--\s*/?\s*pm-(?:body|fragment)", re.IGNORECASE)
#: Pages wide enough for tables: Material's navigation sidebar hidden.
WIDE = {"hide": ["navigation"]}

#: A file of the docs tree, as the pages yield it: its path in the tree, its content, and (for a
#: Markdown page) its HTML fragments, which `site.tree.finish_page` puts in place once it is built.
GeneratedFile = tuple[str, str | bytes, list[str]]


class Fragments:
    """The generated HTML of one page, kept out of its Markdown: the page holds a marker comment
    where each block goes, and the blocks are put in place in the built page (`fill_fragments`).
    Markdown engines parse raw HTML slowly (with MkDocs, most of a build's time on large bases);
    the markers pass through any engine untouched."""

    def __init__(self) -> None:
        self.blocks: list[str] = []

    def __call__(self, html_block: str) -> str:
        """The marker of `html_block`, to write in the page's Markdown."""
        self.blocks.append(html_block)
        return f"<!-- pm-fragment {len(self.blocks) - 1} -->\n"


def fill_fragments(text: str, fragments: list[str]) -> str:
    """A built page with its HTML fragments in place of their markers."""
    return FRAGMENT.sub(lambda match: fragments[int(match[1])], text)


def without_markers(markdown: str) -> str:
    """The authors' Markdown with anything that looks like a body or fragment marker defused, so
    that no text of theirs can end the sanitised part of the page or pull in a generated block."""
    return MARKER_LOOKALIKE.sub(lambda match: match[0].replace("<!--", "&lt;!--"), markdown)


def e(value: Any) -> str:
    """HTML-escaped text of any value."""
    text = str(value)
    # Most values (dates, ids, names, labels) have nothing to escape; a page has thousands of them.
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text, quote=True)
    return text


@cache
def page_url(path: str) -> str:
    """The URL (relative to the site root) of a docs page, as MkDocs writes it with directory URLs."""
    if path == "index.md":
        return ""
    if path.endswith("/index.md"):
        return path[: -len("index.md")]
    return path[:-3] + "/"


@lru_cache(maxsize=4096)
def depth(path: str) -> int:
    """How many folders deep the page `path` is served."""
    return sum(1 for part in page_url(path).split("/") if part)


def href(source: str, target: str) -> str:
    """A relative link from the page `source` to the page (`.md`) or file `target`: up to the site's
    root, then down. It depends only on the source's depth, so rendered rows can be shared."""
    return "../" * depth(source) + (page_url(target) if target.endswith(".md") else target) or "./"


def front_matter_block(title: str, **extra: Any) -> str:
    """The page's YAML front matter. The title is HTML-escaped because themes print it unescaped."""
    lines = ["---", f"title: {json.dumps(html.escape(title), ensure_ascii=False)}"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "\n".join(lines + ["---", ""])


def table(headers: list[str], rows: list[list[str]], row_attributes: list[str] | None = None) -> str:
    """An HTML table; headers are text, cells are HTML already escaped."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join(
        f"<tr{(' ' + row_attributes[i]) if row_attributes else ''}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>"


def paragraph(text: str, css_class: str | None = None) -> str:
    """A paragraph of escaped text, as a raw HTML line of the page's Markdown."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{e(text)}</p>\n"
