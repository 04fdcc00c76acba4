"""Text, word positions and page images from accepted uploads.

Coordinates are PDF points (1/72 inch) from the top left corner of the page as displayed (its crop
box, rotation applied), which is also what `page_image` draws: a box at (x0, top, x1, bottom)
covers the same place on the extracted words and on the rasterised page.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageOps

REVIEW_DPI = 100
DEFAULT_IMAGE_DPI = 150  # a scan that does not say its resolution is taken as 150 dpi
_LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line


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


def extract_pdf(data: bytes) -> Extraction:
    """The PDF's text in reading order, built from its words so that each word knows its offsets in the text.

    Lines are joined by a newline and pages by a blank line. A PDF with no words at all is a scan.
    """
    parts: list[str] = []
    pages: list[dict[str, Any]] = []
    length = 0
    any_words = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                crop_x0, crop_top, crop_x1, crop_bottom = (float(v) for v in page.cropbox)
                width, height = crop_x1 - crop_x0, crop_bottom - crop_top
                if number > 1:
                    parts.append("\n\n")
                    length += 2
                words: list[dict[str, Any]] = []
                line_top: float | None = None
                for raw in page.extract_words(keep_blank_chars=False, use_text_flow=False):
                    text = str(raw["text"])
                    if not text.strip():
                        continue
                    top = float(raw["top"]) - crop_top
                    if line_top is None:
                        pass
                    elif abs(top - line_top) > _LINE_TOLERANCE:
                        parts.append("\n")
                        length += 1
                    else:
                        parts.append(" ")
                        length += 1
                    if line_top is None or abs(top - line_top) > _LINE_TOLERANCE:
                        line_top = top
                    words.append(
                        {
                            "text": text,
                            "x0": _round(max(0.0, float(raw["x0"]) - crop_x0)),
                            "top": _round(max(0.0, top)),
                            "x1": _round(min(width, float(raw["x1"]) - crop_x0)),
                            "bottom": _round(min(height, float(raw["bottom"]) - crop_top)),
                            "start": length,
                            "end": length + len(text),
                        }
                    )
                    parts.append(text)
                    length += len(text)
                any_words = any_words or bool(words)
                pages.append({"number": number, "width": _round(width), "height": _round(height), "words": words})
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
                image = draw_pdf_page(page, scale=dpi / 72)
            finally:
                page.close()
        finally:
            pdf.close()
        return image
    if number != 1:
        raise ValueError(f"no page {number}")
    with _open_image(data) as source:
        scale = dpi / _image_dpi(source)
        size = (max(1, round(source.width * scale)), max(1, round(source.height * scale)))
        return source.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def page_png(data: bytes, *, is_pdf: bool, number: int, dpi: int = REVIEW_DPI) -> bytes:
    """The page drawn at `dpi` as PNG bytes, with no metadata carried over."""
    out = io.BytesIO()
    page_image(data, is_pdf=is_pdf, number=number, dpi=dpi).save(out, format="PNG", optimize=False)
    return out.getvalue()
