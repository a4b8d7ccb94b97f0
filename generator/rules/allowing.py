"""PM604-PM605, `postmortem: allow` comments: a finding allowed on its line, with the reason a
reviewer reads.

Written `<!-- postmortem: allow PM603 the provider's public support address -->` in the body, or
`# postmortem: allow PM602 a revoked example key` in the front matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Diagnostic, Silenced, line_and_column
from .registry import ERROR, WARNING, declare, diagnostic

declare("PM604", "silence-without-reason", ERROR, "A `postmortem: allow` comment gives no rule code or no reason.", """
    A finding is allowed on its line by a comment naming its code and saying why:
    `<!-- postmortem: allow PM603 the support address of our payment provider -->` in the body,
    `# postmortem: allow PM602 a revoked example key` in the front matter. Without a reason the
    comment silences nothing, and is itself an error. `postmortem validate --format json` lists the
    silenced findings apart, with their reasons, for the reviewer; the comments never reach the site.

    Failing:
    ```markdown
    ## Impact
    Mail from billing@stripe.com bounced. <!-- postmortem: allow PM603 -->
    ```

    Passing:
    ```markdown
    ## Impact
    Mail from billing@stripe.com bounced. <!-- postmortem: allow PM603 the provider's public support address -->
    ```
""")

declare("PM605", "unused-silence", WARNING, "A `postmortem: allow` comment silences nothing on its line.", """
    The finding it was written for is gone, or the code is not the one reported on that line:
    remove the comment, or fix its code.

    Failing:
    ```markdown
    ## Impact
    Two customers saw errors. <!-- postmortem: allow PM603 names the provider's support address -->
    ```

    Passing:
    ```markdown
    ## Impact
    Two customers saw errors.
    ```
""")

#: A whole allow comment, HTML or YAML; the site removes the HTML ones from the body.
COMMENT = re.compile(r"<!--\s*postmortem:\s*allow\b(?P<html>.*?)-->|#\s*postmortem:\s*allow\b(?P<yaml>.*)$",
                     re.MULTILINE)
_CODES = re.compile(r"\s*((?:PM\d{3}[\s,]*)+)")


@dataclass(frozen=True)
class Allow:
    line: int
    column: int
    codes: frozenset[str]
    reason: str


def allow_comments(text: str) -> list[Allow]:
    """The allow comments of a file, with their 1-based line and column."""
    found = []
    for match in COMMENT.finditer(text):
        rest = match["html"] if match["html"] is not None else match["yaml"]
        codes = _CODES.match(rest)
        listed = frozenset(re.findall(r"PM\d{3}", codes[1])) if codes else frozenset()
        reason = rest[codes.end():].strip() if codes else rest.strip()
        found.append(Allow(*line_and_column(text, match.start()), listed, reason))
    return found


def without_allow_comments(body: str) -> str:
    """The body without its HTML allow comments, as the site shows it."""
    return COMMENT.sub(lambda m: "" if m["html"] is not None else m[0], body) if "postmortem:" in body else body


def apply_allow_comments(path: str, text: str, diagnostics: list[Diagnostic]) -> tuple[list[Diagnostic], list[Silenced]]:
    """Split the diagnostics of one file into those reported and those its allow comments silence;
    a comment without a code or a reason (PM604) or that silences nothing (PM605) is reported."""
    if "postmortem:" not in text:
        return diagnostics, []
    allows = allow_comments(text)
    kept, silenced, used = [], [], set()
    valid = {(a.line, code): a for a in allows if a.codes and a.reason for code in a.codes}
    for found in diagnostics:
        allow = valid.get((found.line, found.code))
        if allow is None:
            kept.append(found)
        else:
            silenced.append(Silenced(found, allow.reason))
            used.add(allow)
    for allow in allows:
        if not allow.codes:
            kept.append(diagnostic("PM604", path, allow.line, allow.column, "this allow comment names no rule: write "
                                   "`postmortem: allow PM6xx <why it is fine here>`"))
        elif not allow.reason:
            kept.append(diagnostic("PM604", path, allow.line, allow.column, "this allow comment gives no reason: say "
                                   "after the code why the finding is fine here"))
        elif allow not in used:
            kept.append(diagnostic("PM605", path, allow.line, allow.column,
                                   f"this comment allows {', '.join(sorted(allow.codes))} but nothing of that code is "
                                   "reported on its line: remove it or fix the code"))
    return kept, silenced
