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

import math
import re
import tomllib
import warnings
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: Gitleaks' default configuration, shipped beside this module.
RULE_SET = Path(__file__).with_name("gitleaks.toml")


@dataclass(frozen=True)
class Allowlist:
    regexes: tuple[re.Pattern, ...]
    stopwords: tuple[str, ...]
    target: str  # what the regexes are matched against: "secret", "match" or "line"
    every: bool  # condition AND: the regexes and the stopwords must all say so

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
    regex: re.Pattern
    keywords: tuple[str, ...]
    entropy: float
    secret_group: int
    allowlists: tuple[Allowlist, ...]


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
    return Allowlist(tuple(re.compile(python_pattern(regex)) for regex in entry.get("regexes", [])),
                     tuple(word.lower() for word in entry.get("stopwords", [])), entry.get("regexTarget", "secret"),
                     entry.get("condition", "OR").upper() == "AND")


@cache
def rules() -> tuple[tuple[GitleaksRule, ...], Allowlist]:
    """Gitleaks' rules that look at text (not at file paths), and its global allow-list."""
    with warnings.catch_warnings():  # RE2's `[[` is a bracket in a class; Python warns it may nest one day
        warnings.simplefilter("ignore", FutureWarning)
        return _read_rules()


def _read_rules() -> tuple[tuple[GitleaksRule, ...], Allowlist]:
    config = tomllib.loads(RULE_SET.read_text("utf-8"))
    found = []
    for rule in config["rules"]:
        if "regex" not in rule:
            continue
        lists = tuple(_allowlist(entry) for entry in rule.get("allowlists", []) if "paths" not in entry)
        found.append(GitleaksRule(rule["id"], rule.get("description", rule["id"]), re.compile(python_pattern(rule["regex"])),
                                  tuple(word.lower() for word in rule.get("keywords", [])), rule.get("entropy", 0.0),
                                  rule.get("secretGroup", 0), lists))
    return tuple(found), _allowlist(config["allowlist"])


@cache
def _keyword_finder() -> tuple[re.Pattern, dict[str, list[GitleaksRule]]]:
    """A pattern that finds, at every place, the longest keyword starting there (a lookahead:
    places overlap); and for each keyword, the rules it wakes: its own and those of the keywords
    that begin it (`api` is in `apikey`)."""
    by_keyword: dict[str, list[GitleaksRule]] = {}
    for rule in rules()[0]:
        for keyword in rule.keywords:
            by_keyword.setdefault(keyword, []).append(rule)
    waking = {keyword: [rule for prefix in by_keyword if keyword.startswith(prefix) for rule in by_keyword[prefix]]
              for keyword in by_keyword}
    return re.compile(f"(?=({_trie_pattern(sorted(by_keyword))}))"), waking


def _trie_pattern(words: list[str]) -> str:
    """One pattern for all of `words`, their common prefixes written once (`xox(?:a|b|p)`): Python's
    `re` tries an alternation's branches one after the other, a prefix tree's letters once."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


def _multiline(rule: GitleaksRule) -> bool:
    """Whether a rule's pattern can match across lines (a key block, a command continued)."""
    return any(token in rule.regex.pattern for token in (r"\n", r"\s\S", r"[\r\n]", r"\r"))


def leaks(text: str) -> list[Leak]:
    """The secrets gitleaks' rules find in `text`. One pass of every keyword says which rules may;
    each then runs on the lines that hold one of its keywords (a rule whose pattern spans lines, on
    the whole text)."""
    finder, waking = _keyword_finder()
    lowered = text.lower()
    awake = {id(rule): rule for keyword in set(finder.findall(lowered)) for rule in waking[keyword]}
    if not awake:
        return []
    everywhere = rules()[1]
    lines = lowered.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    found = []
    for rule in awake.values():
        if _multiline(rule):
            matches = list(rule.regex.finditer(text))
        else:
            matches = [match for number, line in enumerate(lines) if any(keyword in line for keyword in rule.keywords)
                       for match in rule.regex.finditer(text, starts[number], starts[number] + len(line))]
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
