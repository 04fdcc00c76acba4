"""Personal data breaches (UK GDPR Arts 33-34, rule R11 of our digest): the 72-hour clock and the decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# UK GDPR Art 33(1): "where feasible, not later than 72 hours after having become aware of it": clock hours.
REPORT_WITHIN = dt.timedelta(hours=72)


class BreachCause(StrEnum):
    """How the breach happened; disclosure in error is the one the ICO hears about most."""

    WRONG_RECIPIENT = "wrong_recipient"  # sent to the wrong person
    WRONG_ENCLOSURE = "wrong_enclosure"  # someone else's data enclosed
    REDACTION_FAILED = "redaction_failed"  # redacted text could be read
    LOST_OR_STOLEN = "lost_or_stolen"
    UNAUTHORISED_ACCESS = "unauthorised_access"
    OTHER = "other"


DISCLOSURE_IN_ERROR = frozenset(
    {BreachCause.WRONG_RECIPIENT, BreachCause.WRONG_ENCLOSURE, BreachCause.REDACTION_FAILED}
)


class Risk(StrEnum):
    """The assessed risk to people's rights and freedoms (Art 33(1): "unlikely to result in a risk"; Art 34(1): "high")."""

    UNLIKELY = "unlikely"
    RISK = "risk"
    HIGH = "high"


class BreachError(ValueError):
    """The facts cannot describe a real breach (e.g. a report sent before the breach was discovered)."""


@dataclass(frozen=True)
class ReportClock:
    discovered: dt.datetime
    deadline: dt.datetime
    hours_left: float  # negative once the 72 hours have passed

    @property
    def expired(self) -> bool:
        return self.hours_left < 0


def report_deadline(*, discovered: dt.datetime) -> dt.datetime:
    """72 clock hours from the moment the controller became aware of the breach (UK GDPR Art 33(1))."""
    if discovered.tzinfo is None:
        raise BreachError("the time of discovery needs a time zone")
    return discovered + REPORT_WITHIN


def report_clock(*, discovered: dt.datetime, now: dt.datetime) -> ReportClock:
    """Where the 72 hours stand at `now` (UK GDPR Art 33(1): hours, not working days)."""
    if now.tzinfo is None:
        raise BreachError("now needs a time zone")
    deadline = report_deadline(discovered=discovered)
    return ReportClock(discovered=discovered, deadline=deadline, hours_left=(deadline - now).total_seconds() / 3600)


def must_report(risk: Risk) -> bool:
    """Report to the ICO unless the breach is unlikely to result in a risk to people (UK GDPR Art 33(1))."""
    return risk is not Risk.UNLIKELY


def must_tell_people(risk: Risk) -> bool:
    """Tell the people affected without undue delay where the risk is high (UK GDPR Art 34(1))."""
    return risk is Risk.HIGH


def report_late_reasons_needed(*, discovered: dt.datetime, reported: dt.datetime) -> bool:
    """A report after 72 hours must give the reasons for the delay (UK GDPR Art 33(1))."""
    if reported < discovered:
        raise BreachError("the report cannot come before the breach was discovered")
    return reported - discovered > REPORT_WITHIN
