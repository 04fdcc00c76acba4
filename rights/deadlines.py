"""The statutory response deadline (rules R1-R6 of our digest) with the reasons behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from dateutil.relativedelta import relativedelta

from rights.calendar import DEFAULT_CALENDAR, WorkingCalendar


class DeadlineError(ValueError):
    """The facts given cannot describe a real request (e.g. a start before receipt)."""


@dataclass(frozen=True)
class Clarification:
    """The clock stops from the day clarification is asked for to the day the answer arrives, both included."""

    asked: dt.date
    answered: dt.date

    @property
    def days(self) -> int:
        return (self.answered - self.asked).days + 1


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    start: dt.date
    one_month_due: dt.date  # the deadline without any extension: an extension must be notified by then
    extended: bool
    clarification_days: int
    reasons: tuple[str, ...] = field(default=())


def _fmt(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def due_date(
    *,
    received: dt.date,
    started: dt.date | None = None,
    clarifications: Sequence[Clarification] = (),
    extended: bool = False,
    extension_notified: dt.date | None = None,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Deadline:
    """Compute when the response is due, and why, from the facts of the request.

    `started` is the day the last of identity, authority or fee arrived (None if none was needed).
    `extension_notified` is the day the requester was told of an extension; None means "in time".
    """
    try:
        return _due_date(
            received=received,
            started=started,
            clarifications=clarifications,
            extended=extended,
            extension_notified=extension_notified,
            calendar=calendar,
        )
    except DeadlineError:
        raise
    except (OverflowError, ValueError):  # past the end of the calendar (year 9999): not a real request
        raise DeadlineError("the dates are too far in the future to give a deadline") from None


def _due_date(
    *,
    received: dt.date,
    started: dt.date | None,
    clarifications: Sequence[Clarification],
    extended: bool,
    extension_notified: dt.date | None,
    calendar: WorkingCalendar,
) -> Deadline:
    if started is not None and started < received:
        raise DeadlineError(
            f"the clock cannot start ({started.isoformat()}) before the request was received ({received.isoformat()})"
        )
    ordered = sorted(clarifications, key=lambda c: c.asked)
    for item in ordered:
        if item.answered < item.asked:
            raise DeadlineError(
                f"clarification {item.asked.isoformat()}:{item.answered.isoformat()} is answered before it was asked"
            )
        if item.asked < received:
            raise DeadlineError(
                f"clarification {item.asked.isoformat()}:{item.answered.isoformat()} starts before the request was received"
            )
    for earlier, later in pairwise(ordered):
        if later.asked <= earlier.answered:
            raise DeadlineError(
                f"clarifications {earlier.asked.isoformat()}:{earlier.answered.isoformat()} and "
                f"{later.asked.isoformat()}:{later.answered.isoformat()} overlap"
            )

    reasons: list[str] = [
        f"Request received on {_fmt(received)}: that day is day one."
    ]  # R1: ICO right of access, "time limit"
    start = received
    if started is not None and started > received:
        start = started  # R4: UK GDPR Art 12A, the "relevant time"
        reasons.append(
            f"The clock started on {_fmt(start)}, when the last of identity, authority or fee arrived (UK GDPR Art 12A)."
        )

    months = 3 if extended else 1
    # R1/R2: corresponding calendar date, else the month's last day (UK GDPR Art 12A; ICO guidance).
    end = start + relativedelta(months=months)
    one_month = start + relativedelta(months=1)
    if end.day != start.day:
        reasons.append(
            f"{end:%B %Y} has no day {start.day}, so the period ends on the month's last day (ICO right of access guidance)."
        )
    if extended:
        reasons.append(
            "Extended by two further months because the request is complex or one of numerous requests (UK GDPR Art 12A): "
            f"three months from {_fmt(start)} is {_fmt(end)}."
        )
    else:
        reasons.append(f"One calendar month from {_fmt(start)} is {_fmt(end)} (UK GDPR Art 12A).")

    # R5: only days when the clock was running can be stopped (UK GDPR Art 12A, ICO "clarification"):
    # not before it started, nor once the deadline had passed. R6: the first month, within which an extension
    # must be notified, stops only for a clarification asked while that month was still running.
    clarification_days = 0
    first_month_days = 0
    for item in ordered:
        counted_from = max(item.asked, start)
        if counted_from > item.answered:
            reasons.append(
                f"Clarification {_fmt(item.asked)} to {_fmt(item.answered)} came before the clock started, so it adds nothing."
            )
            continue
        running_until = calendar.next_working_day(end + dt.timedelta(days=clarification_days))
        if item.asked > running_until:
            reasons.append(
                f"Clarification asked {_fmt(item.asked)} came after the deadline of {_fmt(running_until)} had passed, "
                "so it adds nothing."
            )
            continue
        days = (item.answered - counted_from).days + 1
        clarification_days += days
        if item.asked <= calendar.next_working_day(one_month + dt.timedelta(days=first_month_days)):
            first_month_days += days
        reasons.append(
            f"Clarification asked {_fmt(item.asked)} and answered {_fmt(item.answered)}: the clock stopped for {days} "
            f"day{'s' if days != 1 else ''}, added to the end (ICO guidance: stopping the clock)."
        )
    if clarification_days:
        end += dt.timedelta(days=clarification_days)
        one_month += dt.timedelta(days=first_month_days)
        reasons.append(f"With the clock stopped, the period ends on {_fmt(end)}.")

    one_month_due = calendar.next_working_day(one_month)
    if extended and extension_notified is not None and extension_notified > one_month_due:
        # R6: the requester must be told within one month (UK GDPR Art 12A).
        raise DeadlineError(
            f"the extension was notified on {extension_notified.isoformat()}, after the first month ended "
            f"({one_month_due.isoformat()}), so it is not valid"
        )

    due = calendar.next_working_day(end)  # R3: ICO guidance, "if the deadline falls on a weekend or bank holiday"
    if due != end:
        why = calendar.holiday_name(end) or ("a weekend" if end.weekday() >= 5 else "not a working day")
        reasons.append(
            f"{_fmt(end)} is {why if why.startswith('a ') else 'a bank holiday (' + why + ')'}, "
            f"so the deadline moves to the next working day, {_fmt(due)}."
        )
    reasons.append(f"Response due by {_fmt(due)}.")
    return Deadline(
        due=due,
        start=start,
        one_month_due=one_month_due,
        extended=extended,
        clarification_days=clarification_days,
        reasons=tuple(reasons),
    )
