"""`feed.xml`: an Atom feed of the latest published post-mortems, newest first, for feed readers and
chat integrations. An entry gives the facts of the incident and its summary; a restricted
post-mortem's entry gives only what the site shows of it (see `PostMortem.redacted`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from ..figures.units import duration
from ..kb.model import PostMortem, Status
from .context import Site, path_of
from .markup import GeneratedFile, page_url
from .search import plain_text

FEED = "feed.xml"
#: Entries in the feed: readers poll it, so it stays small whatever the size of the knowledge base.
FEED_ENTRIES = 50
ATOM = "http://www.w3.org/2005/Atom"


def feed(site: Site) -> Iterator[GeneratedFile]:
    """The feed of the FEED_ENTRIES post-mortems published last (by git when it tells, else by start)."""
    chosen = [pm for pm in site.postmortems if pm.value("status") == Status.published]
    chosen.sort(key=lambda pm: (_published(site, pm), pm.id), reverse=True)
    chosen = chosen[:FEED_ENTRIES]
    base = site.config.site_url
    updated = max((_updated(site, pm) for pm in chosen), default=dt.datetime.combine(site.today, dt.time(), site.zone))
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}" xml:lang="{site.config.language}">',
        f"<title>{escape(site.config.title)}</title>",
        f"<id>{escape(base or _urn(site, ''))}</id>",
        f"<updated>{_time(updated)}</updated>",
        f"<author><name>{escape(site.config.title)}</name></author>",
    ]
    if base:
        lines += [f"<link rel=\"self\" href={quoteattr(base + FEED)}/>", f"<link href={quoteattr(base)}/>"]
    lines += [_entry(site, pm) for pm in chosen]
    yield FEED, "\n".join([*lines, "</feed>", ""]), []


def _entry(site: Site, pm: PostMortem) -> str:
    label, values = site.labels, pm.values
    link = (site.config.site_url or "") + page_url(path_of(pm))
    facts = " · ".join(str(part) for part in (
        values.get("severity"), ", ".join(site.service_name(s) for s in values.get("services") or []),
        f"{label('started')} {site.local(values.get('started_at'))}", f"{label('duration')} {duration(site.ttr(pm))}")
        if part)
    summary = next((plain_text(text) for section, text in pm.section_texts()
                    if site.summary_spec and section.normalized_title in site.summary_spec.normalized_names), "")
    categories = [values.get("severity"), *(values.get("services") or []), values.get("root_cause")]
    return "\n".join([
        "<entry>",
        f"<title>{escape(values.get('title') or pm.id)}</title>",
        f"<id>{escape(link if site.config.site_url else _urn(site, pm.id))}</id>",
        f"<link href={quoteattr(link)}/>",
        f"<published>{_time(_published(site, pm))}</published>",
        f"<updated>{_time(_updated(site, pm))}</updated>",
        *(f"<category term={quoteattr(str(term))}/>" for term in categories if term),
        f"<summary>{escape(facts)}</summary>",
        f'<content type="text">{escape(summary.strip())}</content>' if summary.strip() else "",
        "</entry>",
    ])


def _published(site: Site, pm: PostMortem) -> dt.datetime:
    """When git saw it published, else when the incident was resolved, else when it started."""
    published = (site.published or {}).get(pm.id)
    return published or pm.value("resolved_at") or pm.value("started_at")


def _updated(site: Site, pm: PostMortem) -> dt.datetime:
    history = site.history.files.get(pm.path) if site.history else None
    return max(history.last_change, _published(site, pm)) if history else _published(site, pm)


def _urn(site: Site, name: str) -> str:
    """A stable id for the feed or an entry when the config gives no `site_url`."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'postmortem-kb:{site.config.title}:{name}')}"


def _time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
