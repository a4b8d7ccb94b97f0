"""Benchmark of the similar incidents (generator/figures/similarity.py): does the time grow with the number of
post-mortems, or with its square?

    python benchmarks/bench_similar.py [--sizes 2500,5000,10000,20000] [--repeat 3]

Each size runs as a whole process that makes N synthetic documents of 150 words drawn from a
vocabulary of 20,000 words with Zipf frequencies (as words are in prose; the corpus of the other
benchmarks draws from 23 words, which every post-mortem holds), 30 of them from one of N / 10
topics of 20 words (so that each has a few alike), and finds the similar ones; beside it, a process
that makes the same documents and stops. The difference of their times is the work, and doubling N
should about double it: a quadratic method would quadruple it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import Command, compare  # noqa: E402

WORKER = """
import itertools, random, sys
from generator.figures.similarity import similar_documents
count, find = int(sys.argv[1]), sys.argv[2] == "find"
rng = random.Random(7)
letters = "abcdefghijklmnopqrstuvwxyz"
vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(20000)]
cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
topics = [rng.sample(vocabulary, 20) for _ in range(max(1, count // 10))]
documents = {f"pm-{n}": rng.choices(vocabulary, cum_weights=cumulative, k=120) + rng.choices(rng.choice(topics), k=30)
             for n in range(count)}
if find:
    found = similar_documents(documents.items())
    assert len(found) > count / 2, len(found)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2500,5000,10000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    commands = {(size, step): Command([sys.executable, "-c", WORKER, str(size), step])
                for size in sizes for step in ("make", "find")}
    results = compare(commands, arguments.repeat)
    print(f"Similar incidents, {arguments.repeat} interleaved runs of each process; the time is the median "
          "of the process that makes the documents and finds the similar ones, less the median of the one "
          "that only makes them:\n")
    print("| post-mortems | similar incidents | ratio to the size before | peak memory (PSS) |")
    print("| --- | --- | --- | --- |")
    previous = None
    for size in sizes:
        work = results[(size, "find")]["median_s"] - results[(size, "make")]["median_s"]
        ratio = "" if previous is None else f"{work / previous[1]:.2f}x for {size / previous[0]:g}x the post-mortems"
        print(f"| {size:,} | {work:.2f} s | {ratio} | {results[(size, 'find')]['peak_mb']:.0f} MB |")
        previous = (size, work)


if __name__ == "__main__":
    main()
