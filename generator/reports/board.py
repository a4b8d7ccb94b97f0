"""The quarterly reliability report for a board or investors (`postmortem report --quarter 2026Q3`):
incidents by severity against the previous quarter, time to detect and to resolve, recurrence,
each service's availability against its SLO and the error budget it used, actions closed on time,
and the three areas that cost the most downtime with what is being done about each. One page."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..errors import UsageError
from ..figures import availability, metrics
from ..figures.units import duration, percent, rate
from ..kb.config.schema import Config
from ..kb.layout import KnowledgeBase
from ..kb.model import Action, ActionStatus
from ..labels import Labels
from .charts import SEVERITY_COLOURS, ChartSpec, chart, legend
from .document import FIGURE

QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
#: How many areas the report names, and how many open actions it lists for each.
TOP_AREAS = 3
ACTIONS_SHOWN = 3


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter, e.g. 2026Q3: July 1 to September 30."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """`2026Q3` or `2026-Q3`. Raises UsageError."""
        found = QUARTER.match(text.strip())
        if not found:
            raise UsageError(f"{text!r} is not a quarter: write it as 2026Q3")
        return cls(int(found[1]), int(found[2]))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def months(self) -> list[str]:
        return metrics.months_between(self.first_day, self.last_day)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


@dataclass(frozen=True)
class ServiceFigures:
    name: str
    slo: float
    availability: float
    downtime_minutes: float
    budget_minutes: float


@dataclass(frozen=True)
class Area:
    """A root cause that cost downtime in the quarter, and the open actions about it."""

    cause: str
    incidents: int
    downtime_minutes: float
    open_actions: list[Action]
    done_actions: int


@dataclass(frozen=True)
class BoardReport:
    title: str
    quarter: Quarter
    figures: metrics.PeriodFigures
    previous: metrics.PeriodFigures
    services: list[ServiceFigures]
    actions_due: int
    actions_on_time: int
    #: Actions whose verification date fell in the quarter, and those verified by it.
    verifications_due: int
    verified_on_time: int
    areas: list[Area]
    monthly: dict[str, list[metrics.Incident]]


def board_report(kb: KnowledgeBase, quarter: Quarter, today: dt.date) -> BoardReport:
    """The report of `quarter` from the loaded knowledge base (drafts left out, as on the site)."""
    config, zone = kb.config, kb.config.zone
    every = metrics.incidents(kb.postmortems)
    recurring = metrics.recurrences(every)
    now = metrics.end_of_day(today, zone)
    period = metrics.in_period(every, quarter.first_day, quarter.last_day, zone)
    before = metrics.in_period(every, quarter.previous().first_day, quarter.previous().last_day, zone)
    due = [action for item in every for action in item.front.actions
           if quarter.first_day <= action.due <= quarter.last_day]
    on_time = [action for action in due
               if action.status is ActionStatus.done and action.closed_on and action.closed_on <= action.due]
    checks_due = [action for item in every for action in item.front.actions
                  if action.verify_by and quarter.first_day <= action.verify_by <= quarter.last_day
                  and action.status is not ActionStatus.wont_do]
    verified = [action for action in checks_due if action.verified and action.verified.date <= action.verify_by]
    year_ago = Quarter(quarter.year - 1, quarter.number).next()
    months = metrics.months_between(year_ago.first_day, quarter.last_day)
    return BoardReport(
        title=config.title, quarter=quarter,
        figures=metrics.period_figures(period, config, recurring, now),
        previous=metrics.period_figures(before, config, recurring, now),
        # Every incident: one that began in the previous quarter counts for the minutes it ran into this one.
        services=[_service_figures(config, service, every, quarter) for service in config.services],
        actions_due=len(due), actions_on_time=len(on_time),
        verifications_due=len(checks_due), verified_on_time=len(verified),
        areas=_areas(period),
        monthly=metrics.by_month(every, months, zone),
    )


def _service_figures(config: Config, service, every: list[metrics.Incident], quarter: Quarter) -> ServiceFigures:
    zone = config.zone
    downtime = availability.downtime_by_month(every, service.id, zone)
    minutes = sum(availability.minutes_in_month(key, zone) for key in quarter.months())
    down = sum(downtime.get(key, 0.0) for key in quarter.months())
    budget = sum(availability.error_budget(service.slo, key, zone) for key in quarter.months())
    return ServiceFigures(service.display_name, service.slo, 100 * (1 - down / minutes), down, budget)


def _areas(period: list[metrics.Incident]) -> list[Area]:
    areas = []
    for cause, items in metrics.by_root_cause(period).items():
        lost = sum(availability.downtime_minutes(item.front) for item in items)
        actions = [action for item in items for action in item.front.actions]
        open_actions = sorted((a for a in actions if a.status in metrics.OPEN_STATUSES), key=lambda a: a.due)
        areas.append(Area(cause, len(items), lost, open_actions, sum(a.status is ActionStatus.done for a in actions)))
    areas.sort(key=lambda area: (-area.downtime_minutes, area.cause))
    return areas[:TOP_AREAS]


def _trend(now: float | None, before: float | None, new: str) -> str:
    if now is None or before is None:
        return "—"
    if before == 0:
        return new if now else "="
    change = (now - before) / before
    return "=" if abs(change) < 0.005 else f"{'+' if change > 0 else '−'}{abs(change):.0%}"


def report_markdown(report: BoardReport, config: Config) -> str:
    """The report as one page of Markdown, in the config's language; `[[figure:incidents]]` marks
    where the chart goes."""
    label = Labels(config.language)
    this, before = report.figures, report.previous
    quarter, previous = report.quarter, report.quarter.previous()

    def row(name: str, now, was, shown=str) -> str:
        return f"| {name} | {shown(now)} | {shown(was)} | {_trend(now, was, label('board_new'))} |"

    lines = [f"# {label('board_title', title=report.title, quarter=quarter)}", "",
             label("board_period", first=quarter.first_day.isoformat(), last=quarter.last_day.isoformat(),
                   previous=previous), "", f"## {label('incidents')}", "",
             f"| {label('severity')} | {quarter} | {previous} | {label('board_change')} |", "| --- | --- | --- | --- |"]
    lines += [row(severity, this.by_severity.get(severity, 0), before.by_severity.get(severity, 0))
              for severity in config.severity_ids]
    lines += [row(label("board_all"), this.incidents, before.incidents), "", FIGURE.format(name="incidents"), "",
              f"## {label('board_times')}", "",
              f"| {label('board_figure')} | {quarter} | {previous} | {label('board_change')} |", "| --- | --- | --- | --- |",
              row(label("board_ttd"), this.ttd.median, before.ttd.median, duration),
              row(label("board_ttr"), this.ttr.median, before.ttr.median, duration),
              row(label("board_ttr_p90"), this.ttr.p90, before.ttr.p90, duration),
              row(label("board_recurrence"), this.recurrence_rate, before.recurrence_rate, rate), "",
              f"## {label('board_slo')}", "", label("board_slo_head"), "| --- | --- | --- | --- | --- |"]
    for service in report.services:
        used = service.downtime_minutes / service.budget_minutes if service.budget_minutes else 0
        state = label("board_within") if service.availability >= service.slo else label("board_breached")
        lines.append(f"| {service.name} | {percent(service.slo, 2)} | {percent(service.availability, 3)} ({state}) | "
                     f"{duration(service.downtime_minutes)} | {used:.0%} |")
    due, done = report.actions_due, report.actions_on_time
    on_time = label("board_of", done=done, due=due, share=f"{done / due:.0%}") if due else label("board_none_due")
    checks, checked = report.verifications_due, report.verified_on_time
    verified = (label("board_of", done=checked, due=checks, share=f"{checked / checks:.0%}") if checks
                else label("board_none_due"))
    lines += ["", f"## {label('board_actions')}", "", label("board_on_time", value=on_time),
              label("board_verified_on_time", value=verified), "", f"## {label('board_areas')}", ""]
    if not report.areas:
        lines.append(label("board_no_incident"))
    for index, area in enumerate(report.areas, 1):
        status = label("board_done", count=area.done_actions, s="" if area.done_actions == 1 else "s")
        if area.open_actions:
            extra = len(area.open_actions) - ACTIONS_SHOWN
            shown = "; ".join(label("board_due", title=a.title, day=a.due.isoformat())
                              for a in area.open_actions[:ACTIONS_SHOWN])
            status += label("board_under_way", actions=shown,
                            more=label("board_more", count=extra) if extra > 0 else "")
        else:
            status += label("board_none_open")
        lines.append(label("board_area", index=index, cause=area.cause, downtime=duration(area.downtime_minutes),
                           incidents=area.incidents, s="" if area.incidents == 1 else "s", done=status))
    return "\n".join(lines) + "\n"


def incidents_chart(report: BoardReport, config: Config) -> str:
    """The incidents of the last twelve months by severity, as the site's stacked bars (SVG)."""
    months = list(report.monthly)
    series = {severity: [sum(i.front.severity == severity for i in report.monthly[key]) for key in months]
              for severity in config.severity_ids}
    spec = ChartSpec(months, series, "stacked", SEVERITY_COLOURS)
    return chart(spec, "board-incidents", Labels(config.language)("chart_incidents")) + legend(spec, "board-incidents")


def board_document(kb: KnowledgeBase, quarter: Quarter, today: dt.date, output_format: str) -> str | bytes:
    """The report as Markdown (`md`, without the chart), a standalone HTML page (`html`) or a PDF
    printed by Chromium (`pdf`). Raises PostmortemError when the PDF cannot be printed."""
    from .document import html_page, pdf_of

    report = board_report(kb, quarter, today)
    text = report_markdown(report, kb.config)
    if output_format == "md":
        return text.replace(FIGURE.format(name="incidents") + "\n\n", "")
    page = html_page(Labels(kb.config.language)("board_title", title=report.title, quarter=quarter), text,
                     kb.config.language,
                     {"incidents": incidents_chart(report, kb.config)})
    return page if output_format == "html" else pdf_of(page)
