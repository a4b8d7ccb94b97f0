"""Creating a new post-mortem from a template (`postmortem new`). Nothing here overwrites a file."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from pathlib import Path

from ..errors import UsageError
from ..kb.config.nearest import on_the_site, unknown_value
from ..kb.config.schema import POSTMORTEMS_DIR
from ..kb.layout import KnowledgeBase
from ..kb.model import MAX_SLUG_LENGTH, SLUG_PATTERN, slugify

TEMPLATES_DIR = "_templates"
LANGUAGES = ("en", "fr")


def parse_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    """An ISO 8601 time; one without an offset is read in `zone`."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--started-at {text!r} is not an ISO 8601 time such as 2026-03-13T18:42+01:00") from None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _yaml_scalar(value: str) -> str:
    # A JSON string is a valid double-quoted YAML scalar: quotes, colons and `#` stay text.
    return json.dumps(value, ensure_ascii=False)


def _render(source: str, values: dict) -> str:
    from jinja2 import StrictUndefined, TemplateError  # only `new` needs Jinja2
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment(keep_trailing_newline=True, undefined=StrictUndefined, autoescape=False)
    environment.filters["yaml"] = _yaml_scalar
    try:
        return environment.from_string(source).render(values)
    except TemplateError as error:
        raise UsageError(f"the template cannot be rendered: {error}") from None


def default_template(language: str) -> str:
    """The built-in post-mortem template for `language`."""
    return resources.files("generator").joinpath(f"templates/postmortem.{language}.md.j2").read_text("utf-8")


def _template_text(kb: KnowledgeBase, language: str, name: str | None) -> str:
    folder = kb.postmortems_dir / TEMPLATES_DIR
    if name:
        chosen = folder / name
        if not chosen.is_file():
            raise UsageError(f"no template {name!r} in {POSTMORTEMS_DIR}/{TEMPLATES_DIR}/")
        return chosen.read_text("utf-8")
    for candidate in (folder / f"postmortem.{language}.md.j2", folder / "postmortem.md.j2"):
        if candidate.is_file():
            return candidate.read_text("utf-8")
    return default_template(language)


def new_postmortem(
    kb: KnowledgeBase,
    title: str,
    severity: str,
    services: list[str],
    started_at: str | None = None,
    slug: str | None = None,
    template: str | None = None,
    language: str | None = None,
    now: dt.datetime | None = None,
    branch: bool = False,
) -> Path:
    """Write a new draft post-mortem from the knowledge base's template and return its path.

    Refuses an unknown severity or service, a slug that is not `a-z0-9-` (so no path can escape
    `postmortems/`), and an id that exists already. With `branch`, also creates and switches to
    the git branch `postmortem/<id>` and commits the file alone on it; refuses, before writing
    anything, when changes are staged or the branch exists.
    """
    config = kb.config
    if config.severity(severity) is None:
        raise UsageError(unknown_value("severity", severity, config.severity_ids, config.listed_at("severities")))
    unknown = [s for s in services if kb.config_from_file and s not in config.service_ids]
    if unknown:
        raise UsageError(unknown_value("service", unknown[0], config.service_ids, config.listed_at("services"),
                                       on_the_site(config, "services")))
    if not title.strip() or len(title) > 120:
        raise UsageError("the title must be 1 to 120 characters")
    start = parse_time(started_at, config.zone) if started_at else (now or dt.datetime.now(config.zone))
    start = start.replace(second=0, microsecond=0)
    slug = slugify(title) if slug is None else slug
    if not re.match(SLUG_PATTERN, slug) or len(slug) > MAX_SLUG_LENGTH:
        raise UsageError(f"slug {slug!r} must be lowercase a-z, 0-9 and single dashes, at most "
                         f"{MAX_SLUG_LENGTH} characters (give one with --slug)")
    postmortem_id = f"{start.date().isoformat()}-{slug}"
    taken = [path for path in kb.files() if path.stem == postmortem_id]
    if taken:
        raise UsageError(f"post-mortem {postmortem_id!r} exists already: {kb.relative(taken[0])} "
                         "(choose another --slug)")
    if branch:
        from ..kb.gitinfo import check_can_branch

        check_can_branch(kb, branch_name(postmortem_id))
    day = start.date()
    values = {
        "id": postmortem_id,
        "title": title.strip(),
        "severity": severity,
        "services": services,
        "started_at": start.isoformat(),
        "due_week": (day + dt.timedelta(days=7)).isoformat(),
        "due_month": (day + dt.timedelta(days=30)).isoformat(),
        "due_quarter": (day + dt.timedelta(days=90)).isoformat(),
        "currency": config.currency,
        "root_causes": config.root_causes,
    }
    text = _render(_template_text(kb, language or config.language, template), values)
    path = kb.postmortems_dir / str(day.year) / f"{postmortem_id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        raise UsageError(f"{kb.relative(path)} exists already: it was not changed") from None
    if branch:
        from ..kb.gitinfo import commit_on_new_branch

        commit_on_new_branch(kb, branch_name(postmortem_id), path, f"Post-mortem {postmortem_id}: {title.strip()}")
    return path


def branch_name(postmortem_id: str) -> str:
    """The branch `new --branch` makes for a post-mortem."""
    return f"postmortem/{postmortem_id}"
