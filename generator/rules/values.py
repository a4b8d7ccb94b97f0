"""PM106-PM114: the front-matter values judged against the config (severities, services, root
causes, people) or against each other (the order of the times, what a severity requires). The
values' types and formats are the model's, judged in `fields`."""

from __future__ import annotations

from ..kb.config.nearest import on_the_site, unknown_value
from ..kb.model import TIME_FIELDS, Status
from .registry import ERROR, Finding, lenient, rule


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
        yield Finding(("severity",), unknown_value("severity", severity, context.config.severity_ids,
                                                   context.config.listed_at("severities")))


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
    config = context.config
    for index, service in enumerate(doc.value("services") or []):
        if service not in config.service_ids:
            yield Finding(("services", index), unknown_value("service", service, config.service_ids,
                                                             config.listed_at("services"), on_the_site(config, "services")))


@rule("PM109", "unknown-root-cause", ERROR, "The root cause or a contributing factor is not one of the config's categories.")
def unknown_root_cause(doc, context):
    """`root_cause` is a category (for trends), not the explanation, which goes in `## Root cause`;
    `contributing_factors` take their values from the same categories.

    Failing:
    ```yaml
    root_cause: the connection pool was too small
    contributing_factors: [no alert on the pool]
    ```

    Passing:
    ```yaml
    root_cause: capacity
    contributing_factors: [process]
    ```
    """
    known = context.config.root_causes
    cause = doc.value("root_cause")
    if cause is not None and cause not in known:
        yield Finding(("root_cause",), unknown_value("root cause", cause, known, context.config.listed_at("root_causes")))
    for index, factor in enumerate(doc.value("contributing_factors") or []):
        if factor not in known:
            yield Finding(("contributing_factors", index),
                          unknown_value("contributing factor", factor, known, context.config.listed_at("root_causes")))


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
      technical_owner: bob
      communications_owner: carol
    ```
    """
    people = context.config.person_ids
    roles = doc.value("roles")
    if not people or roles is None:
        return
    for role in ROLES:
        holder = getattr(roles, role)
        if holder is not None and holder not in people:
            yield Finding(("roles", role), unknown_value("person", holder, people, context.config.listed_at("people")))


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
