"""The data model: every model keeps history; the database refuses impossible redactions; the admin is read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from disclosure.models import Document, NcndFlag, Redaction, RedactionBox
from disclosure.services.documents import DocumentDetails, document_add_text
from disclosure.services.redaction import redaction_add_span
from requests_app.models import RightsRequest
from tests.disclosure.conftest import TODAY
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


def test_every_disclosure_model_keeps_history() -> None:
    for model in apps.get_app_config("disclosure").get_models():
        if model.__name__.startswith("Historical"):
            continue
        assert hasattr(model, "history"), f"{model.__name__} has no HistoricalRecords"


@pytest.fixture
def doc(staff: dict[str, User], access_request: RightsRequest) -> Document:
    return document_add_text(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="Note"),
        text="Jane Doe",
        today=TODAY,
    )


def test_database_refuses_a_span_without_an_end_or_backwards(doc: Document) -> None:
    for fields in (
        {"kind": "span", "start": 0, "end": None},
        {"kind": "span", "start": 5, "end": 2},
        {"kind": "rectangle", "start": 0, "end": 3},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Redaction.objects.create(document=doc, exemption="third_party", **fields)


def test_database_refuses_an_inside_out_box(staff: dict[str, User], doc: Document) -> None:
    redaction = redaction_add_span(by=staff["caseworker"], document=doc, start=0, end=4, exemption="third_party")
    with pytest.raises(IntegrityError), transaction.atomic():
        RedactionBox.objects.create(redaction=redaction, page=1, x0=10, top=10, x1=5, bottom=20)


def test_one_ncnd_flag_per_document_in_the_database(staff: dict[str, User], doc: Document) -> None:
    from django.utils import timezone

    NcndFlag.objects.create(request=doc.request, document=doc, exemption="crime", reason="x", flagged_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        NcndFlag.objects.create(
            request=doc.request, document=doc, exemption="crime", reason="y", flagged_at=timezone.now()
        )


def test_admin_shows_review_records_read_only(staff: dict[str, User], doc: Document) -> None:
    redaction_add_span(by=staff["caseworker"], document=doc, start=0, end=4, exemption="third_party")
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    sign_in(client, root)
    for name in (
        "agency",
        "agencyrequest",
        "document",
        "redaction",
        "redactionbox",
        "thirdparty",
        "ncndflag",
        "seriousharmopinion",
        "disclosureevent",
    ):
        assert client.get(reverse(f"admin:disclosure_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:disclosure_document_change", args=[doc.pk])).status_code == 200
    response = client.post(reverse("admin:disclosure_document_change", args=[doc.pk]), {"title": "Changed"})
    assert response.status_code == 403
    assert Document.objects.get(pk=doc.pk).title == "Note"
    assert client.get(reverse("admin:disclosure_redaction_add")).status_code == 403
