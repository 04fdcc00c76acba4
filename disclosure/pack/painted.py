"""The check for what a text search cannot see: is every box review drew painted on its page image?

A scan's redacted words have no text to search, so ``verify`` also reads each page image back out
of the pack (pypdf decodes it, Pillow measures it: neither drew it) and looks inside every labelled
box the reviewer drew on that page: at least half of it must be black (its white label takes the
rest). A page image is found by its caption ("Document 4, page 2 of 6"), not by counting pages, so
the check does not depend on the layout.

What it catches is a box painted in the wrong place (a rotated or rescaled page, a wrong page
number) or a page image that is not there; what it cannot catch is a box review never drew, which no
check can. A neither-confirm-nor-deny box is painted white, which cannot be told from paper, so it
is not measured (the rasteriser paints labelled boxes over white ones, so an overlap changes nothing). Boxes found in a
PDF's text layer are painted as well, and are not checked here: their words are among the secrets
the text search looks for.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import PIL
import pypdf
from PIL import Image
from pypdf.generic import ContentStream

from disclosure.pack.inputs import PackInputs, PagedContent

DARK = 96  # luminance below which a pixel counts as painted black (JPEG ringing stays far below it)
DARK_SHARE = 0.5  # of a labelled box's pixels: its white label never takes half
INSET = 2  # pixels left out at each edge: rounding and the encoder's ringing live there
MIN_SIDE = 3  # a box thinner than this in pixels (after the inset) is too small to measure
RASTER_DPI = 150  # the pack's rasteriser draws at this resolution (disclosure.pack.raster.DPI)
CHECK_NAME = "painted boxes: every box review drew is painted on its page image"
_CAPTION = re.compile(r"document (\d+), page (\d+) of (\d+)")


@dataclass(frozen=True)
class PaintedBox:
    """A reviewer's box on one page of one document, in points of the frame it was drawn in."""

    document: int  # the document's number in the pack
    page: int  # 1-based page of the document
    x0: float
    top: float
    x1: float
    bottom: float
    frame: tuple[float, float]  # the page's width and height, in points, as review saw it
    silent: bool

    @property
    def label(self) -> str:
        return f"box at ({self.x0:.0f}, {self.top:.0f}) on page {self.page} of document {self.document}"

    def pixels(self, size: tuple[int, int]) -> tuple[int, int, int, int]:
        """The box on an image of ``size``, inset; the frame is turned if the image is (a rotated page)."""
        width, height = self.frame
        aspect = size[0] / size[1]
        if abs(height / width - aspect) < abs(width / height - aspect):
            width, height = height, width
        scale_x, scale_y = size[0] / width, size[1] / height
        left = max(0, int(self.x0 * scale_x) + INSET)
        upper = max(0, int(self.top * scale_y) + INSET)
        right = min(size[0], int(self.x1 * scale_x + 0.999) - INSET)
        lower = min(size[1], int(self.bottom * scale_y + 0.999) - INSET)
        return left, upper, right, lower


def painted_boxes(inputs: PackInputs) -> tuple[PaintedBox, ...]:
    """Every box review drew on the pack's page images, with the frame each was drawn in."""
    found: list[PaintedBox] = []
    for document in inputs.documents:
        content = document.content
        if not isinstance(content, PagedContent) or not content.boxes:
            continue
        frames = _frames(content)
        for box in content.boxes:
            if not 1 <= box.page <= len(frames):
                continue  # a box on a page the document does not have: nothing is drawn, nothing to check
            found.append(
                PaintedBox(
                    document=document.number,
                    page=box.page,
                    x0=box.x0,
                    top=box.top,
                    x1=box.x1,
                    bottom=box.bottom,
                    frame=frames[box.page - 1],
                    silent=box.silent,
                )
            )
    return tuple(found)


def _frames(content: PagedContent) -> list[tuple[float, float]]:
    """Each page's size in points as review drew on it: review's sizes, else the file's own (read afresh)."""
    own = _own_sizes(content)
    frames = []
    for index, size in enumerate(own):
        given = content.page_sizes[index] if content.page_sizes and index < len(content.page_sizes) else None
        frames.append(given if given and given[0] > 0 and given[1] > 0 else size)
    return frames


def _own_sizes(content: PagedContent) -> list[tuple[float, float]]:
    data = content.read()
    if content.format == "image":
        with Image.open(io.BytesIO(data)) as image:
            pixels_wide, pixels_high = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF says it is turned a quarter
                pixels_wide, pixels_high = pixels_high, pixels_wide
        return [(pixels_wide * 72 / RASTER_DPI, pixels_high * 72 / RASTER_DPI)]
    sizes: list[tuple[float, float]] = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        box = page.cropbox
        width, height = float(box.width), float(box.height)
        sizes.append((height, width) if int(page.get("/Rotate", 0) or 0) % 180 else (width, height))
    return sizes


@dataclass
class PaintedCheck:
    """What the pages of one range showed: the boxes checked, and each one that was not painted."""

    checked: list[str]
    hits: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": CHECK_NAME,
            "library": f"pypdf {pypdf.__version__}, Pillow {PIL.__version__}",
            "ok": not self.hits,
            "detail": f"{len(self.checked)} boxes",
            "hits": self.hits[:200],
            "checked": self.checked,
        }


def check_page(
    check: PaintedCheck, page: Any, next_page: Any | None, folded_text: str, boxes: Sequence[PaintedBox], number: int
) -> None:
    """Check the boxes of the document page captioned on pack page ``number`` (its image may have run on)."""
    for caption in _CAPTION.finditer(folded_text):
        document, document_page = int(caption.group(1)), int(caption.group(2))
        wanted = [b for b in boxes if b.document == document and b.page == document_page and not b.silent]
        if not wanted:
            continue
        image = _largest_image(page) or (_largest_image(next_page) if next_page is not None else None)
        if image is None:
            for box in wanted:
                check.hits.append({"label": box.label, "where": f"page {number}", "problem": "no page image"})
            continue
        grey = image.convert("L")
        for box in wanted:
            check.checked.append(box.label)
            problem = _problem(grey, box)
            if problem:
                check.hits.append({"label": box.label, "where": f"page {number}", "problem": problem})


def _largest_image(page: Any) -> Image.Image | None:
    """The largest image this page draws itself. Pages can share one resource dictionary that lists
    their neighbours' images too: only the names the page's own content stream draws are decoded."""
    contents = page.get_contents()
    if contents is None:
        return None
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None:
        return None
    xobjects = xobjects.get_object()
    drawn = [operands[0] for operands, operator in ContentStream(contents, page.pdf).operations if operator == b"Do"]
    best: Image.Image | None = None
    for name in dict.fromkeys(str(name) for name in drawn):
        xobject = xobjects.get(name)
        if xobject is None or xobject.get_object().get("/Subtype") != "/Image":
            continue
        image = page.images[name].image
        if image is not None and (best is None or image.width * image.height > best.width * best.height):
            best = image
    return best


def _problem(grey: Image.Image, box: PaintedBox) -> str:
    left, upper, right, lower = box.pixels(grey.size)
    if right - left < MIN_SIDE or lower - upper < MIN_SIDE:
        return ""
    histogram = grey.crop((left, upper, right, lower)).histogram()
    share = sum(histogram[:DARK]) / sum(histogram)
    return "" if share >= DARK_SHARE else f"only {share:.0%} of it painted black"


def measured(boxes: Iterable[PaintedBox]) -> list[PaintedBox]:
    """The boxes the check measures: the labelled ones."""
    return [box for box in boxes if not box.silent]


def missing(expected: Iterable[PaintedBox], checked: Iterable[str]) -> list[str]:
    """The labelled boxes no page range reported checking (their page image was never found)."""
    seen = set(checked)
    return sorted({box.label for box in measured(expected)} - seen)
