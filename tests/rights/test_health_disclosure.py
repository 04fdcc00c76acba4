"""DPA 2018 Sch 3 Pt 2 para 6: health data goes only with a current "not likely" opinion, or already known."""

from __future__ import annotations

import datetime as dt

import pytest

from rights import health_data_disclosure_refusal

D = dt.date
TODAY = D(2026, 3, 2)


@pytest.mark.parametrize(
    ("opinions", "known", "refused_because"),
    [
        ([], False, "record an appropriate health professional's opinion"),  # para 6(1): no opinion, no disclosure
        ([], True, None),  # para 6(1)(b): already seen by, or within the knowledge of, the subject
        ([D(2026, 3, 2)], False, None),  # para 6(1)(a): an opinion given today
        ([D(2025, 9, 3)], False, None),  # within the six months ending with today (3 Sep .. 2 Mar)
        ([D(2025, 9, 2)], False, "more than six months old"),  # six months ending with 2 March begin on 3 Sept
        ([D(2025, 1, 1), D(2026, 1, 1)], False, None),  # a renewal is relied on
        ([D(2026, 3, 3)], False, "after today"),  # a future date is not a fact yet: never current
        ([D(2024, 1, 1)], True, None),  # known: the stale opinion does not matter
    ],
)
def test_health_data_disclosure(opinions: list[dt.date], known: bool, refused_because: str | None) -> None:
    refusal = health_data_disclosure_refusal(opinions_test_not_met=opinions, already_seen_or_known=known, today=TODAY)
    if refused_because is None:
        assert refusal is None
    else:
        assert refusal is not None and refused_because in refusal and "Sch 3 Pt 2 para 6" in refusal
