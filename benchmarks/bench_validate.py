"""Benchmark of `postmortem validate` against its floor (issue: at most 3x, peak memory < 300 MB).

    python benchmarks/bench_validate.py [--count 10000] [--repeat 5]

Writes a synthetic knowledge base into benchmarks/corpus/<count>-v<version>/ (kept between runs), then runs
the floor (read the files and parse their front matter with CSafeLoader) and `postmortem validate`
alternately, as whole processes, and prints a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import ensure_corpus  # noqa: E402
from measure import Command, compare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    root = ensure_corpus(arguments.count)
    postmortem = str(Path(sys.executable).with_name("postmortem"))
    commands = {
        "floor (read + CSafeLoader)": Command([sys.executable, str(HERE / "floor_read_yaml.py"), str(root)]),
        "postmortem validate": Command([postmortem, "--root", str(root), "validate"]),
        "postmortem validate --jobs 1": Command([postmortem, "--root", str(root), "validate", "--jobs", "1"]),
    }
    results = compare(commands, arguments.repeat)
    hostile = compare(_hostile_inputs(HERE / "corpus" / "hostile", postmortem), arguments.repeat)
    floor = results["floor (read + CSafeLoader)"]["median_s"]
    print(f"{arguments.count} post-mortems, {arguments.repeat} interleaved runs each, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| command | median wall time | ratio to floor | peak memory (process tree, PSS) |")
    print("| --- | --- | --- | --- |")
    for name, result in results.items():
        print(f"| `{name}` | {result['median_s']:.2f} s | {result['median_s'] / floor:.2f}x | "
              f"{result['peak_mb']:.0f} MB |")
    start = hostile["postmortem --version (process start)"]["median_s"]
    print("\nHostile input, one file each, against the start of the process:\n")
    print("| command | median wall time | beyond process start | peak memory |")
    print("| --- | --- | --- | --- |")
    for name, result in hostile.items():
        print(f"| `{name}` | {result['median_s']:.2f} s | {result['median_s'] - start:+.2f} s | "
              f"{result['peak_mb']:.0f} MB |")


def _hostile_inputs(root: Path, postmortem: str) -> dict[str, Command]:
    """Knowledge bases of one hostile file each: a YAML alias bomb (9**10 values) and a 20 MB file,
    each reported as an error (exit 1)."""
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for name, previous in zip("bcdefghij", "abcdefghi"):
        bomb += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    cases = {
        "postmortem validate (YAML alias bomb)": ("bomb", "---\n" + bomb + "---\n"),
        "postmortem validate (20 MB file)": ("huge", "---\ntitle: x\n---\n" + "log line\n" * 2_300_000),
    }
    commands = {"postmortem --version (process start)": Command([postmortem, "--version"])}
    for label, (name, text) in cases.items():
        folder = root / name / "postmortems" / "2026"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"2026-01-01-{name}.md").write_text(text)
        commands[label] = Command([postmortem, "--root", str(root / name), "validate"], expect=1)
    return commands


if __name__ == "__main__":
    main()
