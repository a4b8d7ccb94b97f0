"""The site engines that build the generated tree `build/docs` into a folder: MkDocs with Material
(in this process, its page loop shared by several processes), or Zensical (its own command). The
tree is the same for both, and every built page is finished by `site.tree.finish_page` (its
fragments put in place, its authors' part sanitised), so the two give the same site: after
Zensical has built them, or, as a speed-up, by MkDocs as it writes each page (a test checks that
this writes the same bytes as finishing MkDocs' pages afterwards).

The parallel MkDocs build is MkDocs 1.6's own `build()` (mkdocs/commands/build.py) with its page
loop shared out: once the files and the navigation are known, a page's output depends on nothing
but itself, so each process reads, renders and writes a share of the pages, and lets each go once
it is written. A test checks that the two builds write the same bytes. It is used only when no
plugin is configured, anchors are not validated and warnings are not errors (`strict`): the things
that look across pages. Its processes also convert every page with one Markdown instance
(`_render_reusing`). It calls private functions and classes of MkDocs, checked against 1.6.1 (the
version range pinned in pyproject.toml).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import logging
import multiprocessing
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import markdown
import yaml
from jinja2 import TemplateError
from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException
from mkdocs.plugins import BasePlugin
from mkdocs.structure import pages as mkdocs_pages
from mkdocs.structure.files import File, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from ..errors import BuildError, SiteConfigError
from .tree import finish_page, finish_pages, page_fragments


def build_with(engine: str, config_file: Path, docs_dir: Path, fragments_dir: Path, site_dir: Path,
               today: dt.date, jobs: int = 1, language: str | None = None) -> list[str]:
    """Build `docs_dir` into `site_dir` with `engine` and the MkDocs-style config `config_file`, the
    pages finished with their fragments from `fragments_dir` (`site.tree.finish_page`): after
    Zensical has built them all, or by MkDocs as it writes each one (the same bytes, without reading
    and writing every page twice). Returns the engine's warnings; raises SiteConfigError for a
    configuration it cannot use and BuildError when it fails."""
    if engine == "zensical":
        warnings = run_zensical(config_file, docs_dir, site_dir, today)
        finish_pages(site_dir, fragments_dir, jobs=jobs)
        return warnings
    return run_mkdocs(config_file, docs_dir, site_dir, today, jobs, language, fragments_dir)


class FinishPages(BasePlugin):
    """Finishes each page as MkDocs writes it, with its fragments from `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def on_post_page(self, output: str, page, config) -> str:
        return finish_page(output, page_fragments(self.folder, page.file.src_uri))


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


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, today: dt.date, jobs: int = 1,
               language: str | None = None, fragments_dir: Path | None = None) -> list[str]:
    """Build `docs_dir` into `site_dir` with MkDocs and the config `config_file`; `jobs` processes
    render the pages when the config allows it; with `fragments_dir`, each page is finished as it
    is written. Returns MkDocs' warnings, and one when the theme's language is not `language` (the
    generated pages'); raises SiteConfigError or BuildError."""
    with _collected_warnings() as warnings, _source_date(today):
        try:
            config = mkdocs_config(config_file, docs_dir, site_dir)
            if language and config.theme.get("language") != language:
                warnings.append(f"{config_file.name} sets the theme's language to {config.theme.get('language')!r} "
                                f"but postmortem.yml says {language!r}: the theme's own words (table of contents, "
                                "skip to content) will not match the pages; remove theme.language or set it to "
                                f"{language!r}")
            parallel = (jobs > 1 and not config.plugins and not config.strict
                        and config.validation.links.anchors < logging.WARNING)
            if fragments_dir is not None:
                config.plugins["postmortem-finish"] = FinishPages(fragments_dir)
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


def mkdocs_config(config_file: Path, docs_dir: Path, site_dir: Path):
    """MkDocs' config from `config_file`, reading `docs_dir` and writing `site_dir`. Raises
    SiteConfigError when MkDocs rejects it or it cannot build the generated pages."""
    with _collected_warnings() as logged:
        try:
            config = load_config(str(config_file), docs_dir=str(docs_dir.resolve()), site_dir=str(site_dir.resolve()))
        except (ConfigurationError, Abort) as error:  # MkDocs logs each problem, then aborts
            problems = "; ".join(logged) or str(error)
            raise SiteConfigError(f"{_shown(config_file)} cannot be used: {problems}; fix it, or delete it to build "
                                  "with the built-in configuration") from None
    if not config.use_directory_urls:
        raise SiteConfigError(f"{_shown(config_file)} sets use_directory_urls to false: the generated pages link "
                              "to directory URLs, remove the setting")
    return config


def _shown(config_file: Path) -> str:
    return config_file.name if config_file.parent.name != "build" else f"build/{config_file.name}"


def run_zensical(config_file: Path, docs_dir: Path, site_dir: Path, today: dt.date) -> list[str]:
    """Build `docs_dir` into `site_dir` with Zensical's command, through a config beside `docs_dir`
    that inherits `config_file` (Zensical reads MkDocs' format, and wants both folders under the
    folder of its config). Raises SiteConfigError when Zensical is not installed, BuildError when
    it fails."""
    if importlib.util.find_spec("zensical") is None:
        raise SiteConfigError("postmortem.yml sets `engine: zensical` but Zensical is not installed: "
                              "pip install 'postmortem-kb[zensical]', or remove the setting to build with MkDocs")
    project = docs_dir.parent.resolve()
    derived = project / "zensical.yml"
    settings = {"INHERIT": os.path.relpath(config_file.resolve(), project),
                "docs_dir": os.path.relpath(docs_dir.resolve(), project),
                "site_dir": os.path.relpath(site_dir.resolve(), project)}
    derived.write_text("# Written by `postmortem build` for Zensical. Do not edit.\n"
                       + yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    with _source_date(today):
        ran = subprocess.run([sys.executable, "-m", "zensical", "build", "--config-file", str(derived)],
                             cwd=project, capture_output=True, text=True, env=os.environ.copy())
    output = (ran.stdout + ran.stderr).strip()
    if ran.returncode != 0:
        raise BuildError(f"the site engine (Zensical) failed: {output.splitlines()[-1] if output else ran.returncode}")
    return [line.strip() for line in output.splitlines() if "warning" in line.lower()]


class LiveMkDocs:
    """MkDocs kept loaded next to a site it built, to render again only the pages of the docs tree
    that changed (the live preview). Only for a config without plugins, which may look across
    pages; `load` says None otherwise."""

    def __init__(self, config) -> None:
        self.config = config
        self.files, self.env, self.nav = _site_structure(config)

    @classmethod
    def load(cls, config_file: Path, docs_dir: Path, site_dir: Path) -> LiveMkDocs | None:
        """MkDocs loaded on `docs_dir` (as last built into `site_dir`), or None when its config has plugins."""
        config = mkdocs_config(config_file, docs_dir, site_dir)
        return None if config.plugins else cls(config)

    def render(self, sources: set[str]) -> None:
        """Render and write again the docs files `sources` (paths in the docs tree): pages and
        static files, new ones included; remove what was built from those deleted. Raises BuildError."""
        with _collected_warnings() as logged:
            try:
                for source in sorted(sources):
                    self._render(source)
            except (MkDocsException, TemplateError, OSError) as error:
                raise BuildError(f"the site engine failed: {_failure(error, logged)}") from None

    def _render(self, source: str) -> None:
        config, files = self.config, self.files
        known = files.get_file_from_path(source)
        if not (Path(config.docs_dir) / source).is_file():
            if known is not None:
                files.remove(known)
                Path(known.abs_dest_path).unlink(missing_ok=True)
            return
        file = known or File(source, config.docs_dir, config.site_dir, config.use_directory_urls)
        if known is None:
            files.append(file)
        if not file.is_documentation_page():
            file.copy_file()
            return
        page = file.page or Page(None, file, config)
        mkdocs_build._populate_page(page, config, files)
        mkdocs_build._build_page(page, config, files.documentation_pages(), self.nav, self.env)
        if page not in self.nav.pages:
            page.markdown = page.content = None


def _build_in_processes(config, jobs: int) -> list[str]:
    """`mkdocs.commands.build.build(config)` without plugins, its pages shared by `jobs` processes.
    Returns the warnings the processes logged."""
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    utils.clean_directory(config.site_dir)
    files, env, nav = _site_structure(config)
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


def _site_structure(config):
    """MkDocs' build up to its page loop: the files, the theme's environment and the navigation,
    with a page object for every documentation file and the navigation's pages read (their titles
    are on every page)."""
    files = get_files(config)
    env = config.theme.get_env()
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


#: What the page-building processes inherit from the parent when they fork.
_shared: tuple = ()


def _build_pages(indexes: list[int]) -> tuple[list[str], str | None]:
    config, files, doc_files, nav, env = _shared
    Page.render = _render_reusing(markdown.Markdown(extensions=config["markdown_extensions"],
                                                    extension_configs=config["mdx_configs"] or {}))
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


def _render_reusing(md: markdown.Markdown):
    """MkDocs 1.6's `Page.render` (mkdocs/structure/pages.py) with one Markdown instance, reset between
    pages, instead of one made for every page: making one takes about as long as converting a
    post-mortem. Installed in the page-building processes only (they end with the build); the
    pages are MkDocs' own byte for byte (a test compares the builds)."""

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


def _failure(error: Exception, logged: list[str]) -> str:
    """What went wrong: MkDocs logs the page it failed on just before raising, so prefer that."""
    if logged and logged[-1].startswith("Error "):
        return logged[-1]
    return str(error) or type(error).__name__
