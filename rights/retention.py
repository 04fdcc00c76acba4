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
