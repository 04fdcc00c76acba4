"""Manager pages for a review: legal hold, concluding it, and destroying its agency data, for every role."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import DataSubjectRecord, DestructionCertificate, RecordStatus, Review, ReviewStatus
from reviews.services import review_set_legal_hold
from tests.factories import sign_in
from tests.reviews.conftest import TODAY, Holdings

NOW = dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def review(held: Holdings) -> Review:
    review = held.review(reference="CSPR-2025-04")
    held.record("Alex Example", submission=held.submission(review), categories={"police": "Incident log"})
    return review


def _pages(review: Review) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("get", reverse("reviews:review_list"), {}),
        ("get", reverse("reviews:review_detail", args=[review.pk]), {}),
        ("post", reverse("reviews:review_legal_hold", args=[review.pk]), {"hold": "place", "reason": "Inquest"}),
        (
            "post",
            reverse("reviews:review_conclude", args=[review.pk]),
            {"concluded_day": "2", "concluded_month": "2", "concluded_year": "2026"},
        ),
        ("get", reverse("reviews:review_destroy_confirm", args=[review.pk]), {}),
        ("post", reverse("reviews:review_destroy_confirm", args=[review.pk]), {"confirm": "on"}),
    ]


def test_only_a_manager_reaches_the_review_pages(review: Review, worker: User, professional: User) -> None:
    norole = User.objects.create_user("norole", password="x" * 12)
    for user in (worker, professional, norole):
        client = _client(user)
        for method, url, data in _pages(review):
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    for method, url, data in _pages(review):
        response = getattr(Client(), method)(url, data)
        assert response.status_code == 302 and "/login/" in response["Location"]
    review.refresh_from_db()
    assert (review.status, review.legal_hold, review.agency_data_destroyed_at) == ("in_progress", False, None)


def test_a_manager_reaches_every_review_page(review: Review, boss: User) -> None:
    client = _client(boss)
    for method, url, _ in _pages(review):
        if method == "get":
            assert client.get(url).status_code == 200, url
    assert client.get(reverse("reviews:review_detail", args=[review.pk + 100])).status_code == 404
    for name in ("review_legal_hold", "review_conclude"):
        assert client.get(reverse(f"reviews:{name}", args=[review.pk])).status_code == 405


def test_review_list(held: Holdings, review: Review, boss: User) -> None:
    held.review(reference="S11-2025-02", review_type="section_11", concluded=dt.date(2026, 1, 5))
    text = _text(_client(boss).get(reverse("reviews:review_list")))
    assert "CSPR-2025-04 Child Safeguarding Practice Review" in text
    assert "S11-2025-02 Section 11 compliance audit" in text and "Concluded 5 January 2026" in text


def test_review_list_query_count_is_constant(held: Holdings, boss: User) -> None:
    client = _client(boss)
    held.review()
    client.get(reverse("reviews:review_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reviews:review_list"))
    for _ in range(10):
        held.review(concluded=dt.date(2026, 2, 2))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reviews:review_list"))
    assert len(few) == len(many)


def test_place_and_lift_a_legal_hold(review: Review, boss: User) -> None:
    client = _client(boss)
    url = reverse("reviews:review_legal_hold", args=[review.pk])
    refused = client.post(url, {"hold": "place", "reason": " "})
    assert refused.status_code == 200 and "Say why the review is on legal hold." in _text(refused)
    assert "There is a problem" in _text(refused)
    review.refresh_from_db()
    assert review.legal_hold is False and review.history.count() == 1

    response = client.post(url, {"hold": "place", "reason": "Coroner's inquest"}, follow=True)
    assert "CSPR-2025-04 is on legal hold: nothing of it will be destroyed until the hold is lifted." in _text(response)
    review.refresh_from_db()
    assert (review.legal_hold, review.legal_hold_reason) == (True, "Coroner's inquest")
    assert review.history.latest().history_change_reason == "Legal hold placed"
    assert review.history.latest().history_user == boss
    assert "On legal hold: Coroner's inquest" in _text(client.get(reverse("reviews:review_detail", args=[review.pk])))

    again = client.post(url, {"hold": "place", "reason": "Again"})
    assert again.status_code == 200 and "CSPR-2025-04 is already on legal hold." in _text(again)

    response = client.post(url, {"hold": "lift", "reason": "Inquest closed"}, follow=True)
    assert "The legal hold on CSPR-2025-04 is lifted." in _text(response)
    review.refresh_from_db()
    assert review.legal_hold is False
    assert review.history.latest().history_change_reason == "Legal hold lifted: Inquest closed"

    bad = client.post(url, {"hold": "maybe"})
    assert bad.status_code == 200 and "Choose whether to place or lift the legal hold" in _text(bad)


def test_conclude_a_review(review: Review, boss: User) -> None:
    client = _client(boss)
    url = reverse("reviews:review_conclude", args=[review.pk])
    for data, message in (
        ({"concluded_day": "31", "concluded_month": "2", "concluded_year": "2026"}, "must be a real date"),
        ({"concluded_day": "1", "concluded_month": "", "concluded_year": "2026"}, "must include a month"),
        ({}, "Enter the date the review concluded"),
        (
            {"concluded_day": "17", "concluded_month": "3", "concluded_year": "2026"},
            "The conclusion date must be between the start (6 January 2025) and today.",
        ),
    ):
        refused = client.post(url, data)
        assert refused.status_code == 200 and message in _text(refused), data
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS and review.history.count() == 1

    response = client.post(url, {"concluded_day": "2", "concluded_month": "2", "concluded_year": "2026"}, follow=True)
    assert "CSPR-2025-04 concluded on 2 February 2026: its agency data is now due for destruction" in _text(response)
    review.refresh_from_db()
    assert (review.status, review.concluded) == (ReviewStatus.CONCLUDED, dt.date(2026, 2, 2))
    assert review.history.latest().history_user == boss


def test_destroy_a_reviews_agency_data(held: Holdings, boss: User, settings: Any) -> None:
    settings.REVIEW_RETENTION_DAYS = 30
    review = held.review(reference="CSPR-2025-05", concluded=dt.date(2026, 2, 2))
    held.record("Alex Example", submission=held.submission(review), categories={"police": "Incident log"})
    client = _client(boss)
    url = reverse("reviews:review_destroy_confirm", args=[review.pk])
    page = _text(client.get(url))
    assert "Destroy the agency data of CSPR-2025-05" in page
    assert "1 submission and 1 record about a person" in page and "due for destruction on 4 March 2026" in page

    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 200 and "Confirm that the agency data is to be destroyed" in _text(unconfirmed)
    assert not DestructionCertificate.objects.exists()

    review_set_legal_hold(review=review, by=boss, hold=True, reason="Complaint")
    assert "It is on legal hold (Complaint)" in _text(client.get(url))
    blocked = client.post(url, {"confirm": "on"})
    assert blocked.status_code == 200
    assert "Not destroyed (CSPR-2025-05): it is on legal hold (Complaint)." in _text(blocked)
    assert not DestructionCertificate.objects.exists()
    review_set_legal_hold(review=review, by=boss, hold=False, reason="Complaint closed")

    response = client.post(url, {"confirm": "on"}, follow=True)
    certificate = DestructionCertificate.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reviews:review_detail", args=[review.pk])
    assert f"Agency data of CSPR-2025-05 destroyed: certificate {certificate.reference}." in _text(response)
    assert certificate.destroyed_by == boss
    assert set(DataSubjectRecord.objects.values_list("status", flat=True)) == {RecordStatus.DESTROYED}
    assert "Agency data destroyed" in _text(client.get(reverse("reviews:review_detail", args=[review.pk])))
    again = client.post(url, {"confirm": "on"})
    assert "has already been destroyed" in _text(again)


def test_destruction_page_refuses_a_review_still_running(review: Review, boss: User) -> None:
    client = _client(boss)
    url = reverse("reviews:review_destroy_confirm", args=[review.pk])
    assert "has not concluded: its agency data is still needed" in _text(client.get(url))
    refused = client.post(url, {"confirm": "on"})
    assert refused.status_code == 200 and "CSPR-2025-04 has not concluded" in _text(refused)
    assert dt.date(2026, 3, 16) == TODAY
