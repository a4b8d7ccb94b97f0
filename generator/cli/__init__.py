"""The `postmortem` command. Each command parses its options, calls one library function, and picks
a reporter and an exit code; the work is in the library. The commands live in one module a concern."""

from __future__ import annotations

from pathlib import Path

import click

from . import authoring, figures, followup, publishing
from .common import FORMATS

__all__ = ["FORMATS", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(None, "--version", package_name="postmortem-kb", prog_name="postmortem")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The knowledge base: the folder holding postmortem.yml and postmortems/.")
def cli(root: Path) -> None:
    """A git-native knowledge base of incident post-mortems.

    \b
    Write one:     postmortem new "Payment API down" --severity SEV1 --service payments-api
    Check them:    postmortem validate
    Browse them:   postmortem list --severity SEV1
    """


for command in (authoring.validate, authoring.new, authoring.list_command, authoring.schema, authoring.rules,
                authoring.init, authoring.import_command, publishing.build, publishing.serve, figures.stats, figures.report, followup.actions,
                followup.timeline, followup.export_command):
    cli.add_command(command)
