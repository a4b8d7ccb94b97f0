"""The 90-day report: the period's figures, the three areas (services or root causes) that cost the
most downtime, the root causes, and the incidents."""

from __future__ import annotations

from collections.abc import Iterator

from ..figures import availability, metrics
from ..figures.units import duration
from .context import Site
from .home import card
from .markup import WIDE, Fragments, GeneratedFile, e, front_matter_block, href, paragraph, table
from .tables import cause_link, postmortem_table, spread_table

TOP_AREAS = 3


def report_page(site: Site) -> Iterator[GeneratedFile]:
    label, source, html = site.labels, "report.md", Fragments()
    start, end = site.period(0)
    period = site.in_period(start, end)
    figures = site.figures(period)
    chosen = [site.by_id[i.id] for i in reversed(period)]
    causes = metrics.by_root_cause(period)
    downtime_of = {i.id: availability.downtime_minutes(i.front) for i in period}
    cause_rows = [[cause_link(source, cause), str(len(items)), str(figures.by_factor.get(cause, 0)),
                   e(duration(sum(downtime_of[i.id] for i in items)))]
                  for cause, items in sorted(causes.items(), key=lambda kv: -len(kv[1]))]
    cause_rows += [[cause_link(source, factor), "0", str(count), e(duration(0))]
                   for factor, count in sorted(figures.by_factor.items()) if factor not in causes]
    areas = [(label("kind_service"), s.display_name, href(source, f"services/{s.id}.md"),
              sum(availability.downtime_by_month(period, s.id, site.zone).values()))
             for s in site.config.services]
    areas += [(label("kind_cause"), cause, href(source, f"causes/{cause}.md"),
               sum(downtime_of[i.id] for i in items)) for cause, items in causes.items()]
    top = sorted((a for a in areas if a[3] > 0), key=lambda a: (-a[3], a[1]))[:TOP_AREAS]
    top_rows = [[f'<a href="{link}">{e(name)}</a>', e(kind), e(duration(minutes))] for kind, name, link, minutes in top]
    title = label("report_title")
    yield source, "\n".join([
        front_matter_block(title, **WIDE), f"# {e(title)}\n",
        paragraph(label("report_intro", start=start, end=end)),
        html('<div class="pm-cards">'
             + card(label("incidents"), str(figures.incidents), label("per_month", value=f"{figures.incidents / 3:.1f}"))
             + "</div>"),
        f"## {e(label('spread_title'))}\n",
        html(spread_table(site, figures)),
        f"## {e(label('top_areas'))}\n",
        html(table([label("area"), "", label("downtime")], top_rows)) if top_rows else paragraph(label("none")),
        f"## {e(label('causes_period'))}\n",
        html(table([label("root_cause"), label("as_root_cause"), label("as_factor"), label("downtime")], cause_rows))
        if cause_rows
        else paragraph(label("none")),
        f"## {e(label('incidents'))}\n",
        html(postmortem_table(site, source, chosen)),
    ]), html.blocks
