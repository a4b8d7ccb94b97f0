"""Hostile and unusual input: every case gives a diagnostic, never a traceback, and the valid files of
the same run are still checked. Cases that cannot live in the fixture folders are made here."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checker import check, load_knowledge_base
from generator.kb.layout import is_postmortem_file, markdown_files, open_knowledge_base
from generator.kb.model import FrontMatter
from generator.kb.reader import read_postmortem
from generator.kb.yamlsource import YamlTooComplex, _StringTimestampLoader, load_yaml

from .conftest import lay_out_dangling_link, lay_out_huge_file, write


def codes(result, path_part: str) -> list[str]:
    return [d.code for d in result.diagnostics if path_part in d.path]


def test_twenty_megabyte_file(kb: Path) -> None:
    lay_out_huge_file(kb)
    result = check(open_knowledge_base(kb))
    assert result.checked == 2
    assert [(d.code, d.line) for d in result.diagnostics] == [("PM008", None)]
    assert "19.7 MiB" in result.diagnostics[0].message


def test_unreadable_file(kb: Path) -> None:
    lay_out_dangling_link(kb)
    result = check(open_knowledge_base(kb))
    assert [(d.path, d.code) for d in result.diagnostics] == [("postmortems/2026/2026-03-02-dangling.md", "PM010")]
    assert "No such file or directory" in result.diagnostics[0].message


def alias_bomb(levels: int) -> str:
    """Nine values, then `levels` lists of nine aliases of the list before: 9**(levels + 1) values."""
    names = [f"l{level}" for level in range(levels + 1)]
    text = f"{names[0]}: &{names[0]} [" + ",".join(["x"] * 9) + "]\n"
    for name, previous in zip(names[1:], names):
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    return text


ALIAS_BOMB = ("would grow by more than 20,000 values through its YAML aliases (an alias bomb, or \"billion "
              "laughs\"): write the values out")


@pytest.mark.parametrize("text, reason", [
    (alias_bomb(9), ALIAS_BOMB),
    (alias_bomb(40), ALIAS_BOMB),  # 9**41 values: refused only if nothing is expanded
    ("a: &a [x, x]\nb: [" + ", ".join(["*a"] * 10_001) + "]\n", ALIAS_BOMB),
    ("&a [*a]", "has a YAML alias inside the value it refers to (`&a [*a]`): write the values out"),
    ("a: &a {b: [1, *a]}", "has a YAML alias inside the value it refers to (`&a [*a]`): write the values out"),
    ("[" * 60 + "]" * 60, "nests deeper than 50 levels"),
    ("a: &a " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 30 + "*a" + "]" * 30, "nests deeper than 50 levels"),
], ids=["bomb-9", "bomb-40", "wide", "self", "self-nested", "deep", "deep-by-alias"])
def test_documents_too_complex_say_why_before_expanding(text: str, reason: str) -> None:
    with pytest.raises(YamlTooComplex) as caught:
        load_yaml(text)
    assert caught.value.reason == reason


def test_aliases_within_the_budget_are_expanded() -> None:
    text = "a: &a [" + ", ".join(["x"] * 100) + "]\nb: [" + ", ".join(["*a"] * 198) + "]\n"  # 198 * 101 added
    document = load_yaml(text)
    assert document.data["b"] == [["x"] * 100] * 198
    assert document.positions[("b", 197, 99)] == (1, 1 + len("a: &a [") + 99 * len("x, "))


def test_front_matter_too_large_is_not_blamed_on_aliases(kb: Path, base_text: str) -> None:
    path = write(kb, "2026-03-02-large.md", base_text.replace("tags: [deploy]", "tags: [" + ", ".join(["x"] * 20_000) + "]"))
    _, diagnostics = read_postmortem(kb, path)
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (1, "PM009", "the front matter holds more than 20,000 values, without YAML aliases: too large to read")]


def test_non_string_keys_are_unknown_fields(kb: Path, base_text: str) -> None:
    path = write(kb, "2026-03-02-int-key.md", base_text.replace("status: published", "status: published\n1: one"))
    _, diagnostics = read_postmortem(kb, path)
    assert [(d.line, d.code, d.message) for d in diagnostics] == [
        (4, "PM103", "unknown field `1`: known fields are title, status, severity, services, tags, started_at, "
                     "detected_at, declared_at, mitigated_at, resolved_at, detection, root_cause, contributing_factors, "
                     "roles, impact, related, actions, visibility"),
    ]


def test_number_is_not_read_as_a_unix_time(kb: Path, base_text: str) -> None:
    path = write(kb, "2026-03-02-epoch.md", base_text.replace("detected_at: 2026-03-02T14:05:00+01:00",
                                                             "detected_at: 1772456700"))
    _, diagnostics = read_postmortem(kb, path)
    assert [(d.line, d.code) for d in diagnostics] == [(8, "PM105")]


def test_norway_problem_gets_a_hint(kb: Path, base_text: str) -> None:
    path = write(kb, "2026-03-02-norway.md", base_text.replace("tags: [deploy]", "tags: no"))
    _, diagnostics = read_postmortem(kb, path)
    assert [(d.line, d.code) for d in diagnostics] == [(6, "PM102")]
    assert "quote the value" in diagnostics[0].message


def test_lines_count_from_the_file_start_with_blank_lines_in_front_matter(kb: Path, base_text: str) -> None:
    path = write(kb, "2026-03-02-blank.md", base_text.replace("---\n", "---\n\n\n", 1).replace("severity: SEV2", "severity: P1"))
    postmortem, _ = read_postmortem(kb, path)
    assert postmortem.position(("severity",)) == (6, 1)


def test_file_outside_postmortems_is_checked_and_told_where_to_go(kb: Path, base_text: str) -> None:
    outside = kb / "draft.md"
    outside.write_text(base_text)
    result = check(open_knowledge_base(kb), [outside])
    assert [(d.path, d.code) for d in result.diagnostics] == [("draft.md", "PM401")]


def test_parallel_and_serial_runs_agree(kb: Path, base_text: str) -> None:
    for index in range(240):
        text = base_text if index % 3 else base_text.replace("status: published", "status: finished")
        write(kb, f"2026-03-02-copy-{index:03d}.md", text)
    serial = load_knowledge_base(kb, jobs=1)
    parallel = load_knowledge_base(kb, jobs=2)
    assert serial.check_result.checked == parallel.check_result.checked == 240
    assert len(serial.check_result.diagnostics) == 80
    assert parallel.check_result.diagnostics == serial.check_result.diagnostics
    assert len(parallel.postmortems) == len(serial.postmortems) == 240
    assert [pm.path for pm in parallel.postmortems] == [pm.path for pm in serial.postmortems]


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.dates(), st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=1))])))
values = st.recursive(scalars, lambda children: st.lists(children, max_size=3)
                      | st.dictionaries(st.text(max_size=8), children, max_size=3), max_leaves=8)
#: Front matter of the format's own fields (and a few others) with values of any YAML type.
front_matters = st.dictionaries(st.sampled_from(sorted(FrontMatter.model_fields)) | st.text(max_size=10), values,
                                max_size=12)
#: Whole files that start with front matter, so that the YAML and the model are reached, with text
#: or stray bytes after it.
documents = st.builds(
    lambda front, body, tail: ("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body).encode() + tail,
    front_matters, st.text(max_size=200), st.binary(max_size=20))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=400), documents))
def test_any_bytes_give_diagnostics_not_exceptions(kb: Path, content: bytes) -> None:
    write(kb, "2026-03-02-fuzz.md", content)
    loaded = load_knowledge_base(kb, jobs=1)
    assert loaded.check_result.checked == 1
    assert loaded.postmortems or loaded.check_result.diagnostics


front_matter_lines = st.lists(
    st.sampled_from([
        "title: x", "status: published", "status: [", "severity: SEV1", "services: [a, b]", "tags: {a: 1}",
        "started_at: 2026-03-02T14:00:00+01:00", "detected_at: 2026-02-30", "resolved_at: 12", "roles: x",
        "roles:\n  incident_commander: [a]", "impact:\n  users_affected: -1", "actions: [1, 2]",
        "actions:\n  - {title: a, owner: TODO}", "related: [nope]", "'", "- a", "&a [*a]", "? x",
    ]),
    max_size=12,
)
body_lines = st.lists(
    st.sampled_from(["## Summary", "## Timeline", "- 25:99 — x", "- 12:00 — y", "```", "## Root cause",
                     "human error", "<!--", "-->", "TODO", "---", "    ## indented", "> ## quoted"]),
    max_size=15,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(front=front_matter_lines, body=body_lines)
def test_any_structure_gives_diagnostics_not_exceptions(kb: Path, front: list[str], body: list[str]) -> None:
    write(kb, "2026-03-02-fuzz.md", "---\n" + "\n".join(front) + "\n---\n" + "\n".join(body) + "\n")
    result = check(open_knowledge_base(kb), jobs=1)
    assert result.checked == 1
    assert all(d.line is None or d.line >= 1 for d in result.diagnostics)


def test_linked_folders_are_not_followed(kb: Path, base_text: str) -> None:
    write(kb, "2026-03-02-checkout-deploy-errors.md", base_text)
    os.symlink(kb / "postmortems", kb / "postmortems/2026/loop")
    result = check(open_knowledge_base(kb))
    assert result.checked == 1 and result.diagnostics == []


@pytest.mark.parametrize(("file", "expected"), [
    ("kb/postmortems/2026/a.md", "postmortems/2026/a.md"),
    ("kb/./postmortems/../postmortems/a.md", "postmortems/a.md"),
    ("kb", "."),
    ("kb-other/a.md", "{tmp}/kb-other/a.md"),
    ("a.md", "{tmp}/a.md"),
])
def test_paths_are_told_relative_to_the_root_when_inside_it(tmp_path: Path, monkeypatch, file: str,
                                                             expected: str) -> None:
    (tmp_path / "kb").mkdir()
    monkeypatch.chdir(tmp_path)
    kb = open_knowledge_base(Path("kb"))
    assert kb.relative(Path(file)) == expected.format(tmp=tmp_path.as_posix())


def test_post_mortem_files_are_listed_in_path_order_without_templates_or_hidden_files(tmp_path: Path) -> None:
    # Names whose order as strings differs from their order as paths ("-" and "." sort before "/").
    names = ["a/b.md", "a-b.md", "a.b/c.md", "a/a/z.md", "a0.md", "B.md", "_templates/t.md", "a/_draft.md",
             ".hidden.md", ".git/x.md", "a/notes.txt"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    expected = sorted(tmp_path / name for name in names if is_postmortem_file(name))
    assert markdown_files(tmp_path) == expected
    assert [path.relative_to(tmp_path).as_posix() for path in expected] == [
        "B.md", "a/a/z.md", "a/b.md", "a-b.md", "a.b/c.md", "a0.md"]


#: YAML that only PyYAML's constructor builds right: merge keys, explicit tags, keys that are lists.
UNUSUAL_YAML = ["base: &b {a: 1}\nmerged:\n  <<: *b\n  c: 2\n", "when: !!timestamp 2026-03-02\n", "s: !!set {a, b}\n",
                "? !!str 1\n: x\n", "o: !!omap [{a: 1}, {b: 2}]\n", "f: !!float 1\n", "shared: &s [1, 2]\nagain: *s\n",
                "n: 0x1f\no: 0o17\nt: 1:30\ninf: .inf\nyes: yes\n~: null\n1.5: float key\n"]


@pytest.mark.parametrize("text", UNUSUAL_YAML)
def test_yaml_is_built_as_pyyaml_builds_it(text: str) -> None:
    assert load_yaml(text).data == yaml.load(text, Loader=_StringTimestampLoader)


@settings(max_examples=200)
@given(data=front_matters, style=st.sampled_from([None, True, False]))
def test_any_front_matter_is_built_as_pyyaml_builds_it(data: dict, style: bool | None) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=style)
    assert load_yaml(text).data == yaml.load(text, Loader=_StringTimestampLoader)
