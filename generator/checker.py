"""Finding the post-mortems of a knowledge base and running every rule on them."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .config import POSTMORTEMS_DIR, KnowledgeBaseConfig, load_config
from .loader import read_postmortem, relative_path
from .model import CheckResult, PostMortem
from .rules import CheckContext, run_checks


def discover(root: Path) -> list[Path]:
    """Every post-mortem file under `postmortems/`, sorted; names starting with `_` or `.` are skipped."""
    found: list[Path] = []
    base = root / POSTMORTEMS_DIR
    if not base.is_dir():
        return found
    pending = [base]
    while pending:
        folder = pending.pop()
        for entry in folder.iterdir():
            if entry.name.startswith(("_", ".")):
                continue
            if entry.is_dir():
                pending.append(entry)
            elif entry.suffix == ".md":
                found.append(entry)
    return sorted(found)


def check(root: Path, files: Iterable[Path] | None = None, kb: KnowledgeBaseConfig | None = None) -> CheckResult:
    """Validate the post-mortems of the knowledge base at `root` (all of them, or `files`).

    Cross-file rules (duplicate ids, `related` links) see every post-mortem of the knowledge base
    even when only some files are checked. Raises ConfigError when `postmortem.yml` is unusable.
    """
    kb = kb or load_config(root)
    every_file = discover(root)
    ids: dict[str, list[str]] = {}
    for file in every_file:
        ids.setdefault(file.stem, []).append(relative_path(root, file))
    context = CheckContext(kb.config, services_checked=kb.from_file, ids=ids)
    targets = every_file if files is None else list(dict.fromkeys(Path(f) for f in files))
    diagnostics = []
    postmortems: list[PostMortem] = []
    for file in targets:
        postmortem, found = read_postmortem(root, file)
        diagnostics.extend(found)
        if postmortem is not None:
            diagnostics.extend(run_checks(postmortem, context))
            postmortem.release_parse_data()
            postmortems.append(postmortem)
    diagnostics.sort(key=lambda d: d.sort_key())
    return CheckResult(checked=len(targets), diagnostics=diagnostics, postmortems=postmortems)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders replaced by the post-mortem files below them."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if not _hidden(p.relative_to(path))))
        else:
            files.append(path)
    return files


def _hidden(relative: Path) -> bool:
    return any(part.startswith(("_", ".")) for part in relative.parts)
