"""Each agency's data owner signs off the redactions of its own records before the Manager signs off the pack.

The caseworker asks an agency once its records are reviewed: the data owner gets a secure link by email (only
a hash of its token is kept), confirms with a one-time code sent to the same address (the portal's code
machinery: keyed hash, expiry, one use, a few tries), sees only its own records as they will be disclosed, and
agrees or asks for changes with a reason. Every code, view and answer is logged. The Manager may sign off
without an answer only once the agency's time is up, saying why (rights.owners).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.roles import require_role
from core.text import day_text
from disclosure.models import (
    Agency,
    OwnerReview,
    OwnerReviewAccess,
    OwnerReviewCode,
    OwnerReviewEvent,
)
from disclosure.models.owners import OWNER_CODE_MAX_TRIES, OWNER_REVIEW_MAX_TRIES
from disclosure.owner_selectors import agency_documents, owner_fingerprint, owner_review_blockers
from disclosure.services.common import WORKERS, log_event, require_editable
from disclosure.services.delivery import (
    CODE_MINUTES,
    CODE_RESEND_SECONDS,
    CODES_PER_LINK_PER_DAY,
    USER_AGENT_LENGTH,
    PortalVisitor,
    code_hash,
    new_code,
    token_hash,
)
from requests_app.models import Letter, LetterDirection, LetterMethod, RightsRequest
from requests_app.selectors import working_calendar
from requests_app.services.messages import message_send
from rights import ApplicationError
from rights.owners import OwnerAnswer, manager_override_refusal, owner_review_due

DEFAULT_REVIEW_WORKING_DAYS = 5
DEFAULT_LINK_DAYS = 28


def review_working_days() -> int:
    return int(getattr(settings, "AGENCY_REVIEW_WORKING_DAYS", DEFAULT_REVIEW_WORKING_DAYS))


def review_link_days() -> int:
    return int(getattr(settings, "AGENCY_REVIEW_LINK_DAYS", DEFAULT_LINK_DAYS))


def _code_key(review_id: int) -> str:
    return f"owner-review:{review_id}"  # never the same key as a requester's portal link of the same number


def owner_review_check(request: RightsRequest) -> str | None:
    """The state machine's condition for "approve" (registered in DisclosureConfig.ready)."""
    from requests_app.guards import today_for

    reasons = owner_review_blockers(request, today=today_for(request))
    return " ".join(reasons) if reasons else None


# ---------------------------------------------------------------------------------------------------------------------
# Asking


def owner_review_url(token: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('disclosure:owner_review', args=[token])}"


def owner_review_ask(
    *, by: User | None, request: RightsRequest, agency: Agency, now: dt.datetime | None = None
) -> tuple[OwnerReview, str]:
    """Send the agency's data owner a link to check the redactions of its records; any earlier ask is superseded.

    Returns the review and the link's token (shown nowhere: it goes only in the email).
    """
    require_role(by, *WORKERS, action="ask an agency to check its redactions")
    now = now or timezone.now()
    today = timezone.localdate(now)
    to = agency.owner_email.strip()
    if not to:
        raise ApplicationError(
            f"{agency.name} has no email address for its data owner: add it on the agency's page first."
        )
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        require_editable(locked)
        documents = list(agency_documents(locked, agency))
        if not documents:
            raise ApplicationError(f"None of the records of {locked.reference} came from {agency.name}.")
        unreviewed = [d.title for d in documents if d.reviewed_at is None]
        if unreviewed:
            raise ApplicationError(
                f"Finish reviewing {agency.name}'s records before asking it to check them: {', '.join(unreviewed)}."
            )
        for earlier in (
            OwnerReview.objects.select_for_update()
            .filter(request=locked, agency=agency)
            .exclude(status=OwnerAnswer.SUPERSEDED.value)
        ):
            earlier.status = OwnerAnswer.SUPERSEDED.value
            record_change(earlier, "Asked again")
            earlier.save()
        token = secrets.token_urlsafe(32)
        due_on = owner_review_due(today, review_working_days(), working_calendar())
        review = OwnerReview(
            request=locked,
            agency=agency,
            token_hash=token_hash(token),
            expires_at=now + dt.timedelta(days=review_link_days()),
            sent_to=to,
            asked_on=today,
            due_on=due_on,
            fingerprint=owner_fingerprint(locked, agency),
            asked_by=by,
        )
        review.full_clean()
        record_change(review, "Asked")
        review.save()
        owner = agency.data_owner.strip() or "The data owner"
        letter = Letter(
            request=locked,
            direction=LetterDirection.OUT,
            date=today,
            method=LetterMethod.EMAIL,
            addressee=f"{owner}, {agency.name} ({to})"[:200],
            summary=f"{agency.name} asked to check the redactions of its records by {day_text(due_on)} (secure link).",
            template="owner_review_link",
            created_by=by,
        )
        letter.full_clean()
        record_change(letter, "Sent by the service: owner review link")
        letter.save()
        review.message = message_send(
            to=to,
            template="owner_review_link",
            context={
                "reference": locked.reference,
                "agency": agency.name,
                "link": owner_review_url(token),
                "expires": f"{day_text(timezone.localtime(review.expires_at).date())}",
                "due": f"{due_on:%A} {day_text(due_on)}",
            },
            letter=letter,
            by=by,
            purpose=f"owner_review:{review.pk}",
        )
        review.save(update_fields=["message"])
        log_event(
            request=locked,
            action="owner_review_asked",
            detail=f"{agency.name} asked to check the redactions of its {len(documents)} record(s) by {day_text(due_on)}.",
            by=by,
        )
    return review, token


def owner_review_waive(
    *, by: User | None, review: OwnerReview, reason: str, today: dt.date | None = None
) -> OwnerReview:
    """The Manager signs off without the agency's answer, once its time is up, saying why (recorded)."""
    require_role(by, roles.MANAGER, action="sign off without an agency's answer")
    today = today or timezone.localdate()
    if not reason.strip():
        raise ApplicationError("Say why the pack can be signed off without the agency's answer.", field="reason")
    with transaction.atomic():
        locked = (
            OwnerReview.objects.select_for_update(of=("self",)).select_related("request", "agency").get(pk=review.pk)
        )
        require_editable(locked.request)
        refusal = manager_override_refusal(answer=locked.answer, due_on=locked.due_on, today=today)
        if refusal:
            raise ApplicationError(refusal)
        locked.status = OwnerAnswer.WAIVED.value
        locked.waived_by = by
        locked.waived_at = timezone.now()
        locked.waived_reason = reason.strip()
        record_change(locked, f"Passed over by the Manager: {reason.strip()}")
        locked.save()
        log_event(
            request=locked.request,
            action="owner_review_waived",
            detail=f"Signed off without {locked.agency.name}'s answer (due {day_text(locked.due_on)}): {reason.strip()}",
            by=by,
        )
    return locked


def owner_review_revoke(
    *, by: User | None, review: OwnerReview, reason: str, now: dt.datetime | None = None
) -> OwnerReview:
    """Withdraw a live link by hand, saying why (e.g. sent to the wrong address): its pages refuse from now on, no
    code can be asked for or used, and sign-off stays blocked until the agency is asked again or passed over."""
    require_role(by, *WORKERS, action="revoke an agency's link to check its redactions")
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why the link is revoked.", field="reason")
    with transaction.atomic():
        locked = _lock(review.pk)  # not require_editable: a link sent astray is withdrawn whatever the request's state
        if locked.revoked_at is not None:
            raise ApplicationError(
                f"{locked.agency.name}'s link was already revoked on {day_text(timezone.localdate(locked.revoked_at))}."
            )
        if locked.status != OwnerAnswer.ASKED:
            raise ApplicationError(
                f"{locked.agency.name}'s link cannot be revoked: it has been answered, passed over or replaced."
            )
        if not locked.is_open(now):
            raise ApplicationError(
                f"{locked.agency.name}'s link has already stopped working: it has expired or is locked."
            )
        locked.revoked_at = now
        locked.revoked_by = by
        locked.revoked_reason = reason
        record_change(locked, f"Link revoked: {reason}")
        locked.save()
        log_event(
            request=locked.request,
            action="owner_review_revoked",
            detail=f"{locked.agency.name}'s link to check its redactions (sent to {locked.sent_to}) revoked: {reason}",
            by=by,
        )
    return locked


# ---------------------------------------------------------------------------------------------------------------------
# At the link


def owner_review_by_token(token: str) -> OwnerReview | None:
    if not token or len(token) > 200:
        return None
    return OwnerReview.objects.select_related("request", "agency").filter(token_hash=token_hash(token)).first()


def _log(review: OwnerReview, event: str, visitor: PortalVisitor, now: dt.datetime, detail: str = "") -> None:
    OwnerReviewAccess.objects.create(
        review=review,
        event=event,
        detail=detail[:300],
        at=now,
        ip_address=visitor.ip_address,
        user_agent=visitor.user_agent[:USER_AGENT_LENGTH],
    )


def _lock(review_id: int) -> OwnerReview:
    return OwnerReview.objects.select_for_update(of=("self",)).select_related("request", "agency").get(pk=review_id)


def owner_code_send(*, review_id: int, visitor: PortalVisitor, now: dt.datetime | None = None) -> OwnerReviewCode:
    """Email a new one-time code to the data owner's address (at most one a minute, a few a day)."""
    now = now or timezone.now()
    with transaction.atomic():
        review = _lock(review_id)
        if not review.is_open(now):
            raise ApplicationError("This link no longer works.")
        recent = OwnerReviewCode.objects.filter(review=review, created_at__gt=now - dt.timedelta(days=1))
        latest = recent.order_by("-created_at").first()
        if latest is not None and (now - latest.created_at).total_seconds() < CODE_RESEND_SECONDS:
            raise ApplicationError("We sent you a code less than a minute ago. Wait a minute before asking again.")
        if recent.count() >= CODES_PER_LINK_PER_DAY:
            raise ApplicationError("We have sent the most codes we can today. Try again tomorrow, or call us.")
        code = new_code()
        message = message_send(
            to=review.sent_to,
            template="owner_review_code",
            context={"reference": review.request.reference, "code": code, "minutes": CODE_MINUTES},
            letter=None,
            request=None,  # a code is not a letter about the request: kept with the review, not in the register
            purpose=f"owner_review_code:{review.pk}",
        )
        record = OwnerReviewCode(
            review=review,
            code_hash=code_hash(_code_key(review.pk), code),
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
            created_at=now,
            message=message,
        )
        record.full_clean()
        record_change(record, "Issued")
        record.save()
        _log(review, OwnerReviewEvent.CODE_SENT, visitor, now)
    return record


def owner_code_check(*, review_id: int, code: str, visitor: PortalVisitor, now: dt.datetime | None = None) -> str:
    """ "ok" (the code is used up), "wrong" (tries left), "no_code" (none usable), "locked" or "closed"."""
    now = now or timezone.now()
    with transaction.atomic():
        review = _lock(review_id)
        if not review.is_open(now):
            _log(review, OwnerReviewEvent.REFUSED, visitor, now)
            return "closed"
        latest = (
            OwnerReviewCode.objects.select_for_update().filter(review=review).order_by("-created_at", "-pk").first()
        )
        if latest is None or not latest.is_usable(now):
            return "no_code"
        if hmac.compare_digest(code_hash(_code_key(review.pk), "".join(code.split())), latest.code_hash):
            latest.used_at = now
            record_change(latest, "Used")
            latest.save()
            _log(review, OwnerReviewEvent.CODE_ACCEPTED, visitor, now)
            return "ok"
        latest.failed_attempts += 1
        record_change(latest, "Wrong code")
        latest.save()
        review.failed_attempts += 1
        _log(review, OwnerReviewEvent.WRONG_CODE, visitor, now)
        if review.failed_attempts >= OWNER_REVIEW_MAX_TRIES:
            review.locked_at = now
            record_change(review, f"Locked after {OWNER_REVIEW_MAX_TRIES} wrong codes")
            review.save()
            _log(review, OwnerReviewEvent.LOCKED, visitor, now)
            log_event(
                request=review.request,
                action="owner_review_locked",
                detail=f"{review.agency.name}'s link to check its redactions locked after too many wrong codes.",
                by=None,
            )
            return "locked"
        record_change(review, "Wrong one-time code")
        review.save()
        return "wrong" if latest.failed_attempts < OWNER_CODE_MAX_TRIES else "no_code"


def owner_review_viewed(
    *, review_id: int, visitor: PortalVisitor, detail: str = "", page: bool = False, now: dt.datetime | None = None
) -> bool:
    """Log a view of the records (or of one page); False, and logged as refused, when the link no longer works."""
    now = now or timezone.now()
    with transaction.atomic():
        review = _lock(review_id)
        if not review.is_open(now):
            _log(review, OwnerReviewEvent.REFUSED, visitor, now, detail)
            return False
        _log(review, OwnerReviewEvent.PAGE_VIEWED if page else OwnerReviewEvent.VIEWED, visitor, now, detail)
    return True


def owner_review_answer(
    *,
    review_id: int,
    agrees: bool,
    reason: str,
    name: str,
    visitor: PortalVisitor,
    now: dt.datetime | None = None,
) -> OwnerReview:
    """The data owner agrees with the redactions of its records, or asks for changes saying what and why."""
    now = now or timezone.now()
    if not name.strip():
        raise ApplicationError("Enter your name.", field="name")
    if not agrees and not reason.strip():
        raise ApplicationError("Say what should change, and why.", field="reason")
    with transaction.atomic():
        review = _lock(review_id)
        if not review.is_open(now):
            _log(review, OwnerReviewEvent.REFUSED, visitor, now)
            raise ApplicationError("This link no longer works: it has been answered, has expired or is locked.")
        changed = review.fingerprint != owner_fingerprint(review.request, review.agency_id)
        if changed:
            raise ApplicationError("The records changed since this link was sent: we will send you a new one.")
        review.status = (OwnerAnswer.AGREED if agrees else OwnerAnswer.CHANGES_ASKED).value
        review.answer_reason = reason.strip()
        review.answered_by_name = name.strip()[:200]
        review.answered_at = now
        record_change(review, "Agreed" if agrees else "Changes asked")
        review.save()
        _log(
            review,
            OwnerReviewEvent.AGREED if agrees else OwnerReviewEvent.CHANGES_ASKED,
            visitor,
            now,
            review.answer_reason,
        )
        what = "agreed with the redactions of its records" if agrees else "asked for changes to the redactions"
        log_event(
            request=review.request,
            action="owner_review_answered",
            detail=f"{review.agency.name} ({review.answered_by_name}) {what}"
            + (f": {review.answer_reason}" if review.answer_reason else "."),
            by=None,
        )
    return review
