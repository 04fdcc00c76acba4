"""A synthetic disclosure pack for the bench: typed documents beside scans, about one page in three a scan.

The sources are written once into a folder (scanned letters as image-only PDFs made with Pillow, and a
few phone photos as PNG or JPEG), with a manifest; ``pack_inputs_load`` turns the folder into the
renderer's plain-data inputs, the same every time, in any process. Text documents carry span
redactions and scans carry boxes, as a reviewed case would. Every name and word is invented.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import json
import math
import random
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from disclosure.pack.chunks import CHARS_PER_PAGE
from disclosure.pack.inputs import (
    Addressee,
    BoxRedaction,
    HeldInformation,
    LawfulBasis,
    Organisation,
    PackDocument,
    PackInputs,
    PagedContent,
    Purpose,
    SpanRedaction,
    TextContent,
)
from rights import EXEMPTIONS

PACK_DATA_VERSION = 2
SCAN_DPI = 150
A4_PX = (1240, 1754)  # A4 at 150 dpi
A4_PT = (595.28, 841.89)
SCAN_SHARE = 3  # one page in three is a scan
AGENCIES = (
    "Greater Manchester Police",
    "Stockport NHS Foundation Trust",
    "Stockport Council Children's Services",
    "Marple Primary School",
    "Pennine Care NHS Foundation Trust",
)
NAMES = ("Jane Doe", "Bob Smith-Jones", "Carol Quill", "Pat Lee", "Morgan Ashby", "Robin Vance", "Alex Example")
WORDS = [
    "the",
    "family",
    "was",
    "visited",
    "at",
    "home",
    "and",
    "the",
    "children",
    "were",
    "seen",
    "together",
    "in",
    "the",
    "living",
    "room",
    "while",
    "their",
    "mother",
    "explained",
    "the",
    "arrangements",
    "for",
    "school",
    "and",
    "the",
    "health",
    "visitor's",
    "concerns",
    "about",
    "sleep",
    "and",
    "meals",
    "were",
    "discussed",
    "with",
    "her;",
    "the",
    "plan",
    "agreed",
    "at",
    "the",
    "meeting",
    "was",
    "reviewed",
    "and",
    "the",
    "actions",
    "for",
    "each",
    "agency",
    "were",
    "recorded",
    "with",
    "dates;",
    "a",
    "referral",
    "was",
    "made",
    "to",
    "early",
    "help",
    "and",
    "a",
    "further",
    "visit",
    "was",
    "arranged",
    "for",
    "the",
    "following",
    "week",
    "when",
    "the",
    "school",
    "reported",
    "improved",
    "attendance",
    "and",
    "the",
    "child",
    "said",
    "that",
    "things",
    "at",
    "home",
    "were",
    "calmer",
    "than",
    "before",
]
TITLES = (
    "Referral record",
    "Strategy meeting minutes",
    "Health visitor notes",
    "School safeguarding log",
    "Child protection conference report",
    "Case notes",
    "Core group minutes",
    "Assessment summary",
)


# The Art 15 section of an invented subject (production reads it from the holdings: disclosure.pack.build).
HELD = HeldInformation(
    about_subject=True,
    purposes=(Purpose("Child Safeguarding Practice Review", "Where a child has experienced serious harm."),),
    lawful_bases=(LawfulBasis("Public task", "UK GDPR Article 6(1)(e).", ("Child Safeguarding Practice Review",)),),
    categories=("Name", "Date of birth", "Police records"),
    recipients=AGENCIES[:2],
    retention="Agency data is destroyed when its review or audit concludes.",
    sources=(f"{AGENCIES[0]} (Police)",),
    supplied=("Agency reflection record (including individual management review)",),
)


def _code(key: str) -> str:
    return EXEMPTIONS[key].code


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    if rng.random() < 0.35:
        words.insert(rng.randint(0, len(words)), rng.choice(NAMES))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _text_document(rng: random.Random, pages: int) -> tuple[str, list[dict[str, Any]]]:
    """About `pages` pages of case notes, and span redactions over every name in them."""
    paragraphs: list[str] = []
    size = 0
    while size < pages * CHARS_PER_PAGE:
        paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    text = "\n\n".join(paragraphs)
    spans = []
    for name in NAMES:
        start = text.find(name)
        while start >= 0:
            spans.append({"start": start, "end": start + len(name), "exemption": "third_party"})
            start = text.find(name, start + len(name))
    if len(text) > 400:  # one paragraph's worth of health information withheld on serious-harm grounds
        spans.append({"start": 200, "end": 380, "exemption": "serious_harm_health"})
    return text, spans


@functools.cache
def _font(size: int) -> Any:
    return ImageFont.load_default(size=size)


def _scan_page(rng: random.Random, title: str, number: int) -> Image.Image:
    """A typed page as a scanner sees it: greyish paper, black text, a little skew."""
    image = Image.new("L", A4_PX, 244)
    draw = ImageDraw.Draw(image)
    draw.text((120, 110), f"{title} - page {number}", font=_font(34), fill=10)
    y = 200
    while y < A4_PX[1] - 160:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 13)))
        if rng.random() < 0.1:
            line = f"{rng.choice(NAMES)} {line}"
        draw.text((120, y), line, font=_font(24), fill=rng.randint(0, 40))
        y += 38
    return image.rotate(rng.uniform(-0.6, 0.6), fillcolor=244, resample=Image.Resampling.BILINEAR)


def _boxes(rng: random.Random, page: int) -> list[dict[str, Any]]:
    """One to three rectangles over lines of the page, in points from the top left."""
    boxes = []
    for _ in range(rng.randint(1, 3)):
        top = rng.uniform(120, 760)
        boxes.append(
            {
                "page": page,
                "x0": 55.0,
                "top": top,
                "x1": rng.uniform(200, 520),
                "bottom": top + 14.0,
                "exemption": "third_party",
            }
        )
    return boxes


def pack_sources_write(folder: Path, *, pages: int, seed: int = 8) -> Path:
    """Write the documents of a pack of about `pages` pages into `folder` (replaced), with manifest.json."""
    rng = random.Random(seed)  # noqa: S311 - invented content, reproducible on purpose
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    scan_pages = max(1, round(pages / SCAN_SHARE)) if pages >= 3 else 0
    text_pages = max(1, pages - scan_pages)
    documents: list[dict[str, Any]] = []
    number = 0
    text_left, scan_left = text_pages, scan_pages
    while text_left > 0 or scan_left > 0:
        number += 1
        title = f"{rng.choice(TITLES)} {number}"
        agency = rng.choice(AGENCIES)
        date = (dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1500))).isoformat()
        if text_left > 0 and (scan_left <= 0 or rng.random() < text_left / (text_left + scan_left)):
            size = min(text_left, rng.choice((1, 2, 3, 5, 8, 12, 20)))
            text, spans = _text_document(rng, size)
            documents.append({"title": title, "agency": agency, "date": date, "text": text, "spans": spans})
            text_left -= size
            continue
        if scan_left >= 1 and rng.random() < 0.2:  # a phone photo of a letter
            image = _scan_page(rng, title, 1).convert("RGB")
            image.thumbnail((1100, 1550))
            fmt = rng.choice(("PNG", "JPEG"))
            name = f"doc-{number:04d}.{'png' if fmt == 'PNG' else 'jpg'}"
            image.save(folder / name, format=fmt, **({"quality": 82} if fmt == "JPEG" else {}))
            size_pt = (image.width * 72 / SCAN_DPI, image.height * 72 / SCAN_DPI)
            documents.append(
                {
                    "title": title,
                    "agency": agency,
                    "date": date,
                    "file": name,
                    "format": "image",
                    "pages": 1,
                    "page_sizes": [list(size_pt)],
                    "boxes": _boxes(rng, 1),
                }
            )
            scan_left -= 1
            continue
        size = min(scan_left, rng.choice((1, 2, 4, 6, 10)))
        images = [_scan_page(rng, title, page + 1) for page in range(size)]
        name = f"doc-{number:04d}.pdf"
        out = io.BytesIO()
        images[0].save(out, format="PDF", resolution=float(SCAN_DPI), save_all=True, append_images=images[1:])
        (folder / name).write_bytes(out.getvalue())
        boxes = [box for page in range(1, size + 1) for box in _boxes(rng, page)]
        documents.append(
            {
                "title": title,
                "agency": agency,
                "date": date,
                "file": name,
                "format": "pdf",
                "pages": size,
                "boxes": boxes,
            }
        )
        scan_left -= size
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"version": PACK_DATA_VERSION, "pages": pages, "documents": documents}, indent=1))
    return manifest


def _counts(codes: list[str]) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for code in codes:
        found[code] = found.get(code, 0) + 1
    return tuple(sorted(found.items()))


@functools.cache
def pack_inputs_load(folder: str) -> PackInputs:
    """The renderer's inputs for the pack in `folder` (cached per process: every chunk task reads it)."""
    root = Path(folder)
    manifest = json.loads((root / "manifest.json").read_text())
    documents: list[PackDocument] = []
    for number, item in enumerate(manifest["documents"], start=1):
        content: TextContent | PagedContent
        if "text" in item:
            spans = tuple(
                SpanRedaction(start=s["start"], end=s["end"], code=_code(s["exemption"])) for s in item["spans"]
            )
            content = TextContent(text=item["text"], spans=spans)
            codes = [span.code for span in spans]
        else:
            path = root / item["file"]
            boxes = tuple(
                BoxRedaction(
                    page=b["page"], x0=b["x0"], top=b["top"], x1=b["x1"], bottom=b["bottom"], code=_code(b["exemption"])
                )
                for b in item["boxes"]
            )
            sizes = item.get("page_sizes")
            content = PagedContent(
                source=path,
                format=item["format"],
                page_count=item["pages"],
                sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                boxes=boxes,
                page_sizes=tuple((float(w), float(h)) for w, h in sizes) if sizes else None,
            )
            codes = [box.code for box in boxes]
        documents.append(
            PackDocument(
                number=number,
                title=item["title"],
                agency=item["agency"],
                date=dt.date.fromisoformat(item["date"]),
                content=content,
                redaction_counts=_counts(codes),
            )
        )
    return PackInputs(
        reference="RR-2026-BENCH",
        letter_date=dt.date(2026, 3, 16),
        received=dt.date(2026, 2, 16),
        organisation=Organisation.from_settings(settings.ORGANISATION),
        addressee=Addressee(name="Sam Example", address=("1 Example Street", "Stockport", "SK1 1AA")),
        subject_name="Alex Example",
        on_behalf=True,
        documents=tuple(documents),
        held=HELD,
    )


def pages_expected(inputs: PackInputs) -> int:
    """The document pages the plan expects (text estimated from its length; scans exactly)."""
    total = 0
    for document in inputs.documents:
        content = document.content
        if isinstance(content, PagedContent):
            total += content.page_count
        else:
            total += max(1, math.ceil(len(content.text) / CHARS_PER_PAGE))
    return total
