"""Statuses read back (`postmortem actions sync`): each action's GitHub issue and its commits decide
its status, written into the front matter for a person to review (the weekly workflow opens a pull
request with them). Every ticket is read before any file is written.

What decides, first match wins:
1. every commit that named the action was reverted: open again;
2. its ticket is a GitHub issue: closed as completed, done (closed on the day it was closed); closed
   as not planned or duplicate, wont-do; open, open;
3. no ticket, and a commit names it: done, on the day of the newest commit;
4. anything else (no ticket nor commit, a ticket of another tracker): left alone.
Opening an action again removes its `closed_on` and `verified`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..kb.evidence import Evidence
from ..kb.layout import KnowledgeBase
from ..kb.model import Action, ActionStatus, PostMortem, action_key
from .frontedit import ActionEdit, edit_actions, read_exact, write_if_unchanged
from .github import GitHubClient, IssueRef, IssueState, TicketUnreadable, issue_ref

CLOSED = (ActionStatus.done, ActionStatus.wont_do)


@dataclass(frozen=True)
class StatusChange:
    """One action whose status changes: where, from what to what, and why."""

    path: str
    index: int
    action: str
    old: ActionStatus
    new: ActionStatus
    closed_on: dt.date | None
    reason: str

    def line(self) -> str:
        """`postmortems/2026/x.md: pool-alert: open -> done (acme/app#12 closed on 2026-03-18)`."""
        return f"{self.path}: {self.action}: {self.old.value} -> {self.new.value} ({self.reason})"


@dataclass
class SyncResult:
    """The changes (written, or to write with `dry_run`), and the tickets that could not be read."""

    changes: list[StatusChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def sync_actions(kb: KnowledgeBase, client: GitHubClient, evidence: Evidence | None, dry_run: bool = False) -> SyncResult:
    """Read every action's GitHub issue (once each) and `evidence`, then write the statuses that
    changed into the loaded knowledge base's files, unless `dry_run`. Raises GitHubError, with nothing
    written, when GitHub cannot be read at all; an issue that cannot be read is a problem, and its
    action is left alone."""
    result = SyncResult()
    issues: dict[IssueRef, IssueState | TicketUnreadable] = {}
    for pm in sorted(kb.postmortems, key=lambda pm: pm.path):
        for index, action in pm.actions:
            ref = issue_ref(action.ticket, kb.config.ticket_url(action.ticket)) if action.ticket else None
            if ref is not None and ref not in issues:
                try:
                    issues[ref] = client.issue(ref)
                except TicketUnreadable as problem:
                    issues[ref] = problem
                    result.problems.append(f"{pm.path}: {_name(index, action)}: {problem}")
            change = _change(pm, index, action, issues.get(ref), evidence, kb.config.zone)
            if change is not None:
                result.changes.append(change)
    if not dry_run:
        _write(kb, result.changes)
    return result


def _name(index: int, action: Action) -> str:
    return action.id or f"action {index + 1}"


def _change(pm: PostMortem, index: int, action: Action, issue: IssueState | TicketUnreadable | None,
            evidence: Evidence | None, zone: dt.tzinfo) -> StatusChange | None:
    found = evidence.of(action_key(pm.id, action.id)) if evidence is not None and action.id else []
    ref = issue_ref(action.ticket, None) if action.ticket else None
    ticket = str(ref) if ref else action.ticket

    def to(status: ActionStatus, reason: str, closed_on: dt.date | None = None) -> StatusChange | None:
        if status is action.status or (status is ActionStatus.open and action.status not in CLOSED):
            return None
        return StatusChange(pm.path, index, _name(index, action), action.status, status, closed_on, reason)

    if found and all(item.reverted_by for item in found):
        newest = found[0]
        return to(ActionStatus.open, f"commit {newest.short_sha} reverted by {newest.reverted_by.sha[:7]}")
    if isinstance(issue, TicketUnreadable):
        return None
    if issue is not None:
        if issue.state == "open":
            return to(ActionStatus.open, f"{ticket} is open")
        closed_on = issue.closed_at.astimezone(zone).date() if issue.closed_at else None
        if issue.state_reason in ("not_planned", "duplicate"):
            return to(ActionStatus.wont_do, f"{ticket} closed as {issue.state_reason.replace('_', ' ')}", closed_on)
        return to(ActionStatus.done, f"{ticket} closed on {closed_on}", closed_on)
    live = [item for item in found if item.reverted_by is None]
    if not action.ticket and live:
        closed_on = live[0].commit.date.astimezone(zone).date()
        return to(ActionStatus.done, f"commit {live[0].short_sha} {live[0].commit.subject}", closed_on)
    return None


def _write(kb: KnowledgeBase, changes: list[StatusChange]) -> None:
    """Edit every file in memory first, then write them: a file that cannot be edited stops the
    sync before anything is written."""
    by_path: dict[str, list[ActionEdit]] = {}
    for change in changes:
        if change.new is ActionStatus.open:
            edit = ActionEdit(change.index, {"status": change.new.value}, ("closed_on", "verified"), after=("due",))
        else:
            closed = {"closed_on": change.closed_on.isoformat()} if change.closed_on else {}
            edit = ActionEdit(change.index, {"status": change.new.value, **closed}, after=("status", "due"))
        by_path.setdefault(change.path, []).append(edit)
    edited = []
    for path, edits in by_path.items():
        file = kb.root / path
        text = read_exact(file)
        edited.append((file, text, edit_actions(text, edits, path)))
    for file, text, new_text in edited:
        write_if_unchanged(file, text, new_text)
