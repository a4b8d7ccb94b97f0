"""Search: the search page, and the small documents the indexer reads instead of the themed pages
(one per post-mortem that is not restricted), split in bundles that the search page merges."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Site, path_of
from .markup import e, front_matter_block, paragraph

INLINE_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`]+")


def search_page(site: Site) -> Iterator[tuple[str, str, list[str]]]:
    label = site.labels
    yield "search.md", "\n".join([
        front_matter_block(label("search")), f"# {e(label('search'))}\n", paragraph(label("search_intro")),
        f'<div id="pm-search" data-bundles="{site.search_bundles}" data-pagefind-ignore></div>\n',
    ]), []


def _plain(markdown: str) -> str:
    """Markdown as readable text for search excerpts: links and emphasis reduced to their words."""
    return INLINE_MARKUP.sub(lambda match: match[1] or "", markdown)


def search_bundle(index: int) -> str:
    """The folder of the site that holds search bundle `index`; the first one holds the search UI."""
    return "pagefind" if index == 0 else f"pagefind-{index}"


def search_documents(site: Site) -> Iterator[tuple[str, str, list[str]]]:
    """One small HTML document per post-mortem, for the search indexer: the title, the front
    matter's words, and the body's sections with the anchors the site gives their headings, under
    the folder of its search bundle. Indexing these instead of the themed pages keeps the
    indexer's memory flat. Each is a file `<id>.html` beside the others of its year, not a folder
    of its own (10,000 folders cost a large build over a second): the search page links its
    results to the page, `<id>/`."""
    from markdown.extensions.toc import slugify

    language = site.config.language
    for number, pm in enumerate(pm for pm in site.postmortems if not pm.is_restricted):
        values = pm.values
        title = values.get("title") or pm.id
        facts = " · ".join(str(part) for part in (
            values.get("severity"), ", ".join(site.service_name(s) for s in values.get("services") or []),
            values.get("root_cause"), " ".join(values.get("tags") or [])) if part)
        lines = pm.body.split("\n")
        sections = []
        for section in pm.sections:
            text = "\n".join(lines[section.line - pm.body_line + 1: section.end_line - pm.body_line + 1])
            sections.append(f'<h2 id="{e(slugify(section.title, "-"))}">{e(_plain(section.title))}</h2>'
                            f"<p>{e(_plain(text))}</p>")
        yield (f"{search_bundle(number % site.search_bundles)}/{path_of(pm).removesuffix('.md')}.html",
               f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{e(title)}</title></head>'
               f'<body><h1>{e(title)}</h1><p>{e(facts)}</p>{"".join(sections)}</body></html>', [])
