"""Reading the words on a page image with Tesseract (Debian's tesseract-ocr, through pytesseract), English.

Each word keeps its box, in PDF points from the top left of the page as displayed: the frame of
`Document.pages`, the redaction boxes and the pack's rasteriser (`disclosure.extract`). A page is
drawn for OCR by the same code that draws it for review and for the pack, so a box around an OCR
word covers the same pixels everywhere.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pytesseract  # type: ignore[import-untyped]  # no stubs; a thin wrapper round the tesseract command
from PIL import Image

OCR_DPI = 300  # Tesseract reads best at about 300 dpi; the review page is drawn at 100 and the pack at 150
OCR_LANGUAGE = "eng"
MAX_OCR_SIDE_PX = 4200  # an A4 page at 300 dpi is 3508 px long: bigger pages are read at a lower resolution
MIN_CONFIDENCE = 0.0  # Tesseract gives -1 to boxes that are not words; every word it read is kept, with its score


@dataclass(frozen=True)
class OcrWord:
    """A word read on a page: its box in points from the page's top left, its line in reading order, its score."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    line: int
    confidence: float


@dataclass(frozen=True)
class PlacedWord:
    """An OCR word with its page, its place on the page, and its offsets in the document's OCR text."""

    page: int
    position: int
    word: OcrWord
    start: int
    end: int


class OcrUnavailable(RuntimeError):
    """Tesseract is not installed here (scripts/system-packages.sh installs it)."""


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


@functools.cache
def engine_name() -> str:
    """'tesseract 5.3.0', for the record of what read a document."""
    if not tesseract_available():
        raise OcrUnavailable("Tesseract is not installed: install tesseract-ocr and tesseract-ocr-eng.")
    return f"tesseract {pytesseract.get_tesseract_version()}"


def read_image(image: Image.Image, *, dpi: float, language: str = OCR_LANGUAGE) -> list[OcrWord]:
    """The words on a page image drawn at `dpi`, in reading order, each with its box in points."""
    if not tesseract_available():
        raise OcrUnavailable("Tesseract is not installed: install tesseract-ocr and tesseract-ocr-eng.")
    grey = image if image.mode == "L" else image.convert("L")
    data = pytesseract.image_to_data(grey, lang=language, output_type=pytesseract.Output.DICT)
    scale = 72.0 / dpi
    words: list[OcrWord] = []
    lines: dict[tuple[int, int, int], int] = {}
    for i, raw in enumerate(data["text"]):
        text = " ".join(str(raw).split())
        confidence = float(data["conf"][i])
        width, height = int(data["width"][i]), int(data["height"][i])
        if not text or confidence < MIN_CONFIDENCE or width <= 0 or height <= 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = lines.setdefault(key, len(lines))
        left, top = int(data["left"][i]), int(data["top"][i])
        words.append(
            OcrWord(
                text=text[:200],
                x0=round(left * scale, 2),
                top=round(top * scale, 2),
                x1=round((left + width) * scale, 2),
                bottom=round((top + height) * scale, 2),
                line=line,
                confidence=round(confidence, 1),
            )
        )
    return words


def place_words(pages: Iterable[tuple[int, Sequence[OcrWord]]]) -> tuple[str, list[PlacedWord]]:
    """The OCR text of the pages read (words by a space, lines by a newline, pages by a blank line), and
    every word with its offsets in that text."""
    parts: list[str] = []
    placed: list[PlacedWord] = []
    length = 0
    for page_index, (number, words) in enumerate(pages):
        if page_index:
            parts.append("\n\n")
            length += 2
        previous_line: int | None = None
        for position, word in enumerate(words):
            if previous_line is not None:
                separator = " " if word.line == previous_line else "\n"
                parts.append(separator)
                length += 1
            parts.append(word.text)
            placed.append(
                PlacedWord(page=number, position=position, word=word, start=length, end=length + len(word.text))
            )
            length += len(word.text)
            previous_line = word.line
    return "".join(parts), placed
