"""A team adopting the tool in its own repository: the wheel built from this checkout, installed into
a new virtual environment outside the repository, then `init`, `new`, the draft filled in,
`validate` and `build` in an empty git repository, as the README's "Use it in your own repository"
says; the validator installed alone, as a pull request's `validate` job installs it, checking a
change in a real repository and refusing to build. Also what the package ships, and what it must not."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from .conftest import REPOSITORY

#: Each test builds the package or installs it into a new virtual environment.
pytestmark = pytest.mark.slow

FILLED = {
    "detected_at": "2026-03-02T14:05:00+01:00",
    "declared_at": "2026-03-02T14:08:00+01:00",
    "mitigated_at": "2026-03-02T14:20:00+01:00",
    "resolved_at": "2026-03-02T14:30:00+01:00",
    "detection": "alert",
    "root_cause": "change",
    "incident_commander": "alice",
    "technical_owner": "bob",
    "communications_owner": "carol",
    "users_affected": "1200",
    "failed_requests_pct": "12",
    "revenue_lost": "3000",
    "support_tickets": "9",
    "sla_breached": "false",
    "owner": "platform",
}
#: A page of each kind, as the built site names them.
PAGES = ["index.html", "postmortems/index.html", "postmortems/2026/index.html", "services/index.html",
         "services/checkout/index.html", "severities/sev2/index.html", "causes/change/index.html",
         "trends/index.html", "actions/index.html", "report/index.html", "search/index.html",
         "reference/index.html", "reference/format/index.html", "reference/rules/index.html",
         "reference/cli/index.html", "reference/metrics/index.html", "pagefind/pagefind.js"]


def fill_draft(text: str) -> str:
    """A draft from `postmortem new`, every TODO replaced as its author would, and published."""
    text = text.replace("status: draft", "status: published")
    for key, value in FILLED.items():
        text = re.sub(rf"^(\s*{key}:) TODO\b.*$", rf"\1 {value}", text, flags=re.MULTILINE)
    text = re.sub(r"^(\s*(?:- )?title:) TODO (.*)$", r"\1 \2", text, flags=re.MULTILINE)
    text = re.sub(r"^- TODO ?: HH:MM — (.*)$", r"- 14:05 — \1\n- 14:30 — resolved", text, flags=re.MULTILINE)
    text = re.sub(r"^TODO ?: (.*)$", r"Filled in: \1", text, flags=re.MULTILINE)
    assert "TODO" not in text
    return text


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def distributions(tmp_path_factory) -> Path:
    """The sdist and the wheel, built from this checkout as the release workflow builds them."""
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, REPOSITORY, cwd=out)
    return out


def install(distributions: Path, venv: Path, extra: str = "") -> Path:
    """The `postmortem` command of a new virtual environment `venv`, outside the repository, that has the
    wheel (with `extra`, such as `[site]`) and its dependencies."""
    run(sys.executable, "-m", "venv", venv, cwd=venv)
    wheel = next(distributions.glob("*.whl"))
    run(venv / "bin/python", "-m", "pip", "install", "--quiet", f"{wheel}{extra}", cwd=venv)
    return venv / "bin/postmortem"


@pytest.fixture(scope="module")
def postmortem(distributions: Path, tmp_path_factory) -> Path:
    """`postmortem` with the site: the wheel and its `site` extra, as the publish workflow installs them."""
    return install(distributions, tmp_path_factory.mktemp("venv"), "[site]")


@pytest.fixture(scope="module")
def validator(distributions: Path, tmp_path_factory) -> Path:
    """`postmortem` alone: the wheel without extras, as a pull request's `validate` job installs it."""
    return install(distributions, tmp_path_factory.mktemp("validator-venv"))


def test_the_distributions_ship_the_tool_and_nothing_else(distributions: Path) -> None:
    with zipfile.ZipFile(next(distributions.glob("*.whl"))) as archive:
        wheel = archive.namelist()
    with tarfile.open(next(distributions.glob("*.tar.gz"))) as archive:
        sdist = archive.getnames()
    for names in (wheel, [name.split("/", 1)[1] for name in sdist if "/" in name]):
        tops = {name.split("/")[0] for name in names}
        assert not tops & {"tests", "benchmarks", "postmortems", "docs", ".github"}, tops
        assert "generator/templates/init/validate.yml.j2" in names
        assert "generator/assets/format.md" in names


@pytest.mark.parametrize("language, folder", [("en", "."), ("fr", "."), ("en", "ops/incidents")])
def test_init_new_validate_build_in_an_empty_repository(postmortem: Path, tmp_path: Path, language: str,
                                                        folder: str) -> None:
    repository = tmp_path / "repository"
    repository.mkdir()
    run("git", "init", "--quiet", cwd=repository)
    init = run(postmortem, "init", folder, "--service", "checkout", "--title", "Acme incidents", "--language",
               language, cwd=repository)
    assert "Created " in init.stdout
    root = repository / folder
    created = run(postmortem, "--root", root, "new", "Checkout down for 25 minutes", "--severity", "SEV2",
                  "--service", "checkout", "--started-at", "2026-03-02T14:00+01:00", cwd=repository)
    path = root / created.stdout.splitlines()[0].removeprefix("Created ")
    path.write_text(fill_draft(path.read_text(encoding="utf-8")), encoding="utf-8")
    validated = run(postmortem, "--root", root, "validate", "--strict", cwd=repository)
    assert validated.stdout == "1 post-mortem checked: no problems found.\n"
    run(postmortem, "--root", root, "build", "--today", "2026-03-20", cwd=repository)
    site = root / "site"
    missing = [page for page in PAGES + [f"postmortems/2026/{path.stem}/index.html"] if not (site / page).is_file()]
    assert missing == []
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}"' in home
    heading = {"en": "Reliability at a glance", "fr": "La fiabilité en un coup d&#x27;œil"}[language]
    assert heading in home and " - Acme incidents</title>" in home
    skip = {"en": "Skip to content", "fr": "Aller au contenu"}[language]
    assert skip in home
    second = run(postmortem, "init", folder, "--service", "checkout", cwd=repository)
    assert "Created" not in second.stdout


#: What the validator's install must leave out: the site engine and its chart and numeric libraries.
SITE_ONLY = {"mkdocs", "mkdocs-material", "pagefind", "numpy", "scipy", "cbor2", "phonenumbers"}
MISSING_EXTRA = "pip install 'postmortem-kb[site]'"


def test_the_validator_alone_checks_a_change_and_leaves_the_site_to_its_extra(validator: Path,
                                                                               tmp_path: Path) -> None:
    venv = validator.parent.parent
    listed = run(venv / "bin/python", "-m", "pip", "list", "--format", "freeze", cwd=venv).stdout
    installed = {line.split("==")[0].lower() for line in listed.splitlines()}
    assert not installed & SITE_ONLY and "phonenumberslite" in installed
    # Issue #22 asks for at most 120 MB on disk, pip and the bare environment included.
    size_mb = int(run("du", "-sk", venv, cwd=venv).stdout.split()[0]) / 1024
    assert size_mb <= 120, f"{size_mb:.0f} MB"

    repository = tmp_path / "repository"
    repository.mkdir()
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]
    run(*git, "init", "--quiet", cwd=repository)
    run(validator, "init", "--service", "checkout", cwd=repository)
    first = run(validator, "new", "Checkout down for 25 minutes", "--severity", "SEV2", "--service", "checkout",
                "--started-at", "2026-03-02T14:00+01:00", cwd=repository)
    path = repository / first.stdout.splitlines()[0].removeprefix("Created ")
    path.write_text(fill_draft(path.read_text(encoding="utf-8")), encoding="utf-8")
    run(*git, "add", ".", cwd=repository)
    run(*git, "commit", "--quiet", "-m", "The first post-mortem", cwd=repository)
    base = run(*git, "rev-parse", "HEAD", cwd=repository).stdout.strip()
    path.write_text(path.read_text(encoding="utf-8").replace("severity: SEV2", "severity: SEV9"), encoding="utf-8")
    run(*git, "commit", "--quiet", "-am", "A severity that does not exist", cwd=repository)

    checked = subprocess.run([validator, "validate", "--changed-since", base], cwd=repository, capture_output=True,
                             text=True)
    relative = path.relative_to(repository).as_posix()
    assert (checked.returncode, checked.stdout) == (1, f"{relative}:4:1: PM107 unknown severity 'SEV9': did you "
                                                       "mean 'SEV3'? (or add it to `severities` in postmortem.yml, line 14)\n"
                                                       "1 post-mortem checked: 1 error, 0 warnings.\n"), checked

    for named, command in [("build", ["build"]), ("serve", ["serve"])]:
        refused = subprocess.run([validator, *command], cwd=repository, capture_output=True, text=True)
        assert (refused.returncode, refused.stdout) == (2, ""), refused
        assert refused.stderr.startswith(f"Error: postmortem {named} needs the site engine, which this installation "
                                         "lacks (mkdocs, "), refused.stderr
        assert refused.stderr.endswith(f"not installed): {MISSING_EXTRA}\n") and "Traceback" not in refused.stderr
    assert not (repository / "site").exists()
    # The board report's chart is the package's own SVG: its HTML needs no site engine.
    board = subprocess.run([validator, "report", "--quarter", "2026Q1", "--format", "html"], cwd=repository,
                           capture_output=True, text=True)
    assert board.returncode == 0 and '<svg class="pm-chart-svg"' in board.stdout, board
    # The public page needs no site engine either (once the severity is one the config knows).
    path.write_text(path.read_text(encoding="utf-8").replace("severity: SEV9", "severity: SEV2"), encoding="utf-8")
    public = subprocess.run([validator, "build", "--public"], cwd=repository, capture_output=True, text=True)
    assert (public.returncode, public.stdout) == (0, "Built the public site into site-public/: 0 services, 0 public "
                                                     "incidents\n"), public
    assert "<!doctype html>" in (repository / "site-public/index.html").read_text()
    # Markdown imports with the validator alone; HTML and .docx name the extra they need.
    (tmp_path / "old.md").write_text("# Search down\n\nDate: 2026-01-05\n", encoding="utf-8")
    (tmp_path / "old.html").write_text("<h1>Search down</h1><p>Date: 2026-01-05</p>", encoding="utf-8")
    imported = run(validator, "import", tmp_path / "old.md", cwd=repository)
    assert imported.stdout.startswith("Wrote postmortems/2026/2026-01-05-search-down.md from "), imported.stdout
    refused = subprocess.run([validator, "import", tmp_path / "old.html"], cwd=repository, capture_output=True, text=True)
    assert (refused.returncode, refused.stdout) == (2, ""), refused
    assert refused.stderr.startswith("Error: importing old.html needs the HTML and Word converters, which this "
                                     "installation lacks (beautifulsoup4, "), refused.stderr
    assert refused.stderr.endswith("not installed): pip install 'postmortem-kb[import]'\n"), refused.stderr
