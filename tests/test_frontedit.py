"""Editing actions as text (`actions ids`, `actions sync`): each key set, added or removed in block
and flow style, everything else kept to the character, and nothing written that would read back
otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.authoring.frontedit import ActionEdit, EditError, edit_actions, write_if_unchanged

BLOCK = """\
---
title: x   # a comment
actions:
  - title: First
    owner: bob   # the owner
    due: 2026-03-09
    status: done
    closed_on: 2026-03-10
    verified:
      date: 2026-03-12
      by: bob
      how: a drill
  - {title: Second, owner: bob, due: 2026-03-20, status: done, closed_on: 2026-03-19}
---

body: not front matter
"""


@pytest.mark.parametrize(("edit", "expected"), [
    # The last key of a block mapping, a nested mapping, removed up to the next item.
    (ActionEdit(0, {"status": "open"}, ("closed_on", "verified")),
     "  - title: First\n    owner: bob   # the owner\n    due: 2026-03-09\n    status: open\n"
     "  - {title: Second"),
    # A key that is first: the next one takes its place on the dash's line.
    (ActionEdit(0, {}, ("title",)), "  - owner: bob   # the owner\n    due: 2026-03-09\n"),
    # New keys together after the anchor, on their own lines, the anchor's comment kept.
    (ActionEdit(0, {"ticket": "PAY-1", "internal": "true"}, after=("owner",)),
     "    owner: bob   # the owner\n    ticket: PAY-1\n    internal: true\n    due: 2026-03-09\n"),
    # Flow style: replaced in place, the last key removed with its comma, a new one first.
    (ActionEdit(1, {"status": "open", "id": "second"}, ("closed_on",)),
     "  - {id: second, title: Second, owner: bob, due: 2026-03-20, status: open}\n"),
    (ActionEdit(1, {"closed_on": "2026-03-21"}, ("title",)),
     "  - {owner: bob, due: 2026-03-20, status: done, closed_on: 2026-03-21}\n"),
])


def test_an_edit_changes_its_keys_and_nothing_else(edit: ActionEdit, expected: str) -> None:
    edited = edit_actions(BLOCK, [edit], "x.md")
    assert expected in edited
    assert edited.startswith("---\ntitle: x   # a comment\nactions:\n") and edited.endswith("---\n\nbody: not front matter\n")


@pytest.mark.parametrize(("text", "message"), [
    ("no front matter\n", "x.md: no front matter to edit"),
    ("---\ntitle: [\n---\n", "x.md: the front matter is not valid YAML"),
    ("---\ntitle: x\n---\n", "x.md: no list of actions to edit"),
    ("---\nactions: [just text]\n---\n", "x.md: action 1 is not a mapping"),
    # A key written twice (PM116): the edit of the first would be overridden by the second, so it is refused.
    ("---\nactions:\n  - {title: A, owner: bob, due: 2026-03-09, status: open, status: open}\n---\n",
     "x.md: the actions could not be edited without changing something else: edit them by hand"),
])
def test_what_cannot_be_edited_safely_is_refused(text: str, message: str) -> None:
    with pytest.raises(EditError) as caught:
        edit_actions(text, [ActionEdit(0, {"status": "done"}, after=("owner",))], "x.md")
    assert str(caught.value).startswith(message)


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("changed by someone\n")
    with pytest.raises(EditError, match="changed while being edited"):
        write_if_unchanged(path, BLOCK, "edited\n")
    assert path.read_text() == "changed by someone\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.md"]


def test_a_new_key_goes_below_an_anchor_written_over_several_lines() -> None:
    text = "---\nactions:\n  - title: A\n    owner: >\n      bob\n    due: 2026-03-09\n---\n"
    edited = edit_actions(text, [ActionEdit(0, {"status": "done"}, after=("owner",))], "x.md")
    assert edited == "---\nactions:\n  - title: A\n    owner: >\n      bob\n    status: done\n    due: 2026-03-09\n---\n"
