"""The charts' own SVG: their axes, values and the sentence over each, on cases worked out by hand."""

from __future__ import annotations

import re

import pytest

from generator.labels import Labels
from generator.reports.charts import SERIES_COLOURS, SEVERITY_COLOURS, ChartSpec, axis_ticks, chart, format_value
from generator.site.trends import TrendChart, chart_summary


@pytest.mark.parametrize(("highest", "whole", "ticks"), [
    (0, True, [0, 1]),
    (0.75, True, [0, 1]),  # a count axis never reads 0.25
    (3, True, [0, 1, 2, 3]),
    (7, True, [0, 2, 4, 6, 8]),  # 7 / 4 = 1.75 -> steps of 2
    (23, True, [0, 10, 20, 30]),  # 5.75 -> 10
    (0.3, False, [0, 0.1, 0.2, 0.3]),  # 0.075 -> 0.1, written without float noise
    (100, False, [0, 50, 100]),  # 25 -> 50
    (130, False, [0, 50, 100, 150]),  # 32.5 -> 50
])
def test_axis_ticks(highest: float, whole: bool, ticks: list[float]) -> None:
    assert axis_ticks(highest, whole) == ticks


@pytest.mark.parametrize(("value", "unit", "text"), [
    (None, "min", "—"), (12.4, "min", "12 min"), (2.46, "min", "2.5 min"), (3.0, "", "3"), (50, "%", "50%"),
])
def test_values_are_written_with_their_unit(value, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_a_stacked_chart_has_a_title_for_every_bar_and_month_and_a_pattern_beside_colour() -> None:
    spec = ChartSpec(["2026-01", "2026-02"], {"SEV1": [1, 0], "SEV2": [2, None]}, "stacked", SEVERITY_COLOURS)
    svg = chart(spec, "c", "Incidents", "Three incidents.")
    assert svg.startswith('<svg class="pm-chart-svg" viewBox="0 0 480 200" role="img" aria-labelledby="c-title" '
                          'aria-describedby="c-desc"')
    assert re.findall(r"<title[^>]*>([^<]*)</title>", svg) == [
        "Incidents", "2026-01: SEV1 1 · SEV2 2", "2026-02: SEV1 0 · SEV2 —", "2026-01: SEV1 1", "2026-01: SEV2 2"]
    assert 'fill="url(#c-p1)"' in svg and '<pattern id="c-p1"' in svg  # SEV2 hatched over its colour
    assert re.findall(r'<text class="pm-tick"[^>]*>([^<]*)</text>', svg) == ["0", "1", "2", "3"]


def test_a_line_breaks_where_a_month_has_no_value() -> None:
    spec = ChartSpec(["2026-01", "2026-02", "2026-03", "2026-04"], {"TTR": [10, 20, None, 40]}, "lines",
                     SERIES_COLOURS, "min")
    svg = chart(spec, "t", "Time to resolve")
    assert len(re.findall(r"<path d=", svg)) == 1  # January to February; April stands alone
    assert len(re.findall(r"<circle ", svg)) == 3


@pytest.mark.parametrize(("language", "series", "sentence"), [
    # last three months 1 + 2 + 0 = 3 (SEV2 2, SEV1 1); the three before, 4 + 1 + 0 = 5
    ("en", {"SEV1": [4, 0, 0, 1, 0, 0], "SEV2": [1, 0, 0, 0, 2, 0]},
     "Last three months: 3 (SEV2 2, SEV1 1), 2 fewer than the three months before."),
    ("fr", {"SEV1": [0, 0, 0, 1, 0, 0], "SEV2": [0, 0, 0, 0, 2, 0]},
     "Trois derniers mois : 3 (SEV2 2, SEV1 1), 3 de plus que les trois mois précédents."),
    ("en", {"SEV1": [0, 0, 0, 0, 0, 0]}, "Last three months: 0, as many as the three months before."),
])
def test_the_sentence_over_a_count_chart(language: str, series: dict, sentence: str) -> None:
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    trend = TrendChart("incidents", "Incidents", ChartSpec(months, series, "stacked", SEVERITY_COLOURS))
    assert chart_summary(Labels(language), trend) == sentence


@pytest.mark.parametrize(("name", "series", "sentence"), [
    # the latest month with a value is March; the one before it with a value, January
    ("times", {"TTD": [12, None, 30, None], "TTR": [50, None, 70, None]},
     "TTD: 30 min in March 2026, against 12 min in January 2026."),
    ("times", {"TTD": [None, None, 3, None]}, "TTD: 3 min in March 2026."),
    ("times", {"TTD": [None, None, None, None]}, "No figures yet."),
    ("budget", {"API": [0, 10, 20, 5], "Web": [0, 0, 0, 40]}, "Most burned in April 2026: Web, 40% of its budget."),
    ("budget", {"API": [0, 10, 20, 0], "Web": [0, 0, 0, 0]}, "No error budget burned in April 2026."),
    ("budget", {}, "No error budget burned in April 2026."),  # no service lost a minute: no line at all
])
def test_the_sentence_over_a_line_chart(name: str, series: dict, sentence: str) -> None:
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    unit = "%" if name == "budget" else "min"
    trend = TrendChart(name, name, ChartSpec(months, series, "lines", SERIES_COLOURS, unit))
    assert chart_summary(Labels("en"), trend) == sentence
