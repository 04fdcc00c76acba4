"""A third party asked for consent by email answers online: a link (only its token's hash is kept), a one-time
code to the address the request went to, then consent or refusal with an optional comment.

The same mechanism as an agency's return link (disclosure.services.returns): a link that expires, can be
revoked, locks after too many wrong codes; codes that expire, are throttled and kept only as keyed hashes;
every step logged. The answer is filed as a caseworker's record of it would be (consent.consent_answer_record),
by nobody on the staff, and the link records when and from where it came.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from core.roles import require_role
from disclosure.models import (
    CONSENT_CODE_MAX_TRIES,
    CONSENT_LINK_MAX_TRIES,
    ConsentAnswerCode,
    ConsentAnswerLink,
    ConsentRequest,
)
from disclosure.services.common import REVIEWERS, log_event
from disclosure.services.consent import consent_answer_record
from disclosure.services.delivery import PortalVisitor, token_hash
from disclosure.services.returns import (
    CODE_MINUTES,
    CODE_RESEND_SECONDS,
    CODES_PER_LINK_PER_DAY,
    USER_AGENT_LENGTH,
    LinkOutcome,
)
from requests_app.services.messages import message_send
from rights import ApplicationError
from rights.owners import ConsentAnswer

ONLINE_ANSWERS = (ConsentAnswer.CONSENT, ConsentAnswer.REFUSAL)


def consent_link_by_token(token: str) -> ConsentAnswerLink | None:
    if not token or len(token) > 200:
        return None
    return (
        ConsentAnswerLink.objects.select_related("consent__third_party__request")
        .filter(token_hash=token_hash(token))
        .first()
    )


def _lock_link(link_id: int) -> ConsentAnswerLink:
    return (
        ConsentAnswerLink.objects.select_for_update(of=("self",))
        .select_related("consent__third_party__request")
        .get(pk=link_id)
    )


def consent_code_hash(link_id: int, code: str) -> str:
    """Keyed with SECRET_KEY, and apart from the agencies' and the portal's codes."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"consent-answer:{link_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def consent_code_send(*, link_id: int, visitor: PortalVisitor, now: dt.datetime | None = None) -> ConsentAnswerCode:
    """Send a new one-time code to the address the request for consent went to; throttled as the agencies' are."""
    now = now or timezone.now()
    with transaction.atomic():
        link = _lock_link(link_id)
        if link.state(now) != "active":
            raise ApplicationError("This link no longer works.")
        recent = ConsentAnswerCode.objects.filter(link=link, created_at__gt=now - dt.timedelta(days=1)).order_by(
            "-created_at"
        )
        latest = recent.first()
        if latest is not None and (now - latest.created_at).total_seconds() < CODE_RESEND_SECONDS:
            raise ApplicationError("We sent you a code less than a minute ago. Wait a minute before asking again.")
        if recent.count() >= CODES_PER_LINK_PER_DAY:
            raise ApplicationError("We have sent the most codes we can today. Try again tomorrow, or contact us.")
        request = link.consent.third_party.request
        code = f"{secrets.randbelow(1_000_000):06d}"
        record = ConsentAnswerCode(
            link=link,
            code_hash=consent_code_hash(link.pk, code),
            sent_to=link.sent_to,
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
            message=message_send(
                to=link.sent_to,
                template="consent_answer_code",
                context={"reference": request.reference, "code": code, "minutes": CODE_MINUTES},
                request=request,
                purpose=f"consent_answer_code:{link.pk}",
            ),
            created_at=now,
        )
        record.full_clean()
        record_change(record, "Issued")
        record.save()
        log_event(
            request=request,
            action="consent_answer_code_sent",
            detail=f"One-time code for {link.consent.third_party.name}'s answer link {link.pk} sent "
            f"(from {visitor.ip_address or 'an unknown address'}).",
            by=None,
        )
    return record


def consent_code_check(
    *, link_id: int, code: str, visitor: PortalVisitor, now: dt.datetime | None = None
) -> LinkOutcome:
    """Check the newest code: "ok" (and used up), "wrong" (tries left), "no_code", or the link's state."""
    now = now or timezone.now()
    with transaction.atomic():
        link = _lock_link(link_id)
        state = link.state(now)
        if state != "active":
            return LinkOutcome(state)
        latest = ConsentAnswerCode.objects.select_for_update().filter(link=link).order_by("-created_at", "-pk").first()
        if latest is None or not latest.is_usable(now):
            return LinkOutcome("no_code")
        request = link.consent.third_party.request
        if hmac.compare_digest(consent_code_hash(link.pk, "".join(code.split())), latest.code_hash):
            latest.used_at = now
            record_change(latest, "Used")
            latest.save()
            log_event(
                request=request,
                action="consent_answer_code_accepted",
                detail=f"Answer link {link.pk} opened with its one-time code "
                f"(from {visitor.ip_address or 'an unknown address'}).",
                by=None,
            )
            return LinkOutcome("ok")
        latest.failed_attempts += 1
        record_change(latest, "Wrong code")
        latest.save()
        link.failed_attempts += 1
        if link.failed_attempts >= CONSENT_LINK_MAX_TRIES:
            link.locked_at = now
            record_change(link, f"Locked after {CONSENT_LINK_MAX_TRIES} wrong codes")
            link.save()
            log_event(
                request=request,
                action="consent_answer_link_locked",
                detail=f"Answer link {link.pk} locked after {CONSENT_LINK_MAX_TRIES} wrong codes.",
                by=None,
            )
            return LinkOutcome("locked")
        record_change(link, "Wrong one-time code")
        link.save()
        left = min(CONSENT_CODE_MAX_TRIES - latest.failed_attempts, CONSENT_LINK_MAX_TRIES - link.failed_attempts)
        return LinkOutcome("wrong" if left > 0 else "no_code", None, left)


def consent_answer_online(
    *, link_id: int, answer: str, comment: str, visitor: PortalVisitor, now: dt.datetime | None = None
) -> ConsentRequest:
    """File the third party's own answer, given through the link (after its code), with their comment."""
    now = now or timezone.now()
    if answer not in {a.value for a in ONLINE_ANSWERS}:
        raise ApplicationError("Choose whether you consent.", field="answer")
    comment = comment.strip()
    with transaction.atomic():
        link = _lock_link(link_id)
        if link.state(now) != "active":
            raise ApplicationError("This link no longer works: your answer may already have been given.")
        consent = link.consent
        note = f"Answered online through the secure link sent to {link.sent_to}." + (
            f" Their comment: {comment}" if comment else ""
        )
        answered = consent_answer_record(
            by=None, consent=consent, answer=answer, answered_on=timezone.localdate(now), note=note
        )
        link.answered_at = now
        link.ip_address = visitor.ip_address
        link.user_agent = visitor.user_agent[:USER_AGENT_LENGTH]
        record_change(link, f"Answered online: {answer}")
        link.save()
        log_event(
            request=consent.third_party.request,
            action="consent_answered_online",
            detail=f"{consent.third_party.name} answered online ({answer}) through answer link {link.pk} "
            f"(from {visitor.ip_address or 'an unknown address'}).",
            by=None,
        )
    return answered


def consent_link_revoke(*, by: User | None, link: ConsentAnswerLink, reason: str) -> ConsentAnswerLink:
    """Withdraw an answer link (sent to the wrong address, or no longer wanted), saying why."""
    require_role(by, *REVIEWERS, action="withdraw a third party's answer link")
    if not reason.strip():
        raise ApplicationError("Say why the link is withdrawn.", field="reason")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock_link(link.pk)
        if locked.revoked_at is not None or locked.answered_at is not None:
            raise ApplicationError("This link is already withdrawn or answered.")
        locked.revoked_at = now
        locked.revoked_by = by
        locked.revoked_reason = reason.strip()
        record_change(locked, "Withdrawn", by=by)
        locked.save()
        log_event(
            request=locked.consent.third_party.request,
            action="consent_answer_link_revoked",
            detail=f"Answer link {locked.pk} for {locked.consent.third_party.name} withdrawn: {reason.strip()}",
            by=by,
        )
    return locked
