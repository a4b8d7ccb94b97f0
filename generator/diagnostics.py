"""A diagnostic: one finding about one place in one file; and what a check found in all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    """How serious a finding is: errors fail `validate`, warnings only under `--strict`."""

    ERROR = "error"
    WARNING = "warning"


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character `offset` in `text`."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A finding. Positions are 1-based and counted in the whole file; `None` where unknown."""

    path: str
    line: int | None
    column: int | None
    code: str
    level: Level
    message: str

    def location(self) -> str:
        """`path:line:column`, as far as they are known."""
        return ":".join([self.path, *(str(n) for n in (self.line, self.column if self.line else None) if n is not None)])

    def text_line(self) -> str:
        """`path:line:col: PM123 message`, with `warning: ` before the message of a warning."""
        level = "warning: " if self.level is Level.WARNING else ""
        return f"{self.location()}: {self.code} {level}{self.message}"

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.level.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class Silenced:
    """A finding silenced by a `postmortem: allow` comment on its line, with the comment's reason."""

    diagnostic: Diagnostic
    reason: str


@dataclass
class CheckResult:
    """What `validate` found: how many post-mortem files it checked, the sorted diagnostics, and
    the findings silenced with a reason (shown to reviewers apart)."""

    checked: int
    diagnostics: list[Diagnostic]
    silenced: list[Silenced] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.level is Level.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors
