"""The site engines that build the generated tree `build/docs` into a folder: MkDocs with Material
(in this process, its page loop shared by several processes), or Zensical (its own command). The
tree is the same for both, and every built page is finished by `site.tree.finish_page` (its
fragments put in place, its authors' part sanitised), so the two give the same site: after
Zensical has built them, or, as a speed-up, by MkDocs as it writes each page (a test checks that
this writes the same bytes as finishing MkDocs' pages afterwards).

MkDocs' pages are shared by several processes only when no plugin is configured, anchors are not
validated and warnings are not errors (`strict`): the things that look across pages. That, and the
live preview's single-page render, call MkDocs' internals (`site.mkdocs_internals`), used only with
the MkDocs version they were checked against; with another, MkDocs' public `build()` builds every
page (one process, the same pages) and the preview rebuilds the whole site.
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
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jinja2 import TemplateError
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..errors import BuildError, SiteConfigError
from . import mkdocs_internals
from .mkdocs_log import collected_warnings, failure
from .tree import finish_page, finish_pages, page_fragments


def build_with(engine: str, config_file: Path, docs_dir: Path, fragments_dir: Path, site_dir: Path,
               today: dt.date, jobs: int = 1, language: str | None = None,
               prepared: PreparedMkDocs | None = None) -> list[str]:
    """Build `docs_dir` into `site_dir` with `engine` and the MkDocs-style config `config_file`, the
    pages finished with their fragments from `fragments_dir` (`site.tree.finish_page`): after
    Zensical has built them all, or by MkDocs as it writes each one (the same bytes, without reading
    and writing every page twice); with MkDocs, from its config `prepared` earlier (`prepare_mkdocs`)
    if there is one. Returns the engine's warnings; raises SiteConfigError for a configuration it
    cannot use and BuildError when it fails."""
    if engine == "zensical":
        warnings = run_zensical(config_file, docs_dir, site_dir, today)
        finish_pages(site_dir, fragments_dir, jobs=jobs)
        return warnings
    return run_mkdocs(config_file, docs_dir, site_dir, today, jobs, language, fragments_dir, prepared=prepared)


@dataclass
class PreparedMkDocs:
    """MkDocs' config, loaded, and its theme's templates compiled, with the warnings logged meanwhile."""

    config: object
    templates: object  # the theme's Jinja environment
    warnings: list[str] = field(default_factory=list)


def prepare_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path) -> PreparedMkDocs | None:
    """MkDocs made ready to build `docs_dir` (which must exist, but may still be empty) into
    `site_dir`: its config loaded and its theme's templates compiled, by rendering a throw-away page
    that nothing writes. None when the config cannot be loaded: the build then loads it again and
    says why.

    Why: a build spends about 0.3 s loading MkDocs' config and compiling Material's 46 templates
    (twice for the templates of pages, once in each process that renders them); done while the
    page generator writes the docs tree, on the core it leaves idle, that is 0.3 s less in a build
    of 100 post-mortems that took 1.5 s (benchmarks/README.md)."""
    with collected_warnings() as warnings:
        try:
            config = mkdocs_config(config_file, docs_dir, site_dir)
        except SiteConfigError:
            return None
        templates = config.theme.get_env()
        page = Page(None, File("warm-up.md", src_dir=None, dest_dir=str(site_dir), use_directory_urls=True), config)
        page.file.content_string = "# Warm-up\n"
        files = Files([page.file])
        try:
            page.read_source(config)
            page.render(config, files)
            templates.get_template("main.html").render(mkdocs_build.get_context(Navigation([page], [page]), files, config, page))
        except (MkDocsException, TemplateError, OSError):  # the real build renders the same and says why
            pass
    return PreparedMkDocs(config, templates, warnings)


class FinishPages(BasePlugin):
    """Finishes each page as MkDocs writes it, with its fragments from `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def on_post_page(self, output: str, page, config) -> str:
        return finish_page(output, page_fragments(self.folder, page.file.src_uri))


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
               language: str | None = None, fragments_dir: Path | None = None,
               mkdocs_version: str = mkdocs_internals.INSTALLED, prepared: PreparedMkDocs | None = None) -> list[str]:
    """Build `docs_dir` into `site_dir` with MkDocs and the config `config_file`; `jobs` processes
    render the pages when the config allows it and `mkdocs_version` (the installed MkDocs) is the
    one whose internals were checked; with `fragments_dir`, each page is finished as it is written.
    Returns MkDocs' warnings, one when the pages could have been shared but MkDocs' version is not
    the one checked, and one when the theme's language is not `language` (the generated pages');
    raises SiteConfigError or BuildError. With `prepared` (from `prepare_mkdocs` on the same
    folders), its config and templates are used."""
    with collected_warnings() as warnings, _source_date(today):
        try:
            if prepared is not None:
                config, templates = prepared.config, prepared.templates
                warnings.extend(prepared.warnings)
            else:
                config, templates = mkdocs_config(config_file, docs_dir, site_dir), None
            if language and config.theme.get("language") != language:
                warnings.append(f"{config_file.name} sets the theme's language to {config.theme.get('language')!r} "
                                f"but postmortem.yml says {language!r}: the theme's own words (table of contents, "
                                "skip to content) will not match the pages; remove theme.language or set it to "
                                f"{language!r}")
            parallel = (jobs > 1 and not config.plugins and not config.strict
                        and config.validation.links.anchors < logging.WARNING
                        and "fork" in multiprocessing.get_all_start_methods())
            if parallel and not mkdocs_internals.checked(mkdocs_version):
                warnings.append(unchecked_version(mkdocs_version))
                parallel = False
            if fragments_dir is not None:
                config.plugins["postmortem-finish"] = FinishPages(fragments_dir)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                if parallel:
                    warnings.extend(mkdocs_internals.build_in_processes(config, jobs, templates))
                else:
                    mkdocs_build.build(config)
            finally:
                config.plugins.on_shutdown()
        except (MkDocsException, TemplateError, OSError) as error:  # a theme or a page MkDocs cannot render
            raise BuildError(f"the site engine failed: {failure(error, warnings)}") from None
    return warnings


def unchecked_version(version: str) -> str:
    """The warning of a build with MkDocs `version`, whose internals were not checked."""
    return (f"MkDocs {version} is not the version whose internals were checked ({mkdocs_internals.MKDOCS_CHECKED}): "
            "building through MkDocs' public build(), in one process (slower, the same pages)")


def mkdocs_config(config_file: Path, docs_dir: Path, site_dir: Path):
    """MkDocs' config from `config_file`, reading `docs_dir` and writing `site_dir`. Raises
    SiteConfigError when MkDocs rejects it or it cannot build the generated pages."""
    with collected_warnings() as logged:
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
    pages, and with the MkDocs whose internals were checked; `load` says None otherwise."""

    def __init__(self, config) -> None:
        self.config = config
        self.files, self.env, self.nav = mkdocs_internals.site_structure(config)

    @classmethod
    def load(cls, config_file: Path, docs_dir: Path, site_dir: Path,
             mkdocs_version: str = mkdocs_internals.INSTALLED) -> LiveMkDocs | None:
        """MkDocs loaded on `docs_dir` (as last built into `site_dir`), or None when its config has
        plugins or `mkdocs_version` (the installed MkDocs) is not the one whose internals were checked."""
        if not mkdocs_internals.checked(mkdocs_version):
            return None
        config = mkdocs_config(config_file, docs_dir, site_dir)
        return None if config.plugins else cls(config)

    def render(self, sources: set[str]) -> None:
        """Render and write again the docs files `sources` (paths in the docs tree): pages and
        static files, new ones included; remove what was built from those deleted. Raises BuildError."""
        with collected_warnings() as logged:
            try:
                for source in sorted(sources):
                    self._render(source)
            except (MkDocsException, TemplateError, OSError) as error:
                raise BuildError(f"the site engine failed: {failure(error, logged)}") from None

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
        mkdocs_internals.write_page(page, config, files, files.documentation_pages(), self.nav, self.env)
