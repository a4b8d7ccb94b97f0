"""The live preview: from saving a post-mortem to its new page in the browser, on 1,000 post-mortems.

    python benchmarks/bench_preview.py [--count 1000] [--edits 10]

`postmortem serve` runs as a whole process on a fresh copy of the corpus (no `build/` nor `site/`:
its first build is cold, and timed too). Headless Chromium (Debian's) shows a post-mortem's page;
the script saves a new title into that post-mortem's file and times, from the write:

- served: the server answers the page's URL with the new title (polled over HTTP every 10 ms);
- shown: the open page has reloaded and shows the new title (polled in the browser every 10 ms);
- every page: the list of all post-mortems shows it too (the second step of the rebuild).

Side by side, in the same run: a change to `postmortem.yml`, which rebuilds the whole site (what
every save did before the preview rebuilt only what changed), timed until the page shows it.

Each edit is to another post-mortem, so no page is warm from an earlier edit. The server must still
be running at the end; its peak memory is the whole process tree's (PSS), sampled throughout.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from browser import chromium_path  # noqa: E402
from corpus import ensure_corpus  # noqa: E402
from measure import FreshCopy, tree_pss  # noqa: E402

TODAY = "2026-11-26"
POLL = 0.01


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_until(condition, limit: float, what: str) -> float:
    """Seconds until `condition()` holds, polled every 10 ms; stops the benchmark after `limit`."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > limit:
            raise SystemExit(f"{what}: not within {limit:.0f} s")
        time.sleep(POLL)
    return time.perf_counter() - start


class PeakMemory:
    """The peak PSS of a process tree, sampled every 100 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_pss(self.pid))
            time.sleep(0.1)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=10)
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    corpus = ensure_corpus(arguments.count)
    with tempfile.TemporaryDirectory() as temporary:
        copy = FreshCopy(corpus, Path(temporary) / "kb")
        copy.prepare()
        root = copy.target
        for output in ("build", "site"):
            shutil.rmtree(root / output, ignore_errors=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}/"
        files = sorted((root / "postmortems").rglob("*.md"))
        chosen = [files[(index * 97 + 500) % len(files)] for index in range(arguments.edits)]
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - read after the server stops, in `finally`
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(root), "serve", "--port", str(port),
                                   "--today", TODAY], stdout=subprocess.DEVNULL, stderr=errors)
        memory = PeakMemory(server.pid)
        try:
            first = wait_until(lambda: "livereload" in fetch(base), 600, "the first build")
            print(f"{arguments.count} post-mortems; first build and serve (cold): {first:.1f} s "
                  f"(from the process start: {time.perf_counter() - started:.1f} s)")
            served, shown, everywhere = [], [], []
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium_path())
                page = browser.new_page()
                for number, file in enumerate(chosen):
                    for times, elapsed in zip((served, shown, everywhere), edit(page, base, file, number)):
                        times.append(elapsed)
                    time.sleep(0.5)  # let the second step finish before the next save
                whole = rebuild_whole(page, base, root, chosen[0])
                browser.close()
            if server.poll() is not None:
                raise SystemExit(f"the server stopped (exit {server.returncode})")
        finally:
            server.terminate()
            server.wait(timeout=60)
            peak = memory.stop()
            copy.finish()
        errors.seek(0)
        log = errors.read().decode(errors="replace")
        if "Traceback" in log or "Error:" in log:
            raise SystemExit(f"the server reported an error:\n{log[-4000:]}")
    print(f"\n| after a save, {arguments.edits} edits | median | slowest |\n| --- | --- | --- |")
    for name, times in (("served (HTTP)", served), ("shown in Chromium", shown), ("every page up to date", everywhere)):
        print(f"| {name} | {statistics.median(times):.2f} s | {max(times):.2f} s |")
    print(f"| whole site rebuilt (a change to postmortem.yml), shown in Chromium | {whole:.2f} s | |")
    print(f"\nPeak memory of `postmortem serve` (process tree, PSS): {peak / 1024 / 1024:.0f} MB")
    print("Shown, each edit: " + ", ".join(f"{t:.2f}" for t in shown))


def edit(page, base: str, file: Path, number: int) -> list[float]:
    """Open the page of the post-mortem `file`, save a new title into it, and return the seconds from
    the write until the page is served with it, shown in the browser, and in the list of every post-mortem."""
    url = f"{base}postmortems/{file.stem[:4]}/{file.stem}/"
    page.goto(url)
    page.wait_for_load_state("load")
    title = f"Edited title number {number} of the preview benchmark"
    text = file.read_text(encoding="utf-8")
    old_title = next(line for line in text.splitlines() if line.startswith("title: "))
    written = time.perf_counter()
    file.write_text(text.replace(old_title, f"title: {title}", 1), encoding="utf-8")
    elapsed = []
    for condition in (lambda: title in fetch(url), lambda: _shows(page, title),
                      lambda: title in fetch(f"{base}postmortems/")):
        wait_until(condition, 120, f"edit {number}")
        elapsed.append(time.perf_counter() - written)
    return elapsed


def rebuild_whole(page, base: str, root: Path, file: Path) -> float:
    """Seconds from a change to the config (the currency, which every impact figure shows) until the
    page of `file` shows it: what every save cost when `serve` rebuilt the whole site."""
    page.goto(f"{base}postmortems/{file.stem[:4]}/{file.stem}/")
    page.wait_for_load_state("load")
    config = root / "postmortem.yml"
    text = config.read_text(encoding="utf-8")
    written = time.perf_counter()
    config.write_text(text.replace("currency: EUR", "currency: CHF"), encoding="utf-8")
    wait_until(lambda: _shows(page, " CHF"), 300, "the whole rebuild")
    return time.perf_counter() - written


def _shows(page, title: str) -> bool:
    try:
        return page.evaluate("(title) => document.body !== null && document.body.innerText.includes(title)", title)
    except Exception:  # the page is reloading: its document is going away
        return False


if __name__ == "__main__":
    main()
