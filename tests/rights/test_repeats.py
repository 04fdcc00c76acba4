"""Repeat requests within a reasonable interval (UK GDPR Art 12(5) "repetitive character", Recital 63)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rights import EarlierRequest, RightKind, repeat_statement, repeats

A, E = RightKind.ACCESS, RightKind.ERASURE
NEW = dt.date(2026, 6, 1)


def _earlier(kind: RightKind, received: dt.date, answered: dt.date | None) -> EarlierRequest:
    return EarlierRequest(reference="RR-2026-0001", kind=kind, received=received, answered_on=answered)


@pytest.mark.parametrize(
    ("earlier", "interval", "is_repeat"),
    [
        # Recital 63: access "at reasonable intervals" — answered 31 days ago, interval 183 days: a repeat.
        (_earlier(A, dt.date(2026, 4, 1), dt.date(2026, 5, 1)), 183, True),
        # Answered exactly the interval before: no longer within it.
        (_earlier(A, dt.date(2025, 11, 1), NEW - dt.timedelta(days=183)), 183, False),
        (_earlier(A, dt.date(2025, 11, 1), NEW - dt.timedelta(days=182)), 183, True),
        # Another right is not a repetition of this one.
        (_earlier(E, dt.date(2026, 4, 1), dt.date(2026, 5, 1)), 183, False),
        # Art 12(5): asked again while the first is still open (or answered only after this one arrived).
        (_earlier(A, dt.date(2026, 5, 20), None), 183, True),
        (_earlier(A, dt.date(2026, 5, 20), dt.date(2026, 6, 10)), 183, True),
        (_earlier(A, dt.date(2026, 5, 20), None), 0, True),
        # A request made after this one is not "earlier".
        (_earlier(A, dt.date(2026, 6, 2), None), 183, False),
        # Interval 0: only open requests count.
        (_earlier(A, dt.date(2026, 4, 1), dt.date(2026, 5, 31)), 0, False),
    ],
)
def test_which_earlier_requests_are_repeated(earlier: EarlierRequest, interval: int, is_repeat: bool) -> None:
    assert repeats(kind=A, received=NEW, earlier=[earlier], interval_days=interval) == ([earlier] if is_repeat else [])


def test_the_statement_names_the_earlier_requests_and_their_answers() -> None:
    found = [
        EarlierRequest("RR-2026-0001", A, dt.date(2026, 1, 5), dt.date(2026, 2, 3)),
        EarlierRequest("RR-2026-0009", A, dt.date(2026, 5, 25), None),
    ]
    text = repeat_statement(found)
    assert "RR-2026-0001 (answered 3 February 2026)" in text
    assert "RR-2026-0009 (still open)" in text
    assert "Article 12(5)" in text
    assert repeat_statement([]).startswith("No earlier request")


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        repeats(kind=A, received=NEW, earlier=[], interval_days=-1)


_days = st.dates(min_value=dt.date(2018, 5, 25), max_value=dt.date(2030, 12, 31))
_requests = st.lists(
    st.builds(
        EarlierRequest,
        reference=st.just("RR-2026-0001"),
        kind=st.sampled_from(list(RightKind)),
        received=_days,
        answered_on=st.none() | _days,
    ),
    max_size=8,
)


@settings(deadline=None)  # a shared two-core machine: timing is not the property
@given(earlier=_requests, received=_days, interval=st.integers(0, 800), wider=st.integers(0, 800))
def test_repeats_are_earlier_same_right_and_grow_with_the_interval(
    earlier: list[EarlierRequest], received: dt.date, interval: int, wider: int
) -> None:
    found = repeats(kind=A, received=received, earlier=earlier, interval_days=interval)
    assert all(r.kind is A and r.received <= received for r in found)
    assert [r for r in earlier if r in found] == found  # order kept, nothing invented
    for r in found:  # each is open at the time, or answered within the interval
        assert r.answered_on is None or r.answered_on >= received or (received - r.answered_on).days < interval
    widened = repeats(kind=A, received=received, earlier=earlier, interval_days=interval + wider)
    assert all(r in widened for r in found)
