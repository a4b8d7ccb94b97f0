"""Giving every action an id (`postmortem actions ids`): a slug of its title, unique within its
post-mortem, written into the files that lack some, everything else in them kept as it was."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..kb.layout import KnowledgeBase
from ..kb.model import slugify
from .frontedit import ActionEdit, edit_actions, front_matter_data, read_exact, write_if_unchanged

#: How much of a title an id keeps: short enough to type in a commit trailer.
SHORT_WORDS, SHORT_LENGTH = 5, 30


@dataclass(frozen=True)
class IdsAdded:
    """A file given ids: its path relative to the knowledge base, and the ids, in the actions' order."""

    path: str
    ids: tuple[str, ...]


def action_id(title: str, taken: set[str]) -> str:
    """A slug of the first words of `title` (five, 30 characters at most), not in `taken`:
    `Alert on DB connection-pool saturation` -> `alert-on-db-connection-pool`, then `-2`, `-3`."""
    base = "-".join(slugify(title).split("-")[:SHORT_WORDS])
    while len(base) > SHORT_LENGTH:
        base = base.rsplit("-", 1)[0] if "-" in base else base[:SHORT_LENGTH]
    base = base or "action"
    chosen, number = base, 1
    while chosen in taken:
        number += 1
        chosen = f"{base}-{number}"
    return chosen


def add_action_ids(kb: KnowledgeBase, write: bool = True) -> list[IdsAdded]:
    """Give an id to each action that has none, in every post-mortem; returns what was (or, without
    `write`, would be) added. Every file is read and edited in memory before the first is written, so
    a file that cannot be edited (EditError) stops the command with nothing changed."""
    planned: list[tuple[Path, str, str, IdsAdded]] = []
    for path in kb.files():
        where = kb.relative(path)
        text = read_exact(path)
        actions = front_matter_data(text, where).get("actions")
        if not isinstance(actions, list):
            continue
        taken = {str(action["id"]) for action in actions if isinstance(action, dict) and action.get("id") is not None}
        edits = []
        for index, action in enumerate(actions):
            if isinstance(action, dict) and action.get("id") is None:
                chosen = action_id(str(action.get("title") or ""), taken)
                taken.add(chosen)
                edits.append(ActionEdit(index, {"id": chosen}))
        if edits:
            added = IdsAdded(where, tuple(edit.set["id"] for edit in edits))
            planned.append((path, text, edit_actions(text, edits, where), added))
    if write:
        for path, text, edited, _ in planned:
            write_if_unchanged(path, text, edited)
    return [added for *_, added in planned]
