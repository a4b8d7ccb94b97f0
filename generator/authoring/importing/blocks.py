"""A converted document as a flat list of blocks, each with its source text exactly as written:
headings, paragraphs, list items, table rows. Found with the CommonMark parser the validator uses
(markdown-it-py), with tables enabled, so that code blocks and tables are never read as headings.

A paragraph that starts a line with a bold label (`**Summary**: ...`, as Google's example and many
wiki pages write their fields) is split at each such line, so that the label can be read as a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])

#: A bold label at the start of a line: `**Root Causes**: text`, `**Date** : 2015-10-21`.
LABEL_LINE = re.compile(r"^\s*(?:\*\*|__)(?P<label>[^*_\n]{1,60}?)\s*:?\s*(?:\*\*|__)\s*(?P<rest>.*)$")
TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Block:
    """A unit of the document: kind is heading, paragraph, item, table, code or other."""

    kind: str
    text: str
    level: int = 0  # a heading's level; an item's nesting (1 for a top-level item)
    rows: list[list[str]] = field(default_factory=list)  # a table's rows of cells, its header first
    label: str | None = None  # a paragraph's leading bold label


def parse_blocks(markdown: str) -> list[Block]:
    """The blocks of `markdown`, in order."""
    lines = markdown.split("\n")
    tokens = _PARSER.parse(markdown)
    found: list[Block] = []
    starts: list[int] = []
    covered = [False] * len(lines)
    depth = quoted = 0
    for index, token in enumerate(tokens):
        if token.map and token.level == 0:
            covered[token.map[0]:token.map[1]] = [True] * (token.map[1] - token.map[0])
        before = len(found)
        if token.type == "blockquote_close":
            quoted -= 1
        if quoted:  # a quote is one block, with what it holds
            quoted += token.type == "blockquote_open"
            continue
        if token.type == "blockquote_open":
            quoted = 1
            if token.level == 0:
                found.append(Block("other", "\n".join(lines[token.map[0]:token.map[1]]).strip("\n")))
                starts.append(token.map[0])
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        if not token.map:
            continue
        text = "\n".join(lines[token.map[0]:token.map[1]]).strip("\n")
        if token.type == "heading_open":
            # A setext heading may span lines: one line, as a heading is written again.
            found.append(Block("heading", " ".join(tokens[index + 1].content.split()), int(token.tag[1])))
        elif depth and token.type == "list_item_open":
            found.append(Block("item", _item_text(lines, tokens, index), depth))
        elif depth:
            continue
        elif token.type == "paragraph_open" and token.level == 0:
            found.extend(_paragraphs(text))
        elif token.type == "table_open":
            found.append(Block("table", text, rows=table_rows(text)))
        elif token.type in ("fence", "code_block") and token.level == 0:
            found.append(Block("code", text))
        elif token.type in ("html_block", "hr") and token.level == 0:
            found.append(Block("other", text))
        starts.extend([token.map[0]] * (len(found) - before))
    return _with_uncovered(found, starts, lines, covered)


def _with_uncovered(found: list[Block], starts: list[int], lines: list[str], covered: list[bool]) -> list[Block]:
    """The blocks, with the lines no block holds (link reference definitions) kept as blocks of their own."""
    extra: list[tuple[int, Block]] = []
    run: list[int] = []
    for number, line in enumerate([*lines, ""]):
        if number < len(lines) and not covered[number] and line.strip():
            run.append(number)
        elif run:
            extra.append((run[0], Block("other", "\n".join(lines[run[0]:run[-1] + 1]))))
            run = []
    if not extra:
        return found
    ordered = sorted([*zip(starts, range(len(found)), found), *((start, -1, block) for start, block in extra)],
                     key=lambda item: (item[0], item[1]))
    return [block for _, _, block in ordered]


def _item_text(lines: list[str], tokens, index: int) -> str:
    """A list item's own text, without its marker (a task's box kept) and without its nested items."""
    token = tokens[index]
    start, end = token.map
    for later in tokens[index + 1:]:
        if later.type in ("bullet_list_open", "ordered_list_open") and later.level == token.level + 1:
            end = later.map[0]
            break
        if later.type == "list_item_close" and later.level == token.level:
            break
    text = "\n".join(line.strip() for line in lines[start:end]).strip()
    return re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", text)


def _paragraphs(text: str) -> list[Block]:
    """A paragraph, split before each line that starts with a bold label. Its other lines keep their
    indentation: `    - x` continues a paragraph, `- x` would start a list."""
    found: list[Block] = []
    for line in text.split("\n"):
        match = LABEL_LINE.match(line)
        if match or not found:
            found.append(Block("paragraph", line.strip(), label=match["label"].strip() if match else None))
        else:
            found[-1].text += "\n" + line.rstrip()
    return found


def table_rows(text: str) -> list[list[str]]:
    """The cells of a Markdown table, row by row, header first, without the delimiter row."""
    rows = []
    for line in text.split("\n"):
        if not line.strip() or TABLE_DELIMITER.match(line):
            continue
        line = line.strip()
        line = line[1:] if line.startswith("|") else line
        line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
        rows.append([cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)])
    return rows
