"""Rendering a pack: documents in chunks, the front matter (covering letter, Article 15 information,
schedule and key), the furniture, and the whole joined and stamped.

The HTML is built only by Django templates with autoescaping on; nothing user-supplied is marked safe.
PDFs come from ``core.pdf.render_pdf``, whose URL fetcher serves only the project's static
files and the page images we hand it. ``render_all`` runs every step in this process; the Celery tasks
run the same steps (``render_chunk``, then ``assemble``) on as many workers as there are.
"""

from __future__ import annotations

import gc
import io
import logging
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from django.template.loader import render_to_string
from PIL import Image

from core.pdf import PDF_UA_1, PRODUCER, count_pages, pdf_sha256, render_pdf
from disclosure.pack import chunks as chunking
from disclosure.pack import numbering
from disclosure.pack.chunks import Chunk, ChunkResult
from disclosure.pack.inputs import LayerWord, PackInputs, TextContent
from disclosure.pack.layer import text_layer
from disclosure.pack.raster import PageImage, rasterise
from disclosure.pack.verify import MARKING, WATERMARK
from rights import EXEMPTIONS

# A4 less the margins in _styles.css, in millimetres; what a page image may fill.
CONTENT_WIDTH_MM = 174.0
CONTENT_HEIGHT_MM = 253.0
CAPTION_MM = 9.0
HEADING_MM = 26.0
SAFETY_MM = 3.0
MM_PER_PT = 25.4 / 72
SHORT_TITLE = 140  # a scan page's heading is cut to two lines; the schedule always has the full title
FRONT_ATTEMPTS = 4
FRONT_FIRST_GUESS = 4
PLACEHOLDER_LIMIT = 1 << 24  # a stand-in's colour numbers it: three bytes

Progress = Callable[[int, str], None]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedPack:
    path: Path
    pages: int
    sha256: str
    document_pages: tuple[tuple[int, int, int], ...]  # (document number, first page, last page)


def _codes_by_key() -> dict[str, Any]:
    return {item.code: item for item in EXEMPTIONS.values()}


def key_rows(inputs: PackInputs) -> list[dict[str, str]]:
    """The key: each code the requester sees, with the exemption it stands for."""
    catalogue = _codes_by_key()
    rows = []
    for code in inputs.codes_used():
        for part in code.split(" / "):
            entry = catalogue.get(part)
            row = {
                "code": part,
                "title": entry.title if entry else "Exemption",
                "source": entry.source if entry else "",
                "explanation": entry.explanation if entry else "",
            }
            if row not in rows:
                rows.append(row)
    return rows


# Chunks ----------------------------------------------------------------------------------------------


def chunk_html(
    inputs: PackInputs, chunk: Chunk, *, placeholders: bool = True, png_files: bool = True
) -> tuple[str, dict[str, bytes], list[PageImage]]:
    """The HTML of one chunk, the images it links to (as ``/inline/<name>``), and its page images in order.

    With ``placeholders`` (the pack's way), each page image is linked as a one-pixel stand-in whose
    colour is its place in the list: WeasyPrint lays it out, sizes it and tags it as a figure with its
    alternative text, and ``swap_page_images`` then puts the real pixels in, already deflated. Without
    (the naive render), WeasyPrint is given the page images as image files and embeds them itself,
    decoding and encoding each one again: as PNG files (``png_files``, the old naive render), or encoded as the
    pack encodes them (a JPEG where the pack keeps a JPEG), the same image handling as the pack's.
    """
    resources: dict[str, bytes] = {}
    images: list[PageImage] = []
    pieces: list[dict[str, Any]] = []
    for piece in chunk.pieces:
        document = inputs.documents[piece.document]
        content = document.content
        item: dict[str, Any] = {
            "number": document.number,
            "title": document.title,
            "agency": document.agency,
            "date": document.date,
            "first": piece.first,
        }
        if isinstance(content, TextContent):
            blocks = chunking.text_blocks(content)[piece.start : piece.end]
            item["kind"] = "text"
            item["blocks"] = blocks
        else:
            item["kind"] = "paged"
            item["title"] = _short(document.title)
            item["page_count"] = content.page_count
            item["pages"] = []
            layer = _layer_by_page(inputs, content.words, content.boxes) if content.words else {}
            for offset, image in enumerate(
                rasterise(
                    content,
                    range(piece.start, piece.end),
                    prefix=f"d{document.number}",
                    as_files=not placeholders and png_files,
                )
            ):
                resources[image.name] = placeholder_png(len(images)) if placeholders else image.data
                images.append(image)
                first_on_doc = piece.first and offset == 0
                width_mm, height_mm = _fit(image.width_pt, image.height_pt, heading=first_on_doc)
                item["pages"].append(
                    {
                        "number": piece.start + offset + 1,
                        "name": image.name,
                        "width_mm": f"{width_mm:.2f}",
                        "height_mm": f"{height_mm:.2f}",
                        "words": _placed_words(layer.get(piece.start + offset + 1, []), width_mm / image.width_pt),
                    }
                )
        pieces.append(item)
    html = render_to_string("disclosure/pack/chunk.html", {"title": inputs.title, "pieces": pieces})
    return html, resources, images


def placeholder_png(index: int) -> bytes:
    """A one-pixel PNG whose colour is ``index``: where page image ``index`` of a chunk goes."""
    if not 0 <= index < PLACEHOLDER_LIMIT:
        raise ValueError("Too many page images in one chunk.")
    out = io.BytesIO()
    Image.new("RGB", (1, 1), (index >> 16 & 0xFF, index >> 8 & 0xFF, index & 0xFF)).save(out, format="PNG")
    return out.getvalue()


def _placeholder_index(xobject: Any) -> int | None:
    if xobject.get("/Subtype") != "/Image" or int(xobject.get("/Width", 0)) != 1 or int(xobject.get("/Height", 0)) != 1:
        return None
    red, green, blue = pikepdf.PdfImage(xobject).as_pil_image().convert("RGB").getpixel((0, 0))  # type: ignore[misc]
    return int(red) << 16 | int(green) << 8 | int(blue)


def _image_xobjects(resources: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    """Every image XObject these resources can draw, looking inside form XObjects too, each once."""
    xobjects = resources.get("/XObject") if resources is not None else None
    if xobjects is None:
        return
    for key in list(xobjects.keys()):
        xobject = xobjects[key]
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if xobject.get("/Subtype") == "/Image":
            yield xobject
        elif xobject.get("/Subtype") == "/Form":
            yield from _image_xobjects(xobject.get("/Resources"), seen)


def swap_page_images(pdf: pikepdf.Pdf, images: Sequence[PageImage]) -> None:
    """Put each page image's own pixels where WeasyPrint drew its stand-in; every stand-in must be found once."""
    swapped: list[int] = []
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for xobject in _image_xobjects(page.obj.get("/Resources"), seen):
            index = _placeholder_index(xobject)
            if index is None:
                continue
            if index >= len(images):
                raise RuntimeError(f"A page image stand-in ({index}) that this chunk did not ask for.")
            image = images[index]
            if not image.stream:
                raise RuntimeError(f"Page image {image.name} has no stream to place.")
            for key in ("/DecodeParms", "/SMask", "/Decode", "/Mask"):
                if key in xobject:
                    del xobject[key]
            xobject.write(image.stream, filter=pikepdf.Name(image.stream_filter))
            xobject.Width = image.width_px
            xobject.Height = image.height_px
            xobject.ColorSpace = pikepdf.Name.DeviceGray if image.colour == "L" else pikepdf.Name.DeviceRGB
            xobject.BitsPerComponent = 8
            swapped.append(index)
    if sorted(swapped) != list(range(len(images))):
        raise RuntimeError(f"{len(images)} page images to place, {len(swapped)} stand-ins found.")


def _layer_by_page(inputs: PackInputs, words: Sequence[LayerWord], boxes: Sequence[Any]) -> dict[int, list[LayerWord]]:
    """The OCR words that may be given back as text, by page: outside every box, matching no secret."""
    by_page: dict[int, list[LayerWord]] = {}
    for word in text_layer(words, boxes, [secret.text for secret in inputs.secrets]):
        by_page.setdefault(word.page, []).append(word)
    return by_page


def _placed_words(words: Sequence[LayerWord], mm_per_pt: float) -> list[dict[str, str]]:
    """Where each word of the text layer sits over the page image, in millimetres, and its size in points."""
    return [
        {
            "text": word.text,
            "left": f"{word.x0 * mm_per_pt:.2f}",
            "top": f"{word.top * mm_per_pt:.2f}",
            "size": f"{max(1.0, (word.bottom - word.top) * mm_per_pt / MM_PER_PT):.1f}",
        }
        for word in words
    ]


def _short(title: str) -> str:
    return title if len(title) <= SHORT_TITLE else title[: SHORT_TITLE - 1].rstrip() + "…"


def _fit(width_pt: float, height_pt: float, *, heading: bool) -> tuple[float, float]:
    """The page's size in the pack: its own size, shrunk to fit under its caption (and heading), never enlarged."""
    available_h = CONTENT_HEIGHT_MM - CAPTION_MM - SAFETY_MM - (HEADING_MM if heading else 0.0)
    ratio = width_pt / height_pt
    width = min(CONTENT_WIDTH_MM, available_h * ratio, width_pt * MM_PER_PT)
    return width, width / ratio


def render_chunk(inputs: PackInputs, chunk: Chunk) -> tuple[bytes, ChunkResult]:
    """One chunk as a tagged PDF, and where each document that starts in it starts."""
    html, resources, images = chunk_html(inputs, chunk)
    data = render_pdf(html, title=inputs.title, document_date=inputs.letter_date, resources=resources or None)
    del html, resources
    gc.collect()  # WeasyPrint's box trees are full of cycles: free them now, not when the collector gets round to it
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        bookmarks = chunking.outline_starts(pdf)
        if images:
            swap_page_images(pdf, images)
            out = io.BytesIO()
            pdf.save(out)
            data = out.getvalue()
    del images
    if all(inputs.documents[piece.document].is_paged for piece in chunk.pieces):
        drawn = sum(piece.end - piece.start for piece in chunk.pieces)
        if pages != drawn:  # a page image spilled over: untidy (a near-empty page), not unsafe
            logger.warning("Pack chunk %s: %s page images laid out on %s pages", chunk.index, drawn, pages)
    starting = [piece.document for piece in chunk.pieces if piece.first]
    if len(bookmarks) != len(starting) or any(page < 0 for page in bookmarks):
        raise RuntimeError(f"Chunk {chunk.index}: could not find where each document starts.")
    return data, ChunkResult(index=chunk.index, pages=pages, starts=tuple(zip(starting, bookmarks, strict=True)))


# Front matter, furniture and the covering letter -------------------------------------------------


def document_ranges(
    inputs: PackInputs, results: Sequence[ChunkResult], *, front_pages: int
) -> dict[int, tuple[int, int]]:
    """Each document's first and last page in the joined pack (1-based), keyed by document index."""
    starts: list[tuple[int, int]] = []
    offset = front_pages
    for result in sorted(results, key=lambda r: r.index):
        for document, page in result.starts:
            starts.append((document, offset + page + 1))
        offset += result.pages
    ranges: dict[int, tuple[int, int]] = {}
    for position, (document, first) in enumerate(starts):
        last = starts[position + 1][1] - 1 if position + 1 < len(starts) else offset
        ranges[document] = (first, max(first, last))
    return ranges


def front_context(inputs: PackInputs, ranges: dict[int, tuple[int, int]], *, pages_total: int | None) -> dict[str, Any]:
    schedule: list[dict[str, Any]] = []
    for index, document in enumerate(inputs.documents):
        first, last = ranges.get(index, (0, 0))
        schedule.append(
            {
                "number": document.number,
                "title": document.title,
                "agency": document.agency,
                "date": document.date,
                "first_page": first,
                "last_page": last,
                "counts": [(code, count) for code, count in document.redaction_counts if count],
                "professional_reasons": list(document.professional_reasons),
                "withheld": "",
            }
        )
    number = len(inputs.documents)
    for item in inputs.withheld:
        number += 1
        schedule.append(
            {
                "number": number,
                "title": item.title,
                "agency": item.agency,
                "date": item.date,
                "withheld": item.code,
                "counts": [],
            }
        )
    return {
        "title": inputs.title,
        "reference": inputs.reference,
        "letter_date": inputs.letter_date,
        "received": inputs.received,
        "organisation": inputs.organisation,
        "addressee": inputs.addressee,
        "subject_name": inputs.subject_name,
        "on_behalf": inputs.on_behalf,
        "easy_read": inputs.easy_read,
        "subject_or_you": inputs.subject_name if inputs.on_behalf else "you",
        "document_count": len(inputs.documents),
        "withheld_count": len(inputs.withheld),
        "pages_total": pages_total,
        "held": inputs.held,
        "codes_used": inputs.codes_used(),
        "key_rows": key_rows(inputs),
        "schedule": schedule,
    }


def render_front(inputs: PackInputs, results: Sequence[ChunkResult]) -> bytes:
    """The front matter; rendered until its own page count agrees with the page numbers it prints.

    The first try is laid out only (WeasyPrint's layout without writing a PDF): its page count is
    what the page numbers then assume, and the numbers hardly ever move a page break, so one full
    render usually settles it.
    """
    document_pages = sum(result.pages for result in results)

    def html_for(front_pages: int) -> str:
        ranges = document_ranges(inputs, results, front_pages=front_pages)
        context = front_context(inputs, ranges, pages_total=front_pages + document_pages)
        return render_to_string("disclosure/pack/front.html", context)

    guess = count_pages(html_for(FRONT_FIRST_GUESS))
    for _ in range(FRONT_ATTEMPTS):
        data = render_pdf(html_for(guess), title=inputs.title, document_date=inputs.letter_date)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
        if pages == guess:
            return data
        guess = pages
    raise RuntimeError("The front matter's page count did not settle.")


def render_cover_letter(inputs: PackInputs, *, pages_total: int | None) -> bytes:
    """The covering letter on its own (with the Article 15 information), for the letters register."""
    context = front_context(inputs, {}, pages_total=pages_total)
    context["title"] = f"Disclosure covering letter {inputs.reference}"
    html = render_to_string("disclosure/pack/cover_letter.html", context)
    return render_pdf(html, title=context["title"], document_date=inputs.letter_date)


def _furniture_html(inputs: PackInputs, *, total: int, sheets: list[dict[str, Any]]) -> str:
    return render_to_string(
        "disclosure/pack/furniture.html",
        {
            "title": inputs.title,
            "reference": inputs.reference,
            "marking": MARKING,
            "watermark": WATERMARK,
            "preview": inputs.preview,
            "total": total,
            "sheets": sheets,
            "template_text": numbering.TEMPLATE_TEXT,
        },
    )


def render_furniture(inputs: PackInputs, *, total: int, first: int, count: int) -> bytes:
    """Sheets ``first`` .. ``first + count - 1`` of the furniture (untagged: stamped as artifacts).

    The way round when ``numbering`` cannot reuse the two template sheets: one WeasyPrint sheet a page.
    """
    sheets = [{"page": page, "kind": ""} for page in range(first, first + count)]
    html = _furniture_html(inputs, total=total, sheets=sheets)
    return render_pdf(html, title=inputs.title, pdf_variant=None, document_date=inputs.letter_date)


def render_furniture_template(inputs: PackInputs) -> bytes:
    """The static sheet and the number sheet every page's furniture is made from (see ``numbering``)."""
    html = _furniture_html(inputs, total=0, sheets=[{"page": 0, "kind": "static"}, {"page": 0, "kind": "numbers"}])
    return render_pdf(html, title=inputs.title, pdf_variant=None, document_date=inputs.letter_date)


def _furniture_template_file(inputs: PackInputs, folder: Path) -> Path | None:
    """The two furniture sheets as a file for the join, or None (with a warning) if they cannot be reused."""
    path = folder / "furniture.pdf"
    path.write_bytes(render_furniture_template(inputs))
    try:
        with pikepdf.open(path) as furniture:
            numbering.read_furniture(furniture)
    except numbering.NumberingUnavailable as problem:
        logger.warning("Pack %s: numbering page by page instead (%s)", inputs.reference, problem)
        return None
    return path


def assemble(
    inputs: PackInputs,
    chunk_files: Sequence[Path],
    results: Sequence[ChunkResult],
    out: Path,
    *,
    progress: Progress | None = None,
) -> RenderedPack:
    """Front matter + chunks, each part stamped with its page furniture (numbered across the whole pack),
    then joined into ``out``. Stamping part by part keeps memory down: only the join holds the whole pack."""
    with tempfile.TemporaryDirectory(prefix="pack-") as work:
        folder = Path(work)
        if progress:
            progress(86, "Writing the covering letter and schedule")
        front = folder / "front.pdf"
        front.write_bytes(render_front(inputs, results))
        with pikepdf.open(front) as pdf:
            front_pages = len(pdf.pages)
        counts = [front_pages, *(result.pages for result in sorted(results, key=lambda r: r.index))]
        total = sum(counts)
        if progress:
            progress(88, "Numbering the pages")
        parts = [front, *chunk_files]
        furniture = _furniture_template_file(inputs, folder)
        if furniture is None:
            parts = _stamped_page_by_page(inputs, parts, counts, folder)
        if progress:
            progress(90, "Joining the parts")
        pages = chunking.join_apart(parts, out, title=inputs.title, producer=PRODUCER, furniture=furniture)
        if pages != total:
            raise RuntimeError("The joined pack has an unexpected number of pages.")
    ranges = document_ranges(inputs, results, front_pages=front_pages)
    return RenderedPack(
        path=out,
        pages=pages,
        sha256=_file_sha256(out),
        document_pages=tuple(
            (inputs.documents[index].number, first, last) for index, (first, last) in sorted(ranges.items())
        ),
    )


def _stamped_page_by_page(inputs: PackInputs, parts: list[Path], counts: list[int], folder: Path) -> list[Path]:
    """Each part stamped with a WeasyPrint furniture sheet per page, numbered across the whole pack."""
    total = sum(counts)
    stamped: list[Path] = []
    first = 1
    for number, (part, count) in enumerate(zip(parts, counts, strict=True)):
        sheets = folder / f"furniture-{number:05d}.pdf"
        sheets.write_bytes(render_furniture(inputs, total=total, first=first, count=count))
        target = folder / f"part-{number:05d}.pdf"
        chunking.stamp(part, [sheets], target)
        sheets.unlink()
        stamped.append(target)
        first += count
    return stamped


def _file_sha256(path: Path) -> str:
    import hashlib

    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            hasher.update(block)
    return hasher.hexdigest()


def render_all(
    inputs: PackInputs,
    out: Path,
    *,
    chunk_pages: int | None = None,
    progress: Progress | None = None,
) -> RenderedPack:
    """Every step in this process, one chunk at a time (the command line, eager mode, small packs)."""
    planned = chunking.plan(inputs, chunk_pages=chunk_pages)
    with tempfile.TemporaryDirectory(prefix="pack-chunks-") as work:
        files: list[Path] = []
        results: list[ChunkResult] = []
        for chunk in planned:
            if progress:
                progress(
                    5 + 80 * chunk.index // max(1, len(planned)), f"Rendering part {chunk.index + 1} of {len(planned)}"
                )
            data, result = render_chunk(inputs, chunk)
            path = Path(work) / f"chunk-{chunk.index:05d}.pdf"
            path.write_bytes(data)
            files.append(path)
            results.append(result)
        return assemble(inputs, files, results, out, progress=progress)


__all__ = [
    "PDF_UA_1",
    "RenderedPack",
    "assemble",
    "chunk_html",
    "document_ranges",
    "key_rows",
    "pdf_sha256",
    "render_all",
    "render_chunk",
    "render_cover_letter",
    "render_front",
    "render_furniture",
    "render_furniture_template",
    "swap_page_images",
]
