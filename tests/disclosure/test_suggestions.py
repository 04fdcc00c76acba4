"""Suggested redactions: what they find, that nothing is redacted without a person, and that decisions are kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from disclosure.models import (
    DisclosureEvent,
    DocumentReading,
    PageWord,
    ReadingStatus,
    RedactionKind,
    RedactionSuggestion,
    SourceKind,
    SuggestionSource,
    SuggestionStatus,
)
from disclosure.services.documents import DocumentDetails, document_add_text, document_add_upload
from disclosure.services.redaction import redact_phrase
from disclosure.services.review import ThirdPartyDetails, third_party_add, third_party_decide
from disclosure.services.suggestions import (
    suggestion_accept,
    suggestion_reject,
    suggestions_look_again,
    suggestions_refresh,
)
from requests_app.models import RightsRequest
from rights import ApplicationError
from tests.disclosure.conftest import TODAY, scan_pdf_bytes
from tests.factories import UserFactory, sign_in

DETAILS = DocumentDetails(title="Case notes", document_date=dt.date(2026, 2, 1))
TEXT = (
    "Visit to the family home at 4 Mill Lane, Leeds LS6 2QB. Present: Alex, mum, and Jonny Smyth (mum's partner, "
    "DOB 14/02/1985, NI AB123456C). Mr Smith's mobile is 07700 900123; email jsmith@example.org. "
    "Alex (DOB 01/05/2012) is well. NHS 943 476 5919. Meeting ref 1000 2000 30; next visit 03/04/2026."
)


def _party(staff: dict[str, User], request: RightsRequest, name: str, spellings: str = "") -> object:
    return third_party_add(
        by=staff["caseworker"],
        request=request,
        details=ThirdPartyDetails(name=name, other_spellings=spellings, consent_reason="Not safe to ask"),
    )


def _add_text(staff: dict[str, User], request: RightsRequest, text: str = TEXT, title: str = "Case notes") -> object:
    return document_add_text(
        by=staff["caseworker"], request=request, details=DocumentDetails(title=title), text=text, today=TODAY
    )


def test_a_text_document_is_offered_every_kind_and_nothing_is_redacted(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    _party(staff, access_request, "John Smith", "Jonny Smyth\nMr Smith")
    document = _add_text(staff, access_request)
    found = {(s.source, s.text) for s in document.suggestions.all()}  # type: ignore[attr-defined]
    assert found == {
        (SuggestionSource.POSTCODE, "LS6 2QB"),
        (SuggestionSource.THIRD_PARTY, "Jonny Smyth"),
        (SuggestionSource.THIRD_PARTY, "Mr Smith"),
        (SuggestionSource.DATE_OF_BIRTH, "14/02/1985"),
        (SuggestionSource.NI_NUMBER, "AB123456C"),
        (SuggestionSource.TELEPHONE, "07700 900123"),
        (SuggestionSource.EMAIL, "jsmith@example.org"),
        (SuggestionSource.NHS_NUMBER, "943 476 5919"),
    }  # not the subject's own date of birth, not the meeting reference, not the visit date
    assert not document.redactions.exists()  # type: ignore[attr-defined]
    for suggestion in document.suggestions.all():  # type: ignore[attr-defined]
        assert TEXT[suggestion.start : suggestion.end] == suggestion.text
        assert suggestion.status == SuggestionStatus.PENDING


def test_a_third_party_judged_reasonable_to_disclose_is_not_suggested(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    party = _party(staff, access_request, "Jonny Smyth")
    third_party_decide(
        by=staff["reviewer"],
        third_party=party,
        reasonable_to_disclose=True,
        reasons="Named in role, consented",  # type: ignore[arg-type]
    )
    document = _add_text(staff, access_request)
    assert not document.suggestions.filter(source=SuggestionSource.THIRD_PARTY).exists()  # type: ignore[attr-defined]


def test_what_was_redacted_elsewhere_in_the_case_is_suggested(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    first = _add_text(staff, access_request, "The neighbour Petra Quince called.", title="Log")
    redact_phrase(by=staff["reviewer"], document=first, phrase="Petra Quince", exemption="third_party")  # type: ignore[arg-type]
    second = _add_text(staff, access_request, "Later PETRA QUINCE wrote in. The dog barked.", title="Letter")
    (suggestion,) = second.suggestions.all()  # type: ignore[attr-defined]
    assert suggestion.source == SuggestionSource.REDACTED_ELSEWHERE
    assert suggestion.text == "PETRA QUINCE"
    assert suggestion.suggested_exemption == "third_party"


def test_accepting_redacts_through_the_redaction_service_and_is_recorded(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    document = _add_text(staff, access_request)
    suggestion = document.suggestions.get(source=SuggestionSource.NI_NUMBER)  # type: ignore[attr-defined]
    done = suggestion_accept(by=staff["reviewer"], suggestion=suggestion, exemption="third_party", reason="His NI")
    assert done.status == SuggestionStatus.ACCEPTED
    assert (done.decided_by, done.exemption, done.reason) == (staff["reviewer"], "third_party", "His NI")
    assert done.decided_at is not None
    (redaction,) = done.redactions.all()
    assert (redaction.kind, redaction.start, redaction.end) == (RedactionKind.SPAN, suggestion.start, suggestion.end)
    assert redaction.text == "AB123456C" and redaction.created_by == staff["reviewer"]
    assert DisclosureEvent.objects.filter(document=document, action="suggestion_accepted").exists()
    assert DisclosureEvent.objects.filter(document=document, action="redaction_added").exists()
    with pytest.raises(ApplicationError, match="already accepted"):
        suggestion_accept(by=staff["reviewer"], suggestion=suggestion, exemption="third_party")
    assert suggestions_refresh(document=document) == []  # the covered place is not offered again


def test_rejecting_leaves_the_text_in_and_is_recorded_and_never_offered_again(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    document = _add_text(staff, access_request)
    suggestion = document.suggestions.get(source=SuggestionSource.EMAIL)  # type: ignore[attr-defined]
    done = suggestion_reject(by=staff["caseworker"], suggestion=suggestion, reason="The agency's own address")
    assert done.status == SuggestionStatus.REJECTED
    assert (done.decided_by, done.reason) == (staff["caseworker"], "The agency's own address")
    assert not done.redactions.exists() and not document.redactions.exists()  # type: ignore[attr-defined]
    assert DisclosureEvent.objects.filter(document=document, action="suggestion_rejected").exists()
    assert done.history.count() == 2  # type: ignore[attr-defined]  # suggested, then rejected
    assert suggestions_look_again(by=staff["reviewer"], document=document) == []  # type: ignore[arg-type]
    with pytest.raises(ApplicationError, match="already rejected"):
        suggestion_reject(by=staff["caseworker"], suggestion=suggestion)


def test_a_new_spelling_is_offered_when_looking_again(staff: dict[str, User], access_request: RightsRequest) -> None:
    document = _add_text(staff, access_request, "Jonny Smyth visited.")
    assert not document.suggestions.exists()  # type: ignore[attr-defined]
    _party(staff, access_request, "John Smith", "Jonny Smyth")
    (created,) = suggestions_look_again(by=staff["reviewer"], document=document)  # type: ignore[arg-type]
    assert created.text == "Jonny Smyth" and created.why == "Third party: John Smith"


def test_only_reviewers_decide(staff: dict[str, User], access_request: RightsRequest) -> None:
    document = _add_text(staff, access_request)
    suggestion = document.suggestions.first()  # type: ignore[attr-defined]
    outsider = UserFactory(username="nobody")
    with pytest.raises(ApplicationError):
        suggestion_accept(by=outsider, suggestion=suggestion, exemption="third_party")
    with pytest.raises(ApplicationError):
        suggestion_reject(by=outsider, suggestion=suggestion)
    suggestion.refresh_from_db()
    assert suggestion.is_pending


def _fake_reading(document: object, words: list[tuple[int, str, float, float, float, float]]) -> None:
    """An OCR result as the task would write it (so the page tests need no Tesseract)."""
    text_parts, rows, length = [], [], 0
    for index, (page, text, x0, top, x1, bottom) in enumerate(words):
        if index:
            text_parts.append(" ")
            length += 1
        rows.append(
            PageWord(
                document=document,
                page=page,
                position=index,
                text=text,
                x0=x0,
                top=top,
                x1=x1,
                bottom=bottom,
                start=length,
                end=length + len(text),
                confidence=90,
            )
        )
        text_parts.append(text)
        length += len(text)
    PageWord.objects.bulk_create(rows)
    DocumentReading.objects.update_or_create(
        document=document,
        defaults={
            "status": ReadingStatus.DONE,
            "text": "".join(text_parts),
            "progress": 100,
            "engine": "tesseract 5",
            "pages": [1],
        },
    )


def test_review_page_shows_the_ocr_text_and_the_suggestions_and_accepts_one(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    scan = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DETAILS,
        data=scan_pdf_bytes(1),
        name="s.pdf",
        today=TODAY,
    )
    assert scan.source_kind == SourceKind.SCAN_PDF
    _fake_reading(
        scan,
        [
            (1, "Call", 72, 100, 100, 112),
            (1, "0113", 104, 100, 130, 112),
            (1, "496", 134, 100, 152, 112),
            (1, "0000", 156, 100, 182, 112),
        ],
    )
    suggestions_refresh(document=scan)
    client = Client()
    sign_in(client, staff["caseworker"])
    url = reverse("disclosure:document", args=[access_request.pk, scan.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Text read from the scan" in body and "Call 0113 496 0000" in body
    suggestion = RedactionSuggestion.objects.get(document=scan)
    assert suggestion.source == SuggestionSource.TELEPHONE and f"suggestion-{suggestion.pk}" in body
    response = client.post(
        reverse("disclosure:suggestion_accept", args=[access_request.pk, scan.pk, suggestion.pk]),
        {f"s{suggestion.pk}-exemption": "third_party", f"s{suggestion.pk}-reason": ""},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    (redaction,) = suggestion.redactions.all()
    (box,) = redaction.boxes.all()
    assert box.page == 1 and box.x0 <= 104 and box.x1 >= 182 and redaction.text == "0113 496 0000"


def test_rejecting_from_the_page(staff: dict[str, User], access_request: RightsRequest) -> None:
    document = _add_text(staff, access_request)
    suggestion = document.suggestions.get(source=SuggestionSource.POSTCODE)  # type: ignore[attr-defined]
    client = Client()
    sign_in(client, staff["caseworker"])
    client.post(
        reverse("disclosure:suggestion_reject", args=[access_request.pk, document.pk, suggestion.pk]),  # type: ignore[attr-defined]
        {"reason": "The office's postcode"},
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason) == (SuggestionStatus.REJECTED, "The office's postcode")


def test_search_finds_words_in_text_and_in_what_ocr_read(staff: dict[str, User], access_request: RightsRequest) -> None:
    _add_text(staff, access_request, "Nothing of note.", title="Typed")
    typed = _add_text(staff, access_request, "The Health Visitor called.", title="Visit")
    scan = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DETAILS,
        data=scan_pdf_bytes(2),
        name="s.pdf",
        today=TODAY,
    )
    _fake_reading(
        scan, [(1, "intro", 72, 100, 100, 112), (2, "health", 72, 100, 100, 112), (2, "visitor", 104, 100, 140, 112)]
    )
    client = Client()
    sign_in(client, staff["caseworker"])
    response = client.get(reverse("disclosure:document_search", args=[access_request.pk]), {"q": "health  visitor"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 documents mention" in body
    assert reverse("disclosure:document", args=[access_request.pk, typed.pk]) in body  # type: ignore[attr-defined]
    assert "Page 2</a> (read from the scan)" in body
    assert "Nothing of note" not in body
    other = UserFactory(username="outsider")
    sign_in(client, other)
    assert client.get(reverse("disclosure:document_search", args=[access_request.pk]), {"q": "x"}).status_code == 404


def test_the_admin_lists_suggestions_read_only_without_their_text(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    document = _add_text(staff, access_request)
    suggestion = document.suggestions.get(source=SuggestionSource.NI_NUMBER)  # type: ignore[attr-defined]
    client = Client()
    sign_in(client, UserFactory(username="root", is_superuser=True, is_staff=True))
    listing = client.get(reverse("admin:disclosure_redactionsuggestion_changelist"))
    assert listing.status_code == 200
    page = client.get(reverse("admin:disclosure_redactionsuggestion_change", args=[suggestion.pk]))
    assert page.status_code == 200 and "AB123456C" not in page.content.decode()
    history = client.get(reverse("admin:disclosure_redactionsuggestion_history", args=[suggestion.pk]))
    assert history.status_code == 200
    assert client.post(reverse("admin:disclosure_redactionsuggestion_add"), {}).status_code == 403


def test_the_third_party_form_records_other_spellings(staff: dict[str, User], access_request: RightsRequest) -> None:
    client = Client()
    sign_in(client, staff["caseworker"])
    url = reverse("disclosure:third_party_add", args=[access_request.pk])
    assert "Other spellings of the name" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "John Smith",
            "other_spellings": "Jonny  Smyth\n\n  J. Smith ",
            "consent": "not_sought",
            "consent_reason": "Not safe to ask",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    party = access_request.third_parties.get()
    assert party.other_spellings == "Jonny Smyth\nJ. Smith"
    assert party.spellings == ["Jonny Smyth", "John Smith", "J. Smith"]
