"""`postmortem build` and `serve`: validate, generate the docs tree, build it with MkDocs, index it
with Pagefind, and swap the result into `site/` only when every step succeeded."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import fcntl
import itertools
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .checker import available_cores, check
from .config import POSTMORTEMS_DIR, KnowledgeBaseConfig, load_config
from .errors import BuildError, PostmortemError
from .model import CheckResult
from .site import Site, generate_pages, search_documents, write_tree
from .siteconfig import MKDOCS_FILE, site_config_file

BUILD_DOCS = Path("build") / "docs"
BUILD_FRAGMENTS = Path("build") / "fragments"
BUILD_SEARCH = Path("build") / "search"
SITE_DIR = "site"
BUILD_LOCK = Path("build") / ".lock"


class ValidationFailed(PostmortemError):
    """The post-mortems have errors: nothing was built. Carries the check's result."""

    def __init__(self, result: CheckResult):
        self.result = result
        super().__init__(f"build stopped: {result.errors} error{'' if result.errors == 1 else 's'} to fix first")


@dataclass
class BuildResult:
    """What a build did: the check's result, the pages written, and the warnings (no history, the
    site engine's)."""

    check: CheckResult
    pages: int
    site_dir: Path
    warnings: list[str] = field(default_factory=list)


def generate(root: Path, today: dt.date, jobs: int | None = None, kb: KnowledgeBaseConfig | None = None,
             search_ready: Callable[[], None] = lambda: None) -> tuple[CheckResult, int, list[str]]:
    """Validate, then write the search documents into `build/search` (and call `search_ready`),
    then the docs tree into `build/docs` with its HTML fragments in `build/fragments`. Returns the
    check's result, the number of pages and the notices (why there is no history). Raises
    ValidationFailed."""
    from .gitinfo import read_history

    kb = kb or load_config(root)
    result = check(root, kb=kb, jobs=jobs)
    if result.errors:
        raise ValidationFailed(result)
    history = read_history(root)
    site = Site(result.postmortems, kb.config, today, history=history)
    write_tree(search_documents(site), root / BUILD_SEARCH)
    search_ready()
    pages = 0

    def counted(items):
        nonlocal pages
        for item in items:
            pages += item[0].endswith(".md")
            yield item

    write_tree(counted(itertools.chain(generate_pages(site), _attachments(root))), root / BUILD_DOCS,
               root / BUILD_FRAGMENTS)
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
    """Build the whole site into `site/`. The new site replaces the old one only on success, in
    one step; builds of the same knowledge base run one after the other."""
    with _build_lock(root):
        return _build_site(root, today, jobs)


@contextlib.contextmanager
def _build_lock(root: Path):
    """Hold the knowledge base's build lock (waiting for a build already running), and remove what
    a build killed part-way left behind: it is nobody's once the lock is ours."""
    lock_file = root / BUILD_LOCK
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in (*root.glob(".site-*"), *root.glob(".search-*"), root / f".{SITE_DIR}-previous"):
            shutil.rmtree(leftover, ignore_errors=True)
        yield


def _build_site(root: Path, today: dt.date | None, jobs: int | None) -> BuildResult:
    kb = load_config(root)
    today = today or kb.config.today()
    config_file = site_config_file(root, kb.config)
    jobs = jobs or available_cores()
    target = root / SITE_DIR
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=root))
    indexer = _SearchIndexer(root / BUILD_SEARCH, Path(tempfile.mkdtemp(prefix=".search-", dir=root)),
                             kb.config.language)
    try:
        result, pages, notices = _generate_apart(root, today, jobs, kb, indexer.start)
        from .engine import run_mkdocs  # MkDocs is imported only once the pages are there

        warnings = run_mkdocs(config_file, root / BUILD_DOCS, staging, root / BUILD_FRAGMENTS, today, jobs,
                              kb.config.language)
        for bundle in indexer.finish():
            bundle.rename(staging / bundle.name)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        indexer.stop()
    return BuildResult(result, pages, target, notices + warnings)


class _SearchIndexer:
    """Pagefind over each search bundle of `documents`, one after the other, into `output`, in a
    thread started as soon as the search documents are written: it indexes on the core that page
    generation leaves idle. One bundle at a time keeps its memory small."""

    def __init__(self, documents: Path, output: Path, language: str) -> None:
        self.documents, self.output, self.language = documents, output, language
        self.thread: threading.Thread | None = None
        self.running: subprocess.Popen | None = None
        self.error: str | None = None
        self.stopped = False

    def start(self) -> None:
        self.thread = threading.Thread(target=self._index, name="search-index", daemon=True)
        self.thread.start()

    def _index(self) -> None:
        for bundle in sorted(self.documents.iterdir()):
            if self.stopped:
                return
            self.running = subprocess.Popen(
                [sys.executable, "-m", "pagefind", "--site", str(bundle), "--output-path",
                 str(self.output / bundle.name), "--force-language", self.language, "--silent"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            output, _ = self.running.communicate()
            if self.running.returncode != 0 and not self.stopped:
                self.error = f"the search indexer (Pagefind) failed: {output.strip()}"
                return

    def finish(self) -> list[Path]:
        """Wait for the index; return its bundles. Raises BuildError when Pagefind failed."""
        if self.thread is None:
            self.start()
        self.thread.join()
        if self.error:
            raise BuildError(self.error)
        return sorted(self.output.iterdir())

    def stop(self) -> None:
        """Stop indexing, if it still runs, and remove what it wrote."""
        self.stopped = True
        if self.running is not None and self.running.poll() is None:
            self.running.kill()
        if self.thread is not None:
            self.thread.join()
        shutil.rmtree(self.output, ignore_errors=True)


def _generate_apart(root: Path, today: dt.date, jobs: int | None, kb: KnowledgeBaseConfig,
                    search_ready: Callable[[], None]) -> tuple[CheckResult, int, list[str]]:
    """`generate` in a child process, where it can: every post-mortem and page object goes with the
    process, so the site engine starts on a small heap rather than on one the allocator keeps."""
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return generate(root, today, jobs, kb, search_ready)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_generate_and_send, args=(sender, root, today, jobs, kb))
    child.start()
    sender.close()
    try:
        while (outcome := receiver.recv())[0] == "search-ready":
            search_ready()
    except EOFError:  # killed, out of memory say
        outcome = ("error", "the page generator stopped before it finished")
    finally:
        child.join()
    if outcome[0] == "invalid":
        raise ValidationFailed(outcome[1])
    if outcome[0] == "error":
        raise BuildError(outcome[1])
    return outcome[1:]


def _generate_and_send(sender, root: Path, today: dt.date, jobs: int | None, kb: KnowledgeBaseConfig) -> None:
    try:
        sender.send(("done", *generate(root, today, jobs, kb, lambda: sender.send(("search-ready",)))))
    except ValidationFailed as failure:
        sender.send(("invalid", failure.result))
    except PostmortemError as error:
        sender.send(("error", error.format_message()))
    except Exception as error:  # a crash becomes the parent's BuildError, not a hang
        sender.send(("error", f"the page generator failed: {type(error).__name__}: {error}"))


def _swap(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target`: exchanged in one step where the system can, so that a
    reader or a killed build never finds `site/` missing or half-written."""
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site
        return
    previous = target.with_name(f".{target.name}-previous")
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux's renameat2 with RENAME_EXCHANGE); False where unsupported."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # pragma: no cover - not glibc
        return False
    at_cwd, rename_exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0


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
    for watched in (root / POSTMORTEMS_DIR, root / "postmortem.yml", root / MKDOCS_FILE):
        if watched.exists():
            server.watch(str(watched))
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
