"""What the commands share: the knowledge base's folder, completion from the config, the --today
option and how a failed build is reported."""

from __future__ import annotations

import sys
from pathlib import Path

import click

#: The formats of `postmortem validate`.
FORMATS = ["text", "json", "github", "markdown"]


def kb_root(ctx: click.Context) -> Path:
    """The knowledge base's folder: the group's --root."""
    return ctx.find_root().params.get("root") or Path(".")


def complete_from_config(attribute: str):
    """Shell completion of severity or service ids, or team names, from postmortem.yml."""
    def complete(ctx, param, incomplete):
        from ..errors import ConfigError
        from ..kb.config.loader import load_config

        try:
            config = load_config(kb_root(ctx))
        except ConfigError:
            return []
        values = {"severities": config.severity_ids, "services": sorted(config.service_ids),
                  "teams": config.known_teams}[attribute]
        return [value for value in values if value.startswith(incomplete)]

    return complete


def today_option(function):
    """The --today option: the day figures are computed for, as a date (None when not given)."""
    return click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
                        callback=lambda ctx, param, value: value.date() if value else None,
                        help="The day figures are computed for, YYYY-MM-DD (default: today), for reproducible builds.")(function)


def report_failure(error) -> None:
    """A failed build on stderr: the diagnostics when validation stopped it, then the error."""
    from ..checker import ValidationFailed
    from ..reporters import report_text

    if isinstance(error, ValidationFailed):
        report_text(error.result, sys.stderr)
    click.echo(f"Error: {error.format_message()}", err=True)
