"""Benchmark of `postmortem import` (issue #27: a folder of 200 documents in under 30 s).

    python benchmarks/bench_import.py [--count 200] [--repeat 3]

Copies the documents of tests/fixtures/import/ (Markdown, HTML, .docx) under varied names into
benchmarks/corpus/import-<count>/documents/ until there are `count`, then imports that folder, as a
whole process, into a new knowledge base before each run (cold: nothing written by an earlier run),
and prints a Markdown table for benchmarks/README.md. Each run must exit 0 and write `count` files.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(HERE))

from measure import Command, compare, runs_table  # noqa: E402

CORPUS = REPOSITORY / "tests/fixtures/import"
CONFIG = REPOSITORY / "tests/fixtures/postmortem.yml"


def documents(count: int) -> Path:
    """A folder of `count` documents: the corpus's, copied in turn under names of their own."""
    folder = HERE / "corpus" / f"import-{count}" / "documents"
    if folder.is_dir() and len(list(folder.iterdir())) == count:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    sources = sorted(path for kind in ("docx", "html", "markdown") for path in (CORPUS / kind).iterdir()
                     if path.suffix in (".md", ".html", ".docx"))
    for number in range(count):
        source = sources[number % len(sources)]
        shutil.copyfile(source, folder / f"{number:04d}-incident-{source.stem}{source.suffix}")
    return folder


class FreshKnowledgeBase:
    """An empty knowledge base (the test config, no post-mortem) made again before each run."""

    def __init__(self, root: Path, expected: int) -> None:
        self.root, self.expected = root, expected

    def prepare(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        (self.root / "postmortems").mkdir(parents=True)
        shutil.copyfile(CONFIG, self.root / "postmortem.yml")

    def finish(self) -> None:
        written = len(list((self.root / "postmortems").rglob("*.md")))
        if written != self.expected:
            raise SystemExit(f"the import wrote {written} files, not {self.expected}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    folder = documents(arguments.count)
    kb = FreshKnowledgeBase(folder.parent / "kb", arguments.count)
    postmortem = str(Path(sys.executable).with_name("postmortem"))
    commands = {
        "postmortem --version (process start)": Command([postmortem, "--version"]),
        f"postmortem import ({arguments.count} documents)": Command(
            [postmortem, "--root", str(kb.root), "import", str(folder)], prepare=kb.prepare, finish=kb.finish),
    }
    results = compare(commands, arguments.repeat)
    print(f"{arguments.count} documents, {arguments.repeat} interleaved runs each, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}\n")
    print(runs_table(results))


if __name__ == "__main__":
    main()
