"""Redaction by construction for PDFs and scans: each page becomes pixels, and the boxes are painted
into those pixels, so no text layer, annotation or hidden object of the original reaches the pack.

PDF pages are rasterised with pypdfium2 (annotations and form fields are not drawn: they can carry
text the reviewer never saw as part of the page); images are decoded with Pillow and re-encoded
without their metadata. Each redaction is a solid black box labelled in white with its exemption
code; a neither-confirm-nor-deny box is painted white with no label. On a PDF with a text layer,
every whole-word occurrence of a redacted string the rasteriser finds is boxed as well.
"""

from __future__ import annotations

import ctypes
import io
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw, ImageFont, ImageOps

from disclosure.extract import draw_pdf_page
from disclosure.pack.inputs import BoxRedaction, FindRedaction, PagedContent

DPI = 150
SCALE = DPI / 72
BOX_FILL = (0, 0, 0)
LABEL_FILL = (255, 255, 255)
SILENT_FILL = (255, 255, 255)
PAD_PT = 1.5  # boxes found in the text layer grow by this much on each side: glyphs overhang their boxes
MIN_LABEL_PX = 11  # about 5pt at 150 dpi: smaller than this, the box grows to fit its label
MAX_LABEL_PX = 30
JPEG_QUALITY = 85
DEFLATE_LEVEL = 3
PHOTO_RATIO = 6  # deflating to less than a sixth of the raw pixels: keep it lossless
MAX_IMAGE_SIDE_PX = 2400  # no page image is bigger than this on its long side: memory and the pack stay bounded


@dataclass(frozen=True)
class PageImage:
    """One page of a document as the pack shows it: boxed pixels, already encoded as a PDF image stream.

    ``stream`` is what goes into the PDF as it is: the pixels deflated (``/FlateDecode``, one byte per
    grey pixel or three per colour one, no metadata of any kind), or a JPEG we encoded ourselves
    (``/DCTDecode``) for a photo that came as a JPEG, or a page that deflates badly (see ``_encoded``).
    ``data`` is the same page as an image file, for WeasyPrint to embed itself (the naive render) and
    for the tests to look at.
    """

    name: str
    stream: bytes
    stream_filter: str  # "/FlateDecode" or "/DCTDecode"
    colour: str  # "L" or "RGB"
    width_px: int
    height_px: int
    width_pt: float  # the page's own size, so that a small image is never blown up
    height_pt: float
    boxes_drawn: int
    boxes_found: int  # of which found in the text layer by the rasteriser itself
    file: bytes = b""  # the page as a PNG file instead of ``stream`` (``as_files``: the naive render's way)

    @property
    def mime(self) -> str:
        return "image/jpeg" if self.stream_filter == "/DCTDecode" else "image/png"

    @property
    def data(self) -> bytes:
        """The page as a JPEG (as encoded) or a PNG (made from the deflated pixels)."""
        if self.file:
            return self.file
        if self.stream_filter == "/DCTDecode":
            return self.stream
        pixels = Image.frombytes(self.colour, (self.width_px, self.height_px), zlib.decompress(self.stream))
        return _encode_png(pixels)


@dataclass(frozen=True)
class _PixelBox:
    x0: int
    y0: int
    x1: int
    y1: int
    code: str
    silent: bool


def rasterise(
    content: PagedContent, pages: Sequence[int], *, prefix: str, as_files: bool = False
) -> Iterator[PageImage]:
    """The given 0-based pages of a PDF or image, boxed; ``prefix`` names the images (e.g. ``d3``).

    ``as_files`` encodes a deflated page as a PNG file instead (in ``file``), for a renderer that embeds
    image files itself.
    """
    if content.format == "image":
        if list(pages) not in ([], [0]):
            raise ValueError("An image has exactly one page.")
        if pages:
            yield _image_page(content, prefix=prefix, as_files=as_files)
        return
    document = pdfium.PdfDocument(content.read() if isinstance(content.source, bytes) else str(content.source))
    try:
        for index in pages:
            yield _pdf_page(document, index, content, prefix=prefix, as_files=as_files)
    finally:
        document.close()


def _pdf_page(
    document: pdfium.PdfDocument, index: int, content: PagedContent, *, prefix: str, as_files: bool
) -> PageImage:
    page = document[index]
    try:
        # 150 dpi, less for a page so big that its image would not fit in bounded memory (a poster, a plan).
        scale = min(SCALE, MAX_IMAGE_SIDE_PX / max(page.get_width(), page.get_height(), 1.0))
        image = draw_pdf_page(page, scale=scale)
        # The page as drawn (rotation applied), in points: the frame the reviewer's boxes were drawn in.
        width_pt, height_pt = _page_size(content, index, (image.width / scale, image.height / scale))
        boxes = _given_boxes(content.boxes, index, image.size, (width_pt, height_pt))
        found = _found_boxes(page, content.finds, image.size) if content.finds else []
    finally:
        page.close()
    _paint(image, boxes + found)
    pixels = _grey_if_grey(image)
    stream, file, stream_filter = _for_pack(pixels, as_files=as_files)
    return PageImage(
        name=f"{prefix}-p{index + 1}.png",
        stream=stream,
        file=file,
        stream_filter=stream_filter,
        colour=pixels.mode,
        width_px=image.width,
        height_px=image.height,
        width_pt=width_pt,
        height_pt=height_pt,
        boxes_drawn=len(boxes) + len(found),
        boxes_found=len(found),
    )


def _image_page(content: PagedContent, *, prefix: str, as_files: bool) -> PageImage:
    with Image.open(io.BytesIO(content.read())) as opened:
        opened.load()
        source_format = opened.format
        image = ImageOps.exif_transpose(opened).convert("RGB")  # boxes are drawn on the upright image
    # Without a size from review, a pixel of the image counts as one pixel at the pack's resolution.
    width_pt, height_pt = _page_size(content, 0, (image.width * 72 / DPI, image.height * 72 / DPI))
    if max(image.size) > MAX_IMAGE_SIDE_PX:
        image.thumbnail((MAX_IMAGE_SIDE_PX, MAX_IMAGE_SIDE_PX), Image.Resampling.LANCZOS)
    boxes = _given_boxes(content.boxes, 0, image.size, (width_pt, height_pt))
    _paint(image, boxes)
    if source_format == "JPEG":
        stream, file, stream_filter, colour, name = _encode_jpeg(image), b"", "/DCTDecode", "RGB", f"{prefix}-p1.jpg"
    else:
        pixels = _grey_if_grey(image)
        stream, file, stream_filter = _for_pack(pixels, as_files=as_files)
        colour, name = pixels.mode, f"{prefix}-p1.png"
    return PageImage(
        name=name,
        stream=stream,
        file=file,
        stream_filter=stream_filter,
        colour=colour,
        width_px=image.width,
        height_px=image.height,
        width_pt=width_pt,
        height_pt=height_pt,
        boxes_drawn=len(boxes),
        boxes_found=0,
    )


def _page_size(content: PagedContent, index: int, own: tuple[float, float]) -> tuple[float, float]:
    """The size the boxes were measured against: review's, turned to match a rotated page, else the page's own."""
    if content.page_sizes is not None and index < len(content.page_sizes):
        width, height = content.page_sizes[index]
        if width > 0 and height > 0:
            same = abs(width / height - own[0] / own[1])
            turned = abs(height / width - own[0] / own[1])
            return (height, width) if turned < same else (width, height)
    return own


def _given_boxes(
    boxes: Sequence[BoxRedaction], index: int, size_px: tuple[int, int], size_pt: tuple[float, float]
) -> list[_PixelBox]:
    scale_x = size_px[0] / size_pt[0]
    scale_y = size_px[1] / size_pt[1]
    result = []
    for box in boxes:
        if box.page != index + 1:
            continue
        result.append(
            _PixelBox(
                x0=_floor(box.x0 * scale_x),
                y0=_floor(box.top * scale_y),
                x1=_ceil(box.x1 * scale_x),
                y1=_ceil(box.bottom * scale_y),
                code=box.code,
                silent=box.silent,
            )
        )
    return result


def _floor(value: float) -> int:
    return int(value // 1)


def _ceil(value: float) -> int:
    return -int(-value // 1)


def _found_boxes(page: pdfium.PdfPage, finds: Sequence[FindRedaction], size_px: tuple[int, int]) -> list[_PixelBox]:
    """Every whole-word occurrence of each redacted string in the page's text layer, as pixel boxes."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return []
        chars = [chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 0x20) for i in range(count)]
        folded, origin = _fold_with_origin(chars)
        boxes: list[_PixelBox] = []
        for find in finds:
            pattern = word_pattern(find.text)
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                indices = sorted({origin[i] for i in range(match.start(), match.end())})
                for left, top, right, bottom in _line_rects(textpage, indices):
                    x0, y0 = _to_device(page, size_px, left - PAD_PT, top + PAD_PT)
                    x1, y1 = _to_device(page, size_px, right + PAD_PT, bottom - PAD_PT)
                    boxes.append(
                        _PixelBox(
                            x0=min(x0, x1),
                            y0=min(y0, y1),
                            x1=max(x0, x1),
                            y1=max(y0, y1),
                            code=find.code,
                            silent=find.silent,
                        )
                    )
        return boxes
    finally:
        textpage.close()


def _fold_with_origin(chars: Sequence[str]) -> tuple[str, list[int]]:
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(chars):
        for piece in char.casefold():
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


def word_pattern(text: str) -> re.Pattern[str] | None:
    """Whole words of ``text`` in order, case-folded, with anything that is not a word between them."""
    words = re.findall(r"\w+", text.casefold())
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(word) for word in words) + r"(?!\w)")


def _line_rects(textpage: pdfium.PdfTextPage, indices: Sequence[int]) -> list[tuple[float, float, float, float]]:
    """Character boxes (PDF user space: left, top, right, bottom) merged into one rectangle per line."""
    rects: list[list[float]] = []
    for index in indices:
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        if right <= left or top <= bottom:
            continue  # a generated space or line break: nothing drawn
        if rects and _same_line(rects[-1], top, bottom):
            rect = rects[-1]
            rect[0] = min(rect[0], left)
            rect[1] = max(rect[1], top)
            rect[2] = max(rect[2], right)
            rect[3] = min(rect[3], bottom)
        else:
            rects.append([left, top, right, bottom])
    return [(r[0], r[1], r[2], r[3]) for r in rects]


def _same_line(rect: Sequence[float], top: float, bottom: float) -> bool:
    overlap = min(rect[1], top) - max(rect[3], bottom)
    return overlap > 0.5 * min(rect[1] - rect[3], top - bottom)


def _to_device(page: pdfium.PdfPage, size_px: tuple[int, int], x: float, y: float) -> tuple[int, int]:
    """Page space to bitmap pixels, with the page's rotation and crop box (pdfium does the sums)."""
    device_x = ctypes.c_int()
    device_y = ctypes.c_int()
    ok = pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, size_px[0], size_px[1], 0, x, y, device_x, device_y)
    if not ok:
        raise ValueError("pdfium could not map a page position to the image")
    return device_x.value, device_y.value


def _paint(image: Image.Image, boxes: Sequence[_PixelBox]) -> None:
    """Silent boxes first (white), then the labelled black boxes over them."""
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for box in sorted(boxes, key=lambda b: not b.silent):
        x0, y0 = max(0, box.x0), max(0, box.y0)
        x1, y1 = min(width, box.x1), min(height, box.y1)
        if x1 <= x0 or y1 <= y0:
            continue
        if box.silent:
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=SILENT_FILL)
            continue
        font, label_w, label_h = _label_font(box.code, x1 - x0, y1 - y0)
        if label_w + 6 > x1 - x0:  # widen (never shrink) so that the label fits inside the box
            grow = (label_w + 6 - (x1 - x0) + 1) // 2
            x0, x1 = max(0, x0 - grow), min(width, x1 + grow)
        if label_h + 2 > y1 - y0:
            grow = (label_h + 2 - (y1 - y0) + 1) // 2
            y0, y1 = max(0, y0 - grow), min(height, y1 + grow)
        draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=BOX_FILL)
        draw.text(((x0 + x1) / 2, (y0 + y1) / 2), box.code, font=font, fill=LABEL_FILL, anchor="mm")


def _label_font(code: str, width: int, height: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, int, int]:
    size = max(MIN_LABEL_PX, min(MAX_LABEL_PX, int(height * 0.7)))
    while True:
        font = ImageFont.load_default(size=size)
        left, top, right, bottom = font.getbbox(code)
        label_w, label_h = int(right - left), int(bottom - top)
        if label_w + 6 <= width or size <= MIN_LABEL_PX:
            return font, label_w, label_h
        size -= 1


def _grey_if_grey(image: Image.Image) -> Image.Image:
    """A page with no colour at all (most letters and forms) as one channel: a third of the bytes and memory."""
    red, green, blue = image.split()
    pixels = red.tobytes()
    if pixels == green.tobytes() and pixels == blue.tobytes():  # byte for byte: one channel says it all
        return red
    return image


def _encode_png(image: Image.Image) -> bytes:
    image.info = {}  # Pillow writes some of a source's metadata (an ICC profile, text) back out from here
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _for_pack(pixels: Image.Image, *, as_files: bool) -> tuple[bytes, bytes, str]:
    """The page's ``stream``, ``file`` and ``stream_filter``: a PDF image stream, or (``as_files``) a PNG file."""
    if as_files:
        return b"", _encode_png(pixels), "/FlateDecode"
    stream, stream_filter = _encoded(pixels)
    return stream, b"", stream_filter


def _deflate(image: Image.Image) -> bytes:
    """The raw pixels, deflated: a PDF image stream as it is, with nothing but the pixels in it.

    Level 3 is within 4% of level 6's size on scanned pages at well under half its time; a PNG filter
    per row gains little more on scans and would cost as much again.
    """
    if image.mode not in ("L", "RGB"):
        raise ValueError(f"Unexpected image mode {image.mode}.")
    return zlib.compress(image.tobytes(), DEFLATE_LEVEL)


def _encoded(image: Image.Image) -> tuple[bytes, str]:
    """The page's pixels as a PDF image stream and its filter: deflated, unless they deflate so badly
    (a photograph, a grainy scan) that a JPEG of them is the better choice; then the smaller of the two.

    Typed and printed pages deflate ten to twenty times over and stay lossless and sharp; a scan of
    paper grain deflates about four times, and as a JPEG takes half the room, which a 1,000-page pack
    (and the process that joins it) feels. A band across the middle of the page is deflated first to
    judge which it is, so that a page is encoded once (the band costs a tenth of the whole). Either way
    the stream holds the painted pixels and nothing else.
    """
    raw_size = image.width * image.height * len(image.getbands())
    top, bottom = image.height * 3 // 8, max(image.height * 5 // 8, image.height * 3 // 8 + 1)
    band = image.crop((0, top, image.width, bottom))
    band_ratio = len(band.tobytes()) / max(1, len(zlib.compress(band.tobytes(), 1)))
    if band_ratio >= PHOTO_RATIO:
        return _deflate(image), "/FlateDecode"
    jpeg = _encode_jpeg(image)
    if len(jpeg) < 0.8 * raw_size / band_ratio:  # well under what deflating the page would give
        return jpeg, "/DCTDecode"
    deflated = _deflate(image)
    return (jpeg, "/DCTDecode") if len(jpeg) < len(deflated) else (deflated, "/FlateDecode")


def _encode_jpeg(image: Image.Image) -> bytes:
    image.info = {}  # a JPEG comment (a scanner's user name, a file path) would otherwise be written back out
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    return out.getvalue()
