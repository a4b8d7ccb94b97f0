"""Gitleaks' rule set, run in Python: the credentials of some two hundred services, each a regular
expression with its keywords, its minimum entropy and its allow-lists.

The rules are gitleaks' own default configuration (`gitleaks.toml` beside this module, MIT, from
gitleaks/gitleaks at the commit named in its first line), read as gitleaks reads them: a rule runs
only on a text holding one of its keywords; its secret is its `secretGroup`, or else its first
non-empty group; a secret at or under the rule's entropy, or that an allow-list (the rule's or the
global one) matches, is no finding. Gitleaks writes Go's RE2 syntax; `python_pattern` converts the
two forms Python's `re` reads otherwise.
"""

from __future__ import annotations

import bisect
import math
import re
import tomllib
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import ahocorasick_rs

_NEWLINE = re.compile("\n")
#: Gitleaks' default configuration, shipped beside this module.
RULE_SET = Path(__file__).with_name("gitleaks.toml")


@dataclass(frozen=True)
class Allowlist:
    patterns: tuple[str, ...]
    stopwords: tuple[str, ...]
    target: str  # what the regexes are matched against: "secret", "match" or "line"
    every: bool  # condition AND: the regexes and the stopwords must all say so

    @cached_property
    def regexes(self) -> tuple[re.Pattern, ...]:
        return tuple(_compiled(pattern) for pattern in self.patterns)

    def allows(self, secret: str, match: str, line: str) -> bool:
        target = {"match": match, "line": line}.get(self.target, secret)
        tests = []
        if self.regexes:
            tests.append(any(regex.search(target) for regex in self.regexes))
        if self.stopwords:
            tests.append(any(word in secret.lower() for word in self.stopwords))
        return bool(tests) and (all(tests) if self.every else any(tests))


@dataclass(frozen=True)
class GitleaksRule:
    id: str
    description: str
    pattern: str
    keywords: tuple[str, ...]
    entropy: float
    secret_group: int
    allowlists: tuple[Allowlist, ...]
    #: Whether the pattern can match across lines (a key block, a command continued): such a rule
    #: reads the whole text, any other the lines that hold its keywords.
    multiline: bool

    @cached_property
    def regex(self) -> re.Pattern:
        """The rule's pattern, compiled the first time a text wakes the rule: most rules never wake
        in a knowledge base, and compiling all 221 took 0.15 s of every run."""
        return _compiled(self.pattern)


def _compiled(pattern: str) -> re.Pattern:
    with warnings.catch_warnings():  # RE2's `[[` is a bracket in a class; Python warns it may nest one day
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(pattern)


@dataclass(frozen=True)
class Leak:
    """A secret a rule found: its offset in the text, the rule, and the secret."""

    start: int
    rule: GitleaksRule
    secret: str


def python_pattern(pattern: str) -> str:
    """A Go RE2 pattern as Python's `re` reads it: `\\z` is `\\Z`, and a flag group in the middle of
    a pattern (`p8e-(?i)[a-z0-9]{32}`), which Go applies to the rest of its group, becomes a scoped
    group over that rest."""
    pattern = pattern.replace(r"\z", r"\Z")
    while (start := pattern.find("(?i)", 1)) != -1:
        end = _group_end(pattern, start + 4)
        pattern = f"{pattern[:start]}(?i:{pattern[start + 4:end]}){pattern[end:]}"
    return pattern


def _group_end(pattern: str, index: int) -> int:
    """Where the group enclosing `index` closes (or the pattern's end)."""
    depth, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1:index + 2] == "]":
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    return index


def _allowlist(entry: dict) -> Allowlist:
    return Allowlist(tuple(python_pattern(regex) for regex in entry.get("regexes", [])),
                     tuple(word.lower() for word in entry.get("stopwords", [])), entry.get("regexTarget", "secret"),
                     entry.get("condition", "OR").upper() == "AND")


@cache
def rules() -> tuple[tuple[GitleaksRule, ...], Allowlist]:
    """Gitleaks' rules that look at text (not at file paths), and its global allow-list."""
    config = tomllib.loads(RULE_SET.read_text("utf-8"))
    found = []
    for rule in config["rules"]:
        if "regex" not in rule:
            continue
        lists = tuple(_allowlist(entry) for entry in rule.get("allowlists", []) if "paths" not in entry)
        pattern = python_pattern(rule["regex"])
        found.append(GitleaksRule(rule["id"], rule.get("description", rule["id"]), pattern,
                                  tuple(word.lower() for word in rule.get("keywords", [])), rule.get("entropy", 0.0),
                                  rule.get("secretGroup", 0), lists,
                                  any(token in pattern for token in (r"\n", r"\s\S", r"[\r\n]", r"\r"))))
    return tuple(found), _allowlist(config["allowlist"])


class KeywordAutomaton:
    """An Aho-Corasick automaton of lowercase keywords, each valued with what it wakes: it finds
    every keyword's places in a text in one pass (overlapping ones too: `api` in `apikey`).
    ahocorasick-rs scans a post-mortem in a quarter of pyahocorasick's time (21 us against 84)."""

    def __init__(self, woken_by: dict[str, list]):
        self._automaton = ahocorasick_rs.AhoCorasick(list(woken_by))
        self._woken = [tuple(woken) for woken in woken_by.values()]

    def places(self, text: str) -> list[tuple[int, tuple]]:
        """Where each keyword of `text` (lowercase) starts, with what it wakes."""
        return [(start, self._woken[index])
                for index, start, _ in self._automaton.find_matches_as_indexes(text, overlapping=True)]


def lines_holding(automaton: KeywordAutomaton, text: str) -> dict:
    """What the keywords of `text` wake, each with the lines (0-based) its keywords are on."""
    places = automaton.places(text.lower())
    if not places:
        return {}
    newlines = [match.start() for match in _NEWLINE.finditer(text)]
    found: dict = {}
    for start, woken in places:
        line = bisect.bisect_left(newlines, start)
        for item in woken:
            found.setdefault(item, set()).add(line)
    return found


def rule_keywords() -> dict[str, list[GitleaksRule]]:
    """The rules' keywords, each with the rules it wakes."""
    by_keyword: dict[str, list[GitleaksRule]] = {}
    for rule in rules()[0]:
        for keyword in rule.keywords:
            by_keyword.setdefault(keyword, []).append(rule)
    return by_keyword


def leaks(text: str, awake: dict[GitleaksRule, set[int]]) -> list[Leak]:
    """The secrets gitleaks' rules find in `text`, given the rules its keywords woke and the lines
    (0-based) they are on (`lines_holding` of an automaton of `rule_keywords`): each rule runs on those
    lines (a rule whose pattern spans lines, on the whole text)."""
    if not awake:
        return []
    everywhere = rules()[1]
    bounds = [-1, *(match.start() for match in _NEWLINE.finditer(text)), len(text)]
    found = []
    for rule, lines in awake.items():
        if rule.multiline:
            matches = list(rule.regex.finditer(text))
        else:
            matches = [match for line in sorted(lines)
                       for match in rule.regex.finditer(text, bounds[line] + 1, bounds[line + 1])]
        for match in matches:
            secret, start = _secret(rule, match)
            if not secret or (rule.entropy and entropy(secret) <= rule.entropy):
                continue
            end = text.find("\n", start)
            line = text[text.rfind("\n", 0, start) + 1:end if end != -1 else len(text)]
            if any(allowlist.allows(secret, match[0], line) for allowlist in (everywhere, *rule.allowlists)):
                continue
            found.append(Leak(start, rule, secret))
    return found


def _secret(rule: GitleaksRule, match: re.Match) -> tuple[str, int]:
    if rule.secret_group and rule.secret_group <= (match.re.groups or 0):
        return match[rule.secret_group] or "", match.start(rule.secret_group)
    for group in range(1, (match.re.groups or 0) + 1):
        if match[group]:
            return match[group], match.start(group)
    return match[0], match.start()


def entropy(text: str) -> float:
    """Shannon entropy of `text`, in bits a character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
