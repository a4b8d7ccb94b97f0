"""Detection benchmark of the safety rules (issue #23): PM601 (unsafe HTML), PM602 (credentials) and
PM603 (personal data) against lines from other scanners' and sanitisers' published test suites.

    python benchmarks/bench_detection.py [--engine postmortem] [--json] [--keep DIR]

The corpora are the `*.jsonl` files of benchmarks/detection/ (their sources are in SOURCES.md;
make_corpora.py regenerates them); nothing is fetched. Each sample is pasted into a copy of a real
post-mortem (postmortems/2026/2026-03-13-payment-api-outage.md) as a line of its `## Timeline`,
the way people paste logs: a new entry `- 18:50 — <sample>` after the 18:47 entry; a sample of
several lines continues that entry, each further line indented by two spaces (blank lines stay
blank). One post-mortem a sample, all in one knowledge base beside the repository's postmortem.yml
(and the post-mortem the copies link to); then one `postmortem validate --format json` over it,
a whole process, timed, whose exit status must be 0 or 1.

A diagnostic counts for a sample when it is on one of the sample's lines; the copies are clean
otherwise, so any diagnostic elsewhere is reported (`elsewhere`). Per family: found (the family's
code, error or warning, on a sample that must fire), missed, false errors and false warnings (the
family's code on a sample that must not fire). HTML fixtures must fire when the site's sanitiser
(`clean_page_html`) changes them and stay quiet when it keeps them as they are. Each family's own
scan time is a second `postmortem validate` over that family's files alone, named on its command
line (process start included).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPORA = HERE / "detection"
BASE_POSTMORTEM = ROOT / "postmortems" / "2026" / "2026-03-13-payment-api-outage.md"
LINKED_POSTMORTEM = ROOT / "postmortems" / "2026" / "2026-02-20-payments-db-latency.md"
#: The tree whose `generator` package is measured (--code): this repository's by default.
CODE = ROOT
#: Imports `generator` from CODE rather than from where the virtual environment installed it
#: (an editable install's finder comes before sys.path).
_USE_CODE = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path if '__editable__' not in "
             "getattr(f, '__module__', '')]; sys.path.insert(0, {code!r})")
#: The timeline entry after which each sample is pasted.
ANCHOR = "- 18:47 —"
ENTRY = "- 18:50 — "

#: The rule that must find each corpus' samples.
CODE_OF_CORPUS = {"gitleaks": "PM602", "detect-secrets": "PM602", "dompurify": "PM601", "cards": "PM603",
                  "ibans": "PM603", "phones": "PM603", "ips": "PM603", "log-lines": "PM603", "pasted-forms": "PM602"}
CREDENTIAL_CORPORA = ("gitleaks", "detect-secrets", "pasted-forms")
#: The credential families SECURITY.md names (the issue's target: 97% found, at most 2% false errors).
NAMED_FAMILIES = ("AWS", "Azure", "GitHub", "GitLab", "Slack", "Stripe", "private key", "JWT", "password in URL",
                  "npm", "PyPI", "OpenAI", "SendGrid", "Square")


@dataclass
class Sample:
    corpus: str
    family: str
    expect: str  # "fire" or "quiet"
    text: str
    source: str
    kind: str
    drawn: bool = False
    path: str = ""
    first_line: int = 0
    last_line: int = 0
    codes: list[tuple[str, str]] = field(default_factory=list)  # (code, severity) on the sample's lines
    elsewhere: list[str] = field(default_factory=list)  # codes in the sample's file, off its lines

    @property
    def group(self) -> str:
        """A family within its corpus: a row of the table."""
        return f"{self.corpus}: {self.family}"

    @property
    def code(self) -> str:
        return CODE_OF_CORPUS[self.corpus]


def load_samples() -> list[Sample]:
    samples = []
    for path in sorted(CORPORA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if not line:
                continue
            record = json.loads(line)
            samples.append(Sample(path.stem, record["family"], record["expect"], record["text"], record["source"],
                                  record.get("kind", ""), record.get("drawn", False)))
    _set_aside(samples)
    for sample in samples:
        if sample.expect == "sanitiser":
            changed = sanitiser_changes(sample.text)
            sample.family = "XSS: changed by the sanitiser" if changed else "XSS: kept by the sanitiser"
            sample.expect = "fire" if changed else "quiet"
    return samples


def _set_aside(samples: list[Sample]) -> None:
    """Samples that cannot count, marked so (`expect`), and counted apart:
    - "another country": a phone number in another country's national format than the one the
      config reads (PM603 reads national numbers of its `country` only: 06 12 34 56 78 is French);
    - "contested": a must-not-fire text that the same suites give elsewhere as one that must fire
      (a gitleaks rule's negative example that is another rule's positive one, a GitHub token among
      detect-secrets' GitLab negatives);
    - "unmatchable": a value drawn at random from a gitleaks rule's test pattern that no pattern of
      gitleaks' shipped rule set matches (`sq0csp-]y7]WOj\\K…`: the test pattern's class runs from `\\`
      to `_`, and the square-secret rule is not in the shipped set), so that gitleaks itself would
      not report it."""
    import importlib.util  # this repository's rule set, whichever tree `--code` measures

    spec = importlib.util.spec_from_file_location("vendored_gitleaks", ROOT / "generator/safety/gitleaks.py")
    gitleaks = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gitleaks)
    rules = gitleaks.rules
    country = config_country()
    for sample in samples:
        if sample.family == "phone: national" and sample.kind.split()[0] != country:
            sample.expect = "another country"
    must_fire = {s.text for s in samples if s.corpus in CREDENTIAL_CORPORA and s.expect == "fire"}
    patterns = [rule.regex for rule in rules()[0]]
    for sample in samples:
        if sample.corpus not in CREDENTIAL_CORPORA:
            continue
        if sample.expect == "quiet" and sample.text in must_fire:
            sample.expect = "contested"
        elif sample.drawn and sample.expect == "fire" and not any(regex.search(sample.text) for regex in patterns):
            sample.expect = "unmatchable"


def config_country() -> str | None:
    """The country whose national phone format the repository's postmortem.yml reads: its `country`,
    else its time zone's (tzdata's zone.tab), as PM603 does."""
    import tzdata  # noqa: F401 - its zone.tab

    config = yaml.safe_load((ROOT / "postmortem.yml").read_text(encoding="utf-8"))
    zones = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text("utf-8")
    by_zone = {row.split("\t")[2]: row.split("\t")[0] for row in zones.splitlines() if row and not row.startswith("#")}
    return config.get("country") or by_zone.get(config.get("timezone", "UTC"))


def sanitiser_changes(payload: str) -> bool:
    """Whether the site's sanitiser changes `payload`: its output against that of an nh3 cleaner
    that keeps every tag, attribute and URL scheme the payload names (the same parser and
    serialiser, so only what the allow-list removes differs). Comments are dropped by both: they
    run nothing."""
    import nh3

    if CODE != ROOT and str(CODE) not in sys.path:  # as _USE_CODE does in the validating process
        sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
        sys.path.insert(0, str(CODE))
    from generator.safety import sanitize
    from generator.safety.sanitize import clean_page_html

    if hasattr(sanitize, "render_as_site"):  # the sanitiser sees the payload as the site renders it
        payload = sanitize.render_as_site(pasted(payload))
    names = set(re.findall(r"[^\s\"'<>/=`]+", payload))
    tags = {name.lower() for name in names} | names | set(nh3.ALLOWED_TAGS)
    schemes = {scheme.lower() for scheme in re.findall(r"([a-zA-Z][a-zA-Z0-9+.-]*):", payload)} | {"http", "https"}
    keep_all = nh3.Cleaner(tags=tags, clean_content_tags=set(), attributes={"*": tags}, url_schemes=schemes,
                           link_rel=None, strip_comments=True)
    return clean_page_html(payload) != keep_all.clean(payload)


def pasted(text: str) -> str:
    """`text` as a new Timeline entry: its first line after the entry's time, the others indented."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return "\n".join([ENTRY + lines[0]] + [f"  {line}" if line.strip() else "" for line in lines[1:]])


def write_knowledge_base(folder: Path, samples: list[Sample]) -> None:
    """One post-mortem a sample, named after its family, beside postmortem.yml."""
    (folder / "postmortem.yml").write_bytes((ROOT / "postmortem.yml").read_bytes())
    (folder / "postmortems" / "2026").mkdir(parents=True)
    (folder / "postmortems" / "2026" / LINKED_POSTMORTEM.name).write_bytes(LINKED_POSTMORTEM.read_bytes())
    base = BASE_POSTMORTEM.read_text(encoding="utf-8").split("\n")
    anchor = next(index for index, line in enumerate(base) if line.startswith(ANCHOR))
    slugs: dict[str, str] = {}
    for number, sample in enumerate(samples):
        name = re.sub(r"[^a-z0-9]+", "-", f"{sample.corpus} {sample.family}".lower())[:40].strip("-")
        slug = slugs.setdefault(sample.group, f"{len(slugs):03d}-{name}")
        pasted_lines = pasted(sample.text).split("\n")
        sample.path = f"postmortems/2026/2026-03-13-{slug}-{number:05d}.md"
        sample.first_line = anchor + 2  # 1-based, the line after the anchor
        sample.last_line = anchor + 1 + len(pasted_lines)
        target = folder / sample.path
        target.write_text("\n".join(base[:anchor + 1] + pasted_lines + base[anchor + 1:]), encoding="utf-8")


def validate(folder: Path, *paths: str) -> tuple[dict, float]:
    """`postmortem validate --format json` as a whole process (running the package of CODE): its
    report and its wall time."""
    command = [str(Path(sys.executable).with_name("postmortem"))]
    if CODE != ROOT:
        program = _USE_CODE.format(code=str(CODE)) + "; from generator.cli import cli; sys.exit(cli())"
        command = [sys.executable, "-c", program]
    start = time.perf_counter()
    process = subprocess.run([*command, "--root", str(folder), "validate", "--format", "json", *paths],
                             capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"postmortem validate exited {process.returncode}: {process.stderr[-2000:]}")
    return json.loads(process.stdout), seconds


def run_postmortem(samples: list[Sample], time_families: bool) -> dict:
    """The current code: `postmortem validate` over one knowledge base of every sample."""
    with tempfile.TemporaryDirectory(prefix="bench-detection-") as temporary:
        folder = Path(temporary)
        write_knowledge_base(folder, samples)
        report, seconds = validate(folder)
        by_path = {sample.path: sample for sample in samples}
        elsewhere = []
        for diagnostic in report["diagnostics"]:
            sample = by_path.get(diagnostic["path"])
            if sample and sample.first_line <= diagnostic["line"] <= sample.last_line:
                sample.codes.append((diagnostic["code"], diagnostic["severity"]))
            else:
                elsewhere.append(diagnostic)
                if sample:
                    sample.elsewhere.append(diagnostic["code"])
        family_seconds = {}
        if time_families:
            files = defaultdict(list)
            for sample in samples:
                files[sample.group].append(str(folder / sample.path))
            for family, paths in files.items():
                family_seconds[family] = validate(folder, *paths)[1]
    return {"checked": report["checked"], "seconds": seconds, "elsewhere": elsewhere, "family_seconds": family_seconds}


ENGINES = {"postmortem": run_postmortem}


def tally(samples: list[Sample], family_seconds: dict[str, float]) -> list[dict]:
    rows: dict[tuple[str, str], dict] = {}
    for sample in samples:
        row = rows.setdefault((sample.corpus, sample.family), {
            "corpus": sample.corpus, "family": sample.family, "code": sample.code, "samples": 0, "must_fire": 0,
            "found": 0, "missed": 0, "must_not_fire": 0, "false_errors": 0, "false_warnings": 0, "set_aside": 0,
            "other_codes": 0, "elsewhere": 0, "scan_s": family_seconds.get(sample.group)})
        row["samples"] += 1
        row["elsewhere"] += bool(sample.elsewhere)
        own = {severity for code, severity in sample.codes if code == sample.code}
        row["other_codes"] += any(code != sample.code for code, _ in sample.codes)
        if sample.expect in ("contested", "unmatchable", "another country"):
            row["set_aside"] += 1
        elif sample.expect == "fire":
            row["must_fire"] += 1
            row["found" if own else "missed"] += 1
        else:
            row["must_not_fire"] += 1
            row["false_errors"] += "error" in own
            row["false_warnings"] += "warning" in own and "error" not in own
    order = {corpus: index for index, corpus in enumerate(CODE_OF_CORPUS)}
    return sorted(rows.values(), key=lambda r: (order.get(r["corpus"], 99), _family_order(r["family"]), r["family"]))


def _family_order(family: str) -> int:
    return NAMED_FAMILIES.index(family) if family in NAMED_FAMILIES else len(NAMED_FAMILIES)


def _share(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.0f}%)" if whole else "–"


def markdown(rows: list[dict], result: dict, engine: str) -> str:
    lines = [f"Engine `{engine}`: {result['checked']} post-mortems checked in {result['seconds']:.2f} s "
             f"(one `postmortem validate --format json`); diagnostics elsewhere than on a sample: "
             f"{len(result['elsewhere'])}.", "",
             "| corpus | family | rule | samples | must fire | found | missed | must not fire | false errors "
             "| false warnings | set aside | elsewhere in the file | scan time |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        scan = f"{row['scan_s']:.2f} s" if row["scan_s"] is not None else ""
        lines.append(f"| {row['corpus']} | {row['family']} | {row['code']} | {row['samples']} | {row['must_fire']} "
                     f"| {_share(row['found'], row['must_fire'])} | {row['missed']} | {row['must_not_fire']} "
                     f"| {_share(row['false_errors'], row['must_not_fire'])} "
                     f"| {_share(row['false_warnings'], row['must_not_fire'])} | {row['set_aside'] or ''} "
                     f"| {row['elsewhere'] or ''} | {scan} |")
    lines += ["", *summary(rows)]
    return "\n".join(lines)


def summary(rows: list[dict]) -> list[str]:
    """The issue's figures: credentials of the named families, of the others, false errors."""
    credential = [r for r in rows if r["code"] == "PM602"]
    out = []
    for label, chosen in (("named families", [r for r in credential if r["family"] in NAMED_FAMILIES]),
                          ("other credentials", [r for r in credential if r["family"] == "other"]),
                          ("secret-like names", [r for r in credential if r["family"] == "secret-like name"]),
                          ("forms people paste", [r for r in credential if r["family"] == "pasted form"])):
        for corpus in ("gitleaks", "detect-secrets", "pasted-forms"):
            part = [r for r in chosen if r["corpus"] == corpus]
            fire = sum(r["must_fire"] for r in part)
            quiet = sum(r["must_not_fire"] for r in part)
            if not fire and not quiet:
                continue
            out.append(f"- PM602, {label}, {corpus}: found {_share(sum(r['found'] for r in part), fire)} of {fire}; "
                       f"false errors {_share(sum(r['false_errors'] for r in part), quiet)} of {quiet}.")
    for family in NAMED_FAMILIES:
        part = [r for r in credential if r["family"] == family]
        fire = sum(r["must_fire"] for r in part)
        out.append(f"- PM602, {family}, every suite: found {_share(sum(r['found'] for r in part), fire)} of {fire}.")
    quiet = sum(r["must_not_fire"] for r in credential)
    aside = sum(r["set_aside"] for r in credential)
    out.append(f"- PM602, every must-not-fire sample of every suite: false errors "
               f"{_share(sum(r['false_errors'] for r in credential), quiet)} of {quiet} ({aside} set aside: contested "
               "or unmatchable).")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), default="postmortem")
    parser.add_argument("--json", action="store_true", help="print the rows and every sample's findings as JSON")
    parser.add_argument("--no-family-times", action="store_true", help="skip the one run per family")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="a tree holding the generator package to measure, e.g. `git archive` of a commit "
                             "(default: this repository's work tree)")
    arguments = parser.parse_args()
    global CODE
    CODE = arguments.code.resolve()
    samples = load_samples()
    result = ENGINES[arguments.engine](samples, not arguments.no_family_times)
    rows = tally(samples, result["family_seconds"])
    if arguments.json:
        print(json.dumps({"engine": arguments.engine, **result, "rows": rows, "samples": [
            {"corpus": s.corpus, "family": s.family, "expect": s.expect, "text": s.text, "source": s.source,
             "kind": s.kind, "drawn": s.drawn, "codes": s.codes, "elsewhere": s.elsewhere} for s in samples]}, indent=1, ensure_ascii=False))
    else:
        print(markdown(rows, result, arguments.engine))


if __name__ == "__main__":
    main()
