"""Every rule's documented examples run through the checker: the failing example raises the rule's
code, the passing example does not. The examples are those of docs/rules.md, so the documentation
cannot drift from what the validator does.

How an example becomes a knowledge base: the repository's own sample (its postmortem.yml and
post-mortems), with the example applied to the payment outage of 2026-03-13 (the base):
- `yaml` of a PM5xx rule: its top-level keys replace those of postmortem.yml (without its `public`
  section), and the base, without its `related` link, is the only post-mortem (the others name services and severities that an
  example's short catalogue leaves out);
- `yaml` of a PM0xx rule, or of a rule whose example shows a field left out: the whole front
  matter; of any other rule: its top-level keys replace those of the base's front matter;
- `markdown` of a PM0xx rule: the whole file; of any other rule: the whole body;
- `text`: file paths, one per line, each given the base's text.

A passing example is laid over the base whatever its rule, so that it stands for a whole
post-mortem: its YAML keys over the base's front matter, its `##` sections in the places of the
base's sections of the same titles, in the example's order (sections the base lacks go last). The
knowledge base it makes must be clean, not merely free of its own code.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.checker import check
from generator.errors import ConfigError
from generator.kb.config.loader import load_config
from generator.kb.layout import open_knowledge_base
from generator.rules import RULES

from .conftest import REPOSITORY

BASE = REPOSITORY / "postmortems/2026/2026-03-13-payment-api-outage.md"
BASE_PATH = "postmortems/2026/2026-03-13-payment-api-outage.md"
EXAMPLE = re.compile(r"^(Failing|Passing)[^\n]*:\n```(\w+)\n(.*?)^```", re.S | re.M)
#: Rules whose examples are bytes or file-system states that a code block cannot hold; the fixture
#: folders and tests/test_parsing.py exercise them.
NOT_WRITABLE_AS_TEXT = {"PM001", "PM002", "PM008", "PM010"}
#: Rules about a missing field: their examples are the whole front matter, not keys laid over the base's.
FIELD_LEFT_OUT = {"PM101", "PM111", "PM114"}


def examples() -> list[tuple[str, str, str, str]]:
    found = []
    for code, rule in RULES.items():
        for kind, language, text in EXAMPLE.findall(rule.doc):
            found.append((code, kind, language, text))
    return found


def top_level_blocks(text: str) -> list[tuple[str, str]]:
    """Each top-level key of a YAML mapping with its text, in order (a key written twice, twice)."""
    blocks: list[tuple[str, str]] = []
    for line in text.splitlines(keepends=True):
        match = re.match(r"^([A-Za-z_][\w-]*):", line)
        if match:
            blocks.append((match[1], ""))
        if blocks:
            blocks[-1] = (blocks[-1][0], blocks[-1][1] + line.rstrip("\n") + "\n")
    return blocks


def overlay(base: str, example: str) -> str:
    """`base` YAML with the top-level keys of `example` in place of its own."""
    replacing = top_level_blocks(example)
    keys = {key for key, _ in replacing}
    return "".join(text for key, text in top_level_blocks(base) if key not in keys) + "".join(
        text for _, text in replacing)


def split(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first `##` heading, and each `##` section as (title, text)."""
    parts = re.split(r"^(?=## )", body, flags=re.M)
    return parts[0], [(part.splitlines()[0][3:].strip(), part) for part in parts[1:]]


def overlay_sections(base: str, example: str) -> str:
    """`base` body with the sections of `example` in the places of its sections of the same titles."""
    lead, base_sections = sections(base)
    _, replacing = sections(example)
    titles = {title for title, _ in replacing}
    queue = [text.rstrip("\n") + "\n\n" for title, text in replacing if title in dict(base_sections)]
    kept = [queue.pop(0) if title in titles else text for title, text in base_sections]
    added = [text.rstrip("\n") + "\n" for title, text in replacing if title not in dict(base_sections)]
    return lead + "".join(kept) + "".join(added)


def lay_over_base(front: str, body: str, example: str, language: str) -> str:
    """The base post-mortem with a passing example laid over it: YAML keys over its front matter's,
    or the example file's front-matter keys and sections over the base's."""
    if language == "yaml":
        return f"---\n{overlay(front, example)}---\n{body}"
    example_front, example_body = split(example) if example.startswith("---\n") else ("", example)
    return f"---\n{overlay(front, example_front)}---\n{overlay_sections(body, example_body)}"


def lay_out_example(root: Path, code: str, kind: str, language: str, example: str) -> None:
    family = code[:3]
    if family != "PM5":
        shutil.copytree(REPOSITORY / "postmortems", root / "postmortems")
    config = (REPOSITORY / "postmortem.yml").read_text()
    base = BASE.read_text()
    front, body = split(base)
    files = {BASE_PATH: base}
    if family == "PM5":
        # The public page names services that an example's short catalogue leaves out, as `related` does.
        config = overlay(re.sub(r"^public:.*?(?=^\S|\Z)", "", config, flags=re.S | re.M), example)
        files[BASE_PATH] = re.sub(r"^related:.*\n", "", base, flags=re.M)
    elif kind == "Passing" and language in ("yaml", "markdown"):
        files[BASE_PATH] = lay_over_base(front, body, example, language)
    elif language == "yaml":
        whole = family == "PM0" or code in FIELD_LEFT_OUT
        files[BASE_PATH] = f"---\n{example if whole else overlay(front, example)}---\n{body}"
    elif language == "markdown":
        files[BASE_PATH] = example if family == "PM0" else f"---\n{front}---\n\n{example}"
    elif language == "text":
        files = {path.strip("` "): base for path in example.splitlines() if path.strip()}
    else:
        raise AssertionError(f"{code}: an example in {language!r}, which this test cannot lay out")
    (root / "postmortem.yml").write_text(config)
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def codes_found(root: Path) -> set[str]:
    try:
        load_config(root)
    except ConfigError as error:
        return {diagnostic.code for diagnostic in error.diagnostics}
    return {diagnostic.code for diagnostic in check(open_knowledge_base(root), jobs=1).diagnostics}


@pytest.mark.parametrize("code, kind, language, example", examples(),
                         ids=[f"{code}-{kind}" for code, kind, _, _ in examples()])
def test_a_failing_example_raises_its_code_and_a_passing_one_nothing(tmp_path: Path, code: str, kind: str, language: str,
                                                       example: str) -> None:
    lay_out_example(tmp_path, code, kind, language, example)
    found = codes_found(tmp_path)
    if kind == "Failing":
        assert code in found, f"{code}'s failing example raises {sorted(found)}"
    else:
        assert found == set(), f"{code}'s passing example raises {sorted(found)}"


def test_the_base_is_clean(tmp_path: Path) -> None:
    lay_out_example(tmp_path, "PM999", "Failing", "text", BASE_PATH)
    assert codes_found(tmp_path) == set()


def test_every_rule_has_a_failing_and_a_passing_example() -> None:
    kinds = {(code, kind) for code, kind, _, _ in examples()}
    missing = sorted(code for code in RULES if code not in NOT_WRITABLE_AS_TEXT
                     and not {(code, "Failing"), (code, "Passing")} <= kinds)
    assert missing == []
