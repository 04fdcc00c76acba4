"""Logging a request offers the people already on record who match, for linking instead of a new person
(UK GDPR Art 12(5), Recital 63: a repeat request must be seen to be judged)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app.models import Person, RightsRequest
from requests_app.services.requests import PersonDetails, request_create
from rights import ApplicationError, Authority, RepresentativeRole, RightKind
from tests import factories
from tests.factories import sign_in
from tests.requests_app.test_views import new_request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager() -> User:
    return factories.manager("boss")


@pytest.fixture
def earlier(manager: User) -> RightsRequest:
    """Sam, logged once before by their mother, at their old address."""
    return request_create(
        by=manager,
        kind=RightKind.ACCESS,
        received=dt.date(2025, 6, 2),
        subject=PersonDetails(
            full_name="Sam O'Child", date_of_birth=dt.date(2012, 5, 1), address="9 Old Road\nStockport SK2 2BB"
        ),
        requester=PersonDetails(full_name="Jo Parent", email="jo@example.org", address="9 Old Road"),
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
        today=dt.date(2025, 6, 2),
    )


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_matching_subject_is_offered_and_nothing_is_logged_until_one_is_chosen(
    manager: User, earlier: RightsRequest
) -> None:
    client = _client(manager)
    data = new_request_data(subject_name="Sam Child", subject_previous_names="Sam O'Child")
    response = client.post(reverse("request_new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Is the data subject one of these people already on record?" in page
    assert "Sam O&#x27;Child, born 1 May 2012" in page and "None of these: a new person" in page
    assert "Choose one of the people already on record who match, or a new person" in page
    assert RightsRequest.objects.count() == 1

    response = client.post(reverse("request_new"), {**data, "subject_person": str(earlier.subject_id)})
    assert response.status_code == 302, response.content.decode()
    logged = RightsRequest.objects.latest("pk")
    assert logged.subject_id == earlier.subject_id and Person.objects.count() == 3  # Sam, Jo, and the new parent
    sam = Person.objects.get(pk=earlier.subject_id)
    assert sam.address == "1 High Street\nStockport SK1 1AA"  # the newest letter's address is the one used
    assert "9 Old Road" in sam.previous_addresses and "Sam Child" in sam.previous_name_list
    assert sam.history.first().history_change_reason == f"Linked to {logged.reference} when it was logged"
    page = client.get(reverse("request_detail", args=[logged.pk])).content.decode()
    assert earlier.reference in page  # the subject's other requests are listed


def test_a_new_person_may_be_chosen_and_the_requester_is_matched_too(manager: User, earlier: RightsRequest) -> None:
    client = _client(manager)
    data = new_request_data(
        subject_name="Sam O'Child", requester_name="Jo Parent", requester_email="JO@example.org", subject_person="new"
    )
    response = client.post(reverse("request_new"), data)
    assert response.status_code == 200 and "Is the person asking one of these people" in response.content.decode()
    response = client.post(reverse("request_new"), {**data, "requester_person": str(earlier.requester_id)})
    assert response.status_code == 302, response.content.decode()
    logged = RightsRequest.objects.latest("pk")
    assert logged.subject_id != earlier.subject_id and logged.requester_id == earlier.requester_id


def test_a_person_who_does_not_match_cannot_be_linked(manager: User, earlier: RightsRequest) -> None:
    stranger = factories.PersonFactory(full_name="Alex Other", date_of_birth=dt.date(2010, 1, 1))
    with pytest.raises(ApplicationError, match="does not match the details entered"):
        request_create(
            by=manager,
            kind=RightKind.ERASURE,
            received=dt.date(2026, 3, 2),
            subject=PersonDetails(full_name="Sam Child", date_of_birth=dt.date(2012, 5, 1)),
            subject_person_id=stranger.pk,
            today=dt.date(2026, 3, 4),
        )
    response = _client(manager).post(
        reverse("request_new"), new_request_data(subject_name="Sam O'Child", subject_person=str(stranger.pk))
    )
    assert response.status_code == 200 and "Choose one of the people already on record" in response.content.decode()
    assert RightsRequest.objects.count() == 1
    stranger.refresh_from_db()
    assert stranger.full_name == "Alex Other" and stranger.address != "1 High Street\nStockport SK1 1AA"
