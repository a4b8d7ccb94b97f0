"""How faithfully markdownify and html2text turn the import corpus's HTML (and mammoth's HTML of its
.docx) into Markdown: the sentences of the article kept, and what the import then reads (timeline
entries, actions, sections), with the time of each conversion.

    pip install html2text   # not a dependency: only this comparison uses it
    python benchmarks/compare_converters.py
"""

from __future__ import annotations

import importlib
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
sys.path.insert(0, str(REPOSITORY))

from generator.authoring.importing.document import build_postmortem  # noqa: E402
from generator.authoring.importing.report import FileReport  # noqa: E402
from generator.kb.config.loader import load_config  # noqa: E402

convert = importlib.import_module("generator.authoring.importing.convert")
CORPUS = REPOSITORY / "tests/fixtures/import"


def words(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).lower().split())


def article(html: str):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(convert.CHROME_TAGS):
        tag.decompose()
    return convert._article(soup)


def with_html2text(html: str) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0
    return converter.handle(str(article(html)))


def main() -> None:
    import mammoth

    config = load_config(REPOSITORY / "tests/fixtures")
    documents = sorted((CORPUS / "html").glob("*.html")) + sorted((CORPUS / "docx").glob("*.docx"))
    print("| document | converter | sentences kept | entries | actions | sections | time |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for document in documents:
        if document.suffix == ".docx":
            with open(document, "rb") as stream:
                html = f"<html><body><article>{mammoth.convert_to_html(stream, style_map=convert.DOCX_STYLES).value}</article></body></html>"
        else:
            html = document.read_text(encoding="utf-8")
        sentences = [words(sentence) for block in article(html).find_all(["p", "li", "td", "th"])
                     for sentence in re.split(r"(?<=[.!?])\s+", block.get_text(" "))]
        sentences = [sentence for sentence in sentences if sentence]
        for name, function in (("markdownify", lambda html: convert.html_to_markdown(html)[0]),
                               ("html2text", with_html2text)):
            function(html)  # imports and caches out of the timing
            start = time.perf_counter()
            markdown = function(html)
            elapsed = time.perf_counter() - start
            kept = sum(sentence in words(markdown) for sentence in sentences)
            report = FileReport("", "", "")
            build_postmortem(convert.Converted(markdown, convert.HTML), document.name, config, report)
            sections = sum(1 for section in report.sections if section["from"])
            print(f"| {document.name} | {name} | {kept}/{len(sentences)} | "
                  f"{report.timeline_entries} | {report.actions} | {sections} | {elapsed * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
