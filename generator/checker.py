"""Reading and checking the post-mortems of a knowledge base: all of them, some files, or what a
branch changed; and loading them all for the commands that show them."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from .collector import collector_paused
from .diagnostics import CheckResult, Diagnostic, Silenced
from .errors import PostmortemError
from .kb.layout import KnowledgeBase, markdown_files, open_knowledge_base
from .kb.model import PostMortem
from .kb.reader import read_postmortem
from .rules import CheckContext, run_checks
from .rules.allowing import apply_allow_comments
from .rules.public import allowed_in_public_text

#: Below this many files a second process costs more than it saves.
PARALLEL_THRESHOLD = 200
#: The files are shared out in this many chunks a process, taken one after the other as processes
#: become free, but never fewer files a chunk than CHUNK_FLOOR.
CHUNKS_PER_JOB = 50
CHUNK_FLOOR = 25


class ValidationFailed(PostmortemError):
    """The post-mortems have errors: nothing was built. Carries the check's result."""

    def __init__(self, result: CheckResult):
        self.result = result
        super().__init__(f"build stopped: {result.errors} error{'' if result.errors == 1 else 's'} to fix first")


class Checked(NamedTuple):
    """What checking post-mortem files found, and the post-mortems read from them: every one that
    could be read (with its valid fields) when they were asked for, none otherwise."""

    result: CheckResult
    postmortems: list[PostMortem]


class _FilesChecked(NamedTuple):
    """What one process found in its share of the files (see `_check_files`)."""

    diagnostics: list[Diagnostic]
    silenced: list[Silenced]
    postmortems: list[PostMortem]


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def check(kb: KnowledgeBase, files: Iterable[Path] | None = None, jobs: int | None = None) -> CheckResult:
    """Validate the post-mortems of `kb` (all of them, or `files`).

    Cross-file rules (duplicate ids, `related` links) see every post-mortem of the knowledge base
    even when only some files are checked. Large runs use `jobs` processes (default: one per
    core); the result is the same. Raises UsageError when there is no `postmortems/` folder.
    """
    if files is None:
        kb.require_postmortems_dir()
    every_file = kb.files()
    targets = every_file if files is None else list(dict.fromkeys(Path(f) for f in files))
    return _check(kb, _ids(kb, every_file), targets, jobs, keep_postmortems=False).result


def load_knowledge_base(root: Path, jobs: int | None = None) -> KnowledgeBase:
    """The knowledge base at `root` with every post-mortem read and checked (see `load`). Raises
    ConfigError when `postmortem.yml` is unusable, UsageError without `postmortems/`."""
    return load(open_knowledge_base(root), jobs)


def load(kb: KnowledgeBase, jobs: int | None = None) -> KnowledgeBase:
    """Read and check every post-mortem of `kb` into it (see `read_all`): `postmortems` then holds
    those that could be read, `check_result` what checking them found. Returns `kb`."""
    kb.check_result, kb.postmortems = read_all(kb, jobs)
    return kb


def read_all(kb: KnowledgeBase, jobs: int | None = None) -> Checked:
    """Read and check every post-mortem of `kb`: what was found, and every post-mortem that could
    be read (with its valid fields), sorted by path. `kb` is left as it was."""
    kb.require_postmortems_dir()
    every_file = kb.files()
    return _check(kb, _ids(kb, every_file), every_file, jobs, keep_postmortems=True)


def read_checked(kb: KnowledgeBase, files: list[Path]) -> Checked:
    """Read and check `files` against the whole knowledge base (its ids), in this process: what was
    found, and the post-mortems that could be read. `kb` is left as it was."""
    return _check(kb, _ids(kb, kb.files()), files, jobs=1, keep_postmortems=True)


def check_changed_since(kb: KnowledgeBase, ref: str, jobs: int | None = None) -> CheckResult:
    """Validate what the working tree changed since its merge base with `ref`: the post-mortems added
    or modified (renames followed, deletions skipped), those sharing an id with them, and those that
    mention an id the change removed (a `related` link it broke). A config change checks everything.

    Raises UsageError when `ref` is unknown or the clone too shallow to find the merge base."""
    from .kb.gitinfo import changes_since, files_mentioning

    changes = changes_since(kb, ref)
    if changes.config_changed:
        return check(kb, jobs=jobs)
    every_file = kb.files()
    ids = _ids(kb, every_file)
    targets = set(changes.changed)
    targets.update(path for changed in changes.changed for path in ids.get(Path(changed).stem, []))
    targets.update(files_mentioning(kb, changes.removed_ids - ids.keys()))
    return _check(kb, ids, [kb.root / path for path in sorted(targets)], jobs, keep_postmortems=False).result


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders replaced by the post-mortem files below them."""
    return [file for path in paths for file in (markdown_files(path) if path.is_dir() else [path])]


def _ids(kb: KnowledgeBase, files: list[Path]) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for file in files:
        ids.setdefault(file.stem, []).append(kb.relative(file))
    return ids


def _check(kb: KnowledgeBase, ids: dict[str, list[str]], targets: list[Path], jobs: int | None,
           keep_postmortems: bool) -> Checked:
    """Check `targets` in `jobs` processes (one when they are few). The post-mortems read are kept
    only with `keep_postmortems`: sending them back from the workers costs more than checking them."""
    context = CheckContext(kb.config, services_checked=kb.config_from_file, ids=ids)
    jobs = min(jobs or available_cores(), max(1, len(targets) // (PARALLEL_THRESHOLD // 2)))
    if jobs > 1 and len(targets) >= PARALLEL_THRESHOLD:
        # The first file is checked here, before the workers fork: the patterns and caches the rules
        # make on first use (gitleaks' 221 rules, the keyword automata) are then made once, not in
        # every worker.
        first, rest = targets[:1], targets[1:]
        parts = [_check_files(kb, first, context, keep_postmortems)]
        size = max(CHUNK_FLOOR, -(-len(rest) // (jobs * CHUNKS_PER_JOB)))
        chunks = [rest[i:i + size] for i in range(0, len(rest), size)]
        with ProcessPoolExecutor(jobs, mp_context=_process_context(), initializer=_start_worker,
                                 initargs=(kb, context, keep_postmortems)) as pool, collector_paused():
            parts.extend(pool.map(_check_in_worker, chunks))
    else:
        parts = [_check_files(kb, targets, context, keep_postmortems)]
    diagnostics = sorted((d for part in parts for d in part.diagnostics), key=lambda d: d.sort_key())
    silenced = sorted((s for part in parts for s in part.silenced), key=lambda s: s.diagnostic.sort_key())
    postmortems = [pm for part in parts for pm in part.postmortems]
    return Checked(CheckResult(checked=len(targets), diagnostics=diagnostics, silenced=silenced), postmortems)


def _check_files(kb: KnowledgeBase, files: list[Path], context: CheckContext, keep_postmortems: bool) -> _FilesChecked:
    diagnostics: list[Diagnostic] = []
    silenced: list[Silenced] = []
    postmortems: list[PostMortem] = []
    with collector_paused():
        for file in files:
            postmortem, found = read_postmortem(kb.relative(file), file)
            if postmortem is None:
                diagnostics.extend(found)
            else:
                kept, allowed = apply_allow_comments(postmortem.path, postmortem.text,
                                                     [*found, *run_checks(postmortem, context)])
                diagnostics.extend(kept)
                diagnostics.extend(allowed_in_public_text(postmortem, allowed, context.config))
                silenced.extend(allowed)
                if keep_postmortems:
                    postmortem.release_parse_data()
                    postmortems.append(postmortem)
    return _FilesChecked(diagnostics, silenced, postmortems)


def _process_context():
    # fork starts workers in milliseconds with the rules already imported; elsewhere, the default.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


_worker_state: tuple = ()


def _start_worker(kb: KnowledgeBase, context: CheckContext, keep_postmortems: bool) -> None:
    global _worker_state
    _worker_state = (kb, context, keep_postmortems)


def _check_in_worker(files: list[Path]) -> _FilesChecked:
    kb, context, keep_postmortems = _worker_state
    return _check_files(kb, files, context, keep_postmortems)
