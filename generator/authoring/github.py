"""Reading GitHub issues through the REST API (`actions sync`), with the standard library's urllib:
`GET /repos/{owner}/{repo}/issues/{issue_number}`, a token from GITHUB_TOKEN, 5xx answers retried,
rate limits waited out when the wait is short and reported when it is not."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..errors import UsageError

DEFAULT_API_URL = "https://api.github.com"
#: `owner/repo#12`, or an issue's web address (github.com or GitHub Enterprise).
_SHORT = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+)#(?P<number>\d+)$")
_ADDRESS = re.compile(r"^https?://[^/\s]+/(?P<repo>[\w.-]+/[\w.-]+)/issues/(?P<number>\d+)/?(?:[?#]\S*)?$")
#: Pauses before each retry of a 5xx answer, in seconds.
RETRY_PAUSES = (1.0, 2.0, 4.0)
#: The longest wait for a rate limit to reset before giving up, in seconds.
MAX_RATE_LIMIT_WAIT = 60.0


@dataclass(frozen=True)
class IssueRef:
    """A GitHub issue: `owner/repo` and its number."""

    repository: str
    number: int

    def __str__(self) -> str:
        return f"{self.repository}#{self.number}"


def issue_ref(ticket: str, ticket_url: str | None) -> IssueRef | None:
    """The GitHub issue a ticket names, written `owner/repo#12` or as its address, or through a tracker
    of the config whose address is a GitHub issue's (`ticket_url`); None for any other ticket."""
    for text in (ticket.strip(), ticket_url or ""):
        found = _SHORT.match(text) or _ADDRESS.match(text)
        if found:
            return IssueRef(found["repo"], int(found["number"]))
    return None


@dataclass(frozen=True)
class IssueState:
    """What the sync needs of an issue: open or closed, why, and when."""

    state: str
    state_reason: str | None
    closed_at: dt.datetime | None


class TicketUnreadable(Exception):
    """One issue could not be read (deleted, not found, no access); the others still can."""


class GitHubError(UsageError):
    """GitHub cannot be read at all (a refused token, the rate limit, no network): nothing is written."""


class GitHubClient:
    """Reads issues from `api_url` with `token` (none: anonymous, 60 requests an hour)."""

    def __init__(self, api_url: str = DEFAULT_API_URL, token: str | None = None,
                 retry_pauses: tuple[float, ...] = RETRY_PAUSES, max_wait: float = MAX_RATE_LIMIT_WAIT) -> None:
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.retry_pauses = retry_pauses
        self.max_wait = max_wait

    def issue(self, ref: IssueRef) -> IssueState:
        """The state of issue `ref`. Raises TicketUnreadable for this issue alone, GitHubError when
        nothing more can be read."""
        data = self._get(f"/repos/{ref.repository}/issues/{ref.number}", str(ref))
        closed = data.get("closed_at")
        return IssueState(data.get("state", ""), data.get("state_reason"),
                          dt.datetime.fromisoformat(closed.replace("Z", "+00:00")) if closed else None)

    def _get(self, path: str, what: str) -> dict:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                   "User-Agent": "postmortem-kb"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        retries = list(self.retry_pauses)
        while True:
            request = urllib.request.Request(self.api_url + path, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.load(response)
            except urllib.error.HTTPError as error:
                pause = self._pause_for(error, what, retries)
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise GitHubError(f"GitHub's API at {self.api_url} cannot be reached ({reason}): nothing was "
                                  "written") from None
            except ValueError:
                raise TicketUnreadable(f"{what}: GitHub's answer is not JSON") from None
            time.sleep(pause)

    def _pause_for(self, error: urllib.error.HTTPError, what: str, retries: list[float]) -> float:
        """How long to wait before asking again, or the exception that says why not."""
        status, headers = error.code, error.headers
        if status in (403, 429) and (headers.get("retry-after") or headers.get("x-ratelimit-remaining") == "0"):
            wait = _rate_limit_wait(headers)
            if wait > self.max_wait or not retries:
                resets = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
                raise GitHubError(f"GitHub's rate limit is reached until {resets:%H:%M} UTC: run again then, or with "
                                  "a token (GITHUB_TOKEN); nothing was written")
            retries.pop(0)
            return wait
        if status >= 500 and retries:
            return retries.pop(0)
        if status >= 500:
            raise GitHubError(f"GitHub answered {status} for {what}, {len(self.retry_pauses) + 1} times: try again "
                              "later; nothing was written")
        if status == 401:
            raise GitHubError("GitHub refused the token (401): set GITHUB_TOKEN to a token that can read the "
                              "issues; nothing was written")
        if status == 410:
            raise TicketUnreadable(f"{what} was deleted (410): write another ticket, or remove it")
        if status in (403, 404):
            raise TicketUnreadable(f"{what} is not found ({status}): check the ticket, and that the token can "
                                   "read its repository")
        raise TicketUnreadable(f"{what}: GitHub answered {status}")


def _rate_limit_wait(headers) -> float:
    """Seconds until GitHub takes requests again: `retry-after`, else until `x-ratelimit-reset`."""
    if headers.get("retry-after", "").strip().isdigit():
        return float(headers["retry-after"])
    reset = headers.get("x-ratelimit-reset", "")
    if reset.strip().isdigit():
        return max(0.0, int(reset) - time.time())
    return 60.0
