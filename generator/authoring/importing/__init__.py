"""`postmortem import`: existing post-mortems (Markdown in any template, HTML pages from Confluence,
wikis and blogs, Word and Google Docs' .docx) written as draft post-mortems of the knowledge base.

Every document is read before anything is written: one that cannot be read stops the import with
exit code 2 and nothing written. A file that exists is never overwritten: that document is refused
and reported. The same documents give the same files, byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from ...checker import collector_paused
from ...kb.config.schema import Config
from ...kb.layout import KnowledgeBase
from .convert import UnreadableDocument, convert, kind_of
from .document import Imported, build_postmortem, converter_name
from .report import REFUSED, WOULD_WRITE, FileReport, ImportResult, report_json, report_text

__all__ = ["ImportResult", "UnreadableDocument", "import_documents", "report_json", "report_text"]


def documents_in(paths: list[Path]) -> list[Path]:
    """The documents named: files as given, and the documents import reads in folders, sorted, recursively."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted((child for child in path.rglob("*") if child.is_file() and kind_of(child)),
                                key=lambda child: child.relative_to(path).parts))
        else:
            found.append(path)
    return found


def import_documents(kb: KnowledgeBase, paths: list[Path], dry_run: bool = False) -> ImportResult:
    """Write a draft post-mortem for each document of `paths` (files or folders) into
    postmortems/YYYY/, and return what was done. Raises UnreadableDocument, before writing anything,
    when a document cannot be read or gives no date to name its file by."""
    documents = documents_in(paths)
    if not documents:
        raise UnreadableDocument("no document to import: give .md, .html or .docx files or folders holding some")
    imported: list[Imported] = []
    problems: list[str] = []
    for path, outcome in _read_each(documents, kb.config):
        if isinstance(outcome, str):
            problems.append(outcome)
        elif outcome.postmortem_id is None:
            problems.append(f"{path}: no date found to name the post-mortem by: add a line such as "
                            "`Date: 2026-03-13` and import it again")
        else:
            imported.append(outcome)
    if problems:
        raise UnreadableDocument("; ".join(problems) + " (nothing was imported)")
    existing = {file.stem for file in kb.files()}
    taken = set(existing)
    reports = []
    for result in imported:
        postmortem_id = result.postmortem_id
        if postmortem_id not in existing:
            postmortem_id = _free_id(postmortem_id, taken)
        target = kb.postmortems_dir / postmortem_id[:4] / f"{postmortem_id}.md"
        report = result.report
        report.target = kb.relative(target)
        reports.append(report)
        if postmortem_id in existing:
            report.status, report.reason = REFUSED, f"{report.target} exists already: it was not changed"
            continue
        taken.add(postmortem_id)
        if dry_run:
            report.status = WOULD_WRITE
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "x", encoding="utf-8", newline="\n") as stream:
                stream.write(result.text)
        except FileExistsError:
            report.status, report.reason = REFUSED, f"{report.target} exists already: it was not changed"
    return ImportResult(reports, dry_run)


def _read_each(documents: list[Path], config: Config) -> list[tuple[Path, Imported | str]]:
    """Each document read and made into a post-mortem, or the message saying why it cannot be read."""
    outcomes: list[tuple[Path, Imported | str]] = []
    for path in documents:
        # Word's XML becomes a DOM of parent-linked nodes: the cycle collector's passes over them were
        # half the time of a .docx; they are freed when it runs again after each document.
        with collector_paused():
            try:
                converted = convert(path)
            except UnreadableDocument as error:
                outcomes.append((path, error.format_message()))
                continue
            report = FileReport(source=path.as_posix(), target="", converter=converter_name(converted))
            outcomes.append((path, build_postmortem(converted, path.name, config, report)))
    return outcomes


def _free_id(postmortem_id: str, taken: set[str]) -> str:
    """Two documents of one import giving one id are told apart by a number: -2, -3..."""
    candidate, number = postmortem_id, 1
    while candidate in taken:
        number += 1
        candidate = f"{postmortem_id}-{number}"
    return candidate
