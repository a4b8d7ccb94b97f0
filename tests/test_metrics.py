"""Every metric on cases computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import UsageError
from generator.figures import availability, metrics, selection
from generator.kb.config.schema import Config
from generator.kb.model import FrontMatter

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def front(started: str, resolved: str | None = "+60", *, services=("api",), cause="capacity", status="published",
          detected: str = "+0", mitigated: str | None = None, downtime: float | None = None, related=(),
          actions=(), severity="SEV2", factors=()) -> FrontMatter:
    """A front matter; times after `started` are written `+MINUTES`."""
    start = dt.datetime.fromisoformat(started)

    def at(offset: str | None):
        return None if offset is None else (start + dt.timedelta(minutes=int(offset[1:]))).isoformat()

    return FrontMatter.model_validate({
        "title": "t", "status": status, "severity": severity, "services": list(services),
        "started_at": started, "detected_at": at(detected), "mitigated_at": at(mitigated),
        "resolved_at": at(resolved), "detection": "alert", "root_cause": cause, "related": list(related),
        "contributing_factors": list(factors),
        "impact": {"downtime_minutes": downtime} if downtime is not None else None,
        "actions": list(actions),
    })


def incident(id_: str, fm: FrontMatter) -> metrics.Incident:
    return metrics.Incident(id_, fm)


def test_durations() -> None:
    # started 10:00, detected 10:05, never mitigated, resolved 11:30: 5, none, 90 minutes
    fm = front("2026-03-02T10:00:00+01:00", "+90", detected="+5")
    assert metrics.time_to_detect(fm) == 5
    assert metrics.time_to_mitigate(fm) is None
    assert metrics.time_to_resolve(fm) == 90


def test_median_skips_missing_values() -> None:
    assert metrics.median([10, 20, 60]) == 20
    assert metrics.median([10, 20, 60, 70]) == 40    # (20 + 60) / 2
    assert metrics.median([None]) is None


@pytest.mark.parametrize(("values", "expected"), [
    ([], (0, None, None, None)),
    ([None, None], (0, None, None, None)),
    ([10], (1, 10, 10, 10)),
    ([5, 1, 3], (3, 3, 3, 5)),                      # odd: the middle value; p90 rank ceil(2.7) = 3
    ([4, 1, 3, 2], (4, 2.5, 2.5, 4)),               # even: (2 + 3) / 2; p90 rank ceil(3.6) = 4
    ([None, 7, None, 3], (2, 5, 5, 7)),             # missing timestamps left out: n = 2; rank ceil(1.8) = 2
    (list(range(1, 11)), (10, 5.5, 5.5, 9)),        # p90 rank ceil(9.0) = 9: the value 9, not 10
    (list(range(1, 12)), (11, 6, 6, 10)),           # rank ceil(9.9) = 10
    ([30, 40, 50, 4380], (4, 1125, 45, 4380)),      # one 73-hour outage: the mean is 25 times the median
])
def test_spread_by_hand(values, expected) -> None:
    found = metrics.spread(values)
    assert (found.n, found.mean, found.median, found.p90) == expected


def test_period_figures_count_each_duration_over_the_incidents_that_have_it() -> None:
    config = Config.model_validate({"timezone": "UTC", "services": [{"id": "api"}]})
    items = [incident("a", front("2026-04-01T10:00:00Z", "+30", detected="+10", mitigated="+20")),
             incident("b", front("2026-04-02T10:00:00Z", "+90", detected="+2")),              # never mitigated
             incident("c", front("2026-04-03T10:00:00Z", None, detected="+4", mitigated="+40"))]  # not resolved
    figures = metrics.period_figures(items, config, set(), dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    assert figures.ttd == metrics.Spread(n=3, mean=16 / 3, median=4, p90=10)     # 10, 2, 4
    assert figures.ttm == metrics.Spread(n=2, mean=30, median=30, p90=40)        # 20, 40
    assert figures.ttr == metrics.Spread(n=2, mean=60, median=60, p90=90)        # 30, 90


def test_contributing_factors_are_counted_beside_the_root_cause() -> None:
    config = Config.model_validate({"timezone": "UTC", "services": [{"id": "api"}]})
    items = [incident("a", front("2026-04-01T10:00:00Z", cause="capacity", factors=("change", "process"))),
             incident("b", front("2026-04-02T10:00:00Z", cause="change", factors=("process", "process"))),
             incident("c", front("2026-04-03T10:00:00Z", cause="capacity"))]
    figures = metrics.period_figures(items, config, set(), dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    assert figures.by_cause == {"capacity": 2, "change": 1}
    assert figures.by_factor == {"change": 1, "process": 2}   # an incident counts once per factor


def test_drafts_are_left_out() -> None:
    postmortems = [
        SimpleNamespace(id="a", front_matter=front("2026-03-02T10:00:00Z")),
        SimpleNamespace(id="b", front_matter=front("2026-03-01T10:00:00Z", None, status="draft")),
        SimpleNamespace(id="c", front_matter=None),  # invalid front matter
    ]
    assert [i.id for i in metrics.incidents(postmortems)] == ["a"]


def test_recurrence() -> None:
    a = incident("2026-03-01-a", front("2026-03-01T10:00:00Z"))
    b = incident("2026-03-20-b", front("2026-03-20T10:00:00Z"))    # 19 days after a, same service and cause: recurs
    c = incident("2026-05-01-c", front("2026-05-01T10:00:00Z"))    # 42 days after b: no
    d = incident("2026-05-10-d", front("2026-05-10T10:00:00Z", services=("web",), cause="code",
                                       related=("2026-03-01-a",)))  # lists a, but a is 70 days before: no
    e = incident("2026-05-15-e", front("2026-05-15T10:00:00Z", services=("db",), cause="data",
                                       related=("2026-05-10-d",)))  # lists d, 5 days before: recurs
    every = [a, b, c, d, e]
    recurring = metrics.recurrences(every)
    assert recurring == {"2026-03-20-b", "2026-05-15-e"}
    assert metrics.recurrence_rate(every, recurring) == 0.4          # 2 of 5
    assert metrics.recurrence_rate([b], recurring) == 1.0            # the earlier one may be outside the period
    assert metrics.recurrence_rate([], recurring) is None
    similar = metrics.similar_incidents(every)
    assert [i.id for i in similar["2026-03-01-a"]] == ["2026-03-20-b"]
    assert [i.id for i in similar["2026-03-20-b"]] == ["2026-03-01-a"]
    assert "2026-05-01-c" not in similar                              # 42 days from b
    assert "2026-05-15-e" not in similar                              # related, but not similar


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.integers(0, 12).map(lambda step: step * 180), st.integers(0, 90 * 24)),
                          st.sets(st.sampled_from("abc"), min_size=1), st.sampled_from(["capacity", "code"])),
                max_size=25))
def test_similar_and_recurring_incidents_match_their_definition(drawn) -> None:
    """The sliding 30-day windows against the definition, checked pair by pair. Starts are hours
    over 90 days, half of them in steps of 7.5 days, so that equal starts and starts exactly 30
    days apart are common."""
    base = dt.datetime(2026, 1, 1, tzinfo=UTC)
    every = [incident(f"i{n:02d}", front((base + dt.timedelta(hours=hours)).isoformat(), services=sorted(services),
                                         cause=cause)) for n, (hours, services, cause) in enumerate(drawn)]

    def alike(one, other) -> bool:
        return (one is not other and one.front.root_cause == other.front.root_cause
                and bool(set(one.front.services) & set(other.front.services))
                and abs(one.started - other.started) <= dt.timedelta(days=30))

    expected = {one.id: sorted((other for other in every if alike(one, other)), key=lambda i: (i.started, i.id))
                for one in every}
    assert metrics.similar_incidents(every) == {key: value for key, value in expected.items() if value}
    assert metrics.recurrences(every) == {one.id for one in every
                                          if any(alike(one, other) and other.started < one.started for other in every)}


def test_recurrence_window_is_thirty_days_inclusive() -> None:
    first = incident("2026-03-01-a", front("2026-03-01T10:00:00Z"))
    at_30 = incident("2026-03-31-b", front("2026-03-31T10:00:00Z"))
    after_30 = incident("2026-03-31-c", front("2026-03-31T10:01:00Z"))
    assert metrics.recurrences([first, at_30]) == {"2026-03-31-b"}
    assert metrics.recurrences([first, after_30]) == set()


def test_simultaneous_incidents_do_not_recur_on_each_other() -> None:
    one = incident("2026-03-01-a", front("2026-03-01T10:00:00Z"))
    two = incident("2026-03-01-b", front("2026-03-01T10:00:00Z"))
    assert metrics.recurrences([one, two]) == set()


def test_downtime_is_split_at_month_boundaries_in_the_config_zone() -> None:
    # 23:30 on 31 January to 00:45 on 1 February, Paris time: 30 minutes in January, 45 in February
    item = [incident("a", front("2026-01-31T23:30:00+01:00", "+75"))]
    assert availability.downtime_by_month(item, "api", PARIS) == {"2026-01": 30, "2026-02": 45}
    # in UTC the same incident is 22:30 to 23:45 on 31 January
    assert availability.downtime_by_month(item, "api", UTC) == {"2026-01": 75}
    assert availability.downtime_by_month(item, "other", PARIS) == {}


def test_explicit_downtime_wins_over_resolution() -> None:
    # resolved after 6 hours, but only 47 minutes counted against the SLO
    item = [incident("a", front("2026-03-13T18:42:00+01:00", "+360", downtime=47))]
    assert availability.downtime_by_month(item, "api", PARIS) == {"2026-03": 47}
    zero = [incident("b", front("2026-03-13T18:42:00+01:00", "+360", downtime=0))]
    assert availability.downtime_by_month(zero, "api", PARIS) == {}


def test_overlapping_incidents_of_a_service_count_once() -> None:
    # 10:00-11:00 and 10:30-11:30: 90 minutes, not 120
    items = [incident("a", front("2026-04-02T10:00:00Z", "+60")), incident("b", front("2026-04-02T10:30:00Z", "+60"))]
    assert availability.downtime_by_month(items, "api", UTC) == {"2026-04": 90}


def test_unresolved_incident_without_downtime_counts_none() -> None:
    assert availability.downtime_by_month([incident("a", front("2026-04-02T10:00:00Z", None))], "api", UTC) == {}


def test_minutes_in_month_follow_the_calendar_and_daylight_saving() -> None:
    assert availability.minutes_in_month("2026-02", UTC) == 28 * 1440            # 40,320
    assert availability.minutes_in_month("2024-02", UTC) == 29 * 1440            # leap year
    assert availability.minutes_in_month("2026-03", PARIS) == 31 * 1440 - 60     # clocks go forward on 29 March
    assert availability.minutes_in_month("2026-10", PARIS) == 31 * 1440 + 60     # and back on 25 October
    assert availability.minutes_in_month("2026-12", UTC) == 31 * 1440


def test_error_budget_and_availability() -> None:
    # 99.9% of a 30-day month: 0.001 x 43,200 = 43.2 minutes
    assert availability.error_budget(99.9, "2026-04", UTC) == pytest.approx(43.2)
    assert availability.availability(43.2, "2026-04", UTC) == pytest.approx(99.9)
    # 47 minutes in March 2026 in Paris: 1 - 47 / 44,580 = 99.8946%
    assert availability.availability(47, "2026-03", PARIS) == pytest.approx(99.89457, abs=1e-5)
    assert availability.availability(0, "2026-03", PARIS) == 100


def test_actions_overdue_only_when_open_and_past_due() -> None:
    actions = [
        {"title": "a", "owner": "x", "due": "2026-03-01"},                                    # open, past: overdue
        {"title": "b", "owner": "x", "due": "2026-03-10"},                                    # due today: not yet
        {"title": "c", "owner": "x", "due": "2026-02-01", "status": "in-progress"},           # overdue
        {"title": "d", "owner": "x", "due": "2026-02-01", "status": "done", "closed_on": "2026-02-02"},
        {"title": "e", "owner": "x", "due": "2026-02-01", "status": "wont-do", "closed_on": "2026-02-02"},
    ]
    item = [incident("a", front("2026-01-02T10:00:00Z", actions=actions))]
    today = dt.date(2026, 3, 10)
    assert [metrics.is_overdue(a, today) for a in item[0].front.actions] == [True, False, True, False, False]
    assert metrics.action_counts(item, today) == {"total": 5, "open": 3, "overdue": 2, "done": 1, "to_verify": 0}


def test_months_between() -> None:
    assert metrics.months_between(dt.date(2025, 11, 20), dt.date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_summary() -> None:
    config = Config.model_validate({"timezone": "UTC", "services": [{"id": "api", "slo": 99.9}, {"id": "web"}]})
    postmortems = [
        SimpleNamespace(id="a", front_matter=front("2026-04-01T10:00:00Z", "+30", detected="+10", severity="SEV1")),
        SimpleNamespace(id="b", front_matter=front("2026-04-20T10:00:00Z", "+90", detected="+2")),
        SimpleNamespace(id="c", front_matter=front("2026-05-02T10:00:00Z", "+60", services=("web",), status="draft")),
    ]
    figures = selection.summary(postmortems, config, dt.date(2026, 4, 1), dt.date(2026, 5, 31), dt.date(2026, 6, 1))
    assert figures == {
        "incidents": 2,
        "by_severity": {"SEV1": 1, "SEV2": 1, "SEV3": 0},
        "mttd_minutes": 6.0,                      # (10 + 2) / 2
        "mttr_minutes": 60.0,                     # (30 + 90) / 2
        "median_ttr_minutes": 60.0,
        "ttd_minutes": {"n": 2, "mean": 6.0, "median": 6.0, "p90": 10.0},    # 10 and 2; p90 rank ceil(1.8) = 2
        "ttm_minutes": {"n": 0, "mean": None, "median": None, "p90": None},  # neither was mitigated
        "ttr_minutes": {"n": 2, "mean": 60.0, "median": 60.0, "p90": 90.0},  # 30 and 90
        "recurrence_rate": 0.5,                   # b is 19 days after a, same service and cause
        "actions": {"total": 0, "open": 0, "overdue": 0, "done": 0, "to_verify": 0},
        "time_to_postmortem": None,               # no history given
        "services": {
            # 120 minutes in April (43,200 minutes): 100 x (1 - 120 / 43,200) = 99.7222%
            "api": {"incidents": 2, "downtime_minutes": 120.0, "availability": {"2026-04": 99.7222, "2026-05": 100.0}},
            # the draft on web does not count
            "web": {"incidents": 0, "downtime_minutes": 0.0, "availability": {"2026-04": 100.0, "2026-05": 100.0}},
        },
    }


def test_selection_of_a_team_services_severities_and_days() -> None:
    config = Config.model_validate({"timezone": "Europe/Paris", "teams": {"pay": [], "web": [], "ops": []},
                                    "services": [{"id": "api", "team": "pay"}, {"id": "front", "team": "web"},
                                                 {"id": "cdn", "team": "web"}]})
    items = [incident("a", front("2026-04-01T10:00:00+02:00", services=("api",), severity="SEV1")),
             incident("b", front("2026-04-02T23:30:00+02:00", services=("api", "front"))),  # 04-02 in Paris, 04-02 21:30 UTC
             incident("c", front("2026-04-03T00:30:00+02:00", services=("cdn",), severity="SEV3")),  # 04-03 in Paris
             incident("d", front("2026-04-04T10:00:00+02:00", services=("front",), status="draft"))]

    def ids(**choice) -> list[str]:
        return [i.id for i in selection.select_incidents(items, config, **choice)]

    assert ids() == ["a", "b", "c", "d"]                       # no filter (drafts are left out earlier, by `incidents`)
    assert ids(team="pay") == ["a", "b"]                       # b affects api too
    assert ids(team=["web"]) == ids(team="web") == ["b", "c", "d"]
    assert ids(team="ops") == []                               # a team without services
    assert ids(team=[], service=()) == ids()                   # empty: no filter
    assert ids(team="web", service="cdn") == ["c"]             # web's services among those: cdn alone
    assert ids(team="pay", service="cdn") == []
    assert ids(severity=("SEV1", "SEV3")) == ["a", "c"]
    assert ids(since=dt.date(2026, 4, 2), until=dt.date(2026, 4, 2)) == ["b"]   # days in Paris
    assert [s.id for s in selection.chosen_services(config, team="web")] == ["front", "cdn"]
    assert config.known_teams == ["ops", "pay", "web"]
    with pytest.raises(UsageError, match=r"^unknown team 'sre': use one of ops, pay, web \(or add it to `teams` in postmortem.yml"):
        ids(team=["pay", "sre"])
    with pytest.raises(UsageError, match=r"^unknown severity 'P1': use one of SEV1, SEV2, SEV3 \(or add it to `severities` in postmortem.yml"):
        ids(severity="P1")


def test_time_to_postmortem() -> None:
    # Default targets: SEV1 72 h, SEV2 120 h, SEV3 240 h. The build's "now" is the end of 2026-06-01, UTC.
    config = Config.model_validate({"timezone": "UTC", "services": [{"id": "api"}]})
    now = metrics.end_of_day(dt.date(2026, 6, 1), UTC)
    utc = dt.UTC
    postmortems = [
        # resolved 04-01 10:30, published 04-03 10:30: 48 h, within 72 h
        SimpleNamespace(id="a", front_matter=front("2026-04-01T10:00:00Z", "+30", severity="SEV1")),
        # resolved 04-20 11:30, published 04-26 11:30: 144 h, beyond 120 h
        SimpleNamespace(id="b", front_matter=front("2026-04-20T10:00:00Z", "+90")),
        # resolved 05-30 11:00, unpublished: 61 h later at now, still within 120 h, so no verdict yet
        SimpleNamespace(id="c", front_matter=front("2026-05-30T10:00:00Z", "+60")),
        # resolved 04-10 11:00, unpublished: 240 h passed on 04-20, late
        SimpleNamespace(id="d", front_matter=front("2026-04-10T10:00:00Z", "+60", severity="SEV3")),
    ]
    published = {"a": dt.datetime(2026, 4, 3, 10, 30, tzinfo=utc), "b": dt.datetime(2026, 4, 26, 11, 30, tzinfo=utc)}
    items = {i.id: i for i in metrics.incidents(postmortems, published)}
    assert metrics.hours_to_postmortem(items["a"]) == 48.0
    assert metrics.hours_to_postmortem(items["b"]) == 144.0
    assert metrics.hours_to_postmortem(items["c"]) is None
    assert [metrics.published_on_time(items[k], t, now) for k, t in (("a", 72), ("b", 120), ("c", 120), ("d", 240))] \
        == [True, False, None, False]
    assert metrics.published_on_time(items["a"], None, now) is None
    # a on time; b and d late; c unknown: 1 of 3
    assert metrics.publication_figures(list(items.values()), config, now) == {
        "published": 2, "median_hours": 96.0, "on_time_rate": 0.3333}


def test_end_of_day_is_the_last_moment_in_the_zone() -> None:
    assert metrics.end_of_day(dt.date(2026, 3, 29), PARIS) == dt.datetime(2026, 3, 29, 23, 59, 59, 999999, tzinfo=PARIS)


def done(closed_on: str, status: str = "done") -> dict:
    return {"title": "t", "owner": "x", "due": "2026-01-01", "status": status, "closed_on": closed_on}


def test_recurrences_after_the_actions_were_closed() -> None:
    items = [
        # actions closed 2026-02-10 (the last one); b started before, d the day it closed, c 40 days after
        incident("a", front("2026-01-05T10:00:00Z", actions=[done("2026-01-20"), done("2026-02-10", "wont-do")])),
        incident("b", front("2026-02-01T10:00:00Z")),
        incident("d", front("2026-02-10T23:00:00Z")),
        incident("c", front("2026-03-22T08:00:00Z")),
        incident("e", front("2026-03-25T08:00:00Z")),
        # an action still open: its actions are not closed
        incident("open", front("2026-01-06T10:00:00Z", services=("web",), actions=[
            done("2026-01-07"), {"title": "t", "owner": "x", "due": "2026-12-01", "status": "open"}])),
        # only wont-do: nothing was done
        incident("wont", front("2026-01-07T10:00:00Z", services=("web",), actions=[done("2026-01-08", "wont-do")])),
        incident("web-later", front("2026-05-01T10:00:00Z", services=("web",))),
        # closed, then incidents with another cause, or another service: not the same problem
        incident("db", front("2026-01-08T10:00:00Z", services=("db",), cause="change", actions=[done("2026-01-09")])),
        incident("db-capacity", front("2026-04-01T10:00:00Z", services=("db",))),
        incident("api-change", front("2026-04-02T10:00:00Z", cause="change")),
    ]
    items.sort(key=lambda i: (i.started, i.id))
    found = metrics.recurrences_after_actions(items, UTC)
    assert {key: (r.later.id, r.closed_on, r.days) for key, r in found.items()} == {
        "a": ("c", dt.date(2026, 2, 10), 40),
        # b, d, c and e have no actions; the later ones recur after nothing closed
    }
    assert metrics.actions_closed_on(items[0].front) == dt.date(2026, 2, 10)
    assert metrics.actions_closed_on(front("2026-01-01T00:00:00Z")) is None   # no actions

