"""Credentials in a post-mortem's text, each with its line and column: by detect-secrets'
detectors, gitleaks' rule set (`gitleaks`) and the forms people paste (`curl -u`, `Authorization:`
headers, `mysql -p…`, `.netrc` lines, passwords in URLs). Each detector runs only on the lines that
hold one of its literal triggers (a key's prefix, a keyword): their regular expressions are too
slow to run over every line of a large knowledge base, and the triggers cost almost nothing. What
reads as a placeholder says why (`Found.placeholder`).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from typing import NamedTuple

from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.keyword import (
    CONFIG_DENYLIST_REGEX_TO_GROUP,
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    KeywordDetector,
)
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector

from ..diagnostics import line_and_column
from .findings import Found
from .gitleaks import GitleaksRule, KeywordAutomaton, entropy, leaks, lines_holding, rule_keywords

#: detect-secrets' detectors with the lowercase strings one of which a line must hold to be scanned.
DETECTORS = [
    (AWSKeyDetector(), ("akia", "asia", "abia", "acca", "a3t", "aws")),
    (AzureStorageKeyDetector(), ("accountkey=",)),
    (BasicAuthDetector(), ("://",)),
    (GitHubTokenDetector(), ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    (GitLabTokenDetector(), ("glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "gr1348941", "glcbt-", "gloas-",
                             "glagent-", "glimt-", "glptt-")),
    (JwtTokenDetector(), ("eyj",)),
    (NpmDetector(), ("_authtoken",)),
    (OpenAIDetector(), ("t3blbkfj",)),
    (PrivateKeyDetector(), ("private key", "putty-user-key")),
    (PypiTokenDetector(), ("pypi-",)),
    (SendGridDetector(), ("sg.",)),
    (SlackDetector(), ("xox", "hooks.slack.com")),
    (SquareOAuthDetector(), ("sq0csp-",)),
    (StripeDetector(), ("k_live_",)),
]
SECRET_NAMES = ("pass", "pwd", "secret", "token", "api_key", "apikey", "api-key", "credential", "private_key")
_KEYWORD = KeywordDetector()
#: A value assigned to a secret-like name is a credential from this entropy (bits a character) and length.
MIN_ENTROPY = 3.0
MIN_SECRET_LENGTH = 8


def find_secrets(text: str) -> list[Found]:
    """Credentials in `text`: cloud and service keys, tokens, private keys, passwords in URLs and
    command lines, and high-entropy values assigned to secret-like names (`password: ...`,
    `API_TOKEN="..."`), by detect-secrets' detectors and gitleaks' rules; one finding where both
    see the same text. A finding that reads as a placeholder says why (`Found.placeholder`)."""
    awake = lines_holding(_triggers(), text)
    if not awake:
        return []
    found = _detect_secrets(text, awake) + _pasted_forms(text, awake)
    woken_rules = {rule: lines for rule, lines in awake.items() if isinstance(rule, GitleaksRule)}
    found += [Found(*line_and_column(text, leak.start), leak.rule.id.replace("-", " "), leak.secret)
              for leak in leaks(text, woken_rules)]
    return [replace(item, placeholder=placeholder_reason(item, text)) for item in _one_per_span(found)]


@cache
def _triggers() -> KeywordAutomaton:
    """Every literal that wakes a finder, valued with what it wakes: a detect-secrets detector (the
    keyword detector for the secret-like names), a pasted form, a gitleaks rule. One pass over a
    text then says which finders to run on which lines. A detector is named by its place in
    DETECTORS (the keyword detector's is just after the last): detect-secrets' are not hashable."""
    woken_by: dict[str, list] = {}
    for index, (_, triggers) in enumerate(DETECTORS):
        for trigger in triggers:
            woken_by.setdefault(trigger, []).append(index)
    for name in SECRET_NAMES:
        woken_by.setdefault(name, []).append(len(DETECTORS))
    for form in PASTED_FORMS:
        woken_by.setdefault(form.trigger, []).append(form)
    for keyword, rules in rule_keywords().items():
        woken_by.setdefault(keyword, []).extend(rules)
    return KeywordAutomaton(woken_by)


def _detect_secrets(text: str, awake: dict) -> list[Found]:
    """detect-secrets' detectors, each on the lines that hold one of its triggers."""
    lines = text.split("\n")
    found = []
    for index, numbers in awake.items():
        if not isinstance(index, int):
            continue
        for number in sorted(numbers):
            line = lines[number]
            if index < len(DETECTORS):
                detector = DETECTORS[index][0]
                found += _located(line, number + 1, detector.secret_type, detector.analyze_string(line))
                continue
            values = {value for table in (CONFIG_DENYLIST_REGEX_TO_GROUP, QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)
                      for value in _KEYWORD.analyze_string(line, table)}
            found += _located(line, number + 1, "secret assigned to a secret-like name",
                              (v for v in values if len(v) >= MIN_SECRET_LENGTH and entropy(v) >= MIN_ENTROPY))
    return found


#: Where credentials stand in what people paste: a literal that wakes the pattern, the kind, and a
#: pattern whose first group is the credential. RFC 3986 lets a URL's user information hold
#: unreserved characters, percent-escapes and sub-delimiters (`!$&'()*+,;=`).
class PastedForm(NamedTuple):
    trigger: str
    kind: str
    pattern: re.Pattern


PASTED_FORMS = [PastedForm(*form) for form in (
    ("authorization", "authorization header",
     re.compile(r"(?i)\bauthorization\s*[:=]\s*[\"']?(?:bearer|basic|token|digest|apikey)\s+([\w.~+/=-]{12,})")),
    ("://", "password in a URL",
     re.compile(r"\b[a-zA-Z][\w+.-]*://[^\s:/?#@\"'<>]*:([\w.~!$&'()*+,;=%-]{4,})@[\w.\[-]")),
    ("-p", "password on a database client's command line",
     re.compile(r"\b(?:mysql|mysqldump|mysqladmin|mariadb|psql)\b[^\n]*?\s(?:-p|--password=)(?![\s-])(\S{6,})")),
    ("password", ".netrc password", re.compile(r"\bmachine\s+\S+\s+(?:login\s+\S+\s+)?password\s+(\S{6,})")),
)]
#: Below this entropy (bits a character) a pasted form's value is a word, not a credential.
MIN_PASTED_ENTROPY = 2.5


def _pasted_forms(text: str, awake: dict) -> list[Found]:
    found = []
    for form in PASTED_FORMS:
        if form in awake:
            found += [Found(*line_and_column(text, match.start(1)), form.kind, match[1])
                      for match in form.pattern.finditer(text) if entropy(match[1]) >= MIN_PASTED_ENTROPY]
    return found


def _one_per_span(found: list[Found]) -> list[Found]:
    """One finding where several overlap on a line: the first to start; at a tie, the one that says
    most (a service's own format, then a pasted form, then a value under a secret's name), and
    among those detect-secrets' before gitleaks' (the order they were found in)."""
    forms = {form.kind for form in PASTED_FORMS}
    kept: list[Found] = []
    for item in sorted(found, key=lambda f: (f.line, f.column, f.kind in PROBABLE, f.kind in forms)):
        if not any(k.line == item.line and k.column <= item.column < k.column + max(len(k.text), 1) for k in kept):
            kept.append(item)
    return kept


#: Values that name a credential rather than hold one.
PLACEHOLDER_VALUES = frozenset({"password", "passwd", "pass", "secret", "token", "changeit", "admin", "root",
                                "letmein", "hunter2", "qwerty", "apikey", "api_key", "key"})
#: Kinds found by a name and an entropy rather than a service's own format: probably a credential,
#: so a warning, where a format a service issues is an error.
PROBABLE = ("secret assigned to a secret-like name", "generic api key")
#: What a credential left as a placeholder reads as: these words, or a template's variable.
PLACEHOLDER_WORDS = ("example", "changeme", "change_me", "placeholder", "dummy", "redacted", "your_", "your-",
                     "yourkey", "xxxx", "insert", "replace", "fake", "sample", "<", "${", "{{", "%s", "...", "…")
#: A private key's body: base64 lines of some length.
KEY_BODY = re.compile(r"^[A-Za-z0-9+/=]{40,}$", re.M)


def placeholder_reason(found: Found, text: str) -> str | None:
    """Why a finding reads as a placeholder rather than a credential, or None: one character
    repeated, a run of x or *, a placeholder's word, a template variable, a private-key block
    without a key's body."""
    value = found.text
    compact = re.sub(r"[\W_]", "", value)
    lowered = value.lower()
    body = re.sub(r"^[a-z0-9]{2,9}[_-]", "", lowered)  # without a service's prefix (ghp_, glpat-, xoxb-)
    if "private key" in found.kind.lower() or "BEGIN" in value:
        after = text.split("\n")[found.line - 1:found.line + 40]
        key_block = "\n".join(line.strip() for line in after[1:])
        if not KEY_BODY.search(key_block.split("-----END", 1)[0]):
            return "the block holds no key, only its markers"
        return None
    if compact and len(set(compact.lower())) == 1:
        return "it is one character repeated"
    line = text.split("\n")[found.line - 1]
    if re.match(r"[#*xX•.]{4,}", line[found.column - 1 + len(value):]):
        return "it ends in a mask (####…)"
    if found.kind in JWT_KINDS and not _decodes_as_jwt(value):
        return "its header does not decode as a JSON Web Token's"
    if re.search(r"[xX*]{4,}", value) and len(re.findall(r"[xX*]", value)) * 2 >= len(compact):
        return "it is mostly x or *"
    if lowered.strip("'\"") in PLACEHOLDER_VALUES:
        return f"it is the word {lowered!r}"
    word = next((word for word in PLACEHOLDER_WORDS if word in lowered), None)
    if word:
        return f"it holds {word!r}"
    if counting := COUNTING.search(body):
        return f"it counts ({counting[0][:8]}…)"
    if _repeating(re.sub(r"[\W_]", "", body)):
        return "it repeats a short pattern"
    if lowered.startswith("xox") and len(value) < SLACK_TOKEN_LENGTH:
        return f"it is shorter than a Slack token ({len(value)} characters)"
    if words := _as_words(body):
        return f"it reads as words ({', '.join(words[:3])})"
    return None


#: The shortest Slack token: `xoxb-`, two numbers of ten digits or more, and twenty-four characters.
SLACK_TOKEN_LENGTH = 40
#: Six letters or digits in their order, a sign of a made-up value (abcdef, 123456).
COUNTING = re.compile("|".join(f"{alphabet[i:i + 6]}" for alphabet in ("abcdefghijklmnopqrstuvwxyz", "0123456789")
                               for i in range(len(alphabet) - 5)))
#: Words that made-up credentials are written with; a value mostly of these reads as words.
WORDS = frozenset(["access", "account", "admin", "api", "app", "are", "auth", "bot", "check", "checking", "client", "config", "configuration", "correct", "exactly", "hello", "here", "initial", "is", "key", "length", "long", "longer", "my", "new", "not", "password", "prefix", "pretty", "private", "random", "real", "secret", "service", "slack", "string", "test", "testing", "testin", "token", "tokens", "user", "value", "world", "your"])


#: The kinds that name a JSON Web Token, in gitleaks' rules and detect-secrets' detectors.
JWT_KINDS = ("jwt", "JSON Web Token")


def _decodes_as_jwt(value: str) -> bool:
    """Whether the first part of `value` is base64url of a JSON object, as a token's header is."""
    header = value.split(".", 1)[0]
    try:
        return isinstance(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))), dict)
    except ValueError:
        return False


def _repeating(value: str) -> bool:
    """Whether a unit of one to four characters repeated runs twelve characters or half of `value`
    (123412341234…), which a random value almost never does."""
    return any(len(match[0]) >= 12 or len(match[0]) * 2 >= len(value) >= 16
               for match in re.finditer(r"(\w{1,4}?)\1{2,}", value))


def _as_words(value: str) -> list[str]:
    """The words of WORDS that make up at least two thirds of the letters of `value`, at least two
    of them, or nothing."""
    letters = re.findall(r"[a-z]+", value)
    words: list[str] = []
    for run in letters:
        best: list[list[str] | None] = [[]] + [None] * len(run)  # best[i]: words covering run[:i]
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - 13), end):
                if best[start] is not None and run[start:end] in WORDS:
                    candidate = best[start] + [run[start:end]]
                    if best[end] is None or len(candidate) < len(best[end]):
                        best[end] = candidate
        covered = max((i for i in range(len(run) + 1) if best[i] is not None), default=0)
        words += best[covered] or []
    total = sum(map(len, letters))
    return words if len(words) >= 2 and sum(map(len, words)) * 3 >= total * 2 else []


#: The characters a token is written with: what follows a detector's match is still the token.
TOKEN = re.compile(r"[\w.~+/=-]+")


def _located(line: str, number: int, kind: str, values: Iterable[str]) -> list[Found]:
    """Each value where it is on its line, as the whole token there (some detectors give only a
    prefix, `ghp`, where the token is `ghp_…`)."""
    found = []
    for value in values:
        start = line.find(value) if value else -1
        if start != -1 and not (start and line[start - 1].isalnum() and value[0].isalnum()):  # not inside a word
            token = TOKEN.match(line, start)
            found.append(Found(number, start + 1, kind, token[0] if token and len(token[0]) > len(value) else value))
    return found
