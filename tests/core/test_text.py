"""Dates in one GOV.UK style and summaries cut at a word (a letter's summary in a select was cut mid-word)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import address_lines, day_text, shorten


def test_day_text_has_no_leading_zero() -> None:
    assert day_text(dt.date(2027, 1, 4)) == "4 January 2027"
    assert day_text(dt.date(2026, 12, 25)) == "25 December 2026"


def test_shorten_cuts_at_a_word_and_shows_the_cut() -> None:
    summary = "Request for records held about my daughter by the partnership since 2019"
    assert shorten(summary, 40) == "Request for records held about my…"
    assert shorten("Short  summary\nhere", 80) == "Short summary here"


def test_shorten_of_one_long_word_still_fits() -> None:
    assert shorten("x" * 100, 10) == "x" * 9 + "…"


@given(st.text(min_size=1), st.integers(min_value=5, max_value=120))
def test_shorten_never_exceeds_the_width_and_keeps_whole_words(text: str, width: int) -> None:
    out = shorten(text, width)
    assert len(out) <= width
    words = text.split()
    if out.endswith("…") and " ".join(words) != out:
        kept = out[:-1].split()
        if len(kept) > 1:
            assert kept[:-1] == words[: len(kept) - 1]


@pytest.mark.parametrize(
    ("typed", "lines"),
    [
        ("1 High Street\nLeeds\nLS1 1AA", ["1 High Street", "Leeds", "LS1 1AA"]),
        ("1 High Street, Leeds, LS1 1AA", ["1 High Street", "Leeds", "LS1 1AA"]),
        ("Flat 2, 1 High Street\n\n  Leeds  \n", ["Flat 2, 1 High Street", "Leeds"]),  # typed lines keep commas
        ("", []),
        (" , ,", []),
    ],
)
def test_an_address_becomes_envelope_lines(typed: str, lines: list[str]) -> None:
    assert address_lines(typed) == lines
