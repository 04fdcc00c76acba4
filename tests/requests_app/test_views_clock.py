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
from tests.factories import sign_in

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
    sign_in(client, user)
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
        {
            "version": str(version),
            **date_parts("received_on", dt.date(2026, 3, 13)),
            "incoming_letter": answer.pk,
            "confirmed": "yes",
        },
    )
    assert done.status_code == 302
    event = ClockEvent.objects.get(request=rr, event=ClockEventKind.CLARIFICATION_ANSWERED)
    assert (event.date, event.letter_id) == (dt.date(2026, 3, 13), answer.pk)
    assert RightsRequest.objects.get(pk=rr.pk).status == Status.IN_PROGRESS


def test_the_request_page_offers_to_record_a_fee(casey: User, rr: RightsRequest) -> None:
    page = client_for(casey).get(reverse("request_detail", args=[rr.pk])).content.decode()
    assert reverse("fee_new", args=[rr.pk]) in page
    assert "Record fee received" in page


def test_recording_a_fee_received_with_the_letter_it_came_in(casey: User, rr: RightsRequest) -> None:
    cheque = _letter_in(rr, dt.date(2026, 3, 10), "Cheque for further copies")
    client = client_for(casey)
    url = reverse("fee_new", args=[rr.pk])
    page = client.get(url).content.decode()
    assert re.findall(r'name="incoming_letter" type="radio" value="([^"]*)"', page) == ["", str(cheque.pk)]
    assert "Cheque for further copies" in page

    future = client.post(
        url, {"version": str(rr.version), **date_parts("received_on", dt.date(2026, 3, 21)), "reason": "£10"}
    )
    assert future.status_code == 200
    assert "Date the fee arrived must be today or in the past" in future.content.decode()
    assert not ClockEvent.objects.filter(request=rr).exists()

    done = client.post(
        url,
        {
            "version": str(rr.version),
            **date_parts("received_on", dt.date(2026, 3, 10)),
            "incoming_letter": str(cheque.pk),
            "reason": "Cheque for £10",
        },
    )
    assert done.status_code == 302
    event = ClockEvent.objects.get(request=rr)
    assert (event.event, event.date, event.letter_id, event.recorded_by) == (
        ClockEventKind.FEE_RECEIVED,
        dt.date(2026, 3, 10),
        cheque.pk,
        casey,
    )
    assert RightsRequest.objects.get(pk=rr.pk).due_date == dt.date(2026, 4, 10)
    follow = client.get(done["Location"]).content.decode()
    assert "The fee is recorded. The request is now due by 10 April 2026." in follow
    assert "Letter of 10 March 2026: Cheque for further copies" in follow  # the timeline names the letter


def test_a_fee_on_a_stale_page_is_refused_and_the_input_kept(casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).post(
        reverse("fee_new", args=[rr.pk]),
        {"version": str(rr.version + 5), **date_parts("received_on", dt.date(2026, 3, 10)), "reason": "My note"},
    )
    assert response.status_code == 200
    assert "Someone else changed this request" in response.content.decode()
    assert "My note" in response.content.decode()
    assert not ClockEvent.objects.filter(request=rr).exists()


def test_a_reviewer_cannot_record_a_fee(rr: RightsRequest) -> None:
    referred = factories.reviewer()
    factories.refer(rr, referred)  # they may open it: the role is what refuses
    response = client_for(referred).post(
        reverse("fee_new", args=[rr.pk]),
        {"version": str(rr.version), **date_parts("received_on", dt.date(2026, 3, 10))},
    )
    assert response.status_code == 200
    assert "Only a manager or caseworker can record a clock event" in response.content.decode()
    assert not ClockEvent.objects.filter(request=rr).exists()


def test_evidence_names_the_letter_it_came_in(casey: User, rr: RightsRequest) -> None:
    passport = _letter_in(rr, dt.date(2026, 3, 9), "Copy of passport")
    client = client_for(casey)
    url = reverse("evidence_new", args=[rr.pk])
    assert f'value="{passport.pk}"' in client.get(url).content.decode()
    done = client.post(
        url,
        {
            "version": str(rr.version),
            "kind": "identity",
            "description": "Passport ending 123",
            **date_parts("seen_on", dt.date(2026, 3, 12)),
            **date_parts("received_on", dt.date(2026, 3, 9)),
            "incoming_letter": str(passport.pk),
        },
    )
    assert done.status_code == 302
    event = ClockEvent.objects.get(request=rr)
    assert (event.event, event.date, event.letter_id) == (
        ClockEventKind.IDENTITY_RECEIVED,
        dt.date(2026, 3, 9),
        passport.pk,
    )


def _date_field_values(page: str, name: str) -> list[str]:
    return [re.search(rf'name="{name}_{part}"[^>]*value="([^"]*)"', page).group(1) for part in ("day", "month", "year")]  # type: ignore[union-attr]


def test_evidence_enclosed_with_the_letter_and_verified_a_week_later_leaves_the_due_date(
    casey: User, rr: RightsRequest
) -> None:
    client = client_for(casey)
    url = reverse("evidence_new", args=[rr.pk])
    page = client.get(url).content.decode()
    assert _date_field_values(page, "received_on") == ["2", "3", "2026"]  # the day the request arrived
    assert "(2 March 2026)" in page
    done = client.post(
        url,
        {
            "version": str(rr.version),
            "kind": "identity",
            "description": "Passport copy enclosed with the letter",
            **date_parts("seen_on", dt.date(2026, 3, 9)),  # looked at a week later
            **date_parts("received_on", RECEIVED),  # as the form offered it
        },
    )
    assert done.status_code == 302
    rr = RightsRequest.objects.get(pk=rr.pk)
    assert (rr.due_date, rr.clock_started) == (dt.date(2026, 4, 2), None)
    assert ClockEvent.objects.get(request=rr).date == RECEIVED


def test_identity_evidence_needs_the_date_it_arrived(casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).post(
        reverse("evidence_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "kind": "identity",
            "description": "Passport",
            **date_parts("seen_on", dt.date(2026, 3, 9)),
        },
    )
    assert response.status_code == 200
    assert "Enter the date it arrived" in response.content.decode()
    assert not ClockEvent.objects.exists()


def test_once_identity_was_asked_for_the_arrival_date_is_not_guessed(casey: User, rr: RightsRequest) -> None:
    factories.take_steps(rr, "request_identity", user=casey, today=RECEIVED)
    page = client_for(casey).get(reverse("evidence_new", args=[rr.pk])).content.decode()
    assert _date_field_values(page, "received_on") == ["", "", ""]


def test_a_caseworker_asking_to_extend_is_told_only_the_manager_can(casey: User, rr: RightsRequest) -> None:
    rr = factories.take_steps(
        factories.verify_identity(rr, by=casey, on=RECEIVED), "start_work", user=casey, today=RECEIVED
    )
    response = client_for(casey).post(
        reverse("request_step", args=[rr.pk, "extend"]), {"version": str(rr.version), "extension_reason": "Complex"}
    )
    assert response.status_code == 403
    assert "Only the Manager can extend by two months." in response.content.decode()
    assert not RightsRequest.objects.get(pk=rr.pk).extended


def test_a_caseworker_marks_a_request_complex_with_a_reason_kept_in_history(casey: User, rr: RightsRequest) -> None:
    client = client_for(casey)
    page = client.get(reverse("request_detail", args=[rr.pk])).content.decode()
    assert reverse("request_complex", args=[rr.pk]) in page
    url = reverse("request_complex", args=[rr.pk])
    missing = client.post(url, {"version": str(rr.version), "is_complex": "yes", "reason": " "})
    assert missing.status_code == 200
    assert "Enter why" in missing.content.decode()
    assert RightsRequest.objects.get(pk=rr.pk).is_complex is False

    done = client.post(url, {"version": str(rr.version), "is_complex": "yes", "reason": "Records from six agencies"})
    assert done.status_code == 302
    rr = RightsRequest.objects.get(pk=rr.pk)
    assert (rr.is_complex, rr.complex_reason) == (True, "Records from six agencies")
    record = rr.history.first()  # type: ignore[attr-defined]
    assert (record.history_user, record.history_change_reason) == (casey, "Marked complex: Records from six agencies")
    detail = client.get(reverse("request_detail", args=[rr.pk])).content.decode()
    assert "Yes: the request is complex: Records from six agencies" in detail

    undone = client.post(url, {"version": str(rr.version), "is_complex": "no", "reason": "Only one agency after all"})
    assert undone.status_code == 302
    rr = RightsRequest.objects.get(pk=rr.pk)
    assert (rr.is_complex, rr.complex_reason) == (False, "")
    assert rr.history.first().history_change_reason == "No longer complex: Only one agency after all"  # type: ignore[attr-defined]


def test_only_caseworkers_and_the_manager_mark_a_request_complex(casey: User, rr: RightsRequest) -> None:
    from requests_app.services.requests import request_set_restricted

    url = reverse("request_complex", args=[rr.pk])
    referred = factories.reviewer()
    factories.refer(rr, referred)  # they may open it: the role is what refuses
    reviewer = client_for(referred)
    assert reviewer.get(url).status_code == 403
    assert reviewer.post(url, {"version": str(rr.version), "is_complex": "yes", "reason": "x"}).status_code == 403
    request_set_restricted(request=rr, by=factories.manager(), restricted=True, reason="Staff case")
    assert client_for(factories.caseworker("other")).get(url).status_code == 404
    assert RightsRequest.objects.get(pk=rr.pk).is_complex is False
