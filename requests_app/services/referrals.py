"""Referring a request to a professional reviewer for an opinion, and closing the referral.

A referral is what lets a reviewer open a request at all (requests_app.access): making one is the only way a
reviewer comes to see a case, and closing it takes the request away from them again. Both are on the record
(the referral's history, with who and why).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.roles import require_role
from requests_app.access import NO_SUCH_REQUEST, request_is_visible_to
from requests_app.models import Referral, ReferralKind, RightsRequest
from rights import ApplicationError


def referral_make(*, request: RightsRequest, by: User, reviewer: User, kind: str, question: str = "") -> Referral:
    """Ask a professional reviewer for an opinion on the request (a Manager, or a caseworker who may open it)."""
    require_role(by, roles.MANAGER, roles.CASEWORKER, action="refer a request to a professional reviewer")
    if not request_is_visible_to(request, by):
        raise ApplicationError(NO_SUCH_REQUEST)
    if not roles.is_reviewer(reviewer) or not reviewer.is_active:
        raise ApplicationError("Choose a professional reviewer.", field="reviewer")
    if kind not in ReferralKind.values:
        raise ApplicationError("Choose what the opinion is on.", field="kind")
    referral = Referral(request=request, reviewer=reviewer, kind=kind, question=question.strip(), referred_by=by)
    record_change(referral, "Referred for an opinion", by=by)
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise ApplicationError(
            f"{reviewer.get_full_name() or reviewer.get_username()} already has this question on this request.",
            field="reviewer",
        ) from None
    return referral


def referral_close(*, referral: Referral, by: User, reason: str = "Opinion given") -> Referral:
    """End a referral: the reviewer no longer sees the request (staff who may open it, or the reviewer themself)."""
    own = referral.reviewer_id == by.pk
    if not own:
        require_role(by, roles.MANAGER, roles.CASEWORKER, action="close a referral")
        if not request_is_visible_to(referral.request, by):
            raise ApplicationError(NO_SUCH_REQUEST)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.closed_at is not None:
            return locked
        locked.closed_at = timezone.now()
        locked.closed_by = by
        record_change(locked, reason.strip() or "Closed", by=by)
        locked.save(update_fields=["closed_at", "closed_by"])
    return locked
