"""Documents: typed text, text files, PDFs with text (positions extracted), scans; review state; withholding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from disclosure.extract import extract_pdf, page_png
from disclosure.models import DisclosureEvent, Document, SourceKind
from disclosure.services.documents import (
    DocumentDetails,
    document_add_text,
    document_add_upload,
    document_mark_reviewed,
    document_release,
    document_update_details,
    document_withhold,
)
from requests_app.models import RightsRequest
from rights import ApplicationError
from tests.disclosure.conftest import TODAY, pdf_from_html, png_bytes, scan_pdf_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

DETAILS = DocumentDetails(title="Referral", document_date=dt.date(2026, 2, 1))


def test_typed_text_document(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = document_add_text(
        by=staff["caseworker"], request=access_request, details=DETAILS, text="Line one\r\nLine two", today=TODAY
    )
    assert doc.source_kind == SourceKind.TYPED_TEXT
    assert doc.text == "Line one\nLine two"  # offsets mean the same everywhere
    assert not doc.original
    assert doc.history.count() == 1
    assert DisclosureEvent.objects.filter(document=doc, action="document_added").exists()


def test_text_document_needs_title_and_text(staff: dict[str, User], access_request: RightsRequest) -> None:
    with pytest.raises(ApplicationError, match="title"):
        document_add_text(by=staff["caseworker"], request=access_request, details=DocumentDetails(title=" "), text="x")
    with pytest.raises(ApplicationError, match="text"):
        document_add_text(by=staff["caseworker"], request=access_request, details=DETAILS, text="  \n ", today=TODAY)


def test_future_document_date_is_refused(staff: dict[str, User], access_request: RightsRequest) -> None:
    with pytest.raises(ApplicationError, match="future"):
        document_add_text(
            by=staff["caseworker"],
            request=access_request,
            details=DocumentDetails(title="x", document_date=TODAY + dt.timedelta(days=1)),
            text="x",
            today=TODAY,
        )


def test_reviewer_cannot_add_documents(staff: dict[str, User], access_request: RightsRequest) -> None:
    with pytest.raises(ApplicationError, match="Only a manager or caseworker can add documents"):
        document_add_text(by=staff["reviewer"], request=access_request, details=DETAILS, text="x", today=TODAY)


def test_plain_text_upload(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DETAILS,
        data=b"Notes\r\nmore",
        name="n.txt",
        today=TODAY,
    )
    assert doc.source_kind == SourceKind.TEXT_FILE
    assert doc.text == "Notes\nmore"
    assert doc.media_type.startswith("text/plain")
    assert len(doc.sha256) == 64
    # The stored name never carries the original file name.
    assert "n.txt" not in doc.original.name and doc.original.name.endswith(".txt")
    assert doc.original_name == "n.txt"


def test_pdf_with_text_layer_gives_text_and_word_positions(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    data = pdf_from_html("<p>Referral about Jane Doe.</p><p style='page-break-before:always'>Second page text</p>")
    doc = document_add_upload(
        by=staff["caseworker"], request=access_request, details=DETAILS, data=data, name="r.pdf", today=TODAY
    )
    assert doc.source_kind == SourceKind.PDF_TEXT
    assert doc.page_count == 2
    assert "Referral about Jane Doe." in doc.text
    assert "Second page text" in doc.text
    page1 = doc.page(1)
    assert page1 is not None
    assert page1["width"] == pytest.approx(595.28, abs=0.5)  # A4 in points
    jane = next(w for w in page1["words"] if w["text"] == "Jane")
    assert doc.text[jane["start"] : jane["end"]] == "Jane"
    assert 0 < jane["x0"] < jane["x1"] < page1["width"]
    assert 0 < jane["top"] < jane["bottom"] < page1["height"]
    assert doc.page(2)["words"][0]["text"] == "Second"  # type: ignore[index]


def test_word_offsets_match_the_text_for_every_word() -> None:
    data = pdf_from_html("<p style='width:150px'>" + "Alpha beta gamma delta epsilon zeta eta theta " * 5 + "</p>")
    extraction = extract_pdf(data)
    words = [w for page in extraction.pages for w in page["words"]]
    assert len(words) == 40
    for word in words:
        assert extraction.text[word["start"] : word["end"]] == word["text"]
    assert "\n" in extraction.text  # a narrow paragraph wraps onto several lines


def test_pdf_without_text_is_a_scan(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DETAILS,
        data=scan_pdf_bytes(2),
        name="s.pdf",
        today=TODAY,
    )
    assert doc.source_kind == SourceKind.SCAN_PDF
    assert doc.text == ""
    assert doc.page_count == 2
    assert doc.page(1)["width"] == pytest.approx(612, abs=1)  # type: ignore[index]  # 850 px at 100 dpi


def test_png_is_a_one_page_scan_sized_from_its_resolution(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DETAILS,
        data=png_bytes((300, 150), dpi=150),
        name="photo.png",
        today=TODAY,
    )
    assert doc.source_kind == SourceKind.SCAN_IMAGE
    page = doc.page(1)
    assert page is not None
    assert (page["width"], page["height"]) == (144.0, 72.0)
    assert (page["pixel_width"], page["pixel_height"]) == (300, 150)


def test_refused_upload_writes_nothing(staff: dict[str, User], access_request: RightsRequest, tmp_path: Path) -> None:
    with pytest.raises(ApplicationError, match="Excel spreadsheet"):
        document_add_upload(
            by=staff["caseworker"],
            request=access_request,
            details=DETAILS,
            data=xlsx_bytes(),
            name="a.pdf",
            today=TODAY,
        )
    assert not Document.objects.exists()


def test_oversize_upload_is_refused(staff: dict[str, User], access_request: RightsRequest, settings: object) -> None:
    settings.MAX_UPLOAD_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(ApplicationError, match="largest file accepted"):
        document_add_upload(
            by=staff["caseworker"], request=access_request, details=DETAILS, data=b"x" * 101, name="a.txt", today=TODAY
        )


def test_page_image_is_rendered_at_100_dpi() -> None:
    from io import BytesIO

    from PIL import Image

    png = page_png(pdf_from_html("<p>x</p>"), is_pdf=True, number=1)
    with Image.open(BytesIO(png)) as image:
        assert image.size == (827, 1170)  # A4 at 100 dpi
    with pytest.raises(ValueError):
        page_png(pdf_from_html("<p>x</p>"), is_pdf=True, number=2)


def test_mark_reviewed_records_who_and_when(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = document_add_text(by=staff["caseworker"], request=access_request, details=DETAILS, text="x", today=TODAY)
    doc = document_mark_reviewed(by=staff["reviewer"], document=doc)
    assert doc.is_reviewed and doc.reviewed_by == staff["reviewer"]
    assert doc.history.first().history_change_reason == "Marked reviewed"
    with pytest.raises(ApplicationError, match="already marked reviewed"):
        document_mark_reviewed(by=staff["reviewer"], document=doc)


def test_changing_what_the_requester_sees_undoes_review(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = document_add_text(by=staff["caseworker"], request=access_request, details=DETAILS, text="x", today=TODAY)
    doc = document_mark_reviewed(by=staff["caseworker"], document=doc)
    doc = document_update_details(
        by=staff["caseworker"], document=doc, details=DocumentDetails(title="Referral (police)"), today=TODAY
    )
    assert not doc.is_reviewed


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("harm_concern", "harm is a concern"),
        ("holds_health_data", "holds health data"),
        ("holds_social_work_data", "holds social work data"),
        ("holds_education_data", "holds education data"),
    ],
)
def test_changing_a_serious_harm_flag_needs_a_reason_undoes_review_and_is_in_the_history(
    staff: dict[str, User], access_request: RightsRequest, flag: str, words: str
) -> None:
    flagged = DocumentDetails(title="GP letter", document_date=dt.date(2026, 2, 1), **{flag: True})
    doc = document_add_text(by=staff["caseworker"], request=access_request, details=flagged, text="x", today=TODAY)
    doc = document_mark_reviewed(by=staff["reviewer"], document=doc)
    cleared = DocumentDetails(title="GP letter", document_date=dt.date(2026, 2, 1))
    with pytest.raises(ApplicationError, match="Say why") as caught:
        document_update_details(by=staff["caseworker"], document=doc, details=cleared, today=TODAY)
    assert caught.value.field == "reason"
    unchanged = Document.objects.get(pk=doc.pk)
    assert getattr(unchanged, flag) and unchanged.is_reviewed  # bad input changes nothing

    doc = document_update_details(
        by=staff["caseworker"], document=doc, details=cleared, reason="Ticked by mistake", today=TODAY
    )
    assert not getattr(doc, flag)
    assert not doc.is_reviewed and doc.reviewed_by is None
    latest = doc.history.first()
    assert latest.history_change_reason == f"Review undone: “{words}” cleared: Ticked by mistake"
    assert latest.history_user == staff["caseworker"]
    event = DisclosureEvent.objects.filter(document=doc, action="document_changed").latest("pk")
    assert event.detail == f"Details changed: “{words}” cleared: Ticked by mistake"
    assert event.by == staff["caseworker"]


def test_ticking_a_serious_harm_flag_on_an_unreviewed_document_needs_a_reason_too(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = document_add_text(by=staff["caseworker"], request=access_request, details=DETAILS, text="x", today=TODAY)
    ticked = DocumentDetails(title="Referral", document_date=dt.date(2026, 2, 1), harm_concern=True)
    with pytest.raises(ApplicationError, match="Say why"):
        document_update_details(by=staff["caseworker"], document=doc, details=ticked, today=TODAY)
    doc = document_update_details(
        by=staff["caseworker"], document=doc, details=ticked, reason="The GP says so", today=TODAY
    )
    assert doc.harm_concern
    assert doc.history.first().history_change_reason == "Details changed: “harm is a concern” ticked: The GP says so"


def test_withhold_and_release(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = document_add_text(by=staff["caseworker"], request=access_request, details=DETAILS, text="x", today=TODAY)
    doc = document_mark_reviewed(by=staff["caseworker"], document=doc)
    with pytest.raises(ApplicationError, match="why"):
        document_withhold(by=staff["caseworker"], document=doc, exemption="legal_privilege", reason=" ")
    doc = document_withhold(
        by=staff["caseworker"], document=doc, exemption="legal_privilege", reason="Advice to the council"
    )
    assert doc.is_withheld_in_full and not doc.is_reviewed
    doc = document_release(by=staff["caseworker"], document=doc, reason="Privilege waived")
    assert not doc.is_withheld_in_full
    with pytest.raises(ApplicationError, match="not withheld"):
        document_release(by=staff["caseworker"], document=doc, reason="again")


def test_a_long_reason_is_kept_whole_in_the_event_log_and_shortened_to_fit_the_history(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = document_add_text(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="GP letter", harm_concern=True),
        text="x",
        today=TODAY,
    )
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    reason = "The consultant wrote to say that, having read the whole file again, " * 5
    doc = document_update_details(
        by=staff["caseworker"], document=doc, details=DocumentDetails(title="GP letter"), reason=reason, today=TODAY
    )
    change = doc.history.first().history_change_reason
    assert len(change) <= 100 and change.startswith("Review undone: “harm is a concern” cleared: The consultant")
    event = DisclosureEvent.objects.filter(document=doc, action="document_changed").latest("pk")
    assert event.detail.endswith(reason.strip())
