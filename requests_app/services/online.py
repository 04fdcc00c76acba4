"""The public front door: an online request, its email address confirmed by a one-time code, and the
requester's status page, behind per-address and per-IP limits whose refusals are counted.

Codes are 6 digits kept only as HMAC-SHA-256 keyed with SECRET_KEY; they expire, work once and stop after
ONE_TIME_CODE_MAX_TRIES wrong tries, as the portal's codes do. Nothing is created until the whole request
is submitted, in one transaction: a failure leaves the answers in the requester's session to try again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.rate_limits import rate_limit_exceeded
from core.text import day_text
from requests_app.models import (
    ONE_TIME_CODE_MAX_TRIES,
    Channel,
    CodeChannel,
    EvidenceKind,
    OneTimeCode,
    OneTimeCodePurpose,
    OnlineRejection,
    RejectionReason,
    RightsRequest,
    StatusLink,
    StatusPageEvent,
    SubmittedDocument,
)
from requests_app.services.letters import letter_generate
from requests_app.services.locking import request_lock
from requests_app.services.messages import message_send
from requests_app.services.requests import PersonDetails, request_create
from requests_app.uploads import CheckedUpload, UploadKind, check_scan
from rights import ApplicationError, Authority, RepresentativeRole, RightKind

logger = logging.getLogger(__name__)

CODE_MINUTES = 15
CONFIRMED_FOR = dt.timedelta(hours=2)  # a confirmed address can be used to submit for this long
USER_AGENT_LENGTH = 300
HOUR = 60 * 60
DAY = 24 * HOUR

# Defaults of the settings of the same names (config/settings.py reads them from the environment).
LIMIT_DEFAULTS = {
    "ONLINE_CODES_PER_ADDRESS_PER_HOUR": 5,
    "ONLINE_CODES_PER_IP_PER_HOUR": 20,
    "ONLINE_REQUESTS_PER_ADDRESS_PER_DAY": 3,
    "ONLINE_REQUESTS_PER_IP_PER_DAY": 10,
    "STATUS_CODES_PER_LINK_PER_HOUR": 5,
    "ONLINE_UPLOAD_MAX_FILES": 6,
    "ONLINE_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
}
# The form's file field for each kind of proof (an error is shown beside the field it came from).
DOCUMENT_FIELDS = {EvidenceKind.IDENTITY: "identity_documents", EvidenceKind.AUTHORITY: "authority_documents"}
EXTENSIONS = {UploadKind.PDF: "pdf", UploadKind.PNG: "png", UploadKind.JPEG: "jpg"}


def limit(name: str) -> int:
    return int(getattr(settings, name, LIMIT_DEFAULTS[name]))


@dataclass(frozen=True)
class Visitor:
    """Who is at the other end: the address the limits count by, and the browser."""

    ip_address: str | None = None
    user_agent: str = ""


@dataclass(frozen=True)
class OnlineRequest:
    """Everything the online form asks, as the check-your-answers page shows it."""

    role: RepresentativeRole
    kind: RightKind
    subject: PersonDetails
    summary: str
    email: str
    reply_by: str
    requester: PersonDetails | None = None
    authority: Authority | None = None
    relationship: str = ""
    format_needs: Sequence[str] = field(default_factory=tuple)
    format_needs_detail: str = ""


@dataclass(frozen=True)
class DocumentUpload:
    """A file the requester chose as proof of identity or of authority, as the browser sent it."""

    kind: EvidenceKind
    file: UploadedFile


@dataclass(frozen=True)
class CheckedDocument:
    kind: EvidenceKind
    name: str
    checked: CheckedUpload


@dataclass(frozen=True)
class CodeOutcome:
    # "ok"; "wrong" (tries_left more); "locked" (that wrong try was the last); "no_code" (expired, used, locked,
    # or not for this address)
    state: str
    tries_left: int = 0

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _code_hash(purpose: str, scope: str, code: str) -> str:
    message = f"{purpose}:{scope.strip().lower()}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def online_rejection_record(
    *, step: str, reason: str, visitor: Visitor, email: str = "", now: dt.datetime | None = None
) -> OnlineRejection:
    """Count a refused step of the online form (the Manager sees them in the admin's Online rejections)."""
    return OnlineRejection.objects.create(
        at=now or timezone.now(), step=step, reason=reason, ip_address=visitor.ip_address or None, email=email[:254]
    )


def _limited(*, step: str, email: str, visitor: Visitor, per_address: str, per_ip: str, window: int) -> None:
    """Count this attempt against the address's and the IP's limits; refuse, counted, once either is passed."""
    if rate_limit_exceeded(
        scope=f"{step}:address", value=email.lower(), limit=limit(per_address), window_seconds=window
    ):
        online_rejection_record(step=step, reason=RejectionReason.ADDRESS_LIMIT, visitor=visitor, email=email)
        raise ApplicationError(
            "We have had too many tries from this email address. Please wait and try again later, or contact us.",
            field="email",
        )
    if rate_limit_exceeded(
        scope=f"{step}:ip", value=visitor.ip_address or "", limit=limit(per_ip), window_seconds=window
    ):
        online_rejection_record(step=step, reason=RejectionReason.IP_LIMIT, visitor=visitor, email=email)
        raise ApplicationError(
            "We have had too many tries from your internet connection. Please wait and try again later, or contact us."
        )


def email_confirmation_send(*, email: str, visitor: Visitor, now: dt.datetime | None = None) -> OneTimeCode:
    """Email a one-time code that confirms the address (within the per-address and per-IP hourly limits)."""
    now = now or timezone.now()
    email = email.strip()
    _limited(
        step="email_code",
        email=email,
        visitor=visitor,
        per_address="ONLINE_CODES_PER_ADDRESS_PER_HOUR",
        per_ip="ONLINE_CODES_PER_IP_PER_HOUR",
        window=HOUR,
    )
    code = _new_code()
    purpose = OneTimeCodePurpose.EMAIL_CONFIRMATION
    with transaction.atomic():
        message = message_send(
            to=email,
            template="email_confirmation",
            context={"code": code, "minutes": CODE_MINUTES},
            purpose="email_confirmation",
        )
        return OneTimeCode.objects.create(
            purpose=purpose,
            to=email,
            code_hash=_code_hash(purpose, email, code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
            message=message,
        )


def _check(row: OneTimeCode, *, scope: str, code: str, now: dt.datetime) -> CodeOutcome:
    """Compare a code with a locked row: a wrong one uses up a try; the right one works once."""
    if not row.is_usable(now):
        return CodeOutcome("no_code")
    given = "".join(code.split())
    if hmac.compare_digest(_code_hash(row.purpose, scope, given), row.code_hash):
        row.used_at = now
        row.save(update_fields=["used_at"])
        return CodeOutcome("ok")
    row.failed_attempts += 1
    row.save(update_fields=["failed_attempts"])
    left = ONE_TIME_CODE_MAX_TRIES - row.failed_attempts
    return CodeOutcome("wrong", left) if left > 0 else CodeOutcome("locked")


def email_confirmation_check(
    *, code_id: int, email: str, code: str, visitor: Visitor, now: dt.datetime | None = None
) -> CodeOutcome:
    now = now or timezone.now()
    email = email.strip()
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(pk=code_id, purpose=OneTimeCodePurpose.EMAIL_CONFIRMATION, to__iexact=email)
            .first()
        )
        if row is None:
            return CodeOutcome("no_code")
        outcome = _check(row, scope=email, code=code, now=now)
        if outcome.state == "locked":  # this try used up the last one: counted once
            online_rejection_record(step="email_code", reason=RejectionReason.CODE_LOCKED, visitor=visitor, email=email)
    return outcome


def _confirmed(*, code_id: int | None, email: str, now: dt.datetime) -> OneTimeCode:
    row = (
        OneTimeCode.objects.select_for_update()
        .filter(pk=code_id or 0, purpose=OneTimeCodePurpose.EMAIL_CONFIRMATION, to__iexact=email.strip())
        .first()
    )
    if row is None or row.used_at is None or row.request_id is not None or now - row.used_at > CONFIRMED_FOR:
        raise ApplicationError(
            "Confirm your email address with a new code before you send your request.", field="email_confirmation"
        )
    return row


def _refuse_document(error: ApplicationError, *, kind: EvidenceKind, email: str, visitor: Visitor) -> ApplicationError:
    """Counted as a refused step (the Manager sees it), and told beside the field the file was chosen in."""
    online_rejection_record(step="documents", reason=RejectionReason.UPLOAD_REFUSED, visitor=visitor, email=email)
    return ApplicationError(error.message, field=DOCUMENT_FIELDS[kind])


def online_documents_check(
    *, documents: Sequence[DocumentUpload], role: RepresentativeRole, email: str, visitor: Visitor
) -> list[CheckedDocument]:
    """Check every proof file with the scans' content checks (requests_app.uploads): PDF, PNG or JPEG only.

    Any refusal refuses them all, with the reason, and is counted; nothing is stored here.
    """
    most, largest = limit("ONLINE_UPLOAD_MAX_FILES"), limit("ONLINE_UPLOAD_MAX_BYTES")
    if len(documents) > most:
        kind = documents[-1].kind
        raise _refuse_document(
            ApplicationError(f"You chose {len(documents)} files. You can send up to {most} with your request."),
            kind=kind,
            email=email,
            visitor=visitor,
        )
    checked: list[CheckedDocument] = []
    for document in documents:
        if document.kind == EvidenceKind.AUTHORITY and role is RepresentativeRole.SELF:
            raise ApplicationError("You are asking for yourself: no proof of authority is needed.", field="kind")
        name = (document.file.name or "").strip()[:255]
        try:
            if document.file.size is not None and document.file.size > largest:  # refused before it is read
                raise ApplicationError(
                    f"“{name or 'The file'}” is {document.file.size / 1_048_576:.1f} MB; the largest file accepted is "
                    f"{largest / 1_048_576:.0f} MB. Send a smaller scan or photo, or split it into smaller PDFs."
                )
            document.file.seek(0)
            data = document.file.read(largest + 1)
            document.file.seek(0)
            result = check_scan(data, name=name, max_bytes=largest, field="file")
        except ApplicationError as error:
            raise _refuse_document(error, kind=document.kind, email=email, visitor=visitor) from None
        checked.append(CheckedDocument(kind=document.kind, name=name, checked=result))
    return checked


def _documents_store(
    *, request: RightsRequest, documents: Sequence[CheckedDocument], visitor: Visitor, now: dt.datetime, kept: list[str]
) -> None:
    """File the checked proof privately (MEDIA_ROOT, a generated name) with a record of each; `kept` lists the files."""
    for document in documents:
        data = document.checked.data
        row = SubmittedDocument(
            request=request,
            kind=document.kind.value,
            original_name=document.name,
            media_type=document.checked.media_type,
            size=len(data),
            page_count=document.checked.page_count,
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_at=now,
            ip_address=visitor.ip_address or None,
        )
        extension = EXTENSIONS[document.checked.kind]
        row.file.save(f"{document.kind.value}-{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        kept.append(row.file.name or "")
        row.full_clean()
        record_change(row, "Sent with the online request")
        row.save()


def _discard(storage_names: Sequence[str]) -> None:
    for name in storage_names:
        try:
            SubmittedDocument._meta.get_field("file").storage.delete(name)
        except OSError:  # pragma: no cover - nothing more to do; no row names it
            logger.exception("Could not remove a proof file of an online request that was not made")


def online_request_submit(
    *,
    answers: OnlineRequest,
    confirmation_id: int | None,
    visitor: Visitor,
    documents: Sequence[DocumentUpload] = (),
    now: dt.datetime | None = None,
) -> RightsRequest:
    """Log the online request, received today, with an acknowledgement and a status-page link sent by email.

    The email address must have been confirmed by its code (in the last two hours, for this request only).
    Proof of identity or authority sent with it is checked first (a refused file refuses the request, and
    nothing is kept), then filed with the request for a caseworker to check; the acknowledgement says so.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    checked = online_documents_check(documents=documents, role=answers.role, email=answers.email, visitor=visitor)
    with transaction.atomic():
        confirmation = _confirmed(code_id=confirmation_id, email=answers.email, now=now)
    _limited(
        step="submit",
        email=answers.email,
        visitor=visitor,
        per_address="ONLINE_REQUESTS_PER_ADDRESS_PER_DAY",
        per_ip="ONLINE_REQUESTS_PER_IP_PER_DAY",
        window=DAY,
    )
    addressee_email = answers.email.strip()
    subject = answers.subject
    requester = answers.requester
    if requester is None:
        subject = PersonDetails(**{**subject.__dict__, "email": addressee_email})
    else:
        requester = PersonDetails(**{**requester.__dict__, "email": addressee_email})
    summary = answers.summary.strip()
    if answers.relationship.strip():
        summary += f"\n\nTheir relationship to the person, as they describe it: {answers.relationship.strip()}"
    kept: list[str] = []
    try:
        with transaction.atomic():
            request = _online_request_create(
                answers=answers,
                confirmation=confirmation,
                subject=subject,
                requester=requester,
                summary=summary,
                today=today,
                now=now,
            )
            _documents_store(request=request, documents=checked, visitor=visitor, now=now, kept=kept)
            # After the proof is filed, so the letter says what was sent and does not ask for it again.
            letter_generate(request=request, template="acknowledgement", by=None, today=today)
            status_link_send(request=request, to=addressee_email, now=now)
    except BaseException:
        _discard(kept)
        raise
    return request


def _online_request_create(
    *,
    answers: OnlineRequest,
    confirmation: OneTimeCode,
    subject: PersonDetails,
    requester: PersonDetails | None,
    summary: str,
    today: dt.date,
    now: dt.datetime,
) -> RightsRequest:
    """The request itself, in the caller's transaction; the confirmation is locked and used for this one only."""
    confirmation = _confirmed(code_id=confirmation.pk, email=answers.email, now=now)
    request = request_create(
        by=None,
        kind=answers.kind,
        received=today,  # the day it was submitted: the clock starts here (UK GDPR Art 12A)
        subject=subject,
        requester=requester,
        role=answers.role,
        authority=answers.authority,
        channel=Channel.WEB,
        summary=summary,
        acknowledge=False,  # acknowledged once any proof sent with it is filed
        today=today,
        reply_by=answers.reply_by,
        code_by=CodeChannel.EMAIL,  # the verified address; never the letterbox a posted link goes to
        format_needs=answers.format_needs,
        format_needs_detail=answers.format_needs_detail,
    )
    confirmation.request = request
    confirmation.save(update_fields=["request"])
    return request


# The status page.


def status_link_days() -> int:
    return int(getattr(settings, "STATUS_LINK_DAYS", 180))


def status_url(token: str) -> str:
    from django.urls import reverse

    site: str = settings.SITE_URL
    return site.rstrip("/") + reverse("online:status", args=[token])


def status_link_send(
    *, request: RightsRequest, to: str, by: User | None = None, now: dt.datetime | None = None
) -> StatusLink:
    """Make a status-page link for the request and email it to the address (the message is queued on commit)."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(days=status_link_days())
    with transaction.atomic():
        link = StatusLink(
            request=request, token_hash=token_hash(token), to=to.strip(), created_at=now, expires_at=expires, sent_by=by
        )
        record_change(link, "Status link sent", by=by)
        link.save()
        link.message = message_send(
            to=link.to,
            template="status_link",
            context={
                "reference": request.reference,
                "link": status_url(token),
                "expires": f"{day_text(timezone.localdate(expires))}",
            },
            request=request,
            by=by,
            purpose=f"status_link:{link.pk}",
        )
        link.save_without_historical_record(update_fields=["message"])  # type: ignore[attr-defined]
    return link


# Staff's controls over a request's status links: the Manager or the assigned caseworker.

NO_EMAIL_MESSAGE = (
    "There is no email address for the requester, so no status link can be sent. "
    "Record their email address first, or tell them how the request is going by letter or phone."
)


def may_manage_status_links(user: User, request: RightsRequest) -> bool:
    """The Manager, or the caseworker the request is assigned to (a link opens the case's progress to someone)."""
    if roles.is_manager(user):
        return True
    return roles.is_caseworker(user) and request.assigned_to_id is not None and request.assigned_to_id == user.pk


def _refuse_unless_manager_or_assigned(user: User, request: RightsRequest) -> None:
    if not may_manage_status_links(user, request):
        raise ApplicationError(
            "Only the Manager or the caseworker assigned to this request can send or revoke its status link."
        )


def _live_links(request: RightsRequest, now: dt.datetime) -> list[StatusLink]:
    return list(
        StatusLink.objects.select_for_update().filter(request=request, revoked_at__isnull=True, expires_at__gt=now)
    )


def _revoke(link: StatusLink, *, by: User, reason: str, now: dt.datetime, change: str) -> None:
    link.revoked_at = now
    link.revoked_by = by
    link.revoked_reason = reason
    record_change(link, change, by=by)
    link.save()


def status_link_send_by_staff(*, request_id: int, by: User, now: dt.datetime | None = None) -> StatusLink:
    """Send the requester a status link by email (any request, however it arrived); an earlier working link
    stops working, so only the newest email opens the page."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = request_lock(request_id, by=by)
        _refuse_unless_manager_or_assigned(by, locked)
        email = (locked.addressee.email or "").strip()
        if not email:
            raise ApplicationError(NO_EMAIL_MESSAGE, field="email")
        for old in _live_links(locked, now):
            _revoke(old, by=by, reason="Replaced by a new link", now=now, change="Revoked: replaced by a new link")
        return status_link_send(request=locked, to=email, by=by, now=now)


def status_link_revoke(*, request_id: int, by: User, reason: str, now: dt.datetime | None = None) -> StatusLink:
    """Stop the request's working status link, with the reason (the requester's page then says it does not work)."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why the status link is being revoked.", field="reason")
    with transaction.atomic():
        locked = request_lock(request_id, by=by)
        _refuse_unless_manager_or_assigned(by, locked)
        live = _live_links(locked, now)
        if not live:
            raise ApplicationError("This request has no working status link to revoke.")
        for link in live:
            _revoke(link, by=by, reason=reason, now=now, change=f"Revoked: {reason}")
    return live[0]


def status_link_by_token(token: str, *, now: dt.datetime | None = None) -> StatusLink | None:
    """The working link with this token, or None (unknown, expired or revoked: the page says the same)."""
    link = StatusLink.objects.select_related("request").filter(token_hash=token_hash(token)).first()
    if link is None or not link.works(now or timezone.now()):
        return None
    return link


def _event(link: StatusLink, kind: str, visitor: Visitor, now: dt.datetime) -> None:
    StatusPageEvent.objects.create(
        link=link,
        kind=kind,
        at=now,
        ip_address=visitor.ip_address or None,
        user_agent=visitor.user_agent[:USER_AGENT_LENGTH],
    )


def status_code_send(*, link: StatusLink, visitor: Visitor, now: dt.datetime | None = None) -> OneTimeCode:
    """Email a one-time code for the status page to the link's address (at most a few an hour)."""
    now = now or timezone.now()
    if rate_limit_exceeded(
        scope="status_code:link",
        value=str(link.pk),
        limit=limit("STATUS_CODES_PER_LINK_PER_HOUR"),
        window_seconds=HOUR,
    ):
        raise ApplicationError("We have sent too many codes for this page. Please wait an hour and try again.")
    code = _new_code()
    purpose = OneTimeCodePurpose.STATUS_PAGE
    with transaction.atomic():
        message = message_send(
            to=link.to,
            template="status_code",
            context={"reference": link.request.reference, "code": code, "minutes": CODE_MINUTES},
            purpose="status_code",
        )
        row = OneTimeCode.objects.create(
            purpose=purpose,
            to=link.to,
            status_link=link,
            code_hash=_code_hash(purpose, f"link{link.pk}", code),
            created_at=now,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
            message=message,
        )
        _event(link, StatusPageEvent.Kind.CODE_SENT, visitor, now)
    return row


def status_code_check(*, link: StatusLink, code: str, visitor: Visitor, now: dt.datetime | None = None) -> CodeOutcome:
    """Check the newest code sent for the link (older ones stop working when a new one is sent)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = OneTimeCode.objects.select_for_update().filter(status_link=link).order_by("-created_at", "-pk").first()
        if row is None:
            return CodeOutcome("no_code")
        outcome = _check(row, scope=f"link{link.pk}", code=code, now=now)
        if outcome.state != "no_code":  # a try was made: right, or wrong (perhaps the last)
            kind = StatusPageEvent.Kind.CODE_ACCEPTED if outcome.ok else StatusPageEvent.Kind.WRONG_CODE
            _event(link, kind, visitor, now)
    return outcome


def status_page_viewed(*, link: StatusLink, visitor: Visitor, now: dt.datetime | None = None) -> None:
    _event(link, StatusPageEvent.Kind.VIEWED, visitor, now or timezone.now())
