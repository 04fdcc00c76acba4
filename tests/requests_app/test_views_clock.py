"""The clock from the request page: the dates things arrived, the letters that brought them, the fee, the flag."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app.models import ClockEvent, ClockEventKind, Letter, LetterDirection, RightsRequest, Status
from tests import factories

TODAY = dt.date(2026, 3, 20)  # a Friday
NOW = dt.datetime(2026, 3, 20, 10, 30, tzinfo=ZoneInfo("Europe/London"))
RECEIVED = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(NOW):
        yield


@pytest.fixture(autouse=True)
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> factories.FakeLetters:
    fake = factories.FakeLetters()
    monkeypatch.setattr("requests_app.services.letters.letter_generate", fake)
    return fake


@pytest.fixture
def casey(db: None) -> User:
    return factories.UserFactory(username="casey", first_name="Casey", last_name="Worker", role="Caseworker")


@pytest.fixture
def rr(casey: User) -> RightsRequest:
    return factories.make_request(received=RECEIVED, assigned_to=casey, today=RECEIVED)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _letter_in(rr: RightsRequest, on: dt.date, summary: str = "The requester's answer") -> Letter:
    return Letter.objects.create(request=rr, direction=LetterDirection.IN, date=on, summary=summary, method="post")


def test_recording_a_clarification_asks_when_the_answer_arrived_and_which_letter_brought_it(
    casey: User, rr: RightsRequest
) -> None:
    rr = factories.verify_identity(rr, by=casey, on=RECEIVED)
    rr = factories.take_steps(rr, "start_work", user=casey, today=RECEIVED)
    rr = factories.take_steps(rr, "ask_clarification", user=casey, today=dt.date(2026, 3, 10))
    answer = _letter_in(rr, dt.date(2026, 3, 13))
    Letter.objects.create(request=rr, direction=LetterDirection.OUT, date=TODAY, summary="Sent", method="post")
    client = client_for(casey)
    url = reverse("request_step", args=[rr.pk, "clarification_answered"])
    page = client.get(url).content.decode()
    assert 'name="received_on_day"' in page
    assert re.findall(r'name="incoming_letter" type="radio" value="([^"]*)"', page) == ["", str(answer.pk)]
    version = RightsRequest.objects.get(pk=rr.pk).version

    missing = client.post(url, {"version": str(version)})
    assert missing.status_code == 200
    assert "Enter the date the answer arrived" in missing.content.decode()

    done = client.post(
        url,
        {"version": str(version), **date_parts("received_on", dt.date(2026, 3, 13)), "incoming_letter": answer.pk},
    )
    assert done.status_code == 302
    event = ClockEvent.objects.get(request=rr, event=ClockEventKind.CLARIFICATION_ANSWERED)
    assert (event.date, event.letter_id) == (dt.date(2026, 3, 13), answer.pk)
    assert RightsRequest.objects.get(pk=rr.pk).status == Status.IN_PROGRESS
