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


# UK GDPR and the DPA 2018 apply to requests received from 25 May 2018 (DPA 2018 s.212; SI 2018/625);
# before that the Data Protection Act 1998 s.7 applied (40 days, a fee of up to £10).
GDPR_COMMENCEMENT = dt.date(2018, 5, 25)


def governed_by_dpa_1998(received: dt.date) -> bool:
    """True when a request received on that day fell under the Data Protection Act 1998, not today's law."""
    return received < GDPR_COMMENCEMENT  # DPA 2018 s.212 and SI 2018/625: commencement 25 May 2018


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
    clock_stops_for_clarification: bool = True,
) -> Deadline:
    """Compute when the response is due, and why, from the facts of the request.

    `started` is the day the last of identity, authority or fee arrived (None if none was needed).
    `extension_notified` is the day the requester was told of an extension; None means "in time".
    `clock_stops_for_clarification` is False for a request that is not for access: its clarifications are
    checked and explained, but the clock keeps running (UK GDPR Art 12A; see rights.kinds.clarification_stops_clock).
    """
    try:
        return _due_date(
            received=received,
            started=started,
            clarifications=clarifications,
            extended=extended,
            extension_notified=extension_notified,
            calendar=calendar,
            clock_stops_for_clarification=clock_stops_for_clarification,
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
    clock_stops_for_clarification: bool,
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
        # A clarification asked on the day the previous one was answered is legitimate (a new question in the
        # answer); that shared day is counted once. Only a question asked while another was unanswered overlaps.
        if later.asked < earlier.answered:
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
    already_stopped: dt.date | None = None  # the last day already counted as stopped (a shared day counts once)
    for item in ordered:
        if not clock_stops_for_clarification:
            # UK GDPR Art 12A and DPA 2018 s.54(3C): the pause is for an access request only.
            reasons.append(
                f"Clarification asked {_fmt(item.asked)}: the clock kept running, because the law stops it only "
                "for an access request (UK GDPR Art 12A)."
            )
            continue
        counted_from = max(item.asked, start)
        if already_stopped is not None and counted_from <= already_stopped:
            counted_from = already_stopped + dt.timedelta(days=1)
            if counted_from > item.answered:
                reasons.append(
                    f"Clarification asked and answered on {_fmt(item.answered)}, the day the previous one was "
                    "answered: that day is already counted, so it adds nothing."
                )
                continue
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
        already_stopped = item.answered
        clarification_days += days
        shared = (
            " (the day it was asked was counted with the previous one)" if counted_from > item.asked >= start else ""
        )
        if item.asked <= calendar.next_working_day(one_month + dt.timedelta(days=first_month_days)):
            first_month_days += days
        reasons.append(
            f"Clarification asked {_fmt(item.asked)} and answered {_fmt(item.answered)}: the clock stopped for {days} "
            f"day{'s' if days != 1 else ''}{shared}, added to the end (ICO guidance: stopping the clock)."
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
