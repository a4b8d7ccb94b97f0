"""The sample knowledge base of this repository: complete, realistic, and clean."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.checker import load_knowledge_base
from generator.kb.model import ActionStatus, Status

from .conftest import REPOSITORY


@pytest.fixture(scope="module")
def samples():
    return load_knowledge_base(REPOSITORY, jobs=1)


def test_samples_validate_clean(samples) -> None:
    assert samples.check_result.diagnostics == []


def test_samples_are_many_and_span_eighteen_months(samples) -> None:
    starts = sorted(pm.front_matter.started_at for pm in samples.postmortems)
    assert len(starts) >= 10
    assert starts[-1] - starts[0] >= dt.timedelta(days=548)


def test_samples_cover_every_severity_and_several_services(samples) -> None:
    assert {pm.front_matter.severity for pm in samples.postmortems} == {"SEV1", "SEV2", "SEV3"}
    assert len({s for pm in samples.postmortems for s in pm.front_matter.services}) >= 4


def test_samples_hold_a_recurrence(samples) -> None:
    """Same service and root cause within 30 days."""
    ordered = sorted(samples.postmortems, key=lambda pm: pm.front_matter.started_at)
    recurrences = [
        (earlier.id, later.id)
        for index, later in enumerate(ordered)
        for earlier in ordered[:index]
        if later.front_matter.started_at - earlier.front_matter.started_at <= dt.timedelta(days=30)
        and set(later.front_matter.services) & set(earlier.front_matter.services)
        and later.front_matter.root_cause == earlier.front_matter.root_cause
    ]
    assert ("2026-02-20-payments-db-latency", "2026-03-13-payment-api-outage") in recurrences


def test_samples_hold_overdue_and_done_actions(samples) -> None:
    today = dt.date(2026, 11, 26)
    actions = [a for pm in samples.postmortems for a in pm.front_matter.actions]
    overdue = [a for a in actions if a.status in (ActionStatus.open, ActionStatus.in_progress) and a.due < today]
    assert len(overdue) >= 3
    assert sum(a.status is ActionStatus.done for a in actions) >= 10


def test_the_method_payment_incident(samples) -> None:
    incident = next(pm for pm in samples.postmortems if pm.id == "2026-03-13-payment-api-outage")
    fm = incident.front_matter
    assert fm.severity == "SEV1" and fm.root_cause == "capacity" and fm.impact.failed_requests_pct == 31
    assert fm.resolved_at - fm.started_at == dt.timedelta(minutes=47)
    text = (REPOSITORY / incident.path).read_text(encoding="utf-8")
    for moment in ("18:42", "18:47", "19:02", "19:14", "19:29"):
        assert f"- {moment} — " in text
    due_in_days = sorted((a.due - fm.started_at.date()).days for a in fm.actions)
    assert min(due_in_days) <= 7 and any(7 < d <= 30 for d in due_in_days) and max(due_in_days) > 30


def test_a_sample_is_written_in_french(samples) -> None:
    titles = {s.title for pm in samples.postmortems for s in pm.sections}
    assert {"Chronologie", "Cause racine", "Enseignements"} <= titles


def test_samples_have_every_status_but_draft_published_mostly(samples) -> None:
    statuses = [pm.front_matter.status for pm in samples.postmortems]
    assert statuses.count(Status.published) >= 10 and Status.review in statuses
