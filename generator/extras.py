"""The package's optional part: the validator installs alone (`pip install postmortem-kb`), the site
engine and its chart and numeric libraries come with the `site` extra
(`pip install 'postmortem-kb[site]'`), the converters of `postmortem import` with the `import` extra. A command that needs the extra checks it first, so that its
absence is one clear error rather than a traceback from an import deep in the build.

What the extra holds is read from the installed package's metadata (pyproject.toml), never listed
again here.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, distribution, requires

from .errors import MissingExtraError

PACKAGE = "postmortem-kb"
SITE = "site"
IMPORT = "import"


def missing_distributions(extra: str = SITE) -> list[str]:
    """The distributions that `extra` requires and are not installed; none when the package itself is
    not installed (running from a source tree: its imports then say what is missing)."""
    try:
        requirements = requires(PACKAGE) or []
    except PackageNotFoundError:
        return []
    marker = re.compile(rf"""extra\s*==\s*["']{re.escape(extra)}["']""")
    names = [re.match(r"[A-Za-z0-9._-]+", requirement)[0] for requirement in requirements
             if marker.search(requirement.partition(";")[2])]
    absent = []
    for name in names:
        try:
            distribution(name)
        except PackageNotFoundError:
            absent.append(name)
    return absent


def require_site(what: str) -> None:
    """Raise MissingExtraError, naming the install command, when the `site` extra that `what` (a
    command, as the user typed it) needs is not installed."""
    require_extra(SITE, what, "the site engine")


def require_extra(extra: str, what: str, needs: str) -> None:
    """Raise MissingExtraError, naming the install command, when `extra`, which `what` needs for
    `needs` (e.g. "the site engine"), is not installed."""
    absent = missing_distributions(extra)
    if absent:
        raise MissingExtraError(
            f"{what} needs {needs}, which this installation lacks ({', '.join(absent)} not installed): "
            f"pip install '{PACKAGE}[{extra}]'")
