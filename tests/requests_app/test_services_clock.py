"""The clock: events recompute the due date (and the end of the first month) in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from requests_app.models import ClockEvent, ClockEventKind, Letter, LetterDirection, RightsRequest, Status
from requests_app.services import letters
from requests_app.services.clock import clarifications_of, deadline_for, request_refresh_due_date
from requests_app.services.evidence import clock_event_record
from requests_app.services.transitions import available_transitions, request_transition
from rights import ApplicationError, Clarification
from tests.factories import (
    FakeLetters,
    caseworker,
    make_request,
    manager,
    mark_complex,
    reviewer,
    take_steps,
    verify_identity,
)

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)  # Monday; one month on is Thursday 2 April 2026


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> FakeLetters:
    fake = FakeLetters()
    monkeypatch.setattr(letters, "letter_generate", fake)
    return fake


def _fresh(request: RightsRequest) -> RightsRequest:
    return RightsRequest.objects.get(pk=request.pk)


def test_a_new_request_knows_its_due_date_and_first_month() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    assert (request.due_date, request.first_month_due, request.clock_started, request.extended) == (
        dt.date(2026, 4, 2),
        dt.date(2026, 4, 2),
        None,
        False,
    )


def test_identity_received_later_moves_the_month() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    verify_identity(request, by=caseworker(), on=dt.date(2026, 3, 10))
    request = _fresh(request)
    assert request.clock_started == dt.date(2026, 3, 10)
    assert request.due_date == dt.date(2026, 4, 10)
    assert request.first_month_due == dt.date(2026, 4, 10)


def test_fee_received_is_recorded_by_a_caseworker_and_moves_the_month() -> None:
    worker = caseworker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    event = clock_event_record(
        request_id=request.pk,
        by=worker,
        event=ClockEventKind.FEE_RECEIVED,
        date=dt.date(2026, 3, 16),
        reason="Cheque for copies",
        today=dt.date(2026, 3, 17),
    )
    assert (event.event, event.recorded_by, event.reason) == ("fee_received", worker, "Cheque for copies")
    request = _fresh(request)
    assert request.due_date == dt.date(2026, 4, 16)
    last = request.history.first()  # type: ignore[attr-defined]
    assert (last.history_user, last.history_change_reason) == (worker, "Fee received on 16 March 2026")


def test_the_last_starter_counts(fake_letters: FakeLetters) -> None:
    """Art 12A: the month runs from the last of identity, authority and fee."""
    worker = caseworker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    verify_identity(request, by=worker, on=dt.date(2026, 3, 5))
    clock_event_record(
        request_id=request.pk,
        by=worker,
        event=ClockEventKind.FEE_RECEIVED,
        date=dt.date(2026, 3, 20),
        today=dt.date(2026, 3, 20),
    )
    assert _fresh(request).due_date == dt.date(2026, 4, 20)


def test_clarification_adds_the_days_it_was_stopped(fake_letters: FakeLetters) -> None:
    worker = caseworker()
    request = take_steps(
        verify_identity(make_request(received=RECEIVED, today=RECEIVED), by=worker, on=RECEIVED),
        "start_work",
        user=worker,
        today=RECEIVED,
    )
    request = take_steps(request, "ask_clarification", user=worker, today=dt.date(2026, 3, 12))
    request = take_steps(
        request,
        "clarification_answered",
        user=worker,
        today=dt.date(2026, 3, 16),
        data={"clarification_answered": {"received_on": "2026-03-16"}},
    )
    request = _fresh(request)
    # 12 to 16 March inclusive: five days, so 2 April becomes 7 April (6 April is Easter Monday).
    assert request.due_date == dt.date(2026, 4, 7)
    assert request.first_month_due == dt.date(2026, 4, 7)
    assert request.status == Status.IN_PROGRESS


def test_extension_makes_three_months_from_the_start(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = make_request(received=RECEIVED, today=RECEIVED)
    verify_identity(request, by=worker, on=dt.date(2026, 3, 10))
    request = take_steps(request, "start_work", user=worker, today=dt.date(2026, 3, 10))
    request = take_steps(request, "extend", user=boss, today=dt.date(2026, 4, 1))
    request = _fresh(request)
    assert (request.extended, request.due_date) == (True, dt.date(2026, 6, 10))
    assert request.first_month_due == dt.date(2026, 4, 10)  # unchanged: the extension was inside it


def test_an_open_clarification_moves_the_first_months_end_each_day(fake_letters: FakeLetters) -> None:
    """While the clock is stopped, the last day for an extension moves on, so an extension stays possible."""
    worker, boss = caseworker(), manager()
    request = verify_identity(make_request(received=RECEIVED, today=RECEIVED), by=worker, on=RECEIVED)
    request = take_steps(request, "start_work", user=worker, today=RECEIVED)
    request = mark_complex(request, by=worker)  # UK GDPR Art 12A: the ground that allows an extension
    request = take_steps(request, "ask_clarification", user=worker, today=dt.date(2026, 3, 30))
    late = dt.date(2026, 4, 8)  # after 2 April, but the clock has been stopped since 30 March
    options = {o.name: o for o in available_transitions(request=_fresh(request), user=boss, today=late)}
    assert options["extend"].allowed
    # Stored when asked: 2 April plus one day is Good Friday, so 7 April; the page saved nothing.
    assert _fresh(request).first_month_due == dt.date(2026, 4, 7)
    request = request_transition(
        request_id=request.pk,
        user=boss,
        transition="extend",
        expected_version=None,
        data={"extension_reason": "Complex."},
        today=late,
    )
    assert _fresh(request).extended is True


def test_staff_cannot_record_clarification_or_extension_directly() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    for event in (ClockEventKind.CLARIFICATION_ASKED, ClockEventKind.EXTENDED):
        with pytest.raises(ApplicationError, match="recorded by their steps") as error:
            clock_event_record(request_id=request.pk, by=manager(), event=event, date=RECEIVED, today=RECEIVED)
        assert error.value.field == "event"


def test_reviewer_cannot_record_clock_events() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="Only a manager or caseworker"):
        clock_event_record(
            request_id=request.pk, by=reviewer(), event=ClockEventKind.FEE_RECEIVED, date=RECEIVED, today=RECEIVED
        )


@pytest.mark.parametrize(
    ("date", "message"),
    [(dt.date(2026, 3, 1), "before the request was received"), (dt.date(2026, 3, 9), "cannot be in the future")],
)
def test_clock_event_dates_must_make_sense(date: dt.date, message: str) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match=message):
        clock_event_record(
            request_id=request.pk,
            by=caseworker(),
            event=ClockEventKind.FEE_RECEIVED,
            date=date,
            today=dt.date(2026, 3, 8),
        )
    assert not ClockEvent.objects.filter(request=request).exists()


def test_clock_event_letter_must_be_this_requests() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    other = make_request(received=RECEIVED, today=RECEIVED, subject_name="Jo Other")
    letter = Letter.objects.create(
        request=other, direction=LetterDirection.IN, date=RECEIVED, summary="Fee", method="post"
    )
    with pytest.raises(ApplicationError, match="belongs to another request"):
        clock_event_record(
            request_id=request.pk,
            by=caseworker(),
            event=ClockEventKind.FEE_RECEIVED,
            date=RECEIVED,
            letter=letter,
            today=RECEIVED,
        )


def test_system_may_record_an_imported_extension_but_not_a_late_one() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    late = dt.date(2026, 4, 3)
    with pytest.raises(ApplicationError, match="do not fit together"):
        clock_event_record(request_id=request.pk, by=None, event=ClockEventKind.EXTENDED, date=late, today=late)
    assert not ClockEvent.objects.filter(request=request).exists()
    assert _fresh(request).extended is False
    clock_event_record(
        request_id=request.pk, by=None, event=ClockEventKind.EXTENDED, date=dt.date(2026, 4, 2), today=late
    )
    assert _fresh(request).due_date == dt.date(2026, 6, 2)


def test_clock_events_refuse_a_stale_version() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="Someone else changed this request"):
        clock_event_record(
            request_id=request.pk,
            by=caseworker(),
            event=ClockEventKind.FEE_RECEIVED,
            date=RECEIVED,
            expected_version=request.version + 1,
            today=RECEIVED,
        )


def test_clock_events_on_a_finished_request_are_refused(fake_letters: FakeLetters) -> None:
    worker = caseworker()
    request = take_steps(make_request(received=RECEIVED, today=RECEIVED), "withdraw", user=worker, today=RECEIVED)
    with pytest.raises(ApplicationError, match="finished"):
        clock_event_record(
            request_id=request.pk, by=worker, event=ClockEventKind.FEE_RECEIVED, date=RECEIVED, today=RECEIVED
        )


def test_open_clarification_runs_to_today() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    asked = ClockEvent(request=request, event=ClockEventKind.CLARIFICATION_ASKED, date=dt.date(2026, 3, 5))
    assert clarifications_of([asked], dt.date(2026, 3, 9)) == [Clarification(dt.date(2026, 3, 5), dt.date(2026, 3, 9))]
    deadline = deadline_for(request, events=[asked], today=dt.date(2026, 3, 9))
    assert deadline.due == dt.date(2026, 4, 7)  # five days stopped


def test_refresh_sets_the_first_month_in_memory_only() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    ClockEvent.objects.create(request=request, event=ClockEventKind.IDENTITY_RECEIVED, date=dt.date(2026, 3, 9))
    deadline = request_refresh_due_date(request=request, today=dt.date(2026, 3, 9))
    assert (request.first_month_due, deadline.one_month_due) == (dt.date(2026, 4, 9), dt.date(2026, 4, 9))
    assert _fresh(request).first_month_due == dt.date(2026, 4, 2)


def test_clock_event_recorder_is_on_the_row(fake_letters: FakeLetters) -> None:
    worker: User = caseworker()
    request = verify_identity(make_request(received=RECEIVED, today=RECEIVED), by=worker, on=dt.date(2026, 3, 3))
    event = ClockEvent.objects.get(request=request)
    assert (event.event, event.date, event.recorded_by) == ("identity_received", dt.date(2026, 3, 3), worker)


# A clarification counts from the day its answer arrived, however late it is recorded (R5).


def _asked(worker: User, on: dt.date) -> RightsRequest:
    request = verify_identity(make_request(received=RECEIVED, today=RECEIVED), by=worker, on=RECEIVED)
    request = take_steps(request, "start_work", user=worker, today=RECEIVED)
    return take_steps(request, "ask_clarification", user=worker, today=on)


def _answer(request: RightsRequest, worker: User, today: dt.date, **data: str) -> RightsRequest:
    return request_transition(
        request_id=request.pk,
        user=worker,
        transition="clarification_answered",
        expected_version=_fresh(request).version,
        data=data,
        today=today,
    )


def _letter_in(request: RightsRequest, on: dt.date, direction: str = LetterDirection.IN) -> Letter:
    return Letter.objects.create(request=request, direction=direction, date=on, summary="The answer", method="post")


@pytest.mark.usefixtures("fake_letters")
def test_an_answer_recorded_a_week_late_is_dated_the_day_it_arrived() -> None:
    worker = caseworker()
    request = _asked(worker, dt.date(2026, 3, 10))
    letter = _letter_in(request, dt.date(2026, 3, 13))
    request = _answer(
        request, worker, dt.date(2026, 3, 20), received_on="2026-03-13", incoming_letter=str(letter.pk), reason="2023"
    )
    answered = ClockEvent.objects.get(request=request, event=ClockEventKind.CLARIFICATION_ANSWERED)
    assert (answered.date, answered.letter) == (dt.date(2026, 3, 13), letter)
    # 10 to 13 March, both included: four days, as if recorded the day it came (not eleven).
    assert _fresh(request).due_date == dt.date(2026, 4, 7)
    assert _fresh(request).status == Status.IN_PROGRESS


@pytest.mark.usefixtures("fake_letters")
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "received_on", "Enter the date the requester's answer arrived"),
        ({"received_on": "2026-03-21"}, "received_on", "cannot have arrived in the future"),
        ({"received_on": "2026-03-09"}, "received_on", "before the question was asked, on 10 March 2026"),
        ({"received_on": "13/03/2026"}, "received_on", "is not a date"),
        ({"received_on": "2026-03-13", "incoming_letter": "999999"}, "incoming_letter", "incoming letters"),
        ({"received_on": "2026-03-13", "incoming_letter": "out"}, "incoming_letter", "incoming letters"),
        ({"received_on": "2026-03-13", "incoming_letter": "other"}, "incoming_letter", "incoming letters"),
        ({"received_on": "2026-03-12", "incoming_letter": "in"}, "incoming_letter", "arrived on 13 March 2026"),
    ],
)
def test_a_bad_answer_date_or_letter_is_refused_and_changes_nothing(
    data: dict[str, str], field: str, message: str
) -> None:
    worker = caseworker()
    request = _asked(worker, dt.date(2026, 3, 10))
    letters_by_name = {
        "in": _letter_in(request, dt.date(2026, 3, 13)),
        "out": _letter_in(request, dt.date(2026, 3, 13), direction=LetterDirection.OUT),
        "other": _letter_in(make_request(received=RECEIVED, today=RECEIVED, subject_name="Jo"), dt.date(2026, 3, 13)),
    }
    if data.get("incoming_letter") in letters_by_name:
        data = {**data, "incoming_letter": str(letters_by_name[data["incoming_letter"]].pk)}
    before = _fresh(request)
    with pytest.raises(ApplicationError, match=message) as error:
        _answer(request, worker, dt.date(2026, 3, 20), **data)
    assert error.value.field == field
    after = _fresh(request)
    assert (after.status, after.version, after.due_date) == (before.status, before.version, before.due_date)
    assert not ClockEvent.objects.filter(request=request, event=ClockEventKind.CLARIFICATION_ANSWERED).exists()
