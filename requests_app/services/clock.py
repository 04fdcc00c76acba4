"""The statutory clock of one request: facts from its clock events, due date kept in step."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone

from requests_app.models import CLOCK_STARTERS_VALUES, ClockEvent, ClockEventKind, Letter, RightsRequest
from requests_app.selectors import working_calendar
from rights import (
    ApplicationError,
    Clarification,
    Deadline,
    DeadlineError,
    WorkingCalendar,
    clarification_stops_clock,
    due_date,
)


def clarifications_of(events: list[ClockEvent], today: dt.date) -> list[Clarification]:
    """Pair each clarification asked with the next answer; one still open runs to today (the clock is stopped)."""
    pairs: list[Clarification] = []
    asked: dt.date | None = None
    for event in sorted(events, key=lambda e: (e.date, e.pk or 0)):
        if event.event == ClockEventKind.CLARIFICATION_ASKED:
            asked = event.date
        elif event.event == ClockEventKind.CLARIFICATION_ANSWERED and asked is not None:
            pairs.append(Clarification(asked, event.date))
            asked = None
    if asked is not None:
        pairs.append(Clarification(asked, max(asked, today)))
    return pairs


def deadline_for(
    request: RightsRequest,
    *,
    events: list[ClockEvent] | None = None,
    today: dt.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """The request's deadline and the reasons for it, from its received date and clock events."""
    today = today or timezone.localdate()
    if events is None:
        events = list(request.clock_events.all()) if request.pk is not None else []  # a request being logged has none
    starters = [e.date for e in events if e.event in CLOCK_STARTERS_VALUES]
    extension = next((e for e in events if e.event == ClockEventKind.EXTENDED), None)
    return due_date(
        received=request.received,
        started=max(starters) if starters else None,
        clarifications=clarifications_of(events, today),
        extended=extension is not None,
        extension_notified=extension.date if extension else None,
        calendar=calendar or working_calendar(),
        clock_stops_for_clarification=clarification_stops_clock(request.right),
    )


def request_refresh_due_date(*, request: RightsRequest, today: dt.date | None = None) -> Deadline:
    """Recompute the due date from the clock; the caller's transaction saves it (with history)."""
    try:
        deadline = deadline_for(request, today=today)
    except DeadlineError as error:
        raise ApplicationError(f"The clock events do not fit together: {error}.") from None
    request.due_date = deadline.due
    request.first_month_due = deadline.one_month_due
    request.clock_started = deadline.start if deadline.start != request.received else None
    request.extended = deadline.extended
    return deadline


def clock_event_add(
    *,
    request: RightsRequest,
    event: ClockEventKind,
    date: dt.date,
    by: User | None,
    reason: str = "",
    letter: Letter | None = None,
    today: dt.date | None = None,
) -> ClockEvent:
    """Write one clock event and bring the due date into step; the caller's transaction saves the request.

    Inside a service's transaction only: if the event makes the clock impossible (say, an extension
    notified after the first month), the ApplicationError rolls the event back with everything else.
    """
    clock_event = ClockEvent.objects.create(
        request=request, event=event, date=date, reason=reason, letter=letter, recorded_by=by
    )
    request_refresh_due_date(request=request, today=today)
    return clock_event
