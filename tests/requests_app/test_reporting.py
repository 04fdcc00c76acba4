"""Performance reporting: the figures for a hand-built set of requests, the periods, and the query count."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from requests_app import guards
from requests_app.models import ClockEvent, ClockEventKind, Person, RightsRequest, Status, TransitionEvent
from requests_app.reporting import Period, parse_quarter, report_build, report_tables
from requests_app.reporting import periods as p
from requests_app.reporting.figures import RESPONSE_STATUSES
from requests_app.reporting.tables import chart_data
from rights import ApplicationError, RightKind
from tests import factories

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 3, 16)
Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026Q1")


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def answer(
    request: RightsRequest, when: dt.datetime, to_status: str, *, from_status: str = Status.IN_PROGRESS
) -> TransitionEvent:
    """A response written straight into the event log, so the test controls its moment to the minute."""
    return TransitionEvent.objects.create(
        request=request, transition="test", from_status=from_status, to_status=to_status, at=when, by=None
    )


def set_ground(request: RightsRequest, ground: str) -> None:
    request = RightsRequest.objects.get(pk=request.pk)
    request.refusal_ground = ground
    request._change_reason = "test data"  # type: ignore[attr-defined]
    request.save()


def logged(kind: RightKind, received: dt.date, name: str) -> RightsRequest:
    with time_machine.travel(at(received, 9), tick=False):
        return factories.make_request(kind=kind, received=received, today=received, subject_name=name)


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> factories.FakeLetters:
    fake = factories.FakeLetters()
    monkeypatch.setattr("requests_app.services.letters.letter_generate", fake)
    monkeypatch.setattr(guards, "_REGISTRY", {})  # other layers' sign-off conditions are not what is tested here
    return fake


@pytest.fixture
def quarter_data(fake_letters: factories.FakeLetters, staff: dict[str, User]) -> dict[str, RightsRequest]:
    """Requests with known answers in the first quarter of 2026 (due dates from the statute, R1-R3).

    Answered in Q1: A (28 days, on time), B (39, late), C (14, refused, then closed), D (28, refused on its
    due date at 23:30, then a supplementary statement), E (26; received in December), J (14, a real answer
    step), K (3, a real refusal step). Not answered in Q1: G (answered in December, closed in January),
    F (open), H (withdrawn). Days: 3, 14, 14, 26, 28, 28, 39: median 26; 6 of 7 on time.
    """
    data: dict[str, RightsRequest] = {}
    data["A"] = logged(RightKind.ACCESS, dt.date(2026, 1, 5), "Person A")
    data["B"] = logged(RightKind.ACCESS, dt.date(2026, 1, 12), "Person B")
    data["C"] = logged(RightKind.ERASURE, dt.date(2026, 2, 2), "Person C")
    data["D"] = logged(RightKind.RECTIFICATION, dt.date(2026, 2, 9), "Person D")
    data["E"] = logged(RightKind.OBJECTION, dt.date(2025, 12, 15), "Person E")
    data["F"] = logged(RightKind.ACCESS, dt.date(2026, 3, 2), "Person F")
    data["G"] = logged(RightKind.ACCESS, dt.date(2025, 11, 3), "Person G")
    data["H"] = logged(RightKind.ACCESS, dt.date(2026, 1, 20), "Person H")
    data["J"] = logged(RightKind.PORTABILITY, dt.date(2026, 2, 10), "Person J")
    data["K"] = logged(RightKind.ACCESS, dt.date(2026, 3, 2), "Person K")

    answer(data["A"], at(dt.date(2026, 2, 2)), Status.DISCLOSED, from_status=Status.APPROVED)
    answer(data["B"], at(dt.date(2026, 2, 20)), Status.DISCLOSED, from_status=Status.APPROVED)
    answer(data["C"], at(dt.date(2026, 2, 16)), Status.REFUSED, from_status=Status.ASSESSING)
    answer(data["C"], at(dt.date(2026, 2, 20)), Status.CLOSED, from_status=Status.REFUSED)
    set_ground(data["C"], "public_task")
    answer(data["D"], at(dt.date(2026, 3, 9), 23, 30), Status.REFUSED, from_status=Status.ASSESSING)
    answer(data["D"], at(dt.date(2026, 3, 10)), Status.REFUSED, from_status=Status.REFUSED)
    set_ground(data["D"], "data_accurate")
    answer(data["E"], at(dt.date(2026, 1, 10)), Status.REJECTED, from_status=Status.ASSESSING)
    set_ground(data["E"], "compelling_grounds")
    answer(data["G"], at(dt.date(2025, 12, 1)), Status.DISCLOSED, from_status=Status.APPROVED)
    answer(data["G"], at(dt.date(2026, 1, 20)), Status.CLOSED, from_status=Status.DISCLOSED)

    worker, boss = staff["caseworker"], staff["manager"]
    with time_machine.travel(at(dt.date(2026, 2, 1)), tick=False):
        factories.take_steps(data["H"], "withdraw", user=worker, today=dt.date(2026, 2, 1))
    data["J"] = factories.verify_identity(data["J"], by=worker, on=dt.date(2026, 2, 10))
    with time_machine.travel(at(dt.date(2026, 2, 24)), tick=False):
        factories.take_steps(data["J"], "start_work", "answer", user=worker, today=dt.date(2026, 2, 24))
    with time_machine.travel(at(dt.date(2026, 3, 5)), tick=False):
        factories.take_steps(data["K"], "refuse", user=boss, today=dt.date(2026, 3, 5))

    ClockEvent.objects.create(request=data["B"], event=ClockEventKind.EXTENDED, date=dt.date(2026, 1, 20), reason="x")
    ClockEvent.objects.create(request=data["G"], event=ClockEventKind.EXTENDED, date=dt.date(2025, 11, 20), reason="x")
    return {key: RightsRequest.objects.get(pk=value.pk) for key, value in data.items()}


# The statute put the due dates where the expectations above assume.


def test_the_hand_built_due_dates(quarter_data: dict[str, RightsRequest]) -> None:
    due = {key: request.due_date for key, request in quarter_data.items()}
    assert due["A"] == dt.date(2026, 2, 5)
    assert due["B"] == dt.date(2026, 2, 12)
    assert due["C"] == dt.date(2026, 3, 2)
    assert due["D"] == dt.date(2026, 3, 9)
    assert due["E"] == dt.date(2026, 1, 15)
    assert due["J"] == dt.date(2026, 3, 10)
    assert quarter_data["K"].status == Status.REFUSED
    assert quarter_data["K"].refusal_ground == "manifestly_excessive"
    assert quarter_data["H"].status == Status.WITHDRAWN


# The figures


def test_received_by_month_and_kind(quarter_data: dict[str, RightsRequest]) -> None:
    report = report_build(period=Q1, today=TODAY)
    months = {row.month: row for row in report.received_by_month}
    assert list(months) == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert months[dt.date(2026, 1, 1)].by_kind["access"] == 3  # A, B, H (withdrawn requests were still received)
    assert months[dt.date(2026, 1, 1)].total == 3
    assert months[dt.date(2026, 2, 1)].by_kind == {
        **dict.fromkeys([k.value for k in RightKind], 0),
        "erasure": 1,
        "rectification": 1,
        "portability": 1,
    }
    assert months[dt.date(2026, 3, 1)].by_kind["access"] == 2  # F, K
    assert report.received_total == 8  # E and G arrived before the quarter
    assert report.received_by_kind["access"] == 5


def test_answered_on_time_share_and_median(quarter_data: dict[str, RightsRequest]) -> None:
    report = report_build(period=Q1, today=TODAY)
    total = report.answered_total
    assert (total.answered, total.on_time, total.late) == (7, 6, 1)
    assert total.on_time_percent == 85.7
    assert total.median_days == 26.0
    by_kind = {row.key: row for row in report.answered_by_kind}
    assert (by_kind["access"].answered, by_kind["access"].on_time) == (3, 2)  # A, B (late), K
    assert by_kind["access"].median_days == 28.0  # 3, 28, 39
    assert (by_kind["rectification"].answered, by_kind["rectification"].on_time) == (1, 1)  # on its due date
    assert by_kind["portability"].median_days == 14.0
    assert by_kind["erasure"].answered == 1  # refused then closed: one answer, not two
    assert by_kind["inform"].answered == 0 and by_kind["inform"].median_days is None
    assert by_kind["inform"].on_time_percent is None
    by_month = {row.key: (row.answered, row.on_time) for row in report.answered_by_month}
    assert by_month == {"2026-01": (1, 1), "2026-02": (4, 3), "2026-03": (2, 2)}


def test_refusals_by_reason_and_extensions(quarter_data: dict[str, RightsRequest]) -> None:
    report = report_build(period=Q1, today=TODAY)
    refusals = {row.key: row.count for row in report.refusals_by_reason if row.count}
    assert refusals == {
        "public_task": 1,
        "data_accurate": 1,  # the supplementary statement a day later is not a second refusal
        "compelling_grounds": 1,  # an objection rejected is counted with the refusals
        "manifestly_excessive": 1,
    }
    assert report.refusals_total == 4
    assert {row.key: row.count for row in report.extensions_by_kind if row.count} == {"access": 1}
    assert report.extensions_total == 1  # G's extension was in November


def test_a_late_answer_after_the_first_is_not_counted_again(quarter_data: dict[str, RightsRequest]) -> None:
    """G was disclosed in December and closed in January: not an answer of the first quarter."""
    december = report_build(period=Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31)), today=TODAY)
    assert december.answered_total.answered == 1  # G
    assert december.answered_total.median_days == 28.0  # 3 November to 1 December
    assert december.received_total == 1  # E


def test_period_filtering_narrows_every_figure(quarter_data: dict[str, RightsRequest]) -> None:
    february = report_build(period=Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28)), today=TODAY)
    assert february.received_total == 3
    assert february.answered_total.answered == 4  # A, B, C, J
    assert february.answered_total.on_time == 3
    assert february.answered_total.median_days == 21.0  # 14, 14, 28, 39
    assert february.refusals_total == 1  # C
    assert february.extensions_total == 0
    assert [row.month for row in february.received_by_month] == [dt.date(2026, 2, 1)]


def test_answers_are_dated_in_london_time() -> None:
    """An answer at 00:30 BST on 1 April (23:30 UTC on 31 March) belongs to April."""
    request = logged(RightKind.ACCESS, dt.date(2026, 3, 2), "Person L")
    answer(request, dt.datetime(2026, 4, 1, 0, 30, tzinfo=LONDON), Status.DISCLOSED, from_status=Status.APPROVED)
    march = report_build(period=Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), today=dt.date(2026, 4, 2))
    april = report_build(period=Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30)), today=dt.date(2026, 4, 2))
    assert march.answered_total.answered == 0
    assert april.answered_total.answered == 1
    assert april.answered_total.median_days == 30.0
    assert april.answered_total.on_time == 1  # due 2 April


def test_open_by_status_and_overdue_now() -> None:
    """Overdue: open, not yet answered, the clock running, and past the due date."""
    past, future = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    received = dt.date(2026, 2, 1)
    factories.bulk_open_requests(3, due=past, received=received, prefix="RR-A-", status=Status.IN_PROGRESS)
    factories.bulk_open_requests(1, due=future, received=received, prefix="RR-B-", status=Status.IN_PROGRESS)
    factories.bulk_open_requests(2, due=past, received=received, prefix="RR-C-", status=Status.AWAITING_CLARIFICATION)
    factories.bulk_open_requests(1, due=past, received=received, prefix="RR-D-", status=Status.DISCLOSED)
    factories.bulk_open_requests(4, due=past, received=received, prefix="RR-E-", status=Status.CLOSED)
    factories.bulk_open_requests(1, due=past, received=received, prefix="RR-F-", status=Status.WITHDRAWN)
    report = report_build(period=Q1, today=TODAY)
    rows = {row.status: (row.open, row.overdue) for row in report.open_by_status}
    assert rows == {
        "in_progress": (4, 3),
        "awaiting_clarification": (2, 0),  # the clock is stopped
        "disclosed": (1, 0),  # answered, waiting only to be closed
    }
    assert (report.open_total, report.overdue_total) == (7, 3)
    # Status order is the workflow's, not the alphabet's.
    assert [row.status for row in report.open_by_status] == ["awaiting_clarification", "in_progress", "disclosed"]


def test_an_empty_period_reports_zeros_and_no_medians() -> None:
    report = report_build(period=Q1, today=TODAY)
    assert report.received_total == 0
    assert report.answered_total.answered == 0
    assert report.answered_total.median_days is None
    assert report.answered_total.on_time_percent is None
    assert "none answered" in report.summary
    assert all(chart["empty"] for chart in chart_data(report).values())


def test_summary_and_tables_tell_the_same_story(quarter_data: dict[str, RightsRequest]) -> None:
    report = report_build(period=Q1, today=TODAY)
    assert report.summary.startswith(
        "8 requests received; 7 answered, 85.7% of them on time (6 on time, 1 late); median 26 days to respond; "
        "1 extension; 4 refusals."
    )
    assert "On 16 March 2026" in report.summary
    tables = {table.name: table for table in report_tables(report)}
    assert tables["answered_by_kind"].display_total == ["All rights", "7", "6", "1", "85.7%", "26"]
    assert tables["received_by_month"].display_rows[0][0] == "January 2026"
    assert tables["received_by_month"].display_total is not None
    assert tables["received_by_month"].display_total[-1] == "8"
    inform = next(row for row in tables["answered_by_kind"].display_rows if row[0] == "Informed")
    assert inform == ["Informed", "0", "0", "0", "\u2013", "\u2013"]


def test_response_states_are_exactly_the_answers() -> None:
    """Every state a machine reaches only by answering; not approval, withdrawal or the working states."""
    assert {"disclosed", "rectified", "erased", "restricted", "upheld", "rejected", "answered", "refused"} <= (
        RESPONSE_STATUSES
    )
    assert "closed" in RESPONSE_STATUSES
    for not_an_answer in ("approved", "withdrawn", "received", "in_progress", "awaiting_sign_off", "assessing"):
        assert not_an_answer not in RESPONSE_STATUSES


# Query count: the same whatever the number of requests.


def _bulk(count: int) -> None:
    """`count` requests received, answered (every third late), refused (every fifth) and extended (every fourth)."""
    people = Person.objects.bulk_create([Person(full_name=f"Bulk {i}") for i in range(count)])
    kinds = [k.value for k in RightKind]
    requests = RightsRequest.objects.bulk_create(
        [
            RightsRequest(
                reference=f"RR-Q-{i:05d}",
                kind=kinds[i % len(kinds)],
                received=dt.date(2026, 1, 1) + dt.timedelta(days=i % 45),
                due_date=dt.date(2026, 2, 1) + dt.timedelta(days=i % 45),
                status=[Status.IN_PROGRESS, Status.CLOSED, Status.REFUSED][i % 3],
                refusal_ground="manifestly_unfounded" if i % 5 == 0 else "",
                subject=person,
            )
            for i, person in enumerate(people)
        ]
    )
    TransitionEvent.objects.bulk_create(
        [
            TransitionEvent(
                request=r,
                transition="test",
                from_status=Status.IN_PROGRESS,
                to_status=Status.REFUSED if i % 5 == 0 else Status.CLOSED,
                at=at(r.due_date + dt.timedelta(days=1 if i % 3 == 0 else -2)),
            )
            for i, r in enumerate(requests)
        ]
    )
    ClockEvent.objects.bulk_create(
        [
            ClockEvent(request=r, event=ClockEventKind.EXTENDED, date=r.received + dt.timedelta(days=5))
            for i, r in enumerate(requests)
            if i % 4 == 0
        ]
    )


@pytest.mark.parametrize("total", [5, 200])
def test_report_build_is_seven_queries_whatever_the_size(total: int, django_assert_num_queries: Any) -> None:
    _bulk(total)
    with django_assert_num_queries(7):  # six over the requests, one over destroyed requests' statistics
        report = report_build(period=Q1, today=TODAY)
    assert report.received_total == total
    assert report.answered_total.answered == total
    assert report.answered_total.late == len(range(0, total, 3))
    assert report.refusals_total == len(range(0, total, 5))
    assert report.extensions_total == len(range(0, total, 4))


# Periods


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (dt.date(2026, 3, 16), dt.date(2025, 4, 1), dt.date(2026, 3, 16)),
        (dt.date(2026, 1, 31), dt.date(2025, 2, 1), dt.date(2026, 1, 31)),
        (dt.date(2025, 12, 1), dt.date(2025, 1, 1), dt.date(2025, 12, 1)),
    ],
)
def test_last_12_months_is_twelve_monthly_bars(today: dt.date, start: dt.date, end: dt.date) -> None:
    period = p.last_12_months(today)
    assert (period.start, period.end) == (start, end)
    assert len(period.months) == 12


@pytest.mark.parametrize(
    ("today", "quarter"),
    [
        (dt.date(2026, 3, 16), "2025Q4"),
        (dt.date(2026, 4, 1), "2026Q1"),
        (dt.date(2026, 12, 31), "2026Q3"),
        (dt.date(2026, 1, 1), "2025Q4"),
    ],
)
def test_last_quarter_is_the_last_one_ended(today: dt.date, quarter: str) -> None:
    assert p.last_quarter(today).name == quarter
    assert p.last_quarter(today).end < today


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (" 2024-Q1 ", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2025Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ],
)
def test_parse_quarter(text: str, start: dt.date, end: dt.date) -> None:
    period = parse_quarter(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "Q3 2026", "2026", "", "2026Q3; DROP"])
def test_parse_quarter_refuses_what_is_not_a_quarter(text: str) -> None:
    with pytest.raises(ApplicationError, match=r"not a quarter|numbered 1 to 4"):
        parse_quarter(text)


def test_financial_years_run_april_to_march() -> None:
    assert p.this_financial_year(dt.date(2026, 3, 16)) == Period(
        dt.date(2025, 4, 1), dt.date(2026, 3, 16), "Financial year 2025/26 so far"
    )
    assert p.this_financial_year(dt.date(2026, 4, 1)).start == dt.date(2026, 4, 1)
    last = p.last_financial_year(dt.date(2026, 3, 16))
    assert (last.start, last.end, last.name) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31), "Financial year 2024/25")


def test_a_period_must_run_forwards_and_not_too_far() -> None:
    with pytest.raises(ApplicationError, match="same as or after"):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 31))
    with pytest.raises(ApplicationError, match="ten years"):
        Period(dt.date(2010, 1, 1), dt.date(2026, 1, 1))
    assert Period(dt.date(2026, 1, 31), dt.date(2026, 1, 31)).months == [dt.date(2026, 1, 1)]
