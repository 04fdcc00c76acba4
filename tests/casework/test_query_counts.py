"""The complaint list, a complaint's page and the breach log cost the same however many there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.services.breaches import breach_record
from casework.services.complaints import complaint_progress_update
from tests.casework.conftest import investigating_complaint, received_complaint
from tests.casework.test_breach_services import FOUND, facts
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_cost_the_same_with_more_rows(boss: User) -> None:
    complaint = investigating_complaint(by=boss)
    breach_record(by=boss, facts=facts(), now=FOUND)
    client = Client()
    sign_in(client, boss)
    urls = [
        reverse("casework:complaints"),
        reverse("casework:complaint", args=[complaint.pk]),
        reverse("casework:breaches"),
    ]
    for url in urls:
        client.get(url)
    small = [count(client, url) for url in urls]
    for n in range(5):
        received_complaint(by=boss, received=dt.date(2026, 7, 20 + n))
        breach_record(by=boss, facts=facts(), now=FOUND)
        complaint_progress_update(complaint=complaint, by=boss, update=f"Step {n}", complainant_told=False)
    assert [count(client, url) for url in urls] == small
