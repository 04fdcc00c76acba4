"""The statutory clock (digest rules R1-R6): worked examples worked out by hand, then properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rights import Clarification, DeadlineError, WorkingCalendar, due_date
from rights.calendar import DEFAULT_CALENDAR

D = dt.date

# Each expected date was worked out by hand from R1-R3 and checked against the weekday and the
# England and Wales bank holidays of its year; the comment says why.
PLAIN_CASES = [
    # The ICO's worked examples (digest).
    (D(2024, 11, 25), D(2024, 12, 27)),  # 25 Dec Wed and 26 Dec Thu are bank holidays -> Fri 27 Dec
    (D(2025, 1, 31), D(2025, 2, 28)),  # R2: no 31 Feb -> last day, Fri 28 Feb
    (D(2024, 1, 31), D(2024, 2, 29)),  # R2 in a leap year -> Thu 29 Feb
    (D(2025, 9, 3), D(2025, 10, 3)),  # plain month, Fri 3 Oct
    # Month ends.
    (D(2024, 3, 31), D(2024, 4, 30)),  # no 31 Apr -> Tue 30 Apr
    (D(2025, 5, 31), D(2025, 6, 30)),  # no 31 Jun -> Mon 30 Jun
    (D(2025, 10, 31), D(2025, 12, 1)),  # no 31 Nov -> Sun 30 Nov -> Mon 1 Dec
    (D(2025, 12, 31), D(2026, 2, 2)),  # Sat 31 Jan 2026 -> Mon 2 Feb
    (D(2026, 1, 31), D(2026, 3, 2)),  # Sat 28 Feb 2026 -> Mon 2 Mar
    (D(2027, 1, 31), D(2027, 3, 1)),  # Sun 28 Feb 2027 -> Mon 1 Mar
    # Leap years.
    (D(2023, 1, 29), D(2023, 2, 28)),  # 2023 has no 29 Feb -> Tue 28 Feb
    (D(2024, 1, 29), D(2024, 2, 29)),  # 2024 has one -> Thu 29 Feb
    (D(2024, 1, 30), D(2024, 2, 29)),  # no 30 Feb -> Thu 29 Feb
    (D(2028, 1, 31), D(2028, 2, 29)),  # leap year -> Tue 29 Feb 2028
    (D(2024, 2, 29), D(2024, 4, 2)),  # Fri 29 Mar Good Friday, weekend, Mon 1 Apr Easter Monday -> Tue 2 Apr
    # R1: a request received on a weekend or bank holiday still counts that day as day one.
    (D(2025, 3, 1), D(2025, 4, 1)),  # received Sat -> Tue 1 Apr
    (D(2026, 8, 31), D(2026, 9, 30)),  # received on the late summer bank holiday -> Wed 30 Sep
    # Christmas on a weekend, with substitute days.
    (D(2027, 11, 25), D(2027, 12, 29)),  # Sat 25, Sun 26, Mon 27 and Tue 28 (substitutes) -> Wed 29 Dec
    (D(2027, 11, 27), D(2027, 12, 29)),  # Mon 27 Dec 2027 substitute -> Wed 29 Dec
    (D(2027, 11, 28), D(2027, 12, 29)),  # Tue 28 Dec 2027 substitute -> Wed 29 Dec
    (D(2026, 11, 25), D(2026, 12, 29)),  # Fri 25 Dec, weekend, Mon 28 Dec substitute -> Tue 29 Dec
    (D(2026, 11, 28), D(2026, 12, 29)),  # Mon 28 Dec 2026 is the Boxing Day substitute -> Tue 29 Dec
    (D(2022, 11, 27), D(2022, 12, 28)),  # Tue 27 Dec 2022 Christmas substitute -> Wed 28 Dec
    (D(2026, 12, 1), D(2027, 1, 4)),  # Fri 1 Jan 2027 New Year's Day -> Mon 4 Jan
    (D(2022, 12, 2), D(2023, 1, 3)),  # Mon 2 Jan 2023 New Year substitute -> Tue 3 Jan
    # Easter.
    (D(2026, 3, 3), D(2026, 4, 7)),  # Fri 3 Apr 2026 Good Friday, weekend, Mon 6 Apr Easter Monday -> Tue 7 Apr
    (D(2026, 3, 6), D(2026, 4, 7)),  # Mon 6 Apr 2026 Easter Monday -> Tue 7 Apr
    (D(2025, 3, 18), D(2025, 4, 22)),  # Fri 18 Apr 2025 Good Friday ... Mon 21 Easter Monday -> Tue 22 Apr
    (D(2027, 2, 26), D(2027, 3, 30)),  # Fri 26 Mar 2027 Good Friday ... Mon 29 Easter Monday -> Tue 30 Mar
    # One-off bank holidays in the `holidays` package.
    (D(2022, 8, 19), D(2022, 9, 20)),  # Mon 19 Sep 2022 State Funeral -> Tue 20 Sep
    (D(2023, 4, 8), D(2023, 5, 9)),  # Mon 8 May 2023 Coronation -> Tue 9 May
    (D(2022, 5, 2), D(2022, 6, 6)),  # Thu 2 Jun spring holiday, Fri 3 Jun Platinum Jubilee, weekend -> Mon 6 Jun
]


@pytest.mark.parametrize(("received", "expected"), PLAIN_CASES)
def test_one_calendar_month_then_next_working_day(received: dt.date, expected: dt.date) -> None:
    deadline = due_date(received=received)
    assert deadline.due == expected
    assert deadline.start == received
    assert deadline.one_month_due == expected
    assert deadline.extended is False
    assert deadline.clarification_days == 0


def test_a_made_up_one_off_holiday_moves_the_deadline() -> None:
    received = D(2025, 9, 3)
    assert due_date(received=received).due == D(2025, 10, 3)
    calendar = WorkingCalendar(extra_holidays=[D(2025, 10, 3)])
    # Fri 3 Oct is now a holiday, then the weekend -> Mon 6 Oct.
    assert due_date(received=received, calendar=calendar).due == D(2025, 10, 6)


def test_a_one_off_holiday_between_receipt_and_deadline_changes_nothing() -> None:
    # R3: only the end date moves; days in between are never skipped.
    calendar = WorkingCalendar(extra_holidays=[D(2025, 9, 15), D(2025, 9, 16)])
    assert due_date(received=D(2025, 9, 3), calendar=calendar).due == D(2025, 10, 3)


@pytest.mark.parametrize(
    ("received", "started", "expected"),
    [
        (D(2025, 9, 3), D(2025, 9, 10), D(2025, 10, 10)),  # Fri 10 Oct
        (D(2024, 11, 20), D(2024, 11, 25), D(2024, 12, 27)),  # 25 Dec Wed, 26 Thu holidays -> Fri 27 Dec
        (D(2025, 1, 15), D(2025, 1, 31), D(2025, 2, 28)),  # R2 from the start, not receipt
        (D(2026, 2, 27), D(2026, 3, 3), D(2026, 4, 7)),  # Good Friday and Easter Monday -> Tue 7 Apr
        (D(2025, 9, 3), D(2025, 9, 3), D(2025, 10, 3)),  # started the day it arrived: as if not given
    ],
)
def test_clock_starts_when_the_last_of_identity_authority_or_fee_arrives(
    received: dt.date, started: dt.date, expected: dt.date
) -> None:
    deadline = due_date(received=received, started=started)
    assert deadline.due == expected
    assert deadline.start == started


def test_start_reason_only_when_clock_started_late() -> None:
    later = due_date(received=D(2025, 9, 3), started=D(2025, 9, 10))
    assert any(reason.startswith("The clock started on") for reason in later.reasons)
    same_day = due_date(received=D(2025, 9, 3), started=D(2025, 9, 3))
    assert not any(reason.startswith("The clock started on") for reason in same_day.reasons)


C = Clarification

CLARIFICATION_CASES = [
    # received, started, clarifications, expected clarification days, expected due
    (D(2025, 9, 3), None, [C(D(2025, 9, 10), D(2025, 9, 12))], 3, D(2025, 10, 6)),  # 3 Oct + 3 = Mon 6 Oct
    (D(2025, 9, 2), None, [C(D(2025, 9, 10), D(2025, 9, 10))], 1, D(2025, 10, 3)),  # same day counts 1: Fri 3 Oct
    (D(2025, 9, 3), None, [C(D(2025, 9, 3), D(2025, 9, 4))], 2, D(2025, 10, 6)),  # asked on day one; Sun 5 -> Mon 6
    # Across a month end: 30, 31 Jan, 1, 2 Feb = 4 days; 15 Feb + 4 = Wed 19 Feb.
    (D(2025, 1, 15), None, [C(D(2025, 1, 30), D(2025, 2, 2))], 4, D(2025, 2, 19)),
    # R2 first, then add: 28 Feb 2025 + 3 = Mon 3 Mar.
    (D(2025, 1, 31), None, [C(D(2025, 2, 10), D(2025, 2, 12))], 3, D(2025, 3, 3)),
    # Several: 2 + 5 days; 3 Oct + 7 = Fri 10 Oct (given in any order).
    (D(2025, 9, 3), None, [C(D(2025, 9, 5), D(2025, 9, 6)), C(D(2025, 9, 15), D(2025, 9, 19))], 7, D(2025, 10, 10)),
    (D(2025, 9, 3), None, [C(D(2025, 9, 15), D(2025, 9, 19)), C(D(2025, 9, 5), D(2025, 9, 6))], 7, D(2025, 10, 10)),
    # Back to back but not overlapping: 5 + 3 days; 3 Oct + 8 = Sat 11 Oct -> Mon 13 Oct.
    (D(2025, 9, 3), None, [C(D(2025, 9, 5), D(2025, 9, 9)), C(D(2025, 9, 10), D(2025, 9, 12))], 8, D(2025, 10, 13)),
    # Asked again on the day the previous answer came (legitimate: the answer raised a new question);
    # the shared day counts once: 5..10 Sep = 6, then 11, 12 = 2; 3 Oct + 8 = Sat 11 -> Mon 13 Oct.
    (D(2025, 9, 3), None, [C(D(2025, 9, 5), D(2025, 9, 10)), C(D(2025, 9, 10), D(2025, 9, 12))], 8, D(2025, 10, 13)),
    # ... and a second question asked and answered that same day adds nothing more: 6 days; 3 Oct + 6 = Thu 9 Oct.
    (D(2025, 9, 3), None, [C(D(2025, 9, 5), D(2025, 9, 10)), C(D(2025, 9, 10), D(2025, 9, 10))], 6, D(2025, 10, 9)),
    # The extended end lands on Christmas: 20 Dec + 5 = Wed 25 Dec -> Fri 27 Dec 2024.
    (D(2024, 11, 20), None, [C(D(2024, 11, 25), D(2024, 11, 29))], 5, D(2024, 12, 27)),
    # Entirely before the clock started: adds nothing; 10 Sep -> Fri 10 Oct.
    (D(2025, 9, 3), D(2025, 9, 10), [C(D(2025, 9, 4), D(2025, 9, 8))], 0, D(2025, 10, 10)),
    # Ends the day before the clock started: still nothing.
    (D(2025, 9, 3), D(2025, 9, 10), [C(D(2025, 9, 4), D(2025, 9, 9))], 0, D(2025, 10, 10)),
    # Straddles the start: only 10 and 11 Sep, when the clock ran, stop it; 10 Oct + 2 = Sun 12 -> Mon 13 Oct.
    (D(2025, 9, 3), D(2025, 9, 10), [C(D(2025, 9, 8), D(2025, 9, 11))], 2, D(2025, 10, 13)),
]


@pytest.mark.parametrize(("received", "started", "clarifications", "days", "expected"), CLARIFICATION_CASES)
def test_clarification_stops_the_clock(
    received: dt.date, started: dt.date | None, clarifications: list[Clarification], days: int, expected: dt.date
) -> None:
    deadline = due_date(received=received, started=started, clarifications=clarifications)
    assert deadline.clarification_days == days
    assert deadline.due == expected


def test_clarification_before_the_clock_started_is_explained() -> None:
    deadline = due_date(
        received=D(2025, 9, 3), started=D(2025, 9, 10), clarifications=[C(D(2025, 9, 4), D(2025, 9, 8))]
    )
    assert any("before the clock started" in reason for reason in deadline.reasons)


def test_clarification_days_property_counts_both_ends() -> None:
    assert C(D(2025, 1, 30), D(2025, 2, 2)).days == 4
    assert C(D(2025, 9, 10), D(2025, 9, 10)).days == 1


EXTENSION_CASES = [
    # received, started, clarifications, expected due, expected one-month due
    (D(2025, 9, 3), None, [], D(2025, 12, 3), D(2025, 10, 3)),  # Wed 3 Dec
    (D(2024, 11, 30), None, [], D(2025, 2, 28), D(2024, 12, 30)),  # no 30 Feb -> Fri 28 Feb; one month Mon 30 Dec
    (D(2023, 11, 30), None, [], D(2024, 2, 29), D(2024, 1, 2)),  # leap year -> Thu 29 Feb; Sat 30 Dec -> Tue 2 Jan
    (D(2025, 11, 30), None, [], D(2026, 3, 2), D(2025, 12, 30)),  # Sat 28 Feb 2026 -> Mon 2 Mar
    (D(2024, 9, 25), None, [], D(2024, 12, 27), D(2024, 10, 25)),  # Christmas, Boxing Day -> Fri 27 Dec
    (D(2027, 9, 25), None, [], D(2027, 12, 29), D(2027, 10, 25)),  # 25-28 Dec 2027 -> Wed 29 Dec
    (D(2025, 11, 30), D(2025, 12, 3), [], D(2026, 3, 3), D(2026, 1, 5)),  # from the start; one month Sat 3 Jan -> Mon 5
    (D(2025, 9, 3), D(2025, 9, 10), [], D(2025, 12, 10), D(2025, 10, 10)),  # Wed 10 Dec
    # Plus clarification days: 3 Dec + 3 = Sat 6 Dec -> Mon 8 Dec; one month 3 Oct + 3 = Mon 6 Oct.
    (D(2025, 9, 3), None, [C(D(2025, 9, 10), D(2025, 9, 12))], D(2025, 12, 8), D(2025, 10, 6)),
]


@pytest.mark.parametrize(("received", "started", "clarifications", "expected", "one_month"), EXTENSION_CASES)
def test_extension_is_three_months_from_start_plus_clarification(
    received: dt.date,
    started: dt.date | None,
    clarifications: list[Clarification],
    expected: dt.date,
    one_month: dt.date,
) -> None:
    deadline = due_date(received=received, started=started, clarifications=clarifications, extended=True)
    assert deadline.extended is True
    assert deadline.due == expected
    assert deadline.one_month_due == one_month
    unextended = due_date(received=received, started=started, clarifications=clarifications)
    assert unextended.due == one_month


@pytest.mark.parametrize(
    ("received", "clarifications", "notified"),
    [
        (D(2025, 9, 3), [], D(2025, 9, 20)),
        (D(2025, 9, 3), [], D(2025, 9, 3)),
        (D(2025, 9, 3), [], D(2025, 10, 3)),  # on the last day of the first month
        (D(2024, 11, 25), [], D(2024, 12, 27)),  # the first month itself ends on the next working day
        (D(2025, 9, 3), [C(D(2025, 9, 10), D(2025, 9, 12))], D(2025, 10, 6)),  # the stopped clock lengthens it
    ],
)
def test_extension_notified_within_the_first_month_is_valid(
    received: dt.date, clarifications: list[Clarification], notified: dt.date
) -> None:
    deadline = due_date(received=received, clarifications=clarifications, extended=True, extension_notified=notified)
    assert deadline.extended is True
    assert deadline.due > deadline.one_month_due


@pytest.mark.parametrize(
    ("received", "clarifications", "notified"),
    [
        (D(2025, 9, 3), [], D(2025, 10, 4)),
        (D(2025, 9, 3), [], D(2025, 11, 20)),
        (D(2024, 11, 25), [], D(2024, 12, 28)),
        (D(2025, 9, 3), [C(D(2025, 9, 10), D(2025, 9, 12))], D(2025, 10, 7)),
    ],
)
def test_extension_notified_after_the_first_month_is_refused(
    received: dt.date, clarifications: list[Clarification], notified: dt.date
) -> None:
    with pytest.raises(DeadlineError, match="after the first month"):
        due_date(received=received, clarifications=clarifications, extended=True, extension_notified=notified)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"received": D(2025, 9, 3), "started": D(2025, 9, 2)}, "before the request was received"),
        ({"received": D(2025, 9, 3), "clarifications": [C(D(2025, 9, 10), D(2025, 9, 9))]}, "answered before"),
        ({"received": D(2025, 9, 3), "clarifications": [C(D(2025, 9, 1), D(2025, 9, 5))]}, "before the request"),
        (
            {
                "received": D(2025, 9, 3),
                "clarifications": [C(D(2025, 9, 5), D(2025, 9, 10)), C(D(2025, 9, 9), D(2025, 9, 12))],
            },
            "overlap",
        ),
        (
            {
                "received": D(2025, 9, 3),
                "clarifications": [C(D(2025, 9, 5), D(2025, 9, 10)), C(D(2025, 9, 7), D(2025, 9, 8))],
            },
            "overlap",
        ),
        (
            {
                "received": D(2025, 9, 3),
                "clarifications": [C(D(2025, 9, 7), D(2025, 9, 20)), C(D(2025, 9, 5), D(2025, 9, 8))],
            },
            "overlap",
        ),
    ],
)
def test_impossible_facts_raise_deadline_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DeadlineError, match=message):
        due_date(**kwargs)  # type: ignore[arg-type]


def test_deadline_error_is_a_value_error() -> None:
    assert issubclass(DeadlineError, ValueError)


def test_reasons_explain_the_roll_past_christmas() -> None:
    deadline = due_date(received=D(2024, 11, 25))
    assert deadline.reasons[0].startswith("Request received on Monday 25 November 2024")
    assert any("Christmas Day" in reason and "Friday 27 December 2024" in reason for reason in deadline.reasons)
    assert deadline.reasons[-1] == "Response due by Friday 27 December 2024."


def test_reasons_explain_the_short_month_and_the_extension() -> None:
    short = due_date(received=D(2025, 1, 31))
    assert any("has no day 31" in reason for reason in short.reasons)
    extended = due_date(received=D(2025, 9, 3), extended=True)
    assert any("Extended by two further months" in reason for reason in extended.reasons)
    assert extended.reasons[-1] == "Response due by Wednesday 3 December 2025."


# --- properties --------------------------------------------------------------------------------

dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))
offsets = st.integers(min_value=0, max_value=60)
lengths = st.integers(min_value=1, max_value=30)


@settings(deadline=None)
@given(received=dates, start_after=st.one_of(st.none(), offsets), extended=st.booleans())
def test_due_is_a_working_day_at_least_28_days_after_receipt(
    received: dt.date, start_after: int | None, extended: bool
) -> None:
    started = None if start_after is None else received + dt.timedelta(days=start_after)
    deadline = due_date(received=received, started=started, extended=extended)
    assert DEFAULT_CALENDAR.is_working_day(deadline.due)
    assert DEFAULT_CALENDAR.is_working_day(deadline.one_month_due)
    assert deadline.due >= received + dt.timedelta(days=28)


@settings(deadline=None)
@given(received=dates, later_by=st.integers(min_value=0, max_value=400), extended=st.booleans())
def test_due_never_decreases_when_receipt_moves_later(received: dt.date, later_by: int, extended: bool) -> None:
    later = received + dt.timedelta(days=later_by)
    assert due_date(received=later, extended=extended).due >= due_date(received=received, extended=extended).due


@settings(deadline=None)
@given(received=dates, first=offsets, extra=offsets, extended=st.booleans())
def test_due_never_decreases_when_the_start_moves_later(
    received: dt.date, first: int, extra: int, extended: bool
) -> None:
    earlier = received + dt.timedelta(days=first)
    later = earlier + dt.timedelta(days=extra)
    assert (
        due_date(received=received, started=later, extended=extended).due
        >= due_date(received=received, started=earlier, extended=extended).due
    )


@st.composite
def facts(draw: st.DrawFn) -> tuple[dt.date, dt.date | None, Clarification, Clarification]:
    """A request with a valid start and two valid, non-overlapping clarifications."""
    received = draw(dates)
    start_after = draw(st.one_of(st.none(), offsets))
    started = None if start_after is None else received + dt.timedelta(days=start_after)
    first_asked = received + dt.timedelta(days=draw(offsets))
    first = Clarification(first_asked, first_asked + dt.timedelta(days=draw(lengths) - 1))
    second_asked = first.answered + dt.timedelta(days=draw(st.integers(min_value=1, max_value=30)))
    second = Clarification(second_asked, second_asked + dt.timedelta(days=draw(lengths) - 1))
    return received, started, first, second


@settings(deadline=None)
@given(facts=facts(), extended=st.booleans())
def test_adding_a_clarification_never_shortens_the_deadline(
    facts: tuple[dt.date, dt.date | None, Clarification, Clarification], extended: bool
) -> None:
    received, started, first, second = facts
    none = due_date(received=received, started=started, extended=extended)
    one = due_date(received=received, started=started, clarifications=[first], extended=extended)
    two = due_date(received=received, started=started, clarifications=[first, second], extended=extended)
    assert none.due <= one.due <= two.due
    assert none.clarification_days <= one.clarification_days <= two.clarification_days


@settings(deadline=None)
@given(facts=facts(), clarified=st.integers(min_value=0, max_value=2))
def test_an_extension_never_shortens_the_deadline(
    facts: tuple[dt.date, dt.date | None, Clarification, Clarification], clarified: int
) -> None:
    received, started, first, second = facts
    clarifications = [first, second][:clarified]
    plain = due_date(received=received, started=started, clarifications=clarifications)
    extended = due_date(received=received, started=started, clarifications=clarifications, extended=True)
    assert extended.due >= plain.due
    assert extended.one_month_due == plain.due


@settings(deadline=None)
@given(received=dates, asked_after=offsets, answered_before=st.integers(min_value=1, max_value=30))
def test_a_clarification_answered_before_it_was_asked_is_always_refused(
    received: dt.date, asked_after: int, answered_before: int
) -> None:
    asked = received + dt.timedelta(days=asked_after)
    with pytest.raises(DeadlineError):
        due_date(received=received, clarifications=[Clarification(asked, asked - dt.timedelta(days=answered_before))])


# A clarification stops only a running clock: one asked after a deadline has passed cannot move it.
LATE_CLARIFICATION_CASES = [
    # received, extended, clarifications, expected due, expected one-month due, expected clarification days
    # Asked after the one-month deadline (Fri 3 Oct) of an unextended request: adds nothing.
    (D(2025, 9, 3), False, [C(D(2025, 10, 6), D(2025, 10, 8))], D(2025, 10, 3), D(2025, 10, 3), 0),
    # Asked on the rolled deadline itself (Sat 4 Oct -> Mon 6 Oct): the clock was running; 4 Oct + 3 = Tue 7 Oct.
    (D(2025, 9, 4), False, [C(D(2025, 10, 6), D(2025, 10, 8))], D(2025, 10, 7), D(2025, 10, 7), 3),
    # Asked the day after it: adds nothing.
    (D(2025, 9, 4), False, [C(D(2025, 10, 7), D(2025, 10, 9))], D(2025, 10, 6), D(2025, 10, 6), 0),
    # The first clarification (10 days) runs the month on to Mon 13 Oct, so a second asked on 10 Oct still
    # counts: 3 Oct + 11 = Tue 14 Oct.
    (
        D(2025, 9, 3),
        False,
        [C(D(2025, 9, 10), D(2025, 9, 19)), C(D(2025, 10, 10), D(2025, 10, 10))],
        D(2025, 10, 14),
        D(2025, 10, 14),
        11,
    ),
    # Extended: a clarification in the second month stops the three-month clock (3 Dec + 5 = Mon 8 Dec)
    # but not the first month, which had already ended on Fri 3 Oct (R6).
    (D(2025, 9, 3), True, [C(D(2025, 10, 20), D(2025, 10, 24))], D(2025, 12, 8), D(2025, 10, 3), 5),
    # Extended: asked after the three-month deadline (Wed 3 Dec): adds nothing.
    (D(2025, 9, 3), True, [C(D(2025, 12, 4), D(2025, 12, 5))], D(2025, 12, 3), D(2025, 10, 3), 0),
]


@pytest.mark.parametrize(
    ("received", "extended", "clarifications", "expected", "one_month", "days"), LATE_CLARIFICATION_CASES
)
def test_a_clarification_after_the_deadline_stops_nothing(
    received: dt.date,
    extended: bool,
    clarifications: list[Clarification],
    expected: dt.date,
    one_month: dt.date,
    days: int,
) -> None:
    deadline = due_date(received=received, clarifications=clarifications, extended=extended)
    assert deadline.due == expected
    assert deadline.one_month_due == one_month
    assert deadline.clarification_days == days


def test_a_second_month_clarification_does_not_lengthen_the_time_to_notify_an_extension() -> None:
    # R6: the requester is told within the first month, which ended on Fri 3 Oct 2025.
    clarifications = [C(D(2025, 10, 20), D(2025, 10, 24))]
    due_date(received=D(2025, 9, 3), clarifications=clarifications, extended=True, extension_notified=D(2025, 10, 3))
    with pytest.raises(DeadlineError, match="after the first month"):
        due_date(
            received=D(2025, 9, 3), clarifications=clarifications, extended=True, extension_notified=D(2025, 10, 6)
        )


@pytest.mark.parametrize(
    ("received", "dpa_1998"),
    [
        (D(2018, 5, 24), True),  # the last day of the DPA 1998 (s.7)
        (D(2018, 5, 25), False),  # DPA 2018 s.212, SI 2018/625: in force 25 May 2018
        (D(2010, 1, 4), True),
        (D(2025, 9, 3), False),
    ],
)
def test_requests_before_25_may_2018_fell_under_the_dpa_1998(received: dt.date, dpa_1998: bool) -> None:
    from rights import governed_by_dpa_1998

    assert governed_by_dpa_1998(received) is dpa_1998


@pytest.mark.parametrize(
    ("kind", "stops"),
    [
        ("access", True),  # UK GDPR Art 12A: "a request under Article 15"; DPA 2018 s.54(3C): "under section 45(1)"
        ("rectification", False),
        ("erasure", False),
        ("restriction", False),
        ("objection", False),
        ("portability", False),
        ("automated_decision_making", False),
        ("inform", False),
    ],
)
def test_only_an_access_requests_clock_stops_for_clarification(kind: str, stops: bool) -> None:
    from rights import RightKind, clarification_stops_clock

    assert clarification_stops_clock(RightKind(kind)) is stops


def test_a_clarification_on_another_right_leaves_the_date_and_says_why() -> None:
    asked = [C(D(2025, 9, 10), D(2025, 9, 12))]
    running = due_date(received=D(2025, 9, 3), clarifications=asked, clock_stops_for_clarification=False)
    assert running.due == D(2025, 10, 3)  # as if nothing was asked
    assert running.clarification_days == 0
    assert any("the clock kept running" in reason for reason in running.reasons)
    assert due_date(received=D(2025, 9, 3), clarifications=asked).due == D(2025, 10, 6)  # access: 3 days added
    with pytest.raises(DeadlineError, match="overlap"):  # impossible facts are still refused
        due_date(
            received=D(2025, 9, 3),
            clarifications=[C(D(2025, 9, 5), D(2025, 9, 10)), C(D(2025, 9, 7), D(2025, 9, 8))],
            clock_stops_for_clarification=False,
        )
