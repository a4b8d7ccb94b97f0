"""The Trends page: monthly charts as static SVG (matplotlib), each with its figures in a table.

SVGs are reproducible: no creation date, and element ids salted with a constant.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from . import metrics
from .site import Page, Site, e, front_matter_block, table

SEVERITY_COLOURS = ["#c62828", "#ef6c00", "#f9a825", "#78909c", "#8d6e63"]
SERIES_COLOURS = ["#1e88e5", "#e53935", "#43a047", "#8e24aa", "#fb8c00", "#00acc1", "#6d4c41", "#546e7a",
                  "#d81b60", "#7cb342"]
INK = "#888888"  # readable on the light and the dark palette
TREND_MONTHS = 24


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    matplotlib.rcParams.update({
        "svg.hashsalt": "postmortem-kb", "svg.fonttype": "path", "font.size": 9,
        "text.color": INK, "axes.labelcolor": INK, "axes.edgecolor": INK, "xtick.color": INK, "ytick.color": INK,
        "axes.spines.top": False, "axes.spines.right": False, "figure.facecolor": "none", "axes.facecolor": "none",
        "legend.frameon": False,
    })
    return pyplot


def _svg(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    figure.clf()
    return buffer.getvalue()


def _chart(months: list[str], series: dict[str, list[float | None]], kind: str, colours: list[str],
           unit: str = "", limit: float | None = None) -> bytes:
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(8, 3))
    positions = range(len(months))
    if kind == "stacked":
        bottom = [0.0] * len(months)
        for (name, values), colour in zip(series.items(), colours * 3):
            heights = [v or 0 for v in values]
            axes.bar(positions, heights, bottom=bottom, label=name, color=colour, width=0.7)
            bottom = [b + h for b, h in zip(bottom, heights)]
    else:
        for (name, values), colour in zip(series.items(), colours * 3):
            axes.plot(positions, [float("nan") if v is None else v for v in values], marker="o", markersize=3,
                      label=name, color=colour)
    if limit is not None:
        axes.axhline(limit, color=INK, linestyle="--", linewidth=0.8)
    step = max(1, len(months) // 12)
    axes.set_xticks(list(positions)[::step], months[::step], rotation=45, ha="right")
    if unit:
        axes.set_ylabel(unit)
    axes.set_ylim(bottom=0)
    if len(series) > 1:
        axes.legend(loc="upper left", bbox_to_anchor=(1, 1), fontsize=8)
    svg = _svg(figure)
    pyplot.close(figure)
    return svg


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def trend_charts(site: Site) -> Iterator[Page]:
    """The Trends page and its SVG charts."""
    label = site.labels
    last = site.month_key(site.today)
    first_incident = site.incidents[0].started.astimezone(site.zone).date() if site.incidents else site.today
    index = site.today.year * 12 + site.today.month - 1 - (TREND_MONTHS - 1)
    start = max(dt.date(index // 12, index % 12 + 1, 1), first_incident.replace(day=1))
    months = metrics.months_between(start, site.today)
    by_month: dict[str, list[metrics.Incident]] = {m: [] for m in months}
    for item in site.incidents:
        key = site.month_key(item.started.astimezone(site.zone).date())
        if key in by_month:
            by_month[key].append(item)

    severities = {s: [sum(i.front.severity == s for i in by_month[m]) for m in months] for s in site.config.severity_ids}
    times = {
        label("mttd"): [metrics.mean(metrics.time_to_detect(i.front) for i in by_month[m]) for m in months],
        label("mttr"): [metrics.mean(metrics.time_to_resolve(i.front) for i in by_month[m]) for m in months],
    }

    def monthly_percent(rate) -> list[float | None]:
        return [None if (value := rate(by_month[m])) is None else 100 * value for m in months]

    recurrence = {label("recurrence"): monthly_percent(lambda items: metrics.recurrence_rate(items, site.recurring))}
    causes_seen = [c for c in site.config.root_causes if any(i.front.root_cause == c for m in months for i in by_month[m])]
    causes = {c: [sum(i.front.root_cause == c for i in by_month[m]) for m in months] for c in causes_seen}
    budget = {
        s.display_name: [100 * site.downtime[s.id].get(m, 0.0) / metrics.error_budget(s.slo, m, site.zone) for m in months]
        for s in site.config.services
    }

    charts = [
        ("incidents", label("chart_incidents"), severities, "stacked", SEVERITY_COLOURS, "", None),
        ("times", label("chart_times"), times, "lines", SERIES_COLOURS, "min", None),
        ("recurrence", label("chart_recurrence"), recurrence, "lines", SERIES_COLOURS, "%", None),
        ("causes", label("chart_causes"), causes, "stacked", SERIES_COLOURS, "", None),
        ("budget", label("chart_budget"), budget, "lines", SERIES_COLOURS, "%", 100),
    ]
    if site.published is not None:  # git history tells when each post-mortem was published
        on_time = {label("chart_on_time"): monthly_percent(
            lambda items: metrics.on_time_rate(items, site.config, site.now))}
        charts.append(("on-time", label("chart_on_time"), on_time, "lines", SERIES_COLOURS, "%", 100))
    title = label("trends")
    parts = [front_matter_block(title), f"# {e(title)}\n",
             f"<p>{e(label('trends_intro', start=label.month(months[0]), end=label.month(last)))}</p>\n"]
    for name, heading, series, kind, colours, unit, limit in charts:
        yield f"trends/{name}.svg", _chart(months, series, kind, colours, unit, limit)
        rows = [[e(m), *(e(_number(values[index])) for values in series.values())]
                for index, m in enumerate(months)]
        parts += [f"## {e(heading)}\n", f'<p class="pm-chart"><img src="{name}.svg" alt="{e(heading)}"></p>\n',
                  table([label("month"), *series.keys()], rows)]
    yield "trends/index.md", "\n".join(parts)
