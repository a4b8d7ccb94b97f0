"""The listings: every post-mortem, each year's, and the pages by severity, root cause and tag."""

from __future__ import annotations

from collections.abc import Iterator

from ..kb.model import PostMortem, slugify
from .context import Site
from .markup import WIDE, Fragments, GeneratedFile, e, front_matter_block, href, paragraph, table
from .tables import postmortem_table


def listing_pages(site: Site) -> Iterator[GeneratedFile]:
    label = site.labels
    years = sorted({pm.id[:4] for pm in site.postmortems}, reverse=True)
    source, html = "postmortems/index.md", Fragments()
    year_links = " · ".join(f'<a href="{href(source, f"postmortems/{y}/index.md")}">{y}</a>' for y in years)
    browse = " · ".join(f'<a href="{href(source, f"{folder}/index.md")}">{e(label(key))}</a>'
                        for folder, key in (("severities", "severity"), ("causes", "root_cause"), ("tags", "tags")))
    yield source, "\n".join([
        front_matter_block(label("all_postmortems"), **WIDE),
        f"# {e(label('all_postmortems'))}\n",
        f'<p class="pm-years">{e(label("years"))}: {year_links}</p>\n',
        f'<p class="pm-browse">{e(label("browse"))}: {browse}</p>\n',
        html(postmortem_table(site, source, site.postmortems)),
    ]), html.blocks
    for year in years:
        source, html = f"postmortems/{year}/index.md", Fragments()
        chosen = [pm for pm in site.postmortems if pm.id[:4] == year]
        yield source, "\n".join([front_matter_block(label("year_title", year=year), **WIDE),
                                 f"# {e(label('year_title', year=year))}\n",
                                 html(postmortem_table(site, source, chosen))]), html.blocks
    yield from _severities(site)
    yield from _causes(site)
    yield from _tags(site)


def _grouped_pages(site: Site, folder: str, title_key: str, index_title: str,
                   groups: dict[str, tuple[str, str, list[PostMortem]]]) -> Iterator[GeneratedFile]:
    """An index page of `folder` and one page per group: {file stem: (title, intro, post-mortems)}."""
    label = site.labels
    index, html = f"{folder}/index.md", Fragments()
    rows = [[f'<a href="{href(index, f"{folder}/{stem}.md")}">{e(name)}</a>', e(intro), str(len(items))]
            for stem, (name, intro, items) in groups.items()]
    yield index, "\n".join([front_matter_block(index_title), f"# {e(index_title)}\n",
                            html(table([label(title_key), "", label("count")], rows))]), html.blocks
    for stem, (name, intro, items) in groups.items():
        source, html = f"{folder}/{stem}.md", Fragments()
        yield source, "\n".join([front_matter_block(name, **WIDE), f"# {e(name)}\n",
                                 paragraph(intro) if intro else "",
                                 html(postmortem_table(site, source, items))]), html.blocks


def _severities(site: Site) -> Iterator[GeneratedFile]:
    label = site.labels
    groups = {
        slugify(s.id) or f"severity-{i}": (label("severity_title", severity=s.id), s.description,
                                           site.grouped("severity").get(s.id, []))
        for i, s in enumerate(site.config.severities)
    }
    yield from _grouped_pages(site, "severities", "severity", label("severities_title"), groups)


def _causes(site: Site) -> Iterator[GeneratedFile]:
    """A page per root-cause category: the post-mortems it is the root cause of, then those it
    contributed to; the index counts both."""
    label = site.labels
    index, html = "causes/index.md", Fragments()
    primary = {cause: site.grouped("root_cause").get(cause, []) for cause in site.config.root_causes}
    factor = {cause: site.grouped("contributing_factors").get(cause, []) for cause in site.config.root_causes}
    rows = [[f'<a href="{href(index, f"causes/{cause}.md")}">{e(cause)}</a>', str(len(primary[cause])),
             str(len(factor[cause]))] for cause in site.config.root_causes]
    title = label("causes_title")
    yield index, "\n".join([front_matter_block(title), f"# {e(title)}\n",
                            html(table([label("root_cause"), label("as_root_cause"), label("as_factor")], rows))]), html.blocks
    for cause in site.config.root_causes:
        source, html = f"causes/{cause}.md", Fragments()
        name = label("cause_title", cause=cause)
        yield source, "\n".join([
            front_matter_block(name, **WIDE), f"# {e(name)}\n",
            html(postmortem_table(site, source, primary[cause])),
            *([f"## {e(label('factor_in'))}\n", html(postmortem_table(site, source, factor[cause]))] if factor[cause] else []),
        ]), html.blocks


def _tags(site: Site) -> Iterator[GeneratedFile]:
    label = site.labels
    tagged = site.grouped("tags")
    groups = {tag: (label("tag_title", tag=tag), "", tagged[tag]) for tag in sorted(tagged)}
    yield from _grouped_pages(site, "tags", "tags", label("tags_title"), groups)
