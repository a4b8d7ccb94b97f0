"""Run commands as whole processes, side by side, and measure wall time and peak memory.

Every run is cold unless the caller says otherwise: `prepare` runs before each one. The builds run
in a folder copied onto a new ext4 file system made for that run (`fresh_copy`), as a CI job starts
on a fresh disk: deleting the previous run's outputs instead leaves tens of thousands of recently
deleted inodes, which ext4 steps over when it allocates new ones (measured: three cold builds in a
row, each after `rm -rf build site`, spent 15 s, 36 s and 44 s in the kernel). A command whose exit
status is not the one expected stops the benchmark, so a failed run is never timed as a fast one.

Peak memory is the largest sum, over the process and all its descendants, of their proportional set
size (PSS, from /proc/<pid>/smaps_rollup): a page shared by forked workers counts once in all, not
once per worker. Descendants are found through the children of every thread of every process
(/proc/<pid>/task/*/children), since a program may start a child from a thread other than its main
one (the build starts Pagefind from its indexer thread).

Reading a process's PSS makes the kernel walk its page tables: about 2 ms for a 300 MB process on
this machine, which sampling every 20 ms would take from the command measured (a quarter of a core
for a tree of three). So the interval grows with the run: 10 ms at the start, so short commands are
seen, up to 250 ms past ten seconds, where sampling costs about 3% of one core and the memory of a
build moves in phases of seconds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def sample_interval(elapsed: float) -> float:
    """Seconds to the next memory sample, `elapsed` seconds into a run."""
    return min(0.25, 0.01 + elapsed / 40)


def tree_pids(pid: int) -> list[int]:
    """`pid` and every descendant, through the children of each of their threads."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                pending.extend(int(child) for child in Path(f"/proc/{current}/task/{task}/children").read_text().split())
            except OSError:
                continue
    return found


def pss_bytes(pid: int) -> int:
    """The proportional set size of one process, 0 when it has gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_pss(pid: int) -> int:
    """The PSS of a process tree: its memory with shared pages counted once."""
    return sum(pss_bytes(member) for member in tree_pids(pid))


@dataclass
class Command:
    """A command to time: its arguments, the exit status it must end with, its environment, and
    what to do before each run (to make it cold) and after it."""

    argv: list[str]
    expect: int = 0
    env: dict[str, str] | None = None
    prepare: Callable[[], None] = field(default=lambda: None)
    finish: Callable[[], None] = field(default=lambda: None)


def run_once(command: Command) -> tuple[float, int]:
    """Wall seconds and peak tree PSS in bytes of one run. Stops the benchmark when the command
    ends with another exit status than the one it must have."""
    command.prepare()
    try:
        return _measure(command)
    finally:
        command.finish()


def _measure(command: Command) -> tuple[float, int]:
    env = {**os.environ, **command.env} if command.env else None
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty command cannot block on it
        start = time.perf_counter()
        process = subprocess.Popen(command.argv, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        peak = 0
        while True:
            peak = max(peak, tree_pss(process.pid))
            try:  # returns as soon as the process ends, not at the next sample
                process.wait(timeout=sample_interval(time.perf_counter() - start))
                break
            except subprocess.TimeoutExpired:
                continue
        elapsed = time.perf_counter() - start
        if process.returncode != command.expect:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command.argv)} exited {process.returncode}, not {command.expect}: "
                             f"{errors.read().decode(errors='replace')[-4000:]}")
    return elapsed, peak


def compare(commands: dict[str, Command], repeat: int) -> dict[str, dict]:
    """Run each command `repeat` times, interleaved, and return per command its runs, median time
    and peak memory."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, int] = {name: 0 for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, peak = run_once(command)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    return {name: {"median_s": statistics.median(times[name]), "runs": times[name],
                   "peak_mb": peaks[name] / 1024 / 1024} for name in commands}


def runs_table(results: dict[str, dict]) -> str:
    """The Markdown table of `compare`'s results: each command's median, runs and peak memory."""
    rows = [f"| `{name}` | {result['median_s']:.2f} s | {', '.join(f'{run:.2f} s' for run in result['runs'])} | "
            f"{result['peak_mb']:.0f} MB |" for name, result in results.items()]
    return "\n".join(["| command | median wall time | runs | peak memory (process tree, PSS) |",
                      "| --- | --- | --- | --- |", *rows])


def pair_ratios(ours: dict, reference: dict) -> list[float]:
    """The ratio of each interleaved pair of runs."""
    return [mine / theirs for mine, theirs in zip(ours["runs"], reference["runs"], strict=True)]


class FreshCopy:
    """`source` copied to `target` before each run, on a new ext4 file system of its own (a loop
    device; needs root), unmounted after the run. Elsewhere, a plain copy in a new folder."""

    def __init__(self, source: Path, target: Path, size: str = "4G") -> None:
        self.source, self.target, self.size = source, target, size
        self.image = target.with_name(target.name + ".img")
        self.loop = os.geteuid() == 0 and Path("/dev/loop-control").exists()

    def prepare(self) -> None:
        self.finish()
        self.target.mkdir(parents=True)
        if self.loop:
            subprocess.run(["truncate", "-s", self.size, str(self.image)], check=True)
            subprocess.run(["mkfs.ext4", "-q", "-F", str(self.image)], check=True)
            subprocess.run(["mount", "-o", "loop", str(self.image), str(self.target)], check=True)
        subprocess.run(["cp", "-a", f"{self.source}/.", str(self.target)], check=True)

    def finish(self) -> None:
        if self.loop and os.path.ismount(self.target):
            subprocess.run(["umount", str(self.target)], check=True)
        subprocess.run(["rm", "-rf", str(self.target), str(self.image)], check=True)

    def command(self, argv: list[str], **options) -> Command:
        """A command that runs on the fresh copy."""
        return Command(argv, prepare=self.prepare, finish=self.finish, **options)

    def describe(self) -> str:
        return "a new ext4 file system (loop device) per run" if self.loop else "a new folder per run (not root: no loop device)"
