"""Parental responsibility's basis against the evidence, child abuse data, deputies and attorneys."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rights.people import (
    PR_EVIDENCE,
    AffairsArea,
    EvidenceDocument,
    ParentalResponsibilityBasis,
    PowerKind,
    attorney_refusal,
    child_abuse_data_withheld,
    deputy_refusal,
    parental_responsibility_refusal,
)

B = ParentalResponsibilityBasis
E = EvidenceDocument


@pytest.mark.parametrize(
    ("basis", "evidence", "shown"),
    [
        (B.BIRTH_MOTHER, {E.BIRTH_CERTIFICATE}, True),  # Children Act 1989 s2(2)(a)
        (B.BIRTH_FATHER, {E.BIRTH_CERTIFICATE}, False),  # s4(1)(a): only if registered as the father
        (B.BIRTH_FATHER, {E.BIRTH_CERTIFICATE_NAMING_PARENT}, True),
        (B.BIRTH_FATHER, {E.MARRIAGE_OR_CIVIL_PARTNERSHIP_CERTIFICATE}, True),  # s2(1)
        (B.SECOND_FEMALE_PARENT, {E.PARENTAL_RESPONSIBILITY_AGREEMENT_OR_ORDER}, True),  # s4ZA
        (B.ADOPTIVE_PARENT, {E.ADOPTION_ORDER}, True),  # Adoption and Children Act 2002 s46(1)
        (B.ADOPTIVE_PARENT, {E.BIRTH_CERTIFICATE}, False),
        (B.SPECIAL_GUARDIAN, {E.SPECIAL_GUARDIANSHIP_ORDER}, True),  # CA 1989 s14C
        (B.LIVES_WITH_ORDER, {E.CHILD_ARRANGEMENTS_ORDER}, True),  # s12(2)
        (B.LOCAL_AUTHORITY, {E.CARE_ORDER}, True),  # s33(3): shared with the parents
        (B.LOCAL_AUTHORITY, set(), False),
        (B.GUARDIAN, {E.GUARDIAN_APPOINTMENT}, True),  # s5(6)
    ],
)
def test_the_basis_is_checked_against_the_evidence(
    basis: ParentalResponsibilityBasis, evidence: set[EvidenceDocument], shown: bool
) -> None:
    refusal = parental_responsibility_refusal(basis=basis, evidence=frozenset(evidence))
    assert (refusal is None) is shown
    if refusal:
        assert basis.value.replace("_", " ") in refusal


def test_adoption_ends_a_birth_parents_responsibility() -> None:
    # Adoption and Children Act 2002 s46(2)(a).
    refusal = parental_responsibility_refusal(
        basis=B.BIRTH_MOTHER, evidence=frozenset({E.BIRTH_CERTIFICATE}), adopted_after=True
    )
    assert refusal is not None and "adopted" in refusal
    assert (
        parental_responsibility_refusal(
            basis=B.ADOPTIVE_PARENT, evidence=frozenset({E.ADOPTION_ORDER}), adopted_after=True
        )
        is None
    )


@given(basis=st.sampled_from(list(B)), extra=st.sets(st.sampled_from(list(E))))
def test_any_listed_document_shows_its_basis(basis: ParentalResponsibilityBasis, extra: set[EvidenceDocument]) -> None:
    for document in PR_EVIDENCE[basis]:
        assert parental_responsibility_refusal(basis=basis, evidence=frozenset({document, *extra})) is None


@pytest.mark.parametrize(
    ("pr", "court", "best", "withheld"),
    [
        # DPA 2018 Sch 3 Pt 5 para 21(1)-(2).
        (True, False, False, True),
        (True, False, None, True),  # no best-interests decision recorded yet
        (True, False, True, False),
        (False, True, False, True),
        (False, False, False, False),  # the subject themselves, or someone with written consent: para 21 is silent
    ],
)
def test_child_abuse_data(pr: bool, court: bool, best: bool | None, withheld: bool) -> None:
    assert (
        child_abuse_data_withheld(
            requester_has_parental_responsibility=pr, requester_court_appointed=court, in_best_interests=best
        )
        is withheld
    )


P, H = AffairsArea.PROPERTY_AND_FINANCIAL, AffairsArea.HEALTH_AND_WELFARE


@pytest.mark.parametrize(
    ("kind", "registered", "affairs", "lacks", "made_on", "words"),
    [
        (PowerKind.LPA_PROPERTY_AND_FINANCIAL, True, P, False, None, None),  # MCA 2005 s9(1)(b)
        (PowerKind.LPA_PROPERTY_AND_FINANCIAL, False, P, False, None, "not registered"),  # s9(2)(b)
        (PowerKind.LPA_PROPERTY_AND_FINANCIAL, True, H, True, None, "does not cover"),
        (PowerKind.LPA_HEALTH_AND_WELFARE, True, H, False, None, "lacks capacity"),  # s11(7)(a)
        (PowerKind.LPA_HEALTH_AND_WELFARE, True, H, True, None, None),
        (PowerKind.ENDURING, True, P, False, dt.date(2005, 6, 1), None),  # Sch 4
        (PowerKind.ENDURING, True, H, True, dt.date(2005, 6, 1), "does not cover"),
        (PowerKind.ENDURING, True, P, False, dt.date(2007, 10, 1), "1 October 2007"),  # s66
    ],
)
def test_attorneys(
    kind: PowerKind, registered: bool, affairs: AffairsArea, lacks: bool, made_on: dt.date | None, words: str | None
) -> None:
    refusal = attorney_refusal(
        kind=kind, registered=registered, affairs=affairs, donor_lacks_capacity=lacks, made_on=made_on
    )
    if words is None:
        assert refusal is None
    else:
        assert refusal is not None and words in refusal


def test_a_deputys_order_must_cover_the_affairs_asked_about() -> None:
    # Mental Capacity Act 2005 s16, s19: a deputy acts only within the order's scope.
    assert deputy_refusal(order_covers=frozenset({P}), affairs=P) is None
    refusal = deputy_refusal(order_covers=frozenset({P}), affairs=H)
    assert refusal is not None and "health and welfare" in refusal
