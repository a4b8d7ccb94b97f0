"""What a message says of a value the config does not know (a service, person, team, severity or
root cause): the nearest known value, as a near miss is corrected; when none is near, all of them if
they are few, else where they are listed. A catalogue of thousands never fills a line."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from typing import Any

from .schema import Config

#: Known values listed in full when none is near; more are only said where to find.
SHORT_LIST = 10


def shown(value: Any) -> str:
    """`value` as a message quotes it: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def nearest(value: str, known: Collection[str]) -> str | None:
    """The known value that looks most like `value`, if one does. One, as Python's own "Did you mean"
    does: among near misses that tie (SEV9 for SEV1, SEV2, SEV3) a list reads as no answer."""
    by_lowercase: dict[str, str] = {}  # `sev1` is SEV1 mistyped, not a stranger to it
    for candidate in known:
        by_lowercase.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(value.lower(), list(by_lowercase), n=1)
    return by_lowercase[close[0]] if close else None


def unknown_value(kind: str, value: str, known: Collection[str], listed_at: str, shown_at: str | None = None) -> str:
    """The message for `value`, a `kind` (service, person...) that `known` does not hold:
    `unknown service 'paymnts-api': did you mean 'payments-api'?`. `listed_at` says where the known
    values are written (`` `services` in postmortem.yml, line 4 ``), `shown_at` where else they are
    read (the site's services page)."""
    if isinstance(known, (set, frozenset)):  # no order of its own: list it sorted, the same every run
        known = sorted(known)
    close = nearest(value, known)
    if close:
        hint = f"did you mean {close!r}? (or add it to {listed_at})"
    elif not known:
        hint = f"add it to {listed_at}"
    elif len(known) <= SHORT_LIST:
        hint = f"use one of {', '.join(known)} (or add it to {listed_at})"
    else:
        hint = (f"no known {kind} is like it; see the {len(known):,} in {listed_at}"
                + (f", or on {shown_at}" if shown_at else "") + " (or add it there)")
    return f"unknown {kind} {shown(value)}: {hint}"


def on_the_site(config: Config, page: str) -> str:
    """The site's page of `page` (services, teams), with its address when `site_url` is known."""
    return f"the site's {page} page" + (f" ({config.site_url}{page}/)" if config.site_url else "")

