"""Restriction and an upheld objection apply to the data subject, not to one record (UK GDPR Art 18(2), Art 21(1)).

The same person is found through the search's own normalisation (same name, in any order, case or
accents, and the same date of birth) and through the caseworker's confirmed hits for a request.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from reviews.models import DataShare, DataSubjectRecord, HitDecision, Restriction
from reviews.search import SearchCriteria
from reviews.services import (
    assert_usable,
    restriction_lift,
    search_hit_decide,
    search_run_create,
    subject_add_to_review,
    subject_export,
    subject_objection_uphold,
    subject_record_create,
    subject_restrict,
)
from reviews.subjects import person_restrictions
from rights import ApplicationError
from rights.effects import RestrictionBasis
from tests.reviews.conftest import TODAY, Holdings

DOB = dt.date(2012, 5, 1)


@pytest.fixture
def twins_of_record(held: Holdings) -> tuple[DataSubjectRecord, DataSubjectRecord]:
    """One child in two reviews: the police's record in a CSPR and the school's in a Section 11 audit."""
    first = held.record("Alex Example", date_of_birth=DOB, categories={"police": "Incident log"})
    school = held.agency("Hillside School", "education")
    audit = held.review(review_type="section_11")
    second = held.record(
        "EXAMPLE, Alèx",
        submission=held.submission(audit, agency=school),
        date_of_birth=DOB,
        categories={"education": "Attendance"},
    )
    return first, second


def test_restricting_one_record_stops_the_export_of_the_persons_other_records(
    held: Holdings, twins_of_record: tuple[DataSubjectRecord, DataSubjectRecord], worker: User
) -> None:
    first, second = twins_of_record
    restricted = subject_restrict(
        record=first,
        by=worker,
        basis=RestrictionBasis.ACCURACY_CONTESTED,
        reason="Date of birth disputed",
        request_reference="RR-2026-0031",
    )
    expected = (
        rf"EXAMPLE, Alèx \({second.reference}\) is restricted: accuracy contested \(UK GDPR Article 18\(1\)\(a\)\), "
        rf"since .* for request RR-2026-0031\. The restriction was placed on {first.reference}, a record of the same "
        r"person \(same name and date of birth\): it applies to the person, not to one record\. The record is kept, "
        r"but it cannot be exported or used for anything new until the restriction is lifted\."
    )
    with pytest.raises(ApplicationError, match=expected):
        assert_usable(second)
    with pytest.raises(ApplicationError, match="cannot be exported"):
        subject_export(record=second, by=worker, purpose="Multi-agency audit", recipient=held.agency(), today=TODAY)
    with pytest.raises(ApplicationError, match="cannot be exported"):
        subject_add_to_review(record=second, submission=held.submission(held.review()), by=worker)
    assert not DataShare.objects.exists()
    assert DataSubjectRecord.objects.count() == 2

    restriction_lift(
        restriction=restricted.restriction, by=worker, reason="Date checked", requester_told_on=TODAY, today=TODAY
    )
    assert_usable(second)
    assert subject_export(record=second, by=worker, purpose="Audit")["reference"] == second.reference
    history = Restriction.history.filter(id=restricted.restriction.pk).order_by("history_date", "history_id")
    assert [h.history_change_reason for h in history] == ["Restricted: UK GDPR Article 18(1)(a)", "Restriction lifted"]


def test_an_upheld_objection_follows_the_person_too(
    twins_of_record: tuple[DataSubjectRecord, DataSubjectRecord], boss: User
) -> None:
    first, second = twins_of_record
    subject_objection_uphold(record=second, by=boss, reason="No compelling grounds", request_reference="RR-2026-0032")
    with pytest.raises(
        ApplicationError, match=rf"objection upheld \(UK GDPR Article 21\(1\)\).*placed on {second.reference}"
    ):
        subject_export(record=first, by=boss, purpose="Learning review")


def test_records_confirmed_for_the_same_request_are_the_same_person(held: Holdings, worker: User) -> None:
    """A renamed child with no date of birth on one record: linked by the caseworker's confirmed hits."""
    first = held.record("Alex Example", date_of_birth=DOB)
    renamed = held.record("Alex Smith", previous_names=("Alex Example",))
    unrelated = held.record("Alex Example", date_of_birth=dt.date(2015, 7, 7))
    run = search_run_create(
        by=worker, criteria=SearchCriteria(name="Alex Example", date_of_birth=DOB), request_reference="RR-2026-0033"
    )
    for hit in run.hits.all():
        decision = HitDecision.REJECTED if hit.record_id == unrelated.pk else HitDecision.CONFIRMED
        search_hit_decide(hit=hit, by=worker, decision=decision)
    subject_restrict(record=first, by=worker, basis=RestrictionBasis.UNLAWFUL_KEEP, reason="Held without a basis")

    with pytest.raises(
        ApplicationError,
        match=rf"placed on {first.reference}, a record of the same person \(both confirmed for request RR-2026-0033\)",
    ):
        subject_export(record=renamed, by=worker, purpose="Audit")
    # Someone else with the same name (another date of birth, rejected for the request) is not touched.
    assert_usable(unrelated)
    assert [(r.restriction.record_id, r.record_id) for r in person_restrictions(record=renamed)] == [
        (first.pk, first.pk)
    ]


def test_a_restricted_person_is_not_recorded_anew(held: Holdings, worker: User) -> None:
    first = held.record("Alex Example", previous_names=("Alex Smith",), date_of_birth=DOB)
    subject_restrict(
        record=first,
        by=worker,
        basis=RestrictionBasis.ACCURACY_CONTESTED,
        reason="Disputed",
        request_reference="RR-2026-0034",
    )
    submission = held.submission(held.review(review_type="learning_review"))
    for name, previous in (("alex  EXAMPLE", ()), ("Example Alex", ()), ("Alex Jones", ("Alex Smith",))):
        with pytest.raises(ApplicationError) as refused:
            subject_record_create(
                by=worker, submission=submission, full_name=name, previous_names=previous, date_of_birth=DOB
            )
        assert refused.value.message.startswith(
            f"Not recorded: {name} is the same person as {first.reference} (same name and date of birth), "
            "which is restricted: accuracy contested (UK GDPR Article 18(1)(a)), since "
        )
        assert refused.value.message.endswith(
            "for request RR-2026-0034. Their data cannot be used for anything new until the restriction is lifted."
        )
    assert DataSubjectRecord.objects.count() == 1
    # Same name, another date of birth (or none): another child, recorded as usual.
    held.record("Alex Example", submission=submission, date_of_birth=dt.date(2014, 1, 1))
    held.record("Alex Example", submission=submission)
    assert DataSubjectRecord.objects.count() == 3


def test_a_one_word_name_is_not_enough_to_be_the_same_person(held: Holdings, worker: User) -> None:
    first = held.record("Alex", date_of_birth=DOB)
    other = held.record("Alex", date_of_birth=DOB)
    subject_restrict(record=first, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Disputed")
    assert_usable(other)
