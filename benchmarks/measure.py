"""Run commands as whole processes, side by side, and measure wall time and peak memory.

Peak memory is the largest sum of resident memory over the process and all its descendants,
sampled every 10 ms from /proc, so worker processes count.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError):
            continue
        pending.extend(int(child) for child in children)
    return total


def run_once(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak tree RSS in bytes of one run; fails when the command fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {process.stderr.read().decode()}")
    return elapsed, peak


def compare(commands: dict[str, list[str]], repeat: int, cwd: Path | None = None) -> dict[str, dict]:
    """Run each command `repeat` times, interleaved, and return the median time and the peak memory."""
    times = {name: [] for name in commands}
    peaks = {name: 0 for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            elapsed, peak = run_once(command, cwd)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    return {name: {"median_s": statistics.median(times[name]), "runs": times[name],
                   "peak_mb": peaks[name] / 1024 / 1024} for name in commands}
