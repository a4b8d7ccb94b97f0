"""Charts as static SVG (matplotlib), for the Trends page.

SVGs are reproducible: no creation date, and element ids salted with a constant.
"""

from __future__ import annotations

import io
from typing import NamedTuple

SEVERITY_COLOURS = ["#c62828", "#ef6c00", "#f9a825", "#78909c", "#8d6e63"]
SERIES_COLOURS = ["#1e88e5", "#e53935", "#43a047", "#8e24aa", "#fb8c00", "#00acc1", "#6d4c41", "#546e7a",
                  "#d81b60", "#7cb342"]
INK = "#888888"  # readable on the light and the dark palette


class ChartSpec(NamedTuple):
    """What a chart shows (see `chart`): plain data, so that another process can draw it."""

    months: list[str]
    series: dict[str, list[float | None]]
    kind: str
    colours: list[str]
    unit: str = ""
    limit: float | None = None


def draw_all(specs: list[ChartSpec]) -> list[bytes]:
    """The SVG of each chart of `specs`, drawn here."""
    return [chart(*spec) for spec in specs]


def prepare() -> None:
    """Import matplotlib and set its parameters now (about 0.4 s), ahead of the first chart."""
    _pyplot()


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


def chart(months: list[str], series: dict[str, list[float | None]], kind: str, colours: list[str],
          unit: str = "", limit: float | None = None) -> bytes:
    """An SVG chart of `series` (name: one value a month) over `months`: `stacked` bars or `lines`,
    with an optional dashed `limit` line."""
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
