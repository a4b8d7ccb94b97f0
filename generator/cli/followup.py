"""The commands that follow an incident through: the weekly actions review, the timeline from the
incident channel."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from .common import kb_root, today_option


class Days(click.ParamType):
    """A number of days: `7`, `7d` or `2w`."""

    name = "days"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        found = re.fullmatch(r"\s*(\d+)\s*([dw]?)\s*", str(value))
        if not found:
            self.fail(f"{value!r} is not a number of days: write 7, 7d or 2w", param, ctx)
        return int(found[1]) * (7 if found[2] == "w" else 1)


@click.group(invoke_without_command=True)
@click.option("--overdue", is_flag=True, help="Only actions past their due date and not closed.")
@click.option("--open", "open_only", is_flag=True, help="Only actions open or in progress, and done ones whose fix is due to be verified.")
@click.option("--owner", help="Only the actions of this person or team.")
@click.option("--team", help="Only the actions of this team and of its members.")
@click.option("--due-within", type=Days(), metavar="DAYS",
              help="Only actions due within DAYS of today (7, 7d, 2w), overdue ones included.")
@today_option
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json", "csv"]), default="text",
              show_default=True, help="markdown is the body of the weekly review issue, in the config's language.")
@click.option("--issue-title", is_flag=True,
              help="Print the weekly review issue's title instead, for today's ISO week in the config's language.")
@click.pass_context
def actions(ctx, overdue, open_only, owner, team, due_within, today, output_format, issue_title) -> None:
    """List the corrective actions for the weekly review, by due date; or, with a command, give them
    ids (`ids`) or read their statuses back from their tickets and commits (`sync`).

    Each action comes with its post-mortem, owner, team, due date, status, ticket (and its link,
    from `trackers` in postmortem.yml) and days overdue. Where `evidence` is set in postmortem.yml,
    a done action whose commits were all reverted is listed again (with --open too). The JSON is
    an array of objects and the CSV has a header row, both with the columns postmortem,
    postmortem_title, action, owner, team, due, status, ticket, ticket_url, days_overdue,
    verify_by, to_verify, action_id, reverted_by.

    \b
    Examples:
      postmortem actions --open --due-within 7d
      postmortem actions --overdue --team payments
      postmortem actions --open --format markdown > review.md
      postmortem actions --issue-title
      postmortem actions --format csv > actions.csv
    """
    if ctx.invoked_subcommand:
        return
    from ..checker import load_knowledge_base
    from ..kb.layout import open_knowledge_base
    from ..reports.exports import rows_csv, rows_json
    from ..reports.review import (
        COLUMNS,
        ActionFilter,
        actions_markdown,
        actions_text,
        as_records,
        review_actions,
        review_title,
    )

    if issue_title:  # the config is all it needs
        config = open_knowledge_base(kb_root(ctx)).config
        click.echo(review_title(config, today or config.today()))
        return
    kb = load_knowledge_base(kb_root(ctx))
    day = today or kb.config.today()
    evidence = _read_evidence(kb)
    rows = review_actions(kb, day, ActionFilter(overdue, open_only, owner, team, due_within), evidence)
    if output_format == "json":
        click.echo(rows_json(as_records(rows)))
    elif output_format == "csv":
        click.echo(rows_csv(as_records(rows), COLUMNS), nl=False)
    elif output_format == "markdown":
        click.echo(actions_markdown(rows, kb.config, day), nl=False)
    else:
        click.echo(actions_text(rows))


def _read_evidence(kb):
    """The commits that are evidence of actions where the config sets `evidence` (its notices on
    stderr), else None."""
    if kb.config.evidence is None:
        return None
    from ..kb.gitinfo import read_evidence

    evidence = read_evidence(kb)
    for notice in evidence.notices:
        click.echo(notice, err=True)
    return evidence


@actions.command(name="ids")
@click.option("--dry-run", is_flag=True, help="Print the ids that would be added, and change nothing.")
@click.pass_context
def action_ids(ctx, dry_run) -> None:
    """Give an id to every action that has none: a slug of its title, unique within its post-mortem.

    Only the `id:` keys are added; every other character of the files stays as it was. Every file is
    read and edited in memory first: if one cannot be edited safely, none is written.

    \b
    Examples:
      postmortem actions ids --dry-run
      postmortem actions ids && git diff
    """
    from ..authoring.actionids import add_action_ids
    from ..kb.layout import open_knowledge_base

    added = add_action_ids(open_knowledge_base(kb_root(ctx)), write=not dry_run)
    for item in added:
        click.echo(f"{item.path}: {', '.join(item.ids)}")
    count = sum(len(item.ids) for item in added)
    verb = "would be added" if dry_run else "added"
    click.echo(f"{count} id{'' if count == 1 else 's'} {verb} in {len(added)} file{'' if len(added) == 1 else 's'}."
               if count else "Every action has an id.")


@actions.command(name="sync")
@click.option("--api-url", envvar="GITHUB_API_URL", default="https://api.github.com", show_default=True,
              help="GitHub's REST API (GitHub Enterprise: https://HOST/api/v3); default from GITHUB_API_URL.")
@click.option("--dry-run", is_flag=True, help="Print the changes, and write nothing.")
@click.pass_context
def sync(ctx, api_url, dry_run) -> None:
    """Read each action's status back from its GitHub issue and its commits, into the front matter.

    An issue closed as completed makes its action done (closed_on: the day it was closed); closed
    as not planned or duplicate, wont-do; reopened, open again (closed_on and verified removed).
    Where `evidence` is set in postmortem.yml, an action whose commits were all reverted is open
    again, and one without a ticket that a commit names is done. Other actions are left alone.
    Tickets are `owner/repo#12`, an issue's address, or a ticket that a tracker of postmortem.yml
    turns into one. The token is GITHUB_TOKEN. Every ticket is read before any file is written;
    an issue that cannot be read (deleted, not found) is reported and its action left alone
    (exit code 1). Review the changes with `git diff`.

    \b
    Examples:
      GITHUB_TOKEN=... postmortem actions sync --dry-run
      postmortem actions sync && git diff
    """
    import os

    from ..authoring.github import GitHubClient
    from ..authoring.sync import sync_actions
    from ..checker import load_knowledge_base

    kb = load_knowledge_base(kb_root(ctx))
    evidence = _read_evidence(kb)
    result = sync_actions(kb, GitHubClient(api_url, os.environ.get("GITHUB_TOKEN") or None), evidence, dry_run)
    for problem in result.problems:
        click.echo(problem, err=True)
    for change in result.changes:
        click.echo(change.line())
    count = len(result.changes)
    click.echo(f"{count} status{'' if count == 1 else 'es'} {'to change' if dry_run else 'changed'}."
               if count else "No status changed.")
    if result.problems:
        ctx.exit(1)


class Moment(click.ParamType):
    """An ISO 8601 date and time; without a UTC offset it is read in the config's time zone."""

    name = "moment"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            return dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time: write e.g. 2026-03-13T18:30 or 2026-03-13T18:30+01:00",
                      param, ctx)


@click.command()
@click.option("--slack", "export", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The folder of an unzipped Slack workspace export.")
@click.option("--channel", required=True, help="The incident channel, e.g. inc-payments.")
@click.option("--from", "start", required=True, type=Moment(), help="From this time (ISO 8601; default zone: the config's).")
@click.option("--to", "end", required=True, type=Moment(), help="Up to this time, included.")
@click.option("--only-reactions", "reactions", multiple=True, metavar="NAME",
              help="Only the messages marked with this reaction, e.g. white_check_mark; repeat for several.")
@click.option("--all", "keep_all", is_flag=True, help="Every message, not only those pinned or marked with a reaction.")
@click.pass_context
def timeline(ctx, export, channel, start, end, reactions, keep_all) -> None:
    """Print timeline bullets from an incident channel of a Slack export.

    By default only the messages that were pinned or marked with a reaction are kept, so the
    channel decides the timeline as the incident runs: mark the moments that matter. Times are
    in the config's time zone; mentions, channels and links are made readable. Paste the output
    under `## Timeline`.

    \b
    Examples:
      postmortem timeline --slack ~/slack-export --channel inc-payments \\
          --from 2026-03-13T18:30 --to 2026-03-13T20:00
      postmortem timeline --slack ~/slack-export --channel inc-payments \\
          --from 2026-03-13T18:30 --to 2026-03-13T20:00 --only-reactions white_check_mark
    """
    from ..authoring.slack import slack_timeline
    from ..kb.config.loader import load_config

    zone = load_config(kb_root(ctx)).zone
    start, end = (moment if moment.tzinfo else moment.replace(tzinfo=zone) for moment in (start, end))
    if end < start:
        raise click.UsageError("--to is before --from")
    names = tuple(name.strip(": ") for value in reactions for name in value.split(","))
    lines = slack_timeline(export, channel, start, end, zone, names, keep_all)
    for line in lines:
        click.echo(line)
    if not lines:
        kept = "marked with " + ", ".join(names) if names else "pinned or marked with a reaction"
        click.echo(f"No message {kept} in #{channel.lstrip('#')} between {start.isoformat()} and {end.isoformat()}"
                   + ("" if keep_all else ": --all keeps every message"), err=True)


@click.command(name="export")
@click.argument("postmortem_id", metavar="[ID]", required=False)
@click.option("--audience", type=click.Choice(["customer"]), default="customer", show_default=True,
              help="Who reads the report of ID: customer is the public incident report.")
@click.option("--all", "every_postmortem", is_flag=True, help="Every post-mortem, one row each, for BI tools.")
@click.option("--actions", "every_action", is_flag=True, help="Every action, one row each, for BI tools.")
@click.option("--format", "output_format", type=click.Choice(["md", "html", "json", "csv"]),
              help="md or html for a report (default md); json or csv with --all or --actions (default json).")
@today_option
@click.pass_context
def export_command(ctx, postmortem_id, audience, every_postmortem, every_action, output_format, today) -> None:
    """Write a post-mortem's public report, or the whole knowledge base as rows.

    With ID, the public incident report for customers: title, date, duration, what customers
    saw, a plain-language cause, what was done and what will be done (the actions' titles by
    horizon: this week, this month, this quarter, counted from today). People's names, ticket
    keys, service ids and text between <!-- internal --> and <!-- /internal --> are left out,
    and so are actions marked `internal: true`. A `## Customer summary` section replaces the
    generated account of what customers saw and why.

    With --all, one row a post-mortem: every front-matter field (roles and impact one column a
    field, actions counted) and ttd_minutes, ttm_minutes, ttr_minutes. With --actions, one row
    an action, with the columns of `postmortem actions`. A restricted post-mortem gives only
    what the site shows of it.

    \b
    Examples:
      postmortem export 2026-03-13-payment-api-outage --audience customer > report.md
      postmortem export 2026-03-13-payment-api-outage --format html > report.html
      postmortem export --all --format csv > postmortems.csv
      postmortem export --actions --format csv > actions.csv
    """
    from ..checker import load_knowledge_base

    chosen = [bool(postmortem_id), every_postmortem, every_action]
    if sum(chosen) != 1:
        raise click.UsageError("give one of ID, --all or --actions")
    formats = ("md", "html") if postmortem_id else ("json", "csv")
    output_format = output_format or formats[0]
    if output_format not in formats:
        raise click.UsageError(f"--format {output_format} does not apply here: use {' or '.join(formats)}")
    kb = load_knowledge_base(kb_root(ctx))
    day = today or kb.config.today()
    if postmortem_id:
        from ..reports.customer import customer_report, report_markdown
        from ..reports.document import html_page

        report = customer_report(kb, postmortem_id, day)
        text = report_markdown(report)
        click.echo(html_page(report.title, text, report.language) if output_format == "html" else text, nl=False)
        return
    from ..reports.exports import POSTMORTEM_COLUMNS, action_rows, postmortem_rows, rows_csv, rows_json
    from ..reports.review import COLUMNS

    rows, columns = ((postmortem_rows(kb, day), POSTMORTEM_COLUMNS) if every_postmortem
                     else (action_rows(kb, day, _read_evidence(kb)), COLUMNS))
    click.echo(rows_json(rows) if output_format == "json" else rows_csv(rows, columns), nl=output_format == "json")
