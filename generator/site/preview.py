"""`postmortem serve`: the site built, served, and kept up to date as its sources change.

Saving a post-mortem rebuilds in two steps. First its own page: the file is read and checked
against the knowledge base, its page generated and rendered by the MkDocs kept loaded since the
last build, and open pages reload (well under a second on 1,000 post-mortems). Then every other
page whose content moved (listings, figures, related incidents) is generated, the changed ones
rendered, and open pages reload again. A post-mortem added or removed, a change to `postmortem.yml`,
`mkdocs.yml`, the theme's overrides (`custom_dir`), the templates or an attachment, a config with
MkDocs plugins, the Zensical engine, and an MkDocs whose internals were not checked rebuild the
whole site. The search index is the one of the last whole build.

The server is our own (`site.liveserver`); the sources are watched with inotify (watchdog's
`Observer`: a polling one sees a save only at its next pass).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading
from collections.abc import Callable
from pathlib import Path

import watchdog.events
import watchdog.observers

from ..checker import ValidationFailed, load, read_checked
from ..errors import PostmortemError, UsageError
from ..kb.config.schema import CONFIG_FILE, POSTMORTEMS_DIR
from ..kb.gitinfo import History, read_history
from ..kb.layout import SITE_DIR, KnowledgeBase, is_postmortem_file, open_knowledge_base
from . import Site, generate_pages
from .build import attachments, build_site
from .engine import LiveMkDocs
from .liveserver import LiveServer
from .postmortem import postmortem_page
from .siteconfig import MKDOCS_FILE, site_config_file
from .tree import finish_pages, write_tree

#: What a save does to a file, as watchdog tells it (not the reads: the build reads every file).
WRITES = {"created", "modified", "deleted", "moved", "closed"}
#: A rebuild starts once the sources have not changed for this long (an editor's save is several writes).
QUIET_SECONDS = 0.1


class Preview:
    """The site of the knowledge base at `root`, rebuilt as little as each change needs."""

    def __init__(self, root: Path, today: dt.date | None, report: Callable[[object], None]) -> None:
        # Absolute, as the watcher's paths are.
        self.root, self.today, self.report = Path(os.path.abspath(root)), today, report
        self.kb: KnowledgeBase | None = None
        self.engine: LiveMkDocs | None = None
        self.history: History | None = None
        #: The similar incidents of the last whole build (see `update`).
        self.similar: dict = {}

    def build(self) -> None:
        """Build the whole site, and load what the next changes need: the post-mortems, their
        history, and MkDocs. Failures are reported; the last good site stays."""
        self.engine = None
        try:
            kb = open_knowledge_base(self.root)
            built = build_site(kb, self.today)
            self.report(f"built {built.pages} pages")
            if kb.config.engine == "mkdocs":
                self.kb, self.history = load(kb), read_history(kb)
                self.similar = self._site().similar_by_text
                self.engine = LiveMkDocs.load(site_config_file(kb), kb.docs_dir, kb.site_dir)
        except (ValidationFailed, PostmortemError) as failure:
            self.report(failure)

    def update(self, changed: set[Path]) -> Callable[[], None] | None:
        """Rebuild after `changed` (absolute paths): the page of each changed post-mortem when that
        is all that changed, else the whole site. Returns the rest of the work (the other pages), or None."""
        kb = self.kb
        changed = {path for path in changed if self._shown_on_site(path)}
        if not changed:
            return None
        if self.engine is None or not self._postmortems_only(changed):
            self.build()
            return None
        result, fresh = read_checked(kb, sorted(changed))
        if result.errors:
            self.report(ValidationFailed(result))
            return None
        by_path = {pm.path: pm for pm in fresh}
        kb.postmortems = [by_path.get(pm.path, pm) for pm in kb.postmortems]
        # The saved page shows first with the similar incidents found before (working them out
        # again takes longer than the page); the rest of the work finds them anew.
        page = self._site(similar=self.similar)
        self._render(write_tree((postmortem_page(page, page.by_id[pm.id]) for pm in fresh), kb.docs_dir,
                                kb.fragments_dir, prune=False))
        self.report(f"updated {', '.join(sorted(by_path))}")

        def rest() -> None:
            site = self._site()
            self.similar = site.similar_by_text
            self._render(write_tree(itertools.chain(generate_pages(site), attachments(kb)), kb.docs_dir, kb.fragments_dir))

        return rest

    def _site(self, similar: dict | None = None) -> Site:
        """The site of the loaded knowledge base; with `similar`, the similar incidents it shows."""
        site = Site(self.kb.postmortems, self.kb.config, self.today or self.kb.config.today(), history=self.history)
        if similar is not None:
            site.similar_by_text = similar  # a cached property: the value given stands for it
        return site

    def _shown_on_site(self, path: Path) -> bool:
        """Whether a change to `path` can change the site: not an editor's swap file (hidden) or
        backup (`~`), nor a temporary file already gone."""
        folder = self.root / POSTMORTEMS_DIR
        if not path.is_relative_to(folder):
            return True  # postmortem.yml, mkdocs.yml, the theme's overrides
        below = path.relative_to(folder)
        hidden = any(part.startswith(".") for part in below.parts)
        return not hidden and not path.name.endswith("~") and (is_postmortem_file(below) or path.exists())

    def _postmortems_only(self, changed: set[Path]) -> bool:
        """Whether every path changed is a post-mortem the site already has (none added or removed)."""
        known = {pm.path for pm in self.kb.postmortems}
        return all(self.kb.relative(path) in known and path.is_file() for path in changed)

    def _render(self, sources: set[str]) -> None:
        try:
            self.engine.render(sources)
            finish_pages(self.kb.site_dir, self.kb.fragments_dir, [s for s in sources if s.endswith(".md")])
        except PostmortemError as error:
            self.report(error)


class Rebuilds:
    """The sources watched, and the preview rebuilt in a thread after they change, the open pages
    reloaded after each step of a rebuild: once the changed page is there, once the rest is (unless
    another change is already waiting)."""

    def __init__(self, preview: Preview, server: LiveServer) -> None:
        self.preview, self.server = preview, server
        self.changed: set[Path] = set()
        self.noticed = threading.Condition()
        self.observer = watchdog.observers.Observer()

    def watch(self, path: Path) -> None:
        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = self._notice
        self.observer.schedule(handler, os.path.abspath(path), recursive=True)

    def start(self) -> None:
        self.observer.start()
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        self.observer.stop()

    def _notice(self, event) -> None:
        if event.is_directory or event.event_type not in WRITES:
            return
        with self.noticed:
            self.changed.update(Path(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p)
            self.noticed.notify_all()

    def _take_changed(self) -> set[Path]:
        with self.noticed:
            self.noticed.wait_for(lambda: self.changed)
            while self.noticed.wait(timeout=QUIET_SECONDS):
                pass
            changed, self.changed = self.changed, set()
        return changed

    def _waiting(self) -> bool:
        with self.noticed:
            return bool(self.changed)

    def _run(self) -> None:
        while True:
            changed = self._take_changed()
            try:
                rest = self.preview.update(changed)
                self.server.reload()
                if rest is not None and not self._waiting():
                    rest()
                    self.server.reload()
            except Exception as error:  # a bug must not stop the previews to come
                self.preview.report(f"the rebuild failed: {type(error).__name__}: {error}")


def serve_site(root: Path, host: str, port: int, today: dt.date | None = None,
               report: Callable[[object], None] = lambda message: None) -> None:
    """Build, serve `site/` at http://host:port/, and rebuild when the post-mortems, the config or
    `mkdocs.yml` change; open pages reload. A build that fails keeps the last good site and reports
    why through `report`. Raises UsageError when the address cannot be served."""
    try:
        server = LiveServer(root / SITE_DIR, host, port)
    except OSError as error:
        raise UsageError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    preview = Preview(root, today, report)
    preview.build()
    rebuilds = Rebuilds(preview, server)
    overrides = preview.engine.config.theme.custom_dir if preview.engine else None
    for watched in (root / POSTMORTEMS_DIR, root / CONFIG_FILE, root / MKDOCS_FILE, overrides):
        if watched and Path(watched).exists():
            rebuilds.watch(Path(watched))
    rebuilds.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        rebuilds.stop()
        server.server_close()
