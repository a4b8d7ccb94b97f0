"""A local HTTP server that answers as GitHub's REST API documents it, for the paths a test gives:
`GET /repos/{owner}/{repo}/issues/{issue_number}` (an issue object: number, state, state_reason,
closed_at), the pull-request calls of the weekly workflow (`GET /repos/{owner}/{repo}/pulls?head=`,
`POST /repos/{owner}/{repo}/pulls`, `PATCH /repos/{owner}/{repo}/pulls/{pull_number}`), and the
errors GitHub gives (404, 410 Gone, 5xx, 401, rate limits with their headers). The only stand-in of
the suite: everything else is real."""

from __future__ import annotations

import http.server
import json
import threading
from dataclasses import dataclass, field


def issue(number: int, state: str = "open", state_reason: str | None = None, closed_at: str | None = None,
          repository: str = "acme/app") -> dict:
    """An issue object with the fields of GitHub's reference ("Get an issue") that matter here."""
    return {"id": 1000 + number, "node_id": f"I_{number}", "number": number, "title": f"Issue {number}",
            "url": f"https://api.github.com/repos/{repository}/issues/{number}",
            "html_url": f"https://github.com/{repository}/issues/{number}", "state": state,
            "state_reason": state_reason, "closed_at": closed_at, "locked": False, "comments": 0,
            "created_at": "2026-03-02T15:00:00Z", "updated_at": closed_at or "2026-03-02T15:00:00Z"}


@dataclass
class Answer:
    status: int = 200
    body: object = None
    headers: dict = field(default_factory=dict)


@dataclass
class FakeGitHub:
    """Answers by (method, path without query): a list is answered in order, its last answer then
    repeated. `requests` records (method, path with query, Authorization header, JSON body)."""

    routes: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    url: str = ""

    def answer(self, method: str, path: str, *answers: Answer | dict | list) -> None:
        self.routes[(method, path)] = [a if isinstance(a, Answer) else Answer(200, a) for a in answers]


def start(github: FakeGitHub):
    """Serve `github` on a free port of 127.0.0.1; returns the server (shut it down after)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            sent = json.loads(self.rfile.read(length)) if length else None
            github.requests.append((method, self.path, self.headers.get("Authorization"), sent))
            queue = github.routes.get((method, self.path.split("?")[0]))
            if not queue:
                queue = [Answer(404, {"message": "Not Found",
                                      "documentation_url": "https://docs.github.com/rest", "status": "404"})]
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
            data = json.dumps(answer.body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def do_PATCH(self) -> None:
            self._answer("PATCH")

        def log_message(self, format, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    github.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server
