"""Replacing a folder in one step, so that a reader or a killed build never finds it missing or
half-written (the internal site's `site/`, the public site's `site-public/`)."""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path


def replace_folder(staging: Path, target: Path) -> None:
    """Put `staging` in place of `target`: exchanged in one step where the system can, so that a
    reader or a killed build never finds `target` missing or half-written (a test kills builds at
    several points and finds the previous site or the new one, whole)."""
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site
        return
    previous = target.with_name(f".{target.name}-previous")
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux's renameat2 with RENAME_EXCHANGE); False where unsupported.
    Through ctypes: Python's os module has no renameat2, and two renames leave a moment with no
    `site/` at all, which a server reading it, or a build killed then, would see."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:  # pragma: no cover - not glibc
        return False
    at_cwd, rename_exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0
