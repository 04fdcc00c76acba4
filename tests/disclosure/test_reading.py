"""OCR at upload: a scan's words are read once, each with its box, and offered for redaction."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from PIL import Image, ImageDraw, ImageFont

from disclosure.models import (
    DisclosureEvent,
    DocumentReading,
    PageWord,
    ReadingStatus,
    RedactionKind,
    SourceKind,
    SuggestionSource,
    SuggestionStatus,
)
from disclosure.ocr import OCR_DPI, place_words, read_image, tesseract_available
from disclosure.services.documents import DocumentDetails, document_add_text, document_add_upload
from disclosure.services.reading import document_read
from disclosure.services.review import ThirdPartyDetails, third_party_add
from disclosure.services.suggestions import suggestion_accept
from requests_app.models import RightsRequest
from tests.disclosure.conftest import TODAY, pdf_from_html, scan_pdf_bytes

DETAILS = DocumentDetails(title="Strategy meeting notes", document_date=dt.date(2026, 2, 1))
LINES = ("Strategy meeting about the family", "Present Jonathan Pemberton and Alice", "Address LS1 4AP")

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(),
    reason="Tesseract is not installed here (apt-get install tesseract-ocr tesseract-ocr-eng)",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def scan_png(
    lines: tuple[str, ...] = LINES, *, dpi: int = 150
) -> tuple[bytes, list[tuple[str, tuple[int, int, int, int]]]]:
    """A one-page scan with known words drawn at known places: (the PNG, [(word, pixel box)])."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = _font(34)
    placed: list[tuple[str, tuple[int, int, int, int]]] = []
    for index, line in enumerate(lines):
        x, y = 120, 160 + index * 90
        for word in line.split():
            box = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, font=font, fill=0)
            placed.append((word, (box[0], box[1], box[2], box[3])))
            x = box[2] + 18
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue(), placed


@needs_tesseract
def test_ocr_reads_a_generated_scan_with_each_word_in_its_place() -> None:
    data, placed = scan_png()
    image = Image.open(io.BytesIO(data))
    words = read_image(image, dpi=150)
    read = [w.text for w in words]
    assert read == [word for word, _ in placed]
    for word, (_, (x0, top, x1, bottom)) in zip(words, placed, strict=True):
        scale = 72 / 150
        assert word.x0 == pytest.approx(x0 * scale, abs=3)
        assert word.x1 == pytest.approx(x1 * scale, abs=3)
        assert word.top == pytest.approx(top * scale, abs=4)
        assert word.bottom == pytest.approx(bottom * scale, abs=4)
    text, positioned = place_words([(1, words)])
    assert text.splitlines() == list(LINES)
    for item in positioned:
        assert text[item.start : item.end] == item.word.text


def _upload(
    staff: dict[str, User],
    request: RightsRequest,
    data: bytes,
    name: str,
    capture: Callable[..., Any],
) -> Any:
    with capture(execute=True):
        return document_add_upload(
            by=staff["caseworker"], request=request, details=DETAILS, data=data, name=name, today=TODAY
        )


@needs_tesseract
def test_a_scan_is_read_when_it_arrives_and_its_words_suggest_redactions(
    staff: dict[str, User], access_request: RightsRequest, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    third_party_add(
        by=staff["caseworker"],
        request=access_request,
        details=ThirdPartyDetails(
            name="Jon Pemberton", other_spellings="Jonathan Pemberton", consent_reason="Would put the child at risk"
        ),
    )
    data, placed = scan_png()
    document = _upload(staff, access_request, data, "scan.png", django_capture_on_commit_callbacks)
    assert document.source_kind == SourceKind.SCAN_IMAGE
    reading = DocumentReading.objects.get(document=document)
    assert reading.status == ReadingStatus.DONE
    assert reading.progress == 100
    assert reading.engine.startswith("tesseract ")
    assert "Jonathan Pemberton" in reading.text
    words = list(PageWord.objects.filter(document=document))
    assert [w.text for w in words] == [word for word, _ in placed]
    assert all(w.page == 1 and reading.text[w.start : w.end] == w.text for w in words)
    assert DisclosureEvent.objects.filter(document=document, action="document_read").exists()

    by_source = {s.source: s for s in document.suggestions.all()}
    assert set(by_source) == {SuggestionSource.THIRD_PARTY, SuggestionSource.POSTCODE}
    name = by_source[SuggestionSource.THIRD_PARTY]
    assert name.text == "Jonathan Pemberton"
    assert name.status == SuggestionStatus.PENDING
    assert not document.redactions.exists()  # nothing redacted without a person's decision
    (box,) = name.boxes
    jonathan = next(w for w in words if w.text == "Jonathan")
    pemberton = next(w for w in words if w.text == "Pemberton")
    assert box["x0"] <= jonathan.x0 and box["x1"] >= pemberton.x1 and box["top"] <= jonathan.top

    accepted = suggestion_accept(by=staff["reviewer"], suggestion=name, exemption="third_party", reason="Not consented")
    assert accepted.status == SuggestionStatus.ACCEPTED and accepted.decided_by == staff["reviewer"]
    (redaction,) = accepted.redactions.all()
    assert redaction.kind == RedactionKind.RECTANGLE
    assert redaction.text == "Jonathan Pemberton"  # recorded, so the pack is searched for it
    assert redaction.exemption == "third_party"
    (drawn,) = redaction.boxes.all()
    assert (drawn.x0, drawn.top, drawn.x1, drawn.bottom) == (box["x0"], box["top"], box["x1"], box["bottom"])


@needs_tesseract
def test_a_scanned_pdf_is_read_page_by_page(
    staff: dict[str, User], access_request: RightsRequest, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    png, _ = scan_png(("Second page words",), dpi=150)
    first = Image.new("RGB", (1240, 1754), "white")
    second = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    first.save(out, format="PDF", save_all=True, append_images=[second], resolution=150.0)
    document = _upload(staff, access_request, out.getvalue(), "scan.pdf", django_capture_on_commit_callbacks)
    assert document.source_kind == SourceKind.SCAN_PDF
    reading = DocumentReading.objects.get(document=document)
    assert reading.pages == [1, 2]
    assert [(w.page, w.text) for w in PageWord.objects.filter(document=document)] == [
        (2, "Second"),
        (2, "page"),
        (2, "words"),
    ]
    assert document_read(document_id=document.pk) == reading  # read once: a second run changes nothing
    assert PageWord.objects.filter(document=document).count() == 3
    assert OCR_DPI >= 200


def test_documents_with_text_are_not_queued_for_ocr(
    staff: dict[str, User], access_request: RightsRequest, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks() as sent:
        document = document_add_text(by=staff["caseworker"], request=access_request, details=DETAILS, text="Notes.")
        pdf = document_add_upload(
            by=staff["caseworker"],
            request=access_request,
            details=DETAILS,
            data=pdf_from_html("<p>Typed</p>"),
            name="t.pdf",
            today=TODAY,
        )
    assert not sent
    assert not DocumentReading.objects.filter(document__in=[document, pdf]).exists()


def test_a_reading_without_tesseract_fails_with_a_clear_message(
    staff: dict[str, User],
    access_request: RightsRequest,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import disclosure.ocr

    monkeypatch.setattr(disclosure.ocr.shutil, "which", lambda name: None)
    disclosure.ocr.engine_name.cache_clear()
    try:
        document = _upload(staff, access_request, scan_pdf_bytes(1), "s.pdf", django_capture_on_commit_callbacks)
    finally:
        disclosure.ocr.engine_name.cache_clear()
    reading = DocumentReading.objects.get(document=document)
    assert reading.status == ReadingStatus.FAILED
    assert "Tesseract is not installed" in reading.message
    assert DisclosureEvent.objects.filter(document=document, action="document_read_failed").exists()


@pytest.mark.parametrize(
    ("page", "dpi"),
    [
        (None, OCR_DPI),
        ({"width": 595.3, "height": 841.9}, OCR_DPI),  # A4: 3508 px long at 300 dpi
        ({"width": 4000 * 72 / 72, "height": 3000.0}, 75),  # a 4000 px photo that says 72 dpi
        ({"width": 100000.0, "height": 100.0}, 50),  # never below 50 dpi
    ],
)
def test_a_huge_page_is_read_at_a_resolution_that_bounds_its_memory(page: dict[str, float] | None, dpi: int) -> None:
    from disclosure.ocr import MAX_OCR_SIDE_PX
    from disclosure.services.reading import ocr_dpi

    assert ocr_dpi(page) == dpi
    if page and dpi > 50:
        assert max(page.values()) * ocr_dpi(page) / 72 <= MAX_OCR_SIDE_PX
