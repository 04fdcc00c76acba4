"""The pack renderer on plain inputs (no database): redaction by construction, injection printed as text,
the preview watermark, "Page X of Y" across chunks, tagging, clean metadata, and the same bytes every time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
import zlib
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from disclosure.pack import chunks, numbering, painted, raster, render
from disclosure.pack.inputs import (
    Addressee,
    BoxRedaction,
    FindRedaction,
    HeldInformation,
    LawfulBasis,
    Organisation,
    PackDocument,
    PackInputs,
    PagedContent,
    Purpose,
    Secret,
    SpanRedaction,
    TextContent,
    WithheldDocument,
)
from disclosure.pack.redact import Segment, SpanError, merge_spans, paragraphs, redacted_segments
from disclosure.pack.verify import WATERMARK, fold, verify_pdf

SECRETS = ("Jane Doe", "12 Acacia Avenue", "Bob Smith-Jones", "Carol Quill")
INJECTION = '<img src="file:///etc/passwd">'
CODE = "S2 P3 para16"


def _org() -> Organisation:
    return Organisation(
        "Test Partnership", "Data Manager", ("1 Road", "Town", "AB1 2CD"), "0100 000 0000", "x@example.org"
    )


def source_pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(
        string="<p style='font-size:12pt'>Visit notes. Information from Bob Smith-Jones about the family.</p>"
        "<p style='font-size:12pt; break-before: page'>Later bob smith-jones rang again.</p>"
    ).write_pdf()


def scan_png() -> bytes:
    image = Image.new("RGB", (900, 600), "white")
    ImageDraw.Draw(image).text((60, 80), "Note by Carol Quill", font=ImageFont.load_default(size=30), fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def text_document(number: int = 1, *, title: str = "Referral", repeat: int = 1) -> PackDocument:
    text = (
        "Referral received.\n\nThe caller, Jane Doe, of 12 Acacia Avenue, reported concerns.\n"
        "She asked not to be named.\n\n" + ("Ordinary words about the child and the visit. " * 30 + "\n\n") * repeat
    )
    spans = tuple(
        SpanRedaction(start, start + len(secret), CODE)
        for secret in ("Jane Doe", "12 Acacia Avenue")
        for start in [text.index(secret)]
    )
    return PackDocument(number, title, "Police", dt.date(2026, 2, 1), TextContent(text, spans), ((CODE, 2),))


def pdf_document(number: int = 2, data: bytes | None = None) -> PackDocument:
    data = data or source_pdf()
    content = PagedContent(
        data, "pdf", 2, hashlib.sha256(data).hexdigest(), finds=(FindRedaction("Bob Smith-Jones", CODE),)
    )
    return PackDocument(number, "Health visitor notes", "Health", dt.date(2026, 2, 10), content, ((CODE, 2),))


def image_document(number: int = 3) -> PackDocument:
    data = scan_png()
    # The words are drawn at about (60, 80)-(330, 115) px; at 150 dpi a pixel is 0.48 pt.
    box = BoxRedaction(1, 25, 30, 170, 60, CODE)
    content = PagedContent(data, "image", 1, hashlib.sha256(data).hexdigest(), boxes=(box,))
    return PackDocument(number, "Photo of a note", "Health", None, content, ((CODE, 1),))


HELD = HeldInformation(
    about_subject=True,
    purposes=(Purpose("Child Safeguarding Practice Review", "Where a child has died or been seriously harmed."),),
    lawful_bases=(
        LawfulBasis("Public task", "UK GDPR Article 6(1)(e).", ("Child Safeguarding Practice Review",)),
        LawfulBasis("Children and Social Work Act 2017", "Partners' duties.", ("Child Safeguarding Practice Review",)),
    ),
    categories=("Name", "Police records"),
    recipients=("Greater Manchester Police", "Hillside School"),
    retention="Agency data is destroyed 30 days after its review or audit concludes.",
    sources=("Greater Manchester Police (Police)",),
    supplied=("Performance data",),
)


def make_inputs(*documents: PackDocument, preview: bool = False, **extra: object) -> PackInputs:
    values: dict[str, object] = {
        "reference": "RR-2026-0042",
        "letter_date": dt.date(2026, 4, 1),
        "received": dt.date(2026, 3, 2),
        "organisation": _org(),
        "addressee": Addressee("Sam Example", ("1 High Street", "Stockport", "SK1 1AA")),
        "subject_name": "Alex Example",
        "on_behalf": True,
        "documents": documents or (text_document(repeat=8), pdf_document(), image_document()),
        "held": HELD,
        "withheld": (WithheldDocument("Legal advice", "Council", dt.date(2026, 1, 5), "S2 P4 para19"),),
        "secrets": tuple(Secret(f"secret {n}", s) for n, s in enumerate(SECRETS)),
        "preview": preview,
        "staff_names": ("Casey Worker",),
    }
    values.update(extra)
    return PackInputs(**values)  # type: ignore[arg-type]


def render_bytes(inputs: PackInputs, tmp_path: Path, *, chunk_pages: int = chunks.CHUNK_PAGES) -> bytes:
    out = tmp_path / f"pack-{len(list(tmp_path.iterdir()))}.pdf"
    render.render_all(inputs, out, chunk_pages=chunk_pages)
    return out.read_bytes()


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def every_text(data: bytes) -> str:
    """pypdf and pdfplumber text, and every decompressed stream and string object, as one folded string."""
    parts = page_texts(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        parts += [page.extract_text() or "" for page in pdf.pages]
    reader = pypdf.PdfReader(io.BytesIO(data))
    parts.append(repr(dict(reader.metadata or {})))
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: S112 - free object numbers have nothing behind them
            continue
        if isinstance(obj, pypdf.generic.StreamObject):
            if obj.get("/Subtype") != "/Image":  # pixels are not text
                parts.append(obj.get_data().decode("latin-1"))
        elif obj is not None:
            parts.append(str(obj))
    parts.append(data.decode("latin-1"))
    return fold("\n".join(parts))


@pytest.fixture(scope="module")
def pack_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One pack of every kind of source, rendered in chunks of two pages (so there are several)."""
    return render_bytes(make_inputs(), tmp_path_factory.mktemp("pack"), chunk_pages=2)


# Text: redaction by construction ---------------------------------------------------------------------


def test_spans_are_replaced_by_their_code_and_the_text_is_gone() -> None:
    text = "Jane Doe rang. Jane Doe came."
    segments = redacted_segments(text, [SpanRedaction(0, 8, CODE), SpanRedaction(15, 23, "S3 P2 para5")])
    assert segments == [
        Segment(code=CODE),
        Segment(text=" rang. "),
        Segment(code="S3 P2 para5"),
        Segment(text=" came."),
    ]
    assert "Jane" not in "".join(s.text for s in segments)


def test_overlapping_spans_merge_and_keep_both_codes() -> None:
    merged = merge_spans(30, [SpanRedaction(0, 10, CODE), SpanRedaction(5, 20, "S3 P2 para5")])
    assert merged == [SpanRedaction(0, 20, f"{CODE} / S3 P2 para5")]


def test_a_neither_confirm_nor_deny_span_leaves_no_box_and_no_code() -> None:
    segments = redacted_segments("Before SECRET after", [SpanRedaction(7, 13, CODE, silent=True)])
    assert segments == [Segment(text="Before "), Segment(text=" after")]


def test_a_span_outside_the_text_is_refused() -> None:
    with pytest.raises(SpanError):
        merge_spans(5, [SpanRedaction(3, 9, CODE)])


def test_paragraphs_split_at_blank_lines_and_keep_boxes() -> None:
    result = paragraphs(redacted_segments("One Jane.\n\nTwo\nlines.", [SpanRedaction(4, 8, CODE)]))
    assert result == [(Segment(text="One "), Segment(code=CODE), Segment(text=".")), (Segment(text="Two\nlines."),)]


def test_no_redacted_string_anywhere_in_the_pack(pack_bytes: bytes) -> None:
    everything = every_text(pack_bytes)
    for secret in SECRETS:
        assert fold(secret) not in everything
        assert fold(secret).replace(" ", "") not in everything.replace(" ", "")
    assert fold(CODE) in everything  # each box is labelled


def test_the_renderers_own_verification_passes(pack_bytes: bytes) -> None:
    inputs = make_inputs()
    boxes = painted.painted_boxes(inputs)
    assert len(boxes) == 1  # the photo's box
    report = verify_pdf(
        pack_bytes,
        secrets=inputs.secrets,
        reference=inputs.reference,
        preview=False,
        staff_names=["Casey Worker"],
        boxes=boxes,
    )
    assert report["ok"], report["hits"]
    assert report["page_count"] == len(page_texts(pack_bytes))
    check = next(c for c in report["checks"] if c["name"] == painted.CHECK_NAME)
    assert check["ok"] and check["detail"].endswith("1 of 1 boxes")


def _boxed_scan_inputs(*, silent: bool = False, rotate: int = 0, extra: tuple[BoxRedaction, ...] = ()) -> PackInputs:
    """A two-page scanned PDF with one box on each page (the second page turned if ``rotate``)."""
    pages = []
    for number in (1, 2):
        image = Image.new("L", (1240, 1754), 250)
        ImageDraw.Draw(image).text((120, 200), f"Page {number}: a neighbour's name", fill=0)
        pages.append(image)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=150.0, save_all=True, append_images=pages[1:])
    data = out.getvalue()
    if rotate:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pdf.pages[1].Rotate = rotate
            turned = io.BytesIO()
            pdf.save(turned)
            data = turned.getvalue()
    boxes = tuple(BoxRedaction(n, 50, 90, 300, 110, CODE, silent=silent) for n in (1, 2)) + extra
    content = PagedContent(data, "pdf", 2, hashlib.sha256(data).hexdigest(), boxes=boxes)
    return make_inputs(PackDocument(1, "Scanned letter", "Police", None, content, ((CODE, 2),)))


@pytest.mark.parametrize(
    ("silent", "rotate", "extra", "measured"),
    [
        (False, 0, (), 2),
        (False, 90, (), 2),  # page 2 turned a quarter: review's frame turns with it
        (True, 0, (), 0),  # white paint cannot be told from paper: not measured
        (False, 0, (BoxRedaction(1, 40, 85, 250, 130, CODE, silent=True),), 2),  # labelled paint goes over white
    ],
    ids=["labelled", "turned page", "silent", "overlapped by a silent box"],
)
def test_every_box_review_drew_is_found_painted_on_its_page_image(
    tmp_path: Path, silent: bool, rotate: int, extra: tuple[BoxRedaction, ...], measured: int
) -> None:
    inputs = _boxed_scan_inputs(silent=silent, rotate=rotate, extra=extra)
    data = render_bytes(inputs, tmp_path)
    boxes = painted.painted_boxes(inputs)
    report = verify_pdf(data, secrets=inputs.secrets, reference=inputs.reference, preview=False, boxes=boxes)
    assert report["ok"], report["hits"]
    check = next(c for c in report["checks"] if c["name"] == painted.CHECK_NAME)
    assert check["detail"].endswith(f"{measured} of {measured} boxes")


def test_a_box_painted_in_the_wrong_place_fails_the_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _boxed_scan_inputs()
    original = raster._given_boxes

    def shifted(boxes, index, size_px, size_pt):  # type: ignore[no-untyped-def]
        if index == 1:  # page 2's box lands a hand's width lower than review drew it
            boxes = tuple(dataclasses.replace(b, top=b.top + 200, bottom=b.bottom + 200) for b in boxes)
        return original(boxes, index, size_px, size_pt)

    monkeypatch.setattr(raster, "_given_boxes", shifted)
    data = render_bytes(inputs, tmp_path)
    report = verify_pdf(
        data, secrets=inputs.secrets, reference=inputs.reference, preview=False, boxes=painted.painted_boxes(inputs)
    )
    assert not report["ok"]
    check = next(c for c in report["checks"] if c["name"] == painted.CHECK_NAME)
    assert [hit["label"] for hit in check["hits"]] == ["box at (50, 90) on page 2 of document 1"]
    assert "painted black" in check["hits"][0]["problem"]


def test_a_box_whose_page_image_is_missing_is_reported_by_the_combined_report(tmp_path: Path) -> None:
    inputs = _boxed_scan_inputs()
    data = render_bytes(inputs, tmp_path)
    boxes = painted.painted_boxes(inputs)
    ghost = dataclasses.replace(boxes[0], document=9)  # a document the pack does not have
    report = verify_pdf(data, secrets=inputs.secrets, reference=inputs.reference, preview=False, boxes=[*boxes, ghost])
    check = next(c for c in report["checks"] if c["name"] == painted.CHECK_NAME)
    assert not report["ok"] and check["hits"] == [
        {"label": "box at (50, 90) on page 1 of document 9", "problem": "its page image was not found"}
    ]


# Scans and PDFs: boxes painted into pixels, no text layer --------------------------------------------


def _char_box_px(data: bytes, word: str, offset: int) -> tuple[int, int, int, int]:
    """Where a letter of a word sits on page 1, in pixels at the rasteriser's resolution."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        textpage = document[0].get_textpage()
        start = textpage.get_text_range().index(word)
        left, bottom, right, top = textpage.get_charbox(start + offset)
        height = document[0].get_height()
    finally:
        document.close()
    scale = raster.SCALE
    return int(left * scale), int((height - top) * scale), int(right * scale) + 1, int((height - bottom) * scale) + 1


def test_pdf_pages_become_images_with_the_found_words_painted_over() -> None:
    data = source_pdf()
    plain = PagedContent(data, "pdf", 2, "x")
    labelled = PagedContent(data, "pdf", 2, "x", finds=(FindRedaction("Bob Smith-Jones", CODE),))
    silent = PagedContent(data, "pdf", 2, "x", finds=(FindRedaction("Bob Smith-Jones", CODE, silent=True),))
    (before,) = raster.rasterise(plain, [0], prefix="d1")
    (boxed,) = raster.rasterise(labelled, [0], prefix="d1")
    (erased,) = raster.rasterise(silent, [0], prefix="d1")
    assert (boxed.boxes_found, erased.boxes_found) == (1, 1)
    letter = _char_box_px(data, "Bob", 4)  # the S of Smith
    ink = Image.open(io.BytesIO(before.data)).convert("L").crop(letter).tobytes()
    assert min(ink) < 100  # the letter was there
    assert min(Image.open(io.BytesIO(erased.data)).convert("L").crop(letter).tobytes()) > 240  # and is gone
    word = _char_box_px(data, "Bob", 0)[:2] + _char_box_px(data, "Bob", 14)[2:]
    region = Image.open(io.BytesIO(boxed.data)).convert("L").crop(word).tobytes()
    assert sum(1 for p in region if p < 60) / len(region) > 0.6  # a black box, with its white label


def test_a_pdf_page_in_the_pack_has_no_text_layer_of_its_own(pack_bytes: bytes) -> None:
    texts = page_texts(pack_bytes)
    notes_pages = [t for t in texts if "Document 2, page" in t]
    assert len(notes_pages) == 2
    for text in notes_pages:
        assert "Visit notes" not in text and "rang again" not in text  # only our caption and furniture


def test_image_boxes_are_drawn_where_review_put_them() -> None:
    content = PagedContent(scan_png(), "image", 1, "x", boxes=(BoxRedaction(1, 25, 30, 170, 60, CODE),))
    (page,) = raster.rasterise(content, [0], prefix="d3")
    image = Image.open(io.BytesIO(page.data)).convert("L")
    # 25-170 pt by 30-60 pt at 150 dpi is about (52, 62)-(354, 125) px: the drawn words are inside it.
    region = image.crop((70, 70, 330, 120)).tobytes()
    assert sum(1 for p in region if p < 60) / len(region) > 0.6  # a black box (with its white label)
    assert max(image.crop((70, 70, 330, 74)).tobytes()) < 60  # above the label: all black
    assert page.boxes_drawn == 1


def test_a_silent_box_is_painted_white_with_no_label() -> None:
    content = PagedContent(scan_png(), "image", 1, "x", boxes=(BoxRedaction(1, 25, 30, 170, 60, CODE, silent=True),))
    (page,) = raster.rasterise(content, [0], prefix="d3")
    image = Image.open(io.BytesIO(page.data)).convert("L")
    assert min(image.crop((70, 70, 330, 120)).tobytes()) > 240


def _annotated_pdf() -> bytes:
    """A page of text with a black Square annotation over it: a "redaction" drawn by hand in a PDF viewer."""
    data = source_pdf()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        square = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Square,
            Rect=[0, 0, 595, 842],
            C=[0, 0, 0],
            IC=[0, 0, 0],
            F=4,
        )
        page.obj["/Annots"] = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(square)]))
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def test_the_reviewer_sees_the_same_pixels_the_pack_prints_even_under_an_annotation() -> None:
    """A box drawn as an annotation must not hide from the reviewer the text the pack would show."""
    from disclosure.extract import page_image

    data = _annotated_pdf()
    review = page_image(data, is_pdf=True, number=1, dpi=raster.DPI).convert("L")
    (page,) = raster.rasterise(PagedContent(data, "pdf", 2, "x"), [0], prefix="d2")
    printed = Image.open(io.BytesIO(page.data)).convert("L")
    assert review.size == printed.size
    assert min(review.tobytes()) < 60 and max(review.tobytes()) > 240  # text on white, not one black sheet
    difference = sum(abs(a - b) for a, b in zip(review.tobytes(), printed.tobytes(), strict=True))
    assert difference / len(review.tobytes()) < 1  # the same drawing, to within rounding


def test_a_scans_comment_and_metadata_never_reach_the_pack() -> None:
    image = Image.open(io.BytesIO(scan_png())).convert("RGB")
    comment = b"Scanned by Officer Quill at /home/quill/scans"
    out = io.BytesIO()
    image.save(out, format="JPEG", comment=comment)
    jpeg = out.getvalue()
    assert comment in jpeg
    png = io.BytesIO()
    image.save(png, format="PNG", pnginfo=_png_text(comment.decode()))
    for data in (jpeg, png.getvalue()):
        (page,) = raster.rasterise(PagedContent(data, "image", 1, "x"), [0], prefix="d3")
        assert b"Quill" not in page.data and b"/home/" not in page.data
        assert b"Quill" not in page.stream and b"/home/" not in page.stream  # what the pack embeds


def _png_text(value: str) -> object:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", value)
    return info


# Injection ----------------------------------------------------------------------------------------


def test_markup_in_a_title_prints_as_text_and_loads_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core import pdf as pdf_module

    asked: list[str] = []
    original = pdf_module.SafeURLFetcher.fetch

    def spy(self: pdf_module.SafeURLFetcher, url: str, headers: object = None) -> object:
        asked.append(url)
        return original(self, url, headers)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_module.SafeURLFetcher, "fetch", spy)
    inputs = make_inputs(
        text_document(title=f"Referral {INJECTION}"),
        addressee=Addressee(f"Sam {INJECTION}", ("1 High Street",)),
        withheld=(),
        held=dataclasses.replace(HELD, purposes=(Purpose("Audit", f"Edited {INJECTION} in the admin."),)),
    )
    data = render_bytes(inputs, tmp_path)
    text = "\n".join(page_texts(data))
    assert INJECTION in text.replace("\n", "")
    assert f"Edited {INJECTION} in the admin." in re.sub(r"\s+", " ", text)  # an admin-edited purpose, as text
    assert not any(url.startswith("file:") or "passwd" in url for url in asked)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        images = [
            name
            for page in pdf.pages
            for name, xobject in page.resources.get("/XObject", {}).items()
            if xobject.get("/Subtype") == "/Image"
        ]
    assert images == []  # a text document only: no image of any kind was loaded


# Preview, page numbers, structure, metadata, determinism ----------------------------------------------


def test_preview_is_watermarked_on_every_page(tmp_path: Path) -> None:
    data = render_bytes(make_inputs(preview=True), tmp_path, chunk_pages=2)
    texts = page_texts(data)
    assert len(texts) > 5
    for number, text in enumerate(texts, start=1):
        assert WATERMARK in text, f"page {number} has no watermark"
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            assert "PREVIEW" in (page.extract_text() or "")


def test_a_pack_that_is_not_a_preview_has_no_watermark(pack_bytes: bytes) -> None:
    assert not any("PREVIEW" in text for text in page_texts(pack_bytes))


def test_page_x_of_y_runs_across_every_chunk(pack_bytes: bytes) -> None:
    texts = page_texts(pack_bytes)
    total = len(texts)
    planned = chunks.plan(make_inputs(), chunk_pages=2)
    assert len(planned) >= 3  # several chunks were joined
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert "RR-2026-0042" in text and "OFFICIAL-SENSITIVE" in text
        assert len(re.findall(r"Page \d+ of \d+", text)) == 1


def test_the_schedule_gives_each_documents_pages_in_the_pack(pack_bytes: bytes) -> None:
    texts = page_texts(pack_bytes)
    schedule = next(t for t in texts if "Schedule of documents" in t)
    starts = {number: next(i for i, t in enumerate(texts, 1) if f"Document {number}:" in t) for number in (1, 2, 3)}
    assert f"{starts[2]} to {starts[2] + 1}" in schedule  # the two-page PDF
    assert re.search(rf"Photo of a note.*\b{starts[3]}\b", schedule.replace("\n", " "))
    assert "Legal advice" in schedule and "S2 P4 para19" in schedule  # withheld in full, with its code
    key = fold(next(t for t in texts if "Key to the exemption codes" in t))
    assert fold("Third-party information") in key and fold("Legal professional privilege") in key


def test_the_joined_pack_is_still_tagged(pack_bytes: bytes) -> None:
    with pikepdf.open(io.BytesIO(pack_bytes)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en-GB"
        tree = pdf.Root.StructTreeRoot
        keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert len(set(keys)) == len(keys)  # every page has its own entry in the parent tree
        nums = tree.ParentTree.Nums
        assert set(keys) <= {int(nums[i]) for i in range(0, len(nums), 2)}
        document = tree.K[0]
        assert document.S == "/Document"
        page_ids = {page.obj.objgen for page in pdf.pages}

        def pages_of(element: pikepdf.Object) -> set[tuple[int, int]]:
            found = {element.Pg.objgen} if "/Pg" in element else set()
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else []:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/MCR":
                    found |= pages_of(kid)
            return found

        assert pages_of(document) == page_ids  # the structure covers every page, and only the pack's pages
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert titles[0].startswith("Your request") and any(t.startswith("Document 3:") for t in titles)


def test_metadata_names_no_staff_and_no_path(pack_bytes: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pack_bytes))
    info = dict(reader.metadata or {})
    assert set(info) <= {"/Title", "/Producer", "/CreationDate", "/ModDate"}
    assert info["/Title"] == "Disclosure RR-2026-0042"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp
    for forbidden in ("Casey Worker", "WeasyPrint", "Sam Example", "Alex Example"):
        assert forbidden not in repr(info) and forbidden not in xmp
    for value in [*info.values(), xmp]:
        assert not re.search(r"(?<![<\w])/[\w.-]+/[\w.-]+", str(value).replace("http://", "")), value


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path, pack_bytes: bytes) -> None:
    assert render_bytes(make_inputs(), tmp_path, chunk_pages=2) == pack_bytes


def test_different_inputs_give_a_different_fingerprint() -> None:
    assert make_inputs().fingerprint() == make_inputs().fingerprint()
    assert make_inputs().fingerprint() != make_inputs(preview=True).fingerprint()
    assert make_inputs().fingerprint() != make_inputs(letter_date=dt.date(2026, 4, 2)).fingerprint()
    fewer = dataclasses.replace(HELD, categories=("Name",))
    assert make_inputs().fingerprint() != make_inputs(held=fewer).fingerprint()  # the Art 15 section changed
    general = dataclasses.replace(HELD, about_subject=False)
    assert make_inputs().fingerprint() != make_inputs(held=general).fingerprint()


# The Art 15 section ---------------------------------------------------------------------------------

ART15_HEADINGS = (
    "How the partnership uses personal information, and your rights",
    "Why we hold the information (purposes)",
    "The lawful basis",
    "What kinds of information (categories)",
    "Who receives it (recipients)",
    "How long it is kept (retention)",
    "Where it came from (source)",
    "Automated decision-making",
    "Your rights",
    "The right to complain",
)


def art15_text(data: bytes) -> str:
    text = re.sub(r"\s+", " ", " ".join(page_texts(data)))
    start = text.index(ART15_HEADINGS[0])
    end = text.find("Schedule of documents", start)
    return text[start : end if end >= 0 else None]


def test_the_art15_section_has_its_headings_and_prints_what_is_held(pack_bytes: bytes) -> None:
    text = art15_text(pack_bytes)
    positions = [text.index(heading) for heading in ART15_HEADINGS]
    assert positions == sorted(positions)  # every heading, in the order Art 15(1) gives them
    assert "worked out from the records of the partnership's reviews and audits" in text
    assert "found to be about Alex Example" in text and "in general" not in text
    assert "Child Safeguarding Practice Review: Where a child has died or been seriously harmed." in text
    assert "Public task: UK GDPR Article 6(1)(e)." in text and "(for:" not in text  # one process: no "for"
    assert "includes: Name Police records" in text
    assert "Greater Manchester Police, Hillside School." in text
    assert "Agency data is destroyed 30 days after its review or audit concludes." in text
    assert "provided by: Greater Manchester Police (Police). It came to the partnership as: Performance data." in text
    assert "by solely automated means" in text  # Art 15(1)(h)
    for right in ("(rectification)", "(erasure)", "(restriction)", "(objection)"):
        assert right in text
    assert (
        "Data Manager, Test Partnership, 1 Road, Town, AB1 2CD, telephone 0100 000 0000 or email x@example.org" in text
    )
    complain = text[text.index("The right to complain") :]
    assert "s164A" not in complain and "{" not in text  # no template comment or tag printed
    assert (  # DPA 2018 s164A: a way to complain to the controller, acknowledged within 30 days
        "You can complain to the partnership first, by writing to the Data Manager at the address above, by "
        "telephone on 0100 000 0000 or by email to x@example.org, quoting our reference RR-2026-0042; we will "
        "acknowledge your complaint within 30 days of receiving it, and you can complain to the ICO as well."
    ) in complain
    assert (
        "You have the right to complain to the Information Commissioner's Office (ICO): helpline 0303 123 1113, or "
        "ico.org.uk/make-a-complaint."
    ) in complain


def test_with_nothing_confirmed_the_section_says_it_describes_the_partnership_in_general() -> None:
    general = dataclasses.replace(
        HELD,
        about_subject=False,
        purposes=(*HELD.purposes, Purpose("Section 11", "Checks on agencies.")),
        lawful_bases=(
            LawfulBasis(
                "Public task", "UK GDPR Article 6(1)(e).", ("Child Safeguarding Practice Review", "Section 11")
            ),
            LawfulBasis("Children Act 2004, section 11", "Audits.", ("Section 11",)),
        ),
    )
    data = render.render_cover_letter(make_inputs(held=general), pages_total=None)  # the filed letter has it too
    text = art15_text(data)
    assert (
        "No record of the partnership's reviews and audits has been confirmed as being about Alex Example, so what "
        "follows describes the information the partnership holds in general."
    ) in text
    assert "found to be about" not in text
    assert "The information the partnership holds about people includes: Name Police records" in text
    assert "The partner agencies are: Greater Manchester Police, Hillside School." in text
    assert "Section 11: Checks on agencies." in text
    assert "Public task: UK GDPR Article 6(1)(e). Children Act" in text  # every process rests on it: no "for"
    assert "Children Act 2004, section 11: Audits. (for: Section 11)" in text  # not every process rests on it


def test_a_pack_with_no_documents_is_just_the_letter_schedule_and_key(tmp_path: Path) -> None:
    inputs = dataclasses.replace(make_inputs(), documents=(), withheld=())
    data = render_bytes(inputs, tmp_path)
    text = "\n".join(page_texts(data))
    assert "no documents" in text and "No exemption codes are used in this pack." in text


def test_plan_splits_long_documents_and_scans_into_chunks() -> None:
    long_text = text_document(repeat=80)
    scans = PackDocument(2, "Scans", "", None, PagedContent(b"", "pdf", 7, "x"), ())
    planned = chunks.plan(make_inputs(long_text, scans), chunk_pages=3)
    scan_pieces = [p for c in planned for p in c.pieces if p.document == 1]
    assert [(p.start, p.end) for p in scan_pieces][-1][1] == 7
    assert sum(p.end - p.start for p in scan_pieces) == 7
    assert all(c.estimated_pages <= 3 for c in planned)
    text_pieces = [p for c in planned for p in c.pieces if p.document == 0]
    assert len(text_pieces) > 1 and text_pieces[0].first and text_pieces[-1].last


def test_every_page_image_sits_on_one_page_and_no_page_is_blank(pack_bytes: bytes) -> None:
    texts = page_texts(pack_bytes)
    for number, text in enumerate(texts, start=1):
        body = re.sub(r"RR-2026-0042|OFFICIAL-SENSITIVE|Page \d+ of \d+", "", text).strip()
        assert body, f"page {number} holds nothing but its furniture"
    captions = [t for t in texts if re.search(r"Document [23], page \d of \d", t)]
    assert len(captions) == 3  # the two-page PDF and the photo: one pack page each


# Page images and furniture as the pack embeds them ------------------------------------------------


def _images_in(data: bytes) -> list[pikepdf.Object]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = {}
        for page in pdf.pages:
            for image in page.get_images().values():
                found[image.objgen] = (int(image.Width), int(image.Height), str(image.get("/Filter")))
        return list(found.values())


def test_page_images_are_the_rasterisers_own_pixels_and_no_stand_in_is_left(pack_bytes: bytes) -> None:
    inputs = make_inputs()
    expected = []
    for document in inputs.documents:
        content = document.content
        if isinstance(content, PagedContent):
            for page in raster.rasterise(content, range(content.page_count), prefix="x"):
                expected.append((page.width_px, page.height_px, page.stream_filter))
    found = _images_in(pack_bytes)
    assert sorted(found) == sorted(expected)
    assert not any(width == 1 and height == 1 for width, height, _ in found)


def test_a_stand_in_that_is_not_found_stops_the_chunk() -> None:
    inputs = make_inputs()
    chunk = next(
        c for c in chunks.plan(inputs, chunk_pages=2) if any(inputs.documents[p.document].is_paged for p in c.pieces)
    )
    html, resources, images = render.chunk_html(inputs, chunk)
    from core.pdf import render_pdf

    data = render_pdf(html, title=inputs.title, resources=resources)
    with pikepdf.open(io.BytesIO(data)) as pdf, pytest.raises(RuntimeError, match="stand-in"):
        render.swap_page_images(pdf, [*images, images[0]])  # one more image than the chunk drew


def test_the_furniture_is_one_shared_form_and_each_page_number_ends_at_the_same_place(pack_bytes: bytes) -> None:
    with pikepdf.open(io.BytesIO(pack_bytes)) as pdf:
        statics = {page.obj.Resources.XObject[numbering.FURNITURE_NAME].objgen for page in pdf.pages}
        assert len(statics) == 1
    with pdfplumber.open(io.BytesIO(pack_bytes)) as pdf:
        right_edges = set()
        for number, page in enumerate(pdf.pages, start=1):
            words = page.extract_words()
            total = len(pdf.pages)
            last = [w for w in words if w["text"] == str(total) and w["top"] > page.height - 60]
            assert last, f"page {number}: no page total in the footer"
            right_edges.add(round(float(last[-1]["x1"]), 1))
        assert max(right_edges) - min(right_edges) < 0.2  # right-aligned like WeasyPrint's own sheets


def test_without_a_reusable_number_sheet_each_page_gets_a_sheet_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unreadable(sheet: pikepdf.Page) -> None:
        raise numbering.NumberingUnavailable("drawn some other way")

    monkeypatch.setattr(numbering, "read_template", unreadable)
    data = render_bytes(make_inputs(preview=True), tmp_path, chunk_pages=2)
    assert "numbering page by page instead (drawn some other way)" in caplog.text
    texts = page_texts(data)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text and WATERMARK in text
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert numbering.FURNITURE_NAME not in pdf.pages[0].obj.Resources.XObject


def test_a_number_sheet_drawn_with_two_text_operators_is_not_reused() -> None:
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        page = pdf.pages[0]
        page.obj.Contents = pdf.make_stream(b"BT /F1 9 Tf [<0001>] TJ ET BT /F1 9 Tf [<0002>] TJ ET")
        with pytest.raises(numbering.NumberingUnavailable, match="2 text operators"):
            numbering.read_template(page)


def test_a_template_draws_a_number_with_its_right_edge_kept() -> None:
    codes = {c: bytes([0, i + 1]) for i, c in enumerate(dict.fromkeys(numbering.TEMPLATE_TEXT))}
    widths = dict.fromkeys(codes.values(), Decimal(500))
    template = numbering.NumberTemplate(b"", b"", codes, widths, advance=Decimal(500 * len(numbering.TEMPLATE_TEXT)))
    operator = template.operator("Page 7 of 9")
    shift = Decimal(operator[1 : operator.index(b" ")].decode())
    assert shift == -500 * (len(numbering.TEMPLATE_TEXT) - len("Page 7 of 9"))  # moved on by the missing width
    with pytest.raises(numbering.NumberingUnavailable):
        template.operator("Page X of Y")


def test_a_typed_page_stays_lossless_and_a_grainy_scan_becomes_a_jpeg() -> None:
    import random

    typed = Image.new("L", (800, 1100), 255)
    ImageDraw.Draw(typed).text((60, 80), "Typed notes " * 5, font=ImageFont.load_default(size=24), fill=0)
    grainy = Image.new("L", (800, 1100))
    rng = random.Random(3)
    grainy.putdata([rng.randint(200, 255) for _ in range(800 * 1100)])  # paper grain
    data, kind = raster._encoded(typed)
    assert (
        kind == "/FlateDecode" and Image.frombytes("L", typed.size, zlib.decompress(data)).tobytes() == typed.tobytes()
    )
    data, kind = raster._encoded(grainy)
    assert kind == "/DCTDecode" and Image.open(io.BytesIO(data)).size == grainy.size


def test_a_page_with_one_coloured_pixel_keeps_its_colour_and_a_grey_one_goes_to_one_channel() -> None:
    page = Image.new("RGB", (300, 400), (250, 250, 250))
    ImageDraw.Draw(page).text((20, 20), "Grey words", fill=(20, 20, 20))
    grey = raster._grey_if_grey(page)
    assert grey.mode == "L" and grey.tobytes() == page.convert("L").tobytes()
    page.putpixel((299, 399), (200, 30, 30))  # a red stamp's last dot, in the corner
    assert raster._grey_if_grey(page).mode == "RGB"
