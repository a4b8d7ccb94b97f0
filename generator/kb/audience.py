"""Who may read a post-mortem beyond the company: the public trust page's policy, which the
validator (PM701, PM702) and the public build both apply."""

from __future__ import annotations

from .config.schema import CUSTOMER_SUMMARY, Config
from .model import PostMortem, Status, Visibility


def is_public(pm: PostMortem, config: Config) -> bool:
    """Whether the post-mortem's customer report goes on the public trust page: it is marked
    `visibility: public`, or it is a published post-mortem of one of `public.severities` with a
    `## Customer summary`. A restricted one never is; one marked public that is not yet published
    is refused (PM701), not left out."""
    visibility = pm.values.get("visibility")
    if visibility == Visibility.public:
        return True
    return (visibility != Visibility.restricted and pm.values.get("status") == Status.published
            and pm.values.get("severity") in config.public.severities and pm.section(CUSTOMER_SUMMARY) is not None)


def public_lines(pm: PostMortem) -> set[int]:
    """The file's lines whose text the public page shows: the `## Customer summary` section and the
    titles of the actions that are not internal."""
    lines: set[int] = set()
    section = pm.section(CUSTOMER_SUMMARY)
    if section is not None:
        lines.update(range(section.line, section.end_line + 1))
    for index, action in pm.actions:
        if not action.internal:
            position = pm.positions.get(("actions", index, "title"))
            if position:
                lines.add(position[0])
    return lines
