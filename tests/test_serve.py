"""`postmortem serve`: a real server process that rebuilds when a post-mortem changes."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import copy_knowledge_base

PAGE = "postmortems/2026/2026-03-13-payment-api-outage/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("the condition did not hold in time")


class Output:
    """The lines a process writes to a stream, gathered as they come by a thread."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=lambda: self.lines.extend(stream), daemon=True)
        self.thread.start()

    def text(self) -> str:
        return "".join(self.lines)


@pytest.fixture
def server(tmp_path: Path):
    root = copy_knowledge_base(tmp_path)
    port = free_port()
    # In the knowledge base's folder, without --root, as `make serve` runs it.
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port), "--today", "2026-11-26"], cwd=root,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    process.errors = Output(process.stderr)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base + PAGE))
        yield root, base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_edit_shows_up_without_a_restart(server) -> None:
    root, base, process = server
    page = fetch(base + PAGE)
    assert "Payment API unavailable for 47 minutes" in page
    assert "livereload" in page
    source = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    # An editor's swap and backup files change nothing on the site.
    (source.parent / f".{source.name}.swp").write_text("swap")
    (source.parent / f"{source.name}~").write_text(source.read_text())
    source.write_text(source.read_text().replace("title: Payment API unavailable for 47 minutes",
                                                 "title: Payment API down for 47 minutes")
                      .replace("## Summary\n", "## Summary\n\n<script>alert(1)</script> <!-- postmortem: allow PM601 "
                               "the sanitiser's test -->\n"))
    edited = wait_for(lambda: (page := fetch(base + PAGE) or "") and "Payment API down for 47 minutes" in page and page)
    # Its page first, finished like a whole build's: the header card in place, the script dropped.
    assert '<dl class="pm-header">' in edited and "pm-fragment" not in edited
    assert "alert(1)" not in edited
    # Then the pages that list it.
    wait_for(lambda: "Payment API down for 47 minutes" in (fetch(base + "postmortems/") or ""))
    assert "Payment API down for 47 minutes" in fetch(base + "severities/sev1/")
    assert "updated postmortems/2026/2026-03-13-payment-api-outage.md" in process.errors.text()
    assert process.errors.text().count("built ") == 1  # the first build only
    # A new post-mortem rebuilds the whole site.
    new = root / "postmortems/2026/2026-03-13-payment-api-again.md"
    new.write_text(source.read_text().replace("title: Payment API down for 47 minutes", "title: Again"))
    wait_for(lambda: "Again" in (fetch(base + "postmortems/2026/2026-03-13-payment-api-again/") or ""))
    config = root / "postmortem.yml"
    config.write_text(config.read_text().replace("    name: Payments API", "    name: Payment platform"))
    wait_for(lambda: "Payment platform" in (fetch(base + "services/") or ""))
    assert process.poll() is None


def test_open_pages_reload_once_the_edit_is_served(server) -> None:
    # What an open page's script does: ask /livereload for a site newer than the page's, then reload.
    root, base, _ = server
    epoch = re.search(r'\(async \(epoch\) => .*\}\)\("(\d+)"\);</script>\s*</body>', fetch(base + PAGE), re.S)[1]
    answer = []
    waiting = threading.Thread(target=lambda: answer.append(
        urllib.request.urlopen(f"{base}livereload?since={epoch}", timeout=90).read().decode()))
    waiting.start()
    time.sleep(0.5)
    assert answer == []  # nothing changed: the request waits
    source = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    source.write_text(source.read_text().replace("title: Payment API unavailable for 47 minutes",
                                                 "title: Payment API down for 47 minutes"))
    waiting.join(timeout=90)
    assert answer and answer[0] != epoch
    assert "Payment API down for 47 minutes" in fetch(base + PAGE)  # what the reload shows


def test_a_broken_edit_keeps_the_last_good_site(server) -> None:
    root, base, process = server
    source = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    source.write_text(source.read_text().replace("status: published", "status: finished")
                      .replace("title: Payment API unavailable for 47 minutes", "title: Broken edit"))
    # The rebuild has run and failed once the server says so; only then does the page tell anything.
    wait_for(lambda: "Error: build stopped: 1 error to fix first" in process.errors.text())
    assert "2026-03-13-payment-api-outage.md:3:1: PM102" in process.errors.text()
    page = fetch(base + PAGE)
    assert "Payment API unavailable for 47 minutes" in page
    assert "Broken edit" not in page
    source.write_text(source.read_text().replace("status: finished", "status: published")
                      .replace("title: Broken edit", "title: Fixed again"))
    wait_for(lambda: "Fixed again" in (fetch(base + PAGE) or ""))
    assert process.poll() is None


def test_host_chooses_the_address_served(tmp_path: Path) -> None:
    root = copy_knowledge_base(tmp_path, postmortems=False)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "serve", "--host", "127.0.0.2", "--port", str(port),
         "--today", "2026-11-26"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    errors = Output(process.stderr)
    try:
        assert "postmortem" in wait_for(lambda: fetch(f"http://127.0.0.2:{port}/"))
        assert fetch(f"http://127.0.0.1:{port}/") is None
        assert f"Serving on http://127.0.0.2:{port}/ (Ctrl+C to stop)" in errors.text()
    finally:
        process.terminate()
        process.wait(timeout=30)
