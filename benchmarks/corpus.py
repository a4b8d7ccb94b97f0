"""Writes a synthetic knowledge base of N valid post-mortems in format v1, for benchmarks: no error and
no warning, so a benchmark times the checks, not the printing of thousands of warnings.

    python benchmarks/corpus.py DIR N [--seed S] [--large-catalogue]

With --large-catalogue, its config lists a large company's catalogue (10,000 people, 3,000 services,
500 teams) around the corpus's own few, which its post-mortems name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

SERVICES = ["payments-api", "checkout-web", "auth-service", "search-api", "notifications-worker",
            "catalog-api", "orders-api", "shipping-api"]
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "farid", "grace", "hugo", "ines", "jules"]
CAUSES = ["capacity", "change", "configuration", "dependency", "code", "infrastructure", "data"]
WORDS = ["pool", "database", "latency", "queue", "deploy", "cache", "timeout", "retry", "gateway", "provider", "certificate", "index", "replica", "shard", "worker", "config", "rollout", "alert", "dashboard", "saturation", "traffic", "peak", "release"]

CONFIG = """currency: EUR
timezone: Europe/Paris
services:
{services}
people: [{people}]
teams:
  platform: [alice, bob]
"""


#: Raised whenever the post-mortems written change, so that corpora written before are not reused.
CORPUS_VERSION = 2


def sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def postmortem(rng: random.Random, day: dt.date, slug: str) -> str:
    start = dt.datetime.combine(day, dt.time(rng.randrange(0, 20), rng.randrange(0, 60)),
                                dt.timezone(dt.timedelta(hours=1)))
    detect = start + dt.timedelta(minutes=rng.randrange(0, 15))
    mitigate = detect + dt.timedelta(minutes=rng.randrange(5, 60))
    resolve = mitigate + dt.timedelta(minutes=rng.randrange(5, 60))
    severity = rng.choice(["SEV1", "SEV2", "SEV3"])
    services = rng.sample(SERVICES, rng.randrange(1, 3))
    # The top severity's actions say by when their effect is checked (PM209), and its post-mortem
    # tells customers what they saw (PM313).
    top = severity == "SEV1"
    actions = "".join(
        f"  - title: {sentence(rng, 6)}\n    owner: {rng.choice(PEOPLE)}\n"
        f"    due: {(day + dt.timedelta(days=d)).isoformat()}\n    status: open\n    ticket: OPS-{rng.randrange(1000)}\n"
        + (f"    verify_by: {(day + dt.timedelta(days=d + 14)).isoformat()}\n" if top else "")
        for d in (7, 30, 90)
    )
    customer_summary = f"\n## Customer summary\n\n{sentence(rng, 20)}\n" if top else ""
    timeline = "\n".join(
        f"- {(start + dt.timedelta(minutes=m)).strftime('%H:%M')} — {sentence(rng, 8)}"
        for m in sorted(rng.sample(range(0, 60), 6))
    )
    return f"""---
title: {sentence(rng, 7)}
status: published
severity: {severity}
services: [{", ".join(services)}]
tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]
started_at: {start.isoformat()}
detected_at: {detect.isoformat()}
mitigated_at: {mitigate.isoformat()}
resolved_at: {resolve.isoformat()}
detection: alert
root_cause: {rng.choice(CAUSES)}
roles:
  incident_commander: {rng.choice(PEOPLE)}
  technical_owner: {rng.choice(PEOPLE)}
  communications_owner: {rng.choice(PEOPLE)}
impact:
  users_affected: {rng.randrange(100, 50000)}
  failed_requests_pct: {rng.randrange(1, 100)}
  revenue_lost: {rng.randrange(0, 50000)}
actions:
{actions}---

## Summary

{sentence(rng)}
{sentence(rng)}

## Timeline

{timeline}

## Impact

{sentence(rng, 20)}

## Root cause

{sentence(rng, 30)}

{sentence(rng, 30)}

## Detection

{sentence(rng, 20)}

## What went well

- {sentence(rng)}
- {sentence(rng)}

## Lessons learned

- {sentence(rng)}
- {sentence(rng)}
{customer_summary}"""


def ensure_corpus(count: int, large_catalogue: bool = False) -> Path:
    """The corpus of `count` post-mortems under benchmarks/corpus/, written on first use; with
    `large_catalogue`, the same post-mortems with the large catalogue's config, in a folder of its own."""
    name = f"{count}-v{CORPUS_VERSION}" + ("-large-catalogue" if large_catalogue else "")
    root = Path(__file__).resolve().parent / "corpus" / name
    if not (root / "postmortem.yml").exists():
        shutil.rmtree(root, ignore_errors=True)
        write_corpus(root, count, large_catalogue=large_catalogue)
    return root


def large_catalogue_config(people: int = 10_000, services: int = 3_000, teams: int = 500) -> str:
    """A `postmortem.yml` of `people`, `services` and `teams` (the corpus's own among them), written
    out as a large company's would be: no YAML alias, each team with its share of people."""
    people_ids = PEOPLE + [f"person-{index:05d}" for index in range(people - len(PEOPLE))]
    team_ids = [f"team-{index:03d}" for index in range(teams)]
    service_ids = SERVICES + [f"{WORDS[index % len(WORDS)]}-{index:04d}" for index in range(services - len(SERVICES))]
    lines = ["currency: EUR", "timezone: Europe/Paris", "services:"]
    lines += [f"  - {{id: {service}, team: {team_ids[index % teams]}, slo: 99.9}}" for index, service in enumerate(service_ids)]
    lines += ["people:"] + [f"  - {person}" for person in people_ids] + ["teams:"]
    lines += [f"  {team}: [{', '.join(people_ids[index::teams])}]" for index, team in enumerate(team_ids)]
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, count: int, seed: int = 1, large_catalogue: bool = False) -> None:
    """Write `postmortem.yml` and `count` post-mortems under `root` (deterministic for a seed)."""
    rng = random.Random(seed)
    services = "\n".join(f"  - id: {s}\n    slo: 99.9" for s in SERVICES)
    root.mkdir(parents=True, exist_ok=True)
    config = large_catalogue_config() if large_catalogue else CONFIG.format(services=services, people=", ".join(PEOPLE))
    (root / "postmortem.yml").write_text(config)
    first = dt.date(2020, 1, 1)
    for index in range(count):
        day = first + dt.timedelta(days=index * 2000 // max(count, 1))
        folder = root / "postmortems" / str(day.year)
        folder.mkdir(parents=True, exist_ok=True)
        slug = f"incident-{index:05d}"
        (folder / f"{day.isoformat()}-{slug}.md").write_text(postmortem(rng, day, slug), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--large-catalogue", action="store_true")
    arguments = parser.parse_args()
    write_corpus(arguments.root, arguments.count, arguments.seed, arguments.large_catalogue)
