"""The Markdown body: `##` sections and their blocks, found with a CommonMark parser (markdown-it-py).

Only block-level parsing runs: the rules need headings, lists and paragraphs, not inline markup, and
skipping the inline pass halves the time per file.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass

from markdown_it import MarkdownIt

from .model import Section

_PARSER = MarkdownIt("commonmark").disable(["inline", "text_join"])


class _SilentLogger(logging.LoggerAdapter):
    """A logger whose `debug` costs one call. markdown-it-py's block rules log every attempt at debug level,
    about 300 calls a post-mortem and a tenth of the parse (validate on 10,000 files: 0.25 s), even when
    nothing listens; its other levels go through as before."""

    def debug(self, *args, **kwargs) -> None:
        pass


for _name, _module in list(sys.modules.items()):
    if _name.startswith("markdown_it.rules_block.") and isinstance(getattr(_module, "LOGGER", None), logging.Logger):
        _module.LOGGER = _SilentLogger(_module.LOGGER, {})

#: Text that the template leaves for the author to replace.
PLACEHOLDER = re.compile(r"^[\s_*>\[]*TODO\b")


def is_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER.match(text))


@dataclass(frozen=True)
class Block:
    """A unit of content in a section: a paragraph, a list item, a code block, a table row..."""

    kind: str  # "paragraph", "item", "heading", "code", "html"
    text: str
    line: int  # 1-based in the whole file
    line_count: int
    depth: int  # list nesting: 0 outside lists, 1 for a top-level item


def parse_sections(body: str, body_line: int) -> list[Section]:
    """Split `body` (which starts on file line `body_line`) into its `##` sections."""
    sections: list[Section] = []
    tokens = _PARSER.parse(body)
    current: Section | None = None
    section_tokens: list = []
    in_title = False
    for index, token in enumerate(tokens):
        if in_title:
            in_title = token.type != "heading_close"
        elif token.type == "heading_open" and token.tag == "h2":
            in_title = True
            line = body_line + token.map[0]
            if current:
                current.end_line = line - 1
            current = Section(title=tokens[index + 1].content.strip(), line=line, end_line=line)
            sections.append(current)
            section_tokens.append([])
        elif token.type == "heading_open" and token.tag == "h1" and current:
            current.end_line = body_line + token.map[0] - 1
            current = None
        elif current is not None:
            section_tokens[-1].append(token)
    if current:
        current.end_line = body_line + body.count("\n")
    for section, its_tokens in zip(sections, section_tokens):
        section.blocks = _blocks(its_tokens, body_line)
    return sections


def _blocks(tokens: list, body_line: int) -> list[Block]:
    """The content blocks of a section's tokens, with HTML comments (the template's guidance) left out."""
    found: list[Block] = []
    depth = 0
    item_pending = heading = False
    for token in tokens:
        if token.type == "heading_open":
            heading = True
        elif token.type == "list_item_open":
            depth += 1
            item_pending = True
        elif token.type == "list_item_close":
            depth -= 1
        elif token.type == "inline" and token.map:
            kind = "heading" if heading else "item" if item_pending else "paragraph"
            item_pending = heading = False
            start, end = token.map
            found.append(Block(kind, token.content, body_line + start, end - start, depth))
        elif token.type in ("fence", "code_block"):
            found.append(Block("code", token.content, body_line + token.map[0], token.map[1] - token.map[0], depth))
        elif token.type == "html_block":
            text = token.content.strip()
            if not (text.startswith("<!--") and text.endswith("-->")):
                found.append(Block("html", text, body_line + token.map[0], token.map[1] - token.map[0], depth))
    return found


def has_text(section: Section) -> bool:
    """True when the section holds something besides comments and TODO placeholders."""
    return any(
        block.kind != "heading" and block.text.strip() and not is_placeholder(block.text)
        for block in section.blocks
    )
