"""PM0xx: reading the file. A file that fails one of these is reported and its checks stop there;
the other files of the run are still checked. `read_text` and `read_front_matter` are the loader's
first two steps."""

from __future__ import annotations

from pathlib import Path

import frontmatter

from ..diagnostics import Diagnostic
from ..kb.yamlsource import YamlDocument, YamlSyntaxError, YamlTooComplex, load_yaml
from .registry import ERROR, declare, diagnostic

MAX_FILE_BYTES = 1024 * 1024

declare("PM001", "not-utf8", ERROR, "The file is not valid UTF-8.", """
    Post-mortems are UTF-8 text (a byte-order mark is accepted). The diagnostic gives the line and
    column of the first byte that is not UTF-8: re-save the file as UTF-8.

    Failing: a file saved as Latin-1 (`R\\xe9sum\\xe9`).

    Passing: the same file saved as UTF-8 (`Résumé`).
""")

declare("PM002", "binary-file", ERROR, "The file is binary, not Markdown.", """
    A file holding NUL bytes is not a post-mortem: move images and attachments out of `postmortems/`
    or into a folder whose name starts with `_`.

    Failing: `postmortems/2026/diagram.png` renamed to `.md`.

    Passing: `postmortems/_assets/diagram.png`.
""")

declare("PM003", "empty-file", ERROR, "The file is empty.", """
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

declare("PM004", "no-front-matter", ERROR, "The file does not start with `---` front matter.", """
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

declare("PM005", "unclosed-front-matter", ERROR, "The front matter has no closing `---` line.", """
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

declare("PM006", "yaml-syntax", ERROR, "The front matter is not valid YAML.", """
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

declare("PM007", "front-matter-not-mapping", ERROR, "The front matter is not a mapping of keys to values.", """
    Failing:
    ```yaml
    - title: Payment API unavailable
    ```

    Passing:
    ```yaml
    title: Payment API unavailable
    ```
""")

declare("PM008", "file-too-large", ERROR, "The file is larger than 1 MiB.", """
    A post-mortem is read by people; logs, dumps and traces belong in the ticket or an attachment
    store, linked from the text. Files over 1 MiB are not parsed.

    Failing: a post-mortem with a 20 MB log pasted into the timeline.

    Passing: the same post-mortem with a link to the log.
""")

declare("PM009", "yaml-too-complex", ERROR, "The front matter expands to too many values.", """
    YAML anchors and aliases can make a small text expand to billions of values (a "billion laughs"
    attack). Front matter that expands to more than 20,000 values is rejected.

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

declare("PM010", "unreadable-file", ERROR, "The file cannot be read.", """
    The operating system refused to read the file (permissions, a broken link, a folder named `.md`).

    Failing: `chmod 000 postmortems/2026/2026-03-13-payment-api-outage.md`.

    Passing: a readable regular file.
""")


_HANDLER = frontmatter.YAMLHandler()


def read_text(path: str, file: Path) -> tuple[str | None, Diagnostic | None]:
    """The text of the post-mortem `file` (shown as `path`), UTF-8 with its line ends made `\\n`;
    or why it cannot be read as one (PM001, PM002, PM003, PM008, PM010)."""
    try:
        with open(file, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return None, diagnostic("PM010", path, None, None, f"cannot read the file: {error.strerror or error}")
    if len(raw) > MAX_FILE_BYTES:
        size = file.stat().st_size / 1024 / 1024
        return None, diagnostic("PM008", path, None, None, f"the file is {size:.1f} MiB, over the 1 MiB limit: move "
                                                           "logs and attachments out of it and link to them")
    if b"\x00" in raw:
        return None, diagnostic("PM002", path, None, None,
                                "binary file (it holds NUL bytes): post-mortems are Markdown text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        return None, diagnostic("PM001", path, raw.count(b"\n", 0, error.start) + 1, error.start - line_start + 1,
                                f"byte 0x{raw[error.start]:02x} is not UTF-8: re-save the file as UTF-8")
    if not text.strip():
        return None, diagnostic("PM003", path, 1, None, "empty file: create post-mortems with `postmortem new`")
    return text.replace("\r\n", "\n"), None


def read_front_matter(path: str, text: str) -> tuple[YamlDocument, str] | Diagnostic:
    """The front matter of `text`, parsed (a mapping, with the position of every key), and the body
    after it; or why there is none to read (PM004, PM005, PM006, PM007, PM009)."""
    if not _HANDLER.detect(text):
        return diagnostic("PM004", path, 1, 1, "no front matter: the file must start with a `---` line, the YAML "
                                               "fields, then another `---` line")
    try:
        front, body = _HANDLER.split(text)
    except ValueError:
        return diagnostic("PM005", path, 1, 1, "the front matter opened here is never closed: add a `---` line "
                                               "after it")
    first_line = text.count("\n", 0, _HANDLER.FM_BOUNDARY.match(text).end()) + 1
    try:
        document = load_yaml(front, first_line)
    except YamlSyntaxError as error:
        return diagnostic("PM006", path, error.line, error.column, f"YAML syntax error: {error.message}")
    except YamlTooComplex:
        return diagnostic("PM009", path, 1, 1, "the front matter expands to too many values or nests too deep "
                                               "(YAML anchors and aliases): write the values out")
    if not isinstance(document.data, dict):
        found = "empty" if document.data is None else f"a {type(document.data).__name__}"
        return diagnostic("PM007", path, first_line, 1, f"the front matter is {found}, not a mapping of fields: "
                                                        "write `key: value` lines")
    return document, body
