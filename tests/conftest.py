"""Shared fixtures: knowledge bases laid out in temporary folders from tests/fixtures/."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# No deadline: a time limit per example is a timing threshold, and this machine is noisy.
settings.register_profile("postmortem", deadline=None)
settings.load_profile("postmortem")

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).parent.parent
BASE_POSTMORTEM = FIXTURES / "valid/postmortems/2026/2026-03-02-checkout-deploy-errors.md"


def lay_out(root: Path, tree: str | None = None, config: str | None = None) -> Path:
    """A knowledge base at `root`: the fixture config (or `config`), and the postmortems/ of `tree`."""
    if tree:
        shutil.copytree(FIXTURES / tree / "postmortems", root / "postmortems", symlinks=True)
    else:
        (root / "postmortems").mkdir(parents=True)
    (root / "postmortem.yml").write_text(config if config is not None else (FIXTURES / "postmortem.yml").read_text())
    return root


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """An empty knowledge base with the fixture config."""
    return lay_out(tmp_path / "kb")


@pytest.fixture
def base_text() -> str:
    """A valid post-mortem (2026-03-02, SEV2, checkout-web) to derive cases from."""
    return BASE_POSTMORTEM.read_text(encoding="utf-8")


def write(root: Path, name: str, content: str | bytes) -> Path:
    """Write postmortems/<year>/<name> (the year from the name) and return its path."""
    path = root / "postmortems" / name[:4] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.fixture(autouse=True)
def git_identity(monkeypatch) -> None:
    """Git as on a fresh machine (no global or system config), with an identity for commits."""
    for name, value in {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test",
                        "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
                        "GIT_COMMITTER_EMAIL": "test@example.com"}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def git(root: Path, *args: str, when: str = "2026-03-10T12:00:00+00:00", author: str = "Alice Martin",
        email: str = "alice@example.com") -> str:
    """Run git in `root` as `author`, dated `when`."""
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": author,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout
