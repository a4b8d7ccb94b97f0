"""The docs tree on disk: writing the generated files (only those that changed), and finishing the
pages an engine built from them (fragments put in place, the authors' part sanitised)."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..safety.sanitize import clean_page_html
from .markup import BODY_END, BODY_START, FRAGMENT, GeneratedFile, fill_fragments, page_url

FRAGMENTS_SUFFIX = ".json"
#: From this many pages, finishing them is shared by several processes.
PARALLEL_PAGES = 500


def write_tree(files: Iterable[GeneratedFile], folder: Path,
               fragments_folder: Path | None = None, prune: bool = True) -> set[str]:
    """Write the files under `folder` and the pages' fragments under `fragments_folder` (as JSON),
    touching only files whose content changed (so that a live preview re-renders only what moved),
    and, with `prune`, delete the files that are no longer generated. Returns the paths (relative to
    `folder`) of the files written or deleted, and of the pages whose fragments changed."""
    # Plain strings and os calls: pathlib costs about a second over the 20,000 files of a large site.
    bases = [os.fspath(folder)] + ([os.fspath(fragments_folder)] if fragments_folder is not None else [])
    # Nothing to compare with or prune (the build makes the docs folder before it is written).
    fresh = {base for base in bases if not os.path.exists(base) or not os.listdir(base)}
    written: set[str] = set()
    changed: set[str] = set()
    folders: set[str] = set()

    def put(base: str, relative: str, data: bytes, source: str) -> None:
        path = os.path.join(base, relative)
        written.add(path)
        if base not in fresh and _holds(path, data):
            return
        parent = os.path.dirname(path)
        if parent not in folders:
            os.makedirs(parent, exist_ok=True)
            folders.add(parent)
        with open(path, "wb") as file:
            file.write(data)
        changed.add(source)

    # Written as they come: the whole tree would not fit in memory beside the post-mortems.
    for relative, content, fragments in files:
        put(bases[0], relative, content.encode("utf-8") if isinstance(content, str) else content, relative)
        if fragments and fragments_folder is not None:
            put(bases[1], relative + FRAGMENTS_SUFFIX, json.dumps(fragments, ensure_ascii=False).encode("utf-8"),
                relative)
    for base in bases:
        os.makedirs(base, exist_ok=True)
        if prune and base not in fresh:
            changed |= _prune(base, written, FRAGMENTS_SUFFIX if base != bases[0] else "")
    return changed


def _holds(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read() == data
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def _prune(base: str, kept: set[str], suffix: str) -> set[str]:
    """Delete the files under `base` not in `kept`, and the folders left empty; return the deleted
    files' paths relative to `base`, without `suffix`."""
    deleted = set()
    for parent, _, names in os.walk(base, topdown=False):
        for name in names:
            path = os.path.join(parent, name)
            if path not in kept:
                os.unlink(path)
                deleted.add(os.path.relpath(path, base).replace(os.sep, "/").removesuffix(suffix))
        if parent != base and not os.listdir(parent):
            os.rmdir(parent)
    return deleted


def built_page(site_dir: Path, source: str) -> Path:
    """Where an engine writes the docs page `source` (with directory URLs)."""
    return site_dir / page_url(source) / "index.html"


def finish_page(html: str, fragments: list[str]) -> str:
    """A page as an engine built it, finished: the part between the body markers (the authors'
    Markdown, rendered, and what follows it) through the sanitiser's allow-list, and the fragments
    in place."""
    start, end = html.find(BODY_START.strip()), html.rfind(BODY_END.strip())
    if start >= 0 and end > start:
        start += len(BODY_START.strip())
        html = html[:start] + clean_page_html(html[start:end], keep=FRAGMENT) + html[end:]
    return fill_fragments(html, fragments)


def finish_pages(site_dir: Path, fragments_folder: Path, sources: Iterable[str] | None = None,
                 jobs: int = 1) -> None:
    """Finish the built pages of `sources` (default: every page that has fragments) in place, in
    `jobs` processes when there are many."""
    if sources is None:
        sources = [path.relative_to(fragments_folder).as_posix().removesuffix(FRAGMENTS_SUFFIX)
                   for path in fragments_folder.rglob(f"*{FRAGMENTS_SUFFIX}")]
    sources = sorted(sources)
    if jobs > 1 and len(sources) >= PARALLEL_PAGES and "fork" in multiprocessing.get_all_start_methods():
        shares = [(site_dir, fragments_folder, sources[start::jobs]) for start in range(jobs)]
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(_finish_share, shares))
    else:
        _finish_share((site_dir, fragments_folder, sources))


def _finish_share(share: tuple[Path, Path, list[str]]) -> None:
    site_dir, fragments_folder, sources = share
    for source in sources:
        page = built_page(site_dir, source)
        page.write_text(finish_page(page.read_text(encoding="utf-8"), page_fragments(fragments_folder, source)),
                        encoding="utf-8")


def page_fragments(fragments_folder: Path, source: str) -> list[str]:
    """The fragments of the docs page `source` (none for most files)."""
    fragments_file = fragments_folder / f"{source}{FRAGMENTS_SUFFIX}"
    return json.loads(fragments_file.read_text(encoding="utf-8")) if fragments_file.is_file() else []
