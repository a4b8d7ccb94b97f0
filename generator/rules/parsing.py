"""PM0xx: reading the file. A file that fails one of these is reported and its checks stop there;
the other files of the run are still checked. The reader (`kb.reader`) enforces them, through the
rules declared here."""

from __future__ import annotations

from .registry import ERROR, declare

NOT_UTF8 = declare("PM001", "not-utf8", ERROR, "The file is not valid UTF-8.", """
    Post-mortems are UTF-8 text (a byte-order mark is accepted). The diagnostic gives the line and
    column of the first byte that is not UTF-8: re-save the file as UTF-8.

    Failing: a file saved as Latin-1 (`R\\xe9sum\\xe9`).

    Passing: the same file saved as UTF-8 (`Résumé`).
""")

BINARY = declare("PM002", "binary-file", ERROR, "The file is binary, not Markdown.", """
    A file holding NUL bytes is not a post-mortem: move images and attachments out of `postmortems/`
    or into a folder whose name starts with `_`.

    Failing: `postmortems/2026/diagram.png` renamed to `.md`.

    Passing: `postmortems/_assets/diagram.png`.
""")

EMPTY = declare("PM003", "empty-file", ERROR, "The file is empty.", """
    A file of zero bytes, or of blank lines only, is empty; create post-mortems with `postmortem new`.

    Failing:
    ```markdown


    ```

    Passing:
    ```markdown
    ---
    title: Payment API unavailable for 47 minutes
    ---
    ```
""")

NO_FRONT_MATTER = declare("PM004", "no-front-matter", ERROR, "The file does not start with `---` front matter.", """
    The first line must be `---`, followed by the YAML front matter and another `---` line.

    Failing:
    ```markdown
    # Payment API outage
    title: Payment API unavailable
    ```

    Passing:
    ```markdown
    ---
    title: Payment API unavailable for 47 minutes
    ...
    ---
    ```
""")

UNCLOSED_FRONT_MATTER = declare("PM005", "unclosed-front-matter", ERROR, "The front matter has no closing `---` line.", """
    Failing:
    ```markdown
    ---
    title: Payment API unavailable
    ## Summary
    ```

    Passing:
    ```markdown
    ---
    title: Payment API unavailable
    ---
    ## Summary

    The payment API was down for 47 minutes.
    ```
""")

YAML_SYNTAX = declare("PM006", "yaml-syntax", ERROR, "The front matter is not valid YAML.", """
    The diagnostic points at the line where the YAML parser stopped.

    Failing:
    ```yaml
    services: [payments-api
    ```

    Passing:
    ```yaml
    services: [payments-api]
    ```
""")

NOT_A_MAPPING = declare("PM007", "front-matter-not-mapping", ERROR, "The front matter is not a mapping of keys to values.", """
    Failing:
    ```yaml
    - title: Payment API unavailable
    ```

    Passing:
    ```yaml
    title: Payment API unavailable
    ```
""")

TOO_LARGE = declare("PM008", "file-too-large", ERROR, "The file is larger than 1 MiB.", """
    A post-mortem is read by people; logs, dumps and traces belong in the ticket or an attachment
    store, linked from the text. Files over 1 MiB are not parsed.

    Failing: a post-mortem with a 20 MB log pasted into the timeline.

    Passing: the same post-mortem with a link to the log.
""")

TOO_COMPLEX = declare("PM009", "yaml-too-complex", ERROR, "The front matter expands to too many values.", """
    YAML anchors and aliases can make a small text expand to billions of values (a "billion laughs"
    attack). Front matter whose aliases would add more than 20,000 values is rejected before they
    are expanded, as is front matter that holds more than 20,000 values or nests deeper than 50 levels.

    Failing:
    ```yaml
    a: &a [x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    ```

    Passing, front matter without aliases:
    ```yaml
    tags: [database, connection-pool]
    ```
""")

UNREADABLE = declare("PM010", "unreadable-file", ERROR, "The file cannot be read.", """
    The operating system refused to read the file (permissions, a broken link, a folder named `.md`).

    Failing: `chmod 000 postmortems/2026/2026-03-13-payment-api-outage.md`.

    Passing: a readable regular file.
""")
