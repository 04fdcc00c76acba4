"""UK personal-data patterns: each with what it must find and what it must leave alone."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights.personal_data import (
    PatternKind,
    find_dates_of_birth,
    find_emails,
    find_nhs_numbers,
    find_ni_numbers,
    find_personal_data,
    find_postcodes,
    find_telephones,
    nhs_number_valid,
    ni_number_valid,
)


def _texts(found: list) -> list[str]:  # type: ignore[type-arg]
    return [f.text for f in found]


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("9434765919", True),  # the NHS Data Dictionary's worked example
        ("9434765918", False),  # one off
        ("4010232137", True),
        ("4010232138", False),
        ("0000000000", True),  # check 11 -> 0
        ("1000000001", True),
        ("0000000060", False),  # the check works out as 10: never issued
        ("0000000061", False),
        ("943476591", False),
        ("94347659190", False),
        ("94347659a9", False),
    ],
)
def test_nhs_check_digit(digits: str, valid: bool) -> None:
    assert nhs_number_valid(digits) is valid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NHS no. 943 476 5919 on file", ["943 476 5919"]),
        ("NHS 943-476-5919.", ["943-476-5919"]),
        ("NHS 9434765919", ["9434765919"]),
        ("NHS 943 476 5918 (mistyped)", []),
        ("case 12345678901 ref", []),
        ("order 1943 476 59190", []),
    ],
)
def test_nhs_numbers_found_only_with_a_right_check_digit(text: str, expected: list[str]) -> None:
    assert _texts(find_nhs_numbers(text)) == expected


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_exactly_one_check_digit_or_none_makes_a_valid_nhs_number(first_nine: str) -> None:
    valid = [d for d in "0123456789" if nhs_number_valid(first_nine + d)]
    assert len(valid) <= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NI AB123456C", ["AB123456C"]),
        ("NI: AB 12 34 56 C.", ["AB 12 34 56 C"]),
        ("ni ab123456d", ["ab123456d"]),
        ("QQ123456C", []),  # Q never used as a first letter
        ("AO123456C", []),  # O never second
        ("GB123456A", []),  # never allocated
        ("AB123456E", []),  # suffix is A-D
        ("XAB123456C", []),  # inside a longer code
        ("AB1234567C", []),
    ],
)
def test_ni_numbers(text: str, expected: list[str]) -> None:
    assert _texts(find_ni_numbers(text)) == expected


def test_ni_number_valid() -> None:
    assert ni_number_valid("JG 10 37 59 A")
    assert not ni_number_valid("TN 31 12 58 F")
    assert not ni_number_valid("NK123456A")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Leeds LS1 4AP", ["LS1 4AP"]),
        ("London SW1A 1AA.", ["SW1A 1AA"]),
        ("M1 1AE", ["M1 1AE"]),
        ("b338th", ["b338th"]),
        ("EC1A1BB", ["EC1A1BB"]),
        ("GIR 0AA", ["GIR 0AA"]),
        ("QA1 1AA", []),  # Q never first
        ("LS1 4CP", []),  # C never in the inward letters
        ("room 12A", []),
        ("ABC1 1AA", []),
        ("version 3.1 of 2020", []),
    ],
)
def test_postcodes(text: str, expected: list[str]) -> None:
    assert _texts(find_postcodes(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 0113 496 0000", ["0113 496 0000"]),
        ("mobile 07700 900123", ["07700 900123"]),
        ("mobile 07700900123", ["07700900123"]),
        ("on +44 (0)20 7946 0018", ["+44 (0)20 7946 0018"]),
        ("on +44 7700 900123", ["+44 7700 900123"]),
        ("(020) 7946 0018", ["(020) 7946 0018"]),
        ("ref 0000 000 000", []),  # no area code starts 0
        ("on 01234", []),  # too short
        ("dated 01/02/2020", []),
        ("NHS 943 476 5919", []),  # no trunk 0
        ("account 0123456789012", []),
    ],
)
def test_telephones(text: str, expected: list[str]) -> None:
    assert _texts(find_telephones(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jo.bloggs+sw@example.org.uk today", ["jo.bloggs+sw@example.org.uk"]),
        ("<a@b.co>", ["a@b.co"]),
        ("@handle on social media", []),
        ("a@b", []),
        ("price 5@3.00", []),
    ],
)
def test_emails(text: str, expected: list[str]) -> None:
    assert _texts(find_emails(text)) == expected


SUBJECT = dt.date(2012, 5, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mother (DOB 14/02/1985) attended", ["14/02/1985"]),
        ("d.o.b.: 14.02.1985", ["14.02.1985"]),
        ("Date of birth: 1st March 1979", ["1st March 1979"]),
        ("partner, born 7 Sept 1990,", ["7 Sept 1990"]),
        ("DOB 14/02/85", ["14/02/85"]),
        ("Child DOB 03/05/2012", []),  # the subject's own
        ("born on 3 May 2012", []),  # the subject's own, written out
        ("DOB 03/05/12", []),  # the subject's own, two-digit year
        ("meeting on 14/02/1985", []),  # a date, but not a birth date
        ("DOB 31/02/1985", []),  # no such day
    ],
)
def test_dates_of_birth_of_others(text: str, expected: list[str]) -> None:
    assert _texts(find_dates_of_birth(text, subject_born_on=SUBJECT)) == expected


def test_all_patterns_together_do_not_overlap() -> None:
    text = "Tel 0113 496 0000, NI AB123456C, NHS 943 476 5919, LS1 4AP, x@y.com, DOB 01/01/1970."
    found = find_personal_data(text, subject_born_on=SUBJECT)
    assert [f.kind for f in found] == [
        PatternKind.TELEPHONE,
        PatternKind.NI_NUMBER,
        PatternKind.NHS_NUMBER,
        PatternKind.POSTCODE,
        PatternKind.EMAIL,
        PatternKind.DATE_OF_BIRTH,
    ]
    for earlier, later in itertools.pairwise(found):
        assert earlier.end <= later.start
    for f in found:
        assert text[f.start : f.end] == f.text
