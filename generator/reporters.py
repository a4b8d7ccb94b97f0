"""Output formats for diagnostics, chosen by name with `--format`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TextIO

from .diagnostics import CheckResult, Diagnostic
from .reports.texttables import markdown_cell


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(result: CheckResult) -> str:
    """One line: how many files were checked and what was found."""
    checked = _plural(result.checked, "post-mortem")
    allowed = f" ({len(result.silenced)} allowed by a comment with a reason)" if result.silenced else ""
    if not result.diagnostics:
        return f"{checked} checked: no problems found{allowed}."
    return f"{checked} checked: {_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}{allowed}."


def report_text(result: CheckResult, out: TextIO) -> None:
    for diagnostic in result.diagnostics:
        out.write(diagnostic.text_line() + "\n")
    out.write(summary(result) + "\n")


def report_json(result: CheckResult, out: TextIO) -> None:
    document = {"checked": result.checked, "diagnostics": [d.as_dict() for d in result.diagnostics],
                "silenced": [{**s.diagnostic.as_dict(), "reason": s.reason} for s in result.silenced]}
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the file (and line) of the diagnostic."""
    properties = [f"file={_escape_property(diagnostic.path)}"]
    if diagnostic.line is not None:
        properties.append(f"line={diagnostic.line}")
        if diagnostic.column is not None:
            properties.append(f"col={diagnostic.column}")
    properties.append(f"title={diagnostic.code}")
    return f"::{diagnostic.level.value} {','.join(properties)}::{_escape_data(diagnostic.message)}"


def report_github(result: CheckResult, out: TextIO) -> None:
    for diagnostic in result.diagnostics:
        out.write(github_line(diagnostic) + "\n")
    out.write(summary(result) + "\n")


def report_markdown(result: CheckResult, out: TextIO) -> None:
    """A Markdown table of the findings, for a pull request's job summary ($GITHUB_STEP_SUMMARY)."""
    out.write(f"### Post-mortem validation\n\n{summary(result)}\n")
    if result.diagnostics:
        out.write("\n| File | Line | Rule | Level | Message |\n|---|---:|---|---|---|\n")
        for d in result.diagnostics:
            out.write(f"| {markdown_cell(d.path)} | {d.line or ''} | {d.code} | {d.level.value} | "
                      f"{markdown_cell(d.message)} |\n")


REPORTERS: dict[str, Callable[[CheckResult, TextIO], None]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "markdown": report_markdown,
}
