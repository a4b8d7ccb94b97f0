"""The live preview's web server: a built site served over HTTP, each HTML page with a small script
that waits on `/livereload` for a newer build of the site and then reloads the page."""

from __future__ import annotations

import functools
import http.server
import ipaddress
import os
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path

#: Put before `</body>` of every page served, with the site's epoch when the page was read: the
#: server answers once the site is newer (or after POLL_SECONDS, with the same epoch, to ask again).
RELOAD_SCRIPT = """<script>(async (epoch) => {
  for (;;) {
    try {
      const response = await fetch(`/livereload?since=${epoch}`, {cache: "no-store"});
      if ((await response.text()) !== epoch) { location.reload(); return; }
    } catch { await new Promise((resume) => setTimeout(resume, 1000)); }  // the server is restarting
  }
})("%s");</script>"""
POLL_SECONDS = 60


class LiveServer(http.server.ThreadingHTTPServer):
    """Serves the site in `folder` at http://host:port/; `reload` makes the open pages reload."""

    daemon_threads = True

    def __init__(self, folder: Path, host: str, port: int) -> None:
        self.address_family = socket.AF_INET6 if _is_ipv6(host) else socket.AF_INET
        # Milliseconds: a page open before a restart of the server reloads too.
        self.epoch = time.time_ns() // 1_000_000
        self.newer = threading.Condition()
        super().__init__((host, port), functools.partial(_Handler, directory=os.path.abspath(folder)))

    def reload(self) -> None:
        """The site changed: open pages reload."""
        with self.newer:
            self.epoch = max(self.epoch + 1, time.time_ns() // 1_000_000)
            self.newer.notify_all()

    def epoch_after(self, epoch: str) -> str:
        """The site's epoch, once it is not `epoch`, or after POLL_SECONDS."""
        with self.newer:
            self.newer.wait_for(lambda: str(self.epoch) != epoch, timeout=POLL_SECONDS)
            return str(self.epoch)

    def handle_error(self, request, client_address) -> None:
        # A browser that left a page (or a client that timed out) while its answer was being written.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _is_ipv6(host: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:  # a name, such as localhost
        return False


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: LiveServer

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/livereload":
            since = urllib.parse.parse_qs(url.query).get("since", [""])[0]
            return self._send(200, "text/plain; charset=utf-8", self.server.epoch_after(since).encode(), body)
        # Read before the file: a page written after this instant reloads once more, never too few times.
        epoch = str(self.server.epoch)
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not url.path.endswith("/"):
                location = urllib.parse.urlunsplit(("", "", url.path + "/", url.query, ""))
                self.send_response(301)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                return self.end_headers()
            path = os.path.join(path, "index.html")
        if path.endswith(".html") or not os.path.isfile(path):
            return self._page(path, epoch, body)
        return super().do_GET() if body else super().do_HEAD()

    def _page(self, path: str, epoch: str, body: bool) -> None:
        """An HTML page with the reload script; the site's 404 page when there is no such page."""
        status = 200
        if not os.path.isfile(path):
            status, path = 404, os.path.join(self.directory, "404.html")
        try:
            with open(path, "rb") as file:
                content = file.read()
        except OSError:  # no 404 page either
            return self._send(404, "text/plain; charset=utf-8", b"404 Not Found", body)
        end = content.rfind(b"</body>")
        end = len(content) if end < 0 else end
        content = content[:end] + (RELOAD_SCRIPT % epoch).encode() + content[end:]
        self._send(status, "text/html; charset=utf-8", content, body)

    def _send(self, status: int, content_type: str, content: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a page is asked for again after each rebuild
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # the preview says what it rebuilds, not every request
