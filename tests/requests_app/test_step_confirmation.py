"""Steps that change a request show what will happen (core.confirm) and are taken only once confirmed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from core.text import day_text
from requests_app.models import RightsRequest, Status, TransitionEvent
from tests import factories
from tests.requests_app.test_views import client_for, summary_rows, text

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Europe/London"))):
        yield


@pytest.fixture
def letters(monkeypatch: pytest.MonkeyPatch) -> factories.FakeLetters:
    fake = factories.FakeLetters()
    monkeypatch.setattr("requests_app.services.letters.letter_generate", fake)
    return fake


@pytest.fixture
def started(db: None) -> tuple[User, RightsRequest]:
    worker = factories.caseworker("casey")
    request = factories.make_request(received=dt.date(2026, 3, 2), assigned_to=worker, today=TODAY)
    request = factories.verify_identity(request, by=worker, on=TODAY)
    return worker, factories.take_steps(request, "start_work", user=worker, today=TODAY)


def test_extending_shows_the_new_due_date_and_the_letter_before_it_is_done(
    started: tuple[User, RightsRequest], letters: factories.FakeLetters
) -> None:
    worker, request = started
    manager = factories.manager()
    request = factories.mark_complex(request, by=worker)
    client = client_for(manager)
    url = reverse("request_step", args=[request.pk, "extend"])
    answers = {"version": str(request.version), "extension_reason": "Six agencies' records.", "method": "post"}
    summary = client.post(url, answers)
    rows = summary_rows(summary)
    before = request.due_date
    assert rows["Status"] == f"Stays {Status(request.status).label}"
    assert rows["Due date"].startswith(f"Moves from {day_text(before)} to ")
    new_due = rows["Due date"].removeprefix(f"Moves from {day_text(before)} to ")
    assert rows["Who is told"].endswith("by post") and rows["Letter"].endswith("filed in the letters register")
    assert "Confirm and extend by two months" in text(summary)
    assert RightsRequest.objects.get(pk=request.pk).due_date == before and letters.templates == []

    done = client.post(url, {**answers, "confirmed": "yes"})
    assert done.status_code == 302
    extended = RightsRequest.objects.get(pk=request.pk)
    assert extended.extended and day_text(extended.due_date) == new_due  # what the summary said is what happened
    assert letters.templates == ["extension_notice"]


def test_withdrawing_warns_that_it_cannot_be_undone_and_a_refused_answer_shows_no_summary(
    started: tuple[User, RightsRequest], letters: factories.FakeLetters
) -> None:
    worker, request = started
    client = client_for(worker)
    url = reverse("request_step", args=[request.pk, "withdraw"])
    missing = client.post(url, {"version": str(request.version), "method": "post"})
    assert "Check before you" not in text(missing) and "govuk-error-summary" in text(missing)

    answers = {"version": str(request.version), "reason": "Withdrawn by phone.", "method": "post"}
    summary = client.post(url, answers)
    assert summary_rows(summary)["Status"] == "From In progress to Withdrawn"
    assert "This ends the request" in text(summary) and "cannot be undone" in text(summary)
    assert "govuk-button--warning" in text(summary)
    assert not TransitionEvent.objects.filter(request=request, transition="withdraw").exists()

    factories.mark_complex(request, by=worker)  # someone else changes the request meanwhile
    stale = client.post(url, {**answers, "confirmed": "yes"})
    assert stale.status_code == 200 and "Someone else changed this request" in text(stale)
    assert RightsRequest.objects.get(pk=request.pk).status == Status.IN_PROGRESS

    fresh = {**answers, "version": str(RightsRequest.objects.get(pk=request.pk).version)}
    assert client.post(url, {**fresh, "confirmed": "yes"}).status_code == 302
    assert RightsRequest.objects.get(pk=request.pk).status == Status.WITHDRAWN
    assert letters.templates == ["closure"]
