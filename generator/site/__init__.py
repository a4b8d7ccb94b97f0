"""The site's Markdown tree: every page generated from the post-mortems.

Pages are Markdown with marker comments where their generated HTML goes (cards, tables), and the
authors' Markdown of a post-mortem between body markers; `finish` puts the HTML in place and
sanitises the authors' part once an engine has built the tree, so any MkDocs-compatible engine
builds it with the same result. Every front-matter string is HTML-escaped where a page shows it,
and post-mortem text is never used as a template.

One module per kind of page, listed in `pages`; `context` holds what they share (the post-mortems,
the config, the figures), `tables` the HTML several pages show, `markup` escaping, links and
fragments.

`Site`, `generate_pages`, `PAGES` and `GeneratedFile` are imported from here on first use: the
build's parent process imports `site.build` and `site.engine`, which need none of the pages (nor
numpy and scipy behind them), so only its page-generating child imports them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Site
    from .markup import GeneratedFile
    from .pages import PAGES, generate_pages

__all__ = ["PAGES", "GeneratedFile", "Site", "generate_pages"]
_LAZY = {"Site": ".context", "GeneratedFile": ".markup", "PAGES": ".pages", "generate_pages": ".pages"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_LAZY[name], __name__), name)
