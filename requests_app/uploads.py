"""What an uploaded file really is, found from its content (never its name), and whether we accept it.

One check for every upload: documents for disclosure (disclosure.services.documents) and the scans of letters and
evidence (requests_app.services) alike.

Only formats that cannot hide content from a reviewer are accepted: plain UTF-8 text, PDF, PNG and
JPEG. Spreadsheets (hidden sheets, rows, pivot caches: Islington, PSNI), word-processor files, web
pages, archives and programs are refused, saying what was found and what is accepted.
"""

from __future__ import annotations

import enum
import io
import re
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from rights import ApplicationError

ACCEPTED = "Accepted: plain text (UTF-8), PDF (with a text layer, or scanned pages), PNG or JPEG images."
CONVERT = "Save or print it as a PDF, or copy its text, and upload that instead."
# A page side longer than this is no paper anyone scans (A0's long side is 3,370 pt): a 14,400-pt page would take
# gigabytes to draw. 1 pt = 1/72 inch.
MAX_PAGE_SIDE_PT = 5000
MAX_IMAGE_PIXELS = 60_000_000  # a 600 dpi A3 scan is 48 megapixels; anything larger is a decompression bomb
# Browsers sniff the start of a file for markup: a PDF or image with HTML there is a polyglot, never a scan.
SNIFF_BYTES = 1024
_HTML = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|img|object|embed)\b", re.IGNORECASE)
# Unicode category Cc except tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class UploadKind(enum.StrEnum):
    TEXT = "text"
    PDF = "pdf"
    PNG = "png"
    JPEG = "jpeg"


MEDIA_TYPES = {
    UploadKind.TEXT: "text/plain; charset=utf-8",
    UploadKind.PDF: "application/pdf",
    UploadKind.PNG: "image/png",
    UploadKind.JPEG: "image/jpeg",
}


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: what it is, its bytes, and (for text) the decoded text."""

    kind: UploadKind
    data: bytes
    text: str = ""
    page_count: int = 1

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def _refuse(name: str, found: str, why: str = "") -> ApplicationError:
    label = f"“{name}”" if name else "The file"
    parts = [f"{label} cannot be accepted: it is {found}."]
    if why:
        parts.append(why)
    parts.append(ACCEPTED)
    return ApplicationError(" ".join(parts), field="file")


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"


def check_upload(data: bytes, *, name: str = "", max_bytes: int) -> CheckedUpload:
    """Accept text, PDF, PNG or JPEG by content; refuse everything else with a plain-words reason.

    `name` is used only in messages: a spreadsheet renamed ``.pdf`` is still a spreadsheet.
    """
    if not data:
        raise ApplicationError(f"{'“' + name + '”' if name else 'The file'} is empty.", field="file")
    if len(data) > max_bytes:
        raise ApplicationError(
            f"{'“' + name + '”' if name else 'The file'} is {_size(len(data))}; the largest file accepted is "
            f"{_size(max_bytes)}. Split it into smaller PDFs.",
            field="file",
        )
    head = data[:16]
    if head.startswith((b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) and _HTML.search(data[:SNIFF_BYTES]):
        raise _refuse(
            name,
            "a file that is also a web page (HTML inside a PDF or image)",
            "A browser could run it as a page. Ask for a clean copy, or print it to a new PDF.",
        )
    if head.startswith(b"%PDF-"):
        return _check_pdf(data, name)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _check_image(data, name, UploadKind.PNG, "PNG")
    if head.startswith(b"\xff\xd8\xff"):
        return _check_image(data, name, UploadKind.JPEG, "JPEG")
    found = _binary_kind(data)
    if found is not None:
        raise _refuse(name, *found)
    return _check_text(data, name)


def _binary_kind(data: bytes) -> tuple[str, str] | None:
    """Recognise the formats we refuse, to say exactly what was found."""
    head = data[:16]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return (
            "an older Microsoft Office file (Word .doc, Excel .xls or PowerPoint .ppt)",
            f"These can hide sheets, rows, comments and tracked changes. {CONVERT}",
        )
    if head.startswith(b"MZ"):
        return ("a Windows program or library", "Programs are never accepted.")
    if head.startswith(b"\x7fELF"):
        return ("a program (ELF executable)", "Programs are never accepted.")
    if head.startswith((b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        return ("a program (Mac executable)", "Programs are never accepted.")
    if head.startswith(b"\x1f\x8b"):
        return ("a compressed archive (gzip)", "Archives can hide any number of files; upload each document itself.")
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return ("a compressed archive (7-Zip)", "Archives can hide any number of files; upload each document itself.")
    if head.startswith(b"Rar!"):
        return ("a compressed archive (RAR)", "Archives can hide any number of files; upload each document itself.")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return ("a GIF image", "Save it as PNG or JPEG.")
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return ("a TIFF image", "TIFF files can hold several hidden pages; save each page as PNG or as one PDF.")
    if head.startswith(b"BM"):
        return ("a BMP image", "Save it as PNG or JPEG.")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("a WebP image", "Save it as PNG or JPEG.")
    if head.startswith(b"{\\rtf"):
        return ("a Rich Text Format (RTF) document", f"RTF can hide text and embedded objects. {CONVERT}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("text in UTF-16", "Save the text as UTF-8.")
    return None


def _zip_kind(data: bytes) -> tuple[str, str]:
    archive = "Archives can hide any number of files; upload each document itself."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            names = set(bundle.namelist())
            mimetype = ""
            if "mimetype" in names:
                mimetype = bundle.read("mimetype")[:100].decode("ascii", errors="replace").strip()
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return ("a damaged zip archive", archive)
    spreadsheet_why = f"Spreadsheets can hide sheets, rows, columns and pivot caches. {CONVERT}"
    if any(n.startswith("xl/") for n in names):
        return ("an Excel spreadsheet (.xlsx)", spreadsheet_why)
    if mimetype.startswith("application/vnd.oasis.opendocument.spreadsheet"):
        return ("an OpenDocument spreadsheet (.ods)", spreadsheet_why)
    if any(n.startswith("word/") for n in names):
        return ("a Word document (.docx)", f"Word documents can hide comments, tracked changes and fields. {CONVERT}")
    if mimetype.startswith("application/vnd.oasis.opendocument.text"):
        return ("an OpenDocument text document (.odt)", f"These can hide comments and tracked changes. {CONVERT}")
    if any(n.startswith("ppt/") for n in names) or mimetype.startswith(
        "application/vnd.oasis.opendocument.presentation"
    ):
        return ("a presentation (PowerPoint or OpenDocument)", f"Presentations can hide slides and notes. {CONVERT}")
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return ("an OpenDocument file", CONVERT)
    return ("a zip archive", archive)


def _check_pdf(data: bytes, name: str) -> CheckedUpload:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise _refuse(name, "a password-protected PDF", "Ask the agency for a copy without a password.")
            page_count = len(reader.pages)
            attachments = reader.attachments
            oversized = _oversized_page(reader)
    except ApplicationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise _refuse(name, "a damaged PDF that cannot be read", "Ask the agency for a fresh copy.") from None
    if page_count == 0:
        raise _refuse(name, "a PDF with no pages")
    if oversized is not None:
        number, width, height = oversized
        raise _refuse(
            name,
            f"a PDF whose page {number} is {width / 72 * 25.4 / 1000:.2f} by {height / 72 * 25.4 / 1000:.2f} metres",
            "Pages larger than a sheet of A0 (about 1.8 metres on a side at most) cannot be shown for review. "
            "Print or scan it to a normal paper size and upload that.",
        )
    if attachments:
        raise _refuse(
            name,
            f"a PDF with {len(attachments)} attached file{'s' if len(attachments) != 1 else ''}",
            "Attachments inside a PDF are hidden from review; save each attachment and upload it on its own.",
        )
    return CheckedUpload(UploadKind.PDF, data, page_count=page_count)


def _oversized_page(reader: PdfReader) -> tuple[int, float, float] | None:
    """The first page (number, width, height in points) whose box is absurdly large or has no area, if any."""
    for number, page in enumerate(reader.pages, start=1):
        box, unit = page.mediabox, float(page.user_unit or 1)  # UserUnit (PDF 1.6) scales every box
        width, height = abs(float(box.width)) * unit, abs(float(box.height)) * unit
        if max(width, height) > MAX_PAGE_SIDE_PT or min(width, height) < 1:
            return number, width, height
    return None


def _check_image(data: bytes, name: str, kind: UploadKind, label: str) -> CheckedUpload:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != label:
                    raise _refuse(name, f"an image whose content is {image.format}, not {label}")
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                image.verify()
    except ApplicationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(name, f"a {label} image too large to open safely", "Scan it at a lower resolution.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(name, f"a damaged {label} image that cannot be read") from None
    if width * height > MAX_IMAGE_PIXELS:
        raise _refuse(name, f"a {label} image of {width} by {height} pixels", "Scan it at a lower resolution.")
    if frames > 1:
        raise _refuse(
            name,
            f"an animated {label} with {frames} frames",
            "Only the first frame would be reviewed; save each frame.",
        )
    return CheckedUpload(kind, data)


def check_scan(data: bytes, *, name: str = "", max_bytes: int, field: str) -> CheckedUpload:
    """A scan of a letter or of evidence: the same content checks as a document, and only PDF, PNG or JPEG."""
    try:
        checked = check_upload(data, name=name, max_bytes=max_bytes)
    except ApplicationError as error:
        raise ApplicationError(error.message, field=field) from None
    if checked.kind == UploadKind.TEXT:
        raise ApplicationError("The scan must be a PDF, PNG or JPEG file.", field=field)
    return checked


def _check_text(data: bytes, name: str) -> CheckedUpload:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse(
            name, "binary data, or text not in UTF-8", "If it is text, save it as UTF-8 plain text."
        ) from None
    if _CONTROL.search(text):
        raise _refuse(name, "binary data (it holds control characters that text never does)")
    probe = text[:4096].lstrip().lower()
    if probe.startswith(("<!doctype html", "<html", "<head", "<body")) or any(
        tag in text.lower() for tag in ("<html", "<script", "<body", "<iframe")
    ):
        raise _refuse(name, "a web page (HTML)", f"Web pages can hide text and run scripts. {CONVERT}")
    if probe.startswith(("<?xml", "<svg")):
        raise _refuse(name, "an XML or SVG file", f"These can hide content. {CONVERT}")
    if not text.strip():
        raise ApplicationError(f"{'“' + name + '”' if name else 'The file'} holds no text.", field="file")
    return CheckedUpload(UploadKind.TEXT, data, text=text.replace("\r\n", "\n").replace("\r", "\n"))
