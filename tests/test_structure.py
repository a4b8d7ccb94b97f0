"""The package's shape: no import cycle (lazy imports included), nothing that validates depends on what
renders, modules of one concern, and every rule code judged in the module that documents it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator.rules import RULES

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
#: What reads and judges the post-mortems and the config, by package: none of it may need what renders them.
VALIDATION = ("generator.kb", "generator.rules", "generator.safety", "generator.checker", "generator.diagnostics",
              "generator.errors")
#: What renders them or writes for people: the site, the reports, authoring, the command line.
RENDERING = ("generator.site", "generator.reports", "generator.authoring", "generator.cli", "generator.reporters",
             "generator.docgen")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The package's modules that `name` imports, wherever the import statement is (a function's
    body too), resolved to modules: `from . import metrics` is `generator.figures.metrics`."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = f"{base}.{node.module}" if node.level and node.module else base if node.level else node.module
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source
                       for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in MODULES and target != name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def reachable(start: str) -> set[str]:
    seen, pending = set(), [start]
    while pending:
        for target in GRAPH[pending.pop()]:
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


def test_the_import_walker_sees_relative_and_lazy_imports() -> None:
    assert "generator.figures.metrics" in GRAPH["generator.site.home"]  # from .. import metrics
    assert "generator.kb.gitinfo" in GRAPH["generator.reports.stats"]  # inside a function
    assert "generator.site.context" in GRAPH["generator.site.tables"]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_one_that_depends_on_it(name: str) -> None:
    cycle = [target for target in GRAPH[name] if name in reachable(target) | {target}]
    assert cycle == [], f"{name} imports {cycle}, which import {name} back"


def in_packages(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(f"{package}.") for package in packages)


@pytest.mark.parametrize("name", [name for name in sorted(MODULES) if in_packages(name, VALIDATION)])
def test_what_validates_imports_nothing_that_renders(name: str) -> None:
    assert [module for module in reachable(name) if in_packages(module, RENDERING)] == []


def test_the_layers_are_told_by_package() -> None:
    validating = [name for name in MODULES if in_packages(name, VALIDATION)]
    assert "generator.kb.gitinfo" in validating and "generator.rules.safety" in validating
    assert in_packages("generator.site.build", RENDERING) and not in_packages("generator.sitemap", RENDERING)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_under_400_lines(name: str) -> None:
    assert len(MODULES[name].read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_site_is_a_package_of_small_modules() -> None:
    assert not (PACKAGE / "site.py").exists()
    assert len([name for name in MODULES if name.startswith("generator.site.")]) >= 8


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_code_is_judged_in_the_module_that_documents_it(code: str) -> None:
    rule = RULES[code]
    literal = re.compile(rf"[\"']{code}[\"']")
    home = next(path for name, path in MODULES.items()
                if name.startswith("generator.rules.") and re.search(rf"(?:rule|declare)\(\s*[\"']{code}[\"']",
                                                                     path.read_text(encoding="utf-8")))
    elsewhere = [name for name, path in MODULES.items()
                 if path != home and literal.search(path.read_text(encoding="utf-8"))]
    assert elsewhere == [], f"{code} is written outside {home.name}"
    if rule.check:
        return
    # A declared rule (no check of its own) is raised from its module, its code written there again,
    # or by a loader that imports the rule `declare` returned (`parsing.UNREADABLE.at(...)`).
    text = home.read_text(encoding="utf-8")
    declared = re.search(rf"^(\w+) = declare\(\s*[\"']{code}[\"']", text, re.M)
    raised_here = len(literal.findall(text)) >= 2
    raised_through = declared is not None and any(
        re.search(rf"\b{declared[1]}\b", path.read_text(encoding="utf-8")) for path in MODULES.values() if path != home)
    assert raised_here or raised_through, f"{code} is documented in {home.name} but raised nowhere"
