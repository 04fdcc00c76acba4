"""Reporting periods: a span of whole days, quarters (calendar) and financial years (1 April to 31 March)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rights import ApplicationError

# A report of more than ten years would be a table no one can read; narrow the period instead.
MAX_PERIOD_DAYS = 3660
FINANCIAL_YEAR_START_MONTH = 4  # UK public bodies' financial year runs 1 April to 31 March
QUARTER_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _add_months(first_of_month: dt.date, months: int) -> dt.date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: dt.date
    end: dt.date
    name: str = ""

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ApplicationError("The end of the period must be the same as or after its start.", field="end")
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise ApplicationError("The period must be ten years or shorter.", field="start")

    @property
    def label(self) -> str:
        """'1 April 2025 to 31 March 2026'."""
        return f"{_long(self.start)} to {_long(self.end)}"

    @property
    def slug(self) -> str:
        """For file names: '2025-04-01-to-2026-03-31'."""
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"

    @property
    def months(self) -> list[dt.date]:
        """The first day of every month the period touches, in order."""
        first = self.start.replace(day=1)
        months = []
        while first <= self.end:
            months.append(first)
            first = _add_months(first, 1)
        return months

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def last_12_months(today: dt.date) -> Period:
    """This month so far and the eleven whole months before it: twelve bars on a monthly chart. Named for what
    it is (on 5 December it starts on 1 January): twelve calendar months, the last one to date."""
    return Period(_add_months(today.replace(day=1), -11), today, "12 calendar months to date")


def quarter(year: int, number: int) -> Period:
    """A calendar quarter: Q1 January to March, Q2 April to June, Q3 July to September, Q4 October to December."""
    if not 1 <= number <= 4:
        raise ApplicationError("A quarter is numbered 1 to 4.", field="quarter")
    start = dt.date(year, 3 * number - 2, 1)
    return Period(start, _add_months(start, 3) - dt.timedelta(days=1), f"{year}Q{number}")


def quarter_of(day: dt.date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def last_quarter(today: dt.date) -> Period:
    """The last calendar quarter that has ended."""
    return quarter_of(quarter_of(today).start - dt.timedelta(days=1))


def recent_quarters(today: dt.date, count: int = 8) -> list[Period]:
    """This quarter (so far) and the ones before it, newest first."""
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.append(quarter_of(quarters[-1].start - dt.timedelta(days=1)))
    return quarters


def parse_quarter(text: str) -> Period:
    """'2026Q3' (or '2026-Q3') as the calendar quarter; anything else is refused in plain English."""
    match = QUARTER_PATTERN.match(text or "")
    if match is None:
        raise ApplicationError(
            f"{text!r} is not a quarter: give the year and quarter, for example 2026Q3 (July to September 2026).",
            field="quarter",
        )
    return quarter(int(match[1]), int(match[2]))


def financial_year_of(day: dt.date) -> Period:
    """The financial year (1 April to 31 March) that `day` falls in, named like '2025/26'."""
    first_year = day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1
    return Period(
        dt.date(first_year, FINANCIAL_YEAR_START_MONTH, 1),
        dt.date(first_year + 1, FINANCIAL_YEAR_START_MONTH, 1) - dt.timedelta(days=1),
        f"{first_year}/{(first_year + 1) % 100:02d}",
    )


def this_financial_year(today: dt.date) -> Period:
    """The current financial year, up to today."""
    year = financial_year_of(today)
    return Period(year.start, today, f"Financial year {year.name} so far")


def last_financial_year(today: dt.date) -> Period:
    year = financial_year_of(financial_year_of(today).start - dt.timedelta(days=1))
    return Period(year.start, year.end, f"Financial year {year.name}")


def quick_periods(today: dt.date) -> list[Period]:
    """The periods the report page offers as links."""
    latest = last_quarter(today)
    return [
        last_12_months(today),
        # The page puts each period's dates in brackets after its name: the name carries none of its own.
        Period(latest.start, latest.end, f"Last quarter, {latest.start:%B} to {latest.end:%B %Y}"),
        this_financial_year(today),
        last_financial_year(today),
    ]
