"""Storage limitation: when held data falls due for destruction (UK GDPR Art 5(1)(e))."""

from __future__ import annotations

import datetime as dt


def retention_due(concluded: dt.date, period_days: int) -> dt.date:
    """The day data kept for a finished purpose falls due for destruction.

    UK GDPR Art 5(1)(e): kept no longer than necessary for the purpose. The seed notice: "once
    audits or reviews have concluded the individual agency data is destroyed"; `period_days` is the
    partnership's policy allowance after conclusion (0 means the day it concludes). The same rule
    serves closed rights requests, kept for their own period and then reduced to anonymous statistics.
    """
    if period_days < 0:
        raise ValueError("a retention period cannot be negative")
    return concluded + dt.timedelta(days=period_days)


def is_due(concluded: dt.date | None, period_days: int, today: dt.date) -> bool:
    """Whether data of a purpose that concluded on `concluded` is due for destruction by `today`."""
    if concluded is None:
        return False  # UK GDPR Art 5(1)(e): still needed while the review or audit is running
    return retention_due(concluded, period_days) <= today


def days_overdue(concluded: dt.date, period_days: int, today: dt.date) -> int:
    """Days past the destruction date (0 when not yet due or due today)."""
    return max(0, (today - retention_due(concluded, period_days)).days)


def request_destruction_due(closed: dt.date, period_days: int) -> dt.date:
    """The day a closed rights request falls due for destruction, leaving only anonymous statistics.

    UK GDPR Art 5(1)(e): the case file is kept only as long as needed once the request is closed (for
    complaints to the ICO and claims in court); `period_days` is the partnership's schedule.
    """
    return retention_due(closed, period_days)  # UK GDPR Art 5(1)(e): the same storage limitation rule


def request_is_due(closed: dt.date | None, period_days: int, today: dt.date) -> bool:
    """Whether a request closed on `closed` is due for destruction by `today`; an open request never is."""
    if closed is None:
        return False  # UK GDPR Art 5(1)(e): an open request is still needed for its purpose
    return request_destruction_due(closed, period_days) <= today


def answered_on_time(answered: dt.date, due: dt.date) -> bool:
    """The response was given by the due date (UK GDPR Art 12(3); the due date carries any extension)."""
    return answered <= due
