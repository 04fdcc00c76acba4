"""Working days in England and Wales: weekends and bank holidays are not working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # Banking and Financial Dealings Act 1971 sch 1; England and Wales share one list (subdiv ENG).
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


class WorkingCalendar:
    """Bank holidays from the `holidays` package (offline), plus one-off days added by an admin."""

    def __init__(self, extra_holidays: Iterable[dt.date] = ()) -> None:
        self.extra_holidays = frozenset(extra_holidays)

    def is_bank_holiday(self, day: dt.date) -> bool:
        return day in self.extra_holidays or day in _bank_holidays(day.year)

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.extra_holidays:
            return "additional bank holiday"
        if day in _bank_holidays(day.year):
            name = holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)
            return str(name) if name else "bank holiday"
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The day itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day


DEFAULT_CALENDAR = WorkingCalendar()


def add_working_days(start: dt.date, days: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> dt.date:
    """The date `days` working days after `start` (start itself not counted), e.g. an agency return date."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> int:
    """Working days after `start` up to and including `end` (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start, calendar)
    return sum(
        1 for offset in range(1, (end - start).days + 1) if calendar.is_working_day(start + dt.timedelta(days=offset))
    )
