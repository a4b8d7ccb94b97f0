"""Benchmark of `postmortem validate` and `postmortem build` with a large company's catalogue against
the corpus's own small one (issue: within 1.15x).

    python benchmarks/bench_catalogue.py [--count 1000 ...] [--repeat 3]

The same post-mortems (benchmarks/corpus/<count>-v<version>/, written by corpus.py) with two configs: the
corpus's own (8 services, 10 people, 1 team) and the large catalogue (10,000 people, 3,000 services,
500 teams, the corpus's among them; benchmarks/corpus/<count>-v<version>-large-catalogue/). Each command is a
whole process, the four run in turn, run after run; every build on a fresh copy of its knowledge base
with no build/ or site/ (see measure.py); exit statuses checked; memory is the PSS of the process tree.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import TODAY  # noqa: E402
from corpus import ensure_corpus  # noqa: E402
from measure import Command, FreshCopy, compare, pair_ratios, runs_table  # noqa: E402

CATALOGUES = {"small": "8 services", "large": "3,000 services"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, nargs="+", default=[1000], help="post-mortems (several: each size in turn)")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    postmortem = str(Path(sys.executable).with_name("postmortem"))
    scratch = Path(tempfile.gettempdir()) / "postmortem-bench-catalogue"
    for count in arguments.count:
        roots = {"small": ensure_corpus(count), "large": ensure_corpus(count, large_catalogue=True)}
        copies = {name: FreshCopy(root, scratch / name) for name, root in roots.items()}
        commands = {f"validate, {CATALOGUES[name]}": Command([postmortem, "--root", str(root), "validate"])
                    for name, root in roots.items()}
        commands.update({f"build, {CATALOGUES[name]}": copy.command(
            [postmortem, "--root", str(copy.target), "build", "--today", TODAY]) for name, copy in copies.items()})
        results = compare(commands, arguments.repeat)
        print(f"\n{count} post-mortems, {arguments.repeat} interleaved runs of each command, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}, builds on {copies['large'].describe()}\n")
        print(runs_table(results))
        print("\n| command | large / small, medians | pair by pair | memory |")
        print("| --- | --- | --- | --- |")
        for command in ("validate", "build"):
            small, large = (results[f"{command}, {CATALOGUES[name]}"] for name in ("small", "large"))
            pairs = ", ".join(f"{ratio:.2f}x" for ratio in pair_ratios(large, small))
            print(f"| `{command}` | {large['median_s'] / small['median_s']:.2f}x | {pairs} | "
                  f"{large['peak_mb'] / small['peak_mb']:.2f}x |")


if __name__ == "__main__":
    main()
