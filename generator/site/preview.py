"""`postmortem serve`: the site built, served, and kept up to date as its sources change.

Saving a post-mortem rebuilds in two steps. First its own page: the file is read and checked
against the knowledge base, its page generated and rendered by the MkDocs kept loaded since the
last build, and open pages reload (well under a second on 1,000 post-mortems). Then every other
page whose content moved (listings, figures, related incidents) is generated, the changed ones
rendered, and open pages reload again. A post-mortem added or removed, a change to `postmortem.yml`,
`mkdocs.yml`, the theme's overrides (`custom_dir`), the templates or an attachment, a config with
MkDocs plugins, and the Zensical engine rebuild the whole site. The search index is the one of the
last whole build.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable
from pathlib import Path

import watchdog.events
import watchdog.observers
from mkdocs.livereload import LiveReloadServer, _timestamp

from ..checker import load, read_checked
from ..errors import PostmortemError
from ..kb.config import CONFIG_FILE, POSTMORTEMS_DIR
from ..kb.gitinfo import History, read_history
from ..kb.layout import SITE_DIR, KnowledgeBase, is_postmortem_file, open_knowledge_base
from . import Site, generate_pages
from .build import ValidationFailed, attachments, build_site
from .engine import LiveMkDocs
from .postmortem import postmortem_page
from .siteconfig import MKDOCS_FILE, site_config_file
from .tree import finish_pages, write_tree

#: What a save does to a file, as watchdog tells it (not the reads: the build reads every file).
WRITES = {"created", "modified", "deleted", "moved", "closed"}


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


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, told which files changed, with inotify (its polling observer
    sees a save only at its next pass, up to half a second later), and reloading open pages twice
    for a two-step rebuild: once the changed page is there, once the rest is."""

    def __init__(self, preview: Preview, host: str, port: int, root: Path) -> None:
        self.preview = preview
        self.changed: set[Path] = set()
        super().__init__(builder=preview.build, host=host, port=port, root=str(root))
        self.observer = watchdog.observers.Observer()

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        path = os.path.abspath(path)

        def callback(event) -> None:
            if event.is_directory or event.event_type not in WRITES:
                return
            with self._rebuild_cond:
                self.changed.update(Path(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p)
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = callback
        self._watched_paths[path] = 1
        self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    def _take_changed(self) -> set[Path]:
        with self._rebuild_cond:
            changed, self.changed = self.changed, set()
        return changed

    def _build_loop(self) -> None:
        # MkDocs' loop (mkdocs/livereload), which reloads the pages once the builder returns; then the
        # rest of the rebuild, unless another change is already waiting, and a second reload.
        while True:
            with self._rebuild_cond:
                while not self._rebuild_cond.wait_for(lambda: self._want_rebuild or self._shutdown,
                                                      timeout=self.shutdown_delay):
                    pass
                if self._shutdown:
                    break
                while self._rebuild_cond.wait(timeout=self.build_delay):
                    pass
                self._wanted_epoch = _timestamp()
                self._want_rebuild = False
            try:
                rest = self.preview.update(self._take_changed())
                self._reload(self._wanted_epoch)
                if rest is not None and not self._want_rebuild:
                    rest()
                    self._reload(_timestamp())
            except Exception as error:  # a bug must not stop the server, nor leave requests waiting
                self.preview.report(f"the rebuild failed: {type(error).__name__}: {error}")
                self._reload(_timestamp())

    def _reload(self, epoch: int) -> None:
        with self._epoch_cond:
            self._wanted_epoch = self._visible_epoch = epoch
            self._epoch_cond.notify_all()


def serve_site(root: Path, host: str, port: int, today: dt.date | None = None,
               report: Callable[[object], None] = lambda message: None) -> None:
    """Build, serve `site/` at http://host:port/, and rebuild when the post-mortems, the config or
    `mkdocs.yml` change; open pages reload. A build that fails keeps the last good site and reports
    why through `report`."""
    preview = Preview(root, today, report)
    preview.build()
    server = PreviewServer(preview, host, port, root / SITE_DIR)
    overrides = preview.engine.config.theme.custom_dir if preview.engine else None
    for watched in (root / POSTMORTEMS_DIR, root / CONFIG_FILE, root / MKDOCS_FILE, overrides):
        if watched and Path(watched).exists():
            server.watch(str(watched))
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
