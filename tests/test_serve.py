"""`postmortem serve`: a real server process that rebuilds when a post-mortem changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .test_site import copy_knowledge_base

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


@pytest.fixture
def server(tmp_path: Path):
    root = copy_knowledge_base(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(root), "serve", "--port", str(port), "--today", "2026-11-26"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    source.write_text(source.read_text().replace("title: Payment API unavailable for 47 minutes",
                                                 "title: Payment API down for 47 minutes"))
    wait_for(lambda: "Payment API down for 47 minutes" in (fetch(base + PAGE) or ""))
    config = root / "postmortem.yml"
    config.write_text(config.read_text().replace("    name: Payments API", "    name: Payment platform"))
    wait_for(lambda: "Payment platform" in (fetch(base + "services/") or ""))
    assert process.poll() is None


def test_a_broken_edit_keeps_the_last_good_site(server) -> None:
    root, base, process = server
    source = root / "postmortems/2026/2026-03-13-payment-api-outage.md"
    source.write_text(source.read_text().replace("status: published", "status: finished"))
    time.sleep(6)
    assert "Payment API unavailable for 47 minutes" in fetch(base + PAGE)
    source.write_text(source.read_text().replace("status: finished", "status: published")
                      .replace("title: Payment API unavailable for 47 minutes", "title: Fixed again"))
    wait_for(lambda: "Fixed again" in (fetch(base + PAGE) or ""))
    process.terminate()
    _, errors = process.communicate(timeout=30)
    assert "2026-03-13-payment-api-outage.md:3:1: PM102" in errors
    assert "Error: build stopped: 1 error to fix first" in errors
