"""Documents attached to an access request: typed text, text files, PDFs and scans; their review and withholding."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from core.roles import require_role
from disclosure.extract import Extraction, extract_image, extract_pdf
from disclosure.models import Agency, AgencyReturnFile, Document, SourceKind
from disclosure.services.common import (
    REVIEWERS,
    WORKERS,
    lock_document,
    log_event,
    require_editable,
    unreview,
)
from disclosure.services.reading import reading_queue
from disclosure.services.suggestions import suggestions_refresh
from requests_app.models import RightsRequest
from requests_app.uploads import CheckedUpload, UploadKind, check_upload
from rights import EXEMPTIONS, ApplicationError

logger = logging.getLogger(__name__)

TITLE_MAX = 300
_SUFFIX = {UploadKind.TEXT: ".txt", UploadKind.PDF: ".pdf", UploadKind.PNG: ".png", UploadKind.JPEG: ".jpg"}


@dataclass(frozen=True)
class DocumentDetails:
    """What a caseworker records about a document, whatever its source."""

    title: str
    agency: Agency | None = None
    document_date: dt.date | None = None
    holds_health_data: bool = False
    holds_social_work_data: bool = False
    holds_education_data: bool = False
    harm_concern: bool = False
    subject_already_knows: bool = False  # DPA 2018 Sch 3 Pt 2 para 6(1)(b): already seen or known by the subject


def normalise_text(text: str) -> str:
    """One newline convention, so offsets mean the same in the browser, the database and the pack."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_details(details: DocumentDetails, today: dt.date) -> str:
    title = details.title.strip()
    if not title:
        raise ApplicationError("Enter a title for the document.", field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(f"The title is {len(title)} characters; at most {TITLE_MAX} are allowed.", field="title")
    if details.document_date is not None and details.document_date > today:
        raise ApplicationError("The document's date cannot be in the future.", field="document_date")
    return title


def _apply_details(document: Document, details: DocumentDetails, title: str) -> None:
    document.title = title
    document.agency = details.agency
    document.document_date = details.document_date
    document.holds_health_data = details.holds_health_data
    document.holds_social_work_data = details.holds_social_work_data
    document.holds_education_data = details.holds_education_data
    document.harm_concern = details.harm_concern
    document.subject_already_knows = details.subject_already_knows


def _create(
    *,
    by: User | None,
    request: RightsRequest,
    details: DocumentDetails,
    title: str,
    source_kind: SourceKind,
    text: str,
    extraction: Extraction | None = None,
    upload: CheckedUpload | None = None,
    original_name: str = "",
    return_file: AgencyReturnFile | None = None,
) -> Document:
    """Write the document (and its file) for a request; the file is removed again if the transaction fails."""
    stored_name: str | None = None
    try:
        with transaction.atomic():
            locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
            require_editable(locked)
            document = Document(
                request=locked,
                source_kind=source_kind,
                text=text,
                pages=extraction.pages if extraction is not None else [],
                page_count=extraction.page_count if extraction is not None else 1,
                original_name=original_name[:300],
                created_by=by,
                return_file=return_file,
            )
            _apply_details(document, details, title)
            if upload is not None:
                document.media_type = upload.media_type
                document.sha256 = hashlib.sha256(upload.data).hexdigest()
                document.size_bytes = len(upload.data)
                document.original.save(f"upload{_SUFFIX[upload.kind]}", ContentFile(upload.data), save=False)
                stored_name = document.original.name
            document.full_clean()
            record_change(document, f"Added ({document.get_source_kind_display()})")
            document.save()
            log_event(
                request=locked,
                document=document,
                action="document_added",
                detail=f"Added “{title}” ({document.get_source_kind_display().lower()}, "
                f"{document.page_count} page{'s' if document.page_count != 1 else ''}).",
                by=by,
            )
            reading_queue(document)  # OCR of its image-only pages, sent when this commits
            if document.text:
                suggestions_refresh(document=document)  # a scan's are offered once OCR has read it
    except BaseException:
        if stored_name:
            Document._meta.get_field("original").storage.delete(stored_name)
        raise
    return document


def document_add_text(
    *,
    by: User | None,
    request: RightsRequest,
    details: DocumentDetails,
    text: str,
    today: dt.date | None = None,
) -> Document:
    """Add a document typed or pasted in as text."""
    require_role(by, *WORKERS, action="add documents")
    title = _check_details(details, today or timezone.localdate())
    text = normalise_text(text)
    if not text.strip():
        raise ApplicationError("Enter the document's text.", field="text")
    return _create(by=by, request=request, details=details, title=title, source_kind=SourceKind.TYPED_TEXT, text=text)


def document_add_upload(
    *,
    by: User | None,
    request: RightsRequest,
    details: DocumentDetails,
    data: bytes,
    name: str = "",
    today: dt.date | None = None,
) -> Document:
    """Add an uploaded file, accepted by its content: text, PDF (with a text layer, or a scan), PNG or JPEG."""
    require_role(by, *WORKERS, action="add documents")
    title = _check_details(details, today or timezone.localdate())
    return _document_from_bytes(by=by, request=request, details=details, title=title, data=data, name=name)


def document_add_returned(
    *, request: RightsRequest, details: DocumentDetails, data: bytes, name: str, return_file: AgencyReturnFile
) -> Document:
    """Add a PDF or image an agency returned through its link (converted if need be): the same document a
    caseworker's upload makes, pointing at the file as the agency sent it. Nobody on the staff acted."""
    title = _check_details(details, timezone.localdate())
    return _document_from_bytes(
        by=None, request=request, details=details, title=title, data=data, name=name, return_file=return_file
    )


def _document_from_bytes(
    *,
    by: User | None,
    request: RightsRequest,
    details: DocumentDetails,
    title: str,
    data: bytes,
    name: str,
    return_file: AgencyReturnFile | None = None,
) -> Document:
    upload = check_upload(data, name=name, max_bytes=settings.MAX_UPLOAD_BYTES)
    extraction: Extraction | None = None
    text = ""
    if upload.kind is UploadKind.TEXT:
        source_kind = SourceKind.TEXT_FILE
        text = normalise_text(upload.text)
    else:
        try:
            extraction = extract_pdf(upload.data) if upload.kind is UploadKind.PDF else extract_image(upload.data)
        except Exception:  # a parser's failure on a hostile or broken file is a refusal, not a crash
            logger.warning("extraction failed for an uploaded %s", upload.kind, exc_info=True)
            raise ApplicationError(
                f"“{name or 'The file'}” looks like a {upload.kind.value.upper()} but its pages cannot be read. "
                "Ask the agency for a fresh copy.",
                field="file",
            ) from None
        if upload.kind is UploadKind.PDF:
            source_kind = SourceKind.PDF_TEXT if extraction.has_text_layer else SourceKind.SCAN_PDF
            text = extraction.text
        else:
            source_kind = SourceKind.SCAN_IMAGE
    return _create(
        by=by,
        request=request,
        details=details,
        title=title,
        source_kind=source_kind,
        text=text,
        extraction=extraction,
        upload=upload,
        original_name=name,
        return_file=return_file,
    )


# What review relies on to know whether the serious-harm rules apply (DPA 2018 Sch 3): changing one is a review matter.
REVIEW_FLAGS: dict[str, str] = {
    "harm_concern": "harm is a concern",
    "holds_health_data": "holds health data",
    "holds_social_work_data": "holds social work data",
    "holds_education_data": "holds education data",
    "subject_already_knows": "the data subject has already seen or knows the health information",
}


def document_update_details(
    *, by: User | None, document: Document, details: DocumentDetails, reason: str = "", today: dt.date | None = None
) -> Document:
    """Change a document's title, agency, date or data flags.

    What the requester sees (title, agency, date) needs review again; so does a change to the harm or
    data flags, which decide whether a serious-harm opinion is needed (DPA 2018 Sch 3), and that
    change also needs a reason, kept in the history and the event log.
    """
    require_role(by, *WORKERS, action="change a document's details")
    title = _check_details(details, today or timezone.localdate())
    reason = reason.strip()
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        shown_before = (locked.title, locked.agency_id, locked.document_date)
        flags_before = {name: getattr(locked, name) for name in REVIEW_FLAGS}
        _apply_details(locked, details, title)
        flag_changes = [
            f"“{words}” {'ticked' if getattr(locked, name) else 'cleared'}"
            for name, words in REVIEW_FLAGS.items()
            if getattr(locked, name) != flags_before[name]
        ]
        if flag_changes and not reason:
            raise ApplicationError(
                "Say why the harm concern or the kind of data it holds changed: it decides whether a "
                "professional's opinion on serious harm is needed.",
                field="reason",
            )
        what = f"{', '.join(flag_changes)}: {reason}" if flag_changes else ""
        record_change(locked, f"Details changed: {what}" if what else "Details changed", by=by)
        if flag_changes:
            unreview(locked, reason=what)
        if shown_before != (locked.title, locked.agency_id, locked.document_date):
            unreview(locked, reason="its title, agency or date changed")
        locked.full_clean()
        locked.save()
        log_event(
            request=locked.request,
            document=locked,
            action="document_changed",
            detail=f"Details changed: {what}" if what else "Details changed.",
            by=by,
        )
    return locked


def document_mark_reviewed(*, by: User | None, document: Document, imported_reviewer: str = "") -> Document:
    """A person confirms the document has been read in full and its redactions are complete.

    A case-file import passes the reviewer the file names as `imported_reviewer`: that person did not
    act here, so `reviewed_by` is whoever ran the import (None from the command line) and the name
    is kept only as the file's claim.
    """
    require_role(by, *REVIEWERS, action="mark a document reviewed")
    imported_reviewer = imported_reviewer.strip()
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        if locked.reviewed_at is not None:
            raise ApplicationError(f"“{locked.title}” is already marked reviewed.")
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = by
        locked.imported_reviewer = imported_reviewer
        what = (
            f"Imported as reviewed (the case file names {imported_reviewer!r})"
            if imported_reviewer
            else "Marked reviewed"
        )
        record_change(locked, what, by=by)
        locked.full_clean()
        locked.save()
        log_event(request=locked.request, document=locked, action="document_reviewed", detail=f"{what}.", by=by)
    return locked


def document_withhold(*, by: User | None, document: Document, exemption: str, reason: str) -> Document:
    """Withhold the whole document under an exemption (it is listed in the schedule as withheld)."""
    require_role(by, *REVIEWERS, action="withhold a document")
    if exemption not in EXEMPTIONS:
        raise ApplicationError("Choose the exemption the document is withheld under.", field="exemption")
    if not reason.strip():
        raise ApplicationError("Say why the whole document is withheld.", field="reason")
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        locked.withheld_exemption = exemption
        locked.withheld_reason = reason.strip()
        unreview(locked, reason="withheld in full")
        record_change(locked, f"Withheld in full ({EXEMPTIONS[exemption].code})")
        locked.full_clean()
        locked.save()
        log_event(
            request=locked.request,
            document=locked,
            action="document_withheld",
            detail=f"Withheld in full under {EXEMPTIONS[exemption].code}: {reason.strip()}",
            by=by,
        )
    return locked


def document_release(*, by: User | None, document: Document, reason: str) -> Document:
    """Stop withholding the whole document (its redactions still apply)."""
    require_role(by, *REVIEWERS, action="release a withheld document")
    with transaction.atomic():
        locked = lock_document(document)
        require_editable(locked.request)
        if not locked.withheld_exemption:
            raise ApplicationError(f"“{locked.title}” is not withheld.")
        if locked.ncnd_flags.filter(redaction__isnull=True).exists():
            raise ApplicationError(
                "The document is flagged neither confirm nor deny: remove that flag before releasing it."
            )
        locked.withheld_exemption = ""
        locked.withheld_reason = ""
        unreview(locked, reason="no longer withheld in full")
        record_change(locked, "No longer withheld in full")
        locked.save()
        log_event(
            request=locked.request,
            document=locked,
            action="document_released",
            detail=f"No longer withheld in full: {reason.strip() or 'no reason given'}",
            by=by,
        )
    return locked
