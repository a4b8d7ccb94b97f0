"""The `postmortem` command. Each command parses its options, calls one library function, and picks
a reporter and an exit code; the work is in the library."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__

FORMATS = ["text", "json", "github", "markdown"]


def _root(ctx: click.Context) -> Path:
    return ctx.find_root().params.get("root") or Path(".")


def _complete_from_config(attribute: str):
    def complete(ctx, param, incomplete):
        from .errors import ConfigError
        from .rules.configuration import load_config

        try:
            config = load_config(_root(ctx))
        except ConfigError:
            return []
        values = config.severity_ids if attribute == "severities" else sorted(config.service_ids)
        return [value for value in values if value.startswith(incomplete)]

    return complete


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="postmortem")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The knowledge base: the folder holding postmortem.yml and postmortems/.")
def cli(root: Path) -> None:
    """A git-native knowledge base of incident post-mortems.

    \b
    Write one:     postmortem new "Payment API down" --severity SEV1 --service payments-api
    Check them:    postmortem validate
    Browse them:   postmortem list --severity SEV1
    """


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(FORMATS),
              help="Output format. Default: github when GITHUB_ACTIONS=true, else text.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--changed-since", "ref", metavar="REF",
              help="Only what changed since the merge base with REF (e.g. origin/main), and the files it can break.")
@click.option("--jobs", type=click.IntRange(min=1), help="Processes for large runs (default: one per core).")
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], output_format: str | None, strict: bool,
             ref: str | None, jobs: int | None) -> None:
    """Check post-mortems against the format: all of them, FILES (files or folders), or
    those a branch changed (--changed-since).

    --changed-since REF checks the post-mortems added or modified since this branch left REF
    (committed or not; renames followed), those sharing an id with them, and those linking to an
    id the branch removed. A change to postmortem.yml checks everything.

    Exit status: 0 when clean, 1 when there are errors (or warnings with --strict),
    2 for a usage or configuration problem.

    \b
    Examples:
      postmortem validate
      postmortem validate postmortems/2026/2026-03-13-payment-api-outage.md
      postmortem validate --changed-since origin/main
      postmortem validate --format json | jq '.diagnostics[] | .code'
    """
    from .checker import check, check_changed_since, expand
    from .diagnostics import CheckResult
    from .errors import ConfigError
    from .knowledgebase import open_knowledge_base
    from .reporters import REPORTERS

    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    reporter = REPORTERS[output_format]
    root = _root(ctx)
    if ref and files:
        raise click.UsageError("give FILES or --changed-since, not both")
    try:
        kb = open_knowledge_base(root)
        if ref:
            result = check_changed_since(kb, ref, jobs=jobs)
        else:
            result = check(kb, expand(files) if files else None, jobs=jobs)
    except ConfigError as error:
        if output_format == "text":
            raise
        reporter(CheckResult(checked=0, diagnostics=error.diagnostics), sys.stdout)
        ctx.exit(2)
    reporter(result, sys.stdout)
    ctx.exit(1 if result.errors or (strict and result.warnings) else 0)


@cli.command()
@click.argument("title")
@click.option("--severity", required=True, shell_complete=_complete_from_config("severities"),
              help="A severity id from postmortem.yml, e.g. SEV1.")
@click.option("--service", "services", multiple=True, required=True,
              shell_complete=_complete_from_config("services"),
              help="An affected service id; repeat for several.")
@click.option("--started-at", help="When impact began, ISO 8601 (default: now, in the config's time zone).")
@click.option("--slug", help="The id's slug (default: made from the title).")
@click.option("--template", help="A template file name in postmortems/_templates/.")
@click.option("--language", type=click.Choice(["en", "fr"]), help="Template language (default: the config's).")
@click.option("--branch", is_flag=True,
              help="Also create and switch to the git branch postmortem/<id>, and commit the file there.")
@click.pass_context
def new(ctx, title, severity, services, started_at, slug, template, language, branch) -> None:
    """Create a draft post-mortem from the template, and print its path.

    The file is postmortems/<YYYY>/<YYYY-MM-DD>-<slug>.md; an existing file is never overwritten.
    With --branch, the file is committed alone on a new branch postmortem/<id>, ready for a pull
    request; it refuses when changes are staged, and leaves unstaged work where it is.

    \b
    Examples:
      postmortem new "Payment API unavailable for 47 minutes" --severity SEV1 \\
          --service payments-api --started-at 2026-03-13T18:42+01:00
      postmortem new "Search index stale" --severity SEV3 --service search --branch
    """
    from .knowledgebase import open_knowledge_base
    from .scaffold import branch_name, new_postmortem

    root = _root(ctx)
    path = new_postmortem(open_knowledge_base(root), title, severity, list(services), started_at=started_at, slug=slug,
                          template=template, language=language, branch=branch)
    shown = path.relative_to(root).as_posix()
    click.echo(f"Created {shown}")
    if branch:
        click.echo(f"Committed it on the new branch {branch_name(path.stem)}")
    click.echo("")
    click.echo("Next steps:")
    click.echo("  1. Replace every TODO: what happened, why it was possible, why we did not see it earlier,")
    click.echo("     and the actions, each with an owner and a due date.")
    click.echo(f"  2. Check it:  postmortem validate {shown}")
    click.echo("  3. Set `status: review` and open a pull request, within 24 to 72 hours of the resolution.")


@cli.command(name="list")
@click.option("--severity", help="Only this severity.")
@click.option("--service", help="Only post-mortems naming this service.")
@click.option("--status", type=click.Choice(["draft", "review", "published"]), help="Only this status.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def list_command(ctx, severity, service, status, output_format) -> None:
    """List post-mortems, newest first.

    \b
    Examples:
      postmortem list --severity SEV1
      postmortem list --service payments-api --format json
    """
    from .catalog import list_postmortems, summary_row, text_rows
    from .checker import load_knowledge_base

    postmortems, skipped = list_postmortems(load_knowledge_base(_root(ctx)), severity=severity, service=service, status=status)
    if output_format == "json":
        click.echo(json.dumps([summary_row(pm) for pm in postmortems], indent=2, ensure_ascii=False))
    else:
        for row in text_rows(postmortems):
            click.echo(row)
    if skipped:
        click.echo(f"{skipped} file(s) skipped: they cannot be read as post-mortems (see `postmortem validate`)", err=True)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the front matter.

    Point your editor's YAML language server at it to get completion and checks while writing.

    \b
    Example:
      postmortem schema > postmortem.schema.json
    """
    from .model import front_matter_schema

    click.echo(json.dumps(front_matter_schema(), indent=2, ensure_ascii=False))


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True, help="markdown writes the rule reference (docs/rules.md).")
def rules(output_format: str) -> None:
    """List every rule: its code, level and meaning.

    \b
    Examples:
      postmortem rules
      postmortem rules --format markdown > docs/rules.md
    """
    from .reference import rules_markdown
    from .rules import RULES

    if output_format == "markdown":
        click.echo(rules_markdown(), nl=False)
        return
    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.level.value:<7}  {rule.summary}")


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--service", "services", multiple=True, metavar="ID",
              help="A service of the catalog (lowercase id); repeat for several. Default: api.")
@click.option("--title", default="Post-mortems", show_default=True, help="The site's name.")
@click.option("--language", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="The language of the pages, the templates, the README and the pull-request checklist.")
@click.option("--timezone", default="UTC", show_default=True,
              help="The IANA zone in which the site counts days and months, e.g. Europe/Paris.")
@click.pass_context
def init(ctx, folder, services, title, language, timezone) -> None:
    """Start a knowledge base in FOLDER (default: --root, the current folder).

    Writes postmortem.yml, the templates, a README for authors, .gitignore and the pinned
    requirements-postmortem.txt there; and, at the top of the git repository holding FOLDER,
    the GitHub workflows (validate every pull request, publish the site to GitHub Pages), the
    pull-request checklist, a CODEOWNERS example and a pre-commit hook, all pointed at FOLDER.
    Existing files are left as they are and listed as skipped.

    \b
    Examples:
      postmortem init --service checkout --title "Acme post-mortems"
      postmortem init ops/incidents --service payments-api --service checkout --language fr
    """
    from .starter import init_knowledge_base, root_option

    root = folder if folder is not None else _root(ctx)
    starter = init_knowledge_base(root, list(services), title, language, timezone)
    for path in starter.created:
        click.echo(f"Created {path.relative_to(starter.repository).as_posix()}")
    for path in starter.skipped:
        click.echo(f"Skipped {path.relative_to(starter.repository).as_posix()} (it exists)")
    if starter.created:
        click.echo(f"Next: postmortem{root_option(starter.folder)} new \"What happened\" --severity SEV2 "
                   f"--service {starter.services[0]}, then commit and push.")


def _today_option(function):
    return click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
                        help="The day figures are computed for, YYYY-MM-DD (default: today), for reproducible builds.")(function)


def _report_failure(error) -> None:
    from .build import ValidationFailed
    from .reporters import report_text

    if isinstance(error, ValidationFailed):
        report_text(error.result, sys.stderr)
    click.echo(f"Error: {error.format_message()}", err=True)


@cli.command()
@_today_option
@click.option("--jobs", type=click.IntRange(min=1), help="Processes for validation and page rendering (default: one per core).")
@click.pass_context
def build(ctx, today, jobs) -> None:
    """Validate, generate the pages and build the site into site/.

    Errors stop the build and are printed; the previous site/ is then left as it was.

    Exit status: 0 when built, 1 when the post-mortems have errors or a page cannot be rendered,
    2 for a configuration problem (postmortem.yml, mkdocs.yml, the engine) or a usage error.

    \b
    Examples:
      postmortem build
      postmortem build --today 2026-11-26   # byte-identical output for the same input
    """
    from .build import ValidationFailed, build_site
    from .knowledgebase import open_knowledge_base

    try:
        built = build_site(open_knowledge_base(_root(ctx)), today.date() if today else None, jobs)
    except ValidationFailed as failure:
        _report_failure(failure)
        ctx.exit(1)
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"Built {built.pages} pages into {built.site_dir.relative_to(_root(ctx)).as_posix()}/")


@cli.command()
@_today_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def serve(ctx, today, host, port) -> None:
    """Build the site and serve it, rebuilding when a post-mortem or the config changes.

    Open pages reload by themselves. Saving a post-mortem rebuilds its page first (open pages
    reload), then the other pages it changes; other changes rebuild the whole site. A change that
    breaks validation prints the diagnostics and keeps the last good site.

    \b
    Example:
      postmortem serve --port 8000    # then open http://127.0.0.1:8000/
    """
    from .preview import serve_site

    def report(message) -> None:
        if isinstance(message, str):
            click.echo(message, err=True)
        else:
            _report_failure(message)

    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    serve_site(_root(ctx), host, port, today.date() if today else None, report=report)


@cli.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="First day of the period (default: the first incident).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day of the period (default: today).")
@_today_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def stats(ctx, since, until, today, output_format) -> None:
    """Print the reliability figures: incidents, MTTD, MTTR, recurrence, actions, availability.

    The figures are those of the site (see its Metrics page); drafts are left out.

    \b
    Examples:
      postmortem stats --since 2026-01-01
      postmortem stats --format json --today 2026-11-26
    """
    from .checker import load_knowledge_base
    from .stats import compute_stats, stats_text

    figures = compute_stats(load_knowledge_base(_root(ctx)), since.date() if since else None, until.date() if until else None,
                            today.date() if today else None)
    if output_format == "json":
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        click.echo(stats_text(figures))
