"""Clarification stops the clock only for an access request (UK GDPR Art 12A; DPA 2018 s.54(3C)), always with a reason."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from django.urls import reverse

from requests_app.models import ClockEvent, ClockEventKind, Letter, RightsRequest, Status
from requests_app.services import letters
from requests_app.services.transitions import request_transition
from rights import ApplicationError, RightKind
from tests.factories import FakeLetters, caseworker, make_request, sign_in, take_steps, verify_identity

RECEIVED = dt.date(2026, 3, 2)
ASKED = dt.date(2026, 3, 10)

pytestmark = pytest.mark.django_db


def _started(kind: RightKind, *, subject_dob: dt.date | None = dt.date(2012, 5, 1)) -> RightsRequest:
    worker = caseworker()
    request = verify_identity(
        make_request(kind=kind, received=RECEIVED, today=RECEIVED, subject_dob=subject_dob), by=worker, on=RECEIVED
    )
    names = ("start_work", "gather_records") if kind is RightKind.ACCESS else ("start_work",)
    return take_steps(request, *names, user=worker, today=RECEIVED)


def _ask(request: RightsRequest, **data: str) -> RightsRequest:
    return request_transition(
        request_id=request.pk,
        user=request.assigned_to or caseworker("asker"),
        transition="ask_clarification",
        expected_version=None,
        data=data,
        today=ASKED,
    )


def test_asking_needs_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    request = _started(RightKind.ACCESS)
    with pytest.raises(ApplicationError, match="never as a matter of routine") as error:
        _ask(request, clarification_question="Which review?")
    assert error.value.field == "clarification_reason"
    assert RightsRequest.objects.get(pk=request.pk).status == Status.GATHERING_RECORDS
    assert not ClockEvent.objects.filter(request=request).exclude(event="identity_received").exists()


@pytest.mark.parametrize(
    ("kind", "due_while_waiting"),
    [
        (RightKind.ACCESS, dt.date(2026, 4, 7)),  # 1 day stopped so far: 3 April is Good Friday, 6 Easter Monday
        (RightKind.RECTIFICATION, dt.date(2026, 4, 2)),  # the clock keeps running
        (RightKind.ERASURE, dt.date(2026, 4, 2)),
    ],
)
def test_only_access_stops_the_clock(
    monkeypatch: pytest.MonkeyPatch, kind: RightKind, due_while_waiting: dt.date
) -> None:
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    request = _ask(_started(kind), clarification_question="Which record?", clarification_reason="Six agencies.")
    request = RightsRequest.objects.get(pk=request.pk)
    assert request.status == Status.AWAITING_CLARIFICATION
    assert request.due_date == due_while_waiting
    asked = ClockEvent.objects.get(request=request, event=ClockEventKind.CLARIFICATION_ASKED)
    assert asked.reason == "Which record?"  # the question; the step's event also keeps why it was asked
    assert request.transitions.latest("pk").reason == "Which record? Why: Six agencies."


def _pdf_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as doc:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in doc.pages)


@pytest.mark.parametrize(
    ("kind", "says", "never"),
    [
        (RightKind.ACCESS, "The clock is stopped", "does not stop the time limit"),
        (
            RightKind.RECTIFICATION,
            "does not stop the time limit: we must still respond by Thursday 2 April 2026",
            "The clock is stopped",
        ),
    ],
)
def test_the_letter_says_whether_the_clock_stops(kind: RightKind, says: str, never: str) -> None:
    adult = dt.date(1990, 5, 1)  # a child asking for themselves gets the easy-read letter (its own test)
    request = _ask(
        _started(kind, subject_dob=adult),
        clarification_question="Which record?",
        clarification_reason="Six agencies' records.",
    )
    letter = Letter.objects.get(request=request, template="clarification_request")
    text = _pdf_text(letter)
    assert says in text
    assert never not in text
    assert "Six agencies' records." in text


def test_the_page_says_the_clock_keeps_running_for_other_rights(
    client: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    running = _ask(_started(RightKind.ERASURE), clarification_question="Which?", clarification_reason="Many records.")
    stopped = _ask(_started(RightKind.ACCESS), clarification_question="Which?", clarification_reason="Many records.")
    sign_in(client, caseworker("reader"))
    page = client.get(reverse("request_detail", args=[running.pk])).content.decode()  # type: ignore[attr-defined]
    assert "Awaiting clarification (clock running)" in page
    assert "the clock keeps running: the law stops it only for an access request" in page
    page = client.get(reverse("request_detail", args=[stopped.pk])).content.decode()  # type: ignore[attr-defined]
    assert "Waiting for clarification: the clock is stopped." in page
