"""PM5xx: `postmortem.yml`, read and checked with every problem collected. Any of these stops
`validate` with exit code 2, since no post-mortem can be judged against a broken configuration.
The config's loader (`kb.config.loader`) enforces them, through the rules declared here."""

from __future__ import annotations

from .registry import ERROR, declare

UNREADABLE_CONFIG = declare("PM501", "config-unreadable", ERROR, "`postmortem.yml` cannot be read or is not YAML.", """
    Failing:
    ```yaml
    services:
      - id: payments-api
       name: Payments API
    ```

    Passing:
    ```yaml
    services:
      - id: payments-api
        name: Payments API
      - id: checkout-web
    ```
""")

UNKNOWN_KEY = declare("PM502", "config-unknown-key", ERROR, "`postmortem.yml` has a key the configuration does not define.", """
    The message suggests the nearest known key.

    Failing:
    ```yaml
    severites:
      - id: SEV1
    ```

    Passing:
    ```yaml
    severities:
      - id: SEV1
    ```
""")

INVALID_VALUE = declare("PM503", "config-invalid-value", ERROR, "A value in `postmortem.yml` is invalid or inconsistent.", """
    Wrong types, ranges (an SLO is above 0 and at most 100), unknown time zones, duplicate ids,
    a service's team missing from `teams`, a team member missing from `people`, and a missing
    `services` catalog.

    Failing:
    ```yaml
    timezone: Paris
    services:
      - id: payments-api
        slo: 199.9
    ```

    Passing:
    ```yaml
    timezone: Europe/Paris
    services:
      - id: payments-api
        slo: 99.9
      - id: checkout-web
    ```
""")
