"""The code passes the project's linter (configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPOSITORY


def test_ruff_finds_nothing() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is a test dependency: run `make install`"
    done = subprocess.run([ruff, "check", "generator", "tests", "benchmarks"], cwd=REPOSITORY,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
