"""The project's exceptions. They subclass click's so that a library error prints as a clean CLI error."""

from __future__ import annotations

import click


class PostmortemError(click.ClickException):
    """Base class: a problem the user can fix, reported without a traceback (exit code 1)."""


class UsageError(PostmortemError):
    """The command was asked for something impossible (exit code 2)."""

    exit_code = 2


class BuildError(PostmortemError):
    """The site engine or the search indexer failed; `site/` was left as it was."""


class SiteConfigError(BuildError):
    """The site engine's configuration cannot be used (`mkdocs.yml`, the engine to use): nothing was
    built, `site/` was left as it was (exit code 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """`postmortem.yml` cannot be used. Carries every diagnostic found in it (exit code 2)."""

    def __init__(self, diagnostics):
        self.diagnostics = list(diagnostics)
        count = len(self.diagnostics)
        super().__init__(f"postmortem.yml has {count} problem{'' if count == 1 else 's'}: fix {'it' if count == 1 else 'them'} first")

    def show(self, file=None) -> None:
        for diagnostic in self.diagnostics:
            click.echo(diagnostic.text_line(), err=True)
        super().show(file)


class MissingExtraError(UsageError):
    """A command needs an optional part of the package that is not installed: the `site` extra for the
    site and the HTML and PDF reports (exit code 2)."""
