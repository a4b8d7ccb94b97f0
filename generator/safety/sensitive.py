"""Finding what must not reach the site in a post-mortem's text: credentials and personal data,
each with its line and column.

Credentials are found by detect-secrets' detectors. Each detector runs only on the lines that hold
one of its literal triggers (a key's prefix, a keyword): their regular expressions are too slow to
run over every line of a large knowledge base, and the triggers cost almost nothing.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Found:
    """Something sensitive in a text: where (1-based), what kind, and the text itself."""

    line: int
    column: int
    kind: str
    text: str


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


def entropy(text: str) -> float:
    """Shannon entropy of `text`, in bits a character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def find_secrets(text: str) -> list[Found]:
    """Credentials in `text`: cloud and service keys, tokens, private keys, passwords in URLs, and
    high-entropy values assigned to secret-like names (`password: ...`, `API_TOKEN="..."`)."""
    lowered = text.lower()
    active = [(detector, triggers) for detector, triggers in DETECTORS if any(t in lowered for t in triggers)]
    keyword = any(name in lowered for name in SECRET_NAMES)
    if not active and not keyword:
        return []
    found = []
    for number, (line, low) in enumerate(zip(text.split("\n"), lowered.split("\n")), start=1):
        for detector, triggers in active:
            if any(t in low for t in triggers):
                found += _located(line, number, detector.secret_type, detector.analyze_string(line))
        if keyword and any(name in low for name in SECRET_NAMES):
            values = {value for table in (CONFIG_DENYLIST_REGEX_TO_GROUP, QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)
                      for value in _KEYWORD.analyze_string(line, table)}
            found += _located(line, number, "secret assigned to a secret-like name",
                              (v for v in values if len(v) >= MIN_SECRET_LENGTH and entropy(v) >= MIN_ENTROPY))
    return _first_per_place(found)


def _located(line: str, number: int, kind: str, values: Iterable[str]) -> list[Found]:
    return [Found(number, line.find(value) + 1, kind, value) for value in values if value and value in line]


def _first_per_place(found: list[Found]) -> list[Found]:
    """One finding per line and column (two detectors may report the same text)."""
    seen: dict[tuple[int, int], Found] = {}
    for item in found:
        seen.setdefault((item.line, item.column), item)
    return sorted(seen.values(), key=lambda f: (f.line, f.column))


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b")
#: Domains that name nobody (RFC 2606 and 6761).
RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "example", "test", "invalid", "localhost")
CARD = re.compile(r"(?<![\d.,-])(?:\d[ -]?){12,18}\d(?![\d,-]|\.\d)")
#: The first digits of the card networks (Visa, Mastercard, American Express, Discover, JCB, Diners).
CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6011|65|35|36|30[0-5])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
PHONE = re.compile(r"\+\d[\d ().-]{6,20}\d")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


def find_personal_data(text: str, own_domains: Iterable[str] = ()) -> list[Found]:
    """Personal data in `text`: e-mail addresses outside `own_domains` (and their subdomains),
    card numbers (Luhn-checked), IBANs (checksum-checked), phone numbers in international format and
    public IP addresses."""
    allowed = tuple(domain.lower().lstrip("@.") for domain in own_domains) + RESERVED_DOMAINS
    shape = text.encode("utf-8", "replace").translate(_SHAPE)
    searches = [
        ("@" in text, EMAIL, "e-mail address", lambda m: not _within(m[1].lower(), allowed)),
        (any(gate in shape for gate in CARD_GATES), CARD, "card number", lambda m: _card(m[0])),
        (b"AA00" in shape, IBAN, "IBAN", lambda m: iban_valid(m[0])),
        ("+" in text, PHONE, "phone number", lambda m: _phone(m[0])),
        (IPV4_GATE.search(text), IPV4, "public IP address", lambda m: _public_ip(m[0])),
        (IPV6_GATE.search(text), IPV6, "public IP address", lambda m: _public_ip(m[0])),
    ]
    found = []
    for gate, pattern, kind, accept in searches:
        if gate:
            found += [Found(*line_and_column(text, m.start()), kind, m[0]) for m in pattern.finditer(text) if accept(m)]
    return _first_per_place(found)


#: The shape of a text for the cheap tests that decide which searches run: digits become 0, capital
#: letters A, spaces and dashes -.
_SHAPE = bytes.maketrans(b"0123456789 -ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"0000000000--" + b"A" * 26)
CARD_GATES = (b"0000-0000-0000", b"0000-000000-0000", b"0000000000000")
IPV4_GATE = re.compile(r"\.\d{1,3}\.\d")
IPV6_GATE = re.compile(r":[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:")


def _within(domain: str, allowed: tuple[str, ...]) -> bool:
    return any(domain == a or domain.endswith("." + a) for a in allowed)


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum of card numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    return 13 <= len(digits) <= 19 and bool(CARD_PREFIX.match(digits)) and luhn_valid(digits)


def iban_valid(text: str) -> bool:
    """Whether `text` (spaces allowed) passes the IBAN checksum (ISO 13616, mod 97)."""
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _phone(text: str) -> bool:
    import phonenumbers  # imported on the first candidate only: most post-mortems have none

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, None))
    except phonenumbers.NumberParseException:
        return False


def _public_ip(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).is_global
    except ValueError:
        return False


def masked(text: str) -> str:
    """`text` with all but its first and last characters hidden, for messages that quote a finding."""
    if len(text) <= 6:
        return "*" * len(text)
    return text[:3] + "…" + text[-2:]
