"""What an import did to each document: what it filled and from where, where each heading went,
and what a person must complete; as text or as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

WRITTEN, WOULD_WRITE, REFUSED = "written", "would write", "refused"


@dataclass
class FileReport:
    """One document's import."""

    source: str
    target: str
    converter: str
    status: str = WRITTEN
    reason: str = ""  # why it was refused
    filled: list[dict] = field(default_factory=list)  # {"field", "value", "from"}
    todo: list[dict] = field(default_factory=list)  # {"field", "why"}
    sections: list[dict] = field(default_factory=list)  # {"section", "from": [headings]}
    kept_under: list[dict] = field(default_factory=list)  # {"heading", "section"}
    timeline_entries: int = 0
    actions: int = 0
    owners: int = 0  # actions whose owner the document names
    notes: list[str] = field(default_factory=list)

    def fill(self, name: str, value, origin: str) -> None:
        self.filled.append({"field": name, "value": value, "from": origin})

    def to_complete(self, name: str, why: str) -> None:
        self.todo.append({"field": name, "why": why})

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ImportResult:
    """Every document's report, in the order given."""

    reports: list[FileReport]
    dry_run: bool

    @property
    def refused(self) -> list[FileReport]:
        return [report for report in self.reports if report.status == REFUSED]


def report_text(result: ImportResult) -> str:
    """The reports for a person: per file, what was filled, where the headings went, what to complete."""
    lines: list[str] = []
    for report in result.reports:
        verb = {WRITTEN: "Wrote", WOULD_WRITE: "Would write", REFUSED: "Refused"}[report.status]
        lines.append(f"{verb} {report.target} from {report.source} ({report.converter})")
        if report.status == REFUSED:
            lines.append(f"  {report.reason}")
            lines.append("")
            continue
        lines.append(f"  timeline: {report.timeline_entries} entries; actions: {report.actions}, "
                     f"{report.owners} with an owner named")
        if report.filled:
            lines.append("  filled:")
            lines.extend(f"    {item['field']}: {clip(item['value'], 70)}  ({item['from']})" for item in report.filled)
        if report.sections:
            lines.append("  sections:")
            lines.extend(f"    {item['section']} <- {', '.join(_quoted(name) for name in item['from']) or 'nothing: TODO'}"
                         for item in report.sections)
        if report.kept_under:
            lines.append("  kept under the nearest section:")
            lines.extend(f"    {item['heading']!r} -> {item['section']}" for item in report.kept_under)
        lines.extend(f"  note: {note}" for note in report.notes)
        if report.todo:
            lines.append(f"  to complete ({len(report.todo)} TODO):")
            lines.extend(f"    {item['field']}: {item['why']}" for item in report.todo)
        lines.append("")
    written = sum(report.status != REFUSED for report in result.reports)
    action = "would be written (dry run: nothing written)" if result.dry_run else "written"
    lines.append(f"{written} of {len(result.reports)} document(s) {action}; {len(result.refused)} refused.")
    return "\n".join(lines) + "\n"


def report_json(result: ImportResult) -> str:
    document = {"dry_run": result.dry_run, "files": [report.as_dict() for report in result.reports]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _quoted(heading: str) -> str:
    return heading if heading.startswith("(") else repr(heading)


def clip(text: str, width: int) -> str:
    """`text` on one line, at most `width` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 3] + "..."
