"""Turning what an agency returns into PDFs that review and redaction can work on.

Word and Excel files go through LibreOffice headless (Debian's package), one process per file, each with
a fresh profile in a temporary folder whose settings forbid macros, a time limit, and no network asked
for. An email (.eml, or Outlook's .msg) becomes one PDF of its headers and text, plus each attachment
converted the same way. What cannot be converted is said in plain words; the original is always kept.
"""

from __future__ import annotations

import email
import email.policy
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from disclosure.models import ReturnFileKind
from rights import ApplicationError

ACCEPTED_TEXT = (
    "Accepted: PDF, PNG or JPEG images, Word (.docx, .doc), Excel (.xlsx, .xls), and emails (.eml, Outlook .msg)."
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04",)
EMAIL_HEADERS = ("from:", "to:", "subject:", "date:", "received:", "mime-version:", "message-id:", "return-path:")
MAX_ATTACHMENT_DEPTH = 2  # an email inside an email is converted; one more level down is not
DEFAULT_CONVERT_SECONDS = 120
# LibreOffice's settings for a fresh profile: macros never run, whatever the document asks.
NO_MACROS_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseOpenCL" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


class ConversionError(Exception):
    """A file that could not be turned into a PDF; the message is plain words for the agency and caseworker."""


@dataclass(frozen=True)
class ConvertedPart:
    """One PDF (or PNG/JPEG, which review takes as they are) made from a returned file."""

    title: str
    data: bytes
    name: str


@dataclass
class Conversion:
    parts: list[ConvertedPart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # attachments left out, and why


def soffice_path() -> str | None:
    """LibreOffice's command, if installed (setting SOFFICE_PATH, else soffice or libreoffice on the PATH)."""
    configured = str(getattr(settings, "SOFFICE_PATH", "") or "")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_seconds() -> int:
    return int(getattr(settings, "OFFICE_CONVERT_SECONDS", DEFAULT_CONVERT_SECONDS))


def _ole_kind(data: bytes) -> ReturnFileKind | None:
    import olefile  # type: ignore[import-untyped]  # a dependency of extract-msg

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, TypeError):
        return None
    if "__properties_version1.0" in streams or any(s.startswith("__substg1.0_") for s in streams):
        return ReturnFileKind.OUTLOOK
    if "WordDocument" in streams:
        return ReturnFileKind.WORD
    if "Workbook" in streams or "Book" in streams:
        return ReturnFileKind.EXCEL
    return None


def _zip_kind(data: bytes) -> ReturnFileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            names = bundle.namelist()
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None
    if any(n.startswith("word/") for n in names):
        return ReturnFileKind.WORD
    if any(n.startswith("xl/") for n in names):
        return ReturnFileKind.EXCEL
    return None


def _looks_like_email(data: bytes, name: str) -> bool:
    head = data[:4096].lstrip().lower()
    del name  # an email is known by its headers, whatever it is called
    return any(head.startswith(h.encode()) for h in EMAIL_HEADERS) and b"\x00" not in data[:4096]


def classify(data: bytes, *, name: str = "") -> ReturnFileKind:
    """What a returned file is, from its content (the name only tells an email from plain text)."""
    label = f"“{name}”" if name else "The file"
    if not data:
        raise ApplicationError(f"{label} is empty.", field="records")
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return ReturnFileKind.PDF
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return ReturnFileKind.IMAGE
    if head.startswith(ZIP_MAGIC):
        kind = _zip_kind(data)
        if kind is not None:
            return kind
    elif head.startswith(OLE_MAGIC):
        kind = _ole_kind(data)
        if kind is not None:
            return kind
    elif _looks_like_email(data, name):
        return ReturnFileKind.EMAIL
    raise ApplicationError(
        f"{label} cannot be accepted: it is not a file we can read. {ACCEPTED_TEXT}", field="records"
    )


# LibreOffice ---------------------------------------------------------------------------------------

_SUFFIX = {ReturnFileKind.WORD: (".docx", ".doc"), ReturnFileKind.EXCEL: (".xlsx", ".xls")}


def office_to_pdf(data: bytes, *, kind: ReturnFileKind, seconds: int | None = None) -> bytes:
    """A Word or Excel file as PDF, by a fresh LibreOffice process with its own profile and a time limit."""
    command = soffice_path()
    if command is None:
        raise ConversionError(
            "LibreOffice is not installed on the server, so Word and Excel files cannot be converted."
        )
    zipped = data.startswith(ZIP_MAGIC)
    suffix = _SUFFIX[kind][0 if zipped else 1]
    seconds = seconds or convert_seconds()
    with tempfile.TemporaryDirectory(prefix="rights-desk-convert-") as folder:
        work = Path(folder)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(NO_MACROS_XCU, encoding="utf-8")
        source = work / f"returned{suffix}"
        source.write_bytes(data)
        out = work / "out"
        out.mkdir()
        environment = {"HOME": str(work), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        try:
            finished = subprocess.run(  # noqa: S603 - a fixed command and a file name we chose
                [
                    command,
                    f"-env:UserInstallation={profile.as_uri()}",
                    "--headless",
                    "--norestore",
                    "--nolockcheck",
                    "--nodefault",
                    "--nologo",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    str(source),
                ],
                cwd=work,
                env=environment,
                capture_output=True,
                timeout=seconds,
                check=False,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired:
            raise ConversionError(f"Converting it took longer than {seconds} seconds, so it was stopped.") from None
        result = out / "returned.pdf"
        if finished.returncode != 0 or not result.exists() or result.stat().st_size == 0:
            raise ConversionError(
                "LibreOffice could not open it: it may be damaged or protected by a password. Ask for a fresh copy."
            )
        return result.read_bytes()


# Emails --------------------------------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """The text of an HTML email body: never rendered as HTML (it could fetch things or hide text)."""

    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head"}:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line).strip()


@dataclass(frozen=True)
class _Mail:
    headers: list[tuple[str, str]]
    body: str
    attachments: list[tuple[str, bytes]]


def _parse_eml(data: bytes) -> _Mail:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)  # noqa: S101 - the default policy makes EmailMessage
    headers = [
        (name, str(parsed.get(name, ""))) for name in ("From", "To", "Cc", "Date", "Subject") if parsed.get(name)
    ]
    body_part = parsed.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        content = body_part.get_content()
        body = html_text(content) if body_part.get_content_type() == "text/html" else str(content)
    attachments: list[tuple[str, bytes]] = []
    for number, part in enumerate(parsed.iter_attachments(), start=1):
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            attachments.append((part.get_filename() or f"attachment {number}", payload))
        elif part.get_content_type() == "message/rfc822":
            inner: Any = part.get_payload()
            if isinstance(inner, list) and inner:
                attachments.append((f"attached email {number}.eml", inner[0].as_bytes()))
    return _Mail(headers, body, attachments)


def _parse_msg(data: bytes) -> _Mail:
    import extract_msg

    try:
        message: Any = extract_msg.openMsg(data)
    except Exception as error:  # the library raises many kinds on a broken file
        raise ConversionError("The Outlook email could not be read: it may be damaged.") from error
    try:
        headers = [
            (label, str(value))
            for label, value in (
                ("From", message.sender),
                ("To", message.to),
                ("Cc", message.cc),
                ("Date", message.date),
                ("Subject", message.subject),
            )
            if value
        ]
        body = str(message.body or "")
        if not body.strip() and getattr(message, "htmlBody", None):
            body = html_text(message.htmlBody.decode("utf-8", errors="replace"))
        attachments: list[tuple[str, bytes]] = []
        attachment: Any
        for number, attachment in enumerate(message.attachments, start=1):
            payload = attachment.data
            label = attachment.longFilename or attachment.shortFilename or f"attachment {number}"
            if isinstance(payload, bytes) and payload:
                attachments.append((str(label), payload))
            elif payload is not None and hasattr(payload, "exportBytes"):
                attachments.append((f"{label}.msg", payload.exportBytes()))
    finally:
        message.close()
    return _Mail(headers, body, attachments)


def _mail_pdf(mail: _Mail, *, title: str, left_out: list[str]) -> bytes:
    from core.pdf import render_pdf  # WeasyPrint: loaded when a PDF is drawn, not at start-up

    html = render_to_string(
        "disclosure/returns/email_pdf.html",
        {
            "headers": mail.headers,
            "body": mail.body,
            "attachments": [name for name, _ in mail.attachments],
            "left_out": left_out,
        },
    )
    return render_pdf(html, title=title)


def convert(data: bytes, *, kind: ReturnFileKind, name: str, depth: int = 0) -> Conversion:
    """The PDFs (or images) review works on, made from one returned file."""
    result = Conversion()
    if kind in {ReturnFileKind.PDF, ReturnFileKind.IMAGE}:
        result.parts.append(ConvertedPart(name, data, name))
        return result
    if kind in {ReturnFileKind.WORD, ReturnFileKind.EXCEL}:
        result.parts.append(ConvertedPart(name, office_to_pdf(data, kind=kind), f"{PurePosixPath(name).stem}.pdf"))
        return result
    mail = _parse_eml(data) if kind == ReturnFileKind.EMAIL else _parse_msg(data)
    attachment_parts: list[ConvertedPart] = []
    for attachment_name, payload in mail.attachments:
        if depth >= MAX_ATTACHMENT_DEPTH:
            result.notes.append(
                f"“{attachment_name}”: an attachment nested too deep to convert; ask for it on its own."
            )
            continue
        try:
            inner_kind = classify(payload, name=attachment_name)
            inner = convert(payload, kind=inner_kind, name=attachment_name, depth=depth + 1)
        except (ApplicationError, ConversionError) as error:
            reason = error.message if isinstance(error, ApplicationError) else str(error)
            result.notes.append(f"“{attachment_name}”: {reason}")
            continue
        attachment_parts.extend(ConvertedPart(f"{name}: {part.title}", part.data, part.name) for part in inner.parts)
        result.notes.extend(inner.notes)
    body = _mail_pdf(mail, title=f"Email: {PurePosixPath(name).stem}"[:100], left_out=result.notes)
    result.parts.insert(0, ConvertedPart(f"{name} (email)", body, f"{PurePosixPath(name).stem}.pdf"))
    result.parts.extend(attachment_parts)
    return result
