"""The extension step needs a recorded Art 12A ground (complex, or one of numerous requests, and which ones)."""

from __future__ import annotations

import datetime as dt
import io

import pdfplumber
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from requests_app.models import ClockEvent, ClockEventKind, Letter, RightsRequest
from requests_app.services import letters
from requests_app.services.letters import letter_generate
from requests_app.services.requests import request_set_complex
from requests_app.services.transitions import available_transitions, request_extend
from rights import ApplicationError
from tests.factories import (
    FakeLetters,
    caseworker,
    make_request,
    manager,
    mark_complex,
    sign_in,
    take_steps,
    verify_identity,
)

RECEIVED = dt.date(2026, 3, 2)
DAY = dt.date(2026, 3, 4)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> FakeLetters:
    fake = FakeLetters()
    monkeypatch.setattr(letters, "letter_generate", fake)
    return fake


def _working(worker: User) -> RightsRequest:
    request = verify_identity(make_request(received=RECEIVED, today=RECEIVED), by=worker, on=RECEIVED)
    return take_steps(request, "start_work", user=worker, today=DAY)


def _same_person_again(first: RightsRequest, *, received: dt.date) -> RightsRequest:
    """A second request by the same data subject (the same Person on record)."""
    second = make_request(received=received, today=received)
    second.subject = first.subject
    second.save()
    return second


def test_a_request_not_marked_complex_cannot_be_extended(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = _working(worker)
    options = {o.name: o for o in available_transitions(request=request, user=boss, today=DAY)}
    assert not options["extend"].allowed
    assert "not recorded as complex" in options["extend"].blockers[0]
    with pytest.raises(ApplicationError, match="The law allows more time only for one of those reasons"):
        request_extend(request_id=request.pk, user=boss, expected_version=None, reason="Busy.", today=DAY)
    request.refresh_from_db()
    assert request.extended is False
    assert request.due_date == dt.date(2026, 4, 2)
    assert not ClockEvent.objects.filter(request=request, event=ClockEventKind.EXTENDED).exists()
    assert "extension_notice" not in fake_letters.templates


def test_one_of_numerous_requests_names_the_others_from_the_same_person(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = _working(worker)
    earlier = _same_person_again(request, received=dt.date(2026, 2, 20))
    stranger = make_request(received=RECEIVED, today=RECEIVED, subject_name="Robin Other")
    with pytest.raises(ApplicationError, match="Choose the other requests") as error:
        request_set_complex(request_id=request.pk, by=worker, is_complex=True, ground="numerous", reason="Many.")
    assert error.value.field == "numerous_with"
    with pytest.raises(ApplicationError, match="Only requests made by the same person"):
        request_set_complex(
            request_id=request.pk,
            by=worker,
            is_complex=True,
            ground="numerous",
            numerous_with=[stranger.pk],
            reason="Many.",
        )
    request = mark_complex(request, by=worker, ground="numerous", numerous_with=[earlier])
    assert (request.extension_ground, list(request.numerous_with.all())) == ("numerous", [earlier])
    request = request_extend(request_id=request.pk, user=boss, expected_version=None, reason="Two at once.", today=DAY)
    assert RightsRequest.objects.get(pk=request.pk).extended is True


def test_unmarking_complex_clears_the_ground_and_blocks_the_extension(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = mark_complex(_working(worker), by=worker)
    request = request_set_complex(request_id=request.pk, by=worker, is_complex=False, reason="One agency after all.")
    assert (request.is_complex, request.extension_ground) == (False, "")
    with pytest.raises(ApplicationError, match="not recorded as complex"):
        request_extend(request_id=request.pk, user=boss, expected_version=None, reason="x", today=DAY)


def _pdf_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as doc:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in doc.pages)


@pytest.mark.parametrize(
    ("ground", "says"), [("complex", "Your request is complex."), ("numerous", "as well as this one")]
)
def test_the_extension_notice_prints_the_ground(ground: str, says: str) -> None:
    worker = caseworker()
    request = _working(worker)
    others = [_same_person_again(request, received=dt.date(2026, 2, 20))] if ground == "numerous" else []
    request = mark_complex(request, by=worker, ground=ground, numerous_with=others)
    letter = letter_generate(
        request=request,
        template="extension_notice",
        by=manager(),
        context={"extension_reason": "Records from six agencies, some on paper."},
        today=DAY,
    )
    text = _pdf_text(letter)
    assert says in text
    for other in others:
        assert other.reference in text
    assert "Records from six agencies, some on paper." in text


def test_the_complex_page_records_numerous_requests_and_the_detail_page_shows_them(client: object) -> None:
    worker = caseworker()
    request = _working(worker)
    earlier = _same_person_again(request, received=dt.date(2026, 2, 20))
    sign_in(client, worker)  # type: ignore[arg-type]
    url = reverse("request_complex", args=[request.pk])
    page = client.get(url).content.decode()  # type: ignore[attr-defined]
    assert earlier.reference in page
    missing = client.post(  # type: ignore[attr-defined]
        url, {"version": str(request.version), "is_complex": "numerous", "reason": "Two requests in a week"}
    )
    assert missing.status_code == 200
    assert "Choose the other requests from the same person" in missing.content.decode()
    done = client.post(  # type: ignore[attr-defined]
        url,
        {
            "version": str(request.version),
            "is_complex": "numerous",
            "numerous_with": [str(earlier.pk)],
            "reason": "Two requests in a week",
        },
    )
    assert done.status_code == 302
    detail = client.get(reverse("request_detail", args=[request.pk])).content.decode()  # type: ignore[attr-defined]
    assert "one of numerous requests from the same person" in detail
    assert earlier.reference in detail
