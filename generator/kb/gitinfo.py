"""What the tool reads from and writes to git: the files a branch changed, the history of every
post-mortem, the commits that are evidence of actions, and the branch `new --branch` makes. The only module that imports GitPython."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import git

from ..errors import UsageError
from .config.schema import CONFIG_FILE, POSTMORTEMS_DIR
from .evidence import REVERTS, TRAILER, Evidence, LoggedCommit, evidence_from
from .layout import is_postmortem_file

if TYPE_CHECKING:
    from .layout import KnowledgeBase

FULL_HISTORY = "fetch the full history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)"
#: Commit header in log output; the fields are separated by 0x1f, the header from its files by NUL.
HEADER = "\x1e"
#: A line of front matter that publishes a post-mortem, in the regex dialect of `git log -G`.
PUBLISHED_LINE = "^status:[[:space:]]*[\"']?published"


class _Repository:
    """A git repository seen from a knowledge base that may sit in one of its subfolders."""

    def __init__(self, root: Path) -> None:
        try:
            self.repo = git.Repo(root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise UsageError(f"{root} is not in a git repository") from None
        except git.GitCommandNotFound:  # pragma: no cover - git is on every supported machine
            raise UsageError("git is not installed, or not on PATH") from None
        self.top = Path(self.repo.working_tree_dir).resolve()
        self.prefix = root.resolve().relative_to(self.top).as_posix()
        self.prefix = "" if self.prefix == "." else self.prefix + "/"

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> str:
        """Run `git ARGS` at the top of the repository; raise UsageError with git's words on failure."""
        status, out, err = self.repo.git.execute(["git", "-c", "core.quotepath=off", *args],
                                                 with_extended_output=True, with_exceptions=False,
                                                 strip_newline_in_stdout=False)
        if status not in ok:
            raise UsageError(f"git {args[0]} failed: {err.strip() or out.strip()}")
        return out

    def spec(self, path: str) -> str:
        """A pathspec for `path`, relative to the knowledge base."""
        return f":(top,literal){self.prefix}{path}"

    def local(self, path: str) -> str | None:
        """`path` (relative to the top) relative to the knowledge base, or None when outside it."""
        return path[len(self.prefix):] if path.startswith(self.prefix) else None

    @property
    def shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").strip() == "true"

    def has_commits(self) -> bool:
        return self.run("rev-parse", "--verify", "--quiet", "HEAD", ok=(0, 1)).strip() != ""


# -- what a branch changed ---------------------------------------------------------------------------


@dataclass
class ChangeSet:
    """The post-mortems a branch added or modified (relative paths, as they are now), the ids that it
    removed by deleting or renaming files, and whether it changed the knowledge base's config."""

    changed: list[str]
    removed_ids: set[str]
    config_changed: bool


def repository_top(folder: Path) -> Path | None:
    """The top of the git repository that holds `folder` (or would, once created), or None."""
    existing = next((path for path in (folder, *folder.parents) if path.exists()), None)
    try:
        return _Repository(existing).top if existing is not None else None
    except UsageError:
        return None


def changes_since(kb: KnowledgeBase, ref: str) -> ChangeSet:
    """What the working tree changed since the merge base of `ref` and HEAD, untracked files included.

    Raises UsageError when `ref` does not exist, or no merge base is found (a shallow clone)."""
    repository = _Repository(kb.root)
    commit = repository.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
                            ok=(0, 1, 128)).strip()
    if not re.fullmatch(r"[0-9a-f]{40,64}", commit):  # a range such as a..b gives two lines
        hint = FULL_HISTORY if repository.shallow else "check the name (e.g. origin/main) and fetch it"
        raise UsageError(f"--changed-since: {ref!r} is not a commit in this clone: {hint}")
    base = repository.run("merge-base", commit, "HEAD", ok=(0, 1)).strip()
    if not base:
        if repository.shallow:
            raise UsageError(f"--changed-since: this clone is too shallow to find where HEAD left {ref}: {FULL_HISTORY}")
        raise UsageError(f"--changed-since: {ref} and HEAD share no history")
    folder, config = repository.spec(POSTMORTEMS_DIR), repository.spec(CONFIG_FILE)
    diff = repository.run("diff", "--name-status", "-z", "-M", base, "--", folder, config)
    untracked = repository.run("ls-files", "--others", "--exclude-standard", "-z", "--", folder, config)
    touched, present, removed_ids = set(), set(), set()
    for _, _, status, old, new in _log_entries(diff):
        path = repository.local(new or old)
        touched.add(path)
        if status != "D":
            present.add(path)
        if status in "DR" and _is_postmortem(repository.local(old) or ""):
            removed_ids.add(Path(old).stem)
    present.update(map(repository.local, filter(None, untracked.split("\0"))))
    return ChangeSet(changed=sorted(path for path in present if _is_postmortem(path)), removed_ids=removed_ids,
                     config_changed=CONFIG_FILE in touched | present)


def _is_postmortem(path: str) -> bool:
    """Whether `path`, relative to the knowledge base, is a post-mortem."""
    folder, _, below = path.partition("/")
    return folder == POSTMORTEMS_DIR and bool(below) and is_postmortem_file(below)


def files_mentioning(kb: KnowledgeBase, words: set[str]) -> list[str]:
    """The post-mortems (relative paths) whose text holds any of `words`, found by `git grep`."""
    if not words:
        return []
    repository = _Repository(kb.root)
    patterns = [arg for word in sorted(words) for arg in ("-e", word)]
    found = repository.run("grep", "-l", "-z", "-F", "--untracked", *patterns, "--", repository.spec(POSTMORTEMS_DIR),
                           ok=(0, 1))
    return sorted(path for path in map(repository.local, filter(None, found.split("\0"))) if _is_postmortem(path))


# -- the history of every post-mortem -----------------------------------------------------------------


@dataclass(frozen=True)
class FileHistory:
    """A post-mortem's history: when it was first and last committed, how many commits changed it,
    who wrote them (names through `.mailmap`, most commits first), and when it was first published on
    the built branch (the commit that set `status: published`)."""

    first_commit: dt.datetime
    last_change: dt.datetime
    revisions: int
    authors: tuple[str, ...]
    published_at: dt.datetime | None = None


@dataclass
class History:
    """The history of every committed post-mortem by relative path, or why there is none."""

    files: dict[str, FileHistory] = field(default_factory=dict)
    notice: str | None = None

    def published_by_id(self) -> dict[str, dt.datetime] | None:
        """When each post-mortem was published, by id; None when there is no history to tell."""
        if self.notice is not None:
            return None
        return {Path(path).stem: item.published_at for path, item in self.files.items() if item.published_at}


def read_history(kb: KnowledgeBase) -> History:
    """Two passes of `git log` over `postmortems/`, whatever the number of files: one for every
    commit (renames followed), one for the commits of HEAD's first-parent line that published a file.

    Outside a git repository, in a shallow clone (whose oldest commits would pass for the first
    ones), or when git refuses to read the repository, the history is empty and `notice` says why."""
    try:
        repository = _Repository(kb.root)
        if repository.shallow:
            return History(notice=f"this is a shallow clone, so the pages show no history: {FULL_HISTORY}")
        return _read_history(repository)
    except UsageError as error:
        return History(notice=f"{error}: the pages show no history")


def _read_history(repository: _Repository) -> History:
    if not repository.has_commits():
        return History()
    folder = repository.spec(POSTMORTEMS_DIR)
    log = repository.run("log", "-z", "-M", "--name-status", f"--format={HEADER}%aN\x1f%aI", "HEAD", "--", folder)
    commits: dict[str, list[tuple[dt.datetime, str]]] = {}
    lineage: dict[str, str] = {}  # a path a file had, newest first walk, to the path it has now
    for when, author, status, old, new in _log_entries(log):
        final = lineage.get(new or old, new or old)
        commits.setdefault(final, []).append((when, author))
        if status == "R":
            lineage[old] = final
    published: dict[str, dt.datetime] = {}
    log = repository.run("log", "-z", "-M", "--name-status", "--first-parent", "--diff-merges=first-parent",
                         f"-G{PUBLISHED_LINE}", f"--format={HEADER}%aN\x1f%cI", "HEAD", "--", folder)
    for when, _, _, old, new in _log_entries(log):
        final = lineage.get(new or old, new or old)
        published[final] = min(when, published.get(final, when))
    files = {}
    for path, changes in commits.items():
        local = repository.local(path)
        if local is None or not (repository.top / path).is_file():
            continue
        counts: dict[str, int] = {}
        for _, author in changes:
            counts[author] = counts.get(author, 0) + 1
        files[local] = FileHistory(
            first_commit=changes[-1][0], last_change=changes[0][0], revisions=len(changes),
            authors=tuple(sorted(counts, key=lambda name: (-counts[name], name))), published_at=published.get(path))
    return History(files)


def _log_entries(log: str):
    """(date, author, status, old path, new path or None) for each file of each commit of a log,
    newest first, or of a diff (without dates nor authors); from `--name-status -z` output."""
    tokens = iter(log.split("\0"))
    when, author = None, ""
    for token in tokens:
        token = token.lstrip("\n")
        if token.startswith(HEADER):
            author, stamp = token[1:].split("\x1f")
            when = dt.datetime.fromisoformat(stamp)
        elif token:
            status = token[0]
            first = next(tokens)
            second = next(tokens) if status in "RC" else None
            yield when, author, status, first, second


# -- the branch of a new post-mortem ------------------------------------------------------------------


def check_can_branch(kb: KnowledgeBase, branch: str) -> None:
    """Raise UsageError unless a branch `branch` can be made here without touching anyone's work:
    a repository with a first commit, nothing staged, and no branch of that name."""
    repository = _Repository(kb.root)
    if not repository.has_commits():
        raise UsageError("--branch needs a repository with at least one commit: commit something first")
    staged = repository.run("diff", "--cached", "--name-only", "-z").split("\0")
    staged = [path for path in staged if path]
    if staged:
        raise UsageError(f"--branch: {len(staged)} staged change(s) ({', '.join(staged[:3])}"
                         f"{', ...' if len(staged) > 3 else ''}) would go into the post-mortem's commit: "
                         "commit or unstage them first (git stash, or git restore --staged)")
    if repository.run("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", ok=(0, 1)).strip():
        raise UsageError(f"--branch: the branch {branch} exists already: switch to it, or choose another --slug")


def commit_on_new_branch(kb: KnowledgeBase, branch: str, path: Path, message: str) -> None:
    """Create and switch to `branch` from HEAD (unstaged changes stay in the working tree, untouched),
    then commit `path` alone on it. Git's own command runs, so hooks and signing apply."""
    repository = _Repository(kb.root)
    repository.run("switch", "--create", branch)
    relative = path.resolve().relative_to(repository.top).as_posix()
    repository.run("add", "--", f":(top,literal){relative}")
    repository.run("commit", "--quiet", "--message", message, "--", f":(top,literal){relative}")


# -- commits as evidence that actions were done -------------------------------------------------------

#: A commit in the evidence log: fields separated by 0x1f, the trailers' values by 0x1d.
_EVIDENCE_FORMAT = f"{HEADER}%H\x1f%cI\x1f%s\x1f%(trailers:key={TRAILER},valueonly,separator=%x1d)\x1f%b"


def read_evidence(kb: KnowledgeBase) -> Evidence:
    """The commits of HEAD's history, in the knowledge base's repository and in those of
    `evidence.repositories`, that name an action in a trailer or revert a commit. A repository that
    cannot be read, or a shallow clone, gives none, and a notice says why."""
    commits: list[LoggedCommit] = []
    notices = []
    folders = [(".", kb.root)] + [(path, kb.root / path) for path in kb.config.evidence.repositories]
    for name, folder in folders:
        try:
            repository = _Repository(folder)
            if name != "." and repository.top != folder.resolve():
                raise UsageError(f"{folder} is not the top of a git repository")
            if repository.shallow:
                notices.append(f"evidence: {name} is a shallow clone, so its older commits are not read: {FULL_HISTORY}")
            if repository.has_commits():
                commits += _evidence_commits(repository, name)
        except UsageError as error:
            notices.append(f"evidence: {name}: {error}, so its commits are not read")
    return evidence_from(commits, notices)


def _evidence_commits(repository: _Repository, name: str) -> list[LoggedCommit]:
    log = repository.run("log", "HEAD", "--regexp-ignore-case", f"--grep=^{TRAILER}:",
                         "--grep=^This reverts commit ", f"--format={_EVIDENCE_FORMAT}")
    commits = []
    for record in log.split(HEADER)[1:]:
        sha, stamp, subject, trailers, body = record.split("\x1f", 4)
        actions = tuple(value.strip() for value in trailers.split("\x1d") if value.strip())
        commits.append(LoggedCommit(name, sha, dt.datetime.fromisoformat(stamp), subject, actions,
                                    tuple(REVERTS.findall(body))))
    return commits
