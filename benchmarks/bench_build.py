"""Benchmark of `postmortem build` against a bare MkDocs-Material build, and of search in Chromium.

    python benchmarks/bench_build.py [--count 10000] [--repeat 2]

The corpus is benchmarks/corpus/<count>/ (written by corpus.py, kept between runs). The bare build
is `mkdocs build` of the same post-mortem files, copied as they are into a docs folder with an index
page, a minimal nav and the Material theme with its defaults (its built-in search included). Both
run as whole processes, interleaved. Then both sites are served on 127.0.0.1 and Debian's Chromium
measures, for a few queries, the time from typing the query to the first result on screen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402
from measure import compare  # noqa: E402

QUERIES = ["saturation", "certificate", "rollout", "gateway", "replica"]
BARE_CONFIG = "site_name: bare\ntheme:\n  name: material\n  font: false\nnav:\n  - index.md\n"


def prepare(count: int) -> tuple[Path, Path]:
    root = HERE / "corpus" / str(count)
    if not (root / "postmortem.yml").exists():
        shutil.rmtree(root, ignore_errors=True)
        write_corpus(root, count)
    shutil.copy(REPOSITORY / "mkdocs.yml", root / "mkdocs.yml")
    shutil.rmtree(root / "docs", ignore_errors=True)
    shutil.copytree(REPOSITORY / "docs", root / "docs")
    bare = HERE / "corpus" / f"bare-{count}"
    if not (bare / "mkdocs.yml").exists():
        shutil.rmtree(bare, ignore_errors=True)
        shutil.copytree(root / "postmortems", bare / "docs" / "postmortems",
                        ignore=shutil.ignore_patterns("_templates"))
        (bare / "docs" / "index.md").write_text("# Post-mortems\n")
        (bare / "mkdocs.yml").write_text(BARE_CONFIG)
    return root, bare


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def search_latency(page, url: str, field: str, result: str) -> list[float]:
    """Seconds from typing each query to its first result, on a freshly loaded page."""
    times = []
    for query in QUERIES:
        page.goto(url)
        page.locator(field).first.wait_for()
        started = time.monotonic()
        page.locator(field).first.fill(query)
        page.locator(result).first.wait_for(timeout=60_000)
        times.append(time.monotonic() - started)
    return times


def measure_search(ours: Path, bare: Path) -> dict[str, list[float]]:
    """Search latencies on both sites, in a 1280 x 900 window where the header search field shows."""
    from playwright.sync_api import sync_playwright

    found = {}
    servers = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        server, url = _serve(ours)
        servers.append(server)
        found["postmortem build: Pagefind"] = search_latency(page, url + "search/", "#pm-search input",
                                                             ".pagefind-ui__result-link")
        server, url = _serve(bare)
        servers.append(server)
        found["bare MkDocs: Material search"] = search_latency(page, url, "input.md-search__input",
                                                               ".md-search-result__item")
        browser.close()
    for server in servers:
        server.shutdown()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--search-only", action="store_true", help="measure search on the sites already built")
    arguments = parser.parse_args()
    root, bare = prepare(arguments.count)
    if not arguments.search_only:
        compare_builds(root, bare, arguments)
    report_search(measure_search(root / "site", bare / "site"))


def compare_builds(root: Path, bare: Path, arguments) -> None:
    bin_dir = Path(sys.executable).parent
    today = dt.date(2026, 11, 26).isoformat()
    commands = {
        "mkdocs build (bare, minimal nav)": [str(bin_dir / "mkdocs"), "build", "-q", "-f", str(bare / "mkdocs.yml")],
        "postmortem build": [str(bin_dir / "postmortem"), "--root", str(root), "build", "--today", today],
    }
    results = compare(commands, arguments.repeat)
    base = results["mkdocs build (bare, minimal nav)"]
    print(f"{arguments.count} post-mortems, {arguments.repeat} interleaved runs each\n")
    print("| command | median wall time | ratio | peak memory (process tree) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, result in results.items():
        print(f"| `{name}` | {result['median_s']:.1f} s | {result['median_s'] / base['median_s']:.2f}x | "
              f"{result['peak_mb']:.0f} MB | {result['peak_mb'] / base['peak_mb']:.2f}x |")
    ratios = [ours / bare for ours, bare in zip(results["postmortem build"]["runs"], base["runs"])]
    print(f"\nRatio of each interleaved pair of runs: {', '.join(f'{r:.2f}x' for r in ratios)}")


def report_search(latencies: dict[str, list[float]]) -> None:
    print(f"\nSearch in Chromium, time from typing to the first result, queries {', '.join(QUERIES)}:\n")
    print("| site | median | slowest |")
    print("| --- | --- | --- |")
    for name, times in latencies.items():
        print(f"| {name} | {statistics.median(times):.2f} s | {max(times):.2f} s |")


if __name__ == "__main__":
    main()
