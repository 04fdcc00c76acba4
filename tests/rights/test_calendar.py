"""Working days in England and Wales: weekends, bank holidays and one-off days are not working days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rights import WorkingCalendar, add_working_days, working_days_between

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2025, 9, 3), 0, D(2025, 9, 3)),  # nothing to add
        (D(2025, 9, 6), 0, D(2025, 9, 6)),  # a Saturday stays itself with nothing to add
        (D(2025, 9, 5), 1, D(2025, 9, 8)),  # Fri + 1 -> Mon
        (D(2025, 9, 6), 1, D(2025, 9, 8)),  # Sat + 1 -> Mon
        (D(2025, 9, 1), 5, D(2025, 9, 8)),  # Mon + 5 -> next Mon
        (D(2024, 12, 20), 5, D(2024, 12, 31)),  # Mon 23, Tue 24, (25, 26), Fri 27, Mon 30, Tue 31
        # 20 working days over Christmas and New Year 2024: Dec 10-13 (4), 16-20 (9), 23-24 (11),
        # 27 (12), 30-31 (14), Jan 2-3 (16), Jan 6-9 (20).
        (D(2024, 12, 9), 20, D(2025, 1, 9)),
        # 2027 Christmas on a weekend: Dec 21-24 (4), 29-31 (7), Jan 3 2028 substitute, Jan 4-7 (11),
        # 10-14 (16), 17-20 (20).
        (D(2027, 12, 20), 20, D(2028, 1, 20)),
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Thu before Good Friday -> Tue after Easter Monday
        (D(2022, 9, 16), 1, D(2022, 9, 20)),  # Fri before the State Funeral -> Tue
        (D(2023, 5, 5), 1, D(2023, 5, 9)),  # Fri before the Coronation -> Tue
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(start: dt.date, days: int, expected: dt.date) -> None:
    assert add_working_days(start, days) == expected


def test_add_working_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2025, 9, 3), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2025, 9, 3), D(2025, 9, 3), 0),
        (D(2025, 9, 5), D(2025, 9, 8), 1),  # Fri -> Mon: only Monday counts
        (D(2025, 9, 6), D(2025, 9, 7), 0),  # Sat -> Sun
        (D(2025, 9, 1), D(2025, 9, 30), 21),  # September 2025 after the 1st: 21 weekdays, no holidays
        (D(2024, 12, 20), D(2024, 12, 31), 5),
        (D(2024, 12, 9), D(2025, 1, 9), 20),
        (D(2024, 12, 31), D(2024, 12, 20), -5),  # reversed: negative
        (D(2026, 4, 2), D(2026, 4, 7), 1),
    ],
)
def test_working_days_between(start: dt.date, end: dt.date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_extra_holidays_are_respected() -> None:
    extra = D(2025, 10, 3)  # a Friday, invented for the test
    calendar = WorkingCalendar(extra_holidays=[extra])
    default = WorkingCalendar()

    assert default.is_working_day(extra)
    assert not calendar.is_working_day(extra)
    assert calendar.is_bank_holiday(extra)
    assert calendar.holiday_name(extra) == "additional bank holiday"
    assert default.holiday_name(extra) is None

    assert add_working_days(D(2025, 10, 2), 1) == D(2025, 10, 3)
    assert add_working_days(D(2025, 10, 2), 1, calendar) == D(2025, 10, 6)
    assert working_days_between(D(2025, 10, 2), D(2025, 10, 6)) == 2
    assert working_days_between(D(2025, 10, 2), D(2025, 10, 6), calendar) == 1
    assert calendar.next_working_day(extra) == D(2025, 10, 6)
    assert default.next_working_day(extra) == extra


def test_extra_holidays_accept_any_iterable() -> None:
    calendar = WorkingCalendar(extra_holidays=(day for day in [D(2030, 6, 14)]))
    assert calendar.extra_holidays == frozenset({D(2030, 6, 14)})
    assert not calendar.is_working_day(D(2030, 6, 14))


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2024, 12, 25), "Christmas Day"),
        (D(2026, 12, 28), "Boxing Day (observed)"),
        (D(2027, 12, 27), "Christmas Day (observed)"),
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2025, 9, 3), None),
        (D(2025, 9, 6), None),  # a weekend is not a bank holiday
    ],
)
def test_holiday_names(day: dt.date, name: str | None) -> None:
    assert WorkingCalendar().holiday_name(day) == name


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 9, 3), D(2025, 9, 3)),
        (D(2025, 9, 6), D(2025, 9, 8)),
        (D(2027, 12, 25), D(2027, 12, 29)),
        (D(2026, 4, 3), D(2026, 4, 7)),
    ],
)
def test_next_working_day(day: dt.date, expected: dt.date) -> None:
    assert WorkingCalendar().next_working_day(day) == expected


@settings(deadline=None)
@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    days=st.integers(min_value=0, max_value=60),
)
def test_add_and_count_agree(start: dt.date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    assert working_days_between(end, start) == -days
    if days:
        assert WorkingCalendar().is_working_day(end)
