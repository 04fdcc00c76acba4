"""Every admin of a row tied to a rights request obeys the workspace's access rule for that request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from requests_app.models import RightsRequest
from requests_app.services.requests import request_set_restricted
from reviews.models import SubjectSearchHit, SubjectSearchRun
from tests import factories

pytestmark = pytest.mark.django_db


def reference_path(model: type[models.Model]) -> str | None:
    """How a model reaches a request's reference: its own field, or one foreign key away."""
    names = {f.name for f in model._meta.get_fields()}
    if "request_reference" in names:
        return "request_reference"
    for field in model._meta.get_fields():
        related = field.related_model if isinstance(field, models.ForeignKey) else None
        if related is not None and "request_reference" in {f.name for f in related._meta.get_fields()}:
            return f"{field.name}__request_reference"
    return None


def as_user(user: User) -> object:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.fixture
def hidden() -> RightsRequest:
    """A restricted request the caseworker `casey` may not open."""
    manager = factories.manager()
    rr = factories.make_request()
    request_set_restricted(request=rr, restricted=True, reason="A colleague's own request", by=manager)
    return rr


def test_every_admin_of_a_row_carrying_a_request_reference_hides_restricted_ones(hidden: RightsRequest) -> None:
    casey = factories.caseworker("casey")
    checked = []
    for model, model_admin in admin.site._registry.items():
        path = reference_path(model)
        if path is None or model._meta.app_label == "requests_app":
            continue  # requests_app's own retention rows belong to destroyed requests
        sql = str(model_admin.get_queryset(as_user(casey)).query)
        assert hidden.reference in sql, f"{model._meta.label}'s admin is not narrowed by the request's access rule"
        checked.append(model._meta.label)
    assert {"reviews.Correction", "reviews.Restriction", "reviews.RecipientNotification"} <= set(checked)
    assert {"reviews.SubjectSearchRun", "reviews.SubjectSearchHit"} <= set(checked)


def test_a_restricted_requests_search_is_hidden_in_the_admin_list_and_history(hidden: RightsRequest) -> None:
    manager = User.objects.get(username="manager")
    casey = factories.caseworker("casey")
    run = SubjectSearchRun.objects.create(
        request_reference=hidden.reference,
        name="Alex Example",
        date_of_birth=dt.date(2012, 5, 1),
        run_by=manager,
        run_at=timezone.now(),
        records_searched=0,
        candidates_scored=0,
        hit_limit=10,
    )
    open_run = SubjectSearchRun.objects.create(
        request_reference="",
        name="Sam Other",
        run_by=manager,
        run_at=timezone.now(),
        records_searched=0,
        candidates_scored=0,
        hit_limit=10,
    )
    run_admin = admin.site._registry[SubjectSearchRun]
    assert set(run_admin.get_queryset(as_user(casey))) == {open_run}
    assert set(run_admin.get_queryset(as_user(manager))) == {run, open_run}
    with pytest.raises(Http404):
        run_admin.history_view(as_user(casey), str(run.pk))
    assert not admin.site._registry[SubjectSearchHit].get_queryset(as_user(casey)).filter(run=run).exists()
