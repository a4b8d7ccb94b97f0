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
    raised_here = len(literal.findall(text)) >= 2 or (declared is not None and re.search(rf"\b{declared[1]}\.at\(", text))
    raised_through = declared is not None and any(
        re.search(rf"\b{declared[1]}\b", path.read_text(encoding="utf-8")) for path in MODULES.values() if path != home)
    assert raised_here or raised_through, f"{code} is documented in {home.name} but raised nowhere"


def private_names_defined_in(folder: Path) -> set[str]:
    """The private names (`_x`, not `__x__`) that the modules under `folder` define: functions,
    classes, variables and attributes."""
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {name for name in names if name.startswith("_") and not name.endswith("__")}


def root_name(node: ast.expr) -> str | None:
    """The name an expression starts from: `b` in `b.x.y(1).z`."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def private_mkdocs_names(source: str, mkdocs_private: set[str]) -> set[str]:
    """The private names of MkDocs that `source` uses: imported from MkDocs, read or set on what
    came from MkDocs (imported, or made by it: `x = pages._Processor()`), or on anything (a subclass
    of MkDocs' server, a page) when MkDocs defines that name (`mkdocs_private`); and the private
    methods of a subclass of an MkDocs class (overriding its `_build_loop`, say)."""
    tree = ast.parse(source)
    from_mkdocs, found = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "mkdocs":
                    from_mkdocs.add(alias.asname or alias.name.split(".")[0])
                    found.update(part for part in alias.name.split(".") if part.startswith("_"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "mkdocs":
            found.update(part for part in node.module.split(".") if part.startswith("_"))
            for alias in node.names:
                from_mkdocs.add(alias.asname or alias.name)
                if alias.name.startswith("_"):
                    found.add(alias.name)
    assignments = [node for node in ast.walk(tree) if isinstance(node, ast.Assign)]
    for _ in range(2):  # a name made from one made from MkDocs
        from_mkdocs.update(target.id for node in assignments if root_name(node.value) in from_mkdocs
                           for target in node.targets if isinstance(target, ast.Name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.endswith("__"):
            if node.attr in mkdocs_private or root_name(node.value) in from_mkdocs:
                found.add(node.attr)
        elif isinstance(node, ast.ClassDef) and any(root_name(base) in from_mkdocs for base in node.bases):
            found.update(item.name for item in node.body if isinstance(item, ast.FunctionDef)
                         and item.name.startswith("_") and not item.name.endswith("__"))  # a private loop overridden
    return found


def test_every_private_name_of_mkdocs_is_in_its_own_module() -> None:
    """MkDocs' internals are used in `site/mkdocs_internals.py` only, which lists them all at its top
    (checked against one version of MkDocs, with a public fallback for another)."""
    import mkdocs

    from generator.site import mkdocs_internals

    # A name defined by a function or a class of our own is ours (`self._render`), unless it is read on
    # what came from MkDocs; names only assigned stay MkDocs' (`self._want_rebuild = True` in a subclass).
    ours = {node.name for path in MODULES.values() for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    mkdocs_private = private_names_defined_in(Path(mkdocs.__file__).parent) - ours
    old_preview = ("from mkdocs.livereload import LiveReloadServer, _timestamp\nfrom mkdocs.commands import build as b\n"
                   "class S(LiveReloadServer):\n    def _build_loop(self):\n        self._want_rebuild = _timestamp()\n"
                   "        b._populate_page(self._page)\n        made = b.pages._Processor()\n        made._add()\n")
    assert private_mkdocs_names(old_preview, mkdocs_private) == {"_timestamp", "_want_rebuild", "_populate_page",
                                                                 "_Processor", "_add", "_build_loop"}
    uses = {name: private_mkdocs_names(path.read_text(encoding="utf-8"), mkdocs_private) for name, path in MODULES.items()}
    home = "generator.site.mkdocs_internals"
    assert {name: found for name, found in uses.items() if found and name != home} == {}
    assert uses[home] == {name.rpartition(".")[2] for name in mkdocs_internals.PRIVATE_NAMES}
