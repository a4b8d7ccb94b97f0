"""`postmortem build`: validate, generate the docs tree, build it with the site engine, finish the
built pages, index them with Pagefind, and swap the result into `site/` only when every step
succeeded."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import fcntl
import itertools
import multiprocessing
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cbor2

from ..checker import available_cores, collector_paused, load
from ..diagnostics import CheckResult
from ..errors import BuildError, PostmortemError
from ..kb.layout import KnowledgeBase, is_attachment
from . import GeneratedFile, Site, generate_pages
from .search import search_documents
from .searchindex import sort_pagefind_index
from .siteconfig import site_config_file
from .tree import write_tree

LOCK_FILE = ".lock"


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


def generate(kb: KnowledgeBase, today: dt.date, jobs: int | None = None,
             bundle_ready: Callable[[str], None] = lambda bundle: None) -> tuple[CheckResult, int, list[str]]:
    """Load and validate the post-mortems, then write the search documents into `build/search`
    (calling `bundle_ready` with the name of each search bundle once its documents are written),
    then the docs tree into `build/docs` with its HTML fragments in `build/fragments`. Returns the
    check's result, the number of pages and the notices (why there is no history). Raises
    ValidationFailed."""
    from ..kb.gitinfo import read_history

    result = load(kb, jobs).loading
    if result.errors:
        raise ValidationFailed(result)
    with collector_paused():
        history = read_history(kb)
        site = Site(kb.postmortems, kb.config, today, history=history)
        # Written whole each time: a bundle is indexed as soon as it is written, before any pruning.
        shutil.rmtree(kb.search_dir, ignore_errors=True)
        write_tree(_announced(search_documents(site), bundle_ready), kb.search_dir)
        pages = 0

        def counted(items):
            nonlocal pages
            for item in items:
                pages += item[0].endswith(".md")
                yield item

        write_tree(counted(itertools.chain(generate_pages(site), attachments(kb))), kb.docs_dir, kb.fragments_dir)
        # The site engine holds every page in memory next: let the post-mortems go first.
        kb.postmortems = []
    return result, pages, [history.notice] if history.notice else []


def _announced(documents: Iterator[GeneratedFile], bundle_ready: Callable[[str], None]) -> Iterator[GeneratedFile]:
    """The search documents as they come, calling `bundle_ready` with each bundle's name once the
    last of its documents has been taken (and so written: the next is asked for after that)."""
    current = None
    for document in documents:
        bundle = document[0].split("/", 1)[0]
        if current is not None and bundle != current:
            bundle_ready(current)
        current = bundle
        yield document
    if current is not None:
        bundle_ready(current)


def attachments(kb: KnowledgeBase) -> Iterator[tuple[str, bytes, list]]:
    """Files beside the post-mortems (images, diagrams), so that their relative links work."""
    found = []
    for folder, subfolders, names in os.walk(kb.postmortems_dir):
        subfolders[:] = [name for name in subfolders if name != "_templates" and not name.startswith(".")]
        found += [Path(folder, name) for name in names
                  if is_attachment(name) and os.path.isfile(os.path.join(folder, name))]
    for path in sorted(found):
        yield kb.relative(path), path.read_bytes(), []


def build_site(kb: KnowledgeBase, today: dt.date | None = None, jobs: int | None = None) -> BuildResult:
    """Build the whole site into `site/`. The new site replaces the old one only on success, in
    one step; builds of the same knowledge base run one after the other."""
    with build_lock(kb):
        return _build_site(kb, today, jobs)


@contextlib.contextmanager
def build_lock(kb: KnowledgeBase):
    """Hold the knowledge base's build lock (waiting for a build already running), and remove what
    a build killed part-way left behind: it is nobody's once the lock is ours."""
    kb.build_dir.mkdir(parents=True, exist_ok=True)
    with open(kb.build_dir / LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        leftovers = (*kb.build_dir.glob(".site-*"), *kb.build_dir.glob(".search-*"),
                     kb.site_dir.with_name(f".{kb.site_dir.name}-previous"))
        for leftover in leftovers:
            shutil.rmtree(leftover, ignore_errors=True)
        yield


def _build_site(kb: KnowledgeBase, today: dt.date | None, jobs: int | None) -> BuildResult:
    today = today or kb.config.today()
    config_file = site_config_file(kb)
    jobs = jobs or available_cores()
    # Both under build/: Zensical writes only below the folder of its config.
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=kb.build_dir))
    indexer = _SearchIndexer(kb.search_dir, Path(tempfile.mkdtemp(prefix=".search-", dir=kb.build_dir)),
                             kb.config.language)
    try:
        result, pages, notices = _generate_apart(kb, today, jobs, indexer.index)
        from .engine import build_with  # MkDocs is imported only once the pages are there

        warnings = build_with(kb.config.engine, config_file, kb.docs_dir, kb.fragments_dir, staging, today, jobs,
                              kb.config.language)
        for bundle in indexer.finish():
            bundle.rename(staging / bundle.name)
        _swap(staging, kb.site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        indexer.stop()
    return BuildResult(result, pages, kb.site_dir, notices + warnings)


class _SearchIndexer:
    """Pagefind over the search bundles of `documents` into `output`, one bundle after the other,
    each as soon as its documents are written, in a thread: it indexes on the core that page
    generation leaves idle, at a lower priority, so that it takes only what generation leaves.
    One bundle at a time keeps its memory small."""

    #: How much Pagefind gives way to page generation (a `nice` increment).
    NICENESS = 10

    def __init__(self, documents: Path, output: Path, language: str) -> None:
        self.documents, self.output, self.language = documents, output, language
        self.bundles: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.running: subprocess.Popen | None = None
        self.error: str | None = None
        self.stopped = False
        self.thread = threading.Thread(target=self._index_all, name="search-index", daemon=True)
        self.thread.start()

    def index(self, bundle: str) -> None:
        """Index the bundle `bundle` (a folder of `documents`) once those before it are."""
        self.bundles.put(bundle)

    def _index_all(self) -> None:
        while (bundle := self.bundles.get()) is not None and not self.stopped:
            self.running = subprocess.Popen(
                [sys.executable, "-m", "pagefind", "--site", str(self.documents / bundle), "--output-path",
                 str(self.output / bundle), "--force-language", self.language, "--silent"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            with contextlib.suppress(OSError):  # gone already, or not allowed: it runs at our priority
                os.setpriority(os.PRIO_PROCESS, self.running.pid, os.getpriority(os.PRIO_PROCESS, 0) + self.NICENESS)
            output, _ = self.running.communicate()
            if self.stopped:
                return
            if self.running.returncode != 0:
                self.error = f"the search indexer (Pagefind) failed: {output.strip()}"
                return
            try:
                sort_pagefind_index(self.output / bundle)
            except (OSError, ValueError, KeyError, IndexError, cbor2.CBORError) as error:
                self.error = f"the search index (Pagefind {bundle}) could not be put in order: {error}"
                return

    def finish(self) -> list[Path]:
        """Wait for every bundle to be indexed; return them. Raises BuildError when Pagefind failed."""
        self.bundles.put(None)
        self.thread.join()
        if self.error:
            raise BuildError(self.error)
        return sorted(self.output.iterdir())

    def stop(self) -> None:
        """Stop indexing, if it still runs, and remove what it wrote."""
        self.stopped = True
        self.bundles.put(None)
        if self.running is not None and self.running.poll() is None:
            self.running.kill()
        self.thread.join()
        shutil.rmtree(self.output, ignore_errors=True)


def _generate_apart(kb: KnowledgeBase, today: dt.date, jobs: int | None,
                    bundle_ready: Callable[[str], None]) -> tuple[CheckResult, int, list[str]]:
    """`generate` in a child process, where it can: every post-mortem and page object goes with the
    process, so the site engine starts on a small heap rather than on one the allocator keeps."""
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return generate(kb, today, jobs, bundle_ready)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_generate_and_send, args=(sender, kb, today, jobs))
    child.start()
    sender.close()
    try:
        while (outcome := receiver.recv())[0] == "search-bundle":
            bundle_ready(outcome[1])
    except EOFError:  # killed, out of memory say
        outcome = ("error", "the page generator stopped before it finished")
    finally:
        child.join()
    if outcome[0] == "invalid":
        raise ValidationFailed(outcome[1])
    if outcome[0] == "error":
        raise BuildError(outcome[1])
    return outcome[1:]


def _generate_and_send(sender, kb: KnowledgeBase, today: dt.date, jobs: int | None) -> None:
    try:
        sender.send(("done", *generate(kb, today, jobs, lambda bundle: sender.send(("search-bundle", bundle)))))
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
