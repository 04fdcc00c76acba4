"""Fixtures for the disclosure tests: staff, an access request under way, and small real files."""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile

import pytest
from django.contrib.auth.models import User
from PIL import Image

from requests_app.models import RightsRequest
from tests.factories import make_request

RECEIVED = dt.date(2026, 3, 2)  # a Monday
TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def access_request(staff: dict[str, User]) -> RightsRequest:
    return make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])


@functools.cache
def pdf_from_html(html: str) -> bytes:
    """A real PDF with a text layer, written by WeasyPrint (once per test process for each html: bytes do not change)."""
    import weasyprint

    return weasyprint.HTML(string=f"<html><body style='font-size:12pt'>{html}</body></html>").write_pdf()


def png_bytes(size: tuple[int, int] = (300, 200), *, dpi: int | None = 150, fmt: str = "PNG") -> bytes:
    image = Image.new("RGB", size, "white")
    for x in range(20, 120):
        for y in range(20, 40):
            image.putpixel((x, y), (0, 0, 0))
    out = io.BytesIO()
    kwargs = {"dpi": (dpi, dpi)} if dpi else {}
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def scan_pdf_bytes(pages: int = 2) -> bytes:
    """A PDF of images only: no text layer, as a scanner makes."""
    images = [Image.new("RGB", (850, 1100), "white") for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=100.0)
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bundle:
        for name, data in entries.items():
            bundle.writestr(name, data)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
            "xl/workbook.xml": b"<workbook><sheets><sheet name='Hidden' state='hidden'/></sheets></workbook>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
            "xl/pivotCache/pivotCacheDefinition1.xml": b"<pivotCacheDefinition/>",
        }
    )


def ods_bytes() -> bytes:
    return zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:document-content/>"}
    )


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
