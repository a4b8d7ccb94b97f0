"""The weekly review of corrective actions (`postmortem actions`): every action of every post-mortem
with its owner's teams, due date and days overdue, filtered, and written as text, Markdown (the
body of the weekly review issue, in the config's language, and its title), or as records for the
JSON and CSV writers of `exports`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

from ..errors import UsageError
from ..figures import metrics
from ..kb.config.nearest import on_the_site, unknown_value
from ..kb.config.schema import Config
from ..kb.evidence import Evidence
from ..kb.layout import KnowledgeBase
from ..kb.model import ActionStatus, PostMortem, action_key, page_path
from ..labels import Labels
from .texttables import aligned_columns, markdown_cell


@dataclass(frozen=True)
class ActionRow:
    """One action as the review lists it. The JSON objects and CSV columns are these fields, in
    this order."""

    postmortem: str
    postmortem_title: str
    action: str
    owner: str
    team: str
    due: str
    status: str
    ticket: str
    ticket_url: str
    days_overdue: int
    verify_by: str
    #: Done, its `verify_by` reached, and not yet verified.
    to_verify: bool
    action_id: str
    #: Done, but every commit that was its evidence has been reverted: the short sha of the last revert.
    reverted_by: str


COLUMNS = tuple(field.name for field in fields(ActionRow))


@dataclass(frozen=True)
class ActionFilter:
    """Which actions to list: each filter given narrows the list."""

    overdue: bool = False
    open: bool = False
    owner: str | None = None
    team: str | None = None
    due_within: int | None = None


def review_actions(kb: KnowledgeBase, today: dt.date, chosen: ActionFilter = ActionFilter(),
                   evidence: Evidence | None = None) -> list[ActionRow]:
    """The actions of the loaded knowledge base that `chosen` keeps, by due date (then post-mortem
    and position). `due_within` keeps those due by `today` plus that many days, overdue ones
    included; `open` keeps the done ones whose `evidence` (gitinfo.read_evidence) was reverted.
    Raises UsageError for an owner or team the config does not know."""
    config = kb.config
    if chosen.team is not None and chosen.team not in config.teams:
        raise UsageError(unknown_value("team", chosen.team, config.teams, config.listed_at("teams"),
                                       on_the_site(config, "teams")))
    if chosen.owner is not None and config.owners and chosen.owner.lstrip("@") not in config.owners:
        raise UsageError(unknown_value("owner", chosen.owner, config.owners, config.listed_at("people", "teams")))
    rows = []
    for pm in sorted(kb.postmortems, key=PostMortem.chronological_key):
        for _, action in pm.actions:
            reverted_by = _reverted_by(pm, action, evidence)
            if _kept(action, chosen, config, today, bool(reverted_by)):
                rows.append(_row(pm, action, config, today, reverted_by))
    rows.sort(key=lambda row: row.due)
    return rows


def _reverted_by(pm: PostMortem, action, evidence: Evidence | None) -> str:
    """The short sha of the revert that withdrew a done action's last evidence, or ""."""
    if evidence is None or action.id is None or action.status is not ActionStatus.done:
        return ""
    key = action_key(pm.id, action.id)
    return evidence.of(key)[0].reverted_by.sha[:7] if evidence.withdrawn(key) else ""


def _kept(action, chosen: ActionFilter, config: Config, today: dt.date, reverted: bool) -> bool:
    return ((not chosen.overdue or metrics.is_overdue(action, today))
            and (not chosen.open or action.status in metrics.OPEN_STATUSES or metrics.to_verify(action, today)
                 or reverted)
            and (chosen.owner is None or action.owner == chosen.owner.lstrip("@"))
            and (chosen.team is None or chosen.team in config.teams_of(action.owner))
            and (chosen.due_within is None or action.due <= today + dt.timedelta(days=chosen.due_within)))


def _row(pm: PostMortem, action, config: Config, today: dt.date, reverted_by: str) -> ActionRow:
    return ActionRow(
        postmortem=pm.id,
        postmortem_title=pm.value("title") or "",
        action=action.title,
        owner=action.owner,
        team=", ".join(config.teams_of(action.owner)),
        due=action.due.isoformat(),
        status=action.status.value,
        ticket=action.ticket or "",
        ticket_url=(config.ticket_url(action.ticket) or "") if action.ticket else "",
        days_overdue=(today - action.due).days if metrics.is_overdue(action, today) else 0,
        verify_by=action.verify_by.isoformat() if action.verify_by else "",
        to_verify=metrics.to_verify(action, today),
        action_id=action.id or "",
        reverted_by=reverted_by,
    )


def as_records(rows: list[ActionRow]) -> list[dict]:
    """The rows as objects with the keys of `COLUMNS`, for JSON and CSV (see `exports`)."""
    return [asdict(row) for row in rows]


def actions_text(rows: list[ActionRow]) -> str:
    """Aligned lines: due date, lateness, status, owner, post-mortem, action, ticket."""
    if not rows:
        return "No actions."
    cells = [(row.due, f"{row.days_overdue} d late" if row.days_overdue else "", row.status, row.owner,
              row.postmortem, row.action + (f" [{row.ticket}]" if row.ticket else "")) for row in rows]
    if not any(line[1] for line in cells):  # the lateness column only when something is late
        cells = [(line[0], *line[2:]) for line in cells]
    return "\n".join(aligned_columns(cells))


def review_title(config: Config, today: dt.date) -> str:
    """The title of the weekly review issue for `today`'s ISO week: `Post-mortem actions: week 2026-W12`."""
    year, week, _ = today.isocalendar()
    return Labels(config.language)("review_title", week=f"{year}-W{week:02d}")


def actions_markdown(rows: list[ActionRow], config: Config, today: dt.date) -> str:
    """The weekly review, in the config's language: overdue actions first (most late first), then
    the done ones whose evidence was reverted, then those whose fix is to be verified (by
    verification date), then the others by due date; owners mentioned by their GitHub handle,
    tickets and post-mortems as links when known."""
    label = Labels(config.language)
    overdue = sorted((row for row in rows if row.days_overdue), key=lambda row: -row.days_overdue)
    reverted = [row for row in rows if row.reverted_by and not row.days_overdue]
    to_verify = sorted((row for row in rows if row.to_verify and not row.reverted_by), key=lambda row: row.verify_by)
    others = [row for row in rows if not row.days_overdue and not row.to_verify and not row.reverted_by]
    lines = [label("review_counts", overdue=len(overdue), others=len(others), s="" if len(others) == 1 else "s",
                   today=today.isoformat())
             + (label("review_to_verify_count", count=len(to_verify)) if to_verify else "")
             + (label("review_reverted_count", count=len(reverted)) if reverted else ""), ""]
    head = [label(key) for key in ("due", "review_late", "owner", "action", "ticket", "postmortem")]
    all_open = all(row.status in metrics.OPEN_STATUSES for row in others)
    for title, group in ((label("group_overdue"), overdue), (label("group_reverted"), reverted),
                         (label("group_to_verify"), to_verify),
                         (label("group_open" if all_open else "review_others"), others)):
        if not group:
            continue
        lines += [f"### {title} ({len(group)})", "", f"| {' | '.join(head)} |", "| --- " * len(head) + "|"]
        lines += [_markdown_row(row, config, label) for row in group]
        lines.append("")
    if not rows:
        lines.append(label("review_none"))
    return "\n".join(lines).rstrip() + "\n"


def _markdown_row(row: ActionRow, config: Config, label: Labels) -> str:
    ticket = f"[{markdown_cell(row.ticket)}]({row.ticket_url})" if row.ticket_url else markdown_cell(row.ticket)
    postmortem = (f"[{markdown_cell(row.postmortem)}]({config.site_url}{page_path(row.postmortem)}/)"
                  if config.site_url else f"`{row.postmortem}`")
    late = (label("review_days", days=row.days_overdue) if row.days_overdue
            else label("review_reverted_by", sha=row.reverted_by) if row.reverted_by
            else label("review_verify_by", day=row.verify_by) if row.to_verify else "")
    return f"| {row.due} | {late} | {markdown_cell(config.mention(row.owner))} | {markdown_cell(row.action)} | {ticket} | {postmortem} |"

