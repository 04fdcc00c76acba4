"""A scanned page's text layer: only OCR words outside every box and matching no redacted string reach it, and
verification reads it like any other text."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from disclosure.pack import layer as layer_module
from disclosure.pack import painted, render
from disclosure.pack.inputs import BoxRedaction, LayerWord, PackDocument, PagedContent, Secret
from disclosure.pack.layer import text_layer
from disclosure.pack.verify import fold, verify_pdf
from tests.disclosure.test_pack_render import CODE, make_inputs, render_bytes

coordinate = st.floats(min_value=0, max_value=600, allow_nan=False)


@st.composite
def rectangles(draw: st.DrawFn, page: int | None = None) -> tuple[int, float, float, float, float]:
    x0, top = draw(coordinate), draw(coordinate)
    width = draw(st.floats(min_value=0.5, max_value=200))
    height = draw(st.floats(min_value=0.5, max_value=60))
    return (page if page is not None else draw(st.integers(1, 3)), x0, top, x0 + width, top + height)


def _intersects(word: LayerWord, box: BoxRedaction) -> bool:
    return (
        word.page == box.page
        and min(word.x1, box.x1) > max(word.x0, box.x0)
        and min(word.bottom, box.bottom) > max(word.top, box.top)
    )


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.tuples(rectangles(), st.sampled_from(["visit", "home", "Jane", "Doe", "school", "at"])), max_size=40
    ),
    boxes=st.lists(st.tuples(rectangles(), st.booleans()), max_size=12),
)
def test_no_word_inside_or_touching_a_box_reaches_the_layer(
    words: list[tuple[tuple[int, float, float, float, float], str]],
    boxes: list[tuple[tuple[int, float, float, float, float], bool]],
) -> None:
    layer_words = [LayerWord(r[0], text, r[1], r[2], r[3], r[4]) for r, text in words]
    box_rows = [BoxRedaction(r[0], r[1], r[2], r[3], r[4], CODE, silent=silent) for r, silent in boxes]
    kept = text_layer(layer_words, box_rows, ["Jane Doe"])
    for word in kept:
        assert not any(_intersects(word, box) for box in box_rows)
        assert fold(word.text) not in {"jane", "doe"}
    # and nothing else is dropped: every word clear of the boxes and of the secret is kept
    expected = [
        w for w in layer_words if not any(_intersects(w, b) for b in box_rows) and w.text not in ("Jane", "Doe")
    ]
    assert kept == expected


@pytest.mark.parametrize(
    ("word", "kept"),
    [
        ("Pemberton", False),  # a word of a redacted name
        ("PEMBERTON,", False),  # whatever its case and punctuation
        ("Pember", False),  # an OCR piece of one
        ("JonathanPemberton", False),  # run together, it holds the name
        ("Jon", False),  # three letters of it: held back too
        ("at", True),  # two letters: too common to hold back
        ("meeting", True),
    ],
)
def test_words_matching_a_redacted_string_stay_out_wherever_they_are(word: str, kept: bool) -> None:
    far = LayerWord(1, word, 400, 400, 450, 410)
    assert (text_layer([far], [], ["Jonathan Pemberton"]) == [far]) is kept


def _scan_with_words(tmp_path: Path) -> tuple[PackDocument, list[LayerWord]]:
    image = Image.new("L", (1240, 1754), 255)
    ImageDraw.Draw(image).text((120, 200), "Visit notes by Zebedee Quarrington", fill=0)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=150.0)
    data = out.getvalue()
    # page 595 x 842 points; the name sits in the box, the rest outside it
    words = [
        LayerWord(1, "Visit", 57, 95, 80, 105),
        LayerWord(1, "notes", 82, 95, 105, 105),
        LayerWord(1, "by", 107, 95, 115, 105),
        LayerWord(1, "Zebedee", 120, 95, 160, 105),
        LayerWord(1, "Quarrington", 162, 95, 215, 105),
    ]
    box = BoxRedaction(1, 118, 92, 220, 108, CODE)
    content = PagedContent(data, "pdf", 1, hashlib.sha256(data).hexdigest(), boxes=(box,), words=tuple(words))
    return PackDocument(1, "Scanned notes", "Police", None, content, ((CODE, 1),)), words


def test_a_scanned_page_carries_its_words_outside_the_boxes_as_text(tmp_path: Path) -> None:
    document, _ = _scan_with_words(tmp_path)
    inputs = make_inputs(document, secrets=(Secret("redaction 1 in document 1", "Zebedee Quarrington"),))
    data = render_bytes(inputs, tmp_path)
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Visit notes by" in " ".join(text.split())
    assert "Zebedee" not in text and "Quarrington" not in text
    report = verify_pdf(
        data, secrets=inputs.secrets, reference=inputs.reference, preview=False, boxes=painted.painted_boxes(inputs)
    )
    assert report["ok"], report["hits"]


def test_a_redacted_word_planted_in_a_scans_text_layer_fails_verification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document, _ = _scan_with_words(tmp_path)
    inputs = make_inputs(document, secrets=(Secret("redaction 1 in document 1", "Zebedee Quarrington"),))
    monkeypatch.setattr(render, "text_layer", lambda words, boxes, redacted: list(words))  # the filter bypassed
    assert layer_module.text_layer is not render.text_layer
    data = render_bytes(inputs, tmp_path)
    report = verify_pdf(
        data, secrets=inputs.secrets, reference=inputs.reference, preview=False, boxes=painted.painted_boxes(inputs)
    )
    assert not report["ok"]
    assert {"secret": "redaction 1 in document 1", "where": "page 6"} in report["hits"]  # the scan's page
