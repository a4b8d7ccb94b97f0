"""Benchmark of `postmortem build` against a bare MkDocs-Material build, and of search in Chromium.

    python benchmarks/bench_build.py [--count 10000 ...] [--repeat 3] [--search-only | --no-search]

With several counts (`--count 100 1000 10000`), the builds are compared at each size in turn.

The corpus is benchmarks/corpus/<count>-v<version>/ (written by corpus.py, kept between runs). The bare build
is `mkdocs build` of the same post-mortem files, copied as they are into a docs folder with an index
page, a minimal nav and the Material theme with its defaults (its built-in search included). Both
run cold, as whole processes, interleaved: each run on a fresh copy of its folder, on a file system
made for it (see measure.py). Then both sites are built once more, served on 127.0.0.1, and Debian's
Chromium measures, for a few queries on the home page, the time from the query's last key to its
first result on screen, in a new browser context per query: typed as a reader types, and pasted.
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
    bare = root.with_name(f"bare-{root.name}")
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


#: A brisk typist's interval between keys (about 100 words a minute).
KEY_INTERVAL_MS = 120


def _time_query(page, url: str, site: dict, query: str, typed: bool) -> float:
    """Seconds from the query's last key to its first result on screen, on a freshly loaded page:
    the search field opened with its key, then the query typed at KEY_INTERVAL_MS a key (`typed`),
    or pasted at once (the index then loads while the reader waits)."""
    page.goto(url)
    page.locator(site["field"]).first.wait_for()
    page.keyboard.press(site["key"])
    if typed:
        page.keyboard.type(query[:-1], delay=KEY_INTERVAL_MS)
        time.sleep(KEY_INTERVAL_MS / 1000)
        started = time.monotonic()
        page.keyboard.press(query[-1])
    else:
        started = time.monotonic()
        page.keyboard.insert_text(query)
    page.locator(site["result"].format(query=query)).first.wait_for(timeout=60_000)
    return time.monotonic() - started


def search_latency(browser, url: str, site: dict) -> dict[str, list[float]]:
    """Each query on a freshly loaded page in a new browser context (an empty HTTP cache), typed
    when the site tells which results belong to the whole query, and pasted."""
    found: dict[str, list[float]] = {}
    for mode in ("typed", "pasted") if site["typed"] else ("pasted",):
        found[mode] = []
        for query in QUERIES:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            found[mode].append(_time_query(context.new_page(), url, site, query, mode == "typed"))
            context.close()
    return found


#: How each site opens its search, and what its first result of a query is. Material's search
#: shows the results of the query typed so far and tells none of them apart, so it is only pasted.
SITES = {
    "postmortem build: header search (Pagefind)": {
        "field": ".pm-header-search__input", "key": "/", "typed": True,
        "result": '.pm-header-search__panel[data-query="{query}"] .pm-result-link'},
    "bare MkDocs: Material search": {
        "field": "input.md-search__input", "key": "/", "typed": False, "result": ".md-search-result__item"},
}


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
        for (name, site), folder in zip(SITES.items(), (ours, bare)):
            server, url = _serve(folder)
            servers.append(server)
            found[name] = search_latency(browser, url, site)
        browser.close()
    for server in servers:
        server.shutdown()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, nargs="+", default=[10_000], help="post-mortems (several: each size in turn)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--search-only", action="store_true", help="measure search on the sites already built")
    parser.add_argument("--no-search", action="store_true", help="compare the builds only")
    parser.add_argument("--zensical", action="store_true", help="also time `postmortem build` with engine: zensical")
    arguments = parser.parse_args()
    for count in arguments.count:
        root, bare = prepare(count)
        if not arguments.search_only:
            compare_builds(root, bare, count, arguments)
        if not arguments.no_search:
            build_for_search(root, bare)
            report_search(measure_search(root / "site", bare / "site"))


def compare_builds(root: Path, bare: Path, count: int, arguments) -> None:
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
    print(f"\n{count} post-mortems, {arguments.repeat} interleaved pairs of cold runs, each on "
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
    print(f"\nSearch in Chromium on the home page, cold (a new browser context a query), from the query's "
          f"last key to its first result, queries {', '.join(QUERIES)}:\n")
    print("| site | query | median | slowest |")
    print("| --- | --- | --- | --- |")
    for name, modes in latencies.items():
        for mode, times in modes.items():
            how = f"typed, {KEY_INTERVAL_MS} ms a key" if mode == "typed" else "pasted once the page is loaded"
            print(f"| {name} | {how} | {statistics.median(times):.2f} s | {max(times):.2f} s |")


if __name__ == "__main__":
    main()
