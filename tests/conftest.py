"""Shared fixtures: knowledge bases laid out in temporary folders from tests/fixtures/."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import settings

from .browser import chromium_path

# No deadline: a time limit per example is a timing threshold, and this machine is noisy.
settings.register_profile("postmortem", deadline=None)
settings.load_profile("postmortem")

#: Why a `browser` test does not run here: one line, the same for all of them.
NO_CHROMIUM = "Debian's Chromium is not installed: browser tests skipped (as root, `make test` installs it)"

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).parent.parent
BASE_POSTMORTEM = FIXTURES / "valid/postmortems/2026/2026-03-02-checkout-deploy-errors.md"
#: The day the site tests build as of (`--today`), so that their figures do not move with the clock.
TODAY = dt.date(2026, 11, 26)


def lay_out(root: Path, tree: str | None = None, config: str | None = None) -> Path:
    """A knowledge base at `root`: the fixture config (or `config`), and the postmortems/ of `tree`."""
    if tree:
        shutil.copytree(FIXTURES / tree / "postmortems", root / "postmortems", symlinks=True)
    else:
        (root / "postmortems").mkdir(parents=True)
    (root / "postmortem.yml").write_text(config if config is not None else (FIXTURES / "postmortem.yml").read_text())
    return root


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """An empty knowledge base with the fixture config."""
    return lay_out(tmp_path / "kb")


@pytest.fixture
def base_text() -> str:
    """A valid post-mortem (2026-03-02, SEV2, checkout-web) to derive cases from."""
    return BASE_POSTMORTEM.read_text(encoding="utf-8")


def write(root: Path, name: str, content: str | bytes) -> Path:
    """Write postmortems/<year>/<name> (the year from the name) and return its path."""
    path = root / "postmortems" / name[:4] / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


#: Debian's Chromium as the browser tests start it: no sandbox (containers), no GPU, nothing fetched of its own.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
#: The title of the post-mortem that `served` adds to the sample: script, if a page wrote it as HTML.
HOSTILE = "<img src=x onerror=alert(1)>"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


def serve(folder: Path):
    """An HTTP server of `folder` on a free port of 127.0.0.1, and its URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    """The sample site, plus a post-mortem with a hostile title, served on a free port of 127.0.0.1:
    built once for all the browser tests (test_browser.py, test_print.py, test_accessibility.py)."""
    from generator.kb.layout import open_knowledge_base
    from generator.site.build import build_site

    root = copy_knowledge_base(tmp_path_factory.mktemp("browser"))
    hostile = (root / "postmortems/2026/2026-11-18-search-autocomplete-degraded.md").read_text()
    hostile = hostile.replace("title: Search autocomplete returned empty suggestions for 40 minutes", f'title: "{HOSTILE}"')
    (root / "postmortems/2026/2026-11-18-hostile-title.md").write_text(hostile)
    build_site(open_knowledge_base(root), TODAY)
    server, url = serve(root / "site")
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright, shared by the browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


#: axe-core, vendored (tests/vendor/README.md), and the WCAG 2.0, 2.1 and 2.2 A and AA rules as it tags them.
AXE = Path(__file__).parent / "vendor/axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """axe-core's violations of the WCAG A and AA rules in the page as it is now."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
        .then(result => result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), message: (n.any[0] || n.all[0] || {}).message || ''}))})))""",
                         WCAG)


def describe(violations: list[dict], shown: int = 3) -> str:
    """Each violation's rule, impact and help; under it, each thing axe says of its elements (for
    color-contrast, each pair of colours) with the first few elements it says it of."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(f"  {violation['id']} ({violation['impact']}, {len(nodes)} elements): {violation['help']}")
        by_message: dict[str, list[str]] = {}
        for node in nodes:
            by_message.setdefault(node["message"], []).append(node["target"])
        for message, targets in by_message.items():
            more = f" (+{len(targets) - shown} more)" if len(targets) > shown else ""
            lines.append(f"    at {', '.join(targets[:shown])}{more}" + (f"\n      {message}" if message else ""))
    return "\n".join(lines)


def pytest_runtest_setup(item) -> None:
    """Without Chromium, a `browser` test is skipped before its fixtures start a browser, all with
    the same one-line reason; under CI, which must run them all, it fails."""
    if item.get_closest_marker("browser") and chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail(NO_CHROMIUM.replace("skipped", "cannot run, and CI requires them"), pytrace=False)
        pytest.skip(NO_CHROMIUM)


@pytest.fixture(autouse=True)
def git_identity(monkeypatch) -> None:
    """Git as on a fresh machine (no global or system config), with an identity for commits."""
    for name, value in {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test",
                        "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
                        "GIT_COMMITTER_EMAIL": "test@example.com"}.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def git(root: Path, *args: str, when: str = "2026-03-10T12:00:00+00:00", author: str = "Alice Martin",
        email: str = "alice@example.com") -> str:
    """Run git in `root` as `author`, dated `when`."""
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": author,
           "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def copy_knowledge_base(target: Path, postmortems: bool = True) -> Path:
    """The repository's knowledge base (its config, and optionally its post-mortems): what `init`
    writes and a team fills in, no mkdocs.yml, no docs/."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPOSITORY / "postmortem.yml", target / "postmortem.yml")
    if postmortems:
        shutil.copytree(REPOSITORY / "postmortems", target / "postmortems")
    else:
        (target / "postmortems").mkdir()
    return target


def _benchmarks_corpus():
    spec = importlib.util.spec_from_file_location("corpus", REPOSITORY / "benchmarks/corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    return corpus


def write_corpus(root: Path, count: int, large_catalogue: bool = False) -> None:
    """`count` valid post-mortems and their config under `root`: the benchmarks' synthetic corpus;
    with `large_catalogue`, its config lists 10,000 people, 3,000 services and 500 teams."""
    _benchmarks_corpus().write_corpus(root, count, large_catalogue=large_catalogue)


def large_catalogue_config(people: int = 10_000, services: int = 3_000, teams: int = 500) -> str:
    """The benchmarks' `postmortem.yml` of a large company (`benchmarks/corpus.py`)."""
    return _benchmarks_corpus().large_catalogue_config(people, services, teams)


def config_cases() -> list[tuple[str, str, list[str]]]:
    """Each broken postmortem.yml of fixtures/invalid/config/: its name, its text, and every problem
    it has, in order, as `LINE CODE` (fixtures/invalid/config.expected.yml)."""
    expected = yaml.safe_load((FIXTURES / "invalid/config.expected.yml").read_text())
    return [(name, (FIXTURES / "invalid/config" / name).read_text(), problems) for name, problems in sorted(expected.items())]


def lay_out_huge_file(kb: Path) -> None:
    """A 20 MB post-mortem (PM008), beside a valid one: too large for the fixture folders."""
    write(kb, "2026-03-02-huge.md", "---\ntitle: x\n---\n" + "log line\n" * 2_300_000)
    write(kb, "2026-03-02-checkout-deploy-errors.md", BASE_POSTMORTEM.read_text(encoding="utf-8"))


def lay_out_dangling_link(kb: Path) -> None:
    """A post-mortem that is a link to nowhere (PM010), beside a valid one: git keeps no such link."""
    (kb / "postmortems/2026").mkdir(parents=True, exist_ok=True)
    os.symlink(kb / "nowhere.md", kb / "postmortems/2026/2026-03-02-dangling.md")
    write(kb, "2026-03-02-checkout-deploy-errors.md", BASE_POSTMORTEM.read_text(encoding="utf-8"))


def lay_out_evidence_without_ids(kb: Path) -> None:
    """A knowledge base with `evidence` set in its config, and actions without ids (PM210): the
    fixture folders share one config, without `evidence`."""
    (kb / "postmortem.yml").write_text((FIXTURES / "postmortem.yml").read_text() + "evidence: {repositories: []}\n")
    write(kb, "2026-03-02-checkout-deploy-errors.md", BASE_POSTMORTEM.read_text(encoding="utf-8"))


#: Knowledge bases that the fixture folders cannot hold, by the code they raise.
MADE_CASES = {"PM008": lay_out_huge_file, "PM010": lay_out_dangling_link, "PM210": lay_out_evidence_without_ids}
