"""One page per post-mortem: a banner for drafts, reviews and restricted incidents, the header card
(severity, services, times, roles, impact, tags, history), the authors' Markdown between the body
markers (sanitised once the engine has rendered it), the actions and the related post-mortems."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..figures import metrics
from ..figures.units import duration
from ..kb.model import PostMortem, Status
from ..labels import Labels
from ..rules.allowing import without_allow_comments
from .context import Site, path_of
from .markup import BODY_END, BODY_START, Fragments, GeneratedFile, depth, e, front_matter_block, href, without_markers
from .tables import action_table, badge, cause_link, postmortem_link, service_links, status_badge, team_links

IMPACT_FIELDS = ("users_affected", "failed_requests_pct", "revenue_lost", "support_tickets", "sla_breached",
                 "downtime_minutes")
ROLES = ("incident_commander", "technical_owner", "communications_owner")


def postmortem_pages(site: Site) -> Iterator[GeneratedFile]:
    for pm in site.postmortems:
        yield postmortem_page(site, pm)


def postmortem_page(site: Site, pm: PostMortem) -> tuple[str, str, list[str]]:
    """The docs page of `pm`: its path, its Markdown and its fragments."""
    label, source, html = site.labels, path_of(pm), Fragments()
    values = pm.values
    title = values.get("title") or pm.id
    parts = [front_matter_block(title)]
    if pm.is_restricted:
        parts.append(html(f'<div class="pm-banner pm-banner-restricted">{e(label("restricted_banner"))}</div>'))
    elif values.get("status") is Status.draft:
        parts.append(html(f'<div class="pm-banner pm-banner-draft">{e(label("draft_banner"))}</div>'))
    elif values.get("status") is Status.review:
        parts.append(html(f'<div class="pm-banner">{e(label("review_banner"))}</div>'))
    if not re.match(r"\s*# ", pm.body):
        parts.append(f"# {e(title)}\n")
    parts.append(html(_header_card(site, pm, source, label)))
    parts += [BODY_START, without_markers(without_allow_comments(pm.body)).strip("\n") + "\n"]
    if pm.actions:
        parts.append(f"## {e(label('actions'))}\n")
        parts.append(html(action_table(site, source, [(pm, a) for _, a in pm.actions], with_postmortem=False)))
    parts += [*_related(site, pm, source, label, html), BODY_END]
    return source, "\n".join(parts), html.blocks


def _header_card(site: Site, pm: PostMortem, source: str, label: Labels) -> str:
    values = pm.values
    started = values.get("started_at")

    def since_start(name: str) -> str:
        return duration(metrics.minutes_between(values.get(name), started))

    rows = [
        (label("severity"), badge(site, values.get("severity")) + " " + status_badge(pm)),
        (label("services"), service_links(site, source, pm) or "—"),
        (label("started"), e(site.local(started))),
        (label("duration"), e(duration(site.ttr(pm)))),
        (label("ttd"), e(since_start("detected_at"))),
        (label("ttm"), e(since_start("mitigated_at"))),
        (label("ttr"), e(since_start("resolved_at"))),
        (label("detection"), e(values["detection"].value) if values.get("detection") else "—"),
        (label("root_cause"), cause_link(source, values.get("root_cause"))),
    ]
    if values.get("contributing_factors"):
        rows.append((label("contributing_factors"),
                     ", ".join(cause_link(source, factor) for factor in values["contributing_factors"])))
    public = 4  # severity, services, (teams,) start, duration: nothing more of a restricted incident is published
    if site.team_slugs:  # the config names teams
        rows.insert(2, (label("teams"), team_links(site, source, pm) or "—"))
        public += 1
    if pm.is_restricted:
        rows = rows[:public]
    else:
        rows += _detail_rows(site, pm, source, label)
    body = "".join(f"<dt>{e(name)}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<dl class="pm-header">{body}</dl>'


def _detail_rows(site: Site, pm: PostMortem, source: str, label: Labels) -> list[tuple[str, str]]:
    """Roles, impact, tags, history and the edit link of a post-mortem's header card."""
    values = pm.values
    rows = []
    roles = values.get("roles")
    if roles:
        rows.append((label("roles"), "<br>".join(
            f"{e(label(role))}: {e(getattr(roles, role))}" for role in ROLES if getattr(roles, role))))
    impact = values.get("impact")
    if impact and impact.has_figures():
        rows.append((label("impact"), "<br>".join(
            f"{e(label(name))}: {e(_impact_value(name, getattr(impact, name), site.config.currency, label))}"
            for name in IMPACT_FIELDS if getattr(impact, name) is not None)))
    tags = values.get("tags")
    if tags:
        rows.append((label("tags"), " ".join(
            f'<a class="pm-tag" href="{href(source, f"tags/{t}.md")}">{e(t)}</a>' for t in tags)))
    rows += _history_rows(site, pm, label)
    if site.config.edit_url:
        rows.append(("", f'<a href="{e(site.config.edit_url + pm.path)}">{e(label("edit"))}</a>'))
    return rows


def _history_rows(site: Site, pm: PostMortem, label: Labels) -> list[tuple[str, str]]:
    """Time to post-mortem and the file's history, when git can tell them."""
    if site.published is None:
        return []
    rows = []
    incident = site.incident_of.get(pm.id)
    target = metrics.publish_target(site.config, pm.value("severity") or "")
    if incident is not None and target is not None and incident.front.resolved_at is not None:
        shown_target = f"{target} h"
        hours = metrics.hours_to_postmortem(incident)
        text = (label("not_published", target=shown_target) if hours is None
                else label("published_after", hours=duration(60 * hours), target=shown_target))
        verdict = metrics.published_on_time(incident, target, site.now)
        flag = "" if verdict is None else (f' <span class="pm-ok">{e(label("on_time_flag"))}</span>' if verdict
                                           else f' <span class="pm-overdue">{e(label("late_flag"))}</span>')
        rows.append((label("time_to_postmortem"), e(text) + flag))
    history = site.history.files.get(pm.path)
    if history is None:
        rows.append((label("history"), e(label("not_committed"))))
    else:
        count = history.revisions
        revisions = label("one_revision") if count == 1 else label("revisions", count=count)
        rows.append((label("history"), e(label("history_line", first=site.local(history.first_commit)[:10],
                                                last=site.local(history.last_change)[:10], revisions=revisions))))
        rows.append((label("authors"), e(", ".join(history.authors))))
    return rows


def _impact_value(name: str, value: Any, currency: str, label: Labels) -> str:
    if isinstance(value, bool):
        return label("yes") if value else label("no")
    if name == "failed_requests_pct":
        return f"{value:g}%"
    if name == "revenue_lost":
        return f"{value:,.0f} {currency}"
    if name == "downtime_minutes":
        return duration(value)
    return f"{value:,}"


def _related(site: Site, pm: PostMortem, source: str, label: Labels, html: Fragments) -> list[str]:
    """The post-mortems the authors relate this one to, those of the 30 days either side that
    share a service and the root cause, and the most similar by their words, with why."""
    if pm.is_restricted:
        return []
    explicit = [site.by_id[r] for r in pm.value("related") or [] if r in site.by_id]
    detected = [site.by_id[i.id] for i in site.similar.get(pm.id, []) if site.by_id[i.id] not in explicit]
    listed = {other.id for other in explicit + detected}
    similar = [(site.by_id[match.id], match) for match in site.similar_by_text.get(pm.id, []) if match.id not in listed]
    after = [(record.later, "recurred_after_actions", record.days) for record in [site.after_actions.get(pm.id)] if record]
    after += [(record.earlier, "after_closed_actions", record.days) for record in site.came_back.get(pm.id, [])]
    if not explicit and not detected and not similar and not after:
        return []
    parts = [f"## {e(label('related'))}\n"]
    for other, key, days in after:
        shown = site.by_id[other.id]
        parts.append(html(f'<p class="pm-came-back">{e(label(key, days=days))} {_dated_link(site, source, shown)}</p>'))
    for key, items in (("related_explicit", [(other, None) for other in explicit]),
                       ("related_detected", [(other, None) for other in detected]), ("related_similar", similar)):
        if items:
            entries = "".join(f"<li>{_dated_link(site, source, other)}"
                              + (f' <span class="pm-why">— {e(_why(site, pm, other, match))}</span>' if match else "")
                              + "</li>" for other, match in items)
            parts.append(html(f'<p class="pm-related-kind">{e(label(key))}</p>\n<ul>{entries}</ul>'))
    return parts


def _dated_link(site: Site, source: str, other: PostMortem) -> str:
    """A link to `other` and its date, rendered once per page depth (every page links a dozen)."""
    key = (other.id, depth(source))
    if key not in site.links:
        site.links[key] = f"{postmortem_link(source, other)} ({e(other.id[:10])})"
    return site.links[key]


def _why(site: Site, pm: PostMortem, other: PostMortem, match) -> str:
    """Why two post-mortems are shown as similar: the words they share, their common services and cause."""
    label = site.labels
    reasons = [label("shared_words", words=", ".join(match.shared))] if match.shared else []
    services = [s for s in pm.value("services") or [] if s in (other.value("services") or [])]
    if services:
        reasons.append(label("same_service", names=", ".join(site.service_name(s) for s in services)))
    if pm.value("root_cause") and pm.value("root_cause") == other.value("root_cause"):
        reasons.append(label("same_cause", cause=pm.value("root_cause")))
    return " · ".join(reasons)
