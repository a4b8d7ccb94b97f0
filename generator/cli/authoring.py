"""The commands that write and check post-mortems: validate, new, list, schema, rules, init, import."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .common import FORMATS, complete_from_config, kb_root


@click.command()
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
    from ..checker import check, check_changed_since, expand
    from ..diagnostics import CheckResult
    from ..errors import ConfigError
    from ..kb.layout import open_knowledge_base
    from ..reporters import REPORTERS

    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    reporter = REPORTERS[output_format]
    root = kb_root(ctx)
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


@click.command()
@click.argument("title")
@click.option("--severity", required=True, shell_complete=complete_from_config("severities"),
              help="A severity id from postmortem.yml, e.g. SEV1.")
@click.option("--service", "services", multiple=True, required=True,
              shell_complete=complete_from_config("services"),
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
    from ..authoring.scaffold import branch_name, new_postmortem
    from ..kb.layout import open_knowledge_base

    root = kb_root(ctx)
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


@click.command(name="list")
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
    from ..checker import load_knowledge_base
    from ..reports.catalog import list_postmortems, summary_row, text_rows

    postmortems, skipped = list_postmortems(load_knowledge_base(kb_root(ctx)), severity=severity, service=service, status=status)
    if output_format == "json":
        click.echo(json.dumps([summary_row(pm) for pm in postmortems], indent=2, ensure_ascii=False))
    else:
        for row in text_rows(postmortems):
            click.echo(row)
    if skipped:
        click.echo(f"{skipped} file(s) skipped: they cannot be read as post-mortems (see `postmortem validate`)", err=True)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the front matter.

    Point your editor's YAML language server at it to get completion and checks while writing.

    \b
    Example:
      postmortem schema > postmortem.schema.json
    """
    from ..kb.model import front_matter_schema

    click.echo(json.dumps(front_matter_schema(), indent=2, ensure_ascii=False))


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text",
              show_default=True, help="markdown writes the rule reference (docs/rules.md).")
def rules(output_format: str) -> None:
    """List every rule: its code, level and meaning.

    \b
    Examples:
      postmortem rules
      postmortem rules --format markdown > docs/rules.md
    """
    from ..reference import rules_markdown
    from ..rules import RULES

    if output_format == "markdown":
        click.echo(rules_markdown(), nl=False)
        return
    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.level.value:<7}  {rule.summary}")


@click.command()
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

    Writes postmortem.yml, the templates, a README for authors, .gitignore and what the workflows
    install there:

    \b
      requirements-postmortem.txt       the pinned validator (pull requests)
      requirements-postmortem-site.txt  the same with the site engine (the site)

    and, at the top of the git repository holding FOLDER, the GitHub workflows (validate every
    pull request, publish the site to GitHub Pages), the pull-request checklist, a CODEOWNERS
    example and a pre-commit hook, all pointed at FOLDER.
    Existing files are left as they are and listed as skipped.

    \b
    Examples:
      postmortem init --service checkout --title "Acme post-mortems"
      postmortem init ops/incidents --service payments-api --service checkout --language fr
    """
    from ..authoring.starter import init_knowledge_base, root_option

    root = folder if folder is not None else kb_root(ctx)
    starter = init_knowledge_base(root, list(services), title, language, timezone)
    for path in starter.created:
        click.echo(f"Created {path.relative_to(starter.repository).as_posix()}")
    for path in starter.skipped:
        click.echo(f"Skipped {path.relative_to(starter.repository).as_posix()} (it exists)")
    if starter.created:
        click.echo(f"Next: postmortem{root_option(starter.folder)} new \"What happened\" --severity SEV2 "
                   f"--service {starter.services[0]}, then commit and push.")


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the report only: write nothing.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def import_command(ctx, paths, dry_run, output_format) -> None:
    """Import existing post-mortems (FILES or FOLDERS) as drafts in postmortems/YYYY/.

    Reads Markdown in any template, HTML pages (Confluence exports, wikis, blogs: the article, not
    the page around it) and Word or Google Docs' .docx (HTML and .docx need
    pip install 'postmortem-kb[import]'). Maps headings to the format's sections by
    meaning (English and French), rewrites the timeline's timed lines as entries, reads action items
    with their owner, due date and ticket, and leaves TODO with a comment for everything undecided.
    The report says, per file, what was filled, from where, and what a person must complete.

    An existing file is never overwritten: that document is refused (exit status 1). A document that
    cannot be read stops the import before anything is written (exit status 2). The same documents
    give the same files.

    \b
    Examples:
      postmortem import old-incidents/
      postmortem import confluence-export/Outage-2024-03-12.html notes.docx --dry-run
      postmortem import docs/incidents/ --format json | jq '.files[].todo'
    """
    from ..authoring.importing import import_documents, report_json, report_text
    from ..kb.layout import open_knowledge_base

    result = import_documents(open_knowledge_base(kb_root(ctx)), list(paths), dry_run=dry_run)
    click.echo((report_json if output_format == "json" else report_text)(result), nl=False)
    ctx.exit(1 if result.refused else 0)
