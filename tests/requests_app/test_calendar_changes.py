"""Adding or removing a bank holiday moves the due dates of open requests, with history, and clears stale reminders."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest
from django.test import RequestFactory

from requests_app.admin_calendar import BankHolidayAdminMixin
from requests_app.models import ExtraBankHoliday, Notice, NoticeKind, RightsRequest
from requests_app.services.calendar import bank_holiday_add, bank_holiday_remove
from requests_app.services.notices import NoticeDraft, notices_insert
from rights import ApplicationError
from tests.factories import make_request, take_steps

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)
DUE = dt.date(2026, 4, 2)  # a Thursday; 3 April is Good Friday and 6 April Easter Monday
MOVED = dt.date(2026, 4, 7)


@pytest.fixture
def open_request(staff: dict[str, User]) -> RightsRequest:
    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])
    assert request.due_date == DUE
    return request


def _fresh(request: RightsRequest) -> RightsRequest:
    return RightsRequest.objects.get(pk=request.pk)


def test_adding_a_holiday_on_the_due_date_moves_it_with_history(
    open_request: RightsRequest, staff: dict[str, User]
) -> None:
    version = open_request.version
    change = bank_holiday_add(date=DUE, name="State Funeral", by=staff["manager"], today=RECEIVED)
    assert change.moved == [open_request.reference]
    moved = _fresh(open_request)
    assert moved.due_date == MOVED  # R3: the next working day after Easter
    assert moved.first_month_due == MOVED
    assert moved.version == version + 1
    record = moved.history.first()
    assert record is not None
    assert record.history_change_reason == "Bank holiday added (2 April 2026): due 2 April 2026 -> 7 April 2026"
    assert record.history_user == staff["manager"]
    holiday = ExtraBankHoliday.objects.get(date=DUE)
    assert holiday.history.first().history_user == staff["manager"]  # type: ignore[union-attr]


def test_removing_it_moves_the_due_date_back(open_request: RightsRequest, staff: dict[str, User]) -> None:
    bank_holiday_add(date=DUE, name="State Funeral", by=staff["manager"], today=RECEIVED)
    change = bank_holiday_remove(date=DUE, by=staff["manager"], today=RECEIVED)
    assert change.moved == [open_request.reference]
    assert _fresh(open_request).due_date == DUE
    assert not ExtraBankHoliday.objects.filter(date=DUE).exists()
    assert _fresh(open_request).history.first().history_change_reason.startswith("Bank holiday removed")  # type: ignore[union-attr]


def test_closed_requests_and_unaffected_requests_are_left_alone(
    open_request: RightsRequest, staff: dict[str, User]
) -> None:
    withdrawn = make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"], subject_name="W")
    take_steps(withdrawn, "withdraw", user=staff["caseworker"], today=RECEIVED + dt.timedelta(days=1))
    later = make_request(received=RECEIVED + dt.timedelta(days=7), today=RECEIVED + dt.timedelta(days=7))
    history_before = {r.pk: r.history.count() for r in (withdrawn, later)}
    change = bank_holiday_add(date=DUE, name="State Funeral", by=staff["manager"], today=RECEIVED)
    assert change.checked == 2  # the open ones only
    assert change.moved == [open_request.reference]
    assert _fresh(withdrawn).due_date == DUE
    assert _fresh(later).due_date == dt.date(2026, 4, 9)
    assert {r.pk: r.history.count() for r in (withdrawn, later)} == history_before


def test_reminders_about_the_old_due_date_are_cleared(open_request: RightsRequest, staff: dict[str, User]) -> None:
    (written,) = notices_insert(
        drafts=[NoticeDraft(open_request.pk, NoticeKind.REMINDER, 5, staff["caseworker"].pk, DUE, "", "due in 5 days")],
        run=uuid.uuid4(),
        reason="test",
    )
    change = bank_holiday_add(date=DUE, name="State Funeral", by=staff["manager"], today=RECEIVED)
    assert change.notices_superseded == 1
    reminder = Notice.objects.get(pk=written.pk)
    assert reminder.superseded_at is not None
    assert reminder.history.first().history_user == staff["manager"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (dt.date(2026, 12, 25), "already a bank holiday in England and Wales"),
        (dt.date(2026, 4, 2), "already on the list"),
    ],
)
def test_a_day_that_is_already_a_holiday_is_refused(staff: dict[str, User], day: dt.date, message: str) -> None:
    ExtraBankHoliday.objects.create(date=dt.date(2026, 4, 2), name="Existing")
    with pytest.raises(ApplicationError, match=message):
        bank_holiday_add(date=day, name="Again", by=staff["manager"])


def test_only_the_manager_changes_the_bank_holidays(open_request: RightsRequest, staff: dict[str, User]) -> None:
    with pytest.raises(ApplicationError, match="Only a manager"):
        bank_holiday_add(date=DUE, name="State Funeral", by=staff["caseworker"])
    with pytest.raises(ApplicationError, match="not on the list"):
        bank_holiday_remove(date=DUE, by=staff["manager"])
    assert not ExtraBankHoliday.objects.exists()
    assert _fresh(open_request).due_date == DUE


# The admin


class HolidayAdmin(BankHolidayAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


def _admin_request(user: User) -> HttpRequest:
    request = RequestFactory().post("/admin/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_the_admin_adds_and_deletes_through_the_services(open_request: RightsRequest, staff: dict[str, User]) -> None:
    model_admin = HolidayAdmin(ExtraBankHoliday, admin.site)
    request = _admin_request(staff["manager"])
    holiday = ExtraBankHoliday(date=DUE, name="State Funeral")
    model_admin.save_model(request, holiday, form=None, change=False)
    assert holiday.pk is not None
    assert _fresh(open_request).due_date == MOVED
    assert "1 due date(s) moved" in " ".join(str(m) for m in request._messages)  # type: ignore[attr-defined]
    assert model_admin.get_readonly_fields(request, holiday) == ("date",)  # a date is deleted and added, never edited
    model_admin.delete_model(request, ExtraBankHoliday.objects.get(pk=holiday.pk))
    assert _fresh(open_request).due_date == DUE


def test_the_admin_form_refuses_a_known_holiday(staff: dict[str, User]) -> None:
    model_admin = HolidayAdmin(ExtraBankHoliday, admin.site)
    request = _admin_request(staff["manager"])
    form_class = model_admin.get_form(request, None)
    form = form_class(data={"date": "2026-12-25", "name": "Christmas again"})
    assert not form.is_valid()
    assert "already a bank holiday" in str(form.errors)
    assert not model_admin.has_add_permission(_admin_request(staff["caseworker"]))


def test_a_holiday_added_then_removed_brings_the_reminder_back(
    open_request: RightsRequest, staff: dict[str, User]
) -> None:
    from requests_app.selectors.notices import notices_for_user

    (written,) = notices_insert(
        drafts=[NoticeDraft(open_request.pk, NoticeKind.REMINDER, 5, staff["caseworker"].pk, DUE, "", "due in 5 days")],
        run=uuid.uuid4(),
        reason="test",
    )
    bank_holiday_add(date=DUE, name="State Funeral", by=staff["manager"], today=RECEIVED)
    assert list(notices_for_user(staff["caseworker"])) == []
    bank_holiday_remove(date=DUE, by=staff["manager"], today=RECEIVED)
    reminder = Notice.objects.get(pk=written.pk)
    assert reminder.superseded_at is None
    assert [n.pk for n in notices_for_user(staff["caseworker"])] == [written.pk]
    last = reminder.history.first()  # type: ignore[attr-defined]
    assert (last.history_user, last.history_change_reason) == (
        staff["manager"],
        "Current again: due date back to 2 April 2026",
    )
    assert reminder.history.count() == 3  # written, superseded, current again  # type: ignore[attr-defined]
