"""A diagnostic: one finding about one place in one file."""

from __future__ import annotations

from dataclasses import dataclass
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
