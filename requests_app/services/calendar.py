"""Changing the bank-holiday list: every open request's due date is recomputed in the same transaction.

A one-off bank holiday (a state funeral, a coronation) can move a deadline that ends on it (R3:
only the end date moves to the next working day). Adding or removing one recomputes every open
request in batches by primary key, saves those whose dates moved with history and a reason,
and marks superseded the notices that no longer apply.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.roles import require_role
from core.text import day_text
from requests_app.models import FINISHED_STATUSES, ClockEvent, ExtraBankHoliday, RightsRequest
from requests_app.selectors import working_calendar
from requests_app.services.clock import deadline_for
from requests_app.services.notices import notices_clear_obsolete
from rights import ApplicationError, DeadlineError, WorkingCalendar

logger = logging.getLogger(__name__)

RECOMPUTE_BATCH_SIZE = 500


@dataclass
class CalendarChange:
    """What a change to the bank-holiday list did to the open requests."""

    date: dt.date
    added: bool
    checked: int = 0
    moved: list[str] = field(default_factory=list)  # references whose due date (or first month's end) moved
    failed: list[str] = field(default_factory=list)  # references whose clock events do not fit together (unchanged)
    notices_superseded: int = 0


def _recompute_open_requests(
    change: CalendarChange,
    *,
    by: User | None,
    reason: str,
    today: dt.date,
    before: WorkingCalendar,
    after: WorkingCalendar,
) -> None:
    """Move the dates of every open request that the change of calendar moves; the caller's transaction holds it all.

    A request is saved only where the calendar before and after give different dates, so its history
    never blames the holiday for a move it did not cause (a stopped clock moves daily on its own).
    """
    cursor = 0
    finished = [s.value for s in FINISHED_STATUSES]
    while True:
        batch = list(
            RightsRequest.objects.select_for_update()
            .exclude(status__in=finished)
            .filter(pk__gt=cursor)
            .order_by("pk")
            .prefetch_related(Prefetch("clock_events", queryset=ClockEvent.objects.order_by("date", "pk")))[
                :RECOMPUTE_BATCH_SIZE
            ]
        )
        if not batch:
            return
        cursor = batch[-1].pk
        for request in batch:
            change.checked += 1
            events = list(request.clock_events.all())
            try:
                was = deadline_for(request, events=events, today=today, calendar=before)
                deadline = deadline_for(request, events=events, today=today, calendar=after)
            except DeadlineError:
                logger.warning("Clock of %s does not compute; due date left as it was", request.reference)
                change.failed.append(request.reference)
                continue
            if (was.due, was.one_month_due) == (deadline.due, deadline.one_month_due):
                continue
            # The same fields as clock.request_refresh_due_date, with the calendars built once for the run.
            old_due = request.due_date
            request.due_date = deadline.due
            request.first_month_due = deadline.one_month_due
            request.clock_started = deadline.start if deadline.start != request.received else None
            request.extended = deadline.extended
            request.version += 1
            record_change(request, f"{reason}: due {day_text(old_due)} -> {day_text(deadline.due)}", by=by)
            request.save()
            change.moved.append(request.reference)
            change.notices_superseded += notices_clear_obsolete(request=request, by=by)


def bank_holiday_check(*, date: dt.date) -> WorkingCalendar:
    """Refuse a day that is already a bank holiday; returns the calendar as it is."""
    calendar = working_calendar()
    if ExtraBankHoliday.objects.filter(date=date).exists():
        raise ApplicationError(f"{day_text(date)} is already on the list of additional bank holidays.", field="date")
    if calendar.is_bank_holiday(date):
        raise ApplicationError(
            f"{day_text(date)} is already a bank holiday in England and Wales ({calendar.holiday_name(date)}).",
            field="date",
        )
    return calendar


def bank_holiday_add(*, date: dt.date, name: str, by: User | None, today: dt.date | None = None) -> CalendarChange:
    """Add a one-off bank holiday (England and Wales) and move the open requests' due dates it affects."""
    require_role(by, roles.MANAGER, action="change the bank holidays")
    today = today or timezone.localdate()
    name = name.strip()
    if not name:
        raise ApplicationError("Give the bank holiday's name, e.g. 'State Funeral of ...'.", field="name")
    with transaction.atomic():
        calendar_before = bank_holiday_check(date=date)
        holiday = ExtraBankHoliday(date=date, name=name)
        holiday.full_clean()
        record_change(holiday, "Bank holiday added", by=by)
        holiday.save()
        change = CalendarChange(date=date, added=True)
        _recompute_open_requests(
            change,
            by=by,
            reason=f"Bank holiday added ({day_text(date)})",
            today=today,
            before=calendar_before,
            after=WorkingCalendar(calendar_before.extra_holidays | {date}),
        )
    return change


def bank_holiday_remove(*, date: dt.date, by: User | None, today: dt.date | None = None) -> CalendarChange:
    """Remove a one-off bank holiday added by an admin and move back the open requests' due dates it affected."""
    require_role(by, roles.MANAGER, action="change the bank holidays")
    today = today or timezone.localdate()
    with transaction.atomic():
        calendar_before = working_calendar()
        holiday = ExtraBankHoliday.objects.select_for_update().filter(date=date).first()
        if holiday is None:
            raise ApplicationError(
                f"{day_text(date)} is not on the list of additional bank holidays, so it cannot be removed.",
                field="date",
            )
        record_change(holiday, "Bank holiday removed", by=by)
        holiday.delete()
        change = CalendarChange(date=date, added=False)
        _recompute_open_requests(
            change,
            by=by,
            reason=f"Bank holiday removed ({day_text(date)})",
            today=today,
            before=calendar_before,
            after=working_calendar(),
        )
    return change
