"""The site engine's configuration: the built-in `mkdocs.yml`, made from `postmortem.yml`, or the
knowledge base's own `mkdocs.yml` when it has one.

The built-in one is always written to `build/mkdocs.yml`, so that a knowledge base's own file can
start from it with MkDocs' `INHERIT: build/mkdocs.yml` and change only what it needs.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..kb.config.schema import Config
from ..kb.layout import KnowledgeBase
from ..labels import Labels
from ..safety.sanitize import SITE_MARKDOWN_EXTENSIONS

MKDOCS_FILE = "mkdocs.yml"


def builtin_config(config: Config) -> dict:
    """The built-in MkDocs configuration: Material in the knowledge base's language, offline (no
    web fonts, no repository widget calling GitHub's API from readers' browsers), and a flat
    navigation of the index pages (every post-mortem is reached from them; listing 10,000 pages in
    the navigation would make every page, and the build, ten times heavier)."""
    label = Labels(config.language)
    return {
        "site_name": config.title,
        **({"site_url": config.site_url} if config.site_url else {}),
        "site_description": label("site_description"),
        "docs_dir": "docs",
        "theme": {
            "name": "material",
            "language": config.language,
            "font": False,
            "features": ["navigation.tabs", "navigation.top", "toc.follow"],
            "palette": [
                {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo",
                 "toggle": {"icon": "material/weather-night", "name": label("dark_mode")}},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo",
                 "toggle": {"icon": "material/weather-sunny", "name": label("light_mode")}},
            ],
        },
        # Material's search is off: Pagefind indexes the site (it stays fast on 10,000 pages).
        "plugins": [],
        "markdown_extensions": [{name: settings} if settings else name for name, settings in SITE_MARKDOWN_EXTENSIONS.items()],
        "extra_css": ["assets/postmortem.css", "assets/print.css"],
        "extra_javascript": ["assets/postmortem.js", "assets/print.js", "assets/trends.js"],
        "nav": [
            {label("nav_home"): "index.md"},
            {label("search"): "search.md"},
            {label("nav_postmortems"): "postmortems/index.md"},
            {label("services"): "services/index.md"},
            {label("teams"): "teams/index.md"},
            {label("trends"): "trends/index.md"},
            {label("actions"): "actions/index.md"},
            {label("nav_report"): "report.md"},
            {label("reference"): "reference/index.md"},
        ],
    }


def site_config_file(kb: KnowledgeBase) -> Path:
    """Write the built-in configuration to `build/mkdocs.yml`; return the file the build uses: the
    knowledge base's own `mkdocs.yml` when there is one, else the built-in one."""
    builtin = kb.build_dir / MKDOCS_FILE
    builtin.parent.mkdir(parents=True, exist_ok=True)
    text = "# Written by `postmortem build` from postmortem.yml. Do not edit: see the README to extend it.\n"
    text += yaml.safe_dump(builtin_config(kb.config), allow_unicode=True, sort_keys=False)
    if not builtin.is_file() or builtin.read_text(encoding="utf-8") != text:
        builtin.write_text(text, encoding="utf-8")
    own = kb.root / MKDOCS_FILE
    return own if own.is_file() else builtin
