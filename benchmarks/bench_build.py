"""Benchmark of `postmortem build` against a bare MkDocs-Material build, and of search in Chromium.

    python benchmarks/bench_build.py [--count 10000] [--repeat 3] [--search-only]

The corpus is benchmarks/corpus/<count>/ (written by corpus.py, kept between runs). The bare build
is `mkdocs build` of the same post-mortem files, copied as they are into a docs folder with an index
page, a minimal nav and the Material theme with its defaults (its built-in search included). Both
run cold, as whole processes, interleaved: each run on a fresh copy of its folder, on a file system
made for it (see measure.py). Then both sites are built once more, served on 127.0.0.1, and Debian's
Chromium measures, for a few queries, the time from typing the query to the first result on screen,
cold (a new browser context per query) and warm (the queries again in a context that has run them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import ensure_corpus  # noqa: E402
from measure import FreshCopy, compare, pair_ratios  # noqa: E402

TODAY = dt.date(2026, 11, 26).isoformat()
QUERIES = ["saturation", "certificate", "rollout", "gateway", "replica"]
BARE_CONFIG = "site_name: bare\ntheme:\n  name: material\n  font: false\nnav:\n  - index.md\n"


def prepare(count: int) -> tuple[Path, Path]:
    root = ensure_corpus(count)
    for output in ("build", "site"):  # the runs copy this folder: nothing of an earlier build goes along
        shutil.rmtree(root / output, ignore_errors=True)
    # As `init` leaves a knowledge base: the build makes its site configuration and reference pages.
    (root / "mkdocs.yml").unlink(missing_ok=True)
    shutil.rmtree(root / "docs", ignore_errors=True)
    bare = HERE / "corpus" / f"bare-{count}"
    if not (bare / "mkdocs.yml").exists():
        shutil.rmtree(bare, ignore_errors=True)
        shutil.copytree(root / "postmortems", bare / "docs" / "postmortems",
                        ignore=shutil.ignore_patterns("_templates"))
        (bare / "docs" / "index.md").write_text("# Post-mortems\n")
        (bare / "mkdocs.yml").write_text(BARE_CONFIG)
    shutil.rmtree(bare / "site", ignore_errors=True)
    return root, bare


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _time_query(page, url: str, field: str, result: str, query: str) -> float:
    page.goto(url)
    page.locator(field).first.wait_for()
    started = time.monotonic()
    page.locator(field).first.fill(query)
    page.locator(result).first.wait_for(timeout=60_000)
    return time.monotonic() - started


def search_latency(browser, url: str, field: str, result: str) -> dict[str, list[float]]:
    """Seconds from typing each query to its first result on a freshly loaded page: cold, each query
    in a new browser context (empty HTTP cache); warm, every query in one context that has already
    run them all once (its cache holds the search index and the chunks those queries load)."""
    viewport = {"width": 1280, "height": 900}
    cold = []
    for query in QUERIES:
        context = browser.new_context(viewport=viewport)
        cold.append(_time_query(context.new_page(), url, field, result, query))
        context.close()
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    for query in QUERIES:
        _time_query(page, url, field, result, query)
    warm = [_time_query(page, url, field, result, query) for query in QUERIES]
    context.close()
    return {"cold": cold, "warm": warm}


def measure_search(ours: Path, bare: Path) -> dict[str, dict[str, list[float]]]:
    """Search latencies on both sites, in a 1280 x 900 window where the header search field shows."""
    sys.path.insert(0, str(REPOSITORY / "tests"))
    from browser import chromium_path
    from playwright.sync_api import sync_playwright

    found = {}
    servers = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        server, url = _serve(ours)
        servers.append(server)
        found["postmortem build: Pagefind"] = search_latency(browser, url + "search/", "#pm-search input",
                                                             ".pagefind-ui__result-link")
        server, url = _serve(bare)
        servers.append(server)
        found["bare MkDocs: Material search"] = search_latency(browser, url, "input.md-search__input",
                                                               ".md-search-result__item")
        browser.close()
    for server in servers:
        server.shutdown()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--search-only", action="store_true", help="measure search on the sites already built")
    parser.add_argument("--zensical", action="store_true", help="also time `postmortem build` with engine: zensical")
    arguments = parser.parse_args()
    root, bare = prepare(arguments.count)
    if not arguments.search_only:
        compare_builds(root, bare, arguments)
    build_for_search(root, bare)
    report_search(measure_search(root / "site", bare / "site"))


def compare_builds(root: Path, bare: Path, arguments) -> None:
    bin_dir = Path(sys.executable).parent
    scratch = Path(tempfile.gettempdir()) / "postmortem-bench-build"
    ours, theirs = FreshCopy(root, scratch / "ours"), FreshCopy(bare, scratch / "bare")
    commands = {
        "mkdocs build (bare, minimal nav)": theirs.command(
            [str(bin_dir / "mkdocs"), "build", "-q", "-f", str(theirs.target / "mkdocs.yml")]),
        "postmortem build": ours.command([str(bin_dir / "postmortem"), "--root", str(ours.target), "build",
                                          "--today", TODAY]),
    }
    if arguments.zensical:
        zensical = scratch / "zensical-source"
        if not (zensical / "postmortem.yml").exists():
            shutil.copytree(root, zensical, dirs_exist_ok=True)
            with (zensical / "postmortem.yml").open("a", encoding="utf-8") as config:
                config.write("engine: zensical\n")  # the corpus's config sets no engine
        zensical_copy = FreshCopy(zensical, scratch / "ours-zensical")
        commands["postmortem build (engine: zensical)"] = zensical_copy.command(
            [str(bin_dir / "postmortem"), "--root", str(zensical_copy.target), "build", "--today", TODAY])
    results = compare(commands, arguments.repeat)
    base = results["mkdocs build (bare, minimal nav)"]
    print(f"{arguments.count} post-mortems, {arguments.repeat} interleaved pairs of cold runs, each on "
          f"{ours.describe()}\n")
    print("| command | median wall time | ratio | peak memory (process tree, PSS) | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, result in results.items():
        print(f"| `{name}` | {result['median_s']:.1f} s | {result['median_s'] / base['median_s']:.2f}x | "
              f"{result['peak_mb']:.0f} MB | {result['peak_mb'] / base['peak_mb']:.2f}x |")
    ratios = pair_ratios(results["postmortem build"], base)
    print(f"\nRatio of each interleaved pair of runs: {', '.join(f'{r:.2f}x' for r in ratios)}")
    for name, result in results.items():
        print(f"Runs of `{name}`: {', '.join(f'{run:.1f} s' for run in result['runs'])}")


def build_for_search(root: Path, bare: Path) -> None:
    """Both sites, built once more in their folders for the search measurements (not timed)."""
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "postmortem"), "--root", str(root), "build", "--today", TODAY], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(bin_dir / "mkdocs"), "build", "-q", "-f", str(bare / "mkdocs.yml")], check=True)


def report_search(latencies: dict[str, dict[str, list[float]]]) -> None:
    print(f"\nSearch in Chromium, time from typing to the first result, queries {', '.join(QUERIES)}:\n")
    print("| site | cold median | cold slowest | warm median | warm slowest |")
    print("| --- | --- | --- | --- | --- |")
    for name, times in latencies.items():
        print(f"| {name} | {statistics.median(times['cold']):.2f} s | {max(times['cold']):.2f} s | "
              f"{statistics.median(times['warm']):.2f} s | {max(times['warm']):.2f} s |")


if __name__ == "__main__":
    main()
