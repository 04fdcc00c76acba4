"""The complaint and breach tables of the report: per quarter, by cause, aggregates only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from casework.reporting import breaches_table, complaints_table
from casework.services.breaches import breach_record
from casework.services.complaints import complaint_refer_to_ico
from requests_app.reporting.periods import Period
from tests.casework.conftest import acknowledged_complaint, outcome_sent_complaint, received_complaint
from tests.casework.test_breach_services import FOUND, facts

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)


def test_complaints_per_quarter(boss: User) -> None:
    received_complaint(by=boss, received=dt.date(2026, 6, 30))  # Q2, never acknowledged
    acknowledged_complaint(by=boss)  # received 27 Jul, acknowledged 28 Jul: Q3, on time
    sent = outcome_sent_complaint(by=boss)  # upheld in part, outcome 17 Aug
    complaint_refer_to_ico(
        complaint=sent,
        by=boss,
        ico_reference="IC-1",
        ico_asked="Our file.",
        now=dt.datetime(2026, 10, 2, tzinfo=dt.UTC),
    )
    table = complaints_table(Period(dt.date(2026, 4, 1), dt.date(2026, 12, 31)), TODAY)
    rows = {row[0]: row[1:] for row in table.rows}
    assert list(rows) == ["2026 Q2", "2026 Q3", "2026 Q4"]
    # received, acknowledged, on time, outcomes, upheld or partly, referred, ICO decisions
    assert rows["2026 Q2"] == (1, 0, 0, 0, 0, 0, 0)
    assert rows["2026 Q3"] == (2, 2, 2, 1, 1, 0, 0)
    assert rows["2026 Q4"] == (0, 0, 0, 0, 0, 1, 0)
    assert table.total == ("Total", 3, 2, 2, 1, 1, 1, 0)
    assert "Open today: 3" in table.description  # the referred one stays open until the ICO decides


def test_a_period_inside_one_quarter_is_one_row(boss: User) -> None:
    received_complaint(by=boss)
    table = complaints_table(Period(dt.date(2026, 7, 15), dt.date(2026, 8, 15)), TODAY)
    assert [row[0] for row in table.rows] == ["2026 Q3"]
    assert table.rows[0][1] == 1


def test_breaches_by_cause(worker: User) -> None:
    breach_record(by=worker, facts=facts(), now=FOUND)
    breach_record(by=worker, facts=facts(children_affected=0, special_category=False), now=FOUND)
    breach_record(by=worker, facts=facts(cause="redaction_failed"), now=FOUND)
    table = breaches_table(Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)), TODAY)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Sent to the wrong person"] == (2, 0, 0, 1, 1)
    assert rows["Redaction failed"] == (1, 0, 0, 1, 1)
    assert rows["Lost or stolen"] == (0, 0, 0, 0, 0)
    assert table.total == ("Total", 3, 0, 0, 2, 2)
    empty = breaches_table(Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31)), TODAY)
    assert empty.total == ("Total", 0, 0, 0, 0, 0)
