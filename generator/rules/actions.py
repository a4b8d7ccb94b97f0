"""PM2xx: corrective actions. An action without an owner does not exist."""

from __future__ import annotations

from ..kb.config.nearest import unknown_value
from ..kb.model import ActionStatus, Status
from .registry import ERROR, WARNING, Finding, declare, rule


@rule("PM201", "no-actions", ERROR, "A published post-mortem has no corrective action.")
def no_actions(doc, context):
    """Every published post-mortem, whatever its severity, lists at least one action under
    `actions`. In a draft or in review this is a warning.

    Failing:
    ```yaml
    status: published
    actions: []
    ```

    Passing:
    ```yaml
    status: published
    actions:
      - id: pool-alert
        title: Alert on DB connection-pool saturation
        owner: bob
        due: 2026-03-20
        verify_by: 2026-05-10
    ```
    """
    if "actions" in doc.invalid_fields or doc.actions or any(p[0] == "actions" for p in doc.placeholders):
        return
    level = ERROR if doc.value("status") == Status.published else WARNING
    yield Finding(("actions",), "no corrective action: add at least one under `actions`, "
                                "each with an owner and a due date", level)


declare("PM202", "action-without-owner", ERROR, "An action has no owner.", """
    "An action without an owner does not exist." Name the person or team who will do it.

    Failing:
    ```yaml
    actions:
      - title: Load-test the checkout flow
        due: 2026-04-10
    ```

    Passing:
    ```yaml
    actions:
      - id: checkout-load-test
        title: Load-test the checkout flow
        owner: payments
        due: 2026-04-10
        verify_by: 2026-05-10
    ```
""")

declare("PM203", "action-without-due-date", ERROR, "An action has no due date.", """
    Actions are planned at 0-7, 7-30 and 30-90 days: give each a date.

    Failing:
    ```yaml
    actions:
      - title: Load-test the checkout flow
        owner: payments
    ```

    Passing:
    ```yaml
    actions:
      - id: checkout-load-test
        title: Load-test the checkout flow
        owner: payments
        due: 2026-04-10
        verify_by: 2026-05-10
    ```
""")


def missing_in_action(loc: tuple) -> tuple[str, str] | None:
    """The rule and message for an action's missing owner (PM202) or due date (PM203), given where
    the front-matter model found a field missing; None for any other missing field."""
    if len(loc) != 3 or loc[0] != "actions":
        return None
    if loc[2] == "owner":
        return "PM202", (f"action {loc[1] + 1} has no owner: an action without an owner does not exist; add "
                         "`owner:` with a person or team")
    if loc[2] == "due":
        return "PM203", f"action {loc[1] + 1} has no due date: add `due: YYYY-MM-DD`"
    return None


@rule("PM204", "unknown-owner", ERROR, "An action's owner is not a person or team of the config.")
def unknown_owner(doc, context):
    """Checked only when `people` in postmortem.yml is not empty. Owners may be people or teams,
    written `bob` or `@bob`.

    Failing:
    ```yaml
    actions:
      - {title: Add alert, owner: someone, due: 2026-03-20}
    ```

    Passing:
    ```yaml
    actions:
      - {id: add-alert, title: Add alert, owner: "@bob", due: 2026-03-20, verify_by: 2026-04-20}
    ```
    """
    owners = context.config.owners
    if not owners:
        return
    for index, action in doc.actions:
        if action.owner not in owners:
            yield Finding(("actions", index, "owner"), unknown_value("owner", action.owner, owners,
                                                                     context.config.listed_at("people", "teams")))


@rule("PM205", "missing-closed-on", ERROR, "A done or abandoned action has no `closed_on` date.")
def missing_closed_on(doc, context):
    """Failing:
    ```yaml
    actions:
      - {title: Add alert, owner: bob, due: 2026-03-20, status: done}
    ```

    Passing:
    ```yaml
    actions:
      - {id: add-alert, title: Add alert, owner: bob, due: 2026-03-20, status: done, closed_on: 2026-03-19, verify_by: 2026-04-20}
    ```
    """
    for index, action in doc.actions:
        if action.status in (ActionStatus.done, ActionStatus.wont_do) and action.closed_on is None:
            yield Finding(("actions", index, "status"),
                          f"action {index + 1} is {action.status.value}: add closed_on with the date it was closed")


@rule("PM206", "closed-on-open-action", WARNING, "An open action has a `closed_on` date.")
def closed_on_open_action(doc, context):
    """`closed_on` belongs to actions that are done or wont-do; on an open one it is usually a
    status that was not updated.

    Failing:
    ```yaml
    actions:
      - {title: Add alert, owner: bob, due: 2026-03-20, status: open, closed_on: 2026-03-19}
    ```

    Passing:
    ```yaml
    actions:
      - {id: add-alert, title: Add alert, owner: bob, due: 2026-03-20, status: done, closed_on: 2026-03-19, verify_by: 2026-04-20}
    ```
    """
    for index, action in doc.actions:
        if action.status in (ActionStatus.open, ActionStatus.in_progress) and action.closed_on is not None:
            yield Finding(("actions", index, "closed_on"),
                          f"action {index + 1} is {action.status.value} but has closed_on: "
                          "set its status to done or wont-do, or remove closed_on")


@rule("PM207", "unknown-ticket", WARNING, "An action's ticket matches none of the config's `trackers`.")
def unknown_ticket(doc, context):
    """Checked only when `trackers` in postmortem.yml is not empty. A ticket that matches a
    tracker becomes a link on the site and in the weekly review; a web address is a link as it is.
    One that matches none is usually a typo or a tracker to add.

    Failing:
    ```yaml
    actions:
      - {title: Add alert, owner: bob, due: 2026-03-20, ticket: "pay 431"}
    ```

    Passing:
    ```yaml
    actions:
      - {id: add-alert, title: Add alert, owner: bob, due: 2026-03-20, ticket: PAY-431, verify_by: 2026-04-20}
    ```
    """
    if not context.config.trackers:
        return
    for index, action in doc.actions:
        if action.ticket and context.config.ticket_url(action.ticket) is None:
            patterns = ", ".join(f"`{tracker.match}`" for tracker in context.config.trackers)
            yield Finding(("actions", index, "ticket"),
                          f"ticket {action.ticket!r} of action {index + 1} matches no tracker ({patterns}): "
                          "fix it, write its web address, or add a tracker under `trackers`")


@rule("PM208", "verified-not-done", ERROR, "An action is `verified` but not done.")
def verified_not_done(doc, context):
    """Verification checks the effect of a fix that shipped: an action is done first, then verified.

    Failing:
    ```yaml
    actions:
      - {title: Add alert, owner: bob, due: 2026-03-20, status: open, verified: {date: 2026-03-25, by: bob, how: a drill}}
    ```

    Passing:
    ```yaml
    actions:
      - {id: add-alert, title: Add alert, owner: bob, due: 2026-03-20, status: done, closed_on: 2026-03-19,
         verified: {date: 2026-03-25, by: bob, how: a drill}, verify_by: 2026-04-20}
    ```
    """
    for index, action in doc.actions:
        if action.verified is not None and action.status is not ActionStatus.done:
            yield Finding(("actions", index, "verified"),
                          f"action {index + 1} is verified but {action.status.value}: set its status to done, or remove "
                          "`verified`")


@rule("PM209", "no-verification-date", WARNING, "An action of a top-severity post-mortem has no `verify_by` date.")
def no_verification_date(doc, context):
    """After the worst incidents, "done" is not enough: say by when the fix's effect will be checked
    (a load test, a failover drill, a month without the alert). The weekly review then lists the
    action until `verified` says when, by whom and how. Abandoned actions (wont-do) need none.

    Failing:
    ```yaml
    severity: SEV1
    actions:
      - {title: Add alert, owner: bob, due: 2026-03-20}
    ```

    Passing:
    ```yaml
    severity: SEV1
    actions:
      - {id: add-alert, title: Add alert, owner: bob, due: 2026-03-20, verify_by: 2026-04-20}
    ```
    """
    if doc.values.get("severity") != context.config.severity_ids[0] or doc.is_draft:
        return
    for index, action in doc.actions:
        if action.verify_by is None and action.status is not ActionStatus.wont_do:
            yield Finding(("actions", index, "title"),
                          f"action {index + 1} of a {doc.values.get('severity')} post-mortem has no verify_by: say by "
                          "when its effect will be checked (a load test, a drill, a month without the alert)")



@rule("PM210", "action-without-id", WARNING, "An action has no `id`.")
def action_without_id(doc, context):
    """Checked only when `evidence` is set in postmortem.yml. An id names an action for good,
    whatever its title or place in the list becomes: commits name it in a
    `Postmortem-Action: <post-mortem id>/<action id>` trailer, and `actions sync` finds it by it.
    `postmortem actions ids` adds the missing ones, made from the titles.

    Failing:
    ```yaml
    actions:
      - {title: Add alert, owner: bob, due: 2026-03-20, verify_by: 2026-04-20}
    ```

    Passing:
    ```yaml
    actions:
      - {id: add-alert, title: Add alert, owner: bob, due: 2026-03-20, verify_by: 2026-04-20}
    ```
    """
    if context.config.evidence is None:
        return
    for index, action in doc.actions:
        if action.id is None:
            yield Finding(("actions", index, "title"), f"action {index + 1} has no id: add `id:` with a short slug "
                                                       "(e.g. pool-alert), or run `postmortem actions ids`")


@rule("PM211", "duplicate-action-id", ERROR, "Two actions of a post-mortem have the same `id`.")
def duplicate_action_id(doc, context):
    """An action's id is unique within its post-mortem, so `<post-mortem id>/<action id>` is unique
    in the knowledge base (post-mortem ids are, PM111).

    Failing:
    ```yaml
    actions:
      - {id: alert, title: Add alert, owner: bob, due: 2026-03-20, verify_by: 2026-04-20}
      - {id: alert, title: Alert on latency, owner: bob, due: 2026-03-27, verify_by: 2026-04-27}
    ```

    Passing:
    ```yaml
    actions:
      - {id: error-alert, title: Add alert, owner: bob, due: 2026-03-20, verify_by: 2026-04-20}
      - {id: latency-alert, title: Alert on latency, owner: bob, due: 2026-03-27, verify_by: 2026-04-27}
    ```
    """
    first: dict[str, int] = {}
    for index, action in doc.actions:
        if action.id is None:
            continue
        if action.id in first:
            yield Finding(("actions", index, "id"), f"action {index + 1} has the id {action.id!r} of action "
                                                    f"{first[action.id] + 1}: give each action its own id")
        else:
            first[action.id] = index
