"""The services: their availability and error budget this month, and a page per service with twelve
months of availability, its open actions and its incidents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..figures import availability, metrics
from ..figures.units import percent
from .context import Site
from .markup import WIDE, Fragments, GeneratedFile, e, front_matter_block, paragraph, table
from .tables import (
    action_table,
    budget_row,
    month_availability,
    postmortem_table,
    service_anchor,
    spread_table,
    team_link,
)


def service_pages(site: Site) -> Iterator[GeneratedFile]:
    label = site.labels
    key = availability.month_key(site.today)
    source, html = "services/index.md", Fragments()
    rows = []
    for service in site.config.services:
        name, *figures = budget_row(site, source, service, key)
        count = len(site.grouped("services").get(service.id, []))
        rows.append([name, team_link(site, source, service.team), *figures, str(count)])
    title = label("services_title")
    yield source, "\n".join([
        front_matter_block(title, **WIDE), f"# {e(title)}\n",
        paragraph(label("availability_month", month=label.month(key))),
        html(table([label("service"), label("team"), label("slo"), label("availability"), label("budget_left"),
                    label("incidents")], rows, [f'id="{service_anchor(service.id)}"' for service in site.config.services])),
        paragraph(label("services_without_page"))
        if any(not site.has_service_page(service.id) for service in site.config.services) else "",
    ]), html.blocks
    months = metrics.months_between(site.today.replace(day=1) - dt.timedelta(days=335), site.today)
    for service in site.config.services:
        mine = site.grouped("services").get(service.id, [])
        if not site.has_service_page(service.id):  # its row above says it all
            continue
        source, html = f"services/{service.id}.md", Fragments()
        budget = availability.error_budget(service.slo, key, site.zone)
        left = budget - site.downtime[service.id].get(key, 0.0)
        monthly = [[e(month), *month_availability(site, service, month)] for month in reversed(months)]
        open_actions = sorted(((pm, a) for pm in mine for _, a in pm.actions if a.status in metrics.OPEN_STATUSES),
                              key=lambda item: (item[1].due, item[0].id))
        budget_line = label("budget_this_month", month=label.month(key), left=f"{left:.1f} min",
                            budget=f"{budget:.1f} min", percent=f"{100 * left / budget:.0f}%")
        yield source, "\n".join([
            front_matter_block(service.display_name, **WIDE),
            f"# {e(service.display_name)}\n",
            f"<p>{e(label('team'))}: {team_link(site, source, service.team)} · {e(label('slo'))}: "
            f"{e(percent(service.slo))}</p>\n",
            paragraph(budget_line, "pm-budget"),
            f"## {e(label('monthly_availability'))}\n",
            html(table([label("month"), label("downtime"), label("availability"), label("slo")], monthly)),
            f"## {e(label('spread_title'))}\n",
            html(spread_table(site, site.figures(site.incidents_by_service.get(service.id, [])))),
            f"## {e(label('open_actions_of'))}\n",
            html(action_table(site, source, open_actions)) if open_actions else paragraph(label("none")),
            f"## {e(label('incidents_of'))}\n",
            html(postmortem_table(site, source, mine)),
        ]), html.blocks
