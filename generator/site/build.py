"""`postmortem build`: validate, generate the docs tree, build it with the site engine, finish the
built pages, index them with Pagefind, and swap the result into `site/` only when every step
succeeded."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import replace_folder
from ..checker import ValidationFailed, available_cores, read_all
from ..collector import collector_paused
from ..diagnostics import CheckResult
from ..errors import BuildError, PostmortemError
from ..kb.layout import KnowledgeBase, is_attachment
from .markup import GeneratedFile
from .processes import ChildFailed, PagefindFeeder, run_in_child
from .siteconfig import site_config_file
from .tree import write_tree

if TYPE_CHECKING:
    from .engine import PreparedMkDocs

LOCK_FILE = ".lock"


@dataclass
class BuildResult:
    """What a build did: the check's result, the pages written, and the warnings (no history, the
    site engine's)."""

    check: CheckResult
    pages: int
    site_dir: Path
    warnings: list[str] = field(default_factory=list)


# What the page generator's child process tells the build, one type a message (see `_generate_apart`).

@dataclass(frozen=True)
class BundleWritten:
    """The documents of a search bundle are written: Pagefind may index it."""

    bundle: str


@dataclass(frozen=True)
class Generated:
    """The docs tree is written: the check's result, the number of pages, and the notices (why
    there is no history)."""

    check: CheckResult
    pages: int
    notices: list[str]


@dataclass(frozen=True)
class Invalid:
    """The post-mortems have errors: nothing was generated."""

    check: CheckResult


@dataclass(frozen=True)
class Failed:
    """Generation stopped on an error the author can act on (a PostmortemError's message)."""

    message: str


def generate(kb: KnowledgeBase, today: dt.date, jobs: int | None = None,
             bundle_written: Callable[[str], None] = lambda bundle: None) -> Generated:
    """Read and validate the post-mortems, then write the search documents into `build/search`
    (calling `bundle_written` with the name of each search bundle once its documents are written),
    then the docs tree into `build/docs` with its HTML fragments in `build/fragments`. `kb` is left
    as it was: the post-mortems read are this function's, and go when it returns. Raises
    ValidationFailed."""
    from ..kb.gitinfo import read_evidence, read_history
    from .context import Site  # the pages, and numpy behind them: only where pages are made
    from .pages import generate_pages
    from .search import search_documents

    check, postmortems = read_all(kb, jobs)
    if check.errors:
        raise ValidationFailed(check)
    with collector_paused():
        history = read_history(kb)
        evidence = read_evidence(kb) if kb.config.evidence is not None else None
        site = Site(postmortems, kb.config, today, history=history, evidence=evidence)
        # Written whole each time: a bundle is indexed as soon as it is written, before any pruning.
        shutil.rmtree(kb.search_dir, ignore_errors=True)
        write_tree(_announced(search_documents(site), bundle_written), kb.search_dir)
        pages = _write_pages(kb, generate_pages(site))
    return Generated(check, pages, ([history.notice] if history.notice else []) + (evidence.notices if evidence else []))


def _write_pages(kb: KnowledgeBase, pages: Iterator[GeneratedFile]) -> int:
    """Write the docs tree (`pages` and the attachments) and its fragments; return the number of
    pages (Markdown files)."""
    count = 0

    def counted(files: Iterator[GeneratedFile]) -> Iterator[GeneratedFile]:
        nonlocal count
        for file in files:
            count += file[0].endswith(".md")
            yield file

    write_tree(counted(itertools.chain(pages, attachments(kb))), kb.docs_dir, kb.fragments_dir)
    return count


def _announced(documents: Iterator[GeneratedFile], bundle_written: Callable[[str], None]) -> Iterator[GeneratedFile]:
    """The search documents as they come, calling `bundle_written` with each bundle's name once the
    last of its documents has been taken (and so written: the next is asked for after that)."""
    current = None
    for document in documents:
        bundle = document[0].split("/", 1)[0]
        if current is not None and bundle != current:
            bundle_written(current)
        current = bundle
        yield document
    if current is not None:
        bundle_written(current)


def attachments(kb: KnowledgeBase) -> Iterator[GeneratedFile]:
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
    a build killed part-way left behind: it is nobody's once the lock is ours.

    Why an flock (issue #12): two builds of one knowledge base at once wrote the same `build/docs`
    and swapped half-written sites; the kernel drops the lock when its holder dies, even by
    SIGKILL, so a killed build never blocks the next one (tests: two builds at once, killed builds)."""
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
    search_output = Path(tempfile.mkdtemp(prefix=".search-", dir=kb.build_dir))
    try:
        with PagefindFeeder(kb.search_dir, search_output, kb.config.language) as pagefind:
            generated, prepared = _generate_apart(kb, today, jobs, pagefind.index, config_file, staging)
            from .engine import build_with  # imported already, while the pages were generated

            # With MkDocs, `jobs` forked processes share its page loop (site.engine): measured at
            # 10,000 post-mortems, the page loop on both cores and one Markdown instance a process
            # (MkDocs' rendering of 1,068 pages in one process: 6.4 s before, 4.8 s after).
            warnings = build_with(kb.config.engine, config_file, kb.docs_dir, kb.fragments_dir, staging, today, jobs,
                                  kb.config.language, prepared)
            for bundle in pagefind.finish():
                bundle.rename(staging / bundle.name)
        replace_folder(staging, kb.site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(generated.check, generated.pages, kb.site_dir, generated.notices + warnings)


def _generate_apart(kb: KnowledgeBase, today: dt.date, jobs: int, bundle_written: Callable[[str], None],
                    config_file: Path, site_dir: Path) -> tuple[Generated, PreparedMkDocs | None]:
    """`generate` in a child process (see `processes.run_in_child`: MkDocs then starts on a small
    heap), its messages turned back into calls and exceptions here. Meanwhile this process imports
    the site engine, which the child does not need, and with MkDocs prepares it (`engine.prepare_mkdocs`)
    to build the docs tree into `site_dir`."""

    def received(message: BundleWritten) -> None:
        bundle_written(message.bundle)

    def prepare() -> PreparedMkDocs | None:
        from .engine import prepare_mkdocs

        return prepare_mkdocs(config_file, kb.docs_dir, site_dir) if kb.config.engine == "mkdocs" else None

    kb.docs_dir.mkdir(parents=True, exist_ok=True)  # MkDocs' config wants it; the child writes it
    try:
        outcome, prepared = run_in_child(_generate_in_child, kb, today, jobs, on_message=received, meanwhile=prepare)
    except ChildFailed as failure:
        raise BuildError(f"the page generator {failure}") from None
    if isinstance(outcome, Invalid):
        raise ValidationFailed(outcome.check)
    if isinstance(outcome, Failed):
        raise BuildError(outcome.message)
    return outcome, prepared


def _generate_in_child(send: Callable[[BundleWritten], None], kb: KnowledgeBase, today: dt.date,
                       jobs: int) -> Generated | Invalid | Failed:
    try:
        return generate(kb, today, jobs, lambda bundle: send(BundleWritten(bundle)))
    except ValidationFailed as failure:
        return Invalid(failure.result)
    except PostmortemError as error:
        return Failed(error.format_message())

