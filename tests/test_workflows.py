"""The GitHub files: workflows linted (GitHub's schema, actionlint), their commands the README's,
and the pre-commit hooks run as pre-commit would run them."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import cli

from .conftest import REPOSITORY, git, lay_out

WORKFLOWS = sorted((REPOSITORY / ".github/workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def load(name: str) -> dict:
    # PyYAML reads the key `on` as True: the YAML 1.1 boolean.
    return yaml.safe_load((REPOSITORY / ".github/workflows" / name).read_text(encoding="utf-8"))


def test_the_five_workflows_exist() -> None:
    assert [path.name for path in WORKFLOWS] == ["publish.yml", "release.yml", "tests.yml", "validate.yml",
                                                 "weekly-review.yml"]


def test_the_action_matches_githubs_schema() -> None:
    done = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.github-actions",
                           REPOSITORY / "action.yml"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_action_reports_validate_and_build() -> None:
    action = yaml.safe_load((REPOSITORY / "action.yml").read_text(encoding="utf-8"))
    assert set(action["inputs"]) == {"command", "changed-since", "root", "version", "python-version"}
    runs = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "--format github" in runs and '--format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    assert 'postmortem --root "$ROOT" build' in runs
    # validate installs the validator alone, build the site engine too.
    assert 'extra="[site]"' in runs and '"postmortem-kb$extra==$VERSION"' in runs and '"$ACTION_PATH$extra"' in runs


def test_release_publishes_with_trusted_publishing_on_one_job_only() -> None:
    workflow = load("release.yml")
    assert workflow[True]["push"] == {"tags": ["v*.*.*"]}
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert jobs["pypi"]["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
    assert "permissions" not in jobs["build"]
    assert jobs["major-tag"]["permissions"] == {"contents": "write"}


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_match_githubs_schema(schema: str) -> None:
    done = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", schema, *WORKFLOWS],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_nothing() -> None:
    done = subprocess.run([BIN / "actionlint", "-no-color", *WORKFLOWS], cwd=REPOSITORY, capture_output=True,
                          text=True)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_actionlint_is_really_checking() -> None:
    broken = "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such }}\n"
    done = subprocess.run([BIN / "actionlint", "-no-color", "-"], input=broken, capture_output=True, text=True)
    assert done.returncode == 1 and "no_such" in done.stdout


def run_lines(workflow: dict) -> list[str]:
    return [line.strip() for job in workflow["jobs"].values() for step in job.get("steps", [])
            for line in step.get("run", "").splitlines() if line.strip()]


def readme_commands() -> list[str]:
    block = re.search(r"<!-- workflow commands -->\n```bash\n(.*?)```", README, re.DOTALL)
    assert block, "the README lost its block of workflow commands"
    return [line.split("  #")[0].strip() for line in block[1].splitlines() if line.strip()]


def test_the_workflows_run_what_the_readme_documents() -> None:
    run = {line for path in WORKFLOWS for line in run_lines(load(path.name))}
    assert run == set(readme_commands())


def test_the_documented_postmortem_commands_parse() -> None:
    parsed = []
    for line in (line for line in readme_commands() if line.startswith("postmortem ")):
        words = shlex.split(re.split(r"[|>]", line)[0])
        command = cli.commands[words[1]]
        context = command.make_context(words[1], words[2:])  # raises on an option the command does not have
        parsed.append((words[1], context.params.get("output_format"), context.params.get("ref")))
    assert parsed == [("validate", "github", "origin/${BASE_REF#refs/heads/}"), ("validate", "markdown", None),
                      ("build", None, None), ("build", None, None), ("actions", "markdown", None),
                      ("actions", "text", None)]


def test_validate_runs_on_pull_requests_touching_the_knowledge_base_with_full_history() -> None:
    workflow = load("validate.yml")
    triggers = workflow[True]
    assert triggers["pull_request"]["paths"] == ["postmortems/**", "postmortem.yml", "mkdocs.yml",
                                                 "requirements-postmortem.txt", "requirements-postmortem-site.txt"]
    assert "merge_group" in triggers
    steps = workflow["jobs"]["validate"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[1]["with"]["cache"] == "pip"
    assert workflow["permissions"] == {"contents": "read"}


def test_pull_requests_are_validated_by_the_light_install_and_the_site_built_after() -> None:
    jobs = load("validate.yml")["jobs"]
    installs = {name: [step["run"] for step in job["steps"] if step.get("run", "").startswith("pip install")]
                for name, job in jobs.items()}
    assert installs == {"validate": ["pip install -r requirements-postmortem.txt"],
                        "site": ["pip install -r requirements-postmortem-site.txt"]}
    assert jobs["site"]["needs"] == "validate" and jobs["site"]["steps"][-1]["run"] == "postmortem build"
    assert (REPOSITORY / "requirements-postmortem.txt").read_text().splitlines()[-1] == "."
    assert (REPOSITORY / "requirements-postmortem-site.txt").read_text().splitlines()[-1] == ".[site]"


def test_publish_deploys_main_to_pages_with_least_privilege() -> None:
    workflow = load("publish.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["group"] == "pages"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["steps"][0]["with"]["fetch-depth"] == 0
    assert build["steps"][-1]["uses"].startswith("actions/upload-pages-artifact@")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][-1]["uses"].startswith("actions/deploy-pages@")


# -- pre-commit ----------------------------------------------------------------------------------------


def hook_files(hook: dict, staged: list[str]) -> list[str]:
    """The files pre-commit hands `hook` (its `files` and `exclude` regexes over the staged paths)."""
    chosen = [p for p in staged if re.search(hook["files"], p) and not re.search(hook.get("exclude", "^$"), p)]
    return chosen if hook.get("pass_filenames", True) else []


@pytest.mark.parametrize("hooks_file", [".pre-commit-hooks.yaml", ".pre-commit-config.yaml"])
def test_hooks_check_the_staged_postmortems(hooks_file: str, tmp_path: Path, base_text: str) -> None:
    document = yaml.safe_load((REPOSITORY / hooks_file).read_text(encoding="utf-8"))
    hooks = document if isinstance(document, list) else document["repos"][0]["hooks"]
    root = lay_out(tmp_path / "kb", "valid")
    git(root, "init", "--quiet")
    bad = root / "postmortems/2026/2026-03-02-checkout-deploy-errors.md"
    bad.write_text(base_text.replace("severity: SEV2", "severity: SEV9"))
    (root / "postmortems/_templates").mkdir()
    (root / "postmortems/_templates/notes.md").write_text("not a post-mortem")
    git(root, "add", ".")
    staged = git(root, "diff", "--cached", "--name-only").split()
    outcomes = {}
    for hook in hooks:
        entry = shlex.split(hook["entry"])
        program = BIN / "postmortem" if entry[0].endswith("postmortem") else entry[0]
        files = hook_files(hook, staged)
        if hook.get("pass_filenames", True) and not files:
            continue
        done = subprocess.run([program, *entry[1:], *files], cwd=root, capture_output=True, text=True)
        outcomes[hook["id"]] = (files, done.returncode)
    assert outcomes == {"postmortem-validate": (["postmortems/2025/2025-12-31-search-slow-new-year.md",
                                                 "postmortems/2026/2026-03-02-checkout-deploy-errors.md",
                                                 "postmortems/2026/2026-03-04-erreurs-paiement.md",
                                                 "postmortems/2026/2026-03-05-draft-without-resolution.md",
                                                 "postmortems/2026/2026-03-06-checkout-errors-again.md",
                                                 "postmortems/2026/2026-03-07-bom-and-crlf.md"], 1),
                        "postmortem-validate-all": ([], 1)}
