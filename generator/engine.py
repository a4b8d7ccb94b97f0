"""MkDocs on the generated tree: the plugin that sanitises the post-mortem pages and puts the generated HTML
fragments in place, and a build whose pages are read and rendered by several processes.

The parallel build is MkDocs 1.6's own `build()` (mkdocs/commands/build.py) with its page loop
shared out: once the files and the navigation are known, a page's output depends on nothing but
itself, so each process reads, renders and writes a share of the pages, and lets each go once it is
written. A test checks that the two builds write the same bytes. It is used only when no plugin is
configured, anchors are not validated and warnings are not errors (`strict`): the things that look
across pages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from jinja2 import TemplateError
from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from .config import POSTMORTEMS_DIR
from .errors import BuildError
from .sanitize import clean_page_html
from .site import FRAGMENT, fill_fragments


class PagesPlugin(BasePlugin):
    """Runs each post-mortem page's HTML, rendered from Markdown, through the sanitiser's allow-list, then puts
    the page's generated HTML fragments (`<page>.md.json` in `folder`, escaped where they were made)
    in place of their markers as MkDocs writes the page."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def on_page_content(self, html: str, page, config, files) -> str:
        # Post-mortem pages carry the authors' Markdown; the generated pages only text escaped where
        # it was written, and the attributes their scripts read (data-bundles, data-filter).
        return clean_page_html(html, keep=FRAGMENT) if page.file.src_uri.startswith(f"{POSTMORTEMS_DIR}/") else html

    def on_post_page(self, output: str, page, config) -> str:
        source = self.folder / f"{page.file.src_uri}.json"
        if not source.is_file():
            return output
        return fill_fragments(output, json.loads(source.read_text(encoding="utf-8")))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _collected_warnings():
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


@contextlib.contextmanager
def _source_date(today: dt.date):
    """Sitemaps and archives carry the build date: pin it to `today` so builds are reproducible."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC).timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, fragments: Path, today: dt.date,
               jobs: int = 1, language: str | None = None) -> list[str]:
    """Build `docs_dir` into `site_dir` with the MkDocs config `config_file`, filling in the
    fragments; `jobs` processes render the pages when the config allows it. Returns MkDocs'
    warnings, and one when the theme's language is not `language` (the generated pages'); raises
    BuildError."""
    with _collected_warnings() as warnings, _source_date(today):
        try:
            config = load_config(str(config_file), docs_dir=str(docs_dir.resolve()), site_dir=str(site_dir.resolve()))
            if not config.use_directory_urls:
                raise BuildError(f"{config_file.name} sets use_directory_urls to false: the generated pages link "
                                 "to directory URLs, remove the setting")
            if language and config.theme.get("language") != language:
                warnings.append(f"{config_file.name} sets the theme's language to {config.theme.get('language')!r} "
                                f"but postmortem.yml says {language!r}: the theme's own words (table of contents, "
                                "skip to content) will not match the pages; remove theme.language or set it to "
                                f"{language!r}")
            parallel = (jobs > 1 and not config.plugins and not config.strict
                        and config.validation.links.anchors < logging.WARNING)
            config.plugins["postmortem-pages"] = PagesPlugin(fragments)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                if parallel and "fork" in multiprocessing.get_all_start_methods():
                    warnings.extend(_build_in_processes(config, jobs))
                else:
                    mkdocs_build.build(config)
            finally:
                config.plugins.on_shutdown()
        except (MkDocsException, TemplateError, OSError) as error:  # a theme or a page MkDocs cannot render
            raise BuildError(f"the site engine failed: {_failure(error, warnings)}") from None
    return warnings


def _build_in_processes(config, jobs: int) -> list[str]:
    """`mkdocs.commands.build.build(config)` without plugins, its pages shared by `jobs` processes.
    Returns the warnings the processes logged."""
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    utils.clean_directory(config.site_dir)
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    inclusion = InclusionLevel.is_included
    doc_files = files.documentation_pages(inclusion=inclusion)
    for file in doc_files:
        if file.page is None:
            Page(None, file, config)
        elif file.page in nav.pages:
            # The navigation shows these pages' titles on every page: read them first.
            mkdocs_build._populate_page(file.page, config, files)
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
    with _collected_warnings() as warnings:
        try:
            for index in indexes:
                page = doc_files[index].page
                mkdocs_build._populate_page(page, config, files)
                mkdocs_build._build_page(page, config, doc_files, nav, env)
                if page not in nav.pages:
                    page.markdown = page.content = None  # written: let it go
        except Exception as error:  # reported to the parent, which raises BuildError
            return warnings, _failure(error, warnings)
    return warnings, None


def _failure(error: Exception, logged: list[str]) -> str:
    """What went wrong: MkDocs logs the page it failed on just before raising, so prefer that."""
    if logged and logged[-1].startswith("Error "):
        return logged[-1]
    return str(error) or type(error).__name__
