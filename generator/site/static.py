"""The pages that do not depend on the post-mortems: the reference (made from the code, so the
package needs no docs/ folder), the metrics' definitions, and the site's stylesheets and scripts
(postmortem.* on screen, print.* on paper, trends.js for the Trends page's selection)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

from ..reference import reference_pages
from .context import Site
from .markup import GeneratedFile, e, front_matter_block

ASSETS = ("postmortem.css", "postmortem.js", "print.css", "print.js", "trends.js")


def static_pages(site: Site) -> Iterator[GeneratedFile]:
    label = site.labels
    for name, text in reference_pages().items():
        yield f"reference/{name}", text, []
    yield "reference/index.md", "\n".join([front_matter_block(label("reference")),
                                           f"# {e(label('reference'))}\n", label("reference_pages") + "\n"]), []
    package = resources.files("generator")
    yield "reference/metrics.md", package.joinpath(f"assets/metrics.{site.config.language}.md").read_text("utf-8"), []
    for asset in ASSETS:
        yield f"assets/{asset}", package.joinpath(f"assets/{asset}").read_bytes(), []
