"""Delivering a verified pack: a portal link the requester opens with the reference and the data subject's
date of birth, or the post once a second person has checked the address.

Creating a portal link and sending it are two facts: the link works, and the pack is released, once it
was sent (emailed by the service, or recorded as posted with who posted it). Unlocking it needs the
reference, the date of birth and a one-time code sent to the contact the requester chose (or read out
by phone after an identity check), never with the link by post.

The first delivery of a pack releases it: the request moves to disclosed (requests_app's "disclose"
step) and the covering letter is filed in the letters register, in the same transaction. Only a
verified, non-preview pack whose file is intact and whose records have not changed can go out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import record_change
from core.roles import require_role
from core.text import day_text
from disclosure.models import (
    PORTAL_CODE_MAX_TRIES,
    PORTAL_MAX_TRIES,
    Dispatch,
    DispatchMethod,
    DispatchStatus,
    LinkSentHow,
    Pack,
    PackStatus,
    PortalAccess,
    PortalCode,
    PortalEvent,
    PortalLink,
)
from disclosure.pack.build import build_inputs
from disclosure.pack.inputs import PackInputs
from disclosure.pack.render import render_cover_letter
from disclosure.pack.selectors import address_evidence, recorded_address
from disclosure.selectors import opinion_blockers
from disclosure.services.common import WORKERS, log_event
from disclosure.services.packs import RELEASABLE_REQUEST_STATUSES
from requests_app.models import (
    CodeChannel,
    LetterDirection,
    LetterMethod,
    Message,
    MessageChannel,
    RightsRequest,
    Status,
)
from requests_app.services.letters import letter_log
from requests_app.services.messages import message_send
from requests_app.services.sms import sms_available
from requests_app.services.transitions import request_transition
from rights import ApplicationError

DEFAULT_PORTAL_LINK_DAYS = 28
USER_AGENT_LENGTH = 500
# What the covering letter goes as, in the letters register.
LETTER_METHODS: dict[str, str] = {
    DispatchMethod.POST: LetterMethod.POST,
    DispatchMethod.RECORDED_DELIVERY: LetterMethod.RECORDED_DELIVERY,
    DispatchMethod.SPECIAL_DELIVERY: LetterMethod.RECORDED_DELIVERY,
    DispatchMethod.COURIER: LetterMethod.RECORDED_DELIVERY,
    DispatchMethod.HAND: LetterMethod.HAND,
}
TRACKED_METHODS = frozenset({DispatchMethod.RECORDED_DELIVERY, DispatchMethod.SPECIAL_DELIVERY, DispatchMethod.COURIER})


def portal_link_days() -> int:
    """How long a portal link lasts (setting PORTAL_LINK_DAYS, default 28 days)."""
    return int(getattr(settings, "PORTAL_LINK_DAYS", DEFAULT_PORTAL_LINK_DAYS))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _file_sha256(pack: Pack) -> str:
    hasher = hashlib.sha256()
    with pack.file.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            hasher.update(block)
    return hasher.hexdigest()


def _lock_pack(pack: Pack) -> Pack:
    return Pack.objects.select_for_update(of=("self",)).select_related("request").get(pk=pack.pk)


def releasable_inputs(pack: Pack, *, today: dt.date | None = None) -> PackInputs:
    """The pack's inputs, if it may go to the requester; otherwise a plain-words refusal.

    Only a verified (never a failed or preview) pack of a signed-off request, whose file is the one
    verified and whose records have not changed since, can be released; and, until it has gone out,
    only while the serious-harm opinions it relies on are still current on `today`.
    """
    today = today or timezone.localdate()
    if pack.preview:
        raise ApplicationError("A preview is watermarked 'not for disclosure' and can never be sent.")
    if pack.status not in {PackStatus.VERIFIED, PackStatus.RELEASED}:
        raise ApplicationError(
            f"Only a verified pack can be sent; this one is {PackStatus(pack.status).label.lower()}."
        )
    request = RightsRequest.objects.select_related("subject", "requester", "assigned_to").get(pk=pack.request_id)
    if request.status not in RELEASABLE_REQUEST_STATUSES:
        raise ApplicationError(
            f"{request.reference} is {Status(request.status).label.lower()}: only a signed-off request's pack can be sent."
        )
    if not pack.file or not pack.sha256 or _file_sha256(pack) != pack.sha256:
        raise ApplicationError("The pack's file is not the one that was verified. Make the pack again.")
    if pack.letter_date is None:
        raise ApplicationError("The pack has no letter date. Make the pack again.")
    inputs = build_inputs(request, preview=False, letter_date=pack.letter_date, by=pack.created_by)
    if inputs.fingerprint() != pack.inputs_hash:
        raise ApplicationError(
            "The records, redactions or the requester's details have changed since this pack was made. Make it again."
        )
    newer = Pack.objects.filter(request=request, preview=False, created_at__gt=pack.created_at).exclude(
        status=PackStatus.FAILED
    )
    if newer.exists():
        raise ApplicationError("A newer pack has been made for this request: send that one instead.")
    if pack.status != PackStatus.RELEASED:
        # DPA 2018 Sch 3 Pt 2 para 6: an opinion counts only within the six months ending with the day it is
        # relied on, and sending the pack is when it is relied on (not the day the pack was signed off).
        stale = opinion_blockers(request, today=today)
        if stale:
            raise ApplicationError(
                f"The pack cannot be sent on {today.day} {today:%B %Y}: {' '.join(stale)} "
                "A renewed opinion can be recorded on the request's disclosure page."
            )
    return inputs


def _release(*, pack: Pack, inputs: PackInputs, by: User, letter_method: str, how: str, today: dt.date) -> None:
    """The first delivery of a pack: file the covering letter, mark the pack released, and record disclosure."""
    if pack.status == PackStatus.RELEASED:
        return
    cover = render_cover_letter(inputs, pages_total=pack.page_count)
    letter = letter_log(
        request=pack.request,
        by=by,
        direction=LetterDirection.OUT,
        date=today,
        method=letter_method,
        addressee=pack.addressee_name,
        summary=f"Disclosure covering letter, with the disclosure pack ({pack.page_count} pages) sent {how}.",
        file=ContentFile(cover, name=f"{pack.request.reference}-disclosure-cover.pdf"),
        today=today,
    )
    pack.status = PackStatus.RELEASED
    pack.cover_letter = letter
    pack.released_at = timezone.now()
    pack.released_by = by
    record_change(pack, f"Released {how}", by=by)
    pack.save()
    request = RightsRequest.objects.get(pk=pack.request_id)
    if request.status == Status.APPROVED:
        request_transition(
            request_id=request.pk,
            user=by,
            transition="disclose",
            expected_version=request.version,
            data={"reason": f"Disclosure pack {pack.pk} sent {how}."},
            today=today,
        )
    log_event(request=pack.request, action="pack_released", detail=f"Pack {pack.pk} sent {how}.", by=by)


# The portal ----------------------------------------------------------------------------------------


def portal_link_create(
    *, pack: Pack, by: User, days: int | None = None, now: dt.datetime | None = None, today: dt.date | None = None
) -> tuple[PortalLink, str]:
    """A new portal link for a verified pack, and its token (shown once; only its hash is kept).

    The first delivery releases the pack and records the disclosure.
    """
    require_role(by, *WORKERS, action="send a disclosure pack")
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    days = days if days is not None else portal_link_days()
    if not 1 <= days <= 90:
        raise ApplicationError("A portal link lasts from 1 to 90 days.", field="days")
    with transaction.atomic():
        locked = _lock_pack(pack)
        inputs = releasable_inputs(locked, today=today)
        if locked.request.subject.date_of_birth is None:
            raise ApplicationError(
                "The data subject's date of birth is not recorded, and the portal asks for it: send the pack by post."
            )
        token = secrets.token_urlsafe(32)
        link = PortalLink(
            pack=locked, token_hash=token_hash(token), expires_at=now + dt.timedelta(days=days), created_by=by
        )
        code_contact(locked.request)  # the second factor must be able to reach the requester
        link.full_clean()
        record_change(link, "Created")
        link.save()
        log_event(
            request=locked.request,
            action="portal_link_created",
            detail=f"Portal link {link.pk} for pack {locked.pk}, valid until {timezone.localtime(link.expires_at):%d %B %Y %H:%M}. "
            "Not yet sent.",
            by=by,
        )
    del inputs  # checked here; checked again when the link is sent
    return link, token


def portal_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('disclosure:portal', args=[token])}"


CODE_BY_TEXT = {
    CodeChannel.EMAIL: "by email",
    CodeChannel.SMS: "by text message",
    CodeChannel.PHONE: "by phone: call us and we will read it to you once we have checked who you are",
}


def code_contact(request: RightsRequest) -> tuple[str, str]:
    """Where the pack's one-time code goes (channel, address or number), or a plain-words refusal."""
    channel = request.portal_code_channel
    addressee = request.addressee
    if channel == CodeChannel.EMAIL:
        if not addressee.email.strip():
            raise ApplicationError(
                f"The one-time code goes by email, and {addressee.full_name} has no email address recorded."
            )
        return channel, addressee.email.strip()
    if channel == CodeChannel.SMS:
        if not sms_available():
            raise ApplicationError("Text messages are not configured (SMS_BACKEND): choose another way for the code.")
        if not addressee.phone.strip():
            raise ApplicationError(
                f"The one-time code goes by text, and {addressee.full_name} has no phone number recorded."
            )
        return channel, addressee.phone.strip()
    return CodeChannel.PHONE, ""


def _lock_link(link_id: int) -> PortalLink:
    return (
        PortalLink.objects.select_for_update(of=("self",))
        .select_related("pack__request__subject", "pack__request__requester")
        .get(pk=link_id)
    )


def portal_link_send_email(*, link: PortalLink, token: str, by: User, now: dt.datetime | None = None) -> PortalLink:
    """Ask the service to email the link to the requester; the pack is released when the email has gone."""
    require_role(by, *WORKERS, action="send a disclosure pack")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_link(link.pk)
        if token_hash(token) != locked.token_hash:
            raise ApplicationError("That is not this link's token.")
        if locked.state(now) not in {"unsent", "active"} or locked.is_sent or locked.message_id:
            raise ApplicationError("This link has already been sent, or no longer works.")
        request = locked.pack.request
        releasable_inputs(_lock_pack(locked.pack), today=timezone.localdate(now))
        email = request.addressee.email.strip()
        if not email:
            raise ApplicationError(f"{request.addressee.full_name} has no email address recorded: send it by post.")
        channel, _ = code_contact(request)
        message = message_send(
            to=email,
            template="portal_link",
            context={
                "reference": request.reference,
                "link": portal_url(token),
                "expires": f"{day_text(timezone.localtime(locked.expires_at).date())}",
                "code_by": CODE_BY_TEXT[CodeChannel(channel)],
            },
            request=request,
            by=by,
            purpose=f"portal_link:{locked.pk}",
        )
        locked.message = message
        record_change(locked, "Email queued", by=by)
        locked.save()
        log_event(
            request=request,
            action="portal_link_email_queued",
            detail=f"Portal link {locked.pk} emailed to {email}.",
            by=by,
        )
    return locked


def _mark_sent(*, link_id: int, how: str, by: User | None, now: dt.datetime, today: dt.date) -> PortalLink:
    with transaction.atomic():
        locked = _lock_link(link_id)
        if locked.is_sent:
            return locked
        if locked.is_revoked:
            raise ApplicationError("This link has been revoked.")
        pack = _lock_pack(locked.pack)
        inputs = releasable_inputs(pack, today=today)
        locked.sent_at = now
        locked.sent_how = how
        locked.sent_by = by
        record_change(locked, f"Sent {LinkSentHow(how).label.lower()}", by=by)
        locked.save()
        releaser = by or pack.created_by
        if releaser is None:
            raise ApplicationError("Nobody is recorded as sending this link.")
        _release(
            pack=pack,
            inputs=inputs,
            by=releaser,
            letter_method=LetterMethod.EMAIL if how == LinkSentHow.EMAIL else LetterMethod.POST,
            how="by secure portal link" + (" (emailed by the service)" if how == LinkSentHow.EMAIL else " (posted)"),
            today=today,
        )
        log_event(
            request=pack.request,
            action="portal_link_sent",
            detail=f"Portal link {locked.pk} sent {LinkSentHow(how).label.lower()}.",
            by=by,
        )
    return locked


def portal_link_record_posted(
    *, link: PortalLink, by: User, now: dt.datetime | None = None, today: dt.date | None = None
) -> PortalLink:
    """Record that the letter with the link went in the post, and who sent it: the pack is disclosed now."""
    require_role(by, *WORKERS, action="send a disclosure pack")
    now = now or timezone.now()
    return _mark_sent(link_id=link.pk, how=LinkSentHow.POST, by=by, now=now, today=today or timezone.localdate(now))


def portal_link_email_sent(message: Message) -> None:
    """The sent-hook for a link's email (requests_app.services.messages): the link was sent, the pack goes out."""
    link_id = int(message.purpose.split(":", 1)[1])
    sent_at = message.sent_at or timezone.now()
    _mark_sent(
        link_id=link_id, how=LinkSentHow.EMAIL, by=message.created_by, now=sent_at, today=timezone.localdate(sent_at)
    )


# One-time codes ------------------------------------------------------------------------------------

CODE_MINUTES = 15
CODE_RESEND_SECONDS = 60  # at most one code a minute for a link
CODES_PER_LINK_PER_DAY = 5


def code_hash(link_id: int | str, code: str) -> str:
    """Keyed with SECRET_KEY: six digits alone are quick to guess from a bare hash."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{link_id}:{code}".encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    """Six random digits: a one-time code (also for an agency's owner-review link)."""
    return _new_code()


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _save_code(link: PortalLink, *, code: str, channel: str, now: dt.datetime, **fields: Any) -> PortalCode:
    record = PortalCode(
        link=link,
        code_hash=code_hash(link.pk, code),
        channel=channel,
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        created_at=now,
        **fields,
    )
    record.full_clean()
    record_change(record, "Issued")
    record.save()
    return record


def portal_code_send(*, link_id: int, visitor: PortalVisitor, now: dt.datetime | None = None) -> PortalCode:
    """Send a new one-time code to the contact the requester chose (after the reference and date of birth)."""
    now = now or timezone.now()
    with transaction.atomic():
        link = _lock_link(link_id)
        if link.state(now) != "active":
            raise ApplicationError("This link no longer works.")
        request = link.pack.request
        channel, to = code_contact(request)
        if channel == CodeChannel.PHONE:
            raise ApplicationError("Your code is read out by phone: call us and we will give it to you.")
        recent = PortalCode.objects.filter(link=link, created_at__gt=now - dt.timedelta(days=1)).order_by("-created_at")
        latest = recent.first()
        if latest is not None and (now - latest.created_at).total_seconds() < CODE_RESEND_SECONDS:
            raise ApplicationError("We sent you a code less than a minute ago. Wait a minute before asking again.")
        if recent.count() >= CODES_PER_LINK_PER_DAY:
            raise ApplicationError("We have sent the most codes we can today. Try again tomorrow, or call us.")
        code = _new_code()
        message = message_send(
            to=to,
            template="portal_code",
            context={"reference": request.reference, "code": code, "minutes": CODE_MINUTES},
            request=request,
            channel=MessageChannel.SMS if channel == CodeChannel.SMS else MessageChannel.EMAIL,
        )
        record = _save_code(link, code=code, channel=channel, now=now, message=message)
        _log(link, PortalEvent.CODE_SENT, visitor, now)
    return record


def portal_code_issue_by_phone(
    *, link: PortalLink, by: User, identity_check: str, now: dt.datetime | None = None
) -> tuple[PortalCode, str]:
    """A caseworker who has checked who is calling reads a new code out; it is shown once and only its hash kept."""
    require_role(by, *WORKERS, action="give a portal code by phone")
    if not identity_check.strip():
        raise ApplicationError("Say how you checked who is calling.", field="identity_check")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_link(link.pk)
        if locked.state(now) != "active":
            raise ApplicationError("This link is not active: it has not been sent, or no longer works.")
        code = _new_code()
        record = _save_code(
            locked, code=code, channel=CodeChannel.PHONE, now=now, issued_by=by, identity_check=identity_check.strip()
        )
        log_event(
            request=locked.pack.request,
            action="portal_code_by_phone",
            detail=f"One-time code for portal link {locked.pk} read out by phone. Identity checked: {identity_check.strip()}",
            by=by,
        )
    return record, code


def portal_code_check(
    *, link_id: int, code: str, visitor: PortalVisitor, now: dt.datetime | None = None
) -> PortalOutcome:
    """Check the newest code: "ok" (and used up), "wrong" (tries left), "no_code" (none usable), or the link's state.

    A wrong code counts against the code and against the link, so asking for new codes never buys more tries.
    """
    now = now or timezone.now()
    with transaction.atomic():
        link = _lock_link(link_id)
        state = link.state(now)
        if state != "active":
            _log(link, PortalEvent.REFUSED, visitor, now)
            return PortalOutcome(state, link)
        latest = PortalCode.objects.select_for_update().filter(link=link).order_by("-created_at", "-pk").first()
        if latest is None or not latest.is_usable(now):
            return PortalOutcome("no_code", link)
        given = "".join(code.split())
        if hmac.compare_digest(code_hash(link.pk, given), latest.code_hash):
            latest.used_at = now
            record_change(latest, "Used")
            latest.save()
            _log(link, PortalEvent.CODE_ACCEPTED, visitor, now)
            return PortalOutcome("ok", link, PORTAL_MAX_TRIES - link.failed_attempts)
        latest.failed_attempts += 1
        record_change(latest, "Wrong code")
        latest.save()
        link.failed_attempts += 1
        _log(link, PortalEvent.WRONG_CODE, visitor, now)
        if link.failed_attempts >= PORTAL_MAX_TRIES:
            link.locked_at = now
            record_change(link, f"Locked after {PORTAL_MAX_TRIES} wrong tries")
            link.save()
            _log(link, PortalEvent.LOCKED, visitor, now)
            log_event(
                request=link.pack.request,
                action="portal_link_locked",
                detail=f"Portal link {link.pk} locked after {PORTAL_MAX_TRIES} wrong tries.",
                by=None,
            )
            return PortalOutcome("locked", link)
        record_change(link, "Wrong one-time code")
        link.save()
        left = min(PORTAL_CODE_MAX_TRIES - latest.failed_attempts, PORTAL_MAX_TRIES - link.failed_attempts)
        return PortalOutcome("wrong" if left > 0 else "no_code", link, left)


def portal_link_revoke(*, link: PortalLink, by: User, reason: str, now: dt.datetime | None = None) -> PortalLink:
    """Stop a portal link working, for good."""
    require_role(by, *WORKERS, action="revoke a portal link")
    if not reason.strip():
        raise ApplicationError("Say why the link is revoked.", field="reason")
    with transaction.atomic():
        locked = PortalLink.objects.select_for_update(of=("self",)).select_related("pack__request").get(pk=link.pk)
        if locked.revoked_at is not None:
            raise ApplicationError("This link has already been revoked.")
        locked.revoked_at = now or timezone.now()
        locked.revoked_by = by
        locked.revoked_reason = reason.strip()
        record_change(locked, "Revoked")
        locked.save()
        log_event(
            request=locked.pack.request,
            action="portal_link_revoked",
            detail=f"Portal link {locked.pk}: {locked.revoked_reason}",
            by=by,
        )
    return locked


@dataclass(frozen=True)
class PortalVisitor:
    """Who is at the portal, as far as the web server can tell."""

    ip_address: str | None
    user_agent: str


@dataclass(frozen=True)
class PortalOutcome:
    """What the requester's try came to: "ok", "wrong" (tries left), "locked", "expired", "revoked" or "unknown"."""

    state: str
    link: PortalLink | None = None
    tries_left: int = 0

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _log(link: PortalLink, event: str, visitor: PortalVisitor, now: dt.datetime) -> None:
    PortalAccess.objects.create(
        link=link,
        event=event,
        at=now,
        ip_address=visitor.ip_address,
        user_agent=visitor.user_agent[:USER_AGENT_LENGTH],
    )


def portal_link_by_token(token: str) -> PortalLink | None:
    """The link a token opens, if any (looked up by the token's hash)."""
    if not token or len(token) > 200:
        return None
    return PortalLink.objects.select_related("pack__request__subject").filter(token_hash=token_hash(token)).first()


def _same_reference(given: str, reference: str) -> bool:
    cleaned = re.sub(r"\s+", "", given).upper()
    return hmac.compare_digest(cleaned.encode(), reference.upper().encode())


def portal_unlock(
    *, token: str, reference: str, date_of_birth: dt.date | None, visitor: PortalVisitor, now: dt.datetime | None = None
) -> PortalOutcome:
    """Check the reference and the data subject's date of birth; the fifth wrong try locks the link.

    Every try is logged, and a wrong one counts even though nothing is raised: the count must be saved.
    """
    now = now or timezone.now()
    found = portal_link_by_token(token)
    if found is None:
        return PortalOutcome("unknown")
    with transaction.atomic():
        link = (
            PortalLink.objects.select_for_update(of=("self",)).select_related("pack__request__subject").get(pk=found.pk)
        )
        state = link.state(now)
        if state != "active":
            _log(link, PortalEvent.REFUSED, visitor, now)
            return PortalOutcome(state, link)
        request = link.pack.request
        right = (
            _same_reference(reference, request.reference)
            and date_of_birth is not None
            and date_of_birth == request.subject.date_of_birth
        )
        if right:
            _log(link, PortalEvent.UNLOCKED, visitor, now)
            return PortalOutcome("ok", link, PORTAL_MAX_TRIES - link.failed_attempts)
        link.failed_attempts += 1
        _log(link, PortalEvent.WRONG_DETAILS, visitor, now)
        if link.failed_attempts >= PORTAL_MAX_TRIES:
            link.locked_at = now
            record_change(link, f"Locked after {PORTAL_MAX_TRIES} wrong tries")
            link.save()
            _log(link, PortalEvent.LOCKED, visitor, now)
            log_event(
                request=request,
                action="portal_link_locked",
                detail=f"Portal link {link.pk} locked after {PORTAL_MAX_TRIES} wrong tries.",
                by=None,
            )
            return PortalOutcome("locked", link)
        record_change(link, "Wrong reference or date of birth")
        link.save()
        return PortalOutcome("wrong", link, PORTAL_MAX_TRIES - link.failed_attempts)


def portal_opened(*, link_id: int, visitor: PortalVisitor, now: dt.datetime | None = None) -> PortalOutcome:
    """Log that the requester opened the download page (after answering), if the link still works."""
    now = now or timezone.now()
    with transaction.atomic():
        link = PortalLink.objects.select_for_update(of=("self",)).get(pk=link_id)
        state = link.state(now)
        if state != "active":
            _log(link, PortalEvent.REFUSED, visitor, now)
            return PortalOutcome(state, link)
        _log(link, PortalEvent.OPENED, visitor, now)
    return PortalOutcome("ok", link)


def portal_download(*, link_id: int, visitor: PortalVisitor, now: dt.datetime | None = None) -> PortalOutcome:
    """Log a download of the pack, if the link still works (the caller has checked that it was unlocked)."""
    now = now or timezone.now()
    with transaction.atomic():
        link = PortalLink.objects.select_for_update(of=("self",)).select_related("pack").get(pk=link_id)
        state = link.state(now)
        if state != "active" or link.pack.status != PackStatus.RELEASED or not link.pack.file:
            _log(link, PortalEvent.REFUSED, visitor, now)
            return PortalOutcome(state if state != "active" else "revoked", link)
        _log(link, PortalEvent.DOWNLOADED, visitor, now)
    return PortalOutcome("ok", link)


# The post ------------------------------------------------------------------------------------------


_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?)\s*(\d[a-z]{2})\b")


def normal_address(address: str) -> str:
    """An address as compared: case, punctuation, spaces and line breaks, and a postcode's inner space ignored."""
    text = re.sub(r"[\W_]+", " ", address.casefold())
    return " ".join(_POSTCODE.sub(r"\1\2", text).split())


def dispatch_prepare(
    *, pack: Pack, by: User, method: str, tracking_number: str = "", now: dt.datetime | None = None
) -> Dispatch:
    """Get a verified pack ready for the post; it cannot go until someone else checks the address."""
    require_role(by, *WORKERS, action="send a disclosure pack")
    if method not in DispatchMethod.values:
        raise ApplicationError("Choose how the pack is sent.", field="method")
    with transaction.atomic():
        locked = _lock_pack(pack)
        releasable_inputs(locked, today=timezone.localdate(now) if now else None)
        if Dispatch.objects.filter(pack=locked, status__in=[DispatchStatus.PREPARED, DispatchStatus.CHECKED]).exists():
            raise ApplicationError("This pack is already waiting to be posted.")
        dispatch = Dispatch(
            pack=locked,
            address=f"{locked.addressee_name}\n{locked.address}".strip(),
            method=method,
            tracking_number=tracking_number.strip(),
            prepared_by=by,
            prepared_at=now or timezone.now(),
        )
        dispatch.full_clean()
        record_change(dispatch, "Prepared")
        dispatch.save()
        log_event(
            request=locked.request,
            action="dispatch_prepared",
            detail=f"Pack {locked.pk} prepared for the post ({dispatch.get_method_display()}).",
            by=by,
        )
    return dispatch


def _lock_dispatch(dispatch: Dispatch) -> Dispatch:
    return (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("pack__request__subject", "pack__request__requester")
        .get(pk=dispatch.pk)
    )


def dispatch_check_address(
    *, dispatch: Dispatch, by: User, confirmed: bool = False, typed_address: str = "", now: dt.datetime | None = None
) -> Dispatch:
    """A second person (not who prepared the dispatch, nor who made the pack) checks the address on the pack
    against the address on the request's verified identity or authority evidence.

    Where the evidence records an address, the checker is shown it and confirms the match; where it
    does not, the checker types the address they verified on the evidence scan. Either way the two are
    compared (case, punctuation, spacing and the postcode's space ignored). A mismatch stops the
    dispatch for good, recording who checked and why, and is refused.
    """
    require_role(by, *WORKERS, action="check the address on a disclosure pack")
    now = now or timezone.now()
    mismatch: str | None = None
    with transaction.atomic():
        locked = _lock_dispatch(dispatch)
        if locked.status != DispatchStatus.PREPARED:
            raise ApplicationError(f"This dispatch is {DispatchStatus(locked.status).label.lower()}.")
        if by.pk in {locked.prepared_by_id, locked.pack.created_by_id}:
            raise ApplicationError(
                "The address must be checked by a second person: someone other than whoever made the pack or "
                "prepared it for the post."
            )
        request = locked.pack.request
        if request.identity_verified_at is None:
            raise ApplicationError("The requester's identity and address have not been verified.")
        releasable_inputs(_lock_pack(locked.pack), today=timezone.localdate(now))
        evidence = address_evidence(request)
        if not evidence:
            raise ApplicationError(
                "No identity or authority evidence is recorded for this request, so there is no verified address "
                "to check against. Record the evidence first."
            )
        recorded = recorded_address(evidence)
        if recorded:
            if not confirmed:
                raise ApplicationError(
                    "Confirm that the address on the pack matches the address on the verified evidence.",
                    field="confirmed",
                )
            verified, source = recorded, "the address recorded on the verified evidence"
        else:
            verified, source = typed_address.strip(), "the address the checker typed from the evidence"
            if not verified:
                raise ApplicationError(
                    "The evidence records no address: type the address shown on the identity or authority "
                    "evidence you checked (not the name).",
                    field="typed_address",
                )
        locked.verified_address = verified
        locked.checked_by = by
        locked.checked_at = now
        locked._history_user = by  # type: ignore[attr-defined]
        if normal_address(locked.pack.address) == normal_address(verified):
            locked.status = DispatchStatus.CHECKED
            record_change(locked, f"Address checked by a second person against {source}")
            locked.save()
            log_event(
                request=request,
                action="dispatch_checked",
                detail=f"Dispatch {locked.pk}: the address on the pack matches {source}.",
                by=by,
            )
            return locked
        mismatch = (
            f"The address on the pack does not match {source} (“{' '.join(verified.split())}”). Dispatch "
            f"{locked.pk} is stopped: correct the address, make the pack again, and prepare it for the post again."
        )
        locked.status = DispatchStatus.ADDRESS_MISMATCH
        locked.cancelled_reason = mismatch
        record_change(locked, "Address check failed: the pack's address does not match")
        locked.save()
        log_event(request=request, action="dispatch_address_mismatch", detail=mismatch, by=by)
    # Raised once the stop and its reasons are saved: a refused check must still be on the record.
    raise ApplicationError(mismatch)


def dispatch_send(
    *,
    dispatch: Dispatch,
    by: User,
    tracking_number: str = "",
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> Dispatch:
    """Record that the pack went in the post; the first delivery of a pack releases it."""
    require_role(by, *WORKERS, action="send a disclosure pack")
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        locked = _lock_dispatch(dispatch)
        if locked.status != DispatchStatus.CHECKED:
            raise ApplicationError("A second person must check the address before the pack is posted.")
        tracking = tracking_number.strip() or locked.tracking_number
        if locked.method in TRACKED_METHODS and not tracking:
            raise ApplicationError("Enter the tracking number.", field="tracking_number")
        pack = _lock_pack(locked.pack)
        inputs = releasable_inputs(pack, today=today)
        locked.tracking_number = tracking
        locked.status = DispatchStatus.DISPATCHED
        locked.dispatched_by = by
        locked.dispatched_at = now
        record_change(locked, "Dispatched")
        locked.save()
        how = f"by {locked.get_method_display().lower()}" + (f" (tracking {tracking})" if tracking else "")
        _release(pack=pack, inputs=inputs, by=by, letter_method=LETTER_METHODS[locked.method], how=how, today=today)
        log_event(
            request=pack.request, action="dispatched", detail=f"Dispatch {locked.pk}: pack {pack.pk} sent {how}.", by=by
        )
    return locked


def dispatch_cancel(*, dispatch: Dispatch, by: User, reason: str) -> Dispatch:
    require_role(by, *WORKERS, action="cancel a dispatch")
    if not reason.strip():
        raise ApplicationError("Say why the dispatch is cancelled.", field="reason")
    with transaction.atomic():
        locked = _lock_dispatch(dispatch)
        if locked.status not in {DispatchStatus.PREPARED, DispatchStatus.CHECKED}:
            raise ApplicationError(f"This dispatch is {DispatchStatus(locked.status).label.lower()}.")
        locked.status = DispatchStatus.CANCELLED
        locked.cancelled_reason = reason.strip()
        record_change(locked, "Cancelled")
        locked.save()
        log_event(
            request=locked.pack.request,
            action="dispatch_cancelled",
            detail=f"Dispatch {locked.pk}: {reason.strip()}",
            by=by,
        )
    return locked
