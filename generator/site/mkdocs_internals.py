"""Every private name of MkDocs that postmortem-kb uses (`PRIVATE_NAMES`), and the code that uses
them; no other module touches MkDocs' internals (a test checks). They were read in MkDocs
`MKDOCS_CHECKED`: the engine calls what is here only when `checked` says the installed MkDocs is
that version, and otherwise builds through MkDocs' public `build()` (slower, the same pages).

What they make possible:
- `build_in_processes`: MkDocs 1.6's own `build()` (mkdocs/commands/build.py) with its page loop
  shared out. Once the files and the navigation are known, a page's output depends on nothing but
  itself, so each process reads, renders and writes a share of the pages, and lets each go once it
  is written. The processes also convert every page with one Markdown instance (`_render_reusing`,
  which replaces `Page.render` in them).
- `site_structure` and `write_page`: one page rendered again, in place, after a build (the live preview).
Tests check that the pages are MkDocs' own byte for byte.
"""

from __future__ import annotations

import importlib.metadata
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import markdown
from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import MkDocsException
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .mkdocs_log import collected_warnings, failure

#: The version of MkDocs whose private names below were read, and whose pages the tests compare.
MKDOCS_CHECKED = "1.6.1"
#: Every private name of MkDocs used below.
PRIVATE_NAMES = (
    "mkdocs.commands.build._populate_page",
    "mkdocs.commands.build._build_page",
    "mkdocs.commands.build._build_theme_template",
    "mkdocs.commands.build._build_extra_template",
    "mkdocs.structure.pages._RawHTMLPreprocessor",
    "mkdocs.structure.pages._RawHTMLPreprocessor._register",
    "mkdocs.structure.pages._ExtractAnchorsTreeprocessor",
    "mkdocs.structure.pages._ExtractAnchorsTreeprocessor._register",
    "mkdocs.structure.pages._RelativePathTreeprocessor",
    "mkdocs.structure.pages._RelativePathTreeprocessor._register",
    "mkdocs.structure.pages._ExtractTitleTreeprocessor",
    "mkdocs.structure.pages._ExtractTitleTreeprocessor._register",
    "mkdocs.structure.pages.Page._title_from_render",
)
#: The installed MkDocs' version, read once at import.
INSTALLED = importlib.metadata.version("mkdocs")


def checked(version: str) -> bool:
    """Whether MkDocs `version` is the one whose private names were checked: only then may the
    functions below be called."""
    return version == MKDOCS_CHECKED


def site_structure(config, env=None):
    """MkDocs' build up to its page loop: the files, the theme's environment (`env`, if made
    already) and the navigation, with a page object for every documentation file and the
    navigation's pages read (their titles are on every page)."""
    files = get_files(config)
    env = env or config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    for file in files.documentation_pages(inclusion=InclusionLevel.is_included):
        if file.page is None:
            Page(None, file, config)
        elif file.page in nav.pages:
            mkdocs_build._populate_page(file.page, config, files)
    return files, env, nav


def write_page(page: Page, config, files, doc_files, nav, env) -> None:
    """Read, render and write `page`, one of `doc_files` (the documentation pages of `files`); then
    let it go, unless the navigation shows it (its title is on every page)."""
    mkdocs_build._populate_page(page, config, files)
    mkdocs_build._build_page(page, config, doc_files, nav, env)
    if page not in nav.pages:
        page.markdown = page.content = None


def build_in_processes(config, jobs: int, env=None) -> list[str]:
    """`mkdocs.commands.build.build(config)` without plugins, its pages shared by `jobs` processes
    (forked), with the theme's environment `env` if it was made already. Returns the warnings the
    processes logged; raises MkDocsException."""
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    utils.clean_directory(config.site_dir)
    files, env, nav = site_structure(config, env)
    inclusion = InclusionLevel.is_included
    doc_files = files.documentation_pages(inclusion=inclusion)
    env = config.plugins.on_env(env, config=config, files=files)
    files.copy_static_files(inclusion=inclusion)
    for template in config.theme.static_templates:
        mkdocs_build._build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        mkdocs_build._build_extra_template(template, files, config, nav)
    shares = [list(range(start, len(doc_files), jobs * 8)) for start in range(jobs * 8)]
    global _shared
    _shared = (config, files, doc_files, nav, env)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            outcomes = list(pool.map(_build_pages, shares))
    finally:
        _shared = ()
    errors = [error for _, error in outcomes if error]
    if errors:
        raise MkDocsException(errors[0])
    config.plugins.on_post_build(config=config)
    return [message for messages, _ in outcomes for message in messages]


#: What the page-building processes inherit from the parent when they fork.
_shared: tuple = ()


def _build_pages(indexes: list[int]) -> tuple[list[str], str | None]:
    config, files, doc_files, nav, env = _shared
    Page.render = _render_reusing(markdown.Markdown(extensions=config["markdown_extensions"],
                                                    extension_configs=config["mdx_configs"] or {}))
    with collected_warnings() as warnings:
        try:
            for index in indexes:
                write_page(doc_files[index].page, config, files, doc_files, nav, env)
        except Exception as error:  # reported to the parent, which raises BuildError
            return warnings, failure(error, warnings)
    return warnings, None


def _render_reusing(md: markdown.Markdown):
    """MkDocs 1.6's `Page.render` (mkdocs/structure/pages.py) with one Markdown instance, reset between
    pages, instead of one made for every page: making one takes about as long as converting a
    post-mortem. Installed in the page-building processes only (they end with the build)."""

    def render(page: Page, config, files) -> None:
        md.reset()
        raw_html = mkdocs_pages._RawHTMLPreprocessor()
        raw_html._register(md)
        anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        anchors._register(md)
        relative_paths = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
        relative_paths._register(md)
        title = mkdocs_pages._ExtractTitleTreeprocessor()
        title._register(md)
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = title.title
        page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_paths.links_to_anchors

    return render
