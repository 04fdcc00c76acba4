"""The search record an access request's sign-off needs (UK GDPR Art 15(1A))."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights.searches import SearchRecord, SubjectTerms, missing_terms, search_record_gaps

SUBJECT = SubjectTerms(
    name="Alex Example", previous_names=("Alex Sample",), date_of_birth=dt.date(2012, 5, 1), address="1 High St, SK1"
)
COMPLETE = SearchRecord(
    terms=SUBJECT,
    holdings_and_agencies="Every review and audit held",
    exclusions="Nothing was left out.",
    cap_reason="Fewer hits than the cap.",
    hit_limit=50,
    scope_recorded=True,
)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (COMPLETE, ()),
        # Art 15(1A): no record, no evidence of a reasonable and proportionate search.
        (None, ("No subject search is kept",)),
        (replace(COMPLETE, hits_pending=2), ("2 hits are not yet confirmed",)),
        (replace(COMPLETE, scope_recorded=False), ("scope is not recorded",)),
        (replace(COMPLETE, holdings_and_agencies=" "), ("which holdings and agencies",)),
        (replace(COMPLETE, exclusions=""), ("what was left out",)),
        (replace(COMPLETE, cap_reason=""), ("at most 50 hits",)),
        (replace(COMPLETE, date_from=dt.date(2026, 1, 2), date_to=dt.date(2026, 1, 1)), ("ends before it starts",)),
        (replace(COMPLETE, terms=replace(SUBJECT, date_of_birth=None)), ("date of birth",)),
        (replace(COMPLETE, terms=replace(SUBJECT, previous_names=())), ("previous name “Alex Sample”",)),
        (replace(COMPLETE, terms=replace(SUBJECT, address="")), ("address",)),
    ],
)
def test_the_search_record_table(record: SearchRecord | None, expected: tuple[str, ...]) -> None:
    gaps = search_record_gaps(record, subject=SUBJECT)
    assert len(gaps) == len(expected)
    for gap, words in zip(gaps, expected, strict=True):
        assert words in gap


def test_names_match_whatever_their_case_and_spacing() -> None:
    used = replace(SUBJECT, name="  alex   EXAMPLE ", previous_names=("ALEX SAMPLE",), address="1 high st,  sk1")
    assert missing_terms(SUBJECT, used) == ()


@given(name=st.text(min_size=1, max_size=30).filter(str.strip))
def test_a_search_with_the_subjects_own_terms_misses_nothing(name: str) -> None:
    subject = replace(SUBJECT, name=name)
    assert missing_terms(subject, subject) == ()
