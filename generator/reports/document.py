"""Documents for readers outside the site (customers, a board): a Markdown report as one HTML page
that fetches nothing (its styles inline, its charts as inline SVG), and that page printed to PDF by
Chromium's headless print."""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import PostmortemError

#: Where a chart goes in a report's Markdown: a paragraph of its own, `[[figure:NAME]]`.
FIGURE = "[[figure:{name}]]"
#: Chromium's names on Debian, Ubuntu and elsewhere; POSTMORTEM_CHROMIUM names another binary.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT_SECONDS = 120

STYLE = """
body { font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; margin: 0; }
main { max-width: 46rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.45rem; margin: 0 0 .3rem; } h2 { font-size: 1.1rem; margin: 1.1rem 0 .4rem; }
p, ol, ul { margin: .4rem 0; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; font-size: .92em; }
th, td { border-bottom: 1px solid #ddd; padding: .2rem .45rem; text-align: left; vertical-align: top; }
th { background: #f5f5f7; } figure { margin: .4rem 0; text-align: center; }
figure svg { max-width: 100%; max-height: 46mm; width: auto; height: auto; }
.pm-legend { display: flex; justify-content: center; gap: 1rem; list-style: none; padding: 0; margin: .1rem 0 0; font-size: .85em; }
.pm-legend li { display: flex; align-items: center; gap: .3rem; }
@page { size: A4; margin: 12mm; } @media print { main { margin: 0; max-width: none; padding: 0; } h2 { break-after: avoid; } }
"""

def html_page(title: str, markdown_text: str, language: str, figures: dict[str, str] | None = None) -> str:
    """A standalone HTML page of `markdown_text` (raw HTML in it is shown as text, not run), with
    each `[[figure:NAME]]` paragraph replaced by the SVG `figures[NAME]`."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown_text)
    for name, svg in (figures or {}).items():
        body = body.replace(f"<p>{html.escape(FIGURE.format(name=name))}</p>", f"<figure>{svg}</figure>")
    return (f'<!doctype html>\n<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n"
            "</body>\n</html>\n")


def chromium_binary() -> str:
    """The Chromium to print with. Raises PostmortemError when there is none."""
    named = os.environ.get("POSTMORTEM_CHROMIUM")
    found = shutil.which(named) if named else next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if not found:
        raise PostmortemError("printing a PDF needs Chromium: install it (Debian: apt-get install chromium), set "
                              "POSTMORTEM_CHROMIUM to its path, or write --format html and print that page")
    return found


def pdf_of(page: str) -> bytes:
    """The HTML `page` printed to PDF (A4) by headless Chromium. Raises PostmortemError."""
    binary = chromium_binary()
    with tempfile.TemporaryDirectory(prefix="postmortem-pdf-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(page, encoding="utf-8")
        command = [binary, "--headless", "--disable-gpu", "--no-pdf-header-footer", f"--user-data-dir={folder}/profile",
                   f"--print-to-pdf={target}", source.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise PostmortemError(f"Chromium did not print the PDF within {PRINT_TIMEOUT_SECONDS} s") from None
        if done.returncode != 0 or not target.is_file():
            detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise PostmortemError(f"Chromium could not print the PDF (exit {done.returncode}): {detail}")
        return target.read_bytes()
