"""The services requests_app calls for a right's effects, by request reference, and what was done for a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from reviews import access
from reviews.holds import Hold
from reviews.models import (
    Correction,
    DataSubjectRecord,
    DestructionCertificate,
    HitDecision,
    NotificationStatus,
    RecipientNotification,
    RecordStatus,
    Restriction,
)
from reviews.search import SearchCriteria
from reviews.selectors import RequestEffects, effects_for_request
from reviews.services import (
    notification_mark_sent,
    request_effects,
    request_erase,
    request_objection_uphold,
    request_rectify,
    request_restrict,
    request_restriction_lift,
    review_set_legal_hold,
    search_hit_decide,
    search_run_create,
    subject_export,
)
from rights import ApplicationError
from rights.effects import ErasureMethod, RestrictionBasis
from tests.reviews.conftest import TODAY, Holdings

DOB = dt.date(2012, 5, 1)
REF = "RR-2026-0100"


@pytest.fixture
def subject(held: Holdings, worker: User) -> tuple[DataSubjectRecord, DataSubjectRecord, DataSubjectRecord]:
    """Alex in two reviews (police and school), both confirmed for REF; another Alex rejected."""
    police = held.record("Alex Example", date_of_birth=DOB, categories={"police": "Incident log"})
    school = held.agency("Hillside School", "education")
    at_school = held.record(
        "Alex Example",
        submission=held.submission(held.review(review_type="section_11"), agency=school),
        date_of_birth=DOB,
        categories={"education": "Attendance"},
    )
    other = held.record("Alex Example", date_of_birth=dt.date(2015, 9, 9))
    run = search_run_create(
        by=worker, criteria=SearchCriteria(name="Alex Example", date_of_birth=DOB), request_reference=REF
    )
    for hit in run.hits.all():
        decision = HitDecision.REJECTED if hit.record_id == other.pk else HitDecision.CONFIRMED
        search_hit_decide(hit=hit, by=worker, decision=decision)
    return police, at_school, other


def _effects(boss: User) -> dict[str, Callable[[str], Any]]:
    return {
        "rectify": lambda ref: request_rectify(
            request_reference=ref, by=boss, target="date_of_birth", new_value="2012-01-05", reason="Certificate seen"
        ),
        "erase": lambda ref: request_erase(
            request_reference=ref, by=boss, method=ErasureMethod.DESTROY, reason="No longer needed"
        ),
        "restrict": lambda ref: request_restrict(
            request_reference=ref, by=boss, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Disputed"
        ),
        "lift": lambda ref: request_restriction_lift(
            request_reference=ref, by=boss, reason="Checked", requester_told_on=TODAY, today=TODAY
        ),
        "object": lambda ref: request_objection_uphold(request_reference=ref, by=boss, reason="No compelling grounds"),
    }


def _nothing_done() -> bool:
    return not (Correction.objects.exists() or Restriction.objects.exists() or DestructionCertificate.objects.exists())


@pytest.mark.parametrize("effect", ["rectify", "erase", "restrict", "lift", "object"])
def test_each_effect_needs_a_completed_subject_search(held: Holdings, boss: User, worker: User, effect: str) -> None:
    apply = _effects(boss)[effect]
    held.record("Alex Example", date_of_birth=DOB)
    with pytest.raises(ApplicationError) as refused:
        apply("RR-2026-0999")
    assert refused.value.message == (
        "No subject search has been kept for request RR-2026-0999: search the partnership's holdings for the "
        "data subject, and confirm or reject every hit, first."
    )
    search_run_create(by=worker, criteria=SearchCriteria(name="Alex Example"), request_reference="RR-2026-0998")
    with pytest.raises(ApplicationError) as refused:
        apply("RR-2026-0998")
    assert refused.value.message == (
        "The subject search for request RR-2026-0998 is not complete: 1 hit is not yet confirmed or rejected."
    )
    assert _nothing_done()


def test_a_search_that_confirmed_nothing_has_nothing_to_change(held: Holdings, boss: User, worker: User) -> None:
    held.record("Sam Green", date_of_birth=DOB)
    run = search_run_create(by=worker, criteria=SearchCriteria(name="Sam Green"), request_reference="RR-2026-0997")
    search_hit_decide(hit=run.hits.get(), by=worker, decision=HitDecision.REJECTED)
    with pytest.raises(
        ApplicationError, match="Nothing held was confirmed as the data subject's for request RR-2026-0997"
    ):
        request_restrict(
            request_reference="RR-2026-0997", by=boss, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Disputed"
        )
    assert _nothing_done()


def test_a_hidden_request_is_refused(subject: Any, worker: User) -> None:
    def provider(user: User) -> list[str]:
        return [REF]

    access.register_hidden_references_provider(provider)
    try:
        with pytest.raises(ApplicationError, match=f"You cannot work on request {REF}"):
            request_restrict(request_reference=REF, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="x")
    finally:
        access.unregister_hidden_references_provider(provider)
    assert _nothing_done()


def test_rectify_corrects_every_confirmed_record_and_only_those(subject: Any, worker: User) -> None:
    police, at_school, other = subject
    done = request_rectify(
        request_reference=REF, by=worker, target="date_of_birth", new_value="2012-01-05", reason="Certificate seen"
    )
    assert [r.correction.record_id for r in done] == [police.pk, at_school.pk]
    for record in (police, at_school):
        record.refresh_from_db()
        assert record.date_of_birth == dt.date(2012, 1, 5)
    other.refresh_from_db()
    assert other.date_of_birth == dt.date(2015, 9, 9)
    assert {c.request_reference for c in Correction.objects.all()} == {REF}
    with pytest.raises(ApplicationError, match="already reads that way"):
        request_rectify(
            request_reference=REF, by=worker, target="date_of_birth", new_value="2012-01-05", reason="Again"
        )
    # One record, one category: it must be one of the request's confirmed records.
    with pytest.raises(
        ApplicationError, match=f"{other.reference} was not confirmed as the data subject's for request {REF}"
    ):
        request_rectify(request_reference=REF, by=worker, target="police", new_value="x", reason="x", record=other)
    [one] = request_rectify(
        request_reference=REF,
        by=worker,
        target="police",
        new_value="Incident log, corrected",
        reason="Wrong date",
        record=police,
    )
    assert one.correction.old_value == "Incident log"
    # A category with no record given: the confirmed records that hold it.
    [school_fix] = request_rectify(
        request_reference=REF, by=worker, target="education", new_value="Attendance 96%", reason="Incomplete"
    )
    assert school_fix.correction.record_id == at_school.pk


def test_a_failure_part_way_changes_nothing(subject: Any, worker: User, monkeypatch: pytest.MonkeyPatch) -> None:
    """One transaction: if the second record's correction is refused, the first one's is undone."""
    police, at_school, _ = subject
    real = request_effects.subject_rectify
    calls: list[int] = []

    def second_refused(**kwargs: Any) -> Any:
        calls.append(kwargs["record"].pk)
        if len(calls) == 2:
            raise ApplicationError("Refused for the test.")
        return real(**kwargs)

    monkeypatch.setattr(request_effects, "subject_rectify", second_refused)
    with pytest.raises(ApplicationError, match="Refused for the test"):
        request_rectify(request_reference=REF, by=worker, target="date_of_birth", new_value="2012-01-05", reason="x")
    assert calls == [police.pk, at_school.pk]
    assert not Correction.objects.exists() and not RecipientNotification.objects.exists()
    police.refresh_from_db()
    assert police.date_of_birth == DOB


def test_erase_destroys_every_confirmed_record_with_one_certificate(
    subject: Any, boss: User, worker: User, hold_provider: list[Hold]
) -> None:
    police, at_school, other = subject
    hold_provider.append(Hold("RR-2026-0101", record_ids=frozenset({at_school.pk})))
    with pytest.raises(ApplicationError, match="Not erased: open request RR-2026-0101 still needs 1 record"):
        request_erase(request_reference=REF, by=boss, method=ErasureMethod.DESTROY, reason="Asked")
    hold_provider[:] = [Hold(REF, record_ids=frozenset({police.pk, at_school.pk}))]  # its own hold does not block
    review_set_legal_hold(review=police.submission.review, by=boss, hold=True, reason="Inquest")
    with pytest.raises(ApplicationError, match=r"Not erased: REV-001 is on legal hold \(Inquest\)"):
        request_erase(request_reference=REF, by=boss, method=ErasureMethod.DESTROY, reason="Asked")
    review_set_legal_hold(review=police.submission.review, by=boss, hold=False, reason="Inquest closed")
    assert set(DataSubjectRecord.objects.values_list("status", flat=True)) == {RecordStatus.ACTIVE}
    with pytest.raises(ApplicationError, match="Only a Manager can erase held data"):
        request_erase(request_reference=REF, by=worker, method=ErasureMethod.DESTROY, reason="Asked")

    certificate = request_erase(request_reference=REF, by=boss, method=ErasureMethod.DESTROY, reason="Asked")
    assert isinstance(certificate, DestructionCertificate)
    assert (certificate.kind, certificate.request_reference, certificate.records) == ("erasure", REF, 2)
    assert certificate.category_entries == 6 and certificate.destroyed_by == boss
    assert police.reference in certificate.what and at_school.reference in certificate.what
    assert "Alex" not in certificate.what + certificate.how
    statuses = dict(DataSubjectRecord.objects.values_list("pk", "status"))
    assert statuses == {police.pk: "destroyed", at_school.pk: "destroyed", other.pk: "active"}
    assert {(n.agency.name, n.effect) for n in effects_for_request(REF).notifications_pending} == {
        ("Greater Manchester Police", "erasure"),
        ("Hillside School", "erasure"),
    }
    with pytest.raises(ApplicationError, match="Nothing held was confirmed"):
        request_erase(request_reference=REF, by=boss, method=ErasureMethod.DESTROY, reason="Again")


def test_restrict_and_lift_for_a_request(subject: Any, worker: User, boss: User) -> None:
    police, at_school, other = subject
    placed = request_restrict(
        request_reference=REF, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Date disputed"
    )
    assert [r.restriction.record_id for r in placed] == [police.pk, at_school.pk]
    for record in (police, at_school):
        with pytest.raises(ApplicationError, match="cannot be exported"):
            subject_export(record=record, by=worker, purpose="Audit")
    subject_export(record=other, by=worker, purpose="Audit")  # another child: not touched
    with pytest.raises(ApplicationError, match="already restricted on that basis"):
        request_restrict(request_reference=REF, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Again")

    with pytest.raises(ApplicationError, match=r"Art 18\(3\)"):
        request_restriction_lift(
            request_reference=REF, by=worker, reason="Checked", requester_told_on=None, today=TODAY
        )
    lifted = request_restriction_lift(
        request_reference=REF, by=worker, reason="Date checked", requester_told_on=TODAY, today=TODAY
    )
    assert {r.record_id for r in lifted} == {police.pk, at_school.pk} and all(r.lifted_at for r in lifted)
    subject_export(record=police, by=worker, purpose="Audit")
    with pytest.raises(ApplicationError, match=f"Nothing is restricted for request {REF}"):
        request_restriction_lift(request_reference=REF, by=worker, reason="x", requester_told_on=TODAY, today=TODAY)
    assert Restriction.history.filter(history_change_reason="Restriction lifted").count() == 2


def test_uphold_an_objection_for_a_request(subject: Any, worker: User, boss: User) -> None:
    _, at_school, _ = subject
    with pytest.raises(ApplicationError, match="Only a Manager can uphold an objection"):
        request_objection_uphold(request_reference=REF, by=worker, reason="No compelling grounds")
    upheld = request_objection_uphold(request_reference=REF, by=boss, reason="No compelling grounds")
    assert {r.restriction.basis for r in upheld} == {"objection_upheld"}
    assert {n.effect for r in upheld for n in r.notifications} == {"objection"}
    with pytest.raises(ApplicationError, match=r"objection upheld \(UK GDPR Article 21\(1\)\)"):
        subject_export(record=at_school, by=boss, purpose="Learning review")


def test_effects_for_request_lists_what_was_done_and_who_is_still_to_be_told(
    subject: Any, worker: User, boss: User, django_assert_max_num_queries: Any
) -> None:
    police, at_school, _ = subject
    request_rectify(
        request_reference=REF, by=worker, target="date_of_birth", new_value="2012-01-05", reason="Certificate seen"
    )
    request_restrict(request_reference=REF, by=worker, basis=RestrictionBasis.LEGAL_CLAIMS, reason="Claim")
    request_restriction_lift(
        request_reference=REF, by=worker, reason="Claim settled", requester_told_on=TODAY, today=TODAY
    )
    certificate = request_erase(request_reference=REF, by=boss, method=ErasureMethod.ANONYMISE, reason="Asked")

    with django_assert_max_num_queries(4):  # notifications, corrections, certificates, restrictions
        effects = effects_for_request(REF)
        _ = [(c.record.reference, c.made_by.get_username()) for c in effects.corrections]
        _ = [(r.record.reference, r.placed_by.get_username()) for r in effects.restrictions]
        _ = [(n.agency.name, n.record.reference) for n in effects.notifications_pending]
    assert isinstance(effects, RequestEffects) and effects.request_reference == REF
    assert [c.record_id for c in effects.corrections] == [police.pk, at_school.pk]
    assert [c.pk for c in effects.certificates] == [certificate.pk]
    assert [(r.record_id, r.is_active) for r in effects.restrictions] == [(police.pk, False), (at_school.pk, False)]
    # Each record was supplied by one agency: rectification, restriction and erasure notices for both.
    assert len(effects.notifications_pending) == 6
    assert {n.effect for n in effects.notifications_pending} == {"rectification", "restriction", "erasure"}
    notification_mark_sent(notification=effects.notifications_pending[0], by=worker, sent_on=TODAY)
    assert len(effects_for_request(REF).notifications_pending) == 5
    assert all(n.status == NotificationStatus.PENDING for n in effects_for_request(REF).notifications_pending)
    assert effects_for_request("RR-2026-0555") == RequestEffects("RR-2026-0555", [], [], [], [], [])
