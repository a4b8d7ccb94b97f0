"""`postmortem build` and `serve`: validate, generate the docs tree, build it with MkDocs, index it
with Pagefind, and swap the result into `site/` only when every step succeeded."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .checker import check
from .config import POSTMORTEMS_DIR, KnowledgeBaseConfig, load_config
from .errors import PostmortemError
from .model import CheckResult
from .site import Site, generate_pages, inject_fragments, search_documents, write_tree

BUILD_DOCS = Path("build") / "docs"
BUILD_FRAGMENTS = Path("build") / "fragments"
BUILD_SEARCH = Path("build") / "search"
SITE_DIR = "site"
MKDOCS_FILE = "mkdocs.yml"


class ValidationFailed(PostmortemError):
    """The post-mortems have errors: nothing was built. Carries the check's result."""

    def __init__(self, result: CheckResult):
        self.result = result
        super().__init__(f"build stopped: {result.errors} error{'' if result.errors == 1 else 's'} to fix first")


class BuildError(PostmortemError):
    """The site engine or the search indexer failed; `site/` was left as it was."""


@dataclass
class BuildResult:
    """What a build did: the check's result, the pages written, and the warnings (no history, the
    site engine's)."""

    check: CheckResult
    pages: int
    site_dir: Path
    warnings: list[str] = field(default_factory=list)


def generate(root: Path, today: dt.date, jobs: int | None = None,
             kb: KnowledgeBaseConfig | None = None) -> tuple[CheckResult, int, list[str]]:
    """Validate, then write the docs tree into `build/docs` (with its HTML fragments in
    `build/fragments`) and the search documents into `build/search`. Returns the check's result,
    the number of pages and the notices (why there is no history). Raises ValidationFailed."""
    from .gitinfo import read_history

    kb = kb or load_config(root)
    result = check(root, kb=kb, jobs=jobs)
    if result.errors:
        raise ValidationFailed(result)
    history = read_history(root)
    site = Site(result.postmortems, kb.config, today, docs=root / "docs", history=history)
    pages = 0

    def counted(items):
        nonlocal pages
        for item in items:
            pages += item[0].endswith(".md")
            yield item

    write_tree(counted(itertools.chain(generate_pages(site), _attachments(root))), root / BUILD_DOCS,
               root / BUILD_FRAGMENTS)
    write_tree(search_documents(site), root / BUILD_SEARCH)
    # The site engine holds every page in memory next: let the post-mortems go first.
    result.postmortems = []
    return result, pages, [history.notice] if history.notice else []


def _attachments(root: Path) -> list[tuple[str, bytes, list]]:
    """Files beside the post-mortems (images, diagrams), so that their relative links work."""
    base = root / POSTMORTEMS_DIR
    return [
        (path.relative_to(root).as_posix(), path.read_bytes(), [])
        for path in sorted(base.rglob("*"))
        if path.is_file() and path.suffix != ".md" and "_templates" not in path.relative_to(base).parts
        and not any(part.startswith(".") for part in path.relative_to(base).parts)
    ]


def build_site(root: Path, today: dt.date | None = None, jobs: int | None = None) -> BuildResult:
    """Build the whole site into `site/`. The new site replaces the old one only on success."""
    kb = load_config(root)
    today = today or kb.config.today()
    result, pages, notices = generate(root, today, jobs, kb)
    target = root / SITE_DIR
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=root))
    bundle = Path(tempfile.mkdtemp(prefix=".search-", dir=root))
    # The indexer is native code: it runs on another core while MkDocs builds.
    indexer = _start_search_index(root, bundle, kb.config.language)
    try:
        warnings = _mkdocs_build(root, staging, today)
        inject_fragments(staging, root / BUILD_FRAGMENTS)
        _finish_search_index(indexer)
        (bundle / "pagefind").rename(staging / "pagefind")
        _swap(staging, target)
    except BaseException:
        indexer.kill()
        indexer.wait()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(bundle, ignore_errors=True)
    return BuildResult(result, pages, target, notices + warnings)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


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


def _mkdocs_build(root: Path, site_dir: Path, today: dt.date) -> list[str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config
    from mkdocs.exceptions import MkDocsException

    config_file = root / MKDOCS_FILE
    if not config_file.exists():
        raise BuildError(f"no {MKDOCS_FILE} in {root}: the site needs one (see the README)")
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        with _source_date(today):
            config = load_mkdocs_config(str(config_file), docs_dir=str(root / BUILD_DOCS), site_dir=str(site_dir))
            if not config.use_directory_urls:
                raise BuildError(f"{MKDOCS_FILE} sets use_directory_urls to false: the generated pages link "
                                 "to directory URLs, remove the setting")
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
    except MkDocsException as error:
        raise BuildError(f"the site engine failed: {error}") from None
    finally:
        logger.removeHandler(collector)
    return collector.messages


def _start_search_index(root: Path, bundle: Path, language: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "pagefind", "--site", str(root / BUILD_SEARCH), "--output-path",
               str(bundle / "pagefind"), "--force-language", language, "--silent"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish_search_index(indexer: subprocess.Popen) -> None:
    output, _ = indexer.communicate()
    if indexer.returncode != 0:
        raise BuildError(f"the search indexer (Pagefind) failed: {output.strip()}")


def _swap(staging: Path, target: Path) -> None:
    previous = None
    if target.exists():
        previous = target.with_name(f".{target.name}-previous")
        shutil.rmtree(previous, ignore_errors=True)
        target.rename(previous)
    staging.rename(target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def serve_site(root: Path, host: str, port: int, today: dt.date | None = None,
               report=lambda message: None) -> None:
    """Build, serve `site/` at http://host:port/, and rebuild when the post-mortems, the config,
    `docs/` or `mkdocs.yml` change; open pages reload. A build that fails keeps the last good site
    and reports why through `report`."""
    from mkdocs.livereload import LiveReloadServer

    lock = threading.Lock()

    def rebuild() -> None:
        with lock:
            try:
                built = build_site(root, today)
            except ValidationFailed as failure:
                report(failure)
            except PostmortemError as error:
                report(error)
            else:
                report(f"built {built.pages} pages")

    rebuild()
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(root / SITE_DIR))
    for watched in (root / POSTMORTEMS_DIR, root / "postmortem.yml", root / MKDOCS_FILE, root / "docs"):
        if watched.exists():
            server.watch(str(watched))
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
