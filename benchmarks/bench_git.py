"""Benchmark of the git workflow on 10,000 post-mortems with 200 commits.

    python benchmarks/bench_git.py [--count 10000] [--commits 200] [--repeat 2]

Makes two copies of the corpus in the temporary folder, away from any other repository: a git
repository whose history has `--commits` commits (three quarters add files, the rest edit some,
five authors), and a plain folder. Then, as whole processes, interleaved, each build cold and in a
folder of its own (a fresh copy on a new file system each run, see measure.py):

- `postmortem build` of the repository with git made unreadable (`GIT_DIR=/nonexistent`: no
  history, the pages show none) against the build of the repository with its history (history and
  time to post-mortem on every page), and of the plain folder: the issue allows +10%;
- `postmortem validate --changed-since main` on a branch that adds one bad file, against the start
  of the process (`postmortem --version`): the issue allows 1 s of checking beyond it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402
from measure import Command, FreshCopy, compare  # noqa: E402

AUTHORS = ["Alice Martin", "Bob Stone", "Carol Diaz", "Dave Kim", "Erin Roy"]
TODAY = "2026-11-26"


def git(root: Path, *args: str, when: dt.datetime | None = None, author: str = AUTHORS[0]) -> str:
    stamp = (when or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).isoformat()
    email = author.split()[0].lower() + "@example.com"
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": author,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def make_repository(root: Path, commits: int) -> None:
    """Commit the knowledge base at `root` in `commits` commits: files added in the first three
    quarters, then a quarter of commits that each edit twenty files."""
    git(root, "init", "--quiet", "--initial-branch", "main")
    git(root, "add", "postmortem.yml")
    git(root, "commit", "--quiet", "--message", "Knowledge base")
    files = sorted((root / "postmortems").rglob("*.md"))
    adding = commits * 3 // 4
    size = -(-len(files) // adding)
    when = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for number in range(commits):
        when += dt.timedelta(days=9)
        if number < adding:
            chosen = files[number * size:(number + 1) * size]
        else:
            chosen = files[(number * 37) % len(files):][:20]
            for path in chosen:
                path.write_text(path.read_text() + f"\nEdited in commit {number}.\n")
        if not chosen:
            continue
        git(root, "add", *[str(path.relative_to(root)) for path in chosen])
        git(root, "commit", "--quiet", "--message", f"Commit {number}", when=when, author=AUTHORS[number % 5])


def prepare(count: int, commits: int) -> tuple[Path, Path]:
    """The repository and the plain copy."""
    base = Path(tempfile.gettempdir()) / f"postmortem-bench-git-{count}-{commits}"
    repository, plain = base / "repository", base / "plain"
    if not (plain / "postmortems").exists():
        shutil.rmtree(base, ignore_errors=True)
        write_corpus(repository, count)
        make_repository(repository, commits)
        shutil.copytree(repository, plain, ignore=shutil.ignore_patterns(".git"))
    git(repository, "switch", "--quiet", "--force", "main")
    git(repository, "clean", "--quiet", "-fdx")
    return repository, plain


def add_one_bad_file(repository: Path) -> None:
    git(repository, "switch", "--quiet", "--force-create", "feature")
    folder = repository / "postmortems" / "2026"
    folder.mkdir(exist_ok=True)
    (folder / "2026-11-20-one-bad-file.md").write_text(
        "---\ntitle: One bad file\nstatus: published\nseverity: SEV9\n---\n\n## Summary\n\nx\n")
    git(repository, "add", "postmortems")
    git(repository, "commit", "--quiet", "--message", "One bad post-mortem")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    arguments = parser.parse_args()
    started = time.perf_counter()
    repository, plain = prepare(arguments.count, arguments.commits)
    print(f"{arguments.count} post-mortems, {arguments.commits} commits "
          f"(ready in {time.perf_counter() - started:.0f} s), {arguments.repeat} interleaved runs each\n")
    postmortem = str(Path(sys.executable).with_name("postmortem"))

    add_one_bad_file(repository)
    checks = compare({
        "postmortem --version (process start)": Command([postmortem, "--version"]),
        "postmortem validate --changed-since main": Command(
            [postmortem, "--root", str(repository), "validate", "--changed-since", "main"], expect=1),
        "postmortem validate (everything)": Command([postmortem, "--root", str(repository), "validate"], expect=1),
    }, max(arguments.repeat, 5))
    start = checks["postmortem --version (process start)"]["median_s"]
    print("| command | median wall time | beyond process start | peak memory |")
    print("| --- | --- | --- | --- |")
    for name, result in checks.items():
        print(f"| `{name}` | {result['median_s']:.2f} s | {result['median_s'] - start:+.2f} s | "
              f"{result['peak_mb']:.0f} MB |")
    git(repository, "switch", "--quiet", "main")

    scratch = Path(tempfile.gettempdir()) / "postmortem-bench-git-runs"

    def build(source: Path, name: str, env: dict[str, str] | None = None) -> Command:
        copy = FreshCopy(source, scratch / name)
        return copy.command([postmortem, "--root", str(copy.target), "build", "--today", TODAY], env=env)

    without = "postmortem build, the repository with git unreadable (GIT_DIR=/nonexistent): no history"
    builds = compare({
        "postmortem build, plain copy (no git: no history)": build(plain, "plain"),
        without: build(repository, "unreadable", {"GIT_DIR": "/nonexistent"}),
        f"postmortem build, repository of {arguments.commits} commits: history": build(repository, "history"),
    }, arguments.repeat)
    base = builds[without]
    print("\n| command | median wall time | ratio | peak memory (process tree, PSS) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, result in builds.items():
        print(f"| `{name}` | {result['median_s']:.1f} s | {result['median_s'] / base['median_s']:.3f}x | "
              f"{result['peak_mb']:.0f} MB | {result['peak_mb'] / base['peak_mb']:.2f}x |")
    sys.path.insert(0, str(REPOSITORY))
    from generator.kb.gitinfo import read_history
    from generator.kb.layout import open_knowledge_base

    started = time.perf_counter()
    history = read_history(open_knowledge_base(repository))
    print(f"\nread_history alone, in process: {time.perf_counter() - started:.2f} s for {len(history.files)} files")


if __name__ == "__main__":
    main()
