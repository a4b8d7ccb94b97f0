"""Tables written as text: aligned columns for the terminal, cells of Markdown tables."""

from __future__ import annotations

import re

#: A code span (`` `x` `` or ``` ``x`` ```), whose text Markdown shows as it is.
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")


def aligned_columns(rows: list[tuple[str, ...]]) -> list[str]:
    """One line a row, two spaces between columns, every column but the last padded to its widest cell."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)] if rows else []
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[-1]]).rstrip() for row in rows]


def markdown_cell(text: str) -> str:
    """`text` as a cell of a Markdown table: on one line, `|` escaped, and `&` and `<` outside code
    spans written as entities, so that no text becomes HTML."""
    text = " ".join(text.split()).replace("|", "\\|")
    cell, done = [], 0
    for span in CODE_SPAN.finditer(text):
        cell += [_entities(text[done:span.start()]), span[0]]
        done = span.end()
    return "".join([*cell, _entities(text[done:])])


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")
