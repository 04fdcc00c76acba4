"""Redaction: spans, every occurrence of a phrase (any case, across line breaks), rectangles; review undone by changes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from disclosure.models import DisclosureEvent, Document, Redaction, RedactionBox, RedactionKind
from disclosure.services.documents import (
    DocumentDetails,
    document_add_text,
    document_add_upload,
    document_mark_reviewed,
)
from disclosure.services.redaction import (
    find_phrase,
    redact_phrase,
    redaction_add_rectangle,
    redaction_add_span,
    redaction_remove,
)
from requests_app.models import RightsRequest
from rights import ApplicationError
from tests.disclosure.conftest import TODAY, pdf_from_html, png_bytes, scan_pdf_bytes

pytestmark = pytest.mark.django_db

TEXT = "Jane Doe rang the school.\nLater JANE\n   doe came back; jane doe's friend Janet stayed."


@pytest.fixture
def text_doc(staff: dict[str, User], access_request: RightsRequest) -> Document:
    return document_add_text(
        by=staff["caseworker"], request=access_request, details=DocumentDetails(title="Notes"), text=TEXT, today=TODAY
    )


@pytest.fixture
def pdf_doc(staff: dict[str, User], access_request: RightsRequest) -> Document:
    html = (
        "<p>Referral about Jane Doe from Hillside Primary.</p>"
        "<p>Staff were worried that jane doe had been seen with Mr Smith, and that Jane<br>Doe "
        "was frightened.</p>"
        "<p style='page-break-before:always'>On page two JANE DOE is named again.</p>"
    )
    return document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="Referral"),
        data=pdf_from_html(html),
        name="referral.pdf",
        today=TODAY,
    )


def test_find_phrase_folds_case_and_whitespace_across_lines() -> None:
    spans = find_phrase(TEXT, "jane   doe")
    assert [TEXT[s:e] for s, e in spans] == ["Jane Doe", "JANE\n   doe", "jane doe"]


def test_find_phrase_treats_curly_and_straight_apostrophes_alike() -> None:
    assert find_phrase("Jane Doe\u2019s file and Jane Doe's note", "jane doe's") == [(0, 10), (20, 30)]


def test_find_phrase_matches_inside_longer_words_like_the_pack_verifier() -> None:
    assert find_phrase("Janet", "jane") == [(0, 4)]


def test_redact_phrase_marks_every_occurrence_at_once(staff: dict[str, User], text_doc: Document) -> None:
    created = redact_phrase(by=staff["reviewer"], document=text_doc, phrase="Jane Doe", exemption="third_party")
    assert len(created) == 3
    assert sorted(r.text for r in created) == sorted(["Jane Doe", "JANE\n   doe", "jane doe"])
    assert all(r.kind == RedactionKind.SPAN and r.phrase == "Jane Doe" for r in created)
    assert all(r.exemption_code == "S2 P3 para16" for r in created)
    assert not RedactionBox.objects.exists()  # plain text has no pages
    assert DisclosureEvent.objects.get(action="phrase_redacted").detail.startswith("3 occurrences")


def test_redact_phrase_twice_refuses_and_adds_nothing(staff: dict[str, User], text_doc: Document) -> None:
    redact_phrase(by=staff["reviewer"], document=text_doc, phrase="Jane Doe", exemption="third_party")
    with pytest.raises(ApplicationError, match="already redacted"):
        redact_phrase(by=staff["reviewer"], document=text_doc, phrase="jane doe", exemption="third_party")
    assert Redaction.objects.count() == 3


def test_phrase_not_found_is_refused(staff: dict[str, User], text_doc: Document) -> None:
    with pytest.raises(ApplicationError, match="does not appear"):
        redact_phrase(by=staff["reviewer"], document=text_doc, phrase="John Smith", exemption="third_party")
    with pytest.raises(ApplicationError, match="Enter the word"):
        redact_phrase(by=staff["reviewer"], document=text_doc, phrase="   ", exemption="third_party")


def test_every_redaction_needs_a_known_exemption(staff: dict[str, User], text_doc: Document) -> None:
    with pytest.raises(ApplicationError, match="exemption"):
        redact_phrase(by=staff["reviewer"], document=text_doc, phrase="Jane", exemption="")
    with pytest.raises(ApplicationError, match="exemption"):
        redaction_add_span(by=staff["reviewer"], document=text_doc, start=0, end=4, exemption="because")


def test_span_redaction(staff: dict[str, User], text_doc: Document) -> None:
    redaction = redaction_add_span(
        by=staff["caseworker"], document=text_doc, start=18, end=24, exemption="crime", reason="ongoing inquiry"
    )
    assert redaction.text == "school"
    assert (redaction.start, redaction.end) == (18, 24)
    assert redaction.history.count() == 1


@pytest.mark.parametrize(("start", "end"), [(5, 5), (10, 4), (0, 10_000)])
def test_span_must_lie_inside_the_text(staff: dict[str, User], text_doc: Document, start: int, end: int) -> None:
    with pytest.raises(ApplicationError, match="start before the end"):
        redaction_add_span(by=staff["caseworker"], document=text_doc, start=start, end=end, exemption="crime")


def test_span_of_only_spaces_is_refused(staff: dict[str, User], text_doc: Document) -> None:
    start = TEXT.index("   ")
    with pytest.raises(ApplicationError, match="only spaces"):
        redaction_add_span(by=staff["caseworker"], document=text_doc, start=start, end=start + 3, exemption="crime")


def test_phrase_in_a_pdf_gets_boxes_over_its_words_on_every_page(staff: dict[str, User], pdf_doc: Document) -> None:
    created = redact_phrase(by=staff["reviewer"], document=pdf_doc, phrase="jane doe", exemption="third_party")
    assert len(created) == 4
    pages = sorted({box.page for r in created for box in r.boxes.all()})
    assert pages == [1, 2]
    for redaction in created:
        boxes = list(redaction.boxes.all())
        assert boxes, "every occurrence is boxed on its page"
        words = [
            w
            for page in pdf_doc.pages
            for w in page["words"]
            if w["start"] < redaction.end and w["end"] > redaction.start  # type: ignore[operator]
        ]
        for word in words:  # each word of the occurrence lies inside one of its boxes
            assert any(
                b.x0 <= word["x0"] and b.x1 >= word["x1"] and b.top <= word["top"] and b.bottom >= word["bottom"]
                for b in boxes
            )


def test_phrase_split_across_a_line_break_in_a_pdf_gets_a_box_per_line(
    staff: dict[str, User], pdf_doc: Document
) -> None:
    text = pdf_doc.text
    spans = find_phrase(text, "Jane Doe")
    split = [(s, e) for s, e in spans if "\n" in text[s:e]]
    assert split, f"a line break falls inside one 'Jane Doe': {text!r}"
    redact_phrase(by=staff["reviewer"], document=pdf_doc, phrase="Jane Doe", exemption="third_party")
    redaction = Redaction.objects.get(document=pdf_doc, start=split[0][0])
    boxes = list(redaction.boxes.all())
    assert len(boxes) == 2
    assert boxes[0].top != boxes[1].top


def test_rectangle_on_a_text_pdf_records_the_words_it_covers_and_boxes_them_whole(
    staff: dict[str, User], pdf_doc: Document
) -> None:
    smith = next(w for w in pdf_doc.pages[0]["words"] if w["text"] == "Smith,")
    # A box over the left half of the word only: the whole word is still redacted.
    middle = (smith["x0"] + smith["x1"]) / 2
    redaction = redaction_add_rectangle(
        by=staff["reviewer"],
        document=pdf_doc,
        page=1,
        x0=smith["x0"] - 2,
        top=smith["top"],
        x1=middle,
        bottom=smith["bottom"],
        exemption="third_party",
    )
    assert redaction.kind == RedactionKind.RECTANGLE
    assert "Smith," in redaction.text
    boxes = list(redaction.boxes.order_by("pk"))
    assert boxes[0].x1 == pytest.approx(middle)  # the box drawn
    assert any(b.x1 >= smith["x1"] for b in boxes)  # and the whole word


def test_rectangle_on_a_scan(staff: dict[str, User], access_request: RightsRequest) -> None:
    scan = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="Scan"),
        data=scan_pdf_bytes(2),
        name="scan.pdf",
        today=TODAY,
    )
    redaction = redaction_add_rectangle(
        by=staff["reviewer"], document=scan, page=2, x0=10, top=20, x1=200, bottom=60, exemption="third_party"
    )
    box = redaction.boxes.get()
    assert (box.page, box.x0, box.top, box.x1, box.bottom) == (2, 10, 20, 200, 60)
    assert redaction.text == ""
    with pytest.raises(ApplicationError, match="there is no page 3"):
        redaction_add_rectangle(
            by=staff["reviewer"], document=scan, page=3, x0=1, top=1, x1=5, bottom=5, exemption="third_party"
        )
    with pytest.raises(ApplicationError, match="must lie on the page"):
        redaction_add_rectangle(
            by=staff["reviewer"], document=scan, page=1, x0=10, top=10, x1=5000, bottom=50, exemption="third_party"
        )
    with pytest.raises(ApplicationError, match="scan with no text"):
        redact_phrase(by=staff["reviewer"], document=scan, phrase="x", exemption="third_party")


def test_rectangle_on_an_image(staff: dict[str, User], access_request: RightsRequest) -> None:
    image = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="Photo"),
        data=png_bytes((300, 200), dpi=150),
        name="p.png",
        today=TODAY,
    )
    redaction_add_rectangle(
        by=staff["reviewer"], document=image, page=1, x0=0, top=0, x1=144, bottom=96, exemption="crime"
    )
    assert RedactionBox.objects.filter(redaction__document=image).count() == 1


def test_rectangles_are_for_pages_not_text(staff: dict[str, User], text_doc: Document) -> None:
    with pytest.raises(ApplicationError, match="is text, not pages"):
        redaction_add_rectangle(
            by=staff["reviewer"], document=text_doc, page=1, x0=0, top=0, x1=10, bottom=10, exemption="crime"
        )


def test_any_redaction_change_undoes_review(staff: dict[str, User], text_doc: Document) -> None:
    reviewed = document_mark_reviewed(by=staff["reviewer"], document=text_doc)
    assert reviewed.is_reviewed
    redaction = redaction_add_span(by=staff["reviewer"], document=text_doc, start=0, end=4, exemption="third_party")
    text_doc.refresh_from_db()
    assert not text_doc.is_reviewed
    assert text_doc.history.first().history_change_reason == "Review undone: redaction added"

    document_mark_reviewed(by=staff["reviewer"], document=text_doc)
    redaction_remove(by=staff["reviewer"], redaction=redaction, reason="It is the subject's own name")
    text_doc.refresh_from_db()
    assert not text_doc.is_reviewed
    assert not Redaction.objects.exists()
    assert redaction.history.filter(history_type="-").exists()  # the deletion is on the record

    document_mark_reviewed(by=staff["reviewer"], document=text_doc)
    redact_phrase(by=staff["reviewer"], document=text_doc, phrase="Janet", exemption="third_party")
    text_doc.refresh_from_db()
    assert not text_doc.is_reviewed


def test_removing_a_redaction_needs_a_reason(staff: dict[str, User], text_doc: Document) -> None:
    redaction = redaction_add_span(by=staff["reviewer"], document=text_doc, start=0, end=4, exemption="third_party")
    with pytest.raises(ApplicationError, match="why"):
        redaction_remove(by=staff["reviewer"], redaction=redaction, reason=" ")
    assert Redaction.objects.filter(pk=redaction.pk).exists()


def test_anyone_without_a_role_cannot_redact(text_doc: Document) -> None:
    from tests.factories import UserFactory

    nobody = UserFactory(username="nobody")
    with pytest.raises(ApplicationError, match="Only a"):
        redaction_add_span(by=nobody, document=text_doc, start=0, end=4, exemption="third_party")


# Pages turned 90, 180 or 270 degrees (a /Rotate on the page, as scanners and "rotate page" write them)


def _rotated(pdf: bytes, degrees: int) -> bytes:
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        page.rotate(degrees)
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("degrees", [0, 90, 180, 270])
def test_every_occurrence_is_found_and_boxed_where_the_pack_finds_it_on_a_turned_page(
    staff: dict[str, User], access_request: RightsRequest, degrees: int
) -> None:
    import datetime as dt

    import pypdfium2 as pdfium

    from disclosure.pack import raster
    from disclosure.pack.build import build_inputs
    from disclosure.pack.inputs import PagedContent
    from disclosure.selectors import redaction_counts_for_requester

    pdf = _rotated(
        pdf_from_html(
            "<p>Referral about Alex. The caller Jane Doe rang the duty desk.</p>"
            "<p>Later that week Jane Doe wrote again, and the school nurse saw Alex.</p>"
        ),
        degrees,
    )
    doc = document_add_upload(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="Turned referral"),
        data=pdf,
        name="turned.pdf",
        today=TODAY,
    )
    assert doc.has_text_layer
    assert "The caller Jane Doe rang the duty desk." in doc.text  # read as written, not as it sits on the page
    page = doc.page(1)
    assert page is not None
    portrait = (595.28, 841.89)
    assert (page["width"], page["height"]) == pytest.approx(
        portrait if degrees in (0, 180) else portrait[::-1], abs=0.5
    )
    created = redact_phrase(by=staff["caseworker"], document=doc, phrase="jane doe", exemption="third_party")
    assert len(created) == 2
    assert redaction_counts_for_requester(Document.objects.get(pk=doc.pk)) == {"third_party": 2}  # the schedule

    # The pack's rasteriser, reading the same page with its own text search, boxes the same two places.
    inputs = build_inputs(access_request, preview=True, letter_date=dt.date(2026, 3, 16))
    (content,) = [d.content for d in inputs.documents if d.title == "Turned referral"]
    assert isinstance(content, PagedContent)
    source = pdfium.PdfDocument(pdf)
    try:
        pdf_page = source[0]
        image = raster.draw_pdf_page(pdf_page, scale=raster.SCALE)
        # One find per redacted string: the same occurrence is found once for each, so count places.
        found = list(
            {(f.x0, f.y0, f.x1, f.y1): f for f in raster._found_boxes(pdf_page, content.finds, image.size)}.values()
        )
        pdf_page.close()
    finally:
        source.close()
    size_pt = raster._page_size(content, 0, (image.width / raster.SCALE, image.height / raster.SCALE))
    given = raster._given_boxes(content.boxes, 0, image.size, size_pt)
    assert len(found) == 2 and len(given) >= 2
    for box in given:  # every box review drew sits over an occurrence the pack found, and the other way round
        assert any(min(box.x1, f.x1) > max(box.x0, f.x0) and min(box.y1, f.y1) > max(box.y0, f.y0) for f in found)
    for f in found:
        assert any(min(box.x1, f.x1) > max(box.x0, f.x0) and min(box.y1, f.y1) > max(box.y0, f.y0) for box in given)
    [rendered] = raster.rasterise(content, [0], prefix="d1")
    assert rendered.boxes_found == len(content.finds) * 2
