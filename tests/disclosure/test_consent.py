"""Asking a third party for consent (DPA 2018 Sch 2 Pt 3 para 16): the letter, the chaser, the answer."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from disclosure.models import ConsentRequest, ThirdParty
from disclosure.services.consent import consent_answer_record, consent_chasers_sweep, consent_request_send
from disclosure.services.review import third_party_decide
from requests_app.models import Letter
from requests_app.sweep_registry import SweepContext
from rights import ApplicationError
from tests.factories import pack_case, sign_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
ASKED = {
    "what_disclosed": "That you telephoned a referral about a child on 1 February 2026, and what you said.",
    "why": "A person entitled to see the child's records has asked for a copy of them.",
}


@pytest.fixture
def party(staff: dict[str, User]) -> ThirdParty:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    return ThirdParty.objects.get(request=request)


def _sweep(day: dt.date) -> int:
    return int(consent_chasers_sweep(SweepContext(today=day, run=uuid.uuid4(), batch_size=50))["consent chasers"])


def test_consent_by_email_chased_once_and_answered(
    party: ThirdParty, staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        consent = consent_request_send(
            by=staff["caseworker"], third_party=party, method="email", email="carol@example.org", today=TODAY, **ASKED
        )
    assert len(mail.outbox) == 2  # the letter, then the link to answer online
    assert "/disclosure/consent-answer/" in mail.outbox[1].body and mail.outbox[1].to == ["carol@example.org"]
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["carol@example.org"]
    assert "telephoned a referral" in body and "Schedule 2" in body and "asked for a copy" in body
    assert consent.due_on.strftime("%-d %B %Y") in body  # by when
    assert "Sam Example" not in body and "Alex Example" not in body  # never the requester's or subject's name
    assert consent.letter.file and consent.letter.template == "third_party_consent"
    party.refresh_from_db()
    assert party.consent == "asked" and party.consent_asked_on == TODAY and party.reasonable_to_disclose == ""
    with pytest.raises(ApplicationError, match="already been asked"):
        consent_request_send(by=staff["caseworker"], third_party=party, method="email", email="c@example.org", **ASKED)
    # The sweep: nothing on the due day; one chaser the day after; a second run sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert _sweep(consent.due_on) == 0
        assert _sweep(consent.due_on + dt.timedelta(days=1)) == 1
        assert _sweep(consent.due_on + dt.timedelta(days=1)) == 0
        assert _sweep(consent.due_on + dt.timedelta(days=2)) == 0
    assert len(mail.outbox) == 3 and "reminder" in mail.outbox[2].subject.lower()
    consent.refresh_from_db()
    assert consent.chased_on == consent.due_on + dt.timedelta(days=1)
    later = consent.due_on + dt.timedelta(days=3)
    with pytest.raises(ApplicationError, match="attach its scan"):
        consent_answer_record(by=staff["caseworker"], consent=consent, answer="refusal", answered_on=later, today=later)
    consent_answer_record(
        by=staff["caseworker"],
        consent=consent,
        answer="refusal",
        answered_on=later,
        note="Does not want it shared.",
        today=later,
    )
    consent.refresh_from_db()
    assert consent.answer == "refusal" and consent.answer_letter.direction == "in"
    party.refresh_from_db()
    assert party.consent == "refused" and party.consent_answered_on == later
    assert "Consent refused" in party.consent_reason
    # The para 16 decision still records its reasonableness factors where there is no consent.
    with pytest.raises(ApplicationError, match="reasons"):
        third_party_decide(by=staff["caseworker"], third_party=party, reasonable_to_disclose=False, reasons="")
    third_party_decide(
        by=staff["caseworker"], third_party=party, reasonable_to_disclose=False, reasons="Refused; a neighbour."
    )


def test_consent_by_post_is_a_pdf_and_no_answer_waits_for_the_date(party: ThirdParty, staff: dict[str, User]) -> None:
    consent = consent_request_send(
        by=staff["caseworker"],
        third_party=party,
        method="post",
        address="3 Elm Road\nStockport SK2 2BB",
        today=TODAY,
        **ASKED,
    )
    assert len(mail.outbox) == 0
    letter = Letter.objects.get(pk=consent.letter_id)
    assert letter.method == "post" and "To be printed and posted" in letter.summary
    with letter.file.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(handle).pages)
    assert "Elm Road" in text and "consent" in text.lower() and "paragraph 16" in text
    with pytest.raises(ApplicationError, match="record no answer only after"):
        consent_answer_record(
            by=staff["caseworker"], consent=consent, answer="no_answer", answered_on=TODAY, today=consent.due_on
        )
    after = consent.due_on + dt.timedelta(days=1)
    consent_answer_record(by=staff["caseworker"], consent=consent, answer="no_answer", answered_on=after, today=after)
    party.refresh_from_db()
    assert party.consent == "asked" and "No answer" in party.consent_reason


def test_consent_pages(party: ThirdParty, staff: dict[str, User]) -> None:
    client = Client()
    sign_in(client, staff["caseworker"])
    url = reverse("disclosure:consent_request_new", args=[party.request_id, party.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"method": "email", "email": "", **ASKED})
    assert bad.status_code == 400 and not ConsentRequest.objects.exists()
    assert client.post(url, {"method": "post", "address": "3 Elm Road, Stockport", **ASKED}).status_code == 302
    consent = ConsentRequest.objects.get()
    page = client.get(reverse("disclosure:third_party", args=[party.request_id, party.pk]))
    assert "Record their answer" in page.content.decode()
    answer_url = reverse("disclosure:consent_answer", args=[party.request_id, consent.pk])
    scan = SimpleUploadedFile("answer.pdf", _tiny_pdf(), content_type="application/pdf")
    day = dt.date.today()
    when = {"answered_on_day": str(day.day), "answered_on_month": str(day.month), "answered_on_year": str(day.year)}
    refused = client.post(answer_url, {"answer": "consent", **when, "note": ""})
    assert refused.status_code == 400 and ConsentRequest.objects.get().answer == ""  # nothing filed: nothing recorded
    response = client.post(answer_url, {"answer": "consent", **when, "note": "Happy for it to go.", "file": scan})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.answer == "consent" and consent.answer_letter is not None and consent.answer_letter.file
    party.refresh_from_db()
    assert party.consent == "given"


def _tiny_pdf() -> bytes:
    from tests.factories import scan_bytes

    return scan_bytes("pdf")
