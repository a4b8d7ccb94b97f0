"""The site's Markdown tree: every page generated from the post-mortems.

Pages are Markdown with marker comments where their generated HTML goes (cards, tables), and the
authors' Markdown of a post-mortem between body markers; `finish` puts the HTML in place and
sanitises the authors' part once an engine has built the tree, so any MkDocs-compatible engine
builds it with the same result. Every front-matter string is HTML-escaped where a page shows it,
and post-mortem text is never used as a template.

One module per kind of page; `context` holds what they share (the post-mortems, the config, the
figures), `tables` the HTML several pages show, `markup` escaping, links and fragments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .actions import action_pages
from .context import Site
from .feed import feed
from .home import home_page
from .listings import listing_pages
from .postmortem import postmortem_pages
from .report import report_page
from .search import search_page
from .services import service_pages
from .static import static_pages
from .trends import trend_pages

#: A generated file: its path in the docs tree, its content, and (for a page) its HTML fragments.
GeneratedFile = tuple[str, str | bytes, list[str]]

PAGES: list[Callable[[Site], Iterator[GeneratedFile]]] = [
    home_page, search_page, postmortem_pages, listing_pages, service_pages, trend_pages, action_pages,
    report_page, static_pages, feed,
]


def generate_pages(site: Site) -> Iterator[GeneratedFile]:
    """Every page and file of the docs tree."""
    for pages in PAGES:
        yield from pages(site)
