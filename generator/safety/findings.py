"""What the safety rules find in a post-mortem's text: where, what kind, and the text, whichever
finder found it (`credentials`, `personal`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Found:
    """Something sensitive in a text: where (1-based), what kind, and the text itself."""

    line: int
    column: int
    kind: str
    text: str
    #: Why it reads as a placeholder rather than the real thing, when it does.
    placeholder: str | None = None


def first_per_place(found: list[Found]) -> list[Found]:
    """One finding per line and column (two detectors may report the same text)."""
    seen: dict[tuple[int, int], Found] = {}
    for item in found:
        seen.setdefault((item.line, item.column), item)
    return sorted(seen.values(), key=lambda f: (f.line, f.column))


def masked(text: str) -> str:
    """`text` with all but its first and last characters hidden, for messages that quote a finding."""
    if len(text) <= 6:
        return "*" * len(text)
    return text[:3] + "…" + text[-2:]
