"""The dashboard's counts, made in one grouped pass, agree with the rules each request answers for itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_app.models import RightsRequest, Status
from requests_app.selectors import DUE_SOON_DAYS, dashboard_for
from tests import factories

TODAY = dt.date(2026, 3, 16)

rows = st.lists(
    st.tuples(
        st.sampled_from(list(Status)),
        st.integers(min_value=-20, max_value=20),  # due this many days from today
        st.booleans(),  # assigned to the user
    ),
    min_size=0,
    max_size=12,
)


@pytest.fixture
def seeded(db: None) -> tuple[User, list[RightsRequest]]:
    """A Manager, and twelve requests to reshape in each example (statuses set directly: the counts, not
    the steps, are tested here)."""
    return factories.manager(), [factories.make_request(received=dt.date(2026, 2, 2), today=TODAY) for _ in range(12)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=rows)
def test_the_desk_counts_match_each_requests_own_rules(
    seeded: tuple[User, list[RightsRequest]], shape: list[tuple[Status, int, bool]]
) -> None:
    user, requests = seeded
    RightsRequest.objects.update(status=Status.CLOSED, assigned_to=None)
    for request, (status, days, mine) in zip(requests, shape, strict=False):
        RightsRequest.objects.filter(pk=request.pk).update(
            status=status, due_date=TODAY + dt.timedelta(days=days), assigned_to=user if mine else None
        )
    desk = dashboard_for(user, TODAY)
    everything = list(RightsRequest.objects.all())
    soon = TODAY + dt.timedelta(days=DUE_SOON_DAYS)
    assert desk.open_count == sum(r.is_open for r in everything)
    assert desk.mine_count == sum(r.is_open and r.assigned_to_id == user.pk for r in everything)
    assert desk.overdue_count == sum(r.is_overdue(TODAY) for r in everything)
    assert desk.due_soon_count == sum(r.clock_running and TODAY <= r.due_date <= soon for r in everything)
    assert desk.waiting_count == sum(
        r.status in (Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION, Status.AWAITING_FEE) for r in everything
    )
    shown = {row.status: row.count for row in desk.status_counts}
    assert shown == {s: n for s in Status if (n := sum(r.status == s for r in everything))}
    assert {r.pk for r in desk.overdue} == {r.pk for r in everything if r.is_overdue(TODAY)}
