"""The rules: each has a stable code, a default level, and a docstring with a failing and a passing
example (published as docs/rules.md). Codes are never reused.

Families: PM0xx reading the file, PM1xx front-matter fields, PM2xx actions, PM3xx body sections,
PM4xx file names and links between post-mortems, PM5xx the configuration, PM6xx what must not reach
the site (unsafe HTML, credentials, personal data) and the comments that allow a finding, PM7xx
what the public trust page demands.

Rules with a `check` run on every loaded post-mortem. The others judge a thing as it is parsed
(the file's bytes, the front-matter model's errors, the config, the allow comments): their module
holds that judgement too, as functions the loader and the config reader call. A rule's code is
written nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Diagnostic
from ..kb.model import PostMortem

# Importing the families registers their rules.
from . import actions, allowing, blameless, body, configuration, fields, identity, parsing, public, safety, values  # noqa: F401
from .registry import RULES, CheckContext, Rule, diagnostic

__all__ = ["RULES", "CheckContext", "Rule", "diagnostic", "run_checks"]

_in_code_order = sorted(RULES.items())
RULES.clear()
RULES.update(_in_code_order)


def run_checks(doc: PostMortem, context: CheckContext) -> Iterator[Diagnostic]:
    """Every check rule's findings on one post-mortem, as diagnostics."""
    for rule_ in RULES.values():
        if rule_.check is None:
            continue
        for finding in rule_.check(doc, context):
            if isinstance(finding.where, int):
                line, column = finding.where, finding.column
            else:
                line, column = doc.position(finding.where)
            yield diagnostic(rule_.code, doc.path, line, column, finding.message, finding.level)
