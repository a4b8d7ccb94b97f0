"""Finding the post-mortems of a knowledge base and running every rule on them."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .config import POSTMORTEMS_DIR, SKIPPED_PREFIXES, KnowledgeBaseConfig, load_config
from .errors import UsageError
from .loader import read_postmortem, relative_path
from .model import CheckResult, PostMortem, Silenced
from .rules import CheckContext, run_checks
from .silences import apply_allow_comments


def discover(root: Path) -> list[Path]:
    """Every post-mortem file under `postmortems/`, sorted; names starting with `_` or `.` are skipped."""
    base = root / POSTMORTEMS_DIR
    return markdown_files(base) if base.is_dir() else []


def markdown_files(folder: Path) -> list[Path]:
    """The `.md` files below `folder`, sorted, skipping names that start with `_` or `.`.
    Linked folders are not followed, so a link loop cannot trap the walk."""
    found: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as error:
            raise UsageError(f"cannot read the folder {current}: {error.strerror or error}") from None
        for entry in entries:
            if entry.name.startswith(SKIPPED_PREFIXES):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.name.endswith(".md"):
                found.append(Path(entry.path))
    return sorted(found)


#: Below this many files a second process costs more than it saves.
PARALLEL_THRESHOLD = 200


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def check(root: Path, files: Iterable[Path] | None = None, kb: KnowledgeBaseConfig | None = None,
          jobs: int | None = None, keep_postmortems: bool = True) -> CheckResult:
    """Validate the post-mortems of the knowledge base at `root` (all of them, or `files`).

    Cross-file rules (duplicate ids, `related` links) see every post-mortem of the knowledge base
    even when only some files are checked. Large runs use `jobs` processes (default: one per
    core); the result is the same. Raises ConfigError when `postmortem.yml` is unusable.
    """
    kb = kb or load_config(root)
    if files is None and not (root / POSTMORTEMS_DIR).is_dir():
        raise UsageError(f"no {POSTMORTEMS_DIR}/ folder in {root}: run `postmortem init` there, or point --root "
                         "at the knowledge base")
    every_file = discover(root)
    targets = every_file if files is None else list(dict.fromkeys(Path(f) for f in files))
    return _check(root, kb, _ids(root, every_file), targets, jobs, keep_postmortems)


def check_changed_since(root: Path, ref: str, kb: KnowledgeBaseConfig | None = None,
                        jobs: int | None = None) -> CheckResult:
    """Validate what the working tree changed since its merge base with `ref`: the post-mortems added
    or modified (renames followed, deletions skipped), those sharing an id with them, and those that
    mention an id the change removed (a `related` link it broke). A config change checks everything.

    Raises UsageError when `ref` is unknown or the clone too shallow to find the merge base."""
    from .gitinfo import changes_since, files_mentioning

    kb = kb or load_config(root)
    changes = changes_since(root, ref)
    if changes.config_changed:
        return check(root, kb=kb, jobs=jobs, keep_postmortems=False)
    every_file = discover(root)
    ids = _ids(root, every_file)
    targets = set(changes.changed)
    targets.update(path for changed in changes.changed for path in ids.get(Path(changed).stem, []))
    targets.update(files_mentioning(root, changes.removed_ids - ids.keys()))
    return _check(root, kb, ids, [root / path for path in sorted(targets)], jobs, keep_postmortems=False)


def _ids(root: Path, files: list[Path]) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for file in files:
        ids.setdefault(file.stem, []).append(relative_path(root, file))
    return ids


def _check(root: Path, kb: KnowledgeBaseConfig, ids: dict[str, list[str]], targets: list[Path],
           jobs: int | None, keep_postmortems: bool) -> CheckResult:
    context = CheckContext(kb.config, services_checked=kb.from_file, ids=ids)
    jobs = min(jobs or available_cores(), max(1, len(targets) // (PARALLEL_THRESHOLD // 2)))
    if jobs > 1 and len(targets) >= PARALLEL_THRESHOLD:
        size = -(-len(targets) // (jobs * 4))
        chunks = [targets[i:i + size] for i in range(0, len(targets), size)]
        with ProcessPoolExecutor(jobs, mp_context=_process_context(), initializer=_start_worker,
                                 initargs=(root, context, keep_postmortems)) as pool:
            parts = list(pool.map(_check_in_worker, chunks))
    else:
        parts = [_check_files(root, targets, context, keep_postmortems)]
    diagnostics = [d for part in parts for d in part[0]]
    diagnostics.sort(key=lambda d: d.sort_key())
    postmortems = [pm for part in parts for pm in part[1]]
    silenced = sorted((s for part in parts for s in part[2]), key=lambda s: s.diagnostic.sort_key())
    return CheckResult(checked=len(targets), diagnostics=diagnostics, postmortems=postmortems, silenced=silenced)


def _check_files(root: Path, files: list[Path], context: CheckContext, keep: bool):
    diagnostics = []
    silenced: list[Silenced] = []
    postmortems: list[PostMortem] = []
    for file in files:
        postmortem, found = read_postmortem(root, file)
        if postmortem is None:
            diagnostics.extend(found)
        else:
            kept, allowed = apply_allow_comments(postmortem.path, postmortem.text,
                                                 [*found, *run_checks(postmortem, context)])
            diagnostics.extend(kept)
            silenced.extend(allowed)
            if keep:
                postmortem.release_parse_data()
                postmortems.append(postmortem)
    return diagnostics, postmortems, silenced


def _process_context():
    # fork starts workers in milliseconds with the rules already imported; elsewhere, the default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


_worker_state: tuple = ()


def _start_worker(root: Path, context: CheckContext, keep: bool) -> None:
    global _worker_state
    _worker_state = (root, context, keep)


def _check_in_worker(files: list[Path]):
    root, context, keep = _worker_state
    return _check_files(root, files, context, keep)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders replaced by the post-mortem files below them."""
    return [file for path in paths for file in (markdown_files(path) if path.is_dir() else [path])]
