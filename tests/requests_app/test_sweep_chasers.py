"""The sweep's disclosure part: a late agency return gets one chaser letter drafted, and the caseworker is told."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pdfplumber
import pytest
from django.contrib.auth.models import User

from disclosure.models import AgencyRequest, AgencyRequestStatus, DisclosureEvent
from disclosure.services.chasers import SWEEP_PART
from disclosure.services.records import agency_create, agency_request_create, agency_request_receive
from requests_app.models import Letter, Notice, NoticeKind, RightsRequest
from requests_app.services.sweep import sweep_run
from requests_app.sweep_registry import sweep_parts
from tests.factories import make_request, take_steps

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)
ASKED = dt.date(2026, 3, 3)
RETURN_DUE = dt.date(2026, 3, 17)  # ten working days after 3 March 2026


@pytest.fixture
def access_request(staff: dict[str, User]) -> RightsRequest:
    return make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])


@pytest.fixture
def agency_return(access_request: RightsRequest, staff: dict[str, User]) -> AgencyRequest:
    agency = agency_create(
        by=staff["caseworker"],
        name="Stockport Police",
        data_owner="Data Protection Officer",
        contact_address="Police HQ\nLloyd Street\nStockport SK4 1QQ",
    )
    agency_return = agency_request_create(
        by=staff["caseworker"], request=access_request, agency=agency, requested_on=ASKED, today=ASKED
    )
    assert agency_return.due_on == RETURN_DUE
    return agency_return


def _sweep(today: dt.date, capture: Any) -> Any:
    with capture(execute=True):
        return sweep_run(today=today)


def test_disclosure_registers_its_part_with_the_sweep() -> None:
    assert SWEEP_PART in [part.name for part in sweep_parts()]


def test_a_late_return_gets_one_chaser_drafted_and_the_caseworker_told(
    agency_return: AgencyRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    assert _sweep(RETURN_DUE, django_capture_on_commit_callbacks).counts["chasers"] == 0  # due today: not late yet
    result = _sweep(RETURN_DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    assert result.counts["chasers"] == 1

    chased = AgencyRequest.objects.get(pk=agency_return.pk)
    letter = Letter.objects.get(template="agency_chaser")
    assert chased.status == AgencyRequestStatus.LATE
    assert chased.chaser_letter == letter
    assert chased.chased_on == RETURN_DUE + dt.timedelta(days=1)
    assert letter.request_id == agency_return.request_id
    assert letter.direction == "out"
    assert letter.addressee == "Data Protection Officer, Stockport Police"
    assert len(letter.sha256) == 64
    assert "check and send" in letter.summary
    assert letter.history.first().history_change_reason.startswith("Generated")  # type: ignore[union-attr]
    assert DisclosureEvent.objects.filter(action="agency_chased", request_id=agency_return.request_id).count() == 1

    notice = Notice.objects.get(kind=NoticeKind.CHASER)
    assert notice.recipient == staff["caseworker"]
    assert notice.about == f"agency-return:{agency_return.pk}"
    assert "Stockport Police" in notice.message

    again = _sweep(RETURN_DUE + dt.timedelta(days=2), django_capture_on_commit_callbacks)
    assert again.counts["chasers"] == 0
    assert Letter.objects.filter(template="agency_chaser").count() == 1
    assert Notice.objects.filter(kind=NoticeKind.CHASER).count() == 1


def test_the_chaser_names_the_reference_and_subject_and_nothing_more(
    agency_return: AgencyRequest, access_request: RightsRequest, django_capture_on_commit_callbacks: Any
) -> None:
    _sweep(RETURN_DUE + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    letter = Letter.objects.get(template="agency_chaser")
    with letter.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as pdf:
        text = " ".join((page.extract_text() or "") for page in pdf.pages)
    text = " ".join(text.split())
    assert access_request.reference in text
    assert "Alex Example" in text
    assert "Dear Data Protection Officer" in text
    assert "Lloyd Street" in text  # the agency's address
    assert "3 March 2026" in text and "17 March 2026" in text
    assert "2012" not in text  # the data subject's date of birth
    assert "High Street" not in text  # the data subject's address
    assert "All records held about me" not in text  # what the requester asked, in their words


def test_returned_or_already_chased_returns_get_no_chaser(
    agency_return: AgencyRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    agency_request_receive(
        by=staff["caseworker"], agency_request=agency_return, received_on=RETURN_DUE, today=RETURN_DUE
    )
    assert _sweep(RETURN_DUE + dt.timedelta(days=3), django_capture_on_commit_callbacks).counts["chasers"] == 0
    assert not Letter.objects.filter(template="agency_chaser").exists()


def test_a_withdrawn_request_is_not_chased(
    agency_return: AgencyRequest,
    access_request: RightsRequest,
    staff: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    take_steps(access_request, "withdraw", user=staff["caseworker"], today=RETURN_DUE)
    assert _sweep(RETURN_DUE + dt.timedelta(days=3), django_capture_on_commit_callbacks).counts["chasers"] == 0
    assert AgencyRequest.objects.get(pk=agency_return.pk).status == AgencyRequestStatus.REQUESTED
