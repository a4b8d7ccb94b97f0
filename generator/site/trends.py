"""The Trends page: up to 24 months of incidents by severity, MTTD and MTTR, recurrence, root causes,
error budget used and (with git history) post-mortems published on time; each chart with a
sentence saying what it shows, and its figures in a table folded beneath it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import NamedTuple

from ..figures import availability, metrics
from ..figures.selection import chosen_services
from ..figures.units import rate
from ..labels import Labels
from ..reports import charts
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
    """The Trends page: each chart inline, introduced by a sentence, its figures folded beneath."""
    label, html = site.labels, Fragments()
    trend = trend_charts(site)
    months = trend[0].spec.months
    by_month = metrics.by_month(site.incidents, months, site.zone)
    title = label("trends")
    cards = "".join(_chart_card(site, item) for item in trend)
    parts = [front_matter_block(title, hide=["navigation", "toc"]), f"# {e(title)}\n",
             paragraph(label("trends_intro", start=label.month(months[0]), end=label.month(months[-1]))),
             html(_selection_form(site)),
             html(f'<div class="pm-charts">{cards}</div>'),
             f"## {e(label('spread_title'))}\n",
             html(spread_table(site, site.figures([i for items in by_month.values() for i in items])))]
    parts += _actions_worked(site, html)
    yield "trends/index.md", "\n".join(parts), html.blocks
    yield "trends/figures.json", selection_figures(site), []


def selection_figures(site: Site) -> str:
    """What the Trends page's selection computes in the browser (assets/trends.js), offline: each
    counted incident's day, severity, services and times (no title, no id), and each team's
    services. The same incidents, the same choice and the same spreads as `postmortem stats`."""
    config = site.config
    # A service without incident matches none: only those with incidents are listed, by team.
    teams = {team: [s.id for s in chosen_services(config, team=team) if s.id in site.incidents_by_service]
             for team in config.known_teams}
    incidents = [{"day": i.started.astimezone(site.zone).date().isoformat(), "severity": i.front.severity,
                  "services": sorted(i.services), "ttd": metrics.time_to_detect(i.front),
                  "ttm": metrics.time_to_mitigate(i.front), "ttr": metrics.time_to_resolve(i.front)}
                 for i in site.incidents]
    return json.dumps({"severities": config.severity_ids, "teams": teams, "incidents": incidents},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _selection_form(site: Site) -> str:
    """The selection of the page's figures by team, service, severity and period, worked out in the
    browser from `figures.json`; hidden until the script shows it (it needs the script)."""
    label = site.labels

    def choice(name: str, everything: str, options: list[tuple[str, str]]) -> str:
        listed = "".join(f'<option value="{e(value)}">{e(text)}</option>' for value, text in options)
        return (f'<label>{e(label(f"selection_{name}"))} <select name="{name}"><option value="">{e(everything)}</option>'
                f"{listed}</select></label>")

    return ('<form class="pm-selection" data-figures="figures.json" hidden>'
            f'<fieldset><legend>{e(label("selection_title"))}</legend><div class="pm-filters">'
            + choice("team", label("selection_all"), [(t, t) for t in site.config.known_teams])
            + choice("service", label("selection_all"), [(s.id, s.display_name) for s in site.config.services
                                                          if s.id in site.incidents_by_service])
            + choice("severity", label("selection_all"), [(s, s) for s in site.config.severity_ids])
            + f'<label>{e(label("selection_since"))} <input type="date" name="since"></label>'
            f'<label>{e(label("selection_until"))} <input type="date" name="until"></label></div></fieldset>'
            f'<div class="pm-selection-figures" aria-live="polite" data-labels="{e(json.dumps(_figure_labels(site)))}">'
            "</div></form>")


def _figure_labels(site: Site) -> dict[str, str]:
    label = site.labels
    return {"incidents": label("incidents"), "median": label("spread_median"), "p90": label("spread_p90"),
            "mean": label("spread_mean"), "n": label("spread_n"), "ttd": label("ttd"), "ttm": label("ttm"),
            "ttr": label("ttr"), "min": "min"}


def _chart_card(site: Site, trend: TrendChart) -> str:
    """A chart with its heading, the sentence that says what it shows, its legend, and its figures
    by month in a table folded under it."""
    label, (name, heading, spec) = site.labels, trend
    summary = chart_summary(label, trend)
    rows = [[e(m), *(e(charts.format_value(values[index], spec.unit)) for values in spec.series.values())]
            for index, m in enumerate(spec.months)]
    return (f'<section class="pm-chart-card" aria-labelledby="trend-{name}"><h2 id="trend-{name}">{e(heading)}</h2>'
            f'<p class="pm-chart-summary">{e(summary)}</p>'
            f'<figure class="pm-chart">{charts.chart(spec, f"chart-{name}", heading, summary)}'
            f"<figcaption>{charts.legend(spec, f'chart-{name}')}</figcaption></figure>"
            f"<details><summary>{e(label('chart_figures'))}</summary>{table([label('month'), *spec.series], rows)}"
            "</details></section>")


#: The sentence over a count chart compares this many months with as many before.
SUMMARY_MONTHS = 3


def chart_summary(label: Labels, trend: TrendChart) -> str:
    """What the chart shows, in one sentence computed from its figures: for counts, the last three
    months against the three before; for lines, the latest month against the one before it."""
    spec = trend.spec
    if spec.kind == "stacked":
        now = {name: sum(v or 0 for v in values[-SUMMARY_MONTHS:]) for name, values in spec.series.items()}
        before = sum(sum(v or 0 for v in values[-2 * SUMMARY_MONTHS:-SUMMARY_MONTHS])
                     for values in spec.series.values())
        total = sum(now.values())
        detail = ", ".join(f"{name} {count:g}" for name, count in sorted(now.items(), key=lambda item: -item[1]) if count)
        change = (label("chart_as_many") if total == before else
                  label("chart_fewer" if total < before else "chart_more", n=f"{abs(total - before):g}"))
        return label("chart_counts", now=f"{total:g}", detail=f" ({detail})" if detail else "", change=change)
    if trend.name == "budget" and not spec.series and spec.months:  # only services that lost minutes have a line
        return label("chart_budget_none", month=label.month(spec.months[-1]))
    known = [index for index in range(len(spec.months)) if any(values[index] is not None for values in spec.series.values())]
    if not known:
        return label("chart_no_figures")
    latest = known[-1]
    if trend.name == "budget":
        series, values = max(spec.series.items(), key=lambda item: item[1][latest] or 0)
        if not values[latest]:
            return label("chart_budget_none", month=label.month(spec.months[latest]))
        return label("chart_budget_most", month=label.month(spec.months[latest]), series=series,
                     value=charts.format_value(values[latest], spec.unit))
    series, values = next((name, values) for name, values in spec.series.items() if values[latest] is not None)
    sentence = label("chart_latest", series=series, month=label.month(spec.months[latest]),
                     value=charts.format_value(values[latest], spec.unit))
    earlier = [index for index in range(latest) if values[index] is not None]
    if earlier:
        sentence += label("chart_against", month=label.month(spec.months[earlier[-1]]),
                          value=charts.format_value(values[earlier[-1]], spec.unit))
    return sentence + "."


def trend_charts(site: Site) -> list[TrendChart]:
    """The charts of the Trends page, over up to 24 months."""
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
    made = [
        ("incidents", label("chart_incidents"), {s: [f.by_severity[s] for f in figures] for s in site.config.severity_ids},
         "stacked", SEVERITY_COLOURS, "", None),
        ("times", label("chart_times"), {
            **{label("median_of", name=label(name)): [getattr(f, name).median for f in figures] for name in ("ttd", "ttm", "ttr")},
            label("p90_of", name=label("ttr")): [f.ttr.p90 for f in figures]}, "lines", SERIES_COLOURS, "min", None),
        ("recurrence", label("chart_recurrence"), {label("recurrence"): percents([f.recurrence_rate for f in figures])},
         "lines", SERIES_COLOURS, "%", None),
        ("causes", label("chart_causes"), {c: [f.by_cause.get(c, 0) for f in figures] for c in causes_seen},
         "stacked", SERIES_COLOURS, "", None),
        ("budget", label("chart_budget"), {  # a line at 0 for each service that lost no minute says nothing
            s.display_name: [100 * site.downtime[s.id].get(m, 0.0) / availability.error_budget(s.slo, m, site.zone)
                             for m in months]
            for s in site.config.services if any(site.downtime[s.id].get(m) for m in months)}, "lines", SERIES_COLOURS,
         "%", 100),
    ]
    if factors_seen:
        made.insert(4, ("factors", label("chart_factors"), {c: [f.by_factor.get(c, 0) for f in figures] for c in factors_seen},
                          "stacked", SERIES_COLOURS, "", None))
    if site.published is not None:  # git history tells when each post-mortem was published
        made.append(("on-time", label("chart_on_time"), {label("chart_on_time"): percents([f.on_time_rate for f in figures])},
                       "lines", SERIES_COLOURS, "%", 100))
    return [TrendChart(name, heading, ChartSpec(months, series, kind, colours, unit, limit))
            for name, heading, series, kind, colours, unit, limit in made]


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
