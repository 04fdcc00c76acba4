"""requests_app tells reviews which records open requests hold and which references a user may not see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from requests_app.reviews_providers import open_request_holds, references_hidden_from
from requests_app.services.requests import request_set_restricted
from requests_app.services.transitions import request_transition
from reviews.holds import registered_providers
from reviews.models import DataSubjectRecord, HitDecision, SubjectSearchHit, SubjectSearchRun
from tests.factories import caseworker, make_request, manager
from tests.reviews.conftest import Holdings

pytestmark = pytest.mark.django_db


def test_the_providers_are_registered_at_start_up() -> None:
    assert open_request_holds in registered_providers()


def _confirmed_hit(reference: str, by: User) -> DataSubjectRecord:
    record = Holdings(by=by).record("Alex Example", date_of_birth=dt.date(2012, 5, 1))
    run = SubjectSearchRun.objects.create(
        request_reference=reference,
        name="Alex Example",
        run_by=by,
        run_at=timezone.now(),
        records_searched=1,
        candidates_scored=1,
        hit_limit=50,
    )
    SubjectSearchHit.objects.create(
        run=run,
        record=record,
        rank=1,
        score=100,
        strength="strong",
        reasons="name matches",
        decision=HitDecision.CONFIRMED,
    )
    return record


def test_open_requests_hold_their_confirmed_records_and_finished_ones_do_not() -> None:
    boss = manager()
    open_request = make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 3))
    record = _confirmed_hit(open_request.reference, boss)
    holds = list(open_request_holds())
    assert [(h.request_reference, set(h.record_ids)) for h in holds] == [(open_request.reference, {record.pk})]

    request_transition(
        request_id=open_request.pk,
        user=None,
        transition="withdraw",
        expected_version=None,
        data={"reason": "The requester withdrew."},
    )
    assert list(open_request_holds()) == []


def test_restricted_requests_are_hidden_from_everyone_but_the_manager_and_assignee() -> None:
    boss = manager()
    assigned = caseworker("assigned")
    other = caseworker("other")
    request = make_request(assigned_to=assigned, received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 3))
    request_set_restricted(request=request, by=boss, restricted=True, reason="A colleague's own request")
    assert request.reference in set(references_hidden_from(other))
    assert request.reference not in set(references_hidden_from(assigned))
    assert list(references_hidden_from(boss)) == []
