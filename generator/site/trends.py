"""The Trends page: up to 24 months of incidents by severity, MTTD and MTTR, recurrence, root causes,
error budget used and (with git history) post-mortems published on time; each chart with its
figures in a table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from ..figures import availability, metrics
from ..figures.units import rate
from ..reports.charts import SERIES_COLOURS, SEVERITY_COLOURS, ChartSpec
from .context import Site
from .markup import Fragments, GeneratedFile, e, front_matter_block, paragraph, table
from .tables import postmortem_link, spread_table

TREND_MONTHS = 24


class TrendChart(NamedTuple):
    """One chart of the Trends page: its file's name, its heading, and what it shows."""

    name: str
    heading: str
    spec: ChartSpec


def trend_pages(site: Site) -> Iterator[GeneratedFile]:
    """The Trends page and its SVG charts (drawn by `site.draw_charts`)."""
    label, html = site.labels, Fragments()
    charts = trend_charts(site)
    months = charts[0].spec.months
    by_month = metrics.by_month(site.incidents, months, site.zone)
    title = label("trends")
    parts = [front_matter_block(title), f"# {e(title)}\n",
             paragraph(label("trends_intro", start=label.month(months[0]), end=label.month(months[-1]))),
             f"## {e(label('spread_title'))}\n", html(spread_table(site, site.figures([i for items in by_month.values() for i in items])))]
    for (name, heading, spec), svg in zip(charts, site.draw_charts([chart.spec for chart in charts]), strict=True):
        yield f"trends/{name}.svg", svg, []
        rows = [[e(m), *(e(_number(values[index])) for values in spec.series.values())]
                for index, m in enumerate(months)]
        parts += [f"## {e(heading)}\n", f'<p class="pm-chart"><img src="{name}.svg" alt="{e(heading)}"></p>\n',
                  html(table([label("month"), *spec.series.keys()], rows))]
    parts += _actions_worked(site, html)
    yield "trends/index.md", "\n".join(parts), html.blocks


def trend_charts(site: Site) -> list[TrendChart]:
    """The charts of the Trends page, over up to 24 months: worked out once a site (`site.trend_charts`)."""
    if site.trend_charts is not None:
        return site.trend_charts
    label = site.labels
    first_incident = site.incidents[0].started.astimezone(site.zone).date() if site.incidents else site.today
    index = site.today.year * 12 + site.today.month - 1 - (TREND_MONTHS - 1)
    start = max(dt.date(index // 12, index % 12 + 1, 1), first_incident.replace(day=1))
    months = metrics.months_between(start, site.today)
    by_month = metrics.by_month(site.incidents, months, site.zone)
    figures = [site.figures(by_month[m]) for m in months]

    def percents(rates: list[float | None]) -> list[float | None]:
        return [None if value is None else 100 * value for value in rates]

    causes_seen = [c for c in site.config.root_causes if any(f.by_cause.get(c) for f in figures)]
    factors_seen = [c for c in site.config.root_causes if any(f.by_factor.get(c) for f in figures)]
    charts = [
        ("incidents", label("chart_incidents"), {s: [f.by_severity[s] for f in figures] for s in site.config.severity_ids},
         "stacked", SEVERITY_COLOURS, "", None),
        ("times", label("chart_times"), {
            **{label("median_of", name=label(name)): [getattr(f, name).median for f in figures] for name in ("ttd", "ttm", "ttr")},
            label("p90_of", name=label("ttr")): [f.ttr.p90 for f in figures]}, "lines", SERIES_COLOURS, "min", None),
        ("recurrence", label("chart_recurrence"), {label("recurrence"): percents([f.recurrence_rate for f in figures])},
         "lines", SERIES_COLOURS, "%", None),
        ("causes", label("chart_causes"), {c: [f.by_cause.get(c, 0) for f in figures] for c in causes_seen},
         "stacked", SERIES_COLOURS, "", None),
        ("budget", label("chart_budget"), {
            s.display_name: [100 * site.downtime[s.id].get(m, 0.0) / availability.error_budget(s.slo, m, site.zone)
                             for m in months]
            for s in site.config.services}, "lines", SERIES_COLOURS, "%", 100),
    ]
    if factors_seen:
        charts.insert(4, ("factors", label("chart_factors"), {c: [f.by_factor.get(c, 0) for f in figures] for c in factors_seen},
                          "stacked", SERIES_COLOURS, "", None))
    if site.published is not None:  # git history tells when each post-mortem was published
        charts.append(("on-time", label("chart_on_time"), {label("chart_on_time"): percents([f.on_time_rate for f in figures])},
                       "lines", SERIES_COLOURS, "%", 100))
    site.trend_charts = [TrendChart(name, heading, ChartSpec(months, series, kind, colours, unit, limit))
                         for name, heading, series, kind, colours, unit, limit in charts]
    return site.trend_charts


def _actions_worked(site: Site, html: Fragments) -> list[str]:
    """How many post-mortems came back once their actions were all closed, and which."""
    label, source = site.labels, "trends/index.md"
    closed = [i for i in site.incidents if metrics.actions_closed_on(i.front) is not None]
    records = sorted(site.after_actions.values(), key=lambda r: (r.later.started, r.earlier.id), reverse=True)
    days = metrics.median(r.days for r in records)
    parts = [f"## {e(label('actions_worked_title'))}\n", paragraph(label(
        "actions_worked", closed=len(closed), recurred=len(records), rate=rate(len(records) / len(closed) if closed else None),
        days="—" if days is None else f"{days:g}"))]
    if records:
        rows = [[postmortem_link(source, site.by_id[r.earlier.id]), e(r.closed_on), postmortem_link(source, site.by_id[r.later.id]),
                 str(r.days)] for r in records]
        parts.append(html(table([label("postmortem"), label("actions_closed"), label("came_back_as"), label("days_after")], rows)))
    return parts


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"
