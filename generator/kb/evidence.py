"""Commits as evidence that actions were done: a commit whose message ends with the trailer
`Postmortem-Action: <post-mortem id>/<action id>` names an action; a later `git revert` of it
withdraws it. The commits are read by `gitinfo.read_evidence`; what they mean is worked out here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

#: The trailer that names an action, as `git interpret-trailers` matches keys: whatever the case.
TRAILER = "Postmortem-Action"
#: What `git revert` writes in the message of the commit it makes.
REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{7,64})\b", re.M)


@dataclass(frozen=True)
class LoggedCommit:
    """A commit as `git log` gives it: where it is (the repository's path as configured, `.` for the
    knowledge base's own), its full sha, committer date, subject, the actions its trailers name, and
    the commits its message says it reverts."""

    repository: str
    sha: str
    date: dt.datetime
    subject: str
    actions: tuple[str, ...] = ()
    reverts: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvidenceCommit:
    """A commit that names an action, and the revert that withdrew it, if any."""

    commit: LoggedCommit
    reverted_by: LoggedCommit | None = None

    @property
    def short_sha(self) -> str:
        return self.commit.sha[:7]


@dataclass
class Evidence:
    """The commits that name each action (`<post-mortem id>/<action id>`), newest first, and why some
    repositories could not be read."""

    by_action: dict[str, list[EvidenceCommit]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def of(self, key: str) -> list[EvidenceCommit]:
        return self.by_action.get(key, [])

    def withdrawn(self, key: str) -> bool:
        """Whether the action had evidence and every commit of it was reverted."""
        found = self.of(key)
        return bool(found) and all(item.reverted_by is not None for item in found)


def evidence_from(commits: list[LoggedCommit], notices: list[str] | None = None) -> Evidence:
    """The evidence in `commits` (each repository's newest first). A revert counts only while it is
    not itself reverted: a revert of the revert gives the evidence back."""
    reverted: dict[tuple[str, str], LoggedCommit] = {}
    for commit in commits:  # newest first: a revert is seen before what it reverts
        if _find(reverted, commit) is None:
            for sha in commit.reverts:
                reverted[(commit.repository, sha)] = commit
    evidence = Evidence(notices=list(notices or []))
    for commit in commits:
        for key in commit.actions:
            evidence.by_action.setdefault(key, []).append(EvidenceCommit(commit, _find(reverted, commit)))
    return evidence


def _find(reverted: dict[tuple[str, str], LoggedCommit], commit: LoggedCommit) -> LoggedCommit | None:
    """The revert of `commit`, matched on its full sha or on the abbreviation the message wrote."""
    exact = reverted.get((commit.repository, commit.sha))
    if exact is not None:
        return exact
    return next((by for (repository, sha), by in reverted.items()
                 if repository == commit.repository and commit.sha.startswith(sha)), None)
