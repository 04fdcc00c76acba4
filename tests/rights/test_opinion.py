"""A serious-harm opinion counts for the six months ending with the day it is relied on (DPA 2018 Sch 3 Pt 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from rights.exemptions import opinion_is_current, opinion_last_day

D = dt.date


@pytest.mark.parametrize(
    ("given", "today", "current"),
    [
        (D(2026, 1, 15), D(2026, 1, 15), True),  # the day it is given
        (D(2026, 1, 15), D(2026, 7, 14), True),  # the six months ending 14 July begin 15 January
        (D(2026, 1, 15), D(2026, 7, 15), False),  # ... ending 15 July begin 16 January
        (D(2025, 8, 31), D(2026, 2, 28), True),  # no 31 February: the period ends with the month
        (D(2025, 8, 31), D(2026, 3, 1), False),
        (D(2026, 1, 15), D(2026, 1, 14), False),  # an opinion dated in the future is not yet a fact
    ],
)
def test_opinion_is_current(given: dt.date, today: dt.date, current: bool) -> None:
    assert opinion_is_current(given, today) is current


@pytest.mark.parametrize(
    ("given", "last"),
    [
        (D(2026, 1, 15), D(2026, 7, 14)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2023, 8, 29), D(2024, 2, 28)),  # leap year: 29 February 2024 begins a period from 30 August
        (D(2026, 3, 1), D(2026, 8, 31)),
    ],
)
def test_last_day_is_the_last_current_day(given: dt.date, last: dt.date) -> None:
    assert opinion_last_day(given) == last
    assert opinion_is_current(given, last)
    assert not opinion_is_current(given, last + dt.timedelta(days=1))
