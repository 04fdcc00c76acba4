"""Who may act for a data subject, and a child's say in it."""

from __future__ import annotations

import datetime as dt

import pytest

from rights import (
    ActingDecision,
    Authority,
    Competence,
    RepresentativeRole,
    age_on,
    child_is_competent,
    may_act_for,
)

D = dt.date
REQUEST_DATE = D(2025, 9, 3)


def born_years_before(years: int, on: dt.date = REQUEST_DATE) -> dt.date:
    """A date of birth that makes the subject exactly `years` old on `on` (birthday a month earlier)."""
    return D(on.year - years, on.month - 1, on.day)


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (D(2010, 6, 15), D(2010, 6, 15), 0),
        (D(2010, 6, 15), D(2024, 6, 14), 13),  # the day before the birthday
        (D(2010, 6, 15), D(2024, 6, 15), 14),  # on the birthday
        (D(2010, 6, 15), D(2024, 6, 16), 14),
        (D(2010, 6, 15), D(2024, 12, 31), 14),
        (D(2010, 12, 31), D(2025, 1, 1), 14),
        # A 29 February birthday falls on 1 March in a common year (Family Law Reform Act 1969 s9).
        (D(2008, 2, 29), D(2026, 2, 28), 17),
        (D(2008, 2, 29), D(2026, 3, 1), 18),
        (D(2008, 2, 29), D(2028, 2, 28), 19),
        (D(2008, 2, 29), D(2028, 2, 29), 20),  # a leap year: the birthday itself
        (D(2008, 2, 29), D(2009, 2, 28), 0),
        (D(2008, 2, 29), D(2009, 3, 1), 1),
    ],
)
def test_age_on(born: dt.date, on: dt.date, expected: int) -> None:
    assert age_on(born, on) == expected


def test_age_on_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(D(2010, 6, 15), D(2010, 6, 14))


TWELVE = born_years_before(12)


@pytest.mark.parametrize(
    ("born", "consent_age", "judgement", "expected"),
    [
        (TWELVE, 13, None, False),  # under the policy age
        (TWELVE, 12, None, True),  # at the ICO's starting point
        (born_years_before(13), 13, None, True),
        (D(2012, 9, 4), 13, None, False),  # 13 tomorrow
        (D(2012, 9, 3), 13, None, True),  # 13 today
        (born_years_before(10), 13, Competence.COMPETENT, True),  # judgement over age: younger but competent
        (born_years_before(16), 13, Competence.NOT_COMPETENT, False),  # older but not competent
        (TWELVE, 12, Competence.NOT_COMPETENT, False),
        (TWELVE, 13, Competence.COMPETENT, True),
    ],
)
def test_child_is_competent(born: dt.date, consent_age: int, judgement: Competence | None, expected: bool) -> None:
    assert (
        child_is_competent(date_of_birth=born, on=REQUEST_DATE, consent_age=consent_age, judgement=judgement)
        is expected
    )


P = RepresentativeRole
A = Authority

# role, authority, verified, age (None: no date of birth), consent_age, competence, child consented,
# expected allowed, expected child_consent_needed
ACTING_CASES = [
    pytest.param(P.SELF, None, False, 30, 13, None, False, True, False, id="self, nothing else needed"),
    pytest.param(P.SELF, None, False, 9, 13, None, False, True, False, id="self, a child asking"),
    pytest.param(P.SOLICITOR, None, True, 30, 13, None, False, False, False, id="representative without authority"),
    pytest.param(P.PARENT, None, True, 10, 13, None, False, False, False, id="parent without authority"),
    pytest.param(P.DEPUTY, A.WRITTEN_CONSENT, True, 40, 13, None, False, False, False, id="deputy on written consent"),
    pytest.param(P.ATTORNEY, A.COURT_ORDER, True, 40, 13, None, False, False, False, id="attorney on court order"),
    pytest.param(
        P.PARENT, A.LASTING_POWER_OF_ATTORNEY, True, 40, 13, None, False, False, False, id="parent on LPA: mismatch"
    ),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, False, 10, 13, None, False, False, False, id="unverified"),
    pytest.param(P.DEPUTY, A.COURT_ORDER, False, 40, 13, None, False, False, False, id="deputy unverified"),
    pytest.param(P.DEPUTY, A.COURT_ORDER, True, 40, 13, None, False, True, False, id="deputy, verified"),
    pytest.param(
        P.ATTORNEY, A.LASTING_POWER_OF_ATTORNEY, True, 70, 13, None, False, True, False, id="attorney, verified"
    ),
    pytest.param(P.SOLICITOR, A.WRITTEN_CONSENT, True, None, 13, None, False, True, False, id="no DOB, not PR"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, None, 13, None, False, False, False, id="PR needs DOB"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 10, 13, None, False, True, False, id="PR, child of 10"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 14, 13, None, False, False, True, id="14, no consent"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 14, 13, None, True, True, True, id="14, consented"),
    pytest.param(
        P.PARENT,
        A.PARENTAL_RESPONSIBILITY,
        True,
        14,
        13,
        Competence.NOT_COMPETENT,
        False,
        True,
        False,
        id="14 judged not competent",
    ),
    pytest.param(
        P.PARENT,
        A.PARENTAL_RESPONSIBILITY,
        True,
        11,
        13,
        Competence.COMPETENT,
        False,
        False,
        True,
        id="11 judged competent, no consent",
    ),
    pytest.param(
        P.PARENT,
        A.PARENTAL_RESPONSIBILITY,
        True,
        11,
        13,
        Competence.COMPETENT,
        True,
        True,
        True,
        id="11 judged competent, consented",
    ),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 12, 12, None, False, False, True, id="12, policy age 12"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 12, 13, None, False, True, False, id="12, policy age 13"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 19, 13, None, False, False, False, id="PR for an adult"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 18, 13, None, True, False, False, id="PR ends at 18"),
    pytest.param(P.PARENT, A.PARENTAL_RESPONSIBILITY, True, 17, 13, None, True, True, True, id="17, consented"),
    pytest.param(P.SOLICITOR, A.WRITTEN_CONSENT, True, 19, 13, None, False, True, False, id="solicitor for adult"),
    pytest.param(
        P.SOLICITOR, A.WRITTEN_CONSENT, True, 10, 13, None, False, False, False, id="written consent of a child of 10"
    ),
    pytest.param(
        P.SOLICITOR, A.WRITTEN_CONSENT, True, 15, 13, None, True, True, True, id="written consent of a child of 15"
    ),
]


@pytest.mark.parametrize(
    ("role", "authority", "verified", "age", "consent_age", "competence", "consented", "allowed", "consent_needed"),
    ACTING_CASES,
)
def test_may_act_for(
    role: RepresentativeRole,
    authority: Authority | None,
    verified: bool,
    age: int | None,
    consent_age: int,
    competence: Competence | None,
    consented: bool,
    allowed: bool,
    consent_needed: bool,
) -> None:
    decision = may_act_for(
        role=role,
        authority=authority,
        authority_verified=verified,
        subject_date_of_birth=None if age is None else born_years_before(age),
        request_date=REQUEST_DATE,
        consent_age=consent_age,
        competence=competence,
        child_consented=consented,
    )
    assert isinstance(decision, ActingDecision)
    assert decision.allowed is allowed
    assert decision.child_consent_needed is consent_needed
    assert decision.reasons
    for reason in decision.reasons:
        assert isinstance(reason, str)
        assert reason.strip()
        assert "<" not in reason
        assert "Authority." not in reason
        assert "RepresentativeRole." not in reason


def test_refusal_reasons_say_why() -> None:
    no_consent = may_act_for(
        role=P.PARENT,
        authority=A.PARENTAL_RESPONSIBILITY,
        authority_verified=True,
        subject_date_of_birth=born_years_before(14),
        request_date=REQUEST_DATE,
        consent_age=13,
    )
    assert no_consent.reasons[-1] == "The child's own consent to this request has not been recorded."

    adult = may_act_for(
        role=P.PARENT,
        authority=A.PARENTAL_RESPONSIBILITY,
        authority_verified=True,
        subject_date_of_birth=born_years_before(19),
        request_date=REQUEST_DATE,
        consent_age=13,
    )
    assert "parental responsibility has ended" in adult.reasons[0]
    assert "19" in adult.reasons[0]

    mismatch = may_act_for(
        role=P.DEPUTY,
        authority=A.WRITTEN_CONSENT,
        authority_verified=True,
        subject_date_of_birth=None,
        request_date=REQUEST_DATE,
        consent_age=13,
    )
    assert mismatch.reasons == ("A deputy cannot act under written consent.",)


def test_age_is_taken_on_the_date_of_the_request() -> None:
    # 13 on 4 Sep 2025: a parent's request the day before needs no consent, the day of the birthday does.
    born = D(2012, 9, 4)
    common = {
        "role": P.PARENT,
        "authority": A.PARENTAL_RESPONSIBILITY,
        "authority_verified": True,
        "subject_date_of_birth": born,
        "consent_age": 13,
    }
    before = may_act_for(request_date=D(2025, 9, 3), **common)  # type: ignore[arg-type]
    on = may_act_for(request_date=D(2025, 9, 4), **common)  # type: ignore[arg-type]
    assert (before.allowed, before.child_consent_needed) == (True, False)
    assert (on.allowed, on.child_consent_needed) == (False, True)
