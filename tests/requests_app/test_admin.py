"""The admin: every model with its history; the case's records read-only, never deleted, narrowed by access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import Client, RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from requests_app.models import (
    ClockEvent,
    Evidence,
    ExtraBankHoliday,
    Letter,
    Person,
    RequestStatistic,
    RequestView,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.services.requests import request_set_restricted
from tests import factories
from tests.factories import sign_in

TODAY = dt.date(2026, 3, 16)
CASE_RECORDS = [RightsRequest, Letter, Evidence, ClockEvent, TransitionEvent, RequestView]


@pytest.fixture
def root(db: None) -> User:
    return factories.UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def rr(db: None) -> RightsRequest:
    return factories.make_request(received=dt.date(2026, 3, 2), today=TODAY)


def admin_client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_every_model_of_the_app_is_registered_with_its_history() -> None:
    concrete = [
        model
        for model in apps.get_app_config("requests_app").get_models()
        if not model._meta.proxy
        and not model.__name__.startswith("Historical")
        # The status page's links and one-time codes (hashes only) and its own event log: the machinery of a
        # requester's access, written only by its services, never administered (their rows show nothing to change).
        and model.__name__ not in {"StatusLink", "OneTimeCode", "StatusPageEvent"}
    ]
    assert concrete
    for model in concrete:
        assert model in admin.site._registry, model.__name__
        if model is RequestStatistic:  # anonymous figures, without history by design (its timestamps would link it)
            assert not hasattr(model, "history")
            continue
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model.__name__


@pytest.mark.parametrize("model", [*CASE_RECORDS, Person])
def test_nothing_of_the_case_can_be_deleted(model: type, root: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = admin.site._registry[model]
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.parametrize("model", CASE_RECORDS)
def test_the_case_records_are_read_only_here(model: type, root: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = admin.site._registry[model]
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_view_permission(request) is True


def test_the_request_pages_render_and_status_cannot_be_changed(root: User, rr: RightsRequest) -> None:
    client = admin_client(root)
    changelist = client.get(reverse("admin:requests_app_rightsrequest_changelist"))
    assert changelist.status_code == 200
    assert rr.reference in changelist.content.decode()
    change_url = reverse("admin:requests_app_rightsrequest_change", args=[rr.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="status"' not in html  # shown, not editable
    assert "Received" in html
    posted = client.post(change_url, {"status": Status.CLOSED, "reference": rr.reference})
    assert posted.status_code == 403
    rr.refresh_from_db()
    assert rr.status == Status.RECEIVED
    delete = client.post(reverse("admin:requests_app_rightsrequest_delete", args=[rr.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert RightsRequest.objects.filter(pk=rr.pk).exists()


def test_history_is_shown_but_cannot_be_reverted(root: User, rr: RightsRequest) -> None:
    manager = factories.manager()
    request_set_restricted(request=rr, by=manager, restricted=True, reason="Staff case")
    client = admin_client(root)
    history = client.get(reverse("admin:requests_app_rightsrequest_history", args=[rr.pk]))
    assert history.status_code == 200
    assert "Restricted" in history.content.decode()
    first = rr.history.earliest("history_date")
    url = reverse("admin:requests_app_rightsrequest_simple_history", args=[rr.pk, first.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"is_restricted": ""}).status_code == 403
    rr.refresh_from_db()
    assert rr.is_restricted


def test_a_person_can_be_corrected_with_history_but_not_deleted(root: User, rr: RightsRequest) -> None:
    client = admin_client(root)
    person = rr.subject
    url = reverse("admin:requests_app_person_change", args=[person.pk])
    response = client.post(
        url,
        {
            "full_name": "Alex Corrected",
            "previous_names": "",
            "date_of_birth": "2012-05-01",
            "address": person.address,
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Alex Corrected"
    assert person.history.latest("history_date").history_user == root
    assert (
        client.post(reverse("admin:requests_app_person_delete", args=[person.pk]), {"post": "yes"}).status_code == 403
    )


def test_bank_holidays_can_be_added(root: User) -> None:
    response = admin_client(root).post(
        reverse("admin:requests_app_extrabankholiday_add"), {"date": "2026-06-01", "name": "A one-off holiday"}
    )
    assert response.status_code == 302
    assert ExtraBankHoliday.objects.filter(date=dt.date(2026, 6, 1)).exists()


VIEW_PERMISSIONS = ["view_rightsrequest", "view_letter", "view_person", "view_evidence", "view_clockevent"]


def _staff_caseworker(username: str) -> User:
    staff = factories.caseworker(username)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=VIEW_PERMISSIONS))
    return User.objects.get(pk=staff.pk)


def _as_superuser(user: User) -> User:
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


def _history_urls(rr: RightsRequest) -> list[str]:
    """The history list and one version page of the request and of each record of it."""
    urls = []
    for model, pk in [
        (RightsRequest, rr.pk),
        (Person, rr.subject_id),
        (Letter, rr.letters.get().pk),
        (Evidence, rr.evidence.get().pk),
        (ClockEvent, rr.clock_events.get().pk),
    ]:
        name = model._meta.model_name
        version = model.history.filter(id=pk).earliest("history_date").history_id  # type: ignore[attr-defined]
        urls.append(reverse(f"admin:requests_app_{name}_history", args=[pk]))
        urls.append(reverse(f"admin:requests_app_{name}_simple_history", args=[pk, version]))
    return urls


def _with_letter_and_evidence(rr: RightsRequest, by: User) -> RightsRequest:
    from requests_app.services.letters import letter_log

    letter_log(
        request=rr, by=by, direction="in", date=dt.date(2026, 3, 2), method="post", summary="Request", addressee="A"
    )
    return factories.verify_identity(rr, by=by, on=dt.date(2026, 3, 5))


def test_the_admin_hides_restricted_requests_like_the_workspace(rr: RightsRequest) -> None:
    manager = factories.manager()
    rr = _with_letter_and_evidence(rr, manager)
    staff = _staff_caseworker("staffcw")
    client = admin_client(staff)
    for url in _history_urls(rr):  # open to the team while the request is not restricted
        assert client.get(url).status_code == 200, url
    request_set_restricted(request=rr, by=manager, restricted=True, reason="Staff case")
    changelist = client.get(reverse("admin:requests_app_rightsrequest_changelist"))
    assert changelist.status_code == 200
    assert rr.reference not in changelist.content.decode()
    assert (
        client.get(reverse("admin:requests_app_rightsrequest_change", args=[rr.pk])).status_code == 302
    )  # "not found"
    people = client.get(reverse("admin:requests_app_person_changelist")).content.decode()
    assert rr.subject.full_name not in people
    views_before = RequestView.objects.count()
    for url in _history_urls(rr):
        response = client.get(url)
        assert response.status_code == 404, url
        assert rr.reference not in response.content.decode()
    assert RequestView.objects.count() == views_before
    assert admin_client(_as_superuser(manager)).get(_history_urls(rr)[1]).status_code == 200


def test_opening_a_request_in_the_admin_is_recorded(rr: RightsRequest) -> None:
    staff = _staff_caseworker("staffcw")
    client = admin_client(staff)
    first = rr.history.earliest("history_date").history_id
    for url in [
        reverse("admin:requests_app_rightsrequest_change", args=[rr.pk]),
        reverse("admin:requests_app_rightsrequest_history", args=[rr.pk]),
        reverse("admin:requests_app_rightsrequest_simple_history", args=[rr.pk, first]),
    ]:
        before = RequestView.objects.filter(request=rr, user=staff).count()
        assert client.get(url).status_code == 200, url
        assert RequestView.objects.filter(request=rr, user=staff).count() == before + 1, url
