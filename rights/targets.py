"""The team's internal target date: some working days before the statutory due date, which never moves for it.

Courts may read "one month beginning with" a day as ending the day before the ICO's corresponding date
(Zoan v Rouamba [2000] 1 WLR 1509, CA), so a cautious team answers a few working days early.
"""

from __future__ import annotations

import datetime as dt

from rights.calendar import DEFAULT_CALENDAR, WorkingCalendar


def internal_target(due: dt.date, working_days_before: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """The working day `working_days_before` working days before `due` (0: the due date itself)."""
    if working_days_before < 0:
        raise ValueError("the number of working days before the due date must not be negative")
    # Zoan v Rouamba [2000] 1 WLR 1509: the period may end a day earlier than the ICO's date; a margin guards it.
    current = due
    remaining = working_days_before
    while remaining:
        current -= dt.timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current
