"""PM601-PM603: what must not reach the site: raw HTML that would run in readers' browsers,
credentials, customers' personal data. (The comments that allow a finding, PM604-PM605, are in
`allowing`.)"""

from __future__ import annotations

from ..safety.credentials import PROBABLE, find_secrets
from ..safety.findings import masked
from ..safety.personal import find_personal_data
from ..safety.sanitize import dropped_html
from .registry import ERROR, WARNING, Finding, lenient, rule


@rule("PM601", "unsafe-html", ERROR, "The body holds raw HTML that the site drops: script, frames, event handlers, "
                                     "`javascript:` links.")
def unsafe_html_in_body(doc, context):
    """Every page goes through an allow-list sanitiser, so this HTML would vanish from the site; the
    rule says where and why. It renders the body as the site does and runs the same allow-list, so
    it reports exactly what the site would drop, and raw HTML the site engine cannot read (which
    would stop the build). Write code in backticks or a fenced block to show it as text.

    Failing:
    ```markdown
    ## Timeline
    - 14:02 — the payload was <script>alert(1)</script>
    - 14:05 — see [the runbook](javascript:alert(1))
    - 14:06 — <img src="graph.png" onerror="alert(1)">
    ```

    Passing:
    ```markdown
    ## Timeline
    - 14:02 — the payload was `<script>alert(1)</script>`
    - 14:05 — see [the runbook](https://wiki.example.com/runbooks/payments)
    - 14:06 — ![error rate](graph.png)
    ```
    """
    for dropped in dropped_html(doc.body, doc.body_line):
        yield Finding(dropped.line, dropped.why, column=dropped.column)


@rule("PM602", "secret", ERROR, "A credential (key, token, password, private key) is in the file.")
def secret(doc, context):
    """The post-mortem is in git and on the site: a credential there is a second incident. Remove it,
    and rotate it, since it is already in the history of the branch. Found by gitleaks' rules (some
    two hundred services) and detect-secrets' detectors: cloud keys, private-key blocks, GitHub,
    GitLab, Slack, Stripe and other service tokens, JSON Web Tokens, passwords in URLs and command
    lines, and high-entropy values assigned to secret-like names. A draft is checked too. What
    reads as a placeholder (`AKIAXXXXXXXXXXXXXXXX`, `changeme`, `<token>`, `${TOKEN}`, a key block
    without a key) is a warning that says why it looked like a credential.

    Failing:
    ```markdown
    ## Timeline
    - 14:02 — the job used AKIAZ7VRSQ5BLXK4MT3W from postgres://app:Xk9mP2vL8qR4@db.internal/app
    ```

    Passing:
    ```markdown
    ## Timeline
    - 14:02 — the job used the deploy key of the payments account (rotated at 15:10)
    ```
    """
    for found in find_secrets(doc.text):
        if found.placeholder:
            yield Finding(found.line, f"{found.kind} {masked(found.text)!r} looks like a credential, but reads as a "
                                      f"placeholder ({found.placeholder}): make sure it is not a real one",
                          WARNING, column=found.column)
        elif found.kind in PROBABLE:
            yield Finding(found.line, f"{found.kind} {masked(found.text)!r} is probably a credential (a random value "
                                      "under a secret's name): remove it and rotate it, or say why it is not one in an "
                                      "allow comment", WARNING, column=found.column)
        else:
            yield Finding(found.line, f"{found.kind} {masked(found.text)!r}: remove it from the file and rotate it "
                                      "(it is in the branch's history)", column=found.column)


@rule("PM603", "personal-data", ERROR, "A customer's personal data (e-mail, card number, IBAN, phone, public IP) "
                                       "is in the file.")
def personal_data(doc, context):
    """Readers of the site need the incident, not the customer: write "a customer", "the card
    ending 1111", "an IP of the reseller". Found: e-mail addresses outside the config's
    `email_domains` (and the reserved example.com, .test, .invalid), card numbers of every network
    (issuer range, length and Luhn check), IBANs that pass their checksum, phone numbers written
    internationally or in the national format of the config's `country` (by default the country of
    its `timezone`), and public IP addresses however written (with a port, in brackets or a URL, an
    IPv6 address holding an IPv4 one judged by that one). In a draft this is a warning.

    Failing:
    ```markdown
    ## Impact
    jane.doe@gmail.com (card 4111 1111 1111 1111, +33 6 12 34 56 78) was charged twice from 8.8.8.8.
    ```

    Passing:
    ```markdown
    ## Impact
    One customer was charged twice (card ending 1111), from an address of their mobile carrier.
    ```
    """
    for found in find_personal_data(doc.text, context.config.email_domains, context.config.phone_country):
        yield Finding(found.line, f"{found.kind} {masked(found.text)!r}: a customer's personal data does not "
                                  "belong on the site; describe the customer instead", lenient(doc),
                      column=found.column)
