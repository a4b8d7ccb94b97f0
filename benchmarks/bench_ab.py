"""`postmortem build` of two installs (before and after a change), cold and interleaved, on the same corpus.

    git worktree add --detach ../before <commit> && make -C ../before install
    python benchmarks/bench_ab.py --before ../before/.venv/bin/postmortem --repeat 3

Run for run on the same machine, the ratio of each pair tells what a change costs or saves better
than two separate runs of bench_build.py, whose bare-MkDocs reference moves with the noise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_build import TODAY, prepare
from measure import FreshCopy, compare, pair_ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the `postmortem` executable of the code before")
    parser.add_argument("--after", type=Path, default=Path(sys.executable).parent / "postmortem",
                        help="the `postmortem` executable of the code after (default: this environment's)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    root, _ = prepare(arguments.count)
    scratch = Path(tempfile.gettempdir()) / "postmortem-bench-ab"
    copies = {"before": FreshCopy(root, scratch / "before"), "after": FreshCopy(root, scratch / "after")}
    executables = {"before": arguments.before, "after": arguments.after}
    commands = {name: copy.command([str(executables[name]), "--root", str(copy.target), "build", "--today", TODAY])
                for name, copy in copies.items()}
    results = compare(commands, arguments.repeat)
    print(f"{arguments.count} post-mortems, {arguments.repeat} interleaved pairs of cold runs, each on "
          f"{copies['after'].describe()}\n")
    print("| code | median wall time | peak memory (process tree, PSS) | runs |")
    print("| --- | --- | --- | --- |")
    for name, result in results.items():
        runs = ", ".join(f"{run:.1f} s" for run in result["runs"])
        print(f"| {name} ({executables[name]}) | {result['median_s']:.1f} s | {result['peak_mb']:.0f} MB | {runs} |")
    ratios = pair_ratios(results["after"], results["before"])
    print(f"\nAfter / before, pair by pair: {', '.join(f'{ratio:.3f}x' for ratio in ratios)}")


if __name__ == "__main__":
    main()
