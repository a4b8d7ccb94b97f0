"""The teams: an index, and a page per team with its members, its services (this month's error
budget, then their availability against the SLO over the last months and the budget each burned),
the times to detect, mitigate and resolve of its incidents, the open actions of the team and its
members, and its incidents. A team's incidents are those that affected one of its services: the
definition of `selection.select_incidents`, which `postmortem stats --team` uses too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..figures import availability, metrics
from ..figures.selection import chosen_services, select_incidents
from ..figures.units import rate
from ..kb.config.schema import Service
from ..kb.model import Action, PostMortem
from .context import Site
from .markup import WIDE, Fragments, GeneratedFile, e, front_matter_block, paragraph, table
from .tables import (
    action_table,
    budget_row,
    month_availability,
    owner_link,
    postmortem_table,
    service_link,
    spread_table,
    team_anchor,
    team_link,
)

#: The months of availability a team page shows, this one included.
TEAM_MONTHS = 6


def team_pages(site: Site) -> Iterator[GeneratedFile]:
    label, config = site.labels, site.config
    teams = config.known_teams
    services = {team: chosen_services(config, team=team) for team in teams}
    postmortems = {team: _postmortems(site, services[team]) for team in teams}
    actions = _open_actions(site, teams)
    source, html = "teams/index.md", Fragments()
    rows = [[team_link(site, source, team), ", ".join(service_link(site, source, s) for s in services[team]) or "—",
             e(", ".join(_members(site, team)) or "—"), str(len(postmortems[team])),
             str(len(actions[team]["group_overdue"]) + len(actions[team]["group_open"])),
             str(len(actions[team]["group_overdue"]))] for team in teams]
    title = label("teams")
    yield source, "\n".join([
        front_matter_block(title, **WIDE), f"# {e(title)}\n", paragraph(label("team_intro")),
        html(table([label("team"), label("services"), label("members"), label("incidents"), label("open_actions"),
                    label("group_overdue")], rows, [f'id="{team_anchor(site, team)}"' for team in teams]))
        if rows else paragraph(label("none")),
        paragraph(label("teams_without_page")) if len(site.teams_with_page) < len(teams) else "",
    ]), html.blocks
    key = availability.month_key(site.today)
    first = site.today.year * 12 + site.today.month - TEAM_MONTHS  # months since January of year 0, counted from 0
    months = metrics.months_between(dt.date(first // 12, first % 12 + 1, 1), site.today)
    for team in teams:
        if team not in site.teams_with_page:  # its row above says it all
            continue
        source, html = f"teams/{site.team_slugs[team]}.md", Fragments()
        mine = services[team]
        title = label("team_title", team=team)
        parts = [
            front_matter_block(title, **WIDE), f"# {e(title)}\n", paragraph(label("team_intro")),
            f"<p>{e(label('members'))}: {_member_links(site, source, team)}</p>\n",
            f"## {e(label('services'))}\n",
        ]
        if mine and postmortems[team]:
            monthly = [[e(month), service_link(site, source, service), *month_availability(site, service, month),
                        e(_burned(site, service, month))] for month in reversed(months) for service in mine]
            parts += [
                paragraph(label("availability_month", month=label.month(key))),
                html(table([label("service"), label("slo"), label("availability"), label("budget_left")],
                           [budget_row(site, source, service, key) for service in mine])),
                f"## {e(label('team_availability', count=len(months)))}\n",
                html(table([label("month"), label("service"), label("downtime"), label("availability"), label("slo"),
                            label("budget_burned")], monthly)),
            ]
        elif mine:  # no incident: its services at 100%, and the budget of each whole, go without saying
            parts += [html(f"<p>{', '.join(service_link(site, source, s) for s in mine)}</p>"), paragraph(label("team_quiet"))]
        else:
            parts.append(paragraph(label("none")))
        if postmortems[team]:
            parts += [f"## {e(label('spread_title'))}\n",
                      html(spread_table(site, site.figures(select_incidents(site.incidents, config, team=team))))]
        parts.append(f"## {e(label('team_actions'))}\n")
        for group in ("group_overdue", "group_open"):
            items = actions[team][group]
            parts += [f"### {e(label(group))} ({len(items)})\n",
                      html(action_table(site, source, items)) if items else paragraph(label("none"))]
        parts += [f"## {e(label('incidents_of'))}\n", html(postmortem_table(site, source, postmortems[team]))]
        yield source, "\n".join(parts), html.blocks


def _postmortems(site: Site, services: list[Service]) -> list[PostMortem]:
    """The post-mortems that affect one of `services`, drafts included as on the service pages,
    newest first."""
    chosen = {pm.id for service in services for pm in site.grouped("services").get(service.id, [])}
    return [pm for pm in site.postmortems if pm.id in chosen]


def _open_actions(site: Site, teams: list[str]) -> dict[str, dict[str, list[tuple[PostMortem, Action]]]]:
    """The actions of each team, owned by it or by one of its members (as `postmortem actions
    --team` keeps them), grouped overdue, open and done."""
    found: dict[str, list[tuple[PostMortem, Action]]] = {team: [] for team in teams}
    for pm, action in site.all_actions():
        for team in site.config.teams_of(action.owner):
            found[team].append((pm, action))
    return {team: site.grouped_actions(items) for team, items in found.items()}


def _members(site: Site, team: str) -> list[str]:
    return [member.lstrip("@") for member in site.config.teams.get(team, [])]


def _member_links(site: Site, source: str, team: str) -> str:
    """The team's members, each linked to the page of their actions when they own some."""
    members = [owner_link(site, source, m) if m in site.owner_slugs else e(m) for m in _members(site, team)]
    return ", ".join(members) or "—"


def _burned(site: Site, service: Service, key: str) -> str:
    """The share of the month's error budget that the service's downtime used."""
    budget = availability.error_budget(service.slo, key, site.zone)
    return rate(site.downtime[service.id].get(key, 0.0) / budget) if budget else "—"
