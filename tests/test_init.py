"""`postmortem init`: a knowledge base that validates, builds and passes CI as written, at the top of a
repository or in a folder of it; nothing overwritten; and this repository's demo is what it writes."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import __version__
from generator.authoring.starter import starter_files
from generator.cli import cli

from .conftest import REPOSITORY, git

BIN = Path(sys.executable).parent
CREATED = [
    "postmortem.yml", "requirements-postmortem.txt", "requirements-postmortem-site.txt", ".gitignore", "README.md", ".github/workflows/validate.yml",
    ".github/workflows/publish.yml", ".github/workflows/weekly-review.yml", ".github/PULL_REQUEST_TEMPLATE.md",
    ".github/CODEOWNERS",
    ".pre-commit-config.yaml", "postmortems/_templates/postmortem.en.md.j2",
    "postmortems/_templates/postmortem.fr.md.j2",
]
AT_THE_TOP = {".github/workflows/validate.yml", ".github/workflows/publish.yml", ".github/workflows/weekly-review.yml",
              ".github/PULL_REQUEST_TEMPLATE.md",
              ".github/CODEOWNERS", ".pre-commit-config.yaml"}


def repository(tmp_path: Path) -> Path:
    top = tmp_path / "repository"
    top.mkdir()
    git(top, "init", "--quiet")
    return top


def invoke(runner, top: Path, *args: str):
    return runner.invoke(cli, ["--root", str(top), *args], catch_exceptions=False)


def test_init_writes_a_knowledge_base_and_says_what_next(runner, tmp_path: Path) -> None:
    top = repository(tmp_path)
    result = invoke(runner, top, "init", "--service", "checkout", "--service", "payments")
    assert result.exit_code == 0
    assert result.stdout == "".join(f"Created {name}\n" for name in CREATED) + (
        'Next: postmortem new "What happened" --severity SEV2 --service checkout, then commit and push.\n')
    config = yaml.safe_load((top / "postmortem.yml").read_text())
    assert [service["id"] for service in config["services"]] == ["checkout", "payments"]
    assert (config["title"], config["language"], config["timezone"]) == ("Post-mortems", "en", "UTC")
    assert (top / "requirements-postmortem.txt").read_text().endswith(f"\npostmortem-kb=={__version__}\n")
    # The site's install: that pin, with the extra (pip merges the two requirements on one version).
    assert (top / "requirements-postmortem-site.txt").read_text().endswith(
        "\n-r requirements-postmortem.txt\npostmortem-kb[site]\n")
    assert invoke(runner, top, "validate").stdout == "0 post-mortems checked: no problems found.\n"


def test_a_second_init_changes_nothing_and_lists_what_it_skipped(runner, tmp_path: Path) -> None:
    top = repository(tmp_path)
    invoke(runner, top, "init", "--service", "checkout")
    (top / "postmortem.yml").write_text((top / "postmortem.yml").read_text() + "# edited\n")
    (top / "README.md").unlink()
    before = {path: path.read_bytes() for path in top.rglob("*") if path.is_file() and ".git/" not in str(path)}
    second = invoke(runner, top, "init", "--service", "other", "--language", "fr")
    assert second.exit_code == 0
    assert second.stdout.splitlines() == ["Created README.md"] + [
        f"Skipped {name} (it exists)" for name in CREATED if name != "README.md"] + [
        'Next: postmortem new "What happened" --severity SEV2 --service other, then commit and push.']
    after = {path: path.read_bytes() for path in top.rglob("*") if path.is_file() and ".git/" not in str(path)}
    assert {path: data for path, data in after.items() if path.name != "README.md"} == before
    third = invoke(runner, top, "init")
    assert "Created" not in third.stdout


def test_init_in_a_folder_of_a_monorepo(runner, tmp_path: Path) -> None:
    top = repository(tmp_path)
    (top / "services").mkdir()
    result = runner.invoke(cli, ["init", str(top / "ops/incidents"), "--service", "checkout"], catch_exceptions=False)
    assert result.exit_code == 0
    created = [line.removeprefix("Created ") for line in result.stdout.splitlines() if line.startswith("Created ")]
    assert created == [name if name in AT_THE_TOP else f"ops/incidents/{name}" for name in CREATED]
    assert result.stdout.endswith('Next: postmortem --root ops/incidents new "What happened" --severity SEV2 '
                                  "--service checkout, then commit and push.\n")
    validate = yaml.safe_load((top / ".github/workflows/validate.yml").read_text())
    assert validate[True]["pull_request"]["paths"][:2] == ["ops/incidents/postmortems/**", "ops/incidents/postmortem.yml"]
    runs = {job: [step.get("run", "") for step in validate["jobs"][job]["steps"]] for job in ("validate", "site")}
    assert "pip install -r ops/incidents/requirements-postmortem.txt" in runs["validate"]
    assert "pip install -r ops/incidents/requirements-postmortem-site.txt" in runs["site"]
    assert "postmortem --root ops/incidents build" in runs["site"]
    publish = yaml.safe_load((top / ".github/workflows/publish.yml").read_text())
    assert publish["jobs"]["build"]["steps"][-1]["with"]["path"] == "ops/incidents/site"


REFUSED = "Error: postmortem.yml would be invalid, so nothing was written:\n"


@pytest.mark.parametrize("args, problems", [
    (["--service", "Checkout Web"], ["services[0].id: 'Checkout Web' should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'"]),
    (["--timezone", "Paris"], ["timezone: unknown time zone 'Paris'; use an IANA name such as Europe/Paris or UTC"]),
    (["--title", "x" * 81], ["title: string should have at most 80 characters"]),
    (["--title", "  "], ["title: string should have at least 1 character"]),
    # Every problem at once, in the order of the config's keys, as `validate` would report them.
    (["--service", "api", "--service", "Checkout", "--timezone", "Mars/Olympus", "--title", ""], [
        "title: string should have at least 1 character",
        "timezone: unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Paris or UTC",
        "services[1].id: 'Checkout' should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'"]),
])
def test_init_refuses_what_the_config_model_refuses_and_writes_nothing(runner, tmp_path: Path, args: list[str],
                                                                        problems: list[str]) -> None:
    top = repository(tmp_path)
    result = invoke(runner, top, "init", *args)
    assert (result.exit_code, result.stderr) == (2, REFUSED + "".join(f"  {problem}\n" for problem in problems))
    assert [path.name for path in top.iterdir()] == [".git"]


def test_the_demo_is_what_init_writes() -> None:
    """This repository's config, workflows and GitHub files are init's, but for the sample's
    catalog (services, people, teams, e-mail domains, GitHub handles, trackers, the public page's); its templates are the package's (tests/test_new.py)."""
    files = starter_files("", ["payments-api"], "Tarteline post-mortems", "en", "Europe/Paris")

    def without_catalog(text: str) -> str:
        return re.sub(r"^(services|people|teams|email_domains|github|trackers|public):.*?(?=^\S|\Z)", r"\1: ...\n", text, flags=re.S | re.M)

    assert without_catalog((REPOSITORY / "postmortem.yml").read_text()) == without_catalog(files["postmortem.yml"])
    for name in (".github/workflows/validate.yml", ".github/workflows/publish.yml", ".github/workflows/weekly-review.yml",
                 ".github/PULL_REQUEST_TEMPLATE.md", ".github/CODEOWNERS"):
        assert (REPOSITORY / name).read_text() == files[name], name


@pytest.mark.parametrize("prefix", ["", "ops/incidents/"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_written_workflows_pass_githubs_schema_and_actionlint(tmp_path: Path, prefix: str, language: str) -> None:
    files = starter_files(prefix, ["checkout"], "Acme: incidents", language, "UTC")
    workflows = []
    for name in (".github/workflows/validate.yml", ".github/workflows/publish.yml", ".github/workflows/weekly-review.yml"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[name])
        workflows.append(path)
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        done = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", schema, *workflows], capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    done = subprocess.run([BIN / "actionlint", "-no-color", *workflows], cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@pytest.mark.parametrize("folder", [".", "ops/incidents"])
def test_the_written_hooks_check_the_staged_postmortems(runner, tmp_path: Path, base_text: str, folder: str) -> None:
    top = repository(tmp_path)
    runner.invoke(cli, ["init", str(top / folder), "--service", "checkout-web"], catch_exceptions=False)
    prefix = "" if folder == "." else f"{folder}/"
    bad = top / f"{prefix}postmortems/2026/2026-03-02-checkout-deploy-errors.md"
    bad.parent.mkdir(parents=True)
    bad.write_text(base_text.replace("severity: SEV2", "severity: SEV9"))
    git(top, "add", ".")
    staged = git(top, "diff", "--cached", "--name-only").split()
    hooks = yaml.safe_load((top / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    outcomes = {}
    for hook in hooks:
        assert hook["additional_dependencies"] == [f"postmortem-kb=={__version__}"]
        files = [p for p in staged if re.search(hook["files"], p) and not re.search(hook["exclude"], p)] \
            if hook.get("pass_filenames", True) else []
        entry = shlex.split(hook["entry"])
        done = subprocess.run([BIN / "postmortem", *entry[1:], *files], cwd=top, capture_output=True, text=True)
        outcomes[hook["id"]] = (files, done.returncode, "PM107" in done.stdout)
    assert outcomes == {
        "postmortem-validate": ([f"{prefix}postmortems/2026/2026-03-02-checkout-deploy-errors.md"], 1, True),
        "postmortem-validate-all": ([], 1, True),
    }
