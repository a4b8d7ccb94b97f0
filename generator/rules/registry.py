"""The registry of rules: a rule's code, name, level, summary and documentation, and its check
when it has one; what a check reports (`Finding`) and may know (`CheckContext`); and the helpers
the families share. Each family module registers its rules here when it is imported."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Level
from ..kb.config.schema import Config
from ..kb.model import PostMortem

ERROR, WARNING = Level.ERROR, Level.WARNING


@dataclass(frozen=True)
class Finding:
    """What a check reports: where (a front-matter key path or a line), what to do, and the level
    when it differs from the rule's default (drafts are checked leniently)."""

    where: tuple | int
    message: str
    level: Level | None = None
    column: int | None = None


@dataclass
class CheckContext:
    """What a check may know beyond the file: the config, and every post-mortem id with its paths."""

    config: Config
    services_checked: bool
    ids: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    level: Level
    summary: str
    doc: str
    check: Callable[[PostMortem, CheckContext], Iterator[Finding]] | None = None

    def at(self, path: str, line: int | None, column: int | None, message: str) -> Diagnostic:
        """A diagnostic of this rule at its default level: how the loaders, which enforce the rules
        declared without a check, report them."""
        return Diagnostic(path, line, column, self.code, self.level, message)


RULES: dict[str, Rule] = {}


def _register(rule_: Rule) -> Rule:
    if rule_.code in RULES:
        raise ValueError(f"rule code {rule_.code} registered twice")
    RULES[rule_.code] = rule_
    return rule_


def rule(code: str, name: str, level: Level, summary: str):
    """Register a check function as the rule `code`; its docstring is the rule's documentation."""

    def register(check):
        _register(Rule(code, name, level, summary, inspect.getdoc(check) or "", check))
        return check

    return register


def declare(code: str, name: str, level: Level, summary: str, doc: str) -> Rule:
    """Register a rule that the loader, the model or the config loader enforces; they report it
    through the rule returned (`Rule.at`)."""
    return _register(Rule(code, name, level, summary, inspect.cleandoc(doc)))


def diagnostic(code: str, path: str, line: int | None, column: int | None, message: str,
               level: Level | None = None) -> Diagnostic:
    """A diagnostic of rule `code`, at its default level unless `level` is given."""
    return Diagnostic(path, line, column, code, level or RULES[code].level, message)


def lenient(doc: PostMortem, level: Level = ERROR) -> Level:
    """Drafts are checked leniently: what is missing is a warning until the draft goes to review."""
    return WARNING if doc.is_draft else level
