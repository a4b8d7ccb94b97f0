"""The public page's files from its content (`content.PublicContent`): HTML with its styles inline
and no script, an Atom feed, and a versioned JSON API. Nothing is fetched from another host; the
same content gives the same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..figures.units import percent
from ..labels import Labels
from ..reports.customer import report_markdown
from .content import UPTIME_DAYS, Day, PublicContent, PublicService

#: The shape of `api/uptime.json` and `api/incidents.json`; a change that breaks a reader bumps it.
API_VERSION = 1
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "public"
#: The customer reports' Markdown, as HTML: raw HTML stays text, `javascript:` links are not links.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def render(site: PublicContent) -> dict[str, bytes]:
    """Every file of the public site, by its path."""
    label = Labels(site.language)
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]),
                              undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True)
    environment.globals.update(site=site, label=label, days=UPTIME_DAYS, percent=percent, month_name=label.month,
                               day_title=lambda day: _day_title(label, day),
                               bar_summary=lambda service: _bar_summary(label, service))
    files = {"index.html": environment.get_template("index.html.j2").render(root="").encode()}
    incident_page = environment.get_template("incident.html.j2")
    for incident in site.incidents:
        # Safe as HTML: markdown-it with `html` off writes authors' raw HTML as text.
        body = Markup(_MARKDOWN.render(report_markdown(incident.report)))
        files[f"incidents/{incident.slug}/index.html"] = incident_page.render(root="../../", incident=incident,
                                                                              body=body).encode()
    updated = max((i.resolved for i in site.incidents), default=None)
    files["feed.xml"] = environment.get_template("feed.xml.j2").render(
        base=site.url or "urn:postmortem-kb:status:", updated=(updated.isoformat() if updated else
                                                               f"{site.today.isoformat()}T00:00:00Z")).encode()
    files["api/uptime.json"] = _json({"version": API_VERSION, "date": site.today.isoformat(), "services": [
        {"name": s.name, "sla_percent": s.sla, "uptime_percent_90_days": round(s.uptime, 4),
         "days": [{"date": d.day.isoformat(), "downtime_minutes": d.minutes, "status": d.status} for d in s.days],
         "months": [{"month": m.key, "availability_percent": round(m.availability, 4), "sla_met": m.met}
                    for m in s.months]}
        for s in site.services]})
    files["api/incidents.json"] = _json({"version": API_VERSION, "date": site.today.isoformat(), "incidents": [
        {"id": i.slug, "url": f"{site.url or ''}incidents/{i.slug}/", "title": i.report.title,
         "started_at": i.started.isoformat(), "resolved_at": i.resolved.isoformat(), "impact": i.impact,
         "severity": i.severity, "services": i.services, "duration": i.report.duration}
        for i in site.incidents]})
    return files


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _day_title(label: Labels, day: Day) -> str:
    if day.status == "operational":
        return label("public_day_ok", day=day.day.isoformat())
    return label(f"public_day_{day.status}", day=day.day.isoformat(), minutes=f"{day.minutes:g}")


def _bar_summary(label: Labels, service: PublicService) -> str:
    outages = sum(day.status == "outage" for day in service.days)
    degraded = sum(day.status == "degraded" for day in service.days)
    return label("public_bar_summary", outages=outages, degraded=degraded)
