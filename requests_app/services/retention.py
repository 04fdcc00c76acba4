"""Retention of closed rights requests: legal holds, the daily list of what is due, and destruction (Art 5(1)(e)).

A closed request is kept for REQUEST_RETENTION_DAYS after it closed, then destroyed on a Manager's
confirmation: the request, its letters, evidence, clock, steps, views, notices and people (unless
another request still names them), every history row of them, the higher layers' records through
requests_app.retention_parts, and the request's subject searches. One anonymous RequestStatistic row
is left, and a certificate of what went, when, by whom and how. Files go only after the commit.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from requests_app import roles
from requests_app.models import RightsRequest
from requests_app.services.requests import require_role
from rights import ApplicationError


def request_set_legal_hold(
    *, request_id: int, by: User | None, hold: bool, reason: str, expected_version: int | None = None
) -> RightsRequest:
    """Place or lift a legal hold on a request, with the reason (Manager only): a held request is never destroyed.

    UK GDPR Art 17(3)(e) and Art 5(1)(e): kept for as long as a complaint, claim or inquiry needs it.
    """
    from requests_app.services.transitions import check_version, refuse_unless_visible

    require_role(by, roles.MANAGER, action="place or lift a legal hold")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            "Say why the request is on legal hold." if hold else "Say why the legal hold is lifted.",
            field="legal_hold_reason",
        )
    with transaction.atomic():
        try:
            locked = RightsRequest.objects.select_for_update().get(pk=request_id)
        except RightsRequest.DoesNotExist:
            raise ApplicationError("There is no such request.") from None
        refuse_unless_visible(locked, by)
        check_version(locked, expected_version)
        if locked.legal_hold == hold:
            raise ApplicationError(
                "The request is already on legal hold." if hold else "The request is not on legal hold."
            )
        locked.legal_hold = hold
        locked.legal_hold_reason = reason  # lifted: why it was lifted; the history keeps every reason whole
        locked.version += 1
        change = f"Legal hold placed: {reason}" if hold else f"Legal hold lifted: {reason}"
        locked._change_reason = change[:100]  # type: ignore[attr-defined]  # simple_history's column
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
    return locked


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
