"""PM4xx: where a post-mortem lives, its id, and the ids it links to."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath

from ..kb.model import MAX_SLUG_LENGTH
from .registry import ERROR, WARNING, Finding, rule

ID_PARTS = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")


def id_date(postmortem_id: str) -> dt.date | None:
    """The date at the start of a post-mortem id, or None when the id is not `YYYY-MM-DD-slug`."""
    match = ID_PARTS.match(postmortem_id)
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match["date"])
    except ValueError:
        return None


@rule("PM401", "invalid-id", ERROR, "The file name is not `YYYY-MM-DD-slug.md`.")
def invalid_id(doc, context):
    """The file's stem is the post-mortem's id: the day the incident started, then a slug of
    lowercase a-z, 0-9 and single `-`, at most 60 characters.

    Failing:
    ```text
    postmortems/2026/Payment_API outage.md
    postmortems/2026/2026-3-13-outage.md
    ```

    Passing:
    ```text
    postmortems/2026/2026-03-13-payment-api-outage.md
    ```
    """
    match = ID_PARTS.match(doc.id)
    if not match or id_date(doc.id) is None:
        yield Finding(1, f"file name {doc.id!r} is not a post-mortem id: name it YYYY-MM-DD-slug.md, the date "
                         "the incident started then lowercase a-z, 0-9 and single dashes")
    elif len(match["slug"]) > MAX_SLUG_LENGTH:
        yield Finding(1, f"the slug of {doc.id!r} has {len(match['slug'])} characters: shorten it to "
                         f"{MAX_SLUG_LENGTH} at most")


@rule("PM402", "id-date-mismatch", ERROR, "The date in the file name is not the day `started_at` falls on.")
def id_date_mismatch(doc, context):
    """The day is read in `started_at`'s own offset.

    Failing (with `started_at: 2026-03-13T18:42:00+01:00`):
    ```text
    postmortems/2026/2026-03-14-payment-api-outage.md
    ```

    Passing (with `started_at: 2026-03-13T18:42:00+01:00`):
    ```text
    postmortems/2026/2026-03-13-payment-api-outage.md
    ```
    """
    started, named = doc.value("started_at"), id_date(doc.id)
    if started is not None and named is not None and started.date() != named:
        yield Finding(("started_at",), f"the file name says {named.isoformat()} but started_at is on "
                                       f"{started.date().isoformat()}: rename the file or fix started_at")


@rule("PM403", "wrong-folder", ERROR, "The file is not in `postmortems/<YYYY>/` for its year.")
def wrong_folder(doc, context):
    """The year folder is the year of the date in the file name.

    Failing:
    ```text
    postmortems/2026-03-13-payment-api-outage.md
    postmortems/2025/2026-03-13-payment-api-outage.md
    ```

    Passing:
    ```text
    postmortems/2026/2026-03-13-payment-api-outage.md
    ```
    """
    parts = PurePosixPath(doc.path).parts
    named = id_date(doc.id)
    if named is None:
        return
    expected = f"postmortems/{named.year}/{doc.id}.md"
    if parts != tuple(PurePosixPath(expected).parts):
        yield Finding(1, f"move the file to {expected}")


@rule("PM404", "duplicate-id", ERROR, "Two files have the same id.")
def duplicate_id(doc, context):
    """Ids are file stems, unique across all years.

    Failing:
    ```text
    postmortems/2026/2026-03-13-outage.md
    postmortems/2025/2026-03-13-outage.md
    ```

    Passing:
    ```text
    postmortems/2026/2026-03-13-payments-outage.md
    postmortems/2026/2026-03-13-search-outage.md
    ```
    """
    others = [path for path in context.ids.get(doc.id, []) if path != doc.path]
    if others:
        yield Finding(1, f"id {doc.id!r} is also used by {', '.join(others)}: give one of them another slug")


@rule("PM405", "unknown-related", ERROR, "A `related` id is not an existing post-mortem.")
def unknown_related(doc, context):
    """Failing:
    ```yaml
    related: [2026-02-20-payments-latency]
    ```

    Passing (the file `postmortems/2026/2026-02-20-payments-db-latency.md` exists):
    ```yaml
    related: [2026-02-20-payments-db-latency]
    ```
    """
    for index, related in enumerate(doc.value("related") or []):
        if related not in context.ids:
            yield Finding(("related", index), f"related post-mortem {related!r} does not exist: "
                                              "check the id (the file name without .md)")


@rule("PM406", "related-not-earlier", WARNING, "A `related` id is this post-mortem or a later one.")
def related_not_earlier(doc, context):
    """`related` lists earlier incidents; the later one links back, so each link is written once.

    Failing (in `2026-03-13-payment-api-outage.md`):
    ```yaml
    related: [2026-05-05-password-reset-emails-not-sent]
    ```

    Passing (in `2026-03-13-payment-api-outage.md`):
    ```yaml
    related: [2026-02-20-payments-db-latency]
    ```
    """
    for index, related in enumerate(doc.value("related") or []):
        if related == doc.id:
            yield Finding(("related", index), "a post-mortem cannot be related to itself: remove this id")
        elif related in context.ids and related > doc.id:
            yield Finding(("related", index), f"{related!r} is later than this post-mortem: list the link "
                                              "in the later one instead")
