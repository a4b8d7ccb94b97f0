"""Every page of the site, as a list of functions: each takes the `Site` and yields the files of
its pages (see `markup.GeneratedFile`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .actions import action_pages
from .context import Site
from .feed import feed
from .home import home_page
from .listings import listing_pages
from .markup import GeneratedFile
from .postmortem import postmortem_pages
from .report import report_page
from .search import search_page
from .services import service_pages
from .static import static_pages
from .teams import team_pages
from .trends import trend_pages

PAGES: list[Callable[[Site], Iterator[GeneratedFile]]] = [
    home_page, search_page, postmortem_pages, listing_pages, service_pages, team_pages, action_pages, report_page,
    static_pages, feed, trend_pages,
]


def generate_pages(site: Site) -> Iterator[GeneratedFile]:
    """Every page and file of the docs tree."""
    for pages in PAGES:
        yield from pages(site)
