"""Search runs kept as evidence (Art 15(1A)), hit decisions, confirmed sources and holds for open requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from reviews.holds import Hold, current_holds, holds_for_open_requests, register_hold_provider, unregister_hold_provider
from reviews.models import HitDecision, SubjectSearchHit, SubjectSearchRun
from reviews.search import SearchCriteria
from reviews.selectors import confirmed_sources, search_runs_for_request
from reviews.services import search_hit_decide, search_run_create, search_runs_purge, subject_erase, subject_restrict
from rights import ApplicationError
from rights.effects import ErasureMethod, RestrictionBasis
from tests.reviews.conftest import Holdings

DOB = dt.date(2012, 5, 1)
CRITERIA = SearchCriteria(name="Alex Example", previous_names=("Alex Smith",), date_of_birth=DOB, address="SK1 1AA")


@pytest.fixture
def two_records(held: Holdings) -> tuple[int, int]:
    first = held.record("Alex Example", date_of_birth=DOB, address="1 High Street, SK1 1AA")
    second = held.record("A. Example", date_of_birth=DOB)
    held.record("Nobody Else", date_of_birth=dt.date(2000, 1, 1))
    return first.pk, second.pk


def test_run_keeps_criteria_who_when_and_ranked_hits(two_records: tuple[int, int], worker: User) -> None:
    run = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0001")
    run.refresh_from_db()
    assert (run.name, run.previous_names, run.date_of_birth, run.address) == (
        "Alex Example",
        "Alex Smith",
        DOB,
        "SK1 1AA",
    )
    assert run.run_by == worker and run.run_at is not None and run.request_reference == "RR-2026-0001"
    assert run.records_searched == 3 and run.candidates_scored == 2 and run.hit_limit == 50
    hits = list(run.hits.order_by("rank"))
    assert [h.record_id for h in hits] == list(two_records)
    assert [h.rank for h in hits] == [1, 2] and hits[0].score > hits[1].score
    assert hits[0].reason_list[0] == "name 'Alex Example' matches 'Alex Example' exactly"
    assert all(h.decision == HitDecision.PENDING for h in hits)
    assert run.history.count() == 1 and SubjectSearchHit.history.count() == 2


def test_run_refusals(worker: User, professional: User, db: None) -> None:
    with pytest.raises(ApplicationError, match="Enter the person's name"):
        search_run_create(by=worker, criteria=SearchCriteria(name=" "))
    with pytest.raises(ApplicationError, match="Only a Manager or a caseworker"):
        search_run_create(by=professional, criteria=CRITERIA)
    assert not SubjectSearchRun.objects.exists()


def test_a_search_with_no_hits_is_still_kept(worker: User, db: None) -> None:
    run = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0002")
    assert run.hits.count() == 0 and SubjectSearchRun.objects.filter(request_reference="RR-2026-0002").exists()


def test_decisions_make_confirmed_sources(two_records: tuple[int, int], worker: User, boss: User) -> None:
    run = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0003")
    first, second = run.hits.order_by("rank")
    decided = search_hit_decide(hit=first, by=worker, decision=HitDecision.CONFIRMED, note="Same DOB and address")
    assert (
        decided.decided_by == worker
        and decided.decided_at is not None
        and decided.decision_note == "Same DOB and address"
    )
    search_hit_decide(hit=second, by=worker, decision=HitDecision.REJECTED)
    assert [r.pk for r in confirmed_sources("RR-2026-0003")] == [two_records[0]]
    assert confirmed_sources("RR-2026-9999") == [] and confirmed_sources("") == []
    with pytest.raises(ApplicationError, match="already confirmed"):
        search_hit_decide(hit=first, by=worker, decision=HitDecision.CONFIRMED)
    with pytest.raises(ApplicationError, match="Choose confirm or reject"):
        search_hit_decide(hit=first, by=worker, decision="maybe")
    # A later run for the same request may change the call: the latest decision wins.
    again = search_run_create(by=boss, criteria=CRITERIA, request_reference="RR-2026-0003")
    later_first, later_second = again.hits.order_by("rank")
    search_hit_decide(hit=later_first, by=boss, decision=HitDecision.REJECTED)
    search_hit_decide(hit=later_second, by=boss, decision=HitDecision.CONFIRMED)
    assert [r.pk for r in confirmed_sources("RR-2026-0003")] == [two_records[1]]
    assert [r.pk for r in search_runs_for_request("RR-2026-0003")] == [run.pk, again.pk]
    assert [h.history_change_reason for h in first.history.order_by("history_date")] == ["Search hit", "Hit confirmed"]


def test_confirmed_sources_flag_restriction_and_drop_erased(
    two_records: tuple[int, int], worker: User, boss: User
) -> None:
    run = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0004")
    for hit in run.hits.all():
        search_hit_decide(hit=hit, by=worker, decision=HitDecision.CONFIRMED)
    first, second = (h.record for h in run.hits.order_by("rank"))
    subject_restrict(record=first, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Disputed")
    subject_erase(
        record=second, by=boss, method=ErasureMethod.DESTROY, reason="Asked", request_reference="RR-2026-0004"
    )
    sources = confirmed_sources("RR-2026-0004")
    assert [(r.pk, r.is_restricted) for r in sources] == [(first.pk, True)]  # type: ignore[attr-defined]


def test_holds_for_open_requests_come_from_confirmed_hits(two_records: tuple[int, int], worker: User) -> None:
    run = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0005")
    first, second = run.hits.order_by("rank")
    search_hit_decide(hit=first, by=worker, decision=HitDecision.CONFIRMED)
    search_hit_decide(hit=second, by=worker, decision=HitDecision.REJECTED)
    assert holds_for_open_requests(["RR-2026-0005", "RR-2026-0006", ""]) == [
        Hold("RR-2026-0005", record_ids=frozenset({first.record_id}))
    ]
    assert holds_for_open_requests([]) == []

    def provider() -> list[Hold]:
        return holds_for_open_requests(["RR-2026-0005"])

    register_hold_provider(provider)
    register_hold_provider(provider)  # idempotent
    try:
        assert current_holds() == [Hold("RR-2026-0005", record_ids=frozenset({first.record_id}))]
        assert current_holds(ignore_reference="RR-2026-0005") == []
    finally:
        unregister_hold_provider(provider)
    assert current_holds() == []


def test_purge_removes_a_closed_requests_searches_and_their_history(two_records: tuple[int, int], worker: User) -> None:
    kept = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0007")
    run = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0008")
    search_hit_decide(hit=run.hits.first(), by=worker, decision=HitDecision.CONFIRMED)  # type: ignore[arg-type]
    assert search_runs_purge(request_reference="RR-2026-0008") == 1
    assert list(SubjectSearchRun.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not SubjectSearchRun.history.filter(id=run.pk).exists()
    assert not SubjectSearchHit.history.filter(run_id=run.pk).exists()
    assert SubjectSearchHit.history.filter(run_id=kept.pk).count() == 2
    with pytest.raises(ApplicationError):
        search_runs_purge(request_reference=" ")


def test_undecided_hits_hold_records_too(two_records: tuple[int, int], worker: User) -> None:
    """Until the caseworker decides, a pending hit may be about the subject: it is held like a confirmed one."""
    run = search_run_create(by=worker, criteria=CRITERIA, request_reference="RR-2026-0020")
    first, second = run.hits.order_by("rank")
    search_hit_decide(hit=first, by=worker, decision=HitDecision.CONFIRMED)
    [hold] = holds_for_open_requests(["RR-2026-0020"])
    assert hold.request_reference == "RR-2026-0020"
    assert hold.record_ids == frozenset({first.record_id, second.record_id})
    assert hold.pending_record_ids == frozenset({second.record_id})
    search_hit_decide(hit=second, by=worker, decision=HitDecision.REJECTED)
    assert holds_for_open_requests(["RR-2026-0020"]) == [Hold("RR-2026-0020", record_ids=frozenset({first.record_id}))]


def test_a_run_records_whether_the_candidate_cap_was_reached(
    two_records: tuple[int, int], worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert search_run_create(by=worker, criteria=CRITERIA).candidates_capped is False
    monkeypatch.setattr("reviews.search.CANDIDATE_CAP", 1)
    run = search_run_create(by=worker, criteria=CRITERIA)
    assert run.candidates_capped is True and run.candidates_scored == 1
    assert [h.record_id for h in run.hits.all()] == [two_records[0]]  # the strongest candidate was kept
