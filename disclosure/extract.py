"""Text, word positions and page images from accepted uploads.

Coordinates are PDF points (1/72 inch) from the top left corner of the page as displayed (its crop
box, rotation applied), which is also what `page_image` draws: a box at (x0, top, x1, bottom)
covers the same place on the extracted words and on the rasterised page.
"""

from __future__ import annotations

import ctypes
import io
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps

REVIEW_DPI = 100
# No page image is bigger than this on its long side, as in the pack's rasteriser
# (disclosure.pack.raster.MAX_IMAGE_SIDE_PX): a huge page is drawn at a lower resolution, never gigabytes.
MAX_PAGE_IMAGE_SIDE_PX = 2400


def review_dpi(width_pt: float, height_pt: float, dpi: float = REVIEW_DPI) -> float:
    """The resolution a page of this size is drawn at for review: `dpi`, less for a page too big to draw at it."""
    return min(float(dpi), MAX_PAGE_IMAGE_SIDE_PX * 72 / max(width_pt, height_pt, 1.0))


DEFAULT_IMAGE_DPI = 150  # a scan that does not say its resolution is taken as 150 dpi


@dataclass(frozen=True)
class Extraction:
    """What a PDF or image holds: text (empty for a scan), per-page data, and whether there was a text layer."""

    text: str
    pages: list[dict[str, Any]]
    has_text_layer: bool

    @property
    def page_count(self) -> int:
        return len(self.pages)


def _round(value: float) -> float:
    return round(float(value), 2)


_SUBPOINTS = 100  # pdfium maps page positions to whole device units: measure in hundredths of a point


def _displayed(page: pdfium.PdfPage, size: tuple[float, float], x: float, y: float) -> tuple[float, float]:
    """A point of PDF user space as it lands on the page as displayed (crop box and rotation applied), in points
    from the top left: the frame the review page, the redaction boxes and the pack's rasteriser all use."""
    device_x, device_y = ctypes.c_int(), ctypes.c_int()
    width, height = (max(1, round(v * _SUBPOINTS)) for v in size)
    if not pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, x, y, device_x, device_y):
        raise ValueError("pdfium could not place a character on the page")
    return device_x.value / _SUBPOINTS, device_y.value / _SUBPOINTS


def _is_break(char: str) -> bool:
    return char.isspace() or not char.isprintable()


def _page_words(page: pdfium.PdfPage, start: int) -> tuple[str, list[dict[str, Any]]]:
    """The page's text and its words, read by pdfium in the order the text runs (not the order it sits on the
    page), so a page turned 90, 180 or 270 degrees reads as it is written, the way the pack's rasteriser finds it."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        chars = [chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 0x20) for i in range(count)]
        parts: list[str] = []
        words: list[dict[str, Any]] = []
        length = start
        current: list[int] = []
        newline = False

        def flush() -> None:
            nonlocal length, newline
            if not current:
                return
            if parts:
                parts.append("\n" if newline else " ")
                length += 1
            text = "".join(chars[i] for i in current)
            box = _word_box(page, textpage, current, (width, height))
            if box is not None:
                x0, top, x1, bottom = box
                words.append(
                    {
                        "text": text,
                        "x0": _round(x0),
                        "top": _round(top),
                        "x1": _round(x1),
                        "bottom": _round(bottom),
                        "start": length,
                        "end": length + len(text),
                    }
                )
            parts.append(text)
            length += len(text)
            current.clear()
            newline = False

        for index, char in enumerate(chars):
            if _is_break(char):
                flush()
                newline = newline or char in "\r\n"
            else:
                current.append(index)
        flush()
    finally:
        textpage.close()
    return "".join(parts), words


def _word_box(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, indices: list[int], size: tuple[float, float]
) -> tuple[float, float, float, float] | None:
    """The word's box on the displayed page (the union of its characters' boxes), or None if it has no size."""
    xs: list[float] = []
    ys: list[float] = []
    for index in indices:
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        if right <= left or top <= bottom:
            continue
        for x, y in ((left, bottom), (right, top)):
            shown_x, shown_y = _displayed(page, size, x, y)
            xs.append(shown_x)
            ys.append(shown_y)
    if not xs:
        return None
    x0, x1 = max(0.0, min(xs)), min(size[0], max(xs))
    top, bottom = max(0.0, min(ys)), min(size[1], max(ys))
    if x1 <= x0 or bottom <= top:
        return None  # outside the crop box: not on the page as shown
    return x0, top, x1, bottom


def extract_pdf(data: bytes) -> Extraction:
    """The PDF's text in reading order, built from its words so that each word knows its offsets in the text.

    Lines are joined by a newline and pages by a blank line. A PDF with no words at all is a scan.
    Text is read with pdfium, the engine that draws the pack's pages and finds redacted words on them,
    so that what review searches and counts is what the pack boxes, whatever way up a page is turned.
    """
    parts: list[str] = []
    pages: list[dict[str, Any]] = []
    length = 0
    any_words = False
    pdf = pdfium.PdfDocument(data)
    try:
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                if number > 1:
                    parts.append("\n\n")
                    length += 2
                text, words = _page_words(page, length)
            finally:
                page.close()
            parts.append(text)
            length += len(text)
            any_words = any_words or bool(words)
            pages.append({"number": number, "width": _round(width), "height": _round(height), "words": words})
    finally:
        pdf.close()
    text = "".join(parts)
    if not any_words:
        return Extraction(text="", pages=[{**p, "words": []} for p in pages], has_text_layer=False)
    return Extraction(text=text, pages=pages, has_text_layer=True)


def _image_dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return float(round(value)) if 50 <= value <= 1200 else DEFAULT_IMAGE_DPI  # PNG stores dots per metre: 149.99 is 150


def _open_image(data: bytes) -> Image.Image:
    """The image as it is meant to be seen: EXIF rotation applied, so boxes land where the reviewer drew them."""
    image = Image.open(io.BytesIO(data))
    image.load()
    transposed = ImageOps.exif_transpose(image)
    return transposed if transposed is not None else image


def extract_image(data: bytes) -> Extraction:
    """A single-page scan: its size in points (from its resolution) and in pixels; no text."""
    with _open_image(data) as image:
        dpi = _image_dpi(image)
        width_px, height_px = image.size
    page = {
        "number": 1,
        "width": _round(width_px * 72 / dpi),
        "height": _round(height_px * 72 / dpi),
        "pixel_width": width_px,
        "pixel_height": height_px,
        "words": [],
    }
    return Extraction(text="", pages=[page], has_text_layer=False)


def draw_pdf_page(page: pdfium.PdfPage, *, scale: float) -> Image.Image:
    """A PDF page as the reviewer sees it and as the pack prints it: one way of drawing for both.

    Annotations and form fields are left out: they can carry text that is not part of the page, and a box
    drawn as an annotation (a common "redaction" by hand) would hide from the reviewer text the pack would
    otherwise show. The reviewer sees, and redacts, exactly the pixels that go into the pack.
    """
    bitmap = page.render(scale=scale, may_draw_forms=False, draw_annots=False, fill_color=(255, 255, 255, 255))
    image: Image.Image = bitmap.to_pil().convert("RGB")
    return image


def page_image(data: bytes, *, is_pdf: bool, number: int, dpi: int = REVIEW_DPI) -> Image.Image:
    """Page `number` (1-based) drawn at `dpi`, as an RGB image: never the original bytes."""
    if is_pdf:
        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= number <= len(pdf):
                raise ValueError(f"no page {number}")
            page = pdf[number - 1]
            try:
                image = draw_pdf_page(page, scale=review_dpi(page.get_width(), page.get_height(), dpi) / 72)
            finally:
                page.close()
        finally:
            pdf.close()
        return image
    if number != 1:
        raise ValueError(f"no page {number}")
    with _open_image(data) as source:
        scale = dpi / _image_dpi(source)
        scale = min(scale, MAX_PAGE_IMAGE_SIDE_PX / max(source.width, source.height, 1))
        size = (max(1, round(source.width * scale)), max(1, round(source.height * scale)))
        return source.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def page_png(data: bytes, *, is_pdf: bool, number: int, dpi: int = REVIEW_DPI) -> bytes:
    """The page drawn at `dpi` as PNG bytes, with no metadata carried over."""
    out = io.BytesIO()
    page_image(data, is_pdf=is_pdf, number=number, dpi=dpi).save(out, format="PNG", optimize=False)
    return out.getvalue()
