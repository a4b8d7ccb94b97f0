"""The commands that print the reliability figures: stats, and the quarterly report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import complete_from_config, kb_root, today_option


@click.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day of the period (default: the first incident).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day of the period (default: today).")
@click.option("--team", multiple=True, shell_complete=complete_from_config("teams"),
              help="Only the incidents that affect a service of this team (`services[].team`); repeatable.")
@click.option("--service", multiple=True, shell_complete=complete_from_config("services"),
              help="Only the incidents that affect this service; repeatable.")
@click.option("--severity", multiple=True, shell_complete=complete_from_config("severities"),
              help="Only the incidents of this severity; repeatable.")
@today_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def stats(ctx, since, until, team, service, severity, today, output_format) -> None:
    """Print the reliability figures: incidents, MTTD, MTTR, recurrence, actions, availability.

    The figures are those of the site (see its Metrics page); drafts are left out. --team,
    --service and --severity narrow them to the incidents that match (a repeated option: any of
    its values), and the availability table to the chosen services; an unknown value is a usage
    error (exit 2) that lists the known ones.

    \b
    Examples:
      postmortem stats --since 2026-01-01
      postmortem stats --team payments --severity SEV1 --severity SEV2
      postmortem stats --format json --today 2026-11-26
    """
    from ..checker import load_knowledge_base
    from ..reports.stats import compute_stats, stats_text

    figures = compute_stats(load_knowledge_base(kb_root(ctx)), since.date() if since else None,
                            until.date() if until else None, today, team, service, severity)
    if output_format == "json":
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        click.echo(stats_text(figures))


@click.command()
@click.option("--quarter", required=True, help="The calendar quarter, e.g. 2026Q3 (July to September).")
@click.option("--format", "output_format", type=click.Choice(["md", "html", "pdf"]), default="md", show_default=True,
              help="html and pdf hold the chart of the last twelve months; pdf is printed by Chromium "
                   "(headless).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output (a PDF goes to reliability-<QUARTER>.pdf by default).")
@today_option
@click.pass_context
def report(ctx, quarter, output_format, output, today) -> None:
    """Write the one-page quarterly reliability report for a board or investors.

    Incidents by severity against the previous quarter, time to detect and to resolve (median
    and change), recurrence, each service's availability against its SLO and the error budget
    used, the actions due in the quarter closed on time, and the three root causes that cost
    the most downtime with the actions under way about each. Drafts are not counted.

    \b
    Examples:
      postmortem report --quarter 2026Q3
      postmortem report --quarter 2026Q3 --format pdf -o board-2026Q3.pdf
    """
    from ..checker import load_knowledge_base
    from ..reports.board import Quarter, board_document

    chosen = Quarter.parse(quarter)
    kb = load_knowledge_base(kb_root(ctx))
    document = board_document(kb, chosen, today or kb.config.today(), output_format)
    if output is None and output_format == "pdf":
        output = Path(f"reliability-{chosen}.pdf")
    if output is None:
        click.echo(document, nl=False)
        return
    if isinstance(document, bytes):
        output.write_bytes(document)
    else:
        output.write_text(document, encoding="utf-8")
    click.echo(f"Wrote {output}", err=True)
