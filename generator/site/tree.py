"""The docs tree on disk: writing the generated files (only those that changed), and finishing the
pages an engine built from them (fragments put in place, the authors' part sanitised)."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..sanitize import clean_page_html
from .markup import BODY_END, BODY_START, FRAGMENT, fill_fragments, page_url

FRAGMENTS_SUFFIX = ".json"
#: From this many pages, finishing them is shared by several processes.
PARALLEL_PAGES = 500


def write_tree(files: Iterable[tuple[str, str | bytes, list[str]]], folder: Path,
               fragments_folder: Path | None = None, prune: bool = True) -> set[str]:
    """Write the files under `folder` and the pages' fragments under `fragments_folder` (as JSON),
    touching only files whose content changed (so that a live preview re-renders only what moved),
    and, with `prune`, delete the files that are no longer generated. Returns the paths (relative to
    `folder`) of the files written or deleted, and of the pages whose fragments changed."""
    written: set[Path] = set()
    changed: set[str] = set()

    def put(path: Path, data: bytes, relative: str) -> None:
        written.add(path)
        if path.exists() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        changed.add(relative)

    # Written as they come: the whole tree would not fit in memory beside the post-mortems.
    for relative, content, fragments in files:
        put(folder / relative, content.encode("utf-8") if isinstance(content, str) else content, relative)
        if fragments and fragments_folder is not None:
            put(fragments_folder / f"{relative}{FRAGMENTS_SUFFIX}",
                json.dumps(fragments, ensure_ascii=False).encode("utf-8"), relative)
    if not prune:
        return changed
    for base in (folder, fragments_folder) if fragments_folder is not None else (folder,):
        base.mkdir(parents=True, exist_ok=True)
        for path in sorted(base.rglob("*"), reverse=True):
            if path.is_file() and path not in written:
                path.unlink()
                relative = path.relative_to(base).as_posix()
                changed.add(relative.removesuffix(FRAGMENTS_SUFFIX) if base == fragments_folder else relative)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return changed


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
