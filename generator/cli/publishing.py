"""The commands that make the site: build, serve."""

from __future__ import annotations

import click

from .common import kb_root, report_failure, today_option


@click.command()
@today_option
@click.option("--jobs", type=click.IntRange(min=1), help="Processes for validation and page rendering (default: one per core).")
@click.option("--public", is_flag=True, help="Build the public trust page instead (postmortem.yml's `public:`), into "
              "site-public/ by default; needs no site engine.")
@click.pass_context
def build(ctx, today, jobs, public) -> None:
    """Validate, generate the pages and build the site into site/.

    Errors stop the build and are printed; the previous site/ is then left as it was. With
    --public, the public trust page for customers and investors: the uptime of the services that
    `public.services` names, and the customer report of each public incident, nothing internal.

    Exit status: 0 when built, 1 when the post-mortems have errors or a page cannot be rendered,
    2 for a configuration problem (postmortem.yml, mkdocs.yml, the engine) or a usage error, or
    without the site engine (pip install 'postmortem-kb[site]').

    \b
    Examples:
      postmortem build
      postmortem build --today 2026-11-26   # byte-identical output for the same input
      postmortem build --public             # the public trust page, into site-public/
    """
    from ..extras import require_site
    from ..kb.layout import open_knowledge_base

    if public:
        _build_public(ctx, open_knowledge_base(kb_root(ctx)), today, jobs)
        return
    require_site("postmortem build")
    from ..checker import ValidationFailed
    from ..site.build import build_site

    try:
        built = build_site(open_knowledge_base(kb_root(ctx)), today, jobs)
    except ValidationFailed as failure:
        report_failure(failure)
        ctx.exit(1)
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"Built {built.pages} pages into {built.site_dir.relative_to(kb_root(ctx)).as_posix()}/")


def _build_public(ctx, kb, today, jobs) -> None:
    from ..checker import ValidationFailed
    from ..public.build import build_public

    try:
        built = build_public(kb, today, jobs)
    except ValidationFailed as failure:
        report_failure(failure)
        ctx.exit(1)
    click.echo(f"Built the public site into {kb.relative(built.folder)}/: {built.services} service"
               f"{'' if built.services == 1 else 's'}, {built.incidents} public incident"
               f"{'' if built.incidents == 1 else 's'}")


@click.command()
@today_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def serve(ctx, today, host, port) -> None:
    """Build the site and serve it, rebuilding when a post-mortem or the config changes.

    Open pages reload by themselves. Saving a post-mortem rebuilds its page first (open pages
    reload), then the other pages it changes; other changes rebuild the whole site. A change that
    breaks validation prints the diagnostics and keeps the last good site. Needs the site engine:
    pip install 'postmortem-kb[site]'.

    \b
    Example:
      postmortem serve --port 8000    # then open http://127.0.0.1:8000/
    """
    from ..extras import require_site

    require_site("postmortem serve")
    from ..site.preview import serve_site

    def report(message) -> None:
        if isinstance(message, str):
            click.echo(message, err=True)
        else:
            report_failure(message)

    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    serve_site(kb_root(ctx), host, port, today, report=report)
