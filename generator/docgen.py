"""Writes the generated documentation: docs/ (the references, for readers of the repository) and the
command line's reference in the package (the site shows it). Everything here is made from the code.

    python -m generator.docgen      # make docs
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli import cli
from .reference import CLI_PAGE, GENERATED_NOTE, reference_pages

PACKAGE = Path(__file__).resolve().parent


def cli_markdown(cli: click.Group) -> str:
    """The help of every command, as the command line prints it."""
    lines = ["# Command line", "", GENERATED_NOTE, ""]
    root = click.Context(cli, info_name="postmortem", terminal_width=100, **cli.context_settings)
    lines += ["```text", cli.get_help(root), "```"]
    for name in sorted(cli.commands):
        lines += _command_help(cli.commands[name], f"postmortem {name}", root)
    return "\n".join(lines) + "\n"


def _command_help(command: click.Command, name: str, parent: click.Context) -> list[str]:
    """The help of `command`, then of its own commands (`postmortem actions sync`)."""
    context = click.Context(command, info_name=name, parent=parent, terminal_width=100)
    lines = ["", f"## {name}", "", "```text", command.get_help(context), "```"]
    for sub in sorted(getattr(command, "commands", {})):
        lines += _command_help(command.commands[sub], f"{name} {sub}", context)
    return lines


def expected_documents(docs: Path) -> dict[Path, str]:
    """What each generated file under `docs`, and the package's command-line page, must hold."""
    pages = {**reference_pages(), "cli.md": cli_markdown(cli)}
    return {PACKAGE / CLI_PAGE: pages["cli.md"], **{docs / name: text for name, text in pages.items()}}


def stale_documents(docs: Path) -> list[Path]:
    """The generated files that differ from the code."""
    return [path for path, text in expected_documents(docs).items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def write_documents(docs: Path) -> list[Path]:
    """Rewrite the stale generated files; returns them."""
    expected = expected_documents(docs)
    stale = stale_documents(docs)
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(expected[path], encoding="utf-8")
    return stale


if __name__ == "__main__":
    for written in write_documents(PACKAGE.parent / "docs"):
        print(f"wrote {written}")
