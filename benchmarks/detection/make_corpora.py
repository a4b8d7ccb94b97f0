"""Regenerate the detection corpora (the `*.jsonl` files beside this script) from other projects'
published test suites.

    .venv/bin/python benchmarks/detection/make_corpora.py --mirrors DIR

DIR holds one git directory a repository, as `DIR/<owner>+<name>/repo` (a bare mirror) or
`DIR/<owner>+<name>/.git` (a clone): gitleaks/gitleaks, Yelp/detect-secrets, cure53/DOMPurify,
braintree/credit-card-type and arthurdejong/python-stdnum. Each file is read from the commit the
directory's HEAD names, and that commit is written into every record (`source`). The phone numbers
come from the phonenumbers package installed in the virtual environment (its example number for each
region), the IP addresses and the log lines from the lists in this script. The benchmark itself
reads only the stored `*.jsonl` files.

One record a line: {"family", "expect", "text", "source", "kind"} and, where the text holds a value
drawn at random from the suite's own regular expression (gitleaks' `secrets.NewSecret`), "drawn":
true. `expect` is "fire" (the suite says a scanner must find it), "quiet" (it must not) or
"sanitiser" (an HTML fixture: fire when the site's sanitiser changes it, quiet when it keeps it).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import random
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from unittest import mock

from generator.safety.personal import luhn_valid

try:
    import re._parser as sre_parse  # Python 3.11+
    from re import _constants as sre_constants
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

HERE = Path(__file__).resolve().parent

#: The credential families SECURITY.md names, by gitleaks rule id (exact id or prefix + "-").
GITLEAKS_FAMILIES = {
    "aws": "AWS", "azure": "Azure", "github": "GitHub", "gitlab": "GitLab", "slack": "Slack",
    "stripe": "Stripe", "private-key": "private key", "jwt": "JWT", "npm-access-token": "npm",
    "pypi-upload-token": "PyPI", "openai-api-key": "OpenAI", "sendgrid-api-token": "SendGrid",
    "square-access-token": "Square", "square-secret": "Square", "generic-api-key": "secret-like name",
}
#: The same families, by detect-secrets test module.
DETECT_SECRETS_FAMILIES = {
    "aws_key_test": "AWS", "azure_storage_key_test": "Azure", "basic_auth_test": "password in URL",
    "github_token_test": "GitHub", "gitlab_token_test": "GitLab", "jwt_test": "JWT", "npm_test": "npm",
    "openai_test": "OpenAI", "private_key_test": "private key", "pypi_token_test": "PyPI",
    "sendgrid_test": "SendGrid", "slack_test": "Slack", "square_oauth_test": "Square",
    "stripe_key_test": "Stripe", "keyword_test": "secret-like name",
}
#: detect-secrets test modules left out: they test the scanner's machinery, not example lines.
DETECT_SECRETS_SKIPPED = {"base_test", "high_entropy_strings_test", "ip_public_test"}


class Repository:
    """One fetched repository: files read at the commit its HEAD names."""

    def __init__(self, mirrors: Path, name: str) -> None:
        folder = mirrors / name.replace("/", "+")
        self.git_dir = next((p for p in (folder / "repo", folder / ".git", folder) if (p / "HEAD").exists()), None)
        if self.git_dir is None:
            raise SystemExit(f"no git directory for {name} under {folder}")
        self.name = name
        self.commit = self._git("rev-parse", "HEAD").decode().strip()

    def _git(self, *arguments: str) -> bytes:
        return subprocess.run(["git", f"--git-dir={self.git_dir}", *arguments], check=True,
                              capture_output=True).stdout

    def read(self, path: str) -> str:
        return self._git("show", f"{self.commit}:{path}").decode("utf-8")

    def files(self, folder: str) -> list[str]:
        return sorted(self._git("ls-tree", "--name-only", self.commit, folder.rstrip("/") + "/").decode().split())

    def extract(self, target: Path, *paths: str) -> None:
        with tarfile.open(fileobj=BytesIO(self._git("archive", self.commit, *paths))) as archive:
            archive.extractall(target, filter="data")

    def source(self, path: str) -> str:
        return f"{self.name}@{self.commit}:{path}"


# --- gitleaks: the `tps` and `fps` of every rule, evaluated from its Go source --------------------

class Unsupported(Exception):
    """A Go expression this small evaluator does not know (a loop variable, a package-level value)."""


_GO_TOKEN = re.compile(r"""(?P<skip>[ \t\r]+|//[^\n]*|/\*.*?\*/)|(?P<nl>\n)|(?P<raw>`[^`]*`)|(?P<str>"(?:\\.|[^"\\\n])*")
    |(?P<rune>'(?:\\.|[^'\\])+')|(?P<ident>[A-Za-z_]\w*)|(?P<num>\d[\w.]*)
    |(?P<op>\.\.\.|:=|==|!=|&&|\|\||\+=|\+\+|<-|[-+*/%&|^<>=!(){}\[\],;.:])""", re.S | re.X)
_ENDS_STATEMENT = {"ident", "raw", "str", "rune", "num"}


def go_tokens(source: str) -> list[tuple[str, str]]:
    """Go tokens as (kind, text), with Go's automatic semicolons at the ends of lines."""
    tokens: list[tuple[str, str]] = []
    for match in _GO_TOKEN.finditer(source):
        kind = match.lastgroup
        if kind == "skip":
            if match[0].startswith("/*") and "\n" in match[0]:
                kind = "nl"
            else:
                continue
        if kind == "nl":
            if tokens and (tokens[-1][0] in _ENDS_STATEMENT or tokens[-1][1] in (")", "]", "}", "++")):
                tokens.append(("op", ";"))
            continue
        tokens.append((kind, match[0]))
    return tokens


def go_string(token: str) -> str:
    if token.startswith("`"):
        return token[1:-1].replace("\r", "")
    return ast.literal_eval(token)  # Go's escapes in a double-quoted string are Python's


class SecretDrawer:
    """Strings matching a regular expression, drawn as gitleaks' `secrets.NewSecret` does (its
    generator repeats `*`, `+` and open ranges at most once past their minimum), from a seeded
    generator so that the corpus is the same at every run."""

    WORD = [chr(c) for c in range(48, 58)] + [chr(c) for c in range(65, 91)] + [chr(c) for c in range(97, 123)] + ["_"]
    PRINTABLE = [chr(c) for c in range(33, 127)]

    def __init__(self, seed: str) -> None:
        self.random = random.Random(seed)

    def draw(self, pattern: str) -> str:
        pattern = pattern.replace(r"\z", r"\Z").replace("[[:alnum:]]", "[A-Za-z0-9]")
        try:
            parsed = sre_parse.parse(pattern)
        except Exception as error:
            raise Unsupported(f"regex {pattern!r}: {error}") from error
        return self._sequence(parsed)

    def _sequence(self, items) -> str:
        return "".join(self._item(op, value) for op, value in items)

    def _item(self, op, value) -> str:
        c = sre_constants
        if op == c.LITERAL:
            return chr(value)
        if op == c.NOT_LITERAL:
            return self.random.choice([ch for ch in self.WORD if ord(ch) != value])
        if op == c.ANY:
            return self.random.choice(self.WORD)
        if op == c.IN:
            return self.random.choice(self._characters(value))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, high, items = value
            high = low + 1 if high == c.MAXREPEAT else high
            return "".join(self._sequence(items) for _ in range(self.random.randint(low, high)))
        if op == c.SUBPATTERN:
            return self._sequence(value[-1])
        if op == c.BRANCH:
            return self._sequence(self.random.choice(value[1]))
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return ""
        if op == c.CATEGORY:
            return self.random.choice(self._category(value))
        raise Unsupported(f"regex operation {op}")

    def _category(self, category) -> list[str]:
        c = sre_constants
        return {c.CATEGORY_DIGIT: list("0123456789"), c.CATEGORY_WORD: self.WORD, c.CATEGORY_SPACE: [" "],
                c.CATEGORY_NOT_SPACE: self.WORD, c.CATEGORY_NOT_DIGIT: self.WORD[10:],
                c.CATEGORY_NOT_WORD: list("-.:/")}.get(category) or self._unsupported(category)

    def _unsupported(self, what):
        raise Unsupported(f"regex category {what}")

    def _characters(self, items) -> list[str]:
        c = sre_constants
        chosen: set[str] = set()
        negate = False
        for op, value in items:
            if op == c.NEGATE:
                negate = True
            elif op == c.LITERAL:
                chosen.add(chr(value))
            elif op == c.RANGE:
                chosen.update(chr(code) for code in range(value[0], value[1] + 1))
            elif op == c.CATEGORY:
                chosen.update(self._category(value))
            else:
                raise Unsupported(f"regex class item {op}")
        if negate:
            return [ch for ch in self.PRINTABLE if ch not in chosen]
        return sorted(chosen)


#: utils.GenerateSampleSecrets' templates (gitleaks cmd/generate/config/utils/generate.go), read
#: from the file at the commit used; here only their names' order is fixed (Go's map order varies).
def sample_templates(repository: Repository) -> dict[str, str]:
    source = repository.read("cmd/generate/config/utils/generate.go")
    body = source[source.index("func GenerateSampleSecrets"):]
    body = body[body.index("samples := map[string]string{"):body.index("replacer :=")]
    tokens = go_tokens(body)
    templates = {}
    for index, (kind, text) in enumerate(tokens):
        if kind in ("str", "raw") and index + 2 < len(tokens) and tokens[index + 1][1] == ":" \
                and tokens[index + 2][0] in ("str", "raw"):
            templates[go_string(text)] = go_string(tokens[index + 2][1])
    return dict(sorted(templates.items()))


class GoRule:
    """Evaluates the statements of one gitleaks rule function that build its examples."""

    PATTERNS = {"Numeric": "[0-9]{%s}", "Hex": "[a-f0-9]{%s}", "AlphaNumeric": "[a-z0-9]{%s}",
                "AlphaNumericExtendedShort": "[a-z0-9_-]{%s}", "AlphaNumericExtended": r"[a-z0-9=_\-]{%s}",
                "AlphaNumericExtendedLong": r"[a-z0-9\/=_\+\-]{%s}"}

    def __init__(self, tokens: list[tuple[str, str]], templates: dict[str, str], drawer: SecretDrawer) -> None:
        self.tokens, self.templates, self.drawer = tokens, templates, drawer
        self.env: dict[str, object] = {}
        self.skipped = 0
        self.position = 0

    # Values are (text, drawn) pairs or lists of them.
    def run(self) -> tuple[list, list] | None:
        tokens = self.tokens
        index = 0
        while index < len(tokens):
            kind, text = tokens[index]
            if text == "Validate" and index and tokens[index - 1][1] == "." and tokens[index + 1][1] == "(":
                self.position = index + 2
                try:
                    self.position = self._element_end(self.position) + 1  # past the rule itself
                    tps = self._expression()
                    self._expect(",")
                    fps = self._expression() if tokens[self.position][1] != "nil" else []
                except Unsupported:
                    return None
                return self._list(tps), self._list(fps)
            if kind == "ident" and index + 1 < len(tokens) and tokens[index + 1][1] in (":=", "=") \
                    and (index == 0 or tokens[index - 1][1] in (";", "{", "(", "var")):
                self.position = index + 2
                try:
                    self.env[text] = self._expression()
                except Unsupported:
                    self.env.pop(text, None)
            index += 1
        return None

    def _list(self, value) -> list:
        if isinstance(value, tuple):
            return [value]
        return list(value)

    def _peek(self) -> str:
        return self.tokens[self.position][1]

    def _next(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _expect(self, text: str) -> None:
        if self._next()[1] != text:
            raise Unsupported(f"expected {text}")

    def _skip_semicolons(self) -> None:
        while self._peek() == ";":
            self.position += 1

    def _expression(self):
        value = self._term()
        while self._peek() == "+":
            self.position += 1
            self._skip_semicolons()
            right = self._term()
            if not (isinstance(value, tuple) and isinstance(right, tuple)):
                raise Unsupported("+ of non-strings")
            value = (value[0] + right[0], value[1] or right[1])
        return value

    def _term(self):
        kind, text = self._next()
        if kind in ("str", "raw"):
            return (go_string(text), False)
        if text == "(":
            value = self._expression()
            self._expect(")")
            return value
        if text == "[":
            self._expect("]")
            self._expect("string")
            return self._composite()
        if kind == "num":
            return (text, False)
        if kind != "ident":
            raise Unsupported(f"token {text}")
        name = text
        while self._peek() == ".":
            self.position += 1
            name += "." + self._next()[1]
        if self._peek() == "(":
            self.position += 1
            return self._call(name, self._arguments())
        if name in self.env:
            return self.env[name]
        raise Unsupported(f"name {name}")

    def _composite(self) -> list:
        self._expect("{")
        items: list = []
        depth_start = self.position
        while True:
            self._skip_semicolons()
            if self._peek() == "}":
                self.position += 1
                return items
            start = self.position
            try:
                value = self._expression()
                items += self._list(value)
            except Unsupported:
                self.skipped += 1
                self.position = self._element_end(start)
            self._skip_semicolons()
            if self._peek() == ",":
                self.position += 1
            elif self._peek() != "}":
                raise Unsupported(f"composite near {depth_start}")

    def _element_end(self, start: int) -> int:
        """Where the list element starting at `start` ends (its `,` or the list's `}`)."""
        depth, index = 0, start
        while True:
            if index >= len(self.tokens):
                raise Unsupported("unbalanced element")
            kind, text = self.tokens[index]
            if kind == "op" and text in ("(", "[", "{"):
                depth += 1
            elif kind == "op" and text in (")", "]", "}"):
                if depth == 0:
                    return index
                depth -= 1
            elif text == "," and depth == 0:
                return index
            index += 1

    def _arguments(self) -> list:
        arguments: list = []
        while True:
            self._skip_semicolons()
            if self._peek() == ")":
                self.position += 1
                return arguments
            start = self.position
            try:
                value = self._expression()
                if self._peek() == "...":
                    self.position += 1
                    arguments.append(("spread", value))
                else:
                    arguments.append(value)
            except Unsupported:
                self.position = self._element_end(start)
                arguments.append(Unsupported)
            self._skip_semicolons()
            if self._peek() == ",":
                self.position += 1

    def _call(self, name: str, arguments: list):
        if name == "append":
            base = arguments[0]
            if base is Unsupported:
                raise Unsupported("append to an unknown list")
            items = self._list(base)
            for argument in arguments[1:]:
                if argument is Unsupported:
                    self.skipped += 1
                elif isinstance(argument, tuple) and argument and argument[0] == "spread":
                    items += self._list(argument[1])
                else:
                    items += self._list(argument)
            return items
        if any(argument is Unsupported for argument in arguments):
            raise Unsupported(f"argument of {name}")
        strings = [argument for argument in arguments if isinstance(argument, tuple) and argument[0] != "spread"]
        short = name.rsplit(".", 1)[-1]
        if short in self.PATTERNS:
            return (self.PATTERNS[short] % strings[0][0], False)
        if short == "Hex8_4_4_4_12":
            return ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", False)
        if name == "secrets.NewSecret":
            return (self.drawer.draw(strings[0][0]), True)
        if name == "utils.GenerateSampleSecret":
            identifier, secret = strings
            return (f'{identifier[0]}_api_token = "{secret[0]}"', secret[1])
        if name == "utils.GenerateSampleSecrets":
            identifier, secret = strings
            return [(template.replace("{i}", identifier[0]).replace("{I}", identifier[0].upper())
                     .replace("{s}", secret[0]), secret[1]) for template in self.templates.values()]
        if name == "fmt.Sprintf":
            form, *values = strings
            if len(values) != len(re.findall(r"%[sdv]", form[0])):
                raise Unsupported("Sprintf arguments")
            parts = iter(values)
            text = re.sub(r"%[sdv]", lambda m: next(parts)[0], form[0].replace("%%", "\0")).replace("\0", "%")
            return (text, form[1] or any(v[1] for v in values))
        if name == "strings.Repeat":
            return (strings[0][0] * int(strings[1][0]), strings[0][1])
        raise Unsupported(f"call {name}")


def package_level(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The tokens of a Go file outside its functions' bodies (its package-level `var` blocks)."""
    kept, index = [], 0
    while index < len(tokens):
        if tokens[index][1] == "func":
            while tokens[index][1] != "{":
                index += 1
            index += len(function_body(tokens[index:])) + 2
            continue
        kept.append(tokens[index])
        index += 1
    return kept


def function_body(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The tokens inside the braces that open `tokens`."""
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if kind == "op" and text == "{":
            depth += 1
        elif kind == "op" and text == "}":
            depth -= 1
            if depth == 0:
                return tokens[1:index]
    return tokens[1:]


def gitleaks_family(rule_id: str) -> str:
    for key, family in GITLEAKS_FAMILIES.items():
        if rule_id == key or rule_id.startswith(key + "-") and key not in ("private-key", "jwt"):
            return family
    if rule_id in ("jwt-base64",):
        return "JWT"
    return "other"


def gitleaks_records(repository: Repository, report: list[str]) -> Iterator[dict]:
    templates = sample_templates(repository)
    folder = "cmd/generate/config/rules"
    skipped_rules, skipped_items = [], 0
    for path in repository.files(folder):
        if not path.endswith(".go") or path.endswith("_test.go"):
            continue
        source = repository.read(path)
        package = GoRule(package_level(go_tokens(source)), templates, SecretDrawer(path))
        package.run()
        for match in re.finditer(r"^func (\w+)\(\) \*config\.Rule \{", source, re.M):
            tokens = function_body(go_tokens(source[match.end() - 1:]))
            rule_id = next((go_string(tokens[i + 2][1]) for i in range(len(tokens) - 2)
                            if tokens[i][1] == "RuleID" and tokens[i + 1][1] == ":"), match[1])
            if any(text == "ValidateWithPaths" for _, text in tokens):
                skipped_rules.append(f"{rule_id} (file-name rule)")
                continue
            rule = GoRule(tokens, templates, SecretDrawer(f"{path}:{match[1]}"))
            rule.env.update(package.env)
            examples = rule.run()
            skipped_items += rule.skipped
            if examples is None:
                skipped_rules.append(rule_id)
                continue
            family = gitleaks_family(rule_id)
            for expect, items in zip(("fire", "quiet"), examples):
                for text, drawn in items:
                    record = {"family": family, "expect": expect, "text": text, "kind": rule_id,
                              "source": repository.source(path)}
                    if drawn:
                        record["drawn"] = True
                    yield record
    report.append(f"gitleaks: rules not evaluated: {', '.join(skipped_rules) or 'none'}; "
                  f"{skipped_items} list items left out (built in loops or from package-level values)")


# --- detect-secrets: the parametrized cases of tests/plugins -------------------------------------

def detect_secrets_records(repository: Repository, report: list[str]) -> Iterator[dict]:
    work = Path(tempfile.mkdtemp(prefix="detect-secrets-"))
    repository.extract(work, "detect_secrets", "testing", "tests")
    sys.path.insert(0, str(work))
    # Only the tests of the verification against live services use `responses`: a stand-in will do.
    sys.modules.setdefault("responses", mock.MagicMock())
    for name in [m for m in list(sys.modules) if m == "detect_secrets" or m.startswith("detect_secrets.")]:
        del sys.modules[name]
    try:
        for path in repository.files("tests/plugins"):
            module_name = Path(path).stem
            if not module_name.endswith("_test") or module_name in DETECT_SECRETS_SKIPPED:
                continue
            try:
                module = importlib.import_module(f"tests.plugins.{module_name}")
            except Exception as error:  # a test module needing what is not installed
                report.append(f"detect-secrets: {path} not imported ({error})")
                continue
            family = DETECT_SECRETS_FAMILIES.get(module_name, "other")
            seen = set()
            for test_name, names, values in _parametrized(module):
                for text, expect in _cases(test_name, names, values):
                    if (text, expect) in seen or not isinstance(text, str):
                        continue
                    seen.add((text, expect))
                    yield {"family": family, "expect": expect, "text": text, "kind": f"{module_name}::{test_name}",
                           "source": repository.source(path)}
    finally:
        sys.path.remove(str(work))


def _parametrized(module) -> Iterator[tuple[str, list[str], list]]:
    pending = [module]
    while pending:
        holder = pending.pop(0)
        for attribute, value in vars(holder).items():
            if isinstance(value, type):
                pending.append(value)
            for mark in getattr(value, "pytestmark", []) if callable(value) else []:
                if mark.name == "parametrize":
                    names = [n.strip() for n in mark.args[0].split(",")] if isinstance(mark.args[0], str) \
                        else list(mark.args[0])
                    yield attribute, names, list(mark.args[1])


def _cases(test_name: str, names: list[str], values: list) -> Iterator[tuple[str, str]]:
    """(text, expect) of one parametrized test: a payload with `should_flag`, a keyword line with
    the secret it must find (or None), or payloads a test asserts are all found."""
    rows = [value if isinstance(value, (tuple, list)) else (value,) for value in values]
    text_name = next((n for n in names if n in ("payload", "line", "file_content")), None)
    if text_name is None:
        return
    at = names.index(text_name)
    for row in rows:
        row = getattr(row, "values", row)  # pytest.param
        if "should_flag" in names:
            yield row[at], "fire" if row[names.index("should_flag")] else "quiet"
        elif "expected_secret" in names:
            yield row[at], "fire" if row[names.index("expected_secret")] else "quiet"
        elif len(names) == 1 and test_name in ("test_analyze", "test_basic"):
            yield row[at], "fire"


# --- DOMPurify: the payloads of its fixtures ----------------------------------------------------

def dompurify_records(repository: Repository, report: list[str]) -> Iterator[dict]:
    path = next(p for p in ("test/fixtures/expect.mjs", "test/fixtures/expect.js")
                if p in repository.files("test/fixtures"))
    source = repository.read(path)
    start, end = source.index("["), source.rindex("]")
    fixtures = json.loads(re.sub(r",(\s*[\]}])", r"\1", source[start:end + 1]))
    seen = set()
    for fixture in fixtures:
        payload = fixture["payload"]
        if payload in seen:
            continue
        seen.add(payload)
        yield {"family": "XSS", "expect": "sanitiser", "text": payload, "kind": fixture.get("title", ""),
               "source": repository.source(path)}


# --- cards, IBANs ------------------------------------------------------------------------------

CARD_GROUPS = {"american-express": (4, 6, 5), "diners-club": (4, 6, 4)}


def card_records(repository: Repository, report: list[str]) -> Iterator[dict]:
    """Every whole card number (12 digits or more) of credit-card-type's tests, written compact, in
    groups with spaces and with dashes; those failing the Luhn check are not card numbers."""
    path = "src/__tests__/index.ts"
    seen = set()
    for number, network in re.findall(r'\[\s*"(\d{12,19})",\s*"([a-z-]+)"\s*\]', repository.read(path)):
        if (number, network) in seen:
            continue
        seen.add((number, network))
        groups = CARD_GROUPS.get(network, (4,) * 5)
        parts, rest = [], number
        for size in groups:
            if rest:
                parts.append(rest[:size])
                rest = rest[size:]
        if rest:
            parts.append(rest)
        valid = luhn_valid(number)
        for form, text in (("compact", number), ("spaces", " ".join(parts)), ("dashes", "-".join(parts))):
            yield {"family": f"card: {network}" if valid else "card: fails the Luhn check",
                   "expect": "fire" if valid else "quiet", "text": text, "kind": form,
                   "source": repository.source(path)}


def iban_records(repository: Repository, report: list[str]) -> Iterator[dict]:
    """The IBANs python-stdnum's tests list as valid, and those they list as invalid."""
    path = "tests/test_iban.doctest"
    text = repository.read(path)
    for block in re.finditer(r">>> numbers = '''\n(.*?)'''\n(?:>>> .*\n)*?>>> \[ x for x in numbers.splitlines\(\) "
                             r"if x and (not )?iban.is_valid\(x(, check_country=False)?\) \]", text, re.S):
        numbers, negated, unchecked_country = block[1], block[2], block[3]
        if unchecked_country:
            continue  # valid only when the country is not checked
        expect = "fire" if negated else "quiet"  # "not is_valid" lists the valid numbers (the answer is [])
        for line in numbers.splitlines():
            number = line.strip().removeprefix("...").strip()  # doctest's continuation prefix
            if number:
                yield {"family": "IBAN" if expect == "fire" else "IBAN: invalid", "expect": expect,
                       "text": number, "kind": "iban", "source": repository.source(path)}


# --- phone numbers -----------------------------------------------------------------------------

def phone_records(report: list[str]) -> Iterator[dict]:
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    source = f"daviddrysdale/python-phonenumbers@v{phonenumbers.__version__}:phonenumbers.example_number_for_type"
    forms = {"national": PhoneNumberFormat.NATIONAL, "international": PhoneNumberFormat.INTERNATIONAL,
             "E.164": PhoneNumberFormat.E164}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind, number_type in (("fixed line", PhoneNumberType.FIXED_LINE), ("mobile", PhoneNumberType.MOBILE)):
            number = phonenumbers.example_number_for_type(region, number_type)
            if number is None:
                continue
            for form, style in forms.items():
                yield {"family": f"phone: {form}", "expect": "fire",
                       "text": phonenumbers.format_number(number, style),
                       "kind": f"{region} {kind}", "source": source}


# --- IP addresses, hand-made -------------------------------------------------------------------

PUBLIC_IPV4 = ["81.2.69.142", "151.101.1.69", "133.133.133.133", "1.1.1.1"]
PRIVATE_IPV4 = ["10.0.0.1", "172.16.5.4", "192.168.1.20", "127.0.0.1", "169.254.169.254", "100.64.0.1"]
DOCUMENTATION_IPV4 = ["192.0.2.10", "198.51.100.7", "203.0.113.42"]
PUBLIC_IPV6 = ["2a00:1450:4007:80e::200e", "2606:4700:4700::1111", "2001:4860:4860::8888"]
PRIVATE_IPV6 = ["::1", "fe80::1", "fd12:3456:789a::1", "fc00::5"]
DOCUMENTATION_IPV6 = ["2001:db8::1", "2001:db8:85a3::8a2e:370:7334"]


def _mapped_hex(ipv4: str) -> str:
    a, b, c, d = (int(part) for part in ipv4.split("."))
    return f"{a * 256 + b:x}:{c * 256 + d:x}"


def ipv4_forms(address: str) -> Iterator[tuple[str, str]]:
    yield "IPv4", address
    yield "IPv4 in a sentence", f"requests from {address} were retried 40 times"
    yield "IPv4 with port", f"{address}:8443"
    yield "IPv4 in a URL", f"GET http://{address}:8080/health returned 503"
    yield "IPv4 after =", f"client_ip={address} status=502"
    yield "IPv4 CIDR /32", f"{address}/32"
    yield "IPv4-mapped IPv6", f"::ffff:{address}"
    yield "IPv4-mapped IPv6, capitals", f"::FFFF:{address}"
    yield "IPv4-mapped IPv6, hex", f"::ffff:{_mapped_hex(address)}"
    yield "IPv4-mapped IPv6 in brackets with port", f"[::ffff:{address}]:443"
    yield "IPv4-mapped IPv6, expanded", f"0:0:0:0:0:ffff:{address}"


def ipv6_forms(address: str) -> Iterator[tuple[str, str]]:
    import ipaddress

    yield "IPv6", address
    yield "IPv6 in a sentence", f"requests from {address} were retried 40 times"
    yield "IPv6 in brackets with port", f"[{address}]:8443"
    yield "IPv6 in a URL", f"GET http://[{address}]:8080/health returned 503"
    yield "IPv6 after =", f"client_ip={address} status=502"
    yield "IPv6, capitals", address.upper()
    yield "IPv6, expanded", ipaddress.IPv6Address(address).exploded


def ip_records(report: list[str]) -> Iterator[dict]:
    source = "hand-made (benchmarks/detection/make_corpora.py)"
    groups = [("public", "fire", PUBLIC_IPV4, ipv4_forms), ("private", "quiet", PRIVATE_IPV4, ipv4_forms),
              ("documentation", "quiet", DOCUMENTATION_IPV4, ipv4_forms),
              ("public", "fire", PUBLIC_IPV6, ipv6_forms), ("private", "quiet", PRIVATE_IPV6, ipv6_forms),
              ("documentation", "quiet", DOCUMENTATION_IPV6, ipv6_forms)]
    for scope, expect, addresses, forms in groups:
        for address in addresses:
            for form, text in forms(address):
                yield {"family": f"IP {scope}: {form}", "expect": expect, "text": text, "kind": address,
                       "source": source}
    yield {"family": "IP private: IPv6 with zone", "expect": "quiet", "text": "fe80::1%eth0", "kind": "fe80::1",
           "source": source}


def detect_secrets_ip_records(repository: Repository, report: list[str]) -> Iterator[dict]:
    path = "tests/plugins/ip_public_test.py"
    tree = ast.parse(repository.read(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "parametrize":
            for row in ast.literal_eval(node.args[1]):
                text, public = row
                if "@" in text and not public:
                    continue  # noreply@github.com: an e-mail address, which PM603 rightly reports
                yield {"family": f"IP {'public' if public else 'private'}: detect-secrets' examples",
                       "expect": "fire" if public else "quiet", "text": text, "kind": "ip_public_test",
                       "source": repository.source(path)}


#: Lines of an ordinary post-mortem that hold numbers but no personal data nor credential.
LOG_LINES = [
    "2026-03-13T18:42:07.123+01:00 payments-api p99=2140ms status=503",
    "Deployed release 2026.03.13-1730 (build 48213, commit 9f2c1e7b4a)",
    "Pool raised from 20 to 60 connections on 12 pods at 19:09:41",
    "kubectl rollout undo deployment/payments-api --to-revision=418",
    "Error budget: 21.6 minutes a month at 99.95%; spent 47 minutes",
    "order 100234567 failed 3 times between 18:42 and 18:47",
    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7",
    "request_id=7d3f0c2e-8b1a-4c5d-9e6f-0a1b2c3d4e5f",
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "PostgreSQL 15.4 on x86_64-pc-linux-gnu; max_connections=200",
    "Latency histogram: 10 50 100 250 500 1000 2500 5000 ms",
    "CPU 87.5% on node ip-10-0-12-34, memory 14.2 GiB of 16 GiB",
    "Ticket PAY-412 and CHK-1187 opened; status page incident 1234567",
    "version 1.24.3 rolled back to 1.24.2 on 2026-03-13",
    "Kafka offsets 1834562 to 1834998 replayed on partition 7",
    "retry after 30 s; backoff 1 2 4 8 16 32 s",
    "The batch of 4111 jobs finished at 19:29, 1111 of them late",
    "Invoice INV-2026-000123 for 18,000.00 EUR was sent twice",
    "SLO 99.95 % over 30 days; 43200 minutes in the month",
    "timestamps 1710351720 and 1710354540 (Unix seconds)",
    "GET /v2/payments/pay_8f3k2m1x9q/refunds?limit=100 returned 429",
    "docker image registry.internal/payments-api:2026.03.13 pulled in 42 s",
    "The queue depth reached 120000 messages at 18:55",
    "Dashboards: grafana.tarteline.com/d/payments?from=1710351600000&to=1710355200000",
    "Build 2026.11.18.3 took 14 min 32 s (cache hit 87 %)",
]


def log_line_records(report: list[str]) -> Iterator[dict]:
    for text in LOG_LINES:
        yield {"family": "log lines (numbers, no personal data)", "expect": "quiet", "text": text,
               "kind": "log line", "source": "hand-made (benchmarks/detection/make_corpora.py)"}


def write(name: str, records: Iterator[dict]) -> int:
    count = 0
    with (HERE / name).open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, required=True,
                        help="folder of git directories, one a repository: <owner>+<name>/repo or /.git")
    arguments = parser.parse_args()
    report: list[str] = []
    repo = {name: Repository(arguments.mirrors, name) for name in
            ("gitleaks/gitleaks", "Yelp/detect-secrets", "cure53/DOMPurify", "braintree/credit-card-type",
             "arthurdejong/python-stdnum")}
    counts = {
        "gitleaks.jsonl": write("gitleaks.jsonl", gitleaks_records(repo["gitleaks/gitleaks"], report)),
        "detect-secrets.jsonl": write("detect-secrets.jsonl",
                                      detect_secrets_records(repo["Yelp/detect-secrets"], report)),
        "dompurify.jsonl": write("dompurify.jsonl", dompurify_records(repo["cure53/DOMPurify"], report)),
        "cards.jsonl": write("cards.jsonl", card_records(repo["braintree/credit-card-type"], report)),
        "ibans.jsonl": write("ibans.jsonl", iban_records(repo["arthurdejong/python-stdnum"], report)),
        "phones.jsonl": write("phones.jsonl", phone_records(report)),
        "ips.jsonl": write("ips.jsonl", _chain(ip_records(report),
                                              detect_secrets_ip_records(repo["Yelp/detect-secrets"], report))),
        "log-lines.jsonl": write("log-lines.jsonl", log_line_records(report)),
    }
    for name, count in counts.items():
        print(f"{name}: {count} records")
    for repository in repo.values():
        print(f"{repository.name} at {repository.commit}")
    for line in report:
        print(line)


def _chain(*iterators: Iterator[dict]) -> Iterator[dict]:
    for iterator in iterators:
        yield from iterator


if __name__ == "__main__":
    main()
