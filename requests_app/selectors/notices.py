"""Reads of notices: a person's current notices, and the count in the header (one query).

"Current" leaves out what no longer applies even before anything marks it superseded: a notice
about an old due date, a request that has closed, a reminder on a request already answered, or a
closure flag on a request that is no longer waiting on the requester.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import F, Q, QuerySet

from requests_app.models import (
    CLOCK_KINDS,
    DUE_DATE_KINDS,
    FINISHED_STATUSES,
    RESPONDED_STATUSES,
    WAITING_ON_REQUESTER,
    Notice,
    NoticeKind,
)

NOTICES_SHOWN = 200
BADGE_LIMIT = 99  # the header counts this far, then says "99+"


def current_notices_q() -> Q:
    finished = [s.value for s in FINISHED_STATUSES]
    waiting = [s.value for s in WAITING_ON_REQUESTER]
    return (
        Q(superseded_at__isnull=True)
        & ~Q(request__status__in=finished)
        & (~Q(kind__in=[k.value for k in DUE_DATE_KINDS]) | Q(due_date=F("request__due_date")))
        & ~(Q(kind=NoticeKind.CLOSURE_FLAG) & ~Q(request__status__in=waiting))
        & ~(Q(kind__in=[k.value for k in CLOCK_KINDS]) & Q(request__status__in=sorted(RESPONDED_STATUSES)))
        & ~(Q(kind=NoticeKind.EXTENSION_PROMPT) & Q(request__is_complex=False))
    )


def notices_for_user(user: User) -> QuerySet[Notice]:
    """The user's current notices, unread first, newest first, with their requests joined."""
    return (
        Notice.objects.filter(recipient_id=user.pk)
        .filter(current_notices_q())
        .select_related("request")
        .order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def _unread(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).filter(current_notices_q())


def notices_unread_count(user: User) -> int:
    """How many current notices the user has not read (the notices page: the header stops at 99)."""
    return _unread(user).count()


def notices_unread_badge(user: User) -> str:
    """The header's number: the unread count up to BADGE_LIMIT, then "99+", and "" for none.

    Counting stops at the hundredth notice, so a Manager with thousands unread (after a first sweep,
    say) pays for a hundred rows on every page, not for thousands; the notices page gives the full count.
    """
    found = _unread(user).order_by().values("pk")[: BADGE_LIMIT + 1].count()
    if not found:
        return ""
    return str(found) if found <= BADGE_LIMIT else f"{BADGE_LIMIT}+"
