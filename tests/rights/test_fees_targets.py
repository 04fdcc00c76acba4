"""Fees (UK GDPR Art 12(5)(a), 15(3), 12A) and the internal target date (Zoan v Rouamba [2000] 1 WLR 1509)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights import FeeAmountError, FeeBasis, RightKind, WorkingCalendar, fee_pence, fee_refusal, internal_target, money

A, R = RightKind.ACCESS, RightKind.RECTIFICATION


@pytest.mark.parametrize(
    ("kind", "basis", "pence", "reason", "earlier_copy", "refused_because"),
    [
        # Art 12(5)(a): a reasonable fee instead of refusing a manifestly unfounded or excessive request, any right.
        (A, "manifestly_excessive", 2500, "Fourth identical request this year; 2 hours at £12.50", False, None),
        (R, "manifestly_unfounded", 1000, "Sent to disrupt; 1 hour of staff time", False, None),
        (R, "manifestly_excessive", 2500, " ", False, "manifestly unfounded or excessive"),  # Art 12(5): burden on us
        # Art 15(3): further copies, only under the right of access and only after a first (free) copy.
        (A, "further_copies", 500, "Printing and postage of a second copy", True, None),
        (A, "further_copies", 500, "Printing", False, "the first copy is free"),
        (R, "further_copies", 500, "Printing", True, "only for a request under the right of access"),
        (A, "further_copies", 500, "", True, "administrative costs"),
        # Art 12(5): everything else is free of charge.
        (A, "search_time", 500, "Long search", False, "not a ground on which the law allows a fee"),
        (A, "manifestly_excessive", 0, "Repeat", False, "above nothing"),
        (A, "manifestly_excessive", 100_001, "Repeat", False, "reasonable fee"),
    ],
)
def test_a_fee_only_where_the_law_allows_it(
    kind: RightKind, basis: str, pence: int, reason: str, earlier_copy: bool, refused_because: str | None
) -> None:
    refusal = fee_refusal(kind=kind, basis=basis, pence=pence, reason=reason, earlier_copy_given=earlier_copy)
    if refused_because is None:
        assert refusal is None
    else:
        assert refusal is not None and refused_because in refusal


@pytest.mark.parametrize(
    ("text", "pence"),
    [("25", 2500), ("£25.50", 2550), ("0.5", 50), ("1,000", 100_000), (" £ 10.05 ", 1005)],
)
def test_amounts_in_pounds_and_pence(text: str, pence: int) -> None:
    assert fee_pence(text) == pence


@pytest.mark.parametrize("text", ["", "-5", "ten pounds", "25.001", "£", "1e3"])
def test_other_amounts_are_refused(text: str) -> None:
    with pytest.raises(FeeAmountError):
        fee_pence(text)


@given(st.integers(min_value=0, max_value=10_000_000))
def test_money_round_trips(pence: int) -> None:
    assert fee_pence(money(pence)) == pence


def test_every_basis_has_a_statement_citing_its_article() -> None:
    for basis in FeeBasis:
        assert "Article" in basis.statement and "(Art" in basis.label


CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("due", "days", "target"),
    [
        (dt.date(2025, 10, 3), 0, dt.date(2025, 10, 3)),  # default: the statutory date itself
        (dt.date(2025, 10, 3), 1, dt.date(2025, 10, 2)),  # Fri -> Thu
        (dt.date(2025, 10, 6), 1, dt.date(2025, 10, 3)),  # Mon -> Fri: the weekend is not counted
        (dt.date(2024, 12, 27), 1, dt.date(2024, 12, 24)),  # over Christmas Day and Boxing Day
        (dt.date(2025, 4, 22), 2, dt.date(2025, 4, 16)),  # over Easter Monday and Good Friday
        (dt.date(2025, 3, 3), 5, dt.date(2025, 2, 24)),
    ],
)
def test_internal_target_counts_working_days_back(due: dt.date, days: int, target: dt.date) -> None:
    assert internal_target(due, days, CAL) == target


@given(st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(0, 20))
def test_internal_target_is_never_after_the_due_date(due: dt.date, days: int) -> None:
    target = internal_target(due, days, CAL)
    assert target <= due
    assert (target == due) == (days == 0)
    if days:
        assert CAL.is_working_day(target)


def test_a_negative_margin_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        internal_target(dt.date(2025, 1, 6), -1, CAL)
