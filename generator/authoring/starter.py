"""`postmortem init`: the files of a new knowledge base that validates, builds and passes CI as it is.

The knowledge base goes in a folder (the repository itself, or a folder of a monorepo); what GitHub
and pre-commit read from the top of the repository (workflows, pull-request template, CODEOWNERS,
hooks) goes there, pointed at the folder. Nothing that exists is overwritten.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .. import __version__
from ..errors import UsageError
from ..kb.config.loader import config_message
from ..kb.config.schema import CONFIG_FILE, POSTMORTEMS_DIR, Config
from .scaffold import LANGUAGES, TEMPLATES_DIR, default_template

REQUIREMENTS_FILE = "requirements-postmortem.txt"
#: What the site's workflows install: the requirements above, with the `site` extra.
SITE_REQUIREMENTS_FILE = "requirements-postmortem-site.txt"


DEFAULT_SERVICES = ["api"]


def root_option(folder: str) -> str:
    """` --root FOLDER` for commands run at the top of the repository, or nothing at its top."""
    return f" --root {folder}" if folder else ""


@dataclass
class Starter:
    """What `init` wrote and what it left alone, as paths under `repository`; `folder` is the
    knowledge base's folder there (empty at the top) and `services` the catalog it wrote."""

    repository: Path
    folder: str
    services: list[str]
    created: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def _render(name: str, values: dict) -> str:
    # Square-bracket delimiters: the workflows are full of GitHub's own `${{ ... }}`.
    from jinja2 import Environment, StrictUndefined

    environment = Environment(variable_start_string="[[", variable_end_string="]]", block_start_string="[%",
                              block_end_string="%]", keep_trailing_newline=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=StrictUndefined, autoescape=False)
    source = resources.files("generator").joinpath(f"templates/init/{name}").read_text("utf-8")
    return environment.from_string(source).render(values)


def starter_files(prefix: str, services: list[str], title: str, language: str, timezone: str) -> dict[str, str]:
    """The files of a new knowledge base, by path from the top of the repository; `prefix` is the
    knowledge base's folder there (`""`, or `ops/incidents/`)."""
    root = prefix.rstrip("/")
    values = {
        "prefix": prefix,
        "prefix_regex": re.escape(prefix),
        "root_option": root_option(root),
        "services": services,
        "team": "platform",
        "title": json.dumps(title, ensure_ascii=False),
        "language": language,
        "timezone": timezone,
        "version": __version__,
    }
    files = {
        f"{prefix}{CONFIG_FILE}": _render("postmortem.yml.j2", values),
        f"{prefix}{REQUIREMENTS_FILE}": _render("requirements-postmortem.txt.j2", values),
        f"{prefix}{SITE_REQUIREMENTS_FILE}": _render("requirements-postmortem-site.txt.j2", values),
        f"{prefix}.gitignore": _render("gitignore", values),
        f"{prefix}README.md": _render(f"README.{language}.md.j2", {**values, "title": title}),
        ".github/workflows/validate.yml": _render("validate.yml.j2", values),
        ".github/workflows/publish.yml": _render("publish.yml.j2", values),
        ".github/workflows/weekly-review.yml": _render("weekly-review.yml.j2", values),
        ".github/PULL_REQUEST_TEMPLATE.md": _render(f"PULL_REQUEST_TEMPLATE.{language}.md", values),
        ".github/CODEOWNERS": _render("CODEOWNERS.j2", values),
        ".pre-commit-config.yaml": _render("pre-commit-config.yaml.j2", values),
    }
    for template_language in LANGUAGES:
        name = f"postmortem.{template_language}.md.j2"
        files[f"{prefix}{POSTMORTEMS_DIR}/{TEMPLATES_DIR}/{name}"] = default_template(template_language)
    return files


def init_knowledge_base(folder: Path, services: list[str] | None = None, title: str = "Post-mortems",
                        language: str = "en", timezone: str = "UTC") -> Starter:
    """Write a new knowledge base into `folder`, and the files GitHub and pre-commit read at the top
    of the git repository holding it (`folder` itself when there is none). Existing files are left
    as they are and listed as skipped. Raises UsageError, before writing anything, with every
    problem the config model finds in the services, title, language and time zone."""
    from ..kb.gitinfo import repository_top

    services = list(dict.fromkeys(services or DEFAULT_SERVICES))
    title = title.strip()
    _check_config({"title": title, "language": language, "timezone": timezone,
                   "services": [{"id": service} for service in services]})
    folder = folder.resolve()
    top = repository_top(folder) or folder
    relative_folder = folder.relative_to(top).as_posix()
    starter = Starter(top, "" if relative_folder == "." else relative_folder, services)
    prefix = f"{starter.folder}/" if starter.folder else ""
    for relative, text in starter_files(prefix, services, title, language, timezone).items():
        path = top / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "x", encoding="utf-8") as stream:
                stream.write(text)
        except FileExistsError:
            starter.skipped.append(path)
        else:
            starter.created.append(path)
    return starter


def _check_config(values: dict) -> None:
    # Checked by the model `validate` reads postmortem.yml with, so that init and validate cannot disagree.
    try:
        Config.model_validate(values)
    except ValidationError as error:
        problems = "".join(f"\n  {config_message(item)}" for item in error.errors())
        raise UsageError(f"{CONFIG_FILE} would be invalid, so nothing was written:{problems}") from None
