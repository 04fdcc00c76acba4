"""Asking an agency through the service, and its return through a secure link.

The records request goes to the agency's named data owner: by email with a return link (only the
token's hash is kept), or, without a data owner's email, as a letter to post. The data owner opens the
link, confirms with a one-time code sent to their registered address, and uploads records or says
nothing is held. Each file is kept as sent and converted to PDF by a Celery task
(disclosure.convert), becoming the same Document a caseworker's upload makes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.audit import record_change
from core.roles import require_role
from core.tasks import task_send_on_commit
from core.text import address_lines, day_text
from disclosure.convert import ConversionError, classify, convert
from disclosure.models import (
    RETURN_CODE_MAX_TRIES,
    RETURN_LINK_MAX_TRIES,
    Agency,
    AgencyRequest,
    AgencyReturn,
    AgencyReturnCode,
    AgencyReturnFile,
    AgencyReturnLink,
    ConversionStatus,
)
from disclosure.services.common import WORKERS, log_event, require_editable
from disclosure.services.delivery import PortalVisitor, token_hash
from disclosure.services.documents import DocumentDetails, document_add_returned
from disclosure.services.records import agency_request_create, agency_request_record_return
from requests_app.letters import LetterTemplate
from requests_app.models import Letter, LetterDirection, LetterMethod, RightsRequest
from requests_app.services.messages import message_send
from reviews.models import SubjectSearchRun
from rights import ApplicationError

logger = logging.getLogger(__name__)

DEFAULT_LINK_DAYS = 30
CODE_MINUTES = 15
CODE_RESEND_SECONDS = 60
CODES_PER_LINK_PER_DAY = 5
MAX_FILES = 20
ALL_RECORDS = "All records about the person."
USER_AGENT_LENGTH = 500

RECORDS_REQUEST = LetterTemplate(
    "agency_records_request",
    "Records request",
    (
        "the reference, the data subject's identifiers, what is asked for and the date range",
        "the date to return them by, in working days",
        "how to return them securely",
    ),
)


def return_link_days() -> int:
    """How long a return link works (setting AGENCY_RETURN_LINK_DAYS)."""
    return int(getattr(settings, "AGENCY_RETURN_LINK_DAYS", DEFAULT_LINK_DAYS))


def return_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('disclosure:agency_return_open', args=[token])}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def subject_identifiers(request: RightsRequest) -> list[tuple[str, str]]:
    """What the agency searches by: the latest subject search's details for this request, else the subject's own."""
    run = SubjectSearchRun.objects.filter(request_reference=request.reference).order_by("-run_at", "-pk").first()
    subject = request.subject
    name = run.name if run is not None else subject.full_name
    previous = run.previous_name_list if run is not None else subject.previous_name_list
    born = run.date_of_birth if run is not None and run.date_of_birth else subject.date_of_birth
    address = run.address if run is not None and run.address else subject.address
    rows = [("Name", name)]
    if previous:
        rows.append(("Previous names", ", ".join(previous)))
    if born:
        rows.append(("Date of birth", _day(born)))
    if address.strip():
        rows.append(("Address", ", ".join(line.strip() for line in address.splitlines() if line.strip())))
    rows.extend(("Previous address", line) for line in subject.previous_address_list)
    return rows


# Asking ------------------------------------------------------------------------------------------


def _new_link(
    agency_request: AgencyRequest, *, to: str, by: User | None, now: dt.datetime
) -> tuple[AgencyReturnLink, str]:
    token = secrets.token_urlsafe(32)
    days = max(return_link_days(), 1)
    link = AgencyReturnLink(
        agency_request=agency_request,
        token_hash=token_hash(token),
        sent_to=to,
        expires_at=now + dt.timedelta(days=days),
        created_by=by,
        created_at=now,
    )
    link.full_clean()
    record_change(link, "Created")
    link.save()
    return link, token


def return_link_issue(
    *, agency_request: AgencyRequest, by: User | None, now: dt.datetime
) -> tuple[AgencyReturnLink, str] | None:
    """A new link to the data owner's registered address, or None if the agency has none (caller's transaction)."""
    to = agency_request.agency.contact_email.strip()
    if not to:
        return None
    return _new_link(agency_request, to=to, by=by, now=now)


def _letter_for(
    agency_request: AgencyRequest, *, today: dt.date, by: User | None, summary: str, **fields: str
) -> Letter:
    agency = agency_request.agency
    letter = Letter(
        request=agency_request.request,
        direction=LetterDirection.OUT,
        date=today,
        addressee=f"{agency.data_owner}, {agency.name}"[:200],
        summary=summary,
        created_by=by,
        **fields,
    )
    return letter


def _posted_request_letter(agency_request: AgencyRequest, *, today: dt.date, by: User | None) -> Letter:
    """Render the records request to PDF and file it to be posted (no data owner's email to send it to)."""
    from core.pdf import pdf_sha256, render_pdf  # WeasyPrint: loaded when a letter is drawn

    agency = agency_request.agency
    request = agency_request.request
    values = {
        "letter": RECORDS_REQUEST,
        "organisation": settings.ORGANISATION,
        "reference": request.reference,
        "letter_date": today,
        "addressee_name": agency.data_owner,
        "addressee_lines": [agency.name, *address_lines(agency.contact_address)],
        "agency_name": agency.name,
        "identifiers": subject_identifiers(request),
        "scope": agency_request.scope or ALL_RECORDS,
        "date_range": agency_request.date_range_text,
        "due_on": agency_request.due_on,
    }
    html = render_to_string(RECORDS_REQUEST.template_path, values)
    pdf = render_pdf(html, title=f"{RECORDS_REQUEST.title} - {request.reference}", document_date=today)
    letter = _letter_for(
        agency_request,
        today=today,
        by=by,
        summary=f"Records request to {agency.name} (no data owner's email recorded: print and post it). "
        f"Due by {_day(agency_request.due_on)}.",
        method=LetterMethod.POST,
        template=RECORDS_REQUEST.name,
    )
    letter.file.save(
        f"{request.reference}-{RECORDS_REQUEST.name}-{agency_request.pk}.pdf", ContentFile(pdf), save=False
    )
    letter.sha256 = pdf_sha256(pdf)
    letter.full_clean()
    record_change(letter, f"Generated: {RECORDS_REQUEST.title}", by=by)
    try:
        letter.save()
    except BaseException:
        letter.file.storage.delete(letter.file.name)
        raise
    return letter


def _emailed_request(agency_request: AgencyRequest, *, by: User | None, now: dt.datetime) -> Letter | None:
    issued = return_link_issue(agency_request=agency_request, by=by, now=now)
    if issued is None:
        return None
    link, token = issued
    agency = agency_request.agency
    request = agency_request.request
    letter = _letter_for(
        agency_request,
        today=timezone.localdate(now),
        by=by,
        summary=f"Records request to {agency.name}, emailed to the data owner with a return link. "
        f"Due by {_day(agency_request.due_on)}.",
        method=LetterMethod.EMAIL,
        template="agency_records_request",
    )
    letter.addressee = f"{agency.data_owner}, {agency.name} ({link.sent_to})"[:200]
    letter.full_clean()
    record_change(letter, "Sent by the service: records request", by=by)
    letter.save()
    message = message_send(
        to=link.sent_to,
        template="agency_records_request",
        context={
            "reference": request.reference,
            "agency_name": agency.name,
            "data_owner": agency.data_owner,
            "subject_name": request.subject.full_name,
            "scope": agency_request.scope or ALL_RECORDS,
            "date_range": agency_request.date_range_text,
            "due": _day(agency_request.due_on),
            "link": return_url(token),
            "expires": f"{day_text(timezone.localtime(link.expires_at).date())}",
        },
        letter=letter,
        by=by,
        purpose=f"agency_records_request:{agency_request.pk}",
    )
    link.message = message
    record_change(link, "Email queued")
    link.save()
    return letter


def agency_records_request_send(
    *, by: User | None, agency_request: AgencyRequest, now: dt.datetime | None = None
) -> Letter:
    """Send the records request: by email with a return link, or drafted as a letter to post (caller's transaction)."""
    now = now or timezone.now()
    letter = _emailed_request(agency_request, by=by, now=now)
    how = "emailed to the data owner with a return link"
    if letter is None:
        letter = _posted_request_letter(agency_request, today=timezone.localdate(now), by=by)
        how = "drafted as a letter to post (no data owner's email recorded)"
    agency_request.asking_letter = letter
    record_change(agency_request, "Records request sent")
    agency_request.save()
    log_event(
        request=agency_request.request,
        action="agency_request_sent",
        detail=f"Records request to {agency_request.agency.name} {how}.",
        by=by,
    )
    return letter


def agency_ask(
    *,
    by: User | None,
    request: RightsRequest,
    agency: Agency,
    requested_on: dt.date | None = None,
    notes: str = "",
    scope: str = "",
    records_from: dt.date | None = None,
    records_to: dt.date | None = None,
    today: dt.date | None = None,
) -> AgencyRequest:
    """Ask an agency for its records and, the same day, send its data owner the records request."""
    require_role(by, *WORKERS, action="ask an agency for records")
    with transaction.atomic():
        asked = agency_request_create(
            by=by,
            request=request,
            agency=agency,
            requested_on=requested_on,
            notes=notes,
            scope=scope,
            records_from=records_from,
            records_to=records_to,
            today=today,
        )
        asked = AgencyRequest.objects.select_related("agency", "request__subject").get(pk=asked.pk)
        agency_records_request_send(by=by, agency_request=asked)
    return asked


def agency_return_link_resend(*, by: User | None, agency_request: AgencyRequest) -> AgencyReturnLink:
    """Email the data owner a fresh return link (the old one expired, or their email was recorded later)."""
    require_role(by, *WORKERS, action="send an agency a return link")
    now = timezone.now()
    with transaction.atomic():
        locked = (
            AgencyRequest.objects.select_for_update(of=("self",))
            .select_related("agency", "request__subject")
            .get(pk=agency_request.pk)
        )
        if not locked.is_open:
            raise ApplicationError(f"{locked.agency.name}'s return is already recorded.")
        if not locked.agency.contact_email.strip():
            raise ApplicationError(
                f"{locked.agency.name} has no data owner's email recorded: add it to the agency first.",
                field="agency",
            )
        agency_records_request_send(by=by, agency_request=locked, now=now)
        link = AgencyReturnLink.objects.filter(agency_request=locked).order_by("-created_at", "-pk").first()
    if link is None:  # pragma: no cover - the email path above always makes one
        raise ApplicationError("No return link was made.")
    return link


# The link: codes ---------------------------------------------------------------------------------


Visitor = PortalVisitor  # who is at the link, as far as the web server can tell (as at the requester's portal)


@dataclass(frozen=True)
class LinkOutcome:
    """ "ok", "wrong" (tries left), "no_code", "locked", "expired", "revoked", "returned" or "unknown"."""

    state: str
    link: AgencyReturnLink | None = None
    tries_left: int = 0

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def return_link_by_token(token: str) -> AgencyReturnLink | None:
    """The link a token opens, if any (looked up by the token's hash)."""
    if not token or len(token) > 200:
        return None
    return (
        AgencyReturnLink.objects.select_related("agency_request__agency", "agency_request__request__subject")
        .filter(token_hash=token_hash(token))
        .first()
    )


def _lock_link(link_id: int) -> AgencyReturnLink:
    return (
        AgencyReturnLink.objects.select_for_update(of=("self",))
        .select_related("agency_request__agency", "agency_request__request__subject")
        .get(pk=link_id)
    )


def return_code_hash(link_id: int, code: str) -> str:
    """Keyed with SECRET_KEY (six digits are quick to guess from a bare hash); apart from the portal's codes."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"agency-return:{link_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def return_code_send(*, link_id: int, visitor: Visitor, now: dt.datetime | None = None) -> AgencyReturnCode:
    """Send a new one-time code to the data owner's registered address (as recorded now, not as the link was)."""
    now = now or timezone.now()
    with transaction.atomic():
        link = _lock_link(link_id)
        if link.state(now) != "active":
            raise ApplicationError("This link no longer works.")
        agency_request = link.agency_request
        to = agency_request.agency.contact_email.strip()
        if not to:
            raise ApplicationError("No email address is recorded for the data owner: contact us for a new link.")
        recent = AgencyReturnCode.objects.filter(link=link, created_at__gt=now - dt.timedelta(days=1)).order_by(
            "-created_at"
        )
        latest = recent.first()
        if latest is not None and (now - latest.created_at).total_seconds() < CODE_RESEND_SECONDS:
            raise ApplicationError("We sent you a code less than a minute ago. Wait a minute before asking again.")
        if recent.count() >= CODES_PER_LINK_PER_DAY:
            raise ApplicationError("We have sent the most codes we can today. Try again tomorrow, or contact us.")
        code = f"{secrets.randbelow(1_000_000):06d}"
        message = message_send(
            to=to,
            template="agency_return_code",
            context={"reference": agency_request.request.reference, "code": code, "minutes": CODE_MINUTES},
            request=agency_request.request,
            purpose=f"agency_return_code:{link.pk}",
        )
        record = AgencyReturnCode(
            link=link,
            code_hash=return_code_hash(link.pk, code),
            sent_to=to,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
            message=message,
            created_at=now,
        )
        record.full_clean()
        record_change(record, "Issued")
        record.save()
        log_event(
            request=agency_request.request,
            action="agency_return_code_sent",
            detail=f"One-time code for {agency_request.agency.name}'s return link {link.pk} sent to {to} "
            f"(from {visitor.ip_address or 'an unknown address'}).",
            by=None,
        )
    return record


def return_code_check(*, link_id: int, code: str, visitor: Visitor, now: dt.datetime | None = None) -> LinkOutcome:
    """Check the newest code: "ok" (and used up), "wrong" (tries left), "no_code", or the link's state.

    A wrong code counts against the code and the link, so asking for new codes never buys more tries.
    """
    now = now or timezone.now()
    with transaction.atomic():
        link = _lock_link(link_id)
        state = link.state(now)
        if state != "active":
            return LinkOutcome(state, link)
        latest = AgencyReturnCode.objects.select_for_update().filter(link=link).order_by("-created_at", "-pk").first()
        if latest is None or not latest.is_usable(now):
            return LinkOutcome("no_code", link)
        request = link.agency_request.request
        given = "".join(code.split())
        if hmac.compare_digest(return_code_hash(link.pk, given), latest.code_hash):
            latest.used_at = now
            record_change(latest, "Used")
            latest.save()
            log_event(
                request=request,
                action="agency_return_code_accepted",
                detail=f"Return link {link.pk} opened with its one-time code (from {visitor.ip_address or 'an unknown address'}).",
                by=None,
            )
            return LinkOutcome("ok", link)
        latest.failed_attempts += 1
        record_change(latest, "Wrong code")
        latest.save()
        link.failed_attempts += 1
        if link.failed_attempts >= RETURN_LINK_MAX_TRIES:
            link.locked_at = now
            record_change(link, f"Locked after {RETURN_LINK_MAX_TRIES} wrong codes")
            link.save()
            log_event(
                request=request,
                action="agency_return_link_locked",
                detail=f"Return link {link.pk} locked after {RETURN_LINK_MAX_TRIES} wrong codes.",
                by=None,
            )
            return LinkOutcome("locked", link)
        record_change(link, "Wrong one-time code")
        link.save()
        left = min(RETURN_CODE_MAX_TRIES - latest.failed_attempts, RETURN_LINK_MAX_TRIES - link.failed_attempts)
        return LinkOutcome("wrong" if left > 0 else "no_code", link, left)


# The return --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnedUpload:
    name: str
    data: bytes


def agency_return_submit(
    *,
    link_id: int,
    returned_by_name: str,
    nothing_held: bool,
    files: list[ReturnedUpload],
    notes: str = "",
    visitor: Visitor,
    now: dt.datetime | None = None,
) -> AgencyReturn:
    """Record the agency's return (its files, or that it holds nothing) and convert each file after commit.

    Every file is checked before anything is written: one refused file refuses the whole return.
    """
    now = now or timezone.now()
    name = " ".join(returned_by_name.split())
    if not name:
        raise ApplicationError("Enter your name.", field="returned_by_name")
    if nothing_held and files:
        raise ApplicationError(
            "You said nothing is held and also chose files: do one or the other.", field="nothing_held"
        )
    if not nothing_held and not files:
        raise ApplicationError("Choose the files to send, or say that nothing is held.", field="records")
    if len(files) > MAX_FILES:
        raise ApplicationError(f"Send at most {MAX_FILES} files at a time.", field="records")
    checked = []
    for upload in files:
        if len(upload.data) > settings.MAX_UPLOAD_BYTES:
            raise ApplicationError(
                f"“{upload.name}” is larger than the {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB we accept.",
                field="records",
            )
        checked.append((upload, classify(upload.data, name=upload.name)))
    stored: list[str] = []
    try:
        with transaction.atomic():
            link = _lock_link(link_id)
            state = link.state(now)
            if state != "active":
                raise ApplicationError("This link no longer works: the records may already have been sent.")
            agency_request = link.agency_request
            agency_return = AgencyReturn(
                agency_request=agency_request,
                link=link,
                nothing_held=nothing_held,
                returned_by_name=name[:200],
                returned_by_email=link.agency_request.agency.contact_email.strip() or link.sent_to,
                notes=notes.strip(),
                submitted_at=now,
                ip_address=visitor.ip_address,
                user_agent=visitor.user_agent[:USER_AGENT_LENGTH],
            )
            agency_return.full_clean()
            record_change(agency_return, "Returned through the link")
            agency_return.save()
            saved: list[AgencyReturnFile] = []
            for upload, kind in checked:
                record = AgencyReturnFile(
                    agency_return=agency_return,
                    original_name=upload.name[:300] or "returned file",
                    kind=kind,
                    sha256=hashlib.sha256(upload.data).hexdigest(),
                    size_bytes=len(upload.data),
                )
                record.original.save(upload.name or "returned", ContentFile(upload.data), save=False)
                stored.append(record.original.name)
                record.full_clean()
                record_change(record, "Received")
                record.save()
                saved.append(record)
            agency_request_record_return(
                by=None,
                agency_request=agency_request,
                received_on=timezone.localdate(now),
                nil_return=nothing_held,
                notes=f"Returned through the secure link by {name}." + (f" {notes.strip()}" if notes.strip() else ""),
            )
            what = (
                "nothing held"
                if nothing_held
                else f"{len(saved)} file{'s' if len(saved) != 1 else ''}: "
                + ", ".join(f"“{f.original_name}” ({f.get_kind_display()})" for f in saved)
            )
            log_event(
                request=agency_request.request,
                action="agency_return_submitted",
                detail=f"{agency_request.agency.name} returned through its link, sent by {name} "
                f"({agency_return.returned_by_email}): {what}.",
                by=None,
            )
            for record in saved:
                return_file_queue(return_file_id=record.pk)
    except BaseException:
        storage = AgencyReturnFile._meta.get_field("original").storage
        for path in stored:
            storage.delete(path)
        raise
    return agency_return


def return_file_queue(*, return_file_id: int) -> None:
    """Convert the file once the transaction that wrote it has committed."""
    task_send_on_commit("disclosure.tasks.convert_return_file", return_file_id)


def return_file_convert(*, return_file_id: int) -> AgencyReturnFile:
    """Convert one returned file to PDF and add the Documents review works on; idempotent."""
    with transaction.atomic():
        record = AgencyReturnFile.objects.select_for_update().get(pk=return_file_id)
        if record.status in {ConversionStatus.DONE, ConversionStatus.FAILED}:
            return record
        record.status = ConversionStatus.CONVERTING
        record.attempts += 1
        record.started_at = timezone.now()
        record_change(record, "Converting")
        record.save()
    record = AgencyReturnFile.objects.select_related(
        "agency_return__agency_request__agency", "agency_return__agency_request__request"
    ).get(pk=return_file_id)
    agency_request = record.agency_return.agency_request
    with record.original.open("rb") as handle:
        data = handle.read()
    try:
        conversion = convert(data, kind=record.kind, name=record.original_name)  # type: ignore[arg-type]
        with transaction.atomic():
            pages = 0
            for part in conversion.parts:
                made = document_add_returned(
                    request=agency_request.request,
                    details=DocumentDetails(title=part.title[:300], agency=agency_request.agency),
                    data=part.data,
                    name=part.name,
                    return_file=record,
                )
                pages += made.page_count
            record.parts_made = len(conversion.parts)
            record.pages_made = pages
            record.status = ConversionStatus.DONE
            record.error = "\n".join(conversion.notes)
            record.converted_at = timezone.now()
            record_change(record, "Converted")
            record.save()
            log_event(
                request=agency_request.request,
                action="agency_return_converted",
                detail=f"“{record.original_name}” from {agency_request.agency.name} made into "
                f"{len(conversion.parts)} document{'s' if len(conversion.parts) != 1 else ''} for review."
                + (f" Left out: {'; '.join(conversion.notes)}" if conversion.notes else ""),
                by=None,
            )
    except (ConversionError, ApplicationError) as error:
        reason = error.message if isinstance(error, ApplicationError) else str(error)
        _fail(record.pk, reason)
    except Exception:
        logger.exception("Converting returned file %s failed", record.pk)
        _fail(record.pk, "The file could not be converted (an unexpected error). Ask the agency for a PDF.")
    record.refresh_from_db()
    return record


def return_file_retry(*, by: User | None, return_file: AgencyReturnFile) -> AgencyReturnFile:
    """Try a failed conversion again (LibreOffice was busy, or missing, or timed out): queued after commit."""
    require_role(by, *WORKERS, action="try a conversion again")
    with transaction.atomic():
        record = (
            AgencyReturnFile.objects.select_for_update(of=("self",))
            .select_related("agency_return__agency_request__agency", "agency_return__agency_request__request")
            .get(pk=return_file.pk)
        )
        agency_request = record.agency_return.agency_request
        require_editable(agency_request.request)
        if not record.can_retry:
            raise ApplicationError(
                f"“{record.original_name}” is {record.get_status_display().lower()}: only a failed conversion "
                "can be tried again."
            )
        if record.documents.exists():  # pragma: no cover - a failure rolls back what it made
            raise ApplicationError(f"Documents were already made from “{record.original_name}”.")
        reason = record.error
        record.status = ConversionStatus.WAITING
        record.error = ""
        record.started_at = None
        record_change(record, "Conversion to be tried again", by=by)
        record.save()
        log_event(
            request=agency_request.request,
            action="agency_return_conversion_retried",
            detail=f"Conversion of “{record.original_name}” from {agency_request.agency.name} tried again "
            f"(attempt {record.attempts + 1}; it had failed: {reason or 'no reason given'}).",
            by=by,
        )
        return_file_queue(return_file_id=record.pk)
    return record


def _fail(return_file_id: int, reason: str) -> None:
    with transaction.atomic():
        record = (
            AgencyReturnFile.objects.select_for_update(of=("self",))
            .select_related("agency_return__agency_request__agency", "agency_return__agency_request__request")
            .get(pk=return_file_id)
        )
        record.status = ConversionStatus.FAILED
        record.error = reason
        record_change(record, "Conversion failed")
        record.save()
        agency_request = record.agency_return.agency_request
        log_event(
            request=agency_request.request,
            action="agency_return_conversion_failed",
            detail=f"“{record.original_name}” from {agency_request.agency.name} could not be converted: {reason}",
            by=None,
        )
