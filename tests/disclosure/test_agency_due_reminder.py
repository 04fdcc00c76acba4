"""Issue 18: the agency's data owner is reminded on the day its return is due, once, before any chaser."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail

from disclosure.models import AgencyRequestStatus, AgencyReturnLink, DisclosureEvent
from disclosure.services.chasers import (
    DUE_REMINDER_PART,
    agency_chasers_sweep,
    agency_due_reminders_sweep,
)
from disclosure.services.delivery import token_hash
from requests_app.models import Letter, Message, RightsRequest
from requests_app.sweep_registry import SweepContext, sweep_parts
from tests.disclosure.test_agency_returns import _agency, _ask, _token
from tests.factories import celery_eager

pytestmark = pytest.mark.django_db

ASKED_ON = dt.date(2026, 3, 3)
DUE_ON = dt.date(2026, 3, 17)  # ten working days


def _run(capture: Any, day: dt.date) -> tuple[int, int]:
    context = SweepContext(today=day, run=uuid.uuid4(), batch_size=100)
    with celery_eager(), capture(execute=True):
        return agency_due_reminders_sweep(context)["agency reminders"], agency_chasers_sweep(context)["chasers"]


def test_the_data_owner_is_reminded_once_on_the_due_day_then_chased_once_when_late(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    asked = _ask(
        access_request, staff, _agency(staff), django_capture_on_commit_callbacks, requested_on=ASKED_ON, today=ASKED_ON
    )
    assert asked.due_on == DUE_ON
    mail.outbox.clear()
    assert DUE_REMINDER_PART in [part.name for part in sweep_parts()]

    assert _run(django_capture_on_commit_callbacks, DUE_ON - dt.timedelta(days=1)) == (0, 0)  # not due yet
    assert mail.outbox == []
    assert _run(django_capture_on_commit_callbacks, DUE_ON) == (1, 0)
    assert _run(django_capture_on_commit_callbacks, DUE_ON) == (0, 0)  # a second run sends nothing
    assert len(mail.outbox) == 1
    reminder = mail.outbox[0]
    assert reminder.to == ["dpo@police.example"]
    assert "due today" in reminder.subject and access_request.reference in reminder.subject
    assert "17 March 2026" in reminder.body
    token = _token(0)
    assert AgencyReturnLink.objects.filter(agency_request=asked, token_hash=token_hash(token)).exists()

    asked.refresh_from_db()
    assert asked.due_reminder_on == DUE_ON and asked.status == AgencyRequestStatus.REQUESTED
    message = Message.objects.get(template="agency_due_reminder")
    assert asked.due_reminder_message == message and token not in message.body  # the record never holds the link
    letter = Letter.objects.get(template="agency_due_reminder")
    assert letter.request == access_request and "due" in letter.summary
    assert DisclosureEvent.objects.filter(request=access_request, action="agency_due_reminder_sent").count() == 1
    assert asked.history.filter(history_change_reason="Reminded on the due day").count() == 1

    assert _run(django_capture_on_commit_callbacks, DUE_ON + dt.timedelta(days=1)) == (0, 1)  # late: the chaser
    assert _run(django_capture_on_commit_callbacks, DUE_ON + dt.timedelta(days=1)) == (0, 0)
    assert [m.subject.startswith("Reminder: records") for m in mail.outbox] == [True, True]
    assert "were due on" in mail.outbox[1].subject


def test_no_reminder_for_a_return_already_in_or_without_a_data_owner_email(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    from disclosure.services.records import agency_request_record_return

    returned = _ask(
        access_request, staff, _agency(staff), django_capture_on_commit_callbacks, requested_on=ASKED_ON, today=ASKED_ON
    )
    agency_request_record_return(
        by=staff["caseworker"], agency_request=returned, received_on=ASKED_ON, nil_return=True, notes=""
    )
    posted = _ask(
        access_request,
        staff,
        _agency(staff, "Stockport Health", email=""),
        django_capture_on_commit_callbacks,
        requested_on=ASKED_ON,
        today=ASKED_ON,
    )
    mail.outbox.clear()
    assert _run(django_capture_on_commit_callbacks, DUE_ON) == (0, 0)
    assert mail.outbox == []
    posted.refresh_from_db()
    returned.refresh_from_db()
    assert posted.due_reminder_on is None and returned.due_reminder_on is None
    assert not Message.objects.filter(template="agency_due_reminder").exists()
