"""The retention base: the period setting, and the daily listing of what is due (one row per owner, upserted)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction

from core.audit import record_change
from core.models import RetentionDue
from rights import ApplicationError

D = TypeVar("D", bound=RetentionDue)


def retention_days_setting(name: str, default: int) -> int:
    """A retention period setting in whole days (0 or more), refused with its name when it is anything else."""
    days = getattr(settings, name, default)
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise ApplicationError(f"{name} must be a whole number of days, 0 or more (it is {days!r}).")
    return days


def due_list_refresh(
    model: type[D], *, owner: str, items: Iterable[tuple[Any, dt.date, str]], today: dt.date, reason: str
) -> list[D]:
    """The daily list: one `model` row per (owner, due on, what blocks it), created or brought up to date.

    A row's listed_on is the day it was first listed; a change of due date or blocker is saved with `reason`.
    """
    listed: list[D] = []
    with transaction.atomic():
        for owned, due_on, blocked in items:
            row, created = model._default_manager.select_for_update().get_or_create(
                **{owner: owned}, defaults={"due_on": due_on, "listed_on": today, "blocked_reason": blocked}
            )
            if not created and (row.blocked_reason != blocked or row.due_on != due_on):
                row.blocked_reason = blocked
                row.due_on = due_on
                record_change(row, reason)
                row.save()
            listed.append(row)
    return listed
