"""The rules for agency data owners' sign-off and third parties' consent (DPA 2018 Sch 2 Pt 3 para 16)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights.owners import (
    ConsentAnswer,
    OwnerAnswer,
    consent_chaser_due,
    consent_reply_due,
    manager_override_refusal,
    no_answer_refusal,
    owner_review_due,
    owner_sign_off_blocker,
    para16_may_disclose,
    para16_reasons_needed,
)

MON = dt.date(2026, 3, 2)
DUE = dt.date(2026, 3, 9)


@pytest.mark.parametrize(
    ("asked", "days", "due"),
    [
        (MON, 5, dt.date(2026, 3, 9)),  # a week of working days
        (dt.date(2026, 3, 27), 5, dt.date(2026, 4, 7)),  # Good Friday and Easter Monday 2026 are not counted
        (dt.date(2026, 3, 6), 1, dt.date(2026, 3, 9)),  # Friday + 1 is Monday
    ],
)
def test_owner_review_due_counts_working_days(asked: dt.date, days: int, due: dt.date) -> None:
    assert owner_review_due(asked, days) == due


@pytest.mark.parametrize(
    ("answer", "changed", "today", "blocks"),
    [
        (None, False, MON, "has not been asked"),
        (OwnerAnswer.SUPERSEDED, False, MON, "has not been asked"),
        (OwnerAnswer.ASKED, False, MON, "has not yet answered"),
        (OwnerAnswer.ASKED, False, dt.date(2026, 3, 10), "has not yet answered"),  # late, still not an answer
        (OwnerAnswer.CHANGES_ASKED, False, MON, "asked for changes"),
        (OwnerAnswer.AGREED, False, MON, None),
        (OwnerAnswer.AGREED, True, MON, "changed after it was asked"),  # an agreement covers what was shown
        (OwnerAnswer.WAIVED, True, MON, None),  # the Manager's recorded decision
    ],
)
def test_sign_off_gate(answer: OwnerAnswer | None, changed: bool, today: dt.date, blocks: str | None) -> None:
    reason = owner_sign_off_blocker(agency="GMP", answer=answer, due_on=DUE, records_changed=changed, today=today)
    if blocks is None:
        assert reason is None
    else:
        assert reason is not None and blocks in reason


@pytest.mark.parametrize(
    ("answer", "blocks"),
    [
        (OwnerAnswer.ASKED, "was revoked"),  # a withdrawn link cannot be answered: ask again
        (OwnerAnswer.WAIVED, None),  # the Manager's decision still stands
    ],
)
def test_a_revoked_link_blocks_until_asked_again_or_passed_over(answer: OwnerAnswer, blocks: str | None) -> None:
    reason = owner_sign_off_blocker(
        agency="GMP", answer=answer, due_on=DUE, records_changed=False, today=MON, revoked=True
    )
    assert reason == (
        None if blocks is None else "The link sent to GMP to check its redactions was revoked: ask it again."
    )


@pytest.mark.parametrize(
    ("answer", "today", "allowed"),
    [
        (OwnerAnswer.ASKED, DUE - dt.timedelta(days=1), False),
        (OwnerAnswer.ASKED, DUE, False),  # the last day is still the agency's
        (OwnerAnswer.ASKED, DUE + dt.timedelta(days=1), True),
        (OwnerAnswer.CHANGES_ASKED, DUE + dt.timedelta(days=30), False),  # a request for changes is never overridden
        (OwnerAnswer.AGREED, DUE + dt.timedelta(days=1), False),
        (None, DUE + dt.timedelta(days=1), False),
    ],
)
def test_manager_override_only_after_the_deadline(answer: OwnerAnswer | None, today: dt.date, allowed: bool) -> None:
    assert (manager_override_refusal(answer=answer, due_on=DUE, today=today) is None) is allowed


@pytest.mark.parametrize(
    ("answered", "chased", "today", "due"),
    [
        (False, False, DUE, False),
        (False, False, DUE + dt.timedelta(days=1), True),
        (False, True, DUE + dt.timedelta(days=1), False),  # one chaser only
        (True, False, DUE + dt.timedelta(days=1), False),
    ],
)
def test_consent_chaser_due(answered: bool, chased: bool, today: dt.date, due: bool) -> None:
    assert consent_chaser_due(due_on=DUE, answered=answered, chased=chased, today=today) is due


def test_consent_reply_due_and_no_answer() -> None:
    assert consent_reply_due(MON, 10) == dt.date(2026, 3, 16)
    assert no_answer_refusal(due_on=DUE, today=DUE) is not None
    assert no_answer_refusal(due_on=DUE, today=DUE + dt.timedelta(days=1)) is None


@pytest.mark.parametrize(
    ("answer", "reasonable", "needs_reasons", "may_disclose"),
    [
        # DPA 2018 Sch 2 Pt 3 para 16(1)(a): consent alone suffices.
        (ConsentAnswer.CONSENT, None, False, True),
        # Para 16(1)(b), (3): without consent, only where reasonable, with the factors recorded.
        (ConsentAnswer.REFUSAL, False, True, False),
        (ConsentAnswer.REFUSAL, True, True, True),
        (ConsentAnswer.NO_ANSWER, None, True, False),
        (None, True, True, True),
    ],
)
def test_para16(answer: ConsentAnswer | None, reasonable: bool | None, needs_reasons: bool, may_disclose: bool) -> None:
    assert para16_reasons_needed(answer) is needs_reasons
    assert para16_may_disclose(answer=answer, reasonable_without_consent=reasonable) is may_disclose


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(0, 60))
def test_override_never_before_the_due_day(due: dt.date, before: int) -> None:
    assert manager_override_refusal(answer=OwnerAnswer.ASKED, due_on=due, today=due - dt.timedelta(days=before))
