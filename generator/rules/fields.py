"""PM1xx: the front-matter fields. The types, required keys and formats come from the front-matter
model (generator.model.FrontMatter); the checks below need the config or several fields at once."""

from __future__ import annotations

from ..model import TIME_FIELDS, Status
from . import ERROR, WARNING, Finding, declare, lenient, rule, unknown_value

declare("PM101", "missing-field", ERROR, "A required front-matter field is missing.", """
    Required: `title`, `status`, `severity`, `services`, `started_at`, `detected_at`, `detection`,
    `root_cause` (and `resolved_at` unless the status is draft, see PM111).

    Failing:
    ```yaml
    title: Payment API unavailable for 47 minutes
    status: published
    ```

    Passing:
    ```yaml
    title: Payment API unavailable for 47 minutes
    status: published
    severity: SEV1
    services: [payments-api]
    started_at: 2026-03-13T18:42:00+01:00
    detected_at: 2026-03-13T18:42:00+01:00
    resolved_at: 2026-03-13T19:29:00+01:00
    detection: alert
    root_cause: capacity
    ```
""")

declare("PM102", "invalid-value", ERROR, "A front-matter value has the wrong type or is out of range.", """
    The message names the field and what it accepts: `status` is draft, review or published;
    `detection` is alert, customer, employee, automated-test or other; `title` is 1 to 120
    characters; percentages are 0 to 100; counts are whole numbers, 0 or more.

    Failing:
    ```yaml
    status: done
    impact:
      failed_requests_pct: 130
    ```

    Passing:
    ```yaml
    status: published
    impact:
      failed_requests_pct: 31
    ```
""")

declare("PM103", "unknown-field", WARNING, "The front matter has a key that the format does not define.", """
    Usually a typo, which would otherwise be silently ignored. The message suggests the nearest key.

    Failing:
    ```yaml
    mitigated: 2026-03-13T19:14:00+01:00
    ```

    Passing:
    ```yaml
    mitigated_at: 2026-03-13T19:14:00+01:00
    ```
""")

declare("PM104", "time-without-offset", ERROR, "A time has no UTC offset.", """
    Times are compared across teams and time zones, so each carries its offset.

    Failing:
    ```yaml
    started_at: 2026-03-13T18:42:00
    ```

    Passing:
    ```yaml
    started_at: 2026-03-13T18:42:00+01:00
    ```
""")

declare("PM105", "invalid-date", ERROR, "A date or time is not a real ISO 8601 date.", """
    Failing:
    ```yaml
    started_at: 2026-02-30T10:00:00Z
    actions:
      - {title: Add alert, owner: bob, due: next week}
    ```

    Passing:
    ```yaml
    started_at: 2026-02-28T10:00:00Z
    actions:
      - {title: Add alert, owner: bob, due: 2026-03-06}
    ```
""")


@rule("PM106", "time-order", ERROR, "Incident times are out of order.")
def time_order(doc, context):
    """Times must hold `started_at <= detected_at <= declared_at <= mitigated_at <= resolved_at`
    (for the ones present).

    Failing:
    ```yaml
    started_at: 2026-03-13T18:42:00+01:00
    detected_at: 2026-03-13T18:30:00+01:00
    ```

    Passing:
    ```yaml
    started_at: 2026-03-13T18:42:00+01:00
    detected_at: 2026-03-13T18:42:00+01:00
    ```
    """
    previous = None
    for name in TIME_FIELDS:
        value = doc.value(name)
        if value is None:
            continue
        if previous and value < previous[1]:
            yield Finding((name,), f"{name} ({value.isoformat()}) is before {previous[0]} "
                                   f"({previous[1].isoformat()}): the order is {' <= '.join(TIME_FIELDS)}")
        else:
            previous = (name, value)


@rule("PM107", "unknown-severity", ERROR, "The severity is not one of the config's severities.")
def unknown_severity(doc, context):
    """Failing:
    ```yaml
    severity: P1
    ```

    Passing:
    ```yaml
    severity: SEV1
    ```
    """
    severity = doc.value("severity")
    if severity is not None and context.config.severity(severity) is None:
        yield Finding(("severity",), unknown_value("severity", severity, context.config.severity_ids, "`severities`"))


@rule("PM108", "unknown-service", ERROR, "A service is not in the config's service catalog.")
def unknown_service(doc, context):
    """Services are ids from `services` in postmortem.yml (not checked when there is no config file).

    Failing:
    ```yaml
    services: [payment-api]
    ```

    Passing:
    ```yaml
    services: [payments-api]
    ```
    """
    if not context.services_checked:
        return
    known = sorted(context.config.service_ids)
    for index, service in enumerate(doc.value("services") or []):
        if service not in context.config.service_ids:
            yield Finding(("services", index), unknown_value("service", service, known, "`services`"))


@rule("PM109", "unknown-root-cause", ERROR, "The root-cause category is not one of the config's.")
def unknown_root_cause(doc, context):
    """`root_cause` is a category (for trends), not the explanation, which goes in `## Root cause`.

    Failing:
    ```yaml
    root_cause: the connection pool was too small
    ```

    Passing:
    ```yaml
    root_cause: capacity
    ```
    """
    cause = doc.value("root_cause")
    if cause is not None and cause not in context.config.root_causes:
        yield Finding(("root_cause",), unknown_value("root cause", cause, context.config.root_causes, "`root_causes`"))


declare("PM110", "invalid-tag", ERROR, "A tag is not lowercase a-z, 0-9 and -.", """
    Failing:
    ```yaml
    tags: [Database, "connection pool"]
    ```

    Passing:
    ```yaml
    tags: [database, connection-pool]
    ```
""")


@rule("PM111", "missing-resolved-at", ERROR, "`resolved_at` is missing on a post-mortem that is not a draft.")
def missing_resolved_at(doc, context):
    """A post-mortem in review or published describes a resolved incident.

    Failing:
    ```yaml
    status: review
    started_at: 2026-03-13T18:42:00+01:00
    ```

    Passing:
    ```yaml
    status: review
    started_at: 2026-03-13T18:42:00+01:00
    resolved_at: 2026-03-13T19:29:00+01:00
    ```
    """
    present = "resolved_at" in doc.invalid_fields or ("resolved_at",) in doc.placeholders
    if doc.value("status") in (Status.review, Status.published) and doc.value("resolved_at") is None \
            and not present:
        yield Finding(("status",), "resolved_at is required once the status is review or published: "
                                   "add when the incident was resolved")


ROLES = ("incident_commander", "technical_owner", "communications_owner")


@rule("PM112", "missing-roles", ERROR, "The severity requires named roles and one is missing.")
def missing_roles(doc, context):
    """Severities with `roles_required` (SEV1 and SEV2 by default) name an incident commander, a
    technical owner and a communications owner. In a draft this is a warning.

    Failing:
    ```yaml
    severity: SEV1
    roles:
      incident_commander: alice
    ```

    Passing:
    ```yaml
    severity: SEV1
    roles:
      incident_commander: alice
      technical_owner: bob
      communications_owner: carol
    ```
    """
    severity = context.config.severity(doc.value("severity") or "")
    if severity is None or not severity.roles_required or "roles" in doc.invalid_fields:
        return
    roles = doc.value("roles")
    for role in ROLES:
        if (roles is None or getattr(roles, role) is None) and ("roles", role) not in doc.placeholders:
            yield Finding(("roles", role) if roles else ("severity",),
                          f"{severity.id} requires roles.{role}: name who held it", lenient(doc))


@rule("PM113", "unknown-person", ERROR, "A role holder is not in the config's `people`.")
def unknown_person(doc, context):
    """Checked only when `people` in postmortem.yml is not empty. `@alice` and `alice` are the same.

    Failing:
    ```yaml
    roles:
      incident_commander: alcie
    ```

    Passing:
    ```yaml
    roles:
      incident_commander: "@alice"
    ```
    """
    people = context.config.people
    roles = doc.value("roles")
    if not people or roles is None:
        return
    for role in ROLES:
        holder = getattr(roles, role)
        if holder is not None and holder not in people:
            yield Finding(("roles", role), unknown_value("person", holder, people, "`people`"))


@rule("PM114", "missing-impact", ERROR, "The severity requires impact figures and there are none.")
def missing_impact(doc, context):
    """Severities with `impact_required` (SEV1 by default) give at least one figure under `impact`:
    users affected, failed requests, revenue lost, support tickets, SLA breached, or downtime.
    In a draft this is a warning.

    Failing:
    ```yaml
    severity: SEV1
    ```

    Passing:
    ```yaml
    severity: SEV1
    impact:
      users_affected: 12000
      failed_requests_pct: 31
    ```
    """
    severity = context.config.severity(doc.value("severity") or "")
    impact = doc.value("impact")
    if severity is None or not severity.impact_required or "impact" in doc.invalid_fields:
        return
    if impact is None or not impact.has_figures():
        yield Finding(("impact",) if impact else ("severity",),
                      f"{severity.id} requires impact figures: add at least one of users_affected, "
                      "failed_requests_pct, revenue_lost, support_tickets, sla_breached, downtime_minutes",
                      lenient(doc))


declare("PM115", "placeholder", ERROR, "A front-matter value is still the template's `TODO` placeholder.", """
    `postmortem new` writes `TODO` where the author must fill in a value. In a draft this is a
    warning; from review on it is an error.

    Failing:
    ```yaml
    status: review
    detection: TODO
    ```

    Passing:
    ```yaml
    status: review
    detection: alert
    ```
""")

declare("PM116", "duplicate-key", ERROR, "A front-matter key is written twice.", """
    YAML keeps only the last value, so the first one is silently lost.

    Failing:
    ```yaml
    status: draft
    status: published
    ```

    Passing:
    ```yaml
    status: published
    ```
""")
