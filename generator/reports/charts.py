"""Charts as static SVG, inline in the page: monthly stacked bars (counts) and lines (durations,
rates), for the Trends page, the team pages and the board report.

Written here rather than drawn by a plotting library: matplotlib took 0.4 s to import and 0.1 s a
chart (most of a small build's extra cost, issue #22), gave no per-bar `<title>`, and its SVG had
to be an `<img>`; pygal writes a random id, a date and 17 KB of styles into every chart. These are
a few hundred bytes of shapes: text and axes in `currentColor` (so they follow the light or dark
page), a `<title>` on every bar, point and month for hover, series told apart by a pattern or a dash
as well as by colour (a palette safe for colour-blind readers, after Okabe and Ito), and the same
bytes on every build.
"""

from __future__ import annotations

import math
from html import escape
from typing import NamedTuple

#: SEV1, SEV2, SEV3...: vermillion, orange, blue, reddish purple, bluish green (Okabe-Ito).
SEVERITY_COLOURS = ["#d55e00", "#e69f00", "#0072b2", "#cc79a7", "#009e73"]
SERIES_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#999999", "#f0e442"]
#: Bars: solid, then patterns drawn over the colour; lines: solid, then dashes.
PATTERNS = ["", "M0,6 L6,0", "M1.5,1.5 h.01 M4.5,4.5 h.01", "M0,3 H6", "M0,6 L6,0 M0,0 L6,6"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2"]

WIDTH, HEIGHT = 480, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 24, 10, 24
FONT = 12
#: At most this many month labels under the axis (about 50 px each).
MONTH_LABELS = 8


class ChartSpec(NamedTuple):
    """What a chart shows: one value a month for each series, as `stacked` bars of counts or
    `lines`, with an optional dashed `limit` (100% of an error budget)."""

    months: list[str]
    series: dict[str, list[float | None]]
    kind: str
    colours: list[str]
    unit: str = ""
    limit: float | None = None


def axis_ticks(highest: float, whole: bool, count: int = 4) -> list[float]:
    """Ticks from 0 up to at least `highest`, about `count` steps of 1, 2 or 5 times a power of ten;
    whole numbers only when `whole` (counts of incidents never read 0.25)."""
    if highest <= 0:
        return [0, 1]
    raw = highest / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, round(step))
    steps = math.ceil(highest / step - 1e-9)
    return [_tidy(i * step) for i in range(steps + 1)]


def chart(spec: ChartSpec, name: str, title: str, summary: str = "") -> str:
    """The SVG of `spec`, named `name` (unique on its page: its patterns' ids start with it), with
    `title` and `summary` as its accessible name and description."""
    values = [v for series in spec.series.values() for v in series if v is not None]
    if spec.kind == "stacked":
        highest = max((sum(s[i] or 0 for s in spec.series.values()) for i in range(len(spec.months))), default=0)
    else:
        highest = max([*values, spec.limit or 0], default=0)
    ticks = axis_ticks(highest, whole=spec.kind == "stacked")
    plot = _Plot(len(spec.months), ticks[-1])
    described = f' aria-describedby="{name}-desc"' if summary else ""
    parts = [f'<svg class="pm-chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{name}-title"'
             f'{described} font-size="{FONT}" fill="currentColor">',
             f'<title id="{name}-title">{escape(title)}</title>']
    if summary:
        parts.append(f'<desc id="{name}-desc">{escape(summary)}</desc>')
    if spec.kind == "stacked":
        parts.append(_patterns(name, spec.colours, len(spec.series)))
    parts += _axes(plot, ticks, spec)
    parts += _month_columns(plot, spec)
    parts += _bars(plot, spec, name) if spec.kind == "stacked" else _lines(plot, spec)
    if spec.limit is not None:
        y = plot.y(spec.limit)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="currentColor" '
                     f'stroke-dasharray="4 3" opacity=".8"><title>{format_value(spec.limit, spec.unit)}</title></line>')
    parts.append("</svg>")
    return "".join(parts)


def legend(spec: ChartSpec, name: str) -> str:
    """The series' names beside a sample of each (colour and pattern, or dash), as an HTML list."""
    items = []
    for index, series in enumerate(spec.series):
        colour = spec.colours[index % len(spec.colours)]
        if spec.kind == "stacked":
            sample = (f'<svg width="14" height="14" aria-hidden="true">{_patterns(f"{name}-key{index}", [colour], 1, index)}'
                      f'<rect width="14" height="14" fill="{_fill(f"{name}-key{index}", colour, index)}"/></svg>')
        else:
            sample = (f'<svg width="22" height="10" aria-hidden="true"><line x1="1" x2="21" y1="5" y2="5" '
                      f'stroke="{colour}" stroke-width="2.5"{_dash(index)}/></svg>')
        items.append(f"<li>{sample} {escape(series)}</li>")
    return f'<ul class="pm-legend">{"".join(items)}</ul>'


class _Plot:
    """Where values and months fall in the plot area."""

    def __init__(self, months: int, top: float):
        self.months = max(months, 1)
        self.top = top
        self.column = (WIDTH - LEFT - RIGHT) / self.months

    def x(self, index: int) -> float:
        """The centre of month `index`."""
        return _tidy(LEFT + self.column * (index + 0.5))

    def y(self, value: float) -> float:
        return _tidy(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / self.top))


def _axes(plot: _Plot, ticks: list[float], spec: ChartSpec) -> list[str]:
    parts = []
    for tick in ticks:
        y = plot.y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="currentColor" '
                     f'opacity="{".5" if tick == 0 else ".15"}"/>')
        parts.append(f'<text class="pm-tick" x="{LEFT - 6}" y="{_tidy(y + FONT / 3)}" text-anchor="end">'
                     f'{_tidy(tick):g}{escape(spec.unit) if spec.unit == "%" else ""}</text>')
    every = math.ceil(len(spec.months) / MONTH_LABELS)
    for index in range(len(spec.months) - 1, -1, -every):  # the latest month always labelled
        parts.append(f'<text x="{plot.x(index)}" y="{HEIGHT - 6}" text-anchor="middle">{escape(spec.months[index])}</text>')
    return parts


def _month_columns(plot: _Plot, spec: ChartSpec) -> list[str]:
    """A transparent column a month, whose `<title>` gives every series' value that month on hover."""
    parts = []
    for index, month in enumerate(spec.months):
        values = " · ".join(f"{escape(name)} {format_value(values[index], spec.unit)}" for name, values in spec.series.items())
        parts.append(f'<rect x="{_tidy(LEFT + plot.column * index)}" y="{TOP}" width="{_tidy(plot.column)}" '
                     f'height="{HEIGHT - TOP - BOTTOM}" fill="transparent"><title>{escape(month)}: {values}</title></rect>')
    return parts


def _bars(plot: _Plot, spec: ChartSpec, name: str) -> list[str]:
    parts = []
    width = _tidy(plot.column * 0.7)
    for index, month in enumerate(spec.months):
        bottom = 0.0
        for number, (series, values) in enumerate(spec.series.items()):
            value = values[index] or 0
            if not value:
                continue
            top = plot.y(bottom + value)
            fill = _fill(name, spec.colours[number % len(spec.colours)], number)
            parts.append(f'<rect x="{_tidy(plot.x(index) - width / 2)}" y="{top}" width="{width}" '
                         f'height="{_tidy(plot.y(bottom) - top)}" fill="{fill}" stroke="#fff" stroke-width=".5">'
                         f'<title>{escape(month)}: {escape(series)} {format_value(value, spec.unit)}</title></rect>')
            bottom += value
    return parts


def _lines(plot: _Plot, spec: ChartSpec) -> list[str]:
    parts = []
    for number, (series, values) in enumerate(spec.series.items()):
        colour = spec.colours[number % len(spec.colours)]
        points = [(plot.x(i), plot.y(v), i, v) for i, v in enumerate(values) if v is not None]
        runs, current = [], []
        for point in points:  # a month without a value breaks the line
            if current and point[2] != current[-1][2] + 1:
                runs.append(current)
                current = []
            current.append(point)
        runs.append(current)
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y, _, _) in enumerate(run))
                parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"{_dash(number)}/>')
        for x, y, index, value in points:
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"><title>{escape(spec.months[index])}: '
                         f'{escape(series)} {format_value(value, spec.unit)}</title></circle>')
    return parts


def _patterns(name: str, colours: list[str], count: int, first: int = 0) -> str:
    """The fills of the series from `first` (the first is plain colour: no pattern)."""
    defs = []
    for number in range(first, first + count):
        shape = PATTERNS[number % len(PATTERNS)]
        if shape:
            colour = colours[(number - first) % len(colours)]
            defs.append(f'<pattern id="{name}-p{number}" patternUnits="userSpaceOnUse" width="6" height="6">'
                        f'<rect width="6" height="6" fill="{colour}"/><path d="{shape}" stroke="#fff" '
                        f'stroke-width="1.5" stroke-linecap="round"/></pattern>')
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(name: str, colour: str, number: int) -> str:
    return f"url(#{name}-p{number})" if PATTERNS[number % len(PATTERNS)] else colour


def _dash(number: int) -> str:
    dash = DASHES[number % len(DASHES)]
    return f' stroke-dasharray="{dash}"' if dash else ""


def format_value(value: float | None, unit: str) -> str:
    """`value` as the charts and their tables write it: whole from 10 up, one decimal below, with its unit."""
    if value is None:
        return "—"
    text = f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.1f}"
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".rstrip()


def _tidy(number: float) -> float:
    """`number` rounded for the SVG's text: 2 decimals, and `-0.0` or `3.0000000001` never written."""
    rounded = round(number, 2)
    return int(rounded) if rounded == int(rounded) else rounded
