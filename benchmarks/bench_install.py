"""What a pull request's validation installs, against the install that also builds the site: the time
of `pip install` into a new virtual environment, the environment's size on disk, and the first
`postmortem validate --changed-since` in a small real git repository.

    python benchmarks/bench_install.py [--repeat 1] [--no-cache-dir]

The package's wheel is built once (`pip wheel --no-deps`). Then, for each install, in turn: a new
virtual environment (`python -m venv`, not timed), `pip install` of the wheel alone (what
`requirements-postmortem.txt`, and so the generated `validate.yml`, installs) or of the wheel with
its `site` extra (`requirements-postmortem-site.txt`: the site's workflows); the size of the whole
environment (`du`, pip and the standard venv included); then in a git repository made by that
install (`postmortem init`, a post-mortem from `postmortem new`, a commit, a second post-mortem
committed on top), the first `postmortem validate --changed-since <the first commit>`, and
`postmortem build` (exit status 0 with the extra; without it, 2 and the message naming
`pip install 'postmortem-kb[site]'`). Every exit status is checked.

Without `--no-cache-dir`, pip's wheel cache (`pip cache dir`) is used as pip finds it: the first
run fills it; the table says how full it was before. A CI job with `cache: pip` restores it too.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(HERE))

from measure import Command, run_once  # noqa: E402

INSTALLS = {"validator (`postmortem-kb`)": "", "site (`postmortem-kb[site]`)": "[site]"}
MISSING_EXTRA = "pip install 'postmortem-kb[site]'"
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "-c", "init.defaultBranch=main"]


def run(argv: list, expect: int = 0, **options) -> subprocess.CompletedProcess:
    """Run a set-up step; stop the benchmark when it does not end with `expect`."""
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **options)
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(map(str, argv))} exited {done.returncode}, not {expect}:\n"
                         f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def disk_mb(path: Path) -> float:
    """What `path` takes on disk, as `du` counts it (blocks, hard links once), in MB of 2^20 bytes."""
    return int(run(["du", "-sk", path]).stdout.split()[0]) / 1024


def pip_cache() -> str:
    """How full pip's cache is before the run, as `du` counts it."""
    found = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    folder = Path(found.stdout.strip()) if found.returncode == 0 else None
    if folder is None or not folder.is_dir():
        return "empty (no cache folder)"
    return f"{disk_mb(folder):.0f} MB in {folder}"


def build_wheel(target: Path) -> Path:
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", target, REPOSITORY])
    (wheel,) = target.glob("postmortem_kb-*.whl")
    return wheel


def knowledge_base(postmortem: Path, folder: Path) -> str:
    """A git repository holding a knowledge base with one committed post-mortem, and a second one
    committed on top; returns the first commit, the base of the change."""
    folder.mkdir()
    run([*GIT, "init", "--quiet"], cwd=folder)
    run([postmortem, "init", "--service", "checkout", "--title", "Bench post-mortems"], cwd=folder)
    run([postmortem, "new", "Checkout down for 20 minutes", "--severity", "SEV2", "--service", "checkout",
         "--started-at", "2026-03-02T14:00+01:00"], cwd=folder)
    run([*GIT, "add", "."], cwd=folder)
    run([*GIT, "commit", "--quiet", "-m", "A knowledge base"], cwd=folder)
    base = run([*GIT, "rev-parse", "HEAD"], cwd=folder).stdout.strip()
    run([postmortem, "new", "Search results stale after a reindex", "--severity", "SEV3", "--service",
         "checkout", "--started-at", "2026-04-08T09:30+02:00"], cwd=folder)
    run([*GIT, "add", "."], cwd=folder)
    run([*GIT, "commit", "--quiet", "-m", "A second post-mortem"], cwd=folder)
    return base


def measure_install(wheel: Path, extra: str, scratch: Path, pip_options: list[str]) -> dict:
    venv = scratch / "venv"
    run([sys.executable, "-m", "venv", venv])
    python, postmortem = venv / "bin/python", venv / "bin/postmortem"
    install, _ = run_once(Command([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                   *pip_options, f"{wheel}{extra}"]))
    size = disk_mb(venv)
    root = scratch / "kb"
    base = knowledge_base(postmortem, root)
    validate, _ = run_once(Command([str(postmortem), "--root", str(root), "validate", "--changed-since", base]))
    # Without the extra, the site's commands exit 2 and say what to install.
    built = run([postmortem, "--root", root, "build", "--today", "2026-11-26"], expect=0 if extra else 2)
    if not extra and MISSING_EXTRA not in built.stderr:
        raise SystemExit(f"postmortem build without the site extra did not name {MISSING_EXTRA}:\n{built.stderr}")
    return {"install_s": install, "size_mb": size, "validate_s": validate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="installs of each kind, interleaved")
    parser.add_argument("--no-cache-dir", action="store_true", help="pip without its cache: every wheel downloaded")
    arguments = parser.parse_args()
    pip_options = ["--no-cache-dir"] if arguments.no_cache_dir else []
    cache = "not used (--no-cache-dir)" if arguments.no_cache_dir else pip_cache()
    runs: dict[str, list[dict]] = {name: [] for name in INSTALLS}
    with tempfile.TemporaryDirectory(prefix="postmortem-bench-install-") as temporary:
        scratch = Path(temporary)
        wheel = build_wheel(scratch / "wheel")
        empty = scratch / "empty-venv"
        run([sys.executable, "-m", "venv", empty])
        empty_mb = disk_mb(empty)
        pip = run([empty / "bin/python", "-m", "pip", "--version"]).stdout.split()[1]
        for number in range(arguments.repeat):
            for name, extra in INSTALLS.items():
                folder = scratch / f"run-{number}-{'site' if extra else 'validator'}"
                folder.mkdir()
                runs[name].append(measure_install(wheel, extra, folder, pip_options))
                shutil.rmtree(folder)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    print(f"{wheel.name}, Python {python} and its pip {pip}, {arguments.repeat} install(s) of each, interleaved; "
          f"pip's cache before the run: {cache}. An empty virtual environment (pip alone) takes {empty_mb:.0f} MB.\n")
    print("| install | `pip install` | environment on disk | first `validate --changed-since` |")
    print("| --- | --- | --- | --- |")
    for name, results in runs.items():
        def median(key: str, results: list[dict] = results) -> float:
            return statistics.median(result[key] for result in results)
        print(f"| {name} | {median('install_s'):.1f} s | {median('size_mb'):.0f} MB | {median('validate_s'):.2f} s |")
    if arguments.repeat > 1:
        for name, results in runs.items():
            installs = ", ".join(f"{result['install_s']:.1f} s" for result in results)
            print(f"\n{name}: installs {installs}")
    print(f"\n`postmortem build` without the extra: exit status 2, naming `{MISSING_EXTRA}`.")


if __name__ == "__main__":
    main()
