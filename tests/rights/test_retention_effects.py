"""The pure rules behind retention and the effects of rights on held data."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights.effects import (
    RESTRICTION_BASES,
    ErasureExemption,
    RestrictedUse,
    RestrictionBasis,
    recipients_to_notify,
    restricted_use_allowed,
    restricted_use_refusal,
    restriction_blocks_destruction,
)
from rights.retention import (
    answered_on_time,
    days_overdue,
    is_due,
    request_destruction_due,
    request_is_due,
    retention_due,
)


@pytest.mark.parametrize(
    ("concluded", "days", "due"),
    [
        (dt.date(2026, 2, 2), 0, dt.date(2026, 2, 2)),
        (dt.date(2026, 2, 2), 30, dt.date(2026, 3, 4)),
        (dt.date(2024, 2, 28), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 12, 31), 1, dt.date(2026, 1, 1)),
    ],
)
def test_retention_due(concluded: dt.date, days: int, due: dt.date) -> None:
    assert retention_due(concluded, days) == due


def test_negative_period_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        retention_due(dt.date(2026, 1, 1), -1)


def test_is_due_and_overdue() -> None:
    concluded = dt.date(2026, 2, 2)
    assert not is_due(None, 0, dt.date(2030, 1, 1))  # still running
    assert not is_due(concluded, 30, dt.date(2026, 3, 3))
    assert is_due(concluded, 30, dt.date(2026, 3, 4))
    assert days_overdue(concluded, 30, dt.date(2026, 3, 3)) == 0
    assert days_overdue(concluded, 30, dt.date(2026, 3, 10)) == 6


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(0, 3650), st.integers(-400, 400)
)
def test_due_exactly_from_the_due_date(concluded: dt.date, days: int, offset: int) -> None:
    today = retention_due(concluded, days) + dt.timedelta(days=offset)
    assert is_due(concluded, days, today) is (offset >= 0)
    assert days_overdue(concluded, days, today) == max(0, offset)


def test_erasure_exemptions_cite_article_17_3() -> None:
    assert ErasureExemption.PUBLIC_TASK.article == "UK GDPR Article 17(3)(b)"
    assert ErasureExemption.LEGAL_CLAIMS.article == "UK GDPR Article 17(3)(e)"
    assert "public task" in ErasureExemption.PUBLIC_TASK.explanation


def test_restriction_bases() -> None:
    assert set(RESTRICTION_BASES) == set(RestrictionBasis)
    assert RestrictionBasis.ACCURACY_CONTESTED.info.article == "UK GDPR Article 18(1)(a)"
    assert RestrictionBasis.OBJECTION_UPHELD.info.article == "UK GDPR Article 21(1)"
    blocking = {b for b in RestrictionBasis if restriction_blocks_destruction(b)}
    assert blocking == {RestrictionBasis.UNLAWFUL_KEEP, RestrictionBasis.LEGAL_CLAIMS}


def test_restricted_use() -> None:
    assert not restricted_use_allowed()
    assert restricted_use_allowed(with_consent=True)
    assert restricted_use_allowed(for_legal_claims=True)
    assert restricted_use_allowed(to_protect_another=True)
    assert restricted_use_allowed(for_important_public_interest=True)


@pytest.mark.parametrize(
    ("ground", "allowed"),
    [
        ("consent", True),  # UK GDPR Art 18(2): with the data subject's consent
        ("legal_claims", True),  # Art 18(2): legal claims
        ("protect_another", True),  # Art 18(2): the rights of another natural or legal person
        ("public_interest", True),  # Art 18(2): important public interest
        ("other", False),
        ("", False),
        ("statistics", False),
    ],
)
def test_restricted_use_grounds(ground: str, allowed: bool) -> None:
    refusal = restricted_use_refusal(ground)
    assert (refusal is None) is allowed
    if refusal:
        assert "Article 18(2)" in refusal


def test_restricted_use_manager_grounds() -> None:
    assert {g for g in RestrictedUse if g.needs_manager} == {
        RestrictedUse.PROTECT_ANOTHER,
        RestrictedUse.PUBLIC_INTEREST,
    }


def test_recipients_to_notify() -> None:
    assert recipients_to_notify(frozenset({"police"}), frozenset({"council", "police"})) == {"police", "council"}
    assert recipients_to_notify(frozenset({"police"}), frozenset(), impossible_or_disproportionate=True) == frozenset()


@pytest.mark.parametrize(
    ("closed", "days", "today", "due"),
    [
        (
            dt.date(2020, 3, 31),
            2190,
            dt.date(2026, 3, 29),
            False,
        ),  # 6 x 365 days, a leap day between: due 30 March 2026
        (dt.date(2020, 3, 31), 2190, dt.date(2026, 3, 30), True),
        (dt.date(2026, 3, 2), 0, dt.date(2026, 3, 2), True),
        (None, 0, dt.date(2030, 1, 1), False),  # open: never due
    ],
)
def test_closed_requests_fall_due_after_their_period(
    closed: dt.date | None, days: int, today: dt.date, due: bool
) -> None:
    assert request_is_due(closed, days, today) is due
    if closed is not None:
        assert request_destruction_due(closed, days) == closed + dt.timedelta(days=days)


def test_answered_on_time_is_on_or_before_the_due_date() -> None:
    assert answered_on_time(dt.date(2026, 4, 2), dt.date(2026, 4, 2))
    assert not answered_on_time(dt.date(2026, 4, 3), dt.date(2026, 4, 2))
