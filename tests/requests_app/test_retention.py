"""Retention of closed rights requests: legal holds, the daily list, destruction and what it leaves behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app.models import RightsRequest
from requests_app.services.retention import request_set_legal_hold
from rights import ApplicationError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss() -> User:
    return factories.manager("boss")


@pytest.fixture
def casey() -> User:
    return factories.caseworker("casey")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Legal hold (item 6)


def test_the_manager_places_and_lifts_a_legal_hold_with_reasons_and_history(boss: User) -> None:
    request = factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2))
    url = reverse("request_legal_hold", args=[request.pk])
    client = _client(boss)
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": request.version, "hold": "yes", "reason": "ICO complaint IC-123 is open."})
    assert response.status_code == 302
    held = RightsRequest.objects.get(pk=request.pk)
    assert (held.legal_hold, held.legal_hold_reason) == (True, "ICO complaint IC-123 is open.")
    last = held.history.first()  # type: ignore[attr-defined]
    assert (last.history_user, last.history_change_reason) == (boss, "Legal hold placed: ICO complaint IC-123 is open.")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Legal hold" in page and "ICO complaint IC-123 is open." in page

    client.post(url, {"version": held.version, "hold": "no", "reason": "The ICO closed the complaint."})
    lifted = RightsRequest.objects.get(pk=request.pk)
    assert (lifted.legal_hold, lifted.legal_hold_reason) == (False, "The ICO closed the complaint.")
    assert lifted.history.first().history_change_reason == "Legal hold lifted: The ICO closed the complaint."  # type: ignore[attr-defined]


def test_only_the_manager_and_only_with_a_reason(boss: User, casey: User) -> None:
    request = factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2))
    url = reverse("request_legal_hold", args=[request.pk])
    assert _client(casey).get(url).status_code == 403
    assert _client(casey).post(url, {"version": request.version, "hold": "yes", "reason": "x"}).status_code == 403
    with pytest.raises(ApplicationError, match="Only a manager can place or lift a legal hold"):
        request_set_legal_hold(request_id=request.pk, by=casey, hold=True, reason="A claim.")
    with pytest.raises(ApplicationError, match="Say why the request is on legal hold"):
        request_set_legal_hold(request_id=request.pk, by=boss, hold=True, reason="  ")
    response = _client(boss).post(url, {"version": request.version, "hold": "yes", "reason": ""})
    assert response.status_code == 200
    unchanged = RightsRequest.objects.get(pk=request.pk)
    assert (unchanged.legal_hold, unchanged.version) == (False, request.version)
