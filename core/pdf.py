"""The one safe way to turn HTML into a PDF: WeasyPrint with a locked-down fetcher and clean metadata.

Letters and disclosure packs both come through here, so three promises hold for every PDF we send:
- nothing outside the project's own static files (and images handed in by the caller) can be loaded
  into it: no file://, no network, no odd data: URLs — a refused URL simply does not load;
- its metadata names no member of staff and no path: the title we give, no author, a fixed
  creator and producer, and dates only when the caller fixes them;
- the same inputs give the same bytes (the PDF identifier is a hash of the content), so the
  SHA-256 we record identifies the document.

Templates link static files with relative URLs (``<link rel="stylesheet" href="css/pack.css">``),
resolved against ``STATIC_BASE_URL``; caller-supplied images (e.g. rasterised scan pages) are passed
as ``resources={"page-1.png": png_bytes}`` and linked as ``<img src="/inline/page-1.png">`` (or with the
full ``INLINE_BASE_URL``). Base64 PNG/JPEG ``data:`` URLs work too, for small images.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pydyf  # type: ignore[import-untyped]
import weasyprint
from django.apps import apps
from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# A reserved, never-resolvable origin (RFC 2606 ".invalid"): it only names our own files, and the
# fetcher answers for it itself — nothing is ever asked of the network.
STATIC_ORIGIN = "https://rights-desk.invalid"
STATIC_BASE_URL = f"{STATIC_ORIGIN}/static/"
INLINE_BASE_URL = f"{STATIC_ORIGIN}/inline/"

PRODUCER = "Rights Desk"
PDF_LANG = "en-GB"
PDF_UA_1 = "pdf/ua-1"

MAX_STATIC_BYTES = 10 * 1024 * 1024
MAX_INLINE_BYTES = 50 * 1024 * 1024

# What a document may pull in: stylesheets, fonts and raster images. SVG is left out: it is a
# document of its own, with scripts and links, and nothing we print needs it.
STATIC_TYPES: dict[str, str] = {
    ".css": "text/css",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
IMAGE_MAGIC: dict[str, bytes] = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
_DATA_URL = re.compile(r"^data:(image/png|image/jpeg);base64,([A-Za-z0-9+/=\s]+)$")
_RESOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class RefusedURL(ValueError):
    """A URL the PDF renderer will not load; WeasyPrint logs it and carries on without it."""


def _static_roots() -> list[Path]:
    """The project's own static folders: STATICFILES_DIRS and each installed app's ``static/``."""
    roots: list[Path] = []
    for entry in settings.STATICFILES_DIRS:
        root = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(root))
    for app_config in apps.get_app_configs():
        app_static = Path(app_config.path) / "static"
        if app_static.is_dir():
            roots.append(app_static)
    return [root.resolve() for root in roots if root.is_dir()]


def _image_type(data: bytes) -> str | None:
    return next((mime for mime, magic in IMAGE_MAGIC.items() if data.startswith(magic)), None)


class SafeURLFetcher(URLFetcher):  # type: ignore[misc]
    """Serves only the project's static files, caller-given images and plain image data: URLs.

    Anything else (file://, http(s)://, ftp:, other data: URLs, path tricks) raises RefusedURL,
    which WeasyPrint reports as a failed load and renders on without.
    """

    def __init__(self, resources: Mapping[str, bytes] | None = None) -> None:
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False, fail_on_errors=False)
        self._resources = dict(resources or {})
        for name, data in self._resources.items():
            if not _RESOURCE_NAME.match(name):
                raise ValueError(f"{name!r} is not a plain resource name (letters, digits, '.', '_', '-').")
            if _image_type(data) is None:
                raise ValueError(f"Resource {name!r} is not a PNG or JPEG image.")

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url)
        except RefusedURL as refused:
            logger.warning("PDF renderer refused a URL: %s", refused)
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        shown = url[:80]
        if url.startswith("data:"):
            return self._fetch_data(url)
        if not url.startswith(f"{STATIC_ORIGIN}/"):
            raise RefusedURL(f"{shown!r} is not one of the project's own files")
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != STATIC_ORIGIN.removeprefix("https://"):
            raise RefusedURL(f"{shown!r} is not one of the project's own files")
        path = unquote(parts.path)
        if "\x00" in path or "\\" in path or any(seg in {"..", "."} for seg in path.split("/")):
            raise RefusedURL(f"{shown!r} has a path that leaves its folder")
        if path.startswith("/inline/"):
            name = path.removeprefix("/inline/")
            data = self._resources.get(name)
            if data is None:
                raise RefusedURL(f"no inline resource called {name!r}")
            return URLFetcherResponse(url, body=data, headers={"Content-Type": _image_type(data) or ""})
        if path.startswith("/static/"):
            return self._fetch_static(url, path.removeprefix("/static/"))
        raise RefusedURL(f"{shown!r} is not one of the project's own files")

    def _fetch_static(self, url: str, relative: str) -> URLFetcherResponse:
        if not relative or relative.startswith("/"):
            raise RefusedURL(f"{relative!r} is not a static file name")
        mime = STATIC_TYPES.get(Path(relative).suffix.lower())
        if mime is None:
            raise RefusedURL(f"{relative!r} is not a stylesheet, font or image")
        for root in _static_roots():
            candidate = (root / relative).resolve()
            # resolve() follows symlinks, so a link pointing out of the folder is caught here too.
            if candidate.is_relative_to(root) and candidate.is_file():
                if candidate.stat().st_size > MAX_STATIC_BYTES:
                    raise RefusedURL(f"{relative!r} is too large to embed")
                data = candidate.read_bytes()
                if mime.startswith("image/") and _image_type(data) != mime:
                    raise RefusedURL(f"{relative!r} is not the image its name says")
                return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})
        raise RefusedURL(f"no static file {relative!r}")

    def _fetch_data(self, url: str) -> URLFetcherResponse:
        match = _DATA_URL.match(url)
        if match is None:
            raise RefusedURL("only base64 PNG or JPEG data: URLs are allowed")
        try:
            data = binascii.a2b_base64(re.sub(r"\s+", "", match[2]), strict_mode=True)
        except (binascii.Error, ValueError):
            raise RefusedURL("a data: URL is not valid base64") from None
        if len(data) > MAX_INLINE_BYTES or _image_type(data) != match[1]:
            raise RefusedURL("a data: URL is not the image its type says")
        return URLFetcherResponse("data:", body=data, headers={"Content-Type": match[1]})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        # Never fall through to urllib's openers (file, http, ftp): every load goes through fetch().
        return self.fetch(url if isinstance(url, str) else url.full_url)


#: A fetcher with no inline resources, for ``weasyprint.HTML(..., url_fetcher=safe_url_fetcher)``.
safe_url_fetcher = SafeURLFetcher()


def _w3c_date(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _clean_metadata(document: Any, *, title: str, document_date: dt.date | None) -> None:
    """Replace whatever the HTML said (<meta name=author>, keywords, attachments) with our own."""
    metadata = document.metadata
    metadata.title = title
    metadata.authors = []
    metadata.description = None
    metadata.keywords = []
    metadata.generator = PRODUCER
    metadata.custom = {}
    metadata.attachments = []
    metadata.xmp_metadata = []
    metadata.created = metadata.modified = _w3c_date(document_date) if document_date else None
    metadata.lang = metadata.lang or PDF_LANG


def _fix_producer(document: Any, pdf: Any) -> None:
    """WeasyPrint writes its own name as producer in the info dictionary and the XMP packet."""
    pdf.info["Producer"] = pydyf.String(PRODUCER)
    own_name = f'pdf:Producer="WeasyPrint {weasyprint.__version__}"'.encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [
                part.replace(own_name, f'pdf:Producer="{PRODUCER}"'.encode()) if isinstance(part, bytes) else part
                for part in obj.stream
            ]


def render_pdf(
    html: str,
    *,
    title: str,
    pdf_variant: str | None = PDF_UA_1,
    document_date: dt.date | None = None,
    resources: Mapping[str, bytes] | None = None,
) -> bytes:
    """Render HTML (already escaped by Django's templates) to PDF bytes, tagged as PDF/UA-1 by default.

    ``title`` becomes the PDF title: keep personal names out of it (use the reference).
    ``document_date`` fixes the creation and modification dates; without it none are written.
    """
    if not title.strip():
        raise ValueError("A PDF needs a title (PDF/UA): use the reference, never a personal name.")
    fetcher = SafeURLFetcher(resources) if resources else safe_url_fetcher
    document = weasyprint.HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).render()
    _clean_metadata(document, title=title.strip(), document_date=document_date)
    pdf: bytes = document.write_pdf(
        pdf_variant=pdf_variant,
        pdf_identifier=True,  # an MD5 of the content, not a random value: same inputs, same bytes
        pdf_forms=False,
        finisher=_fix_producer,
    )
    return pdf


def count_pages(html: str, *, resources: Mapping[str, bytes] | None = None) -> int:
    """How many pages ``html`` lays out to, without writing a PDF (about half the cost of render_pdf)."""
    fetcher = SafeURLFetcher(resources) if resources else safe_url_fetcher
    return len(weasyprint.HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).render().pages)


def pdf_sha256(data: bytes) -> str:
    """The SHA-256 we record beside every PDF, as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()
