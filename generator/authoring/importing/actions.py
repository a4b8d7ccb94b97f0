"""Action items from the lists and tables under an actions heading, with their owner, due date and
ticket when the document gives them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .blocks import Block
from .dates import DATE, DATE_PATTERN, date_of
from .sections import normalize

#: Table headers, normalized, of each column an action can have.
COLUMNS = {
    "title": {"action", "action item", "action items", "item", "task", "description", "title", "what", "titre",
              "tache", "mesure", "actions"},
    "owner": {"owner", "owners", "assignee", "assigned to", "who", "responsible", "responsable", "porteur",
              "pilote", "dri"},
    "due": {"due", "due date", "deadline", "date", "when", "by", "target date", "echeance", "date limite"},
    "ticket": {"ticket", "bug", "issue", "jira", "link", "tracking", "reference", "ref", "lien", "tickets", "bugs"},
    "status": {"status", "statut", "state", "etat"},
}
OWNER_IN_TEXT = re.compile(r"(?:\b(?:(?:owner|owners|assignee|responsable|porteur|pilote)\s*[:=]|assigned to|owned by)"
                           r"\s*@?(?P<named>[\w.-]+))|(?:(?<![\w/])@(?P<handle>[A-Za-z][\w.-]*))", re.IGNORECASE)
DUE_IN_TEXT = re.compile(rf"\b(?:due|by|before|deadline|échéance|echeance|avant le|pour le|d'ici le)\s*[:=]?\s*{DATE}",
                         re.IGNORECASE)
TICKET_IN_TEXT = re.compile(r"(?<![\w/-])(?:[A-Z][A-Z0-9]+-\d+|(?:[\w.-]+/[\w.-]+)?#\d+|[Bb]ug \d+)(?![\w-])")
#: An address in an item's text: the ticket when it names no tracker key.
LINK = re.compile(r"https?://[^\s)>\]]+")
#: What a ticket cell says when there is none, and the status words a cell adds after it.
NO_TICKET = re.compile(r"^(?:n/?a|none|-|—|tbd|aucun)$", re.IGNORECASE)
STATUS_WORDS = re.compile(r"[*_\s]*\b(?:TODO|DONE|WIP|IN PROGRESS|OPEN|CLOSED|FAIT|À FAIRE)\b[*_\s]*$")
#: What a status says of a finished action.
DONE = re.compile(r"\b(?:done|closed|completed?|fixed|fait|terminée?|clos)\b|✅", re.IGNORECASE)
MAX_TITLE = 200


@dataclass(frozen=True)
class FoundAction:
    """An action item as the document gives it; what it does not give is None."""

    title: str
    owner: str | None
    due: dt.date | None
    ticket: str | None
    done: bool = False  # the document marks it done: a checked box, DONE, a status of done or closed


def read_actions(blocks: list[Block]) -> list[FoundAction]:
    """The action items of the blocks under an actions heading: the rows of their tables and their
    top-level list items."""
    found: list[FoundAction] = []
    for block in blocks:
        if block.kind == "table":
            found.extend(_table_actions(block.rows))
        elif block.kind == "item" and block.level == 1:
            found.append(_text_action(block.text))
    return [action for action in found if action.title]


def _table_actions(rows: list[list[str]]) -> list[FoundAction]:
    if len(rows) < 2:
        return []
    header = [normalize(cell) for cell in rows[0]]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for column, names in COLUMNS.items():
            if name in names and column not in columns:
                columns[column] = index
                break
    title_column = columns.get("title", next((index for index in range(len(header)) if index not in columns.values()), 0))
    actions = []
    for row in rows[1:]:
        def cell(column: str, row=row) -> str:
            index = columns.get(column)
            return row[index].strip() if index is not None and index < len(row) else ""

        title = row[title_column].strip() if title_column < len(row) else ""
        owner = _owner(cell("owner")) if cell("owner") else _text_action(title).owner
        due_match = DATE_PATTERN.search(cell("due"))
        ticket = STATUS_WORDS.sub("", cell("ticket")).strip(" *_")
        done = bool(DONE.search(cell("status")) or DONE.search(cell("ticket")))
        actions.append(FoundAction(short_title(title), owner, date_of(due_match) if due_match else None,
                                   None if not ticket or NO_TICKET.match(ticket) else ticket, done))
    return actions


def _owner(text: str) -> str | None:
    text = re.sub(r"[*_`]", "", text).strip()
    if not text or NO_TICKET.match(text):
        return None
    return text.split(",")[0].strip().lstrip("@") or None


def _text_action(text: str) -> FoundAction:
    line = " ".join(text.split())
    owner = OWNER_IN_TEXT.search(line)
    due = DUE_IN_TEXT.search(line)
    ticket = TICKET_IN_TEXT.search(line) or LINK.search(line)
    return FoundAction(short_title(line), (owner["named"] or owner["handle"]) if owner else None,
                       date_of(due) if due else None, ticket[0] if ticket else None, line.startswith(("[x]", "[X]")))


def short_title(text: str) -> str:
    """An action's title on one line, at most 200 characters, cut at a word."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", re.sub(r"^\[[ xX]\]\s*", "", text))
    text = " ".join(text.split())
    if len(text) <= MAX_TITLE:
        return text
    return text[:MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
