"""The pieces of HTML that several pages share: badges, links to post-mortems, services, causes and
owners, and the tables of post-mortems, actions and error budgets."""

from __future__ import annotations

from ..figures import availability, metrics
from ..figures.units import duration, percent
from ..kb.config.schema import Service
from ..kb.model import Action, ActionStatus, PostMortem, action_key
from .context import Site, path_of
from .markup import depth, e, href, table


def badge(site: Site, severity: str | None) -> str:
    if severity is None:
        return "—"
    return f'<span class="pm-badge pm-sev-{site.severity_index.get(severity, 9)}">{e(severity)}</span>'


def status_badge(pm: PostMortem) -> str:
    status = pm.value("status")
    return f'<span class="pm-status pm-status-{status.value}">{e(status.value)}</span>' if status else "—"


def service_links(site: Site, source: str, pm: PostMortem) -> str:
    return ", ".join(f'<a href="{href(source, f"services/{s}.md")}">{e(site.service_name(s))}</a>'
                     for s in pm.value("services") or [])


def service_anchor(service_id: str) -> str:
    """The id of a service's row on the services page (a heading there may have the bare id)."""
    return f"service-{service_id}"


def service_link(site: Site, source: str, service: Service) -> str:
    """A service as a link to its page, or to its row of the services page when it has none."""
    if site.has_service_page(service.id):
        target = href(source, f"services/{service.id}.md")
    else:
        target = href(source, "services/index.md") + f"#{service_anchor(service.id)}"
    return f'<a href="{target}">{e(service.display_name)}</a>'


def postmortem_link(source: str, pm: PostMortem) -> str:
    return f'<a href="{href(source, path_of(pm))}">{e(pm.value("title") or pm.id)}</a>'


def cause_link(source: str, cause: str | None) -> str:
    return f'<a href="{href(source, f"causes/{cause}.md")}">{e(cause)}</a>' if cause else "—"


def owner_link(site: Site, source: str, owner: str) -> str:
    return f'<a href="{href(source, f"actions/{site.owner_slugs[owner]}.md")}">{e(owner)}</a>'


def team_anchor(site: Site, team: str) -> str:
    """The id of a team's row on the teams page."""
    return f"team-{site.team_slugs[team]}"


def team_link(site: Site, source: str, team: str | None) -> str:
    """A team as a link to its page, or to its row of the teams page when it has none; a dash when
    there is no team."""
    if not team:
        return "—"
    if team in site.teams_with_page:
        target = href(source, f"teams/{site.team_slugs[team]}.md")
    else:
        target = href(source, "teams/index.md") + f"#{team_anchor(site, team)}"
    return f'<a href="{target}">{e(team)}</a>'


def team_links(site: Site, source: str, pm: PostMortem) -> str:
    """The teams of a post-mortem's services, each once, as links to their pages."""
    owning = site.config.service_by_id
    teams = dict.fromkeys(owning[s].team for s in pm.value("services") or [] if s in owning and owning[s].team)
    return ", ".join(team_link(site, source, team) for team in teams)


def ticket(site: Site, value: str | None) -> str:
    """A ticket as a link to its tracker (see `trackers` in postmortem.yml), or as text."""
    if not value:
        return "—"
    url = site.config.ticket_url(value)
    return f'<a href="{e(url)}">{e(value)}</a>' if url else e(value)


def postmortem_row(site: Site, source: str, pm: PostMortem) -> list[str]:
    """A post-mortem's cells in the listings; links depend only on the page's depth, so a row is
    rendered once per depth."""
    key = (pm.id, depth(source))
    if key not in site.rows:
        site.rows[key] = [
            e(site.local(pm.value("started_at"))[:10] if pm.value("started_at") else pm.id[:10]),
            postmortem_link(source, pm),
            badge(site, pm.value("severity")),
            service_links(site, source, pm),
            e(duration(site.ttr(pm))),
            cause_link(source, pm.value("root_cause")),
            status_badge(pm),
        ]
    return site.rows[key]


def postmortem_table(site: Site, source: str, postmortems: list[PostMortem]) -> str:
    label = site.labels
    if not postmortems:
        return f"<p>{e(label('no_incidents'))}</p>"
    headers = [label("date"), label("title"), label("severity"), label("services"), label("duration"),
               label("root_cause"), label("status")]
    return table(headers, [postmortem_row(site, source, pm) for pm in postmortems])


def action_table(site: Site, source: str, items: list[tuple[PostMortem, Action]], filterable: bool = False,
                 with_postmortem: bool = True) -> str:
    """Actions with their owner, due date, status and ticket; `filterable` rows carry the owner and
    teams the actions page filters on."""
    label = site.labels
    rows, attributes = [], []
    for pm, action in items:
        overdue = metrics.is_overdue(action, site.today)
        flag = f' <span class="pm-overdue">{e(label("overdue_flag"))}</span>' if overdue else ""
        rows.append([
            e(action.title),
            owner_link(site, source, action.owner),
            e(action.due.isoformat()) + flag,
            e(action.status.value) + _verification(site, action) + _evidence(site, pm, action),
            ticket(site, action.ticket),
            *([postmortem_link(source, pm)] if with_postmortem else []),
        ])
        teams = " ".join(site.config.teams_of(action.owner))
        attributes.append(f'data-owner="{e(action.owner)}" data-teams="{e(teams)}"')
    headers = [label("action"), label("owner"), label("due"), label("status"), label("ticket"),
               *([label("postmortem")] if with_postmortem else [])]
    return table(headers, rows, attributes if filterable else None)


def _verification(site: Site, action: Action) -> str:
    """How the fix's effect was checked, or by when it must be (flagged once that day is reached)."""
    label = site.labels
    if action.verified is not None:
        checked = action.verified
        return f'<br><small>{e(label("action_verified", day=checked.date.isoformat(), by=checked.by, how=checked.how))}</small>'
    if action.verify_by is None or action.status is ActionStatus.wont_do:
        return ""
    flag = f' <span class="pm-to-verify">{e(label("to_verify_flag"))}</span>' if metrics.to_verify(action, site.today) else ""
    return f'<br><small>{e(label("review_verify_by", day=action.verify_by.isoformat()))}</small>{flag}'


def _evidence(site: Site, pm: PostMortem, action: Action) -> str:
    """The commits that name the action in a trailer: short sha, date and subject, struck through
    when reverted (with the revert's sha)."""
    if site.evidence is None or action.id is None:
        return ""
    lines = []
    for item in site.evidence.of(action_key(pm.id, action.id)):
        commit = item.commit
        where = "" if commit.repository == "." else f"{commit.repository} "
        date = commit.date.astimezone(site.zone).date().isoformat()
        text = f"{e(where)}<code>{e(item.short_sha)}</code> {e(date)} {e(commit.subject)}"
        if item.reverted_by is None:
            lines.append(f'<br><small class="pm-evidence">{text}</small>')
        else:
            reverted = e(site.labels("review_reverted_by", sha=item.reverted_by.sha[:7]))
            lines.append(f'<br><small class="pm-evidence"><del>{text}</del> <span class="pm-overdue">{reverted}</span></small>')
    return "".join(lines)


def availability_cell(value: float, slo: float) -> str:
    state = "pm-ok" if value >= slo else "pm-breach"
    return f'<span class="{state}">{e(percent(value, 3))}</span>'


def month_availability(site: Site, service: Service, key: str) -> list[str]:
    """A service's downtime in the month `key`, its availability against the SLO, and the SLO."""
    used = site.downtime[service.id].get(key, 0.0)
    return [e(duration(used)), availability_cell(availability.availability(used, key, site.zone), service.slo),
            e(percent(service.slo))]


def budget_row(site: Site, source: str, service: Service, key: str) -> list[str]:
    """A service's SLO, availability and error budget left in the month `key`."""
    used = site.downtime[service.id].get(key, 0.0)
    budget = availability.error_budget(service.slo, key, site.zone)
    left = budget - used
    return [
        service_link(site, source, service),
        e(percent(service.slo, 2)),
        availability_cell(availability.availability(used, key, site.zone), service.slo),
        e(f"{left:.1f} min ({100 * left / budget:.0f}%)" if budget else "—"),
    ]


def spread_table(site: Site, figures: metrics.PeriodFigures) -> str:
    """Time to detect, mitigate and resolve: median, p90, mean and how many incidents have each."""
    label = site.labels
    rows = [[e(label(name)), *(e(duration(value)) for value in (spread.median, spread.p90, spread.mean)), str(spread.n)]
            for name, spread in (("ttd", figures.ttd), ("ttm", figures.ttm), ("ttr", figures.ttr))]
    return table(["", label("spread_median"), label("spread_p90"), label("spread_mean"), label("spread_n")], rows)


def spread_note(site: Site, spread: metrics.Spread) -> str:
    """`p90 2 h 05 · mean 1 h 10 · n = 12`, under a median."""
    return site.labels("spread_note", p90=duration(spread.p90), mean=duration(spread.mean), n=spread.n)
