"""postmortem.yml: defaults, and every problem reported against the file with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.kb.config.loader import load_config
from generator.kb.config.schema import DEFAULT_ROOT_CAUSES
from generator.kb.layout import open_knowledge_base

from .conftest import config_cases, large_catalogue_config

SERVICES = "services:\n  - id: api\n"

@pytest.mark.parametrize("name, text, expected", config_cases(), ids=[name for name, _, _ in config_cases()])
def test_config_problems_have_their_line(tmp_path: Path, name: str, text: str, expected: list[str]) -> None:
    (tmp_path / "postmortem.yml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    found = sorted((d.line or 0, d.code) for d in caught.value.diagnostics)
    assert [f"{line} {code}" for line, code in found] == expected
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


def test_a_large_catalogue_without_aliases_loads(tmp_path: Path) -> None:
    (tmp_path / "postmortem.yml").write_text(large_catalogue_config(people=10_000, services=3_000, teams=500))
    config = load_config(tmp_path)
    assert (len(config.people), len(config.services), len(config.teams)) == (10_000, 3_000, 500)
    assert config.teams_of("person-00490") == ["team-000"]  # the 501st person, the corpus's ten first


@pytest.mark.parametrize("text, message", [
    ("services:\n  - &api {id: api}\n" + "".join(f"b{level}: &b{level} [{', '.join([f'*b{level - 1}' if level else '*api'] * 9)}]\n"
                                                  for level in range(8)),
     "the config would grow by more than 20,000 values through its YAML aliases (an alias bomb, or \"billion laughs\"): "
     "write the values out"),
    ("services: &s\n  - id: api\n    also: *s\n",
     "the config has a YAML alias inside the value it refers to (`&a [*a]`): write the values out"),
], ids=["alias-bomb", "self-reference"])
def test_an_alias_bomb_is_refused_as_one(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "postmortem.yml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert [(d.line, d.code, d.message) for d in caught.value.diagnostics] == [(1, "PM501", message)]
