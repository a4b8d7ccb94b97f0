"""Customers' personal data in a post-mortem's text, each with its line and column: e-mail
addresses, card numbers, IBANs, phone numbers and public IP addresses, as they are written."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from ..diagnostics import line_and_column
from .findings import Found, first_per_place

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})\b")
#: Domains that name nobody (RFC 2606 and 6761).
RESERVED_DOMAINS = ("example.com", "example.org", "example.net", "example", "test", "invalid", "localhost")
CARD = re.compile(r"(?<![\d.,-])(?:\d[ -]?){11,18}\d(?![\d,-]|\.\d)")
#: The card networks: their issuer ranges (first digits, a range of prefixes of one length) and the
#: lengths of their numbers, from the networks' published IIN tables.
CARD_NETWORKS = [
    ("Visa", [("4", "4")], (13, 16, 19)),
    ("Mastercard", [("51", "55"), ("2221", "2720")], (16,)),
    ("American Express", [("34", "34"), ("37", "37")], (15,)),
    ("Discover", [("6011", "6011"), ("644", "649"), ("65", "65"), ("622126", "622925")], (16, 17, 18, 19)),
    ("Diners Club", [("300", "305"), ("3095", "3095"), ("36", "36"), ("38", "39")], (14, 15, 16, 17, 18, 19)),
    ("JCB", [("3528", "3589")], (16, 17, 18, 19)),
    ("UnionPay", [("62", "62"), ("81", "81")], (14, 15, 16, 17, 18, 19)),
    ("Maestro", [("5018", "5018"), ("5020", "5020"), ("5038", "5038"), ("5893", "5893"), ("6304", "6304"),
                 ("6759", "6759"), ("6761", "6763"), ("56", "58"), ("639", "639"), ("67", "67")],
     tuple(range(12, 20))),
    ("Mir", [("2200", "2204")], (16, 17, 18, 19)),
    ("RuPay", [("60", "60"), ("65", "65"), ("81", "82"), ("508", "508"), ("353", "353"), ("356", "356")], (16,)),
    ("Verve", [("506099", "506198"), ("650002", "650027")], (16, 18, 19)),
    ("Troy", [("9792", "9792")], (16,)),
    ("Elo", [("401178", "401179"), ("438935", "438935"), ("457631", "457632"), ("431274", "431274"),
             ("451416", "451416"), ("457393", "457393"), ("504175", "504175"), ("506699", "506778"),
             ("509000", "509999"), ("627780", "627780"), ("636297", "636297"), ("636368", "636368"),
             ("650031", "650033"), ("650035", "650051"), ("650405", "650439"), ("650485", "650538"),
             ("650541", "650598"), ("650700", "650718"), ("650720", "650727"), ("650901", "650978"),
             ("651652", "651679"), ("655000", "655019"), ("655021", "655058")], (16,)),
    ("Hipercard", [("606282", "606282"), ("3841", "3841")], (16, 19)),
    ("Hiper", [("637095", "637095"), ("637568", "637568"), ("637599", "637599"), ("637609", "637609"),
               ("637612", "637612")], (16,)),
    ("Dankort", [("5019", "5019")], (16,)),
    ("UATP", [("1", "1")], (15,)),
    ("InterPayment", [("636", "636")], (16, 17, 18, 19)),
]
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
#: A run of digits and the separators phone numbers are written with, long enough to be one.
PHONE_GATE = re.compile(r"\d[\d ().-]{5,}\d")
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
#: Written in full, compressed (::), with an IPv4 address in its last 32 bits (::ffff:10.0.0.1), or a zone.
IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})"
                  r"(?:%[\w.-]+)?(?![\w:.])")


def find_personal_data(text: str, own_domains: Iterable[str] = (), country: str | None = None) -> list[Found]:
    """Personal data in `text`: e-mail addresses outside `own_domains` (and their subdomains),
    card numbers of every network (issuer range, length and Luhn checksum), IBANs (checksum-checked),
    phone numbers written internationally or in the national format of `country`, and public IP
    addresses however they are written (an IPv6 address holding an IPv4 one is judged by that one)."""
    allowed = tuple(domain.lower().lstrip("@.") for domain in own_domains) + RESERVED_DOMAINS
    shape = text.encode("utf-8", "replace").translate(_SHAPE)
    ipv6 = [m for m in IPV6.finditer(text)] if IPV6_GATE.search(text) else []
    inside_ipv6 = [range(m.start(), m.end()) for m in ipv6]
    searches = [
        ("@" in text, EMAIL, "e-mail address", lambda m: not _within(m[1].lower(), allowed)),
        (TWELVE_DIGITS in shape.translate(None, b" -"), CARD, "card number", lambda m: card_network(m[0]) is not None),
        (b"AA00" in shape, IBAN, "IBAN", lambda m: iban_valid(m[0])),
        (IPV4_GATE.search(text), IPV4, "public IP address",
         lambda m: not any(m.start() in span for span in inside_ipv6) and _public_ip(m[0])),
    ]
    found = [Found(*line_and_column(text, m.start()), "public IP address", m[0]) for m in ipv6 if _public_ip(m[0])]
    for gate, pattern, kind, accept in searches:
        if gate:
            found += [Found(*line_and_column(text, m.start()), kind, m[0]) for m in pattern.finditer(text) if accept(m)]
    if _may_hold_phone(text):
        found += _phones(text, country)
    return first_per_place(found)


#: The shape of a text for the cheap tests that decide which searches run: digits become 0, capital
#: letters A. The tests are of substrings, which run at memory speed (a regular expression over the
#: digits and separators of every date and time cost 80 us a file).
_SHAPE = bytes.maketrans(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"0" * 10 + b"A" * 26)
#: The shortest card number, in the shape with its spaces and dashes gone.
TWELVE_DIGITS = b"0" * 12
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


def card_network(text: str) -> str | None:
    """The network of a card number (spaces and dashes allowed): its issuer range and length match
    one (the most specific range, when ranges nest), and it passes the Luhn checksum; None otherwise."""
    digits = re.sub(r"\D", "", text)
    if not luhn_valid(digits):
        return None
    matching = [(len(low), network) for network, ranges, lengths in CARD_NETWORKS if len(digits) in lengths
                for low, high in ranges if low <= digits[:len(low)] <= high]
    return max(matching)[1] if matching else None


def iban_valid(text: str) -> bool:
    """Whether `text` (spaces allowed) passes the IBAN checksum (ISO 13616, mod 97)."""
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _may_hold_phone(text: str) -> bool:
    """Whether `text` has a run of digits long enough for a phone number that is not a date or a
    time (every front matter has some)."""
    return any(not DATE_TIME.fullmatch(match[0]) for match in PHONE_GATE.finditer(text))


def _phones(text: str, country: str | None) -> list[Found]:
    """The valid phone numbers the phone library finds on the lines of `text` that may hold one,
    international ones always, national ones in the format of `country`."""
    import phonenumbers  # imported on the first candidate only: most post-mortems have none

    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if _may_hold_phone(line):
            found += [Found(number, match.start + 1, "phone number", match.raw_string)
                      for match in phonenumbers.PhoneNumberMatcher(line, country, leniency=phonenumbers.Leniency.VALID)]
    return found


def _public_ip(text: str) -> bool:
    """Whether `text` is an address on the public internet, judged by the address it denotes: an IPv6
    address holding an IPv4 one (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, 6to4) by that one."""
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and int(address) >> 32 == 0 and int(address) > 1:  # IPv4-compatible, deprecated
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return embedded.is_global
    return address.is_global
