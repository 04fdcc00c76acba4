"""The complaints duty (DPA 2018 s.164A, rule R10 of our digest): when a complaint must be acknowledged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from rights.calendar import DEFAULT_CALENDAR, WorkingCalendar
from rights.deadlines import DeadlineError

# DPA 2018 s.164A, inserted by the Data (Use and Access) Act 2025 s.103, in force 19 June 2026.
S164A_IN_FORCE = dt.date(2026, 6, 19)
# s.164A(3)(a): acknowledge receipt of the complaint "within the period of 30 days beginning with the day
# after the day on which the complaint is received" (ICO complaints guidance for organisations, Feb 2026).
ACKNOWLEDGEMENT_DAYS = 30


class ComplaintStage(StrEnum):
    """The stages of a complaint (s.164A(3)): acknowledge, investigate and keep informed, tell the outcome."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    INVESTIGATING = "investigating"
    OUTCOME_SENT = "outcome_sent"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Remedy(StrEnum):
    """What putting a complaint right can mean (ICO complaints guidance: "what you should do to put it right")."""

    APOLOGY = "apology"
    CORRECTION = "correction"
    PROCESS_CHANGE = "process_change"
    DISCLOSURE = "disclosure"
    OTHER = "other"


@dataclass(frozen=True)
class AcknowledgementDeadline:
    received: dt.date
    last_day: dt.date  # day 30, counting the day after receipt as day one
    due: dt.date  # last_day, or the next working day when it is a weekend or bank holiday
    in_force: bool  # False for a complaint received before s.164A came into force
    reasons: tuple[str, ...] = field(default=())


def _fmt(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def acknowledgement_due(*, received: dt.date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> AcknowledgementDeadline:
    """The day by which a complaint must be acknowledged (DPA 2018 s.164A(3)(a); ICO complaints guidance)."""
    try:
        last_day = received + dt.timedelta(days=ACKNOWLEDGEMENT_DAYS)
        due = calendar.next_working_day(last_day)
    except OverflowError:
        raise DeadlineError("the date is too far in the future to give a deadline") from None
    in_force = received >= S164A_IN_FORCE
    reasons = [
        # ICO complaints guidance: the 30 days begin with the day after the complaint is received.
        f"Complaint received on {_fmt(received)}: the 30 days begin the day after, "
        f"{_fmt(received + dt.timedelta(days=1))} (DPA 2018 s.164A(3)(a); ICO complaints guidance).",
        f"Day 30 is {_fmt(last_day)}: the days are calendar days, weekends and bank holidays included.",
    ]
    if due != last_day:
        why = calendar.holiday_name(last_day)
        what = f"a bank holiday ({why})" if why else "a weekend"
        # ICO complaints guidance: a last day that is not a working day moves to the next working day.
        reasons.append(
            f"{_fmt(last_day)} is {what}, so the acknowledgement may be sent on the next working day, {_fmt(due)} "
            "(ICO complaints guidance)."
        )
    if not in_force:
        reasons.append(
            f"Section 164A came into force on {_fmt(S164A_IN_FORCE)}; this complaint was received before, "
            "so the date is given as good practice, not as a statutory duty."
        )
    reasons.append(f"Acknowledgement due by {_fmt(due)}.")
    return AcknowledgementDeadline(
        received=received, last_day=last_day, due=due, in_force=in_force, reasons=tuple(reasons)
    )
