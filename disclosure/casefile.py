"""The "documents" section of the JSON case format (docs/case-format.md, "documents (disclosure)").

Registered with requests_app.casefile in DisclosureConfig.ready(): `validate` reads everything
(including the files) and writes nothing; `import_` runs inside the case import's transaction and
goes through the same services as the pages; `export` writes what `import_` reads back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils import timezone

from core import roles
from core.json_values import json_type
from disclosure.extract import Extraction, extract_image, extract_pdf
from disclosure.models import Document, Redaction, RedactionKind
from disclosure.services.documents import (
    TITLE_MAX,
    DocumentDetails,
    document_add_text,
    document_add_upload,
    document_mark_reviewed,
    document_withhold,
    normalise_text,
)
from disclosure.services.records import agency_get_or_create_by_name
from disclosure.services.redaction import (
    PHRASE_MAX,
    find_phrase,
    redact_phrase,
    redaction_add_rectangle,
    redaction_add_span,
)
from requests_app.models import RightsRequest
from requests_app.uploads import UploadKind, check_upload
from rights import EXEMPTIONS, ApplicationError

SECTION_KEY = "documents"
DOCUMENT_KEYS = (
    "title",
    "agency",
    "date",
    "text",
    "file",
    "sha256",
    "holds",
    "harm_concern",
    "subject_already_knows",
    "withheld",
    "reviewed_by",
    "redactions",
)
HOLDS = {"health": "holds_health_data", "social_work": "holds_social_work_data", "education": "holds_education_data"}
RECTANGLE_KEYS = ("page", "x0", "top", "x1", "bottom")
REDACTION_KEYS = ("text", "start", "end", *RECTANGLE_KEYS, "exemption", "reason")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXPORT_FOLDER = "files"


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Content:
    """A document's content as the import will see it."""

    text: str
    pages: list[dict[str, Any]]
    is_file: bool
    data: bytes = b""
    name: str = ""


class _Errors:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")


def resolve_case_file(folder: Path, relative: str) -> Path:
    """The file a case names, inside the case's folder; absolute paths and `..` escapes are refused."""
    if not relative.strip():
        raise ApplicationError("must not be empty")
    if "\x00" in relative:
        raise ApplicationError("must not contain a NUL character")
    if (
        PurePosixPath(relative).is_absolute()
        or PureWindowsPath(relative).is_absolute()
        or PureWindowsPath(relative).drive
    ):
        raise ApplicationError("must be a path relative to the case file, not an absolute path")
    parts = PurePosixPath(relative.replace("\\", "/")).parts
    if ".." in parts:
        raise ApplicationError("must not leave the case file's folder (no “..”)")
    base = folder.resolve()
    target = (base / Path(*parts)).resolve()
    if not target.is_relative_to(base):
        raise ApplicationError("must not leave the case file's folder (it points elsewhere through a link)")
    return target


def _read_file(folder: Path, relative: str) -> tuple[bytes, str]:
    path = resolve_case_file(folder, relative)
    if not path.is_file():
        raise ApplicationError(f"there is no file {relative!r} beside the case file")
    size = path.stat().st_size
    if size > settings.MAX_UPLOAD_BYTES:
        raise ApplicationError(f"is {size} bytes; the largest file accepted is {settings.MAX_UPLOAD_BYTES} bytes")
    return path.read_bytes(), path.name


def _content_from_file(folder: Path, relative: str) -> _Content:
    data, name = _read_file(folder, relative)
    upload = check_upload(data, name=name, max_bytes=settings.MAX_UPLOAD_BYTES)
    if upload.kind is UploadKind.TEXT:
        return _Content(normalise_text(upload.text), [], True, data, name)
    try:
        extraction: Extraction = extract_pdf(data) if upload.kind is UploadKind.PDF else extract_image(data)
    except Exception:  # a broken file is refused, whatever the parser raised
        raise ApplicationError("its pages cannot be read") from None
    return _Content(extraction.text, extraction.pages, True, data, name)


def _text(errors: _Errors, value: Any, path: str, *, required: bool = False, max_length: int | None = None) -> str:
    if value is None:
        if required:
            errors.add(path, "is required")
        return ""
    if not isinstance(value, str):
        errors.add(path, f"must be a string, not {json_type(value, array='a list')}")
        return ""
    if required and not value.strip():
        errors.add(path, "must not be empty")
    if max_length is not None and len(value.strip()) > max_length:
        errors.add(path, f"is {len(value.strip())} characters long; at most {max_length} are allowed")
    return value


def _number(errors: _Errors, value: Any, path: str, *, integer: bool) -> float | None:
    if value is None:
        errors.add(path, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (integer and not isinstance(value, int)):
        errors.add(
            path, f"must be {'a whole number' if integer else 'a number'}, not {json_type(value, array='a list')}"
        )
        return None
    return float(value)


def _validate_redaction(errors: _Errors, item: Any, path: str, content: _Content | None) -> None:
    if not isinstance(item, dict):
        errors.add(path, f"must be an object, not {json_type(item, array='a list')}")
        return
    for key in item:
        if key not in REDACTION_KEYS:
            errors.add(f"{path}.{key}", "unknown key")
    exemption = item.get("exemption")
    if exemption is None:
        errors.add(f"{path}.exemption", "is required")
    elif not isinstance(exemption, str) or exemption not in EXEMPTIONS:
        errors.add(f"{path}.exemption", f"must be one of: {', '.join(EXEMPTIONS)}")
    _text(errors, item.get("reason"), f"{path}.reason")
    forms = [
        name
        for name, keys in (("text", ("text",)), ("span", ("start", "end")), ("rectangle", RECTANGLE_KEYS))
        if any(k in item for k in keys)
    ]
    if len(forms) != 1:
        errors.add(
            path,
            'give exactly one of: "text" (every occurrence), "start" and "end" (a span), or '
            '"page", "x0", "top", "x1", "bottom" (a rectangle)',
        )
        return
    text = content.text if content is not None else None
    if forms == ["text"]:
        phrase = _text(errors, item.get("text"), f"{path}.text", required=True, max_length=PHRASE_MAX)
        if phrase.strip() and text is not None:
            if not text:
                errors.add(f"{path}.text", "the document is a scan with no text: use a rectangle")
            elif not find_phrase(text, phrase):
                errors.add(f"{path}.text", "does not appear in the document")
    elif forms == ["span"]:
        start = _number(errors, item.get("start"), f"{path}.start", integer=True)
        end = _number(errors, item.get("end"), f"{path}.end", integer=True)
        if start is not None and end is not None and text is not None:
            if not text:
                errors.add(path, "the document is a scan with no text: use a rectangle")
            elif not 0 <= start < end <= len(text):
                errors.add(path, f"start must be before end, both between 0 and {len(text)} (the text's length)")
            elif not text[int(start) : int(end)].strip():
                errors.add(path, "covers only spaces")
    else:
        numbers = {
            key: _number(errors, item.get(key), f"{path}.{key}", integer=key == "page") for key in RECTANGLE_KEYS
        }
        if content is not None and all(v is not None for v in numbers.values()):
            if not content.pages:
                errors.add(path, "rectangles are for PDFs and scans; this document is text")
                return
            page = next((p for p in content.pages if p["number"] == numbers["page"]), None)
            if page is None:
                errors.add(f"{path}.page", f"the document has {len(content.pages)} page(s)")
                return
            x0, top, x1, bottom = (float(numbers[k] or 0) for k in ("x0", "top", "x1", "bottom"))
            if not (0 <= x0 < x1 <= page["width"] + 0.01 and 0 <= top < bottom <= page["height"] + 0.01):
                errors.add(
                    path,
                    f"the rectangle must lie on the page (0 ≤ x0 < x1 ≤ {page['width']}, 0 ≤ top < bottom ≤ "
                    f"{page['height']}, in points)",
                )


def _reviewer(username: str) -> User | None:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not roles.is_team_member(user):
        return None
    return user


def validate_documents(value: Any, folder: Path) -> list[str]:
    """Every error in the section, each prefixed with its field path; reads the files, writes nothing."""
    errors = _Errors()
    if not isinstance(value, list):
        return [f"{SECTION_KEY}: must be a list, not {json_type(value, array='a list')}"]
    today = timezone.localdate()
    for index, item in enumerate(value):
        path = f"{SECTION_KEY}[{index}]"
        if not isinstance(item, dict):
            errors.add(path, f"must be an object, not {json_type(item, array='a list')}")
            continue
        for key in item:
            if key not in DOCUMENT_KEYS:
                errors.add(f"{path}.{key}", "unknown key")
        _text(errors, item.get("title"), f"{path}.title", required=True, max_length=TITLE_MAX)
        _text(errors, item.get("agency"), f"{path}.agency", max_length=200)
        if item.get("date") is not None:
            date = item["date"]
            if not isinstance(date, str) or not ISO_DATE.match(date):
                errors.add(f"{path}.date", "must be an ISO date like 2026-02-01")
            else:
                try:
                    if dt.date.fromisoformat(date) > today:
                        errors.add(f"{path}.date", "must not be in the future")
                except ValueError:
                    errors.add(f"{path}.date", "is not a real date")
        content: _Content | None = None
        has_text, has_file = item.get("text") is not None, item.get("file") is not None
        if not has_text and not has_file:
            errors.add(path, 'give the document\'s "text" or its "file"')
        if has_file:
            relative = _text(errors, item.get("file"), f"{path}.file", required=True)
            if relative.strip():
                try:
                    content = _content_from_file(folder, relative)
                except ApplicationError as error:
                    errors.add(f"{path}.file", error.message)
            if (
                content is not None
                and item.get("sha256") is not None
                and item["sha256"] != hashlib.sha256(content.data).hexdigest()
            ):
                errors.add(f"{path}.sha256", "does not match the file: it is not the file that was exported")
            if (
                content is not None
                and has_text
                and isinstance(item.get("text"), str)
                and _folded(item["text"]) != _folded(content.text)
            ):
                errors.add(f"{path}.text", "does not match the text extracted from the file")
        elif has_text:
            if item.get("sha256") is not None:
                errors.add(f"{path}.sha256", 'goes only with a "file"')
            text = _text(errors, item.get("text"), f"{path}.text", required=True)
            if text.strip():
                content = _Content(normalise_text(text), [], False)
        holds = item.get("holds")
        if holds is not None and (not isinstance(holds, list) or any(h not in HOLDS for h in holds)):
            errors.add(f"{path}.holds", f"must be a list of: {', '.join(HOLDS)}")
        if item.get("harm_concern") is not None and not isinstance(item["harm_concern"], bool):
            errors.add(f"{path}.harm_concern", "must be true or false")
        if item.get("subject_already_knows") is not None and not isinstance(item["subject_already_knows"], bool):
            errors.add(f"{path}.subject_already_knows", "must be true or false")
        withheld = item.get("withheld")
        if withheld is not None:
            if not isinstance(withheld, dict):
                errors.add(f"{path}.withheld", 'must be an object with "exemption" and "reason"')
            else:
                for key in withheld:
                    if key not in ("exemption", "reason"):
                        errors.add(f"{path}.withheld.{key}", "unknown key")
                if withheld.get("exemption") not in EXEMPTIONS:
                    errors.add(f"{path}.withheld.exemption", f"must be one of: {', '.join(EXEMPTIONS)}")
                _text(errors, withheld.get("reason"), f"{path}.withheld.reason", required=True)
        reviewed_by = item.get("reviewed_by")
        if reviewed_by is not None:
            name = _text(errors, reviewed_by, f"{path}.reviewed_by", required=True)
            if name.strip() and _reviewer(name.strip()) is None:
                errors.add(f"{path}.reviewed_by", f"there is no active team member called {name.strip()!r}")
        redactions = item.get("redactions")
        if redactions is not None:
            if not isinstance(redactions, list):
                errors.add(f"{path}.redactions", f"must be a list, not {json_type(redactions, array='a list')}")
            else:
                for r_index, redaction in enumerate(redactions):
                    _validate_redaction(errors, redaction, f"{path}.redactions[{r_index}]", content)
    return errors.items


def import_documents(request: RightsRequest, value: Any, folder: Path, by: User | None) -> None:
    """Add the documents and their redactions through the disclosure services (inside the import's transaction)."""
    for index, item in enumerate(value):
        path = f"{SECTION_KEY}[{index}]"
        try:
            _import_one(request, item, folder, by)
        except ApplicationError as error:
            where = f"{path}.{error.field}" if error.field else path
            raise ApplicationError(error.message, field=where) from None


def _import_one(request: RightsRequest, item: dict[str, Any], folder: Path, by: User | None) -> Document:
    agency = agency_get_or_create_by_name(by=by, name=item["agency"]) if item.get("agency") else None
    holds = set(item.get("holds") or ())
    details = DocumentDetails(
        title=item["title"],
        agency=agency,
        document_date=dt.date.fromisoformat(item["date"]) if item.get("date") else None,
        holds_health_data="health" in holds,
        holds_social_work_data="social_work" in holds,
        holds_education_data="education" in holds,
        harm_concern=bool(item.get("harm_concern")),
        subject_already_knows=bool(item.get("subject_already_knows")),
    )
    if item.get("file") is not None:
        data, name = _read_file(folder, item["file"])
        document = document_add_upload(by=by, request=request, details=details, data=data, name=name)
    else:
        document = document_add_text(by=by, request=request, details=details, text=item["text"])
    for r_index, redaction in enumerate(item.get("redactions") or ()):
        try:
            _import_redaction(document, redaction, by)
        except ApplicationError as error:
            raise ApplicationError(error.message, field=f"redactions[{r_index}]") from None
    withheld = item.get("withheld")
    if withheld:
        document = document_withhold(
            by=by, document=document, exemption=withheld["exemption"], reason=withheld["reason"]
        )
    if item.get("reviewed_by"):
        # The named reviewer did not act in Rights Desk: the document is recorded as imported as reviewed.
        document_mark_reviewed(by=by, document=document, imported_reviewer=item["reviewed_by"].strip())
    return document


def _import_redaction(document: Document, item: dict[str, Any], by: User | None) -> None:
    exemption, reason = item["exemption"], item.get("reason") or ""
    if "text" in item:
        existing = set(Redaction.objects.filter(document=document, kind=RedactionKind.SPAN).values_list("start", "end"))
        if any(span not in existing for span in find_phrase(document.text, item["text"])):
            redact_phrase(by=by, document=document, phrase=item["text"], exemption=exemption, reason=reason)
    elif "start" in item:
        redaction_add_span(
            by=by, document=document, start=item["start"], end=item["end"], exemption=exemption, reason=reason
        )
    else:
        redaction_add_rectangle(
            by=by,
            document=document,
            page=item["page"],
            x0=float(item["x0"]),
            top=float(item["top"]),
            x1=float(item["x1"]),
            bottom=float(item["bottom"]),
            exemption=exemption,
            reason=reason,
        )


def export_file_path(document: Document) -> str:
    """Where an exported case expects a document's original file, relative to the case file.

    Named by the start of its SHA-256 and its original name, so that exporting an imported case again
    gives the same path.
    """
    suffix = PurePosixPath(document.original.name).suffix or ".bin"
    prefix = document.sha256[:12]
    stem = PurePosixPath(document.original_name).stem
    stem = stem.removeprefix(f"{prefix}-")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60] or "document"
    return f"{EXPORT_FOLDER}/{prefix}-{stem}{suffix}"


def _export_redaction(redaction: Redaction) -> dict[str, Any]:
    out: dict[str, Any]
    if redaction.kind == RedactionKind.SPAN:
        out = {"start": redaction.start, "end": redaction.end}
    else:
        drawn = sorted(redaction.boxes.all(), key=lambda box: box.pk)[0]  # the first box saved is the one drawn
        out = {"page": drawn.page, "x0": drawn.x0, "top": drawn.top, "x1": drawn.x1, "bottom": drawn.bottom}
    out["exemption"] = redaction.exemption
    if redaction.reason:
        out["reason"] = redaction.reason
    return out


def export_documents(request: RightsRequest) -> list[dict[str, Any]] | None:
    """The request's documents as the case format has them; None (key left out) when there are none.

    A text document carries its "text". A file document carries "file" (the path `export_document_files`
    writes it to), its "sha256", and its extracted "text" (absent for scans) so the JSON is readable alone;
    import checks both against the file. Spans are exported by offset (exact), rectangles as drawn.
    """
    documents = list(
        Document.objects.filter(request=request)
        .select_related("agency", "reviewed_by")
        .prefetch_related("redactions__boxes")
        .order_by("pk")
    )
    if not documents:
        return None
    out: list[dict[str, Any]] = []
    for document in documents:
        entry: dict[str, Any] = {"title": document.title}
        if document.agency is not None:
            entry["agency"] = document.agency.name
        if document.document_date is not None:
            entry["date"] = document.document_date.isoformat()
        if document.original:
            entry["file"] = export_file_path(document)
            entry["sha256"] = document.sha256
            if document.text:
                entry["text"] = document.text
        else:
            entry["text"] = document.text
        holds = [key for key, flag in HOLDS.items() if getattr(document, flag)]
        if holds:
            entry["holds"] = holds
        if document.harm_concern:
            entry["harm_concern"] = True
        if document.subject_already_knows:
            entry["subject_already_knows"] = True
        if document.withheld_exemption:
            entry["withheld"] = {"exemption": document.withheld_exemption, "reason": document.withheld_reason}
        redactions = sorted(document.redactions.all(), key=lambda r: r.pk)
        if redactions:
            entry["redactions"] = [_export_redaction(r) for r in redactions]
        reviewer = document.imported_reviewer or (document.reviewed_by.get_username() if document.reviewed_by else "")
        if document.reviewed_at is not None and reviewer:
            entry["reviewed_by"] = reviewer
        out.append(entry)
    return out


def export_document_files(request: RightsRequest, folder: Path) -> list[Path]:
    """Write each file document's original beside an exported case, at the path its "file" names."""
    written: list[Path] = []
    for document in Document.objects.filter(request=request).exclude(original="").order_by("pk"):
        target = folder / export_file_path(document)
        target.parent.mkdir(parents=True, exist_ok=True)
        with document.original.open("rb") as source:
            target.write_bytes(source.read())
        written.append(target)
    return written
