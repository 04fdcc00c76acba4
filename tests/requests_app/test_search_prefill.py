"""The subject search opened from a request is filled with the request's data subject, never from the URL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import caseworker, make_request, reviewer, sign_in

pytestmark = pytest.mark.django_db


def test_the_search_form_is_filled_from_the_request() -> None:
    request = make_request(subject_name="Zoë O'Brien", subject_dob=dt.date(2012, 5, 1))
    client = Client()
    sign_in(client, caseworker("cw"))
    page = client.get(reverse("reviews:subject_search"), {"request": request.reference}).content.decode()
    assert 'value="Zoë O&#x27;Brien"' in page
    assert 'value="2012"' in page and "SK1 1AA" in page and f'value="{request.reference}"' in page


def test_an_unknown_reference_fills_nothing() -> None:
    client = Client()
    sign_in(client, caseworker("cw"))
    page = client.get(reverse("reviews:subject_search"), {"request": "RR-2026-0999"}).content.decode()
    assert "SK1 1AA" not in page


def test_a_reviewer_cannot_open_the_search() -> None:
    request = make_request()
    client = Client()
    sign_in(client, reviewer("rv"))
    assert client.get(reverse("reviews:subject_search"), {"request": request.reference}).status_code == 403
