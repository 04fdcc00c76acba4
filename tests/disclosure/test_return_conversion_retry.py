"""Issue 18: a failed conversion of a returned file is tried again from the page, and each file shows its progress."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from disclosure.convert import ConversionError
from disclosure.models import AgencyReturnFile, AgencyReturnLink, ConversionStatus, DisclosureEvent, Document
from disclosure.services import returns
from disclosure.services.returns import ReturnedUpload, agency_return_submit
from requests_app.models import RightsRequest
from rights import ApplicationError
from tests.disclosure.test_agency_returns import VISITOR, _agency, _ask, _docx, needs_soffice
from tests.factories import _health_visitor_notes_pdf, celery_eager, sign_in

pytestmark = pytest.mark.django_db


def _returned(request: RightsRequest, staff: dict[str, User], capture: Any, upload: ReturnedUpload) -> AgencyReturnFile:
    asked = _ask(request, staff, _agency(staff), capture)
    link = AgencyReturnLink.objects.get(agency_request=asked)
    with celery_eager(), capture(execute=True):
        returned = agency_return_submit(
            link_id=link.pk, returned_by_name="Pat Owner", nothing_held=False, files=[upload], visitor=VISITOR
        )
    return returned.files.get()


def test_a_failed_conversion_is_tried_again_from_the_page_and_shows_its_pages(
    access_request: RightsRequest,
    staff: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
    caplog: Any,
) -> None:
    real_convert = returns.convert

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise ConversionError("Converting it took longer than 120 seconds, so it was stopped.")

    monkeypatch.setattr(returns, "convert", busy)
    record = _returned(
        access_request,
        staff,
        django_capture_on_commit_callbacks,
        ReturnedUpload("notes.pdf", _health_visitor_notes_pdf()),
    )
    assert record.status == ConversionStatus.FAILED and record.attempts == 1 and "120 seconds" in record.error
    assert not Document.objects.filter(return_file=record).exists()

    client = Client()
    sign_in(client, staff["caseworker"])
    overview = reverse("disclosure:request", args=[access_request.pk])
    page = client.get(overview)
    assert b"Try the conversion again" in page.content and b"120 seconds" in page.content
    retry = reverse("disclosure:return_file_retry", args=[access_request.pk, record.pk])

    reviewer = Client()
    sign_in(reviewer, staff["reviewer"])
    with caplog.at_level(logging.CRITICAL, logger="django.request"):
        assert reviewer.post(retry).status_code in {403, 404}
    record.refresh_from_db()
    assert record.status == ConversionStatus.FAILED and record.attempts == 1  # nothing changed

    monkeypatch.setattr(returns, "convert", real_convert)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ConversionStatus.DONE and record.error == ""
    assert record.attempts == 2 and record.parts_made == 1 and record.pages_made == 2
    document = Document.objects.get(return_file=record)
    assert document.page_count == 2 and document.agency == record.agency_return.agency_request.agency
    event = DisclosureEvent.objects.get(request=access_request, action="agency_return_conversion_retried")
    assert event.by == staff["caseworker"] and "120 seconds" in event.detail and "attempt 2" in event.detail
    assert (
        record.history.filter(history_change_reason="Conversion to be tried again").get().history_user
        == (staff["caseworker"])
    )
    page = client.get(overview)
    assert b"Try the conversion again" not in page.content
    assert b"2 pages" in page.content and b"Ready for review" in page.content

    with pytest.raises(ApplicationError, match="only a failed conversion"):  # a done file is not converted twice
        returns.return_file_retry(by=staff["caseworker"], return_file=record)
    again = client.post(retry, follow=True)
    assert b"only a failed conversion can be tried again" in again.content
    assert Document.objects.filter(return_file=record).count() == 1


def test_another_request_s_file_cannot_be_retried_through_this_request(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    from tests.factories import make_request

    other = make_request(by=staff["manager"])
    client = Client()
    sign_in(client, staff["caseworker"])
    record = _returned(
        access_request,
        staff,
        django_capture_on_commit_callbacks,
        ReturnedUpload("notes.pdf", _health_visitor_notes_pdf()),
    )
    with caplog.at_level(logging.CRITICAL, logger="django.request"):
        assert client.post(reverse("disclosure:return_file_retry", args=[other.pk, record.pk])).status_code == 404


@pytest.mark.office
@needs_soffice
def test_a_word_file_that_failed_without_libreoffice_converts_when_tried_again(
    access_request: RightsRequest,
    staff: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.SOFFICE_PATH = "/nowhere/soffice"
    record = _returned(access_request, staff, django_capture_on_commit_callbacks, ReturnedUpload("visit.docx", _docx()))
    assert record.status == ConversionStatus.FAILED and "not installed" in record.error
    settings.SOFFICE_PATH = ""
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        returns.return_file_retry(by=staff["caseworker"], return_file=record)
    record.refresh_from_db()
    assert record.status == ConversionStatus.DONE and record.attempts == 2 and record.pages_made >= 1
    assert Document.objects.get(return_file=record).original.read().startswith(b"%PDF-")
