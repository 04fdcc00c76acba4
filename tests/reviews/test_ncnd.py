"""A record flagged neither-confirm-nor-deny never reaches a pack, its Art 15 section or a count shown outside."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from reviews.search import SearchCriteria
from reviews.selectors import confirmed_sources, what_we_hold
from reviews.services import record_set_ncnd, search_hit_decide, search_run_create
from rights import ApplicationError
from tests.reviews.conftest import TODAY, Holdings

pytestmark = pytest.mark.django_db


def test_ncnd_records_leave_the_disclosure_sources_and_every_count(held: Holdings, boss: User, worker: User) -> None:
    review = held.review()
    submission = held.submission(review)
    kept = held.record("Liam Hart", submission=submission, date_of_birth=dt.date(2015, 3, 2), categories={"police": ""})
    secret = held.record(
        "Liam Hart", submission=held.submission(review, submission_type="performance"), categories={"health": ""}
    )
    run = search_run_create(by=worker, criteria=SearchCriteria(name="Liam Hart"), request_reference="SAR-2026-0001")
    for hit in run.hits.all():
        search_hit_decide(hit=hit, by=worker, decision="confirmed")
    assert {r.pk for r in confirmed_sources("SAR-2026-0001")} == {kept.pk, secret.pk}
    before = what_we_hold(today=TODAY, retention_days=0)

    record_set_ncnd(record=secret, by=boss, ncnd=True, reason="Live police investigation")

    assert [r.pk for r in confirmed_sources("SAR-2026-0001")] == [kept.pk]
    assert {r.pk for r in confirmed_sources("SAR-2026-0001", include_ncnd=True)} == {kept.pk, secret.pk}
    art15 = what_we_hold(today=TODAY, retention_days=0, record_ids=[kept.pk, secret.pk])
    assert art15.records_held == 1
    assert {c.key for c in art15.categories if c.total} == {"name", "date_of_birth", "police"}
    assert sum(s.total for s in art15.sources) == 1
    table = what_we_hold(today=TODAY, retention_days=0)
    assert table.records_held == before.records_held - 1
    secret.refresh_from_db()
    assert secret.history.first().history_change_reason == (
        "Flagged: neither confirm nor deny (Live police investigation)"
    )

    record_set_ncnd(record=secret, by=boss, ncnd=False, reason="Investigation closed")
    assert len(confirmed_sources("SAR-2026-0001")) == 2


@pytest.mark.parametrize("who", ["worker", "professional"])
def test_only_a_manager_sets_the_flag(held: Holdings, who: str, request: pytest.FixtureRequest) -> None:
    record = held.record("Liam Hart")
    with pytest.raises(ApplicationError, match="Only a Manager"):
        record_set_ncnd(record=record, by=request.getfixturevalue(who), ncnd=True, reason="x")


def test_a_reason_is_required_and_setting_twice_is_refused(held: Holdings, boss: User) -> None:
    record = held.record("Liam Hart")
    with pytest.raises(ApplicationError, match="Say why"):
        record_set_ncnd(record=record, by=boss, ncnd=True, reason=" ")
    record_set_ncnd(record=record, by=boss, ncnd=True, reason="Police")
    with pytest.raises(ApplicationError, match="already flagged"):
        record_set_ncnd(record=record, by=boss, ncnd=True, reason="Police")
