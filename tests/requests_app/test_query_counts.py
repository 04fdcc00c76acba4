"""Each page costs the same number of queries with 5 requests as with 500."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.models import Person, RightsRequest, Status
from requests_app.services.requests import request_assign
from tests import factories
from tests.factories import sign_in

TODAY = dt.date(2026, 3, 16)
NOW = dt.datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Europe/London"))
STATUSES = [Status.RECEIVED, Status.AWAITING_IDENTITY, Status.IN_PROGRESS, Status.GATHERING_RECORDS, Status.CLOSED]


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _no_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("requests_app.services.letters.letter_generate", factories.FakeLetters())


def add_requests(total: int, *, assignees: list[User]) -> None:
    """Top up to `total` requests: a few through the real service, the rest in bulk (fine in a fixture; no history)."""
    made = RightsRequest.objects.count()
    for i in range(made, min(total, 3)):
        factories.make_request(
            received=dt.date(2026, 2, 1) + dt.timedelta(days=7 * i),
            assigned_to=assignees[i % len(assignees)],
            today=TODAY,
            subject_name=f"Real Person {i}",
        )
    made = RightsRequest.objects.count()
    if total <= made:
        return
    people = Person.objects.bulk_create(
        [Person(full_name=f"Bulk Person {i}", previous_names=f"Old Name {i}") for i in range(made, total)]
    )
    RightsRequest.objects.bulk_create(
        [
            RightsRequest(
                reference=f"RR-2025-{i:05d}",
                kind=["access", "erasure", "rectification"][i % 3],
                received=dt.date(2026, 1, 1) + dt.timedelta(days=i % 75),
                due_date=dt.date(2026, 2, 1) + dt.timedelta(days=i % 75),
                status=STATUSES[i % len(STATUSES)],
                subject=person,
                requester=person if i % 4 == 0 else None,
                assigned_to=assignees[i % len(assignees)] if i % 5 else None,
                is_restricted=i % 7 == 0,
            )
            for i, person in zip(range(made, total), people, strict=True)
        ]
    )
    assert RightsRequest.objects.count() == total


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def team(db: None) -> tuple[User, User]:
    return factories.manager(), factories.UserFactory(username="casey", first_name="Casey", role="Caseworker")


def page_urls(target: RightsRequest) -> dict[str, str]:
    return {
        "dashboard": reverse("dashboard"),
        "list": reverse("request_list"),
        "list filtered": reverse("request_list") + "?q=person&open_only=on&kind=access&page=2",
        "request page": reverse("request_detail", args=[target.pk]),
    }


@pytest.mark.parametrize("who", ["manager", "casey"])
def test_pages_cost_the_same_with_5_and_with_500_requests(team: tuple[User, User], who: str) -> None:
    manager, casey = team
    add_requests(5, assignees=[manager, casey])
    target = RightsRequest.objects.order_by("pk").first()
    assert target is not None
    factories.verify_identity(target, by=manager, on=TODAY)
    request_assign(request=target, by=manager, assignee=casey)
    client = Client()
    sign_in(client, manager if who == "manager" else casey)
    urls = page_urls(target)
    for url in urls.values():
        client.get(url)  # warm caches (content types, sessions) the same way for both runs
    small = {name: count_queries(client, url) for name, url in urls.items()}

    add_requests(500, assignees=[manager, casey])
    large = {name: count_queries(client, url) for name, url in urls.items()}
    assert large == small, (small, large)
    # The request page also lists the data subject's other requests (five queries: requests_app.selectors.related),
    # the uses of restricted data and the proof sent online (a prefetch each).
    assert all(count <= 32 for count in small.values()), small


def test_the_timeline_costs_the_same_however_long_it_is(team: tuple[User, User]) -> None:
    manager, casey = team
    target = factories.make_request(received=dt.date(2026, 3, 2), today=TODAY)
    client = Client()
    sign_in(client, manager)
    url = reverse("request_detail", args=[target.pk])
    client.get(url)
    short = count_queries(client, url)
    for i in range(6):
        request_assign(request=target, by=manager, assignee=casey if i % 2 == 0 else manager)
    factories.verify_identity(target, by=manager, on=TODAY)
    factories.take_steps(target, "start_work", "gather_records", user=manager, today=TODAY)
    long = count_queries(client, url)
    assert long == short
