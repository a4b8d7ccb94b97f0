"""Any supported document as Markdown, behind one function: Markdown as it is, an HTML page's
article (not its navigation, header and footer) through beautifulsoup4 and markdownify, and Word's
`.docx` (Google Docs' download too) through mammoth's HTML.

Chosen by measurement on tests/fixtures/import/ (benchmarks/compare_converters.py): markdownify keeps
every sentence, tables as Markdown tables and headings as `#`, as html2text does, and is MIT licensed
where html2text is GPL; mammoth maps Word's heading styles to `<h1>`-`<h6>` and its tables to
`<table>`, so a `.docx` follows the HTML path.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ...errors import UsageError
from ...extras import IMPORT, require_extra

MARKDOWN, HTML, DOCX = "markdown", "html", "docx"
#: The kind of document each file name ending is read as.
KINDS = {".md": MARKDOWN, ".markdown": MARKDOWN, ".txt": MARKDOWN, ".html": HTML, ".htm": HTML, ".xhtml": HTML,
         ".docx": DOCX}
#: What each kind goes through, as the report names it.
CONVERTERS = {MARKDOWN: "read as Markdown", HTML: "beautifulsoup4 + markdownify", DOCX: "mammoth + markdownify"}
#: Page chrome and machinery: never part of the article.
CHROME_TAGS = ["script", "style", "noscript", "nav", "aside", "form", "button", "iframe", "template", "svg"]
#: Where the article is, most specific first: Confluence's export, its storage format, then the standards.
ARTICLE_SELECTORS = ["#main-content", ".wiki-content", "article", "main", "[role=main]", "#content", ".post-content",
                     ".entry-content"]
#: Word styles that mammoth leaves as paragraphs: Google Docs and Word write a document's title so.
DOCX_STYLES = "p[style-name='Title'] => h1:fresh"
#: YAML front matter at the very start of a Markdown file.
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
#: Confluence titles its exported pages `Space : Page`.
CONFLUENCE_TITLE = re.compile(r"^.+? : (?=\S)")


class UnreadableDocument(UsageError):
    """A document cannot be read: not UTF-8, not a Word file, an unknown kind (exit code 2)."""


@dataclass(frozen=True)
class Converted:
    """A document as Markdown, with the title its page gave outside the text (HTML's `<title>`, the
    front matter's `title`)."""

    markdown: str
    kind: str
    page_title: str | None = None


def kind_of(path: Path) -> str | None:
    """The kind of document `path` is read as, or None when it is not one import reads."""
    return KINDS.get(path.suffix.lower())


def convert(path: Path) -> Converted:
    """The Markdown of the document at `path`. Raises UnreadableDocument when it cannot be read, and
    MissingExtraError for HTML and .docx when the `import` extra is not installed."""
    kind = kind_of(path)
    if kind is None:
        raise UnreadableDocument(f"{path}: not a document import reads: give .md, .html or .docx "
                                 f"({', '.join(sorted(KINDS))})")
    if kind != MARKDOWN:
        require_extra(IMPORT, f"importing {path.name}", "the HTML and Word converters")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"{path}: cannot be read: {error.strerror or error}") from None
    if kind == DOCX:
        return _from_docx(path, data)
    text = _decode(path, data)
    if kind == HTML:
        markdown, title = html_to_markdown(text)
        return Converted(markdown, kind, title)
    return markdown_with_front_matter(normalize_newlines(text))


def markdown_with_front_matter(text: str) -> Converted:
    """A Markdown document whose YAML front matter (a blog's or a static site's) gives the title; its
    other values are kept as `key: value` lines before the text, never dropped."""
    import yaml

    match = FRONT_MATTER.match(text)
    if not match:
        return Converted(text, MARKDOWN)
    try:
        values = yaml.safe_load(match[1])
    except yaml.YAMLError:
        return Converted(text, MARKDOWN)
    if not isinstance(values, dict):
        return Converted(text, MARKDOWN)
    lines = [f"{key}: {value}" for key, value in values.items() if value not in (None, "", [], {})]
    title = values.get("title")
    kept = "\n".join(lines) + "\n\n" if lines else ""
    return Converted(kept + text[match.end():], MARKDOWN, title.strip() if isinstance(title, str) else None)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(f"{path}: not UTF-8 text (byte {error.start + 1}): save it as UTF-8 and "
                                 "import it again") from None


def _from_docx(path: Path, data: bytes) -> Converted:
    import mammoth

    try:
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=DOCX_STYLES)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocument(f"{path}: not a Word document (.docx) that can be opened: {error}") from None
    markdown, _ = html_to_markdown(f"<html><body><article>{result.value}</article></body></html>")
    return Converted(markdown, DOCX)


def html_to_markdown(html: str) -> tuple[str, str | None]:
    """The article of an HTML page as Markdown, and the page's own title when the article has no `<h1>`."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    page_title = _page_title(soup)
    for tag in soup.find_all(CHROME_TAGS):
        tag.decompose()
    _confluence_storage_as_html(soup)
    article = _article(soup)
    converter = MarkdownConverter(heading_style="ATX", bullets="-", strong_em_symbol="*", escape_underscores=False,
                                  escape_asterisks=False)
    markdown = converter.convert_soup(article)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    has_title = article.find("h1") is not None
    return markdown, None if has_title else page_title


def _confluence_storage_as_html(soup) -> None:
    """Confluence's storage format (what its REST API and space XML exports hold) as the HTML it
    stands for: task lists as lists, a mentioned user as @name, a date as its text, a code macro's
    text as a code block; macro parameters (a code block's language) are no text of the page."""
    for task_list in soup.find_all("ac:task-list"):
        task_list.name = "ul"
    for task in soup.find_all("ac:task"):
        task.name = "li"
    for tag in soup.find_all(["ac:task-id", "ac:task-status", "ac:parameter"]):
        tag.decompose()
    for user in soup.find_all("ri:user"):
        name = user.get("ri:username") or user.get("ri:userkey") or user.get("ri:account-id")
        user.replace_with(f"@{name}" if name else "")
    for time in soup.find_all("time"):
        if time.get("datetime") and not time.get_text(strip=True):
            time.replace_with(time["datetime"])
    for code in soup.find_all("ac:plain-text-body"):
        code.name = "pre"
    for tag in soup.find_all(lambda tag: ":" in tag.name):
        tag.unwrap()


def _page_title(soup) -> str | None:
    heading = soup.select_one("#title-heading, h1.pagetitle")
    title = heading.get_text(" ", strip=True) if heading else soup.title.get_text(" ", strip=True) if soup.title else ""
    title = CONFLUENCE_TITLE.sub("", " ".join(title.split()))
    return title or None


def _article(soup):
    for selector in ARTICLE_SELECTORS:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    body = soup.body or soup
    for tag in body.find_all(["header", "footer"]):
        tag.decompose()
    return _largest_text_block(body)


def _largest_text_block(body):
    """The element holding the most paragraph text directly: a page's story, not its sidebars."""
    best, best_length = body, 0
    for element in body.find_all(["div", "section", "td"]):
        length = sum(len(child.get_text(strip=True)) for child in element.find_all(
            ["p", "ul", "ol", "table", "h2", "h3", "pre"], recursive=False))
        if length > best_length:
            best, best_length = element, length
    return best if best_length else body
