"""The screenshots of docs/screenshots/ and the README, made from this repository's sample by the
real build (internal and public sites) in Debian's Chromium, so that they stay true:

    python docs/screenshots.py [--today 2026-11-26]

Writes home, a post-mortem, the trends, a team page and the header search panel, light and dark,
at 1280 px wide (the first screen of each, 1280 x 900), and the public page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

REPOSITORY = Path(__file__).resolve().parent.parent
OUTPUT = REPOSITORY / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PAGES = {"home": "", "postmortem": "postmortems/2026/2026-03-13-payment-api-outage/", "trends": "trends/",
         "team": "teams/payments/", "search": ""}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


def _serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _build(root: Path, today: str) -> None:
    postmortem = str(Path(sys.executable).with_name("postmortem"))
    for extra in ([], ["--public"]):
        subprocess.run([postmortem, "--root", str(root), "build", "--today", today, *extra], check=True)


def _open_search(page) -> None:
    page.locator(".pm-header-search__input").click()
    page.keyboard.type("pool")
    page.locator('.pm-header-search__panel[data-query="pool"] .pm-result-link').first.wait_for(timeout=10_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", default="2026-11-26", type=lambda text: dt.date.fromisoformat(text).isoformat())
    today = parser.parse_args().today
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copy(REPOSITORY / "postmortem.yml", root)
        shutil.copytree(REPOSITORY / "postmortems", root / "postmortems")
        _build(root, today)
        internal, internal_url = _serve(root / "site")
        public, public_url = _serve(root / "site-public")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(internal_url + path)
                    page.wait_for_load_state("load")
                    if name == "search":
                        _open_search(page)
                    page.screenshot(path=str(OUTPUT / f"{name}-{scheme}.png"))
                page.goto(public_url)
                page.screenshot(path=str(OUTPUT / f"public-{scheme}.png"))
                context.close()
            browser.close()
        internal.shutdown()
        public.shutdown()
    print(f"Wrote {len(list(OUTPUT.glob('*.png')))} screenshots into {OUTPUT.relative_to(REPOSITORY)}/")


if __name__ == "__main__":
    main()
