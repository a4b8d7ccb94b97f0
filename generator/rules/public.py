"""PM7xx: the public trust page (`postmortem build --public`): what a post-mortem must be before
its customer report is published outside the company. Which post-mortems are public is
`kb.audience.is_public`."""

from __future__ import annotations

from ..diagnostics import Diagnostic, Silenced
from ..kb.audience import is_public, public_lines
from ..kb.config.schema import Config
from ..kb.model import PostMortem, Status, Visibility
from .registry import ERROR, RULES, Finding, declare, rule
from .safety import personal_data, secret


@rule("PM701", "public-unpublished", ERROR, "A post-mortem marked `visibility: public` is not published.")
def public_unpublished(doc, context):
    """The public page shows only what the company has reviewed and stands by: mark a post-mortem
    public when it is published, or publish it. The public build refuses it until then.

    Failing:
    ```yaml
    status: review
    visibility: public
    ```

    Passing:
    ```yaml
    status: published
    visibility: public
    ```
    """
    if doc.values.get("visibility") == Visibility.public and doc.values.get("status") != Status.published:
        yield Finding(("visibility",), f"marked public but its status is {doc.values.get('status')}: the public page "
                                       "shows only published post-mortems; publish it, or remove `visibility: public`")


ALLOWED_IN_PUBLIC = declare(
    "PM702", "public-allowed-finding", ERROR,
    "A credential or personal data allowed by a comment is in text the public page would show.", """
    An allow comment (PM604) says a finding is fine inside the company; the public page is read by
    anyone. In a public post-mortem's `## Customer summary` or in the title of an action that is not
    internal, a silenced PM602 or PM603 finding stops the public build: take the value out of that
    text, or mark the action `internal: true`.

    Failing:
    ```markdown
    ## Customer summary
    Write to dpo@customer-corp.com for details. <!-- postmortem: allow PM603 the customer's public DPO address -->
    ```

    Passing:
    ```markdown
    ## Customer summary
    Write to our support team for details.
    ```
""")

def allowed_in_public_text(doc: PostMortem, silenced: list[Silenced], config: Config) -> list[Diagnostic]:
    """PM702 for each credential or personal data that an allow comment silenced in text the public
    page shows, when the post-mortem is public."""
    if not silenced:  # most files: nothing allowed by a comment
        return []
    guarded = {rule_.code for rule_ in RULES.values() if rule_.check in (secret, personal_data)}
    found = [item for item in silenced if item.diagnostic.code in guarded]
    if not found or not is_public(doc, config):
        return []
    shown = public_lines(doc)
    return [ALLOWED_IN_PUBLIC.at(doc.path, item.diagnostic.line, item.diagnostic.column,
                                 f"{item.diagnostic.code} is allowed here (“{item.reason}”), but this text goes on the "
                                 "public page: take the value out, or mark the action `internal: true`")
            for item in found if item.diagnostic.line in shown]
