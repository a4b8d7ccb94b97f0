"""Search: the search page, and the small documents the indexer reads instead of the themed pages
(one per post-mortem that is not restricted), split in bundles that the search page merges."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..figures.units import duration
from .context import Site, path_of
from .markup import GeneratedFile, e, front_matter_block, paragraph

INLINE_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`]+")


def search_page(site: Site) -> Iterator[GeneratedFile]:
    """The search page, and `assets/search.json`: what the search box of every page and the search
    page need besides the index (the bundles to merge, the filters with their values' names in the
    order to list them, and the words of the interface)."""
    label = site.labels
    yield "search.md", "\n".join([
        front_matter_block(label("search")), f"# {e(label('search'))}\n", paragraph(label("search_intro")),
        '<div id="pm-search" data-pagefind-ignore></div>\n',
    ]), []
    config = site.config
    filters = [
        ("severity", label("severity"), {s.id: s.id for s in config.severities}),
        ("service", label("service"), {s.id: s.display_name for s in config.services}),
        ("cause", label("root_cause"), {cause: cause for cause in config.root_causes}),
        ("year", label("filter_year"), {}),
        ("status", label("status"), {}),
        ("tag", label("filter_tag"), {}),
    ]
    settings = {
        "bundles": site.search_bundles,
        "severities": [s.id for s in config.severities],
        "filters": [{"key": key, "name": name, "values": values} for key, name, values in filters],
        "labels": {key: label(f"search_{key}", name="{name}", count="{count}")
                   for key in ("placeholder", "all_results", "more", "none", "count", "any")},
    }
    yield "assets/search.json", json.dumps(settings, ensure_ascii=False), []


def plain_text(markdown: str) -> str:
    """Markdown as readable text for search excerpts: links and emphasis reduced to their words."""
    return INLINE_MARKUP.sub(lambda match: match[1] or "", markdown)


def search_bundle(index: int) -> str:
    """The folder of the site that holds search bundle `index`; the first one holds the search UI."""
    return "pagefind" if index == 0 else f"pagefind-{index}"


def search_documents(site: Site) -> Iterator[GeneratedFile]:
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
        services = ", ".join(site.service_name(s) for s in values.get("services") or [])
        facts = " · ".join(part for part in (
            values.get("severity") and f'<span data-pagefind-meta="severity">{e(values["severity"])}</span>',
            services and f'<span data-pagefind-meta="services">{e(services)}</span>',
            e(values.get("root_cause") or ""), e(" ".join(values.get("tags") or []))) if part)
        sections = [f'<h2 id="{e(slugify(section.title, "-"))}">{e(plain_text(section.title))}</h2>'
                    f"<p>{e(plain_text(text))}</p>" for section, text in pm.section_texts()]
        yield (f"{search_bundle(number // site.search_bundle_size)}/{path_of(pm).removesuffix('.md')}.html",
               f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{e(title)}</title></head>'
               f'<body><h1>{e(title)}</h1>{_attributes(site, pm)}<p>{facts}</p>{"".join(sections)}</body></html>', [])


def _attributes(site: Site, pm) -> str:
    """Empty elements that give Pagefind the post-mortem's filters (severity, service, cause, year,
    status, tag) and the facts a result shows besides its severity and services (date, duration)."""
    values = pm.values
    started = values.get("started_at")
    ttr = site.ttr(pm)
    filters = [("severity", values.get("severity")), ("cause", values.get("root_cause")),
               ("status", values.get("status")), ("year", started and site.local(started)[:4])]
    filters += [("service", service) for service in values.get("services") or []]
    filters += [("tag", tag) for tag in values.get("tags") or []]
    meta = [("date", started and site.local(started)[:10]),
            ("duration", ttr is not None and duration(ttr))]
    return "".join([f'<i data-pagefind-filter="{key}:{e(value)}"></i>' for key, value in filters if value]
                   + [f'<i data-pagefind-meta="{key}:{e(value)}"></i>' for key, value in meta if value])
