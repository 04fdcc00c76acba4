"""Agencies and agency returns: due dates in working days, receipt, nil returns, chasers; roles and locks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from disclosure.models import Agency, AgencyKind, AgencyRequest, AgencyRequestStatus, DisclosureEvent
from disclosure.services.records import (
    agency_create,
    agency_get_or_create_by_name,
    agency_request_chase,
    agency_request_create,
    agency_request_nil_return,
    agency_request_receive,
    agency_update,
)
from requests_app.models import Letter, LetterDirection, RightsRequest
from rights import ApplicationError, RightKind
from tests.disclosure.conftest import RECEIVED
from tests.factories import make_request

pytestmark = pytest.mark.django_db

ASKED = dt.date(2026, 3, 27)  # a Friday; 3 and 6 April 2026 are bank holidays


@pytest.fixture
def police(staff: dict[str, User]) -> Agency:
    return agency_create(
        by=staff["caseworker"],
        name="Greater Manchester Police",
        kind=AgencyKind.POLICE,
        data_owner="Data Protection Officer",
        contact_email="dpo@example.org",
    )


def test_agency_is_created_with_history(police: Agency) -> None:
    assert police.kind == "police"
    assert police.history.count() == 1


def test_agency_names_are_unique_whatever_the_case(staff: dict[str, User], police: Agency) -> None:
    with pytest.raises(ApplicationError, match="already an agency called"):
        agency_create(by=staff["caseworker"], name="greater manchester police", data_owner="DPO")


def test_agency_needs_a_name_and_a_real_email(staff: dict[str, User]) -> None:
    with pytest.raises(ApplicationError, match="name"):
        agency_create(by=staff["caseworker"], name="  ")
    with pytest.raises(ApplicationError, match="not an email"):
        agency_create(by=staff["caseworker"], name="School", data_owner="Head teacher", contact_email="nope")


def test_an_agency_needs_a_named_data_owner(staff: dict[str, User]) -> None:
    for owner in ("", "   "):
        with pytest.raises(ApplicationError, match="named data owner") as caught:
            agency_create(by=staff["caseworker"], name="School", data_owner=owner)
        assert caught.value.field == "data_owner"
    assert not Agency.objects.exists()
    with pytest.raises(ValidationError):
        Agency(name="School", kind=AgencyKind.EDUCATION, data_owner="").full_clean()


def test_naming_the_owner_can_not_be_undone_by_clearing_it(staff: dict[str, User], police: Agency) -> None:
    with pytest.raises(ApplicationError, match="named data owner"):
        agency_update(
            by=staff["manager"],
            agency=police,
            name=police.name,
            kind=police.kind,
            data_owner=" ",
            contact_email="",
            contact_address="",
        )
    assert Agency.objects.get(pk=police.pk).data_owner == "Data Protection Officer"


def test_an_agency_added_by_its_name_alone_says_its_data_owner_is_not_yet_named(staff: dict[str, User]) -> None:
    from disclosure.models import DATA_OWNER_NOT_NAMED
    from disclosure.services.records import agency_get_or_create_by_name

    agency = agency_get_or_create_by_name(by=staff["caseworker"], name="Stockport Youth Service")
    assert agency.data_owner == DATA_OWNER_NOT_NAMED == "Data owner not yet named"
    assert not agency.data_owner_named
    assert agency.history.first().history_user == staff["caseworker"]


def test_reviewer_cannot_add_agencies(staff: dict[str, User]) -> None:
    with pytest.raises(ApplicationError, match="Only a manager or caseworker"):
        agency_create(by=staff["reviewer"], name="School")


def test_agency_update_records_history(staff: dict[str, User], police: Agency) -> None:
    updated = agency_update(
        by=staff["manager"],
        agency=police,
        name="GMP",
        kind=AgencyKind.POLICE,
        data_owner="Head of Information",
        contact_email="",
        contact_address="Police HQ",
    )
    assert updated.name == "GMP"
    assert updated.history.count() == 2


def test_get_or_create_by_name_reuses_any_case(staff: dict[str, User], police: Agency) -> None:
    assert agency_get_or_create_by_name(by=None, name="GREATER MANCHESTER POLICE") == police
    school = agency_get_or_create_by_name(by=None, name="Hillside Primary")
    assert school.kind == AgencyKind.OTHER
    assert Agency.objects.count() == 2


def test_return_is_due_ten_working_days_later_skipping_bank_holidays(
    staff: dict[str, User], access_request: RightsRequest, police: Agency
) -> None:
    asked = agency_request_create(
        by=staff["caseworker"], request=access_request, agency=police, requested_on=ASKED, today=ASKED
    )
    # 30 Mar-2 Apr (4), 7-10 Apr (4; Good Friday 3 Apr and Easter Monday 6 Apr skipped), 13-14 Apr (2).
    assert asked.due_on == dt.date(2026, 4, 14)
    assert asked.status == AgencyRequestStatus.REQUESTED
    event = DisclosureEvent.objects.get(request=access_request, action="agency_asked")
    assert "14 April 2026" in event.detail
    assert event.by == staff["caseworker"]


def test_working_days_come_from_the_setting(
    staff: dict[str, User], access_request: RightsRequest, police: Agency, settings: object
) -> None:
    settings.AGENCY_RETURN_WORKING_DAYS = 5  # type: ignore[attr-defined]
    asked = agency_request_create(
        by=staff["caseworker"], request=access_request, agency=police, today=dt.date(2026, 3, 9)
    )
    assert asked.due_on == dt.date(2026, 3, 16)


def test_same_agency_cannot_be_asked_twice_while_waiting(
    staff: dict[str, User], access_request: RightsRequest, police: Agency
) -> None:
    agency_request_create(by=staff["caseworker"], request=access_request, agency=police, today=ASKED)
    with pytest.raises(ApplicationError, match="already been asked"):
        agency_request_create(by=staff["caseworker"], request=access_request, agency=police, today=ASKED)


def test_records_are_asked_for_only_for_access_requests(staff: dict[str, User], police: Agency) -> None:
    erasure = make_request(kind=RightKind.ERASURE, received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="only for access requests"):
        agency_request_create(by=staff["caseworker"], request=erasure, agency=police, today=ASKED)


def test_asked_date_cannot_be_before_receipt_or_in_the_future(
    staff: dict[str, User], access_request: RightsRequest, police: Agency
) -> None:
    with pytest.raises(ApplicationError, match="before the request was received"):
        agency_request_create(
            by=staff["caseworker"], request=access_request, agency=police, requested_on=dt.date(2026, 3, 1), today=ASKED
        )
    with pytest.raises(ApplicationError, match="future"):
        agency_request_create(
            by=staff["caseworker"], request=access_request, agency=police, requested_on=ASKED, today=RECEIVED
        )


def test_receive_and_nil_return(staff: dict[str, User], access_request: RightsRequest, police: Agency) -> None:
    school = agency_create(
        by=staff["caseworker"], name="Hillside Primary", kind=AgencyKind.EDUCATION, data_owner="Head teacher"
    )
    a = agency_request_create(by=staff["caseworker"], request=access_request, agency=police, today=ASKED)
    b = agency_request_create(by=staff["caseworker"], request=access_request, agency=school, today=ASKED)
    a = agency_request_receive(by=staff["caseworker"], agency_request=a, received_on=ASKED, today=ASKED)
    b = agency_request_nil_return(by=staff["caseworker"], agency_request=b, received_on=ASKED, today=ASKED)
    assert (a.status, a.received_on) == (AgencyRequestStatus.RECEIVED, ASKED)
    assert b.status == AgencyRequestStatus.NIL_RETURN
    assert b.history.first().history_change_reason == "Nil return"
    with pytest.raises(ApplicationError, match="already recorded"):
        agency_request_receive(by=staff["caseworker"], agency_request=a, received_on=ASKED, today=ASKED)


def test_return_cannot_predate_the_ask(staff: dict[str, User], access_request: RightsRequest, police: Agency) -> None:
    a = agency_request_create(by=staff["caseworker"], request=access_request, agency=police, today=ASKED)
    with pytest.raises(ApplicationError, match="before the records were asked for"):
        agency_request_receive(by=staff["caseworker"], agency_request=a, received_on=RECEIVED, today=ASKED)


def test_chaser_only_when_late_and_filed_in_the_letters_register(
    staff: dict[str, User], access_request: RightsRequest, police: Agency
) -> None:
    asked = agency_request_create(by=staff["caseworker"], request=access_request, agency=police, today=ASKED)
    with pytest.raises(ApplicationError, match="not late"):
        agency_request_chase(by=staff["caseworker"], agency_request=asked, today=asked.due_on)
    assert not asked.is_overdue(asked.due_on)
    assert asked.is_overdue(asked.due_on + dt.timedelta(days=1))
    late_day = asked.due_on + dt.timedelta(days=1)
    chased = agency_request_chase(by=staff["caseworker"], agency_request=asked, today=late_day)
    assert chased.status == AgencyRequestStatus.LATE
    letter = Letter.objects.get(pk=chased.chaser_letter_id)
    assert letter.direction == LetterDirection.OUT
    assert letter.addressee == "Greater Manchester Police"
    assert letter.date == late_day
    assert "were due by 14 April 2026" in letter.summary
    assert letter.request_id == access_request.pk
    # A late return can still arrive.
    received = agency_request_receive(
        by=staff["caseworker"], agency_request=chased, received_on=late_day, today=late_day
    )
    assert received.status == AgencyRequestStatus.RECEIVED


def test_chaser_letter_must_belong_to_the_request(
    staff: dict[str, User], access_request: RightsRequest, police: Agency
) -> None:
    other = make_request(received=RECEIVED, today=RECEIVED, subject_name="Other Person")
    foreign = Letter.objects.create(request=other, direction="out", date=RECEIVED, summary="x")
    asked = agency_request_create(by=staff["caseworker"], request=access_request, agency=police, today=ASKED)
    with pytest.raises(ApplicationError, match="another request"):
        agency_request_chase(
            by=staff["caseworker"], agency_request=asked, letter=foreign, today=asked.due_on + dt.timedelta(days=1)
        )
    assert AgencyRequest.objects.get(pk=asked.pk).status == AgencyRequestStatus.REQUESTED
