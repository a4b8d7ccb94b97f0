"""The fixture folders: every valid post-mortem passes clean; every invalid one produces exactly the
diagnostics listed in tests/fixtures/invalid/expected.yml; every rule code is exercised."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.checker import check
from generator.errors import ConfigError
from generator.kb.config.loader import load_config
from generator.kb.layout import open_knowledge_base
from generator.rules import RULES

from .conftest import FIXTURES, MADE_CASES, config_cases, lay_out

EXPECTED = yaml.safe_load((FIXTURES / "invalid/expected.yml").read_text())
VALID_FILES = sorted(p.relative_to(FIXTURES / "valid").as_posix() for p in (FIXTURES / "valid/postmortems").rglob("*.md"))


@pytest.fixture(scope="module")
def invalid_result(tmp_path_factory):
    root = lay_out(tmp_path_factory.mktemp("invalid"), "invalid")
    return check(open_knowledge_base(root), jobs=1)


@pytest.mark.parametrize("relative", VALID_FILES)
def test_valid_fixture_has_no_diagnostics(tmp_path: Path, relative: str) -> None:
    root = lay_out(tmp_path, "valid")
    result = check(open_knowledge_base(root), [root / relative])
    assert result.checked == 1
    assert result.diagnostics == []


def test_valid_knowledge_base_is_clean(tmp_path: Path) -> None:
    result = check(open_knowledge_base(lay_out(tmp_path, "valid")))
    assert result.checked == len(VALID_FILES)
    assert result.diagnostics == []


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_invalid_fixture_produces_exactly_its_diagnostics(invalid_result, relative: str) -> None:
    found = [f"{position(d)}{d.level.value} {d.code}" for d in invalid_result.diagnostics if d.path == relative]
    assert found == EXPECTED[relative]


def position(diagnostic) -> str:
    """`LINE:COLUMN `, `LINE ` or nothing, as expected.yml writes it."""
    if diagnostic.line is None:
        return ""
    return f"{diagnostic.line}:{diagnostic.column} " if diagnostic.column is not None else f"{diagnostic.line} "


def test_every_invalid_fixture_is_listed(invalid_result) -> None:
    files = {p.relative_to(FIXTURES / "invalid").as_posix() for p in (FIXTURES / "invalid/postmortems").rglob("*.md")}
    assert files == set(EXPECTED)
    assert invalid_result.checked == len(files)


def test_every_rule_code_is_raised_by_a_case(invalid_result, tmp_path: Path) -> None:
    """Codes counted as they are raised here, by the cases that the tests above and those of
    test_config.py and test_parsing.py pin down exactly, not as a list says they are."""
    raised = {diagnostic.code for diagnostic in invalid_result.diagnostics}
    for name, text, _ in config_cases():
        (tmp_path / name).mkdir()
        (tmp_path / name / "postmortem.yml").write_text(text)
        with pytest.raises(ConfigError) as caught:
            load_config(tmp_path / name)
        raised |= {diagnostic.code for diagnostic in caught.value.diagnostics}
    for code, lay_out_case in MADE_CASES.items():
        root = lay_out(tmp_path / code)
        lay_out_case(root)
        raised |= {diagnostic.code for diagnostic in check(open_knowledge_base(root)).diagnostics}
    assert sorted(set(RULES) - raised) == []
