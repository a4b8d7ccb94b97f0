"""The knowledge base: where its files are, its configuration, and, once loaded, its post-mortems
with what loading them found. Every command works on one."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from ..diagnostics import CheckResult
from ..errors import UsageError
from .config.loader import load_config
from .config.schema import CONFIG_FILE, POSTMORTEMS_DIR, SKIPPED_PREFIXES, Config
from .model import PostMortem

BUILD_DIR = "build"
SITE_DIR = "site"
#: The suffix of post-mortems, and of every file that would become a page of the site.
MARKDOWN_SUFFIX = ".md"


@dataclass
class KnowledgeBase:
    """A knowledge base at `root`: `postmortem.yml` and `postmortems/`, and what the build writes
    (`build/`, `site/`). `postmortems` and `check_result` are filled by `checker.load_knowledge_base`."""

    root: Path
    config: Config
    #: False when there is no `postmortem.yml`: the defaults apply and services are not checked.
    config_from_file: bool
    #: Every post-mortem that could be read (fields that failed validation left out), sorted by path.
    postmortems: list[PostMortem] = field(default_factory=list, repr=False)
    #: What reading and checking every post-mortem found; None until loaded.
    check_result: CheckResult | None = None
    _absolute_root: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def postmortems_dir(self) -> Path:
        return self.root / POSTMORTEMS_DIR

    @property
    def build_dir(self) -> Path:
        """The generator's work: the docs tree, the fragments, the search documents, the engine's config."""
        return self.root / BUILD_DIR

    @property
    def docs_dir(self) -> Path:
        return self.build_dir / "docs"

    @property
    def fragments_dir(self) -> Path:
        return self.build_dir / "fragments"

    @property
    def search_dir(self) -> Path:
        return self.build_dir / "search"

    @property
    def site_dir(self) -> Path:
        return self.root / SITE_DIR

    def files(self) -> list[Path]:
        """Every post-mortem file under `postmortems/`, sorted (see `is_postmortem_file`)."""
        return markdown_files(self.postmortems_dir) if self.postmortems_dir.is_dir() else []

    def _root_prefix(self) -> tuple[str, str]:
        """The root, absolute, and the prefix of what is below it (worked out once: `root` never moves)."""
        if self._absolute_root is None:
            root = os.path.abspath(self.root)
            self._absolute_root = (root, root.rstrip(os.sep) + os.sep)
        return self._absolute_root

    def relative(self, file: Path) -> str:
        """`file` relative to the root, POSIX style; absolute when outside it. Links are not
        followed: the path is the one the author sees."""
        # String slicing, not Path.relative_to: this runs for every file of every command.
        absolute = os.path.abspath(file)
        root, prefix = self._root_prefix()
        if absolute == root:
            return "."
        if absolute.startswith(prefix):
            return absolute[len(prefix):].replace(os.sep, "/")
        return PurePath(absolute).as_posix()

    def require_postmortems_dir(self) -> None:
        """Raises UsageError when there is no `postmortems/` folder."""
        if not self.postmortems_dir.is_dir():
            raise UsageError(f"no {POSTMORTEMS_DIR}/ folder in {self.root}: run `postmortem init` there, or point "
                             "--root at the knowledge base")


def open_knowledge_base(root: Path) -> KnowledgeBase:
    """The knowledge base at `root`, with its configuration read and checked (nothing else read yet).
    Raises ConfigError with every problem of `postmortem.yml`."""
    return KnowledgeBase(root, load_config(root), config_from_file=(root / CONFIG_FILE).exists())


def markdown_files(folder: Path) -> list[Path]:
    """The post-mortem files below `folder` (see `is_postmortem_file`), sorted.
    Linked folders are not followed, so a link loop cannot trap the walk."""
    found: list[str] = []
    pending: list[str | Path] = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as error:
            raise UsageError(f"cannot read the folder {current}: {error.strerror or error}") from None
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith(SKIPPED_PREFIXES):
                    pending.append(entry.path)
            elif entry.name.endswith(MARKDOWN_SUFFIX) and not entry.name.startswith(SKIPPED_PREFIXES):
                found.append(entry.path)
    # Sorted as paths are (folder by folder), by their parts as strings: Path objects compare slowly.
    return [Path(path) for path in sorted(found, key=lambda path: path.split(os.sep))]


def is_postmortem_file(below: str | PurePath) -> bool:
    """Whether `below`, a path relative to `postmortems/` (or a file's name), is a post-mortem: a `.md`
    file none of whose folders or name starts with `_` (the templates) or `.` (hidden files)."""
    parts = PurePath(below).parts
    return parts[-1].endswith(MARKDOWN_SUFFIX) and not any(part.startswith(SKIPPED_PREFIXES) for part in parts)


def is_attachment(name: str) -> bool:
    """Whether a file of this name beside the post-mortems may be linked to from one (an image, a
    diagram): not hidden, and not Markdown, which is a post-mortem or, named `_...`, a file not published."""
    return not name.startswith(".") and not name.endswith(MARKDOWN_SUFFIX)
