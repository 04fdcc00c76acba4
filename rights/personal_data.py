"""UK personal-data patterns a reviewer is offered to redact: postcodes, National Insurance numbers, NHS
numbers, telephone numbers, email addresses and dates of birth. Pure functions over text.

They only *suggest*: a person decides every redaction (UK GDPR Art 15(4) and DPA 2018 Sch 2 para 16
weigh a third party's rights case by case; nothing is withheld by pattern alone).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class PatternKind(StrEnum):
    POSTCODE = "postcode"
    NI_NUMBER = "ni_number"
    NHS_NUMBER = "nhs_number"
    TELEPHONE = "telephone"
    EMAIL = "email"
    DATE_OF_BIRTH = "date_of_birth"


@dataclass(frozen=True)
class Found:
    kind: PatternKind
    start: int
    end: int
    text: str


# Postcode format: Royal Mail PAF / ONS postcode directory user guide: outward code A9, A99, AA9, AA99, A9A or
# AA9A, inward code 9AA; Q, V and X never first; I, J and Z never second; C, I, K, M, O and V never in the inward
# letters. GIR 0AA is Girobank's.
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)

# National Insurance number: HMRC National Insurance Manual NIM39110: two prefix letters (D, F, I, Q, U, V never
# used; O never second; BG, GB, NK, KN, TN, NT and ZZ never allocated), six digits, suffix A, B, C or D.
_NINO = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NINO_NEVER_PREFIX = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})

# NHS number: ten digits, often written 3-3-4; the tenth is a modulus 11 check digit (NHS Data Dictionary, "NHS
# Number").
_NHS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")

# UK telephone numbers (Ofcom National Telephone Numbering Plan): 0 or +44, then a national significant number of
# 9 or 10 digits starting 1, 2, 3, 5, 7, 8 or 9; spaces, hyphens and brackets between digits.
_TELEPHONE = re.compile(r"(?<![\w+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(0|0)(?:[\s-]?\)?[\s-]?\d){9,10}(?![\d])")

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4}|\d{2})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_WORDS})\.?,?\s+(?P<y2>\d{{4}}))(?!\d)",
    re.IGNORECASE,
)
# A date is a date of birth when a cue stands just before it ("DOB", "d.o.b.", "date of birth", "born").
_DOB_CUE = re.compile(
    r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bborn(?:\s+on)?\b)\s*[:\-\u2013]?\s*$", re.IGNORECASE
)
_DOB_CUE_REACH = 40


def nhs_number_valid(digits: str) -> bool:
    """True when the ten digits carry a right check digit (NHS Data Dictionary: weights 10 down to 2 on the
    first nine digits; 11 minus the remainder mod 11 is the check, 11 meaning 0 and 10 never valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def ni_number_valid(value: str) -> bool:
    """True for a National Insurance number HMRC could have allocated (NIM39110), spaces ignored."""
    compact = "".join(value.split()).upper()
    match = _NINO.fullmatch(compact)
    return match is not None and match.group(1) not in _NINO_NEVER_PREFIX


def _parse_dates(match: re.Match[str]) -> set[dt.date]:
    """The date or dates the text can mean: a two-digit year could be in either century."""
    if match.group("d") is not None:
        day, month, year = int(match.group("d")), int(match.group("m")), int(match.group("y"))
        years = [1900 + year, 2000 + year] if len(match.group("y")) == 2 else [year]
    else:
        day, month, years = int(match.group("d2")), _MONTHS[match.group("mon").lower()], [int(match.group("y2"))]
    dates = set()
    for each in years:
        try:
            dates.add(dt.date(each, month, day))
        except ValueError:
            continue
    return dates


def find_postcodes(text: str) -> list[Found]:
    return [Found(PatternKind.POSTCODE, m.start(), m.end(), m.group()) for m in _POSTCODE.finditer(text)]


def find_ni_numbers(text: str) -> list[Found]:
    return [
        Found(PatternKind.NI_NUMBER, m.start(), m.end(), m.group())
        for m in _NINO.finditer(text)
        if m.group(1).upper() not in _NINO_NEVER_PREFIX
    ]


def find_nhs_numbers(text: str) -> list[Found]:
    return [
        Found(PatternKind.NHS_NUMBER, m.start(), m.end(), m.group())
        for m in _NHS.finditer(text)
        if nhs_number_valid("".join(m.groups()))
    ]


def _telephone_digits_valid(raw: str) -> bool:
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip().startswith("+"):
        digits = digits[2:]  # the country code 44
        if raw.count("(0)"):
            digits = digits[1:]
    else:
        digits = digits[1:]  # the trunk prefix 0
    return len(digits) in (9, 10) and digits[0] in "1235789"


def find_telephones(text: str) -> list[Found]:
    return [
        Found(PatternKind.TELEPHONE, m.start(), m.end(), m.group())
        for m in _TELEPHONE.finditer(text)
        if _telephone_digits_valid(m.group())
    ]


def find_emails(text: str) -> list[Found]:
    return [Found(PatternKind.EMAIL, m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)]


def find_dates_of_birth(text: str, *, subject_born_on: dt.date | None) -> list[Found]:
    """Dates written as someone's date of birth, except the data subject's own (their data is theirs to have)."""
    found = []
    for match in _DATE.finditer(text):
        before = text[max(0, match.start() - _DOB_CUE_REACH) : match.start()]
        if not _DOB_CUE.search(before):
            continue
        dates = _parse_dates(match)
        if not dates or subject_born_on in dates:
            continue
        found.append(Found(PatternKind.DATE_OF_BIRTH, match.start(), match.end(), match.group()))
    return found


def find_personal_data(text: str, *, subject_born_on: dt.date | None) -> list[Found]:
    """Every pattern's matches in the text, in order; where two overlap, the earlier (then longer) one wins."""
    candidates = (
        find_emails(text)
        + find_ni_numbers(text)
        + find_nhs_numbers(text)
        + find_postcodes(text)
        + find_dates_of_birth(text, subject_born_on=subject_born_on)
        + find_telephones(text)
    )
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Found] = []
    for item in candidates:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept
