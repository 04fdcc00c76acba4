"""OCR's own figure: scanned pages read as the upload task reads them (drawn at OCR_DPI, read by Tesseract).

The pages are synthetic A4 scans at 150 dpi with a dozen lines of typed words each, as a partner agency's
scanned letter; one worker process (a stage runs in a fresh process, so its peak is OCR's own).
"""

from __future__ import annotations

import io
import resource
import time

from PIL import Image, ImageDraw, ImageFont

from bench.figures import OcrFigure
from bench.pack import cpu_seconds, peak_mib
from disclosure.extract import page_image
from disclosure.ocr import OCR_DPI, engine_name, read_image

LINES = (
    "Strategy meeting held at the family home on 14 March 2026.",
    "Present: social worker, health visitor, school nurse and the mother.",
    "The child was seen alone and spoke about school and friends.",
    "Concerns were raised about the mother's partner and his visits.",
    "Agreed actions: weekly visits, referral to early help, review in six weeks.",
)


def scanned_page(number: int) -> bytes:
    """A one-page scanned PDF (an image only, 150 dpi) with typed lines on it."""
    image = Image.new("L", (1240, 1754), 250)
    draw = ImageDraw.Draw(image)
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype("DejaVuSans.ttf", 24)
    except OSError:
        font = ImageFont.load_default(size=24)
    for row in range(14):
        draw.text((110, 150 + row * 90), f"{number}.{row} {LINES[row % len(LINES)]}", font=font, fill=20)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=150.0)
    return out.getvalue()


def ocr_benchmark(*, pages: int) -> OcrFigure:
    engine = engine_name()
    sources = [scanned_page(number) for number in range(1, pages + 1)]
    started, cpu_started = time.perf_counter(), cpu_seconds()
    words = 0
    for data in sources:
        image = page_image(data, is_pdf=True, number=1, dpi=OCR_DPI)
        words += len(read_image(image, dpi=OCR_DPI))
        image.close()
    seconds = time.perf_counter() - started
    # Tesseract runs as a child process of this one: its CPU and memory are counted with the children's
    cpu = cpu_seconds() - cpu_started + cpu_seconds(resource.RUSAGE_CHILDREN)
    peak = max(peak_mib(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    if words == 0:
        raise RuntimeError("OCR read no words from the bench's pages.")
    return OcrFigure(pages=pages, seconds=seconds, cpu_seconds=cpu, peak_mib=peak, engine=engine)
