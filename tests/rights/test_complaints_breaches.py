"""The complaint acknowledgement date (DPA 2018 s.164A(3)(a), ICO complaints guidance for organisations,
February 2026: 30 days counted from the day after receipt; a weekend or bank holiday last day moves to the
next working day) and the 72-hour breach clock (UK GDPR Art 33(1)). Expected dates were worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights import (
    S164A_IN_FORCE,
    BreachError,
    Risk,
    WorkingCalendar,
    acknowledgement_due,
    report_clock,
    report_deadline,
)
from rights.breaches import must_report, must_tell_people, report_late_reasons_needed
from rights.calendar import DEFAULT_CALENDAR
from rights.deadlines import DeadlineError

D = dt.date
UTC = dt.UTC

ACKNOWLEDGEMENT_CASES = [
    # ICO guidance: day one is the day after receipt, so day 30 is received + 30 calendar days.
    (D(2026, 7, 27), D(2026, 8, 26)),  # Mon -> Wed 26 Aug: a plain working day, nothing moves
    (D(2026, 6, 19), D(2026, 7, 20)),  # the day s.164A came in: day 30 is Sun 19 Jul -> Mon 20 Jul
    # Weekends: the guidance lets the acknowledgement go on the next working day.
    (D(2026, 10, 1), D(2026, 11, 2)),  # day 30 Sat 31 Oct -> Mon 2 Nov (also a month end)
    (D(2027, 3, 26), D(2027, 4, 26)),  # received on Good Friday: still counted; day 30 Sun 25 Apr -> Mon 26 Apr
    # Bank holidays (England and Wales).
    (D(2027, 4, 1), D(2027, 5, 4)),  # day 30 Sat 1 May, Sun, Mon 3 May early May bank holiday -> Tue 4 May
    (D(2026, 7, 31), D(2026, 9, 1)),  # day 30 Sun 30 Aug, Mon 31 Aug late summer bank holiday -> Tue 1 Sep
    (D(2026, 11, 25), D(2026, 12, 29)),  # day 30 Fri 25 Dec, Sat 26, Sun, Mon 28 Dec substitute -> Tue 29 Dec
    (D(2026, 12, 2), D(2027, 1, 4)),  # day 30 Fri 1 Jan New Year's Day, weekend -> Mon 4 Jan
    (D(2027, 4, 29), D(2027, 6, 1)),  # day 30 Sat 29 May, Sun, Mon 31 May spring bank holiday -> Tue 1 Jun
    # Month ends: 30 days are not "a month", so short months pull the date forward.
    (D(2027, 1, 31), D(2027, 3, 2)),  # February has 28 days: Tue 2 Mar, not a "corresponding date"
    (D(2028, 1, 30), D(2028, 2, 29)),  # leap year: Tue 29 Feb
    (D(2026, 8, 31), D(2026, 9, 30)),  # received on a bank holiday, still counted: Wed 30 Sep
    (D(2026, 12, 1), D(2026, 12, 31)),  # Thu 31 Dec: a working day even between the holidays
    (D(2027, 12, 1), D(2027, 12, 31)),  # Fri 31 Dec 2027
]


@pytest.mark.parametrize(("received", "due"), ACKNOWLEDGEMENT_CASES)
def test_acknowledgement_due(received: dt.date, due: dt.date) -> None:
    deadline = acknowledgement_due(received=received)
    assert deadline.due == due
    assert deadline.in_force
    assert deadline.reasons[-1].startswith("Acknowledgement due by")
    assert "s.164A" in deadline.reasons[0]


def test_the_reasons_say_why_the_date_moved() -> None:
    deadline = acknowledgement_due(received=D(2026, 4, 2))
    assert any("May Day" in reason or "bank holiday" in reason for reason in deadline.reasons)
    assert deadline.last_day == D(2026, 5, 2)


def test_a_one_off_holiday_moves_the_date() -> None:
    calendar = WorkingCalendar(extra_holidays=[D(2026, 8, 26)])
    deadline = acknowledgement_due(received=D(2026, 7, 27), calendar=calendar)
    assert deadline.due == D(2026, 8, 27)
    assert any("additional bank holiday" in reason for reason in deadline.reasons)


def test_before_s164a_the_date_is_still_given_but_not_in_force() -> None:
    deadline = acknowledgement_due(received=D(2026, 6, 18))
    assert deadline.due == D(2026, 7, 20)  # day 30 Sat 18 Jul -> Mon 20 Jul
    assert not deadline.in_force
    assert any("came into force" in reason for reason in deadline.reasons)
    assert acknowledgement_due(received=S164A_IN_FORCE).in_force


def test_the_end_of_the_calendar_is_an_error_not_a_crash() -> None:
    with pytest.raises(DeadlineError):
        acknowledgement_due(received=D(9999, 12, 15))


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2040, 12, 31)))
def test_acknowledgement_properties(received: dt.date) -> None:
    deadline = acknowledgement_due(received=received)
    assert deadline.last_day == received + dt.timedelta(days=30)
    assert deadline.due >= deadline.last_day
    assert DEFAULT_CALENDAR.is_working_day(deadline.due)
    # Only the end moves, and only across non-working days.
    day = deadline.last_day
    while day < deadline.due:
        assert not DEFAULT_CALENDAR.is_working_day(day)
        day += dt.timedelta(days=1)
    # A later complaint is never due earlier.
    assert acknowledgement_due(received=received + dt.timedelta(days=1)).due >= deadline.due


# The 72 hours (UK GDPR Art 33(1)): clock hours, weekends and bank holidays included.
BREACH_CASES = [
    (dt.datetime(2026, 12, 24, 16, 30, tzinfo=UTC), dt.datetime(2026, 12, 27, 16, 30, tzinfo=UTC)),  # over Christmas
    (
        dt.datetime(2026, 7, 31, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 8, 3, 9, 0, tzinfo=UTC),
    ),  # Fri -> Mon, weekend counts
    (dt.datetime(2027, 2, 27, 23, 59, tzinfo=UTC), dt.datetime(2027, 3, 2, 23, 59, tzinfo=UTC)),  # month end
]


@pytest.mark.parametrize(("discovered", "deadline"), BREACH_CASES)
def test_report_deadline_is_72_clock_hours(discovered: dt.datetime, deadline: dt.datetime) -> None:
    assert report_deadline(discovered=discovered) == deadline


def test_report_clock_counts_down_in_hours() -> None:
    discovered = dt.datetime(2026, 7, 31, 9, 0, tzinfo=UTC)
    clock = report_clock(discovered=discovered, now=discovered + dt.timedelta(hours=70))
    assert clock.hours_left == pytest.approx(2)
    assert not clock.expired
    assert report_clock(discovered=discovered, now=discovered + dt.timedelta(hours=73)).expired


def test_naive_times_are_refused() -> None:
    with pytest.raises(BreachError):
        report_deadline(discovered=dt.datetime(2026, 7, 31, 9, 0))


def test_report_and_tell_decisions() -> None:
    assert not must_report(Risk.UNLIKELY)  # Art 33(1): unlikely to result in a risk
    assert must_report(Risk.RISK) and must_report(Risk.HIGH)
    assert must_tell_people(Risk.HIGH) and not must_tell_people(Risk.RISK)  # Art 34(1)
    t = dt.datetime(2026, 7, 31, 9, 0, tzinfo=UTC)
    assert not report_late_reasons_needed(discovered=t, reported=t + dt.timedelta(hours=72))
    assert report_late_reasons_needed(discovered=t, reported=t + dt.timedelta(hours=72, minutes=1))
    with pytest.raises(BreachError):
        report_late_reasons_needed(discovered=t, reported=t - dt.timedelta(hours=1))


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2040, 1, 1), timezones=st.just(UTC)))
def test_report_deadline_property(discovered: dt.datetime) -> None:
    deadline = report_deadline(discovered=discovered)
    assert (deadline - discovered).total_seconds() == 72 * 3600
