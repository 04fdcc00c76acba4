"""Lock-and-check: lock a row for the rest of the transaction, then refuse a page loaded before someone else's change.

Every form that changes a versioned row carries the version the user saw (optimistic locking); the
service locks the row (`select_for_update`), runs its own checks on the locked row (who may see it,
first, so a stale page never tells a stranger who changed it) and then compares the versions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.utils import timezone

from rights import ApplicationError

M = TypeVar("M", bound=Model)


def lock_and_check(
    queryset: QuerySet[M],
    pk: object,
    *,
    expected_version: int | None = None,
    missing: str = "There is no such record.",
    before_check: Callable[[M], None] | None = None,
) -> M:
    """The row locked until the transaction ends, after `before_check` and the version check pass."""
    try:
        locked = queryset.select_for_update().get(pk=pk)
    except ObjectDoesNotExist:
        raise ApplicationError(missing) from None
    if before_check is not None:
        before_check(locked)
    check_version(locked, expected_version)
    return locked


def check_version(locked: Any, expected_version: int | None, *, noun: str = "request") -> None:
    """Optimistic locking: refuse to act on a page that was loaded before someone else's change."""
    if expected_version is None or expected_version == locked.version:
        return
    last = locked.history.first()
    who = "the system"
    when = ""
    if last is not None:
        if last.history_user is not None:
            who = last.history_user.get_full_name() or last.history_user.get_username()
        when = f" at {timezone.localtime(last.history_date):%H:%M on %d %B %Y}"
    state = f"; it is now {locked.get_status_display().lower()}" if hasattr(locked, "get_status_display") else ""
    raise ApplicationError(
        f"Someone else changed this {noun} while you were working on it: {who}{when}{state}. "
        "Reload the page to see their change; nothing you entered was saved."
    )
