"""postmortem.yml: defaults, and every problem reported against the file with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import DEFAULT_ROOT_CAUSES
from generator.errors import ConfigError
from generator.knowledgebase import open_knowledge_base
from generator.rules.configuration import load_config

SERVICES = "services:\n  - id: api\n"

# (postmortem.yml, [(line, code), ...]) — every problem of the file, in order.
CONFIG_CASES = [
    ("services:\n  - id: api\n   name: API\n", [(3, "PM501")]),
    ("- a\n- b\n", [(1, "PM501")]),
    ("currency: EUR\ncurrency: USD\n" + SERVICES, [(2, "PM501")]),
    ("severites:\n  - id: SEV1\n" + SERVICES, [(1, "PM502")]),
    (SERVICES + "    slo: 199.9\n    owner: bob\n", [(3, "PM503"), (4, "PM502")]),
    ("timezone: Paris\n" + SERVICES, [(1, "PM503")]),
    ("currency: EUR\n", [(1, "PM503")]),
    ("language: de\npeople: bob\n" + SERVICES, [(1, "PM503"), (2, "PM503")]),
    (SERVICES + "  - id: api\n", [(3, "PM503")]),
    (SERVICES + "    team: core\nteams:\n  payments: [alice]\npeople: [bob]\n", [(3, "PM503"), (5, "PM503")]),
    ("sections:\n  - {title: Summary, kind: intro}\n" + SERVICES, [(2, "PM503")]),
]


@pytest.mark.parametrize("text, expected", CONFIG_CASES)
def test_config_problems_have_their_line(tmp_path: Path, text: str, expected: list) -> None:
    (tmp_path / "postmortem.yml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    found = [(d.line, d.code) for d in caught.value.diagnostics]
    assert sorted(found, key=lambda item: (item[0] or 0, item[1])) == expected
    assert all(d.path == "postmortem.yml" for d in caught.value.diagnostics)


def test_unknown_key_suggests_the_nearest(tmp_path: Path) -> None:
    (tmp_path / "postmortem.yml").write_text("severites: []\n" + SERVICES)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.diagnostics[0].message == "unknown key 'severites'; did you mean 'severities'?"


def test_missing_file_means_defaults_without_a_service_catalog(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path)
    assert kb.config_from_file is False
    assert kb.config.severity_ids == ["SEV1", "SEV2", "SEV3"]
    assert kb.config.root_causes == DEFAULT_ROOT_CAUSES
    assert kb.config.timezone == "UTC"
    assert [s.title for s in kb.config.sections] == [
        "Summary", "Timeline", "Impact", "Root cause", "Detection", "What went well", "Lessons learned"]


def test_minimal_file_keeps_defaults(tmp_path: Path) -> None:
    (tmp_path / "postmortem.yml").write_text(SERVICES)
    config = load_config(tmp_path)
    assert config.services[0].slo == 99.9
    assert config.severity("SEV1").roles_required and config.severity("SEV1").impact_required
    assert config.owners == set()


def test_owners_are_people_and_teams(tmp_path: Path) -> None:
    (tmp_path / "postmortem.yml").write_text(SERVICES + "people: ['@alice', bob]\nteams:\n  core: [alice]\n")
    assert load_config(tmp_path).owners == {"alice", "bob", "core"}


def test_renamed_sections_keep_their_checks_by_title(tmp_path: Path) -> None:
    (tmp_path / "postmortem.yml").write_text(SERVICES + "sections:\n  - {title: Executive summary}\n  - {title: Chronologie}\n")
    config = load_config(tmp_path)
    assert config.section_spec("summary").title == "Executive summary"
    assert config.section_spec("timeline").title == "Chronologie"
    assert config.section_spec("root-cause") is None


def test_the_repository_config_is_valid() -> None:
    kb = open_knowledge_base(Path(__file__).parent.parent)
    assert kb.config_from_file and len(kb.config.services) == 5
