"""The daily complaints sweep: reminders near the acknowledgement date, escalation past it, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django_celery_beat.models import PeriodicTask

from casework.models import ComplaintNotice
from casework.services.complaints import complaint_step
from casework.tasks import sweep_complaints
from requests_app.models import Message
from tests.casework.conftest import NOON, received_complaint

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 8, 26)


def test_reminders_before_and_escalation_after_written_once(boss: User, worker: User) -> None:
    complaint = received_complaint(by=worker)
    assert complaint.acknowledgement_due == DUE
    assert sweep_complaints.delay(today="2026-08-01").get() == {
        "reminders": 0,
        "escalations": 0,
        "emails": 0,
        "complaints": [],
    }
    first = sweep_complaints.delay(today="2026-08-19").get()  # 7 days left: the Manager is reminded
    assert first["reminders"] == 1
    assert sweep_complaints.delay(today="2026-08-19").get()["reminders"] == 0  # idempotent
    assert sweep_complaints.delay(today="2026-08-20").get()["reminders"] == 0  # same threshold, nothing new
    assert sweep_complaints.delay(today="2026-08-25").get()["reminders"] == 1  # 1 day left
    late = sweep_complaints.delay(today="2026-08-27").get()
    assert late["escalations"] == 1
    notice = ComplaintNotice.objects.get(kind="escalation")
    assert notice.recipient == boss and "1 day late" in notice.message
    assert sweep_complaints.delay(today="2026-08-27").get()["escalations"] == 0


def test_an_acknowledged_complaint_is_not_chased(worker: User, boss: User) -> None:
    complaint = received_complaint(by=worker)
    complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    assert sweep_complaints.delay(today="2026-08-30").get() == {
        "reminders": 0,
        "escalations": 0,
        "emails": 0,
        "complaints": [],
    }


def test_the_sweep_is_scheduled_daily_by_beat(db: None) -> None:
    task = PeriodicTask.objects.get(task="casework.sweep_complaints")
    assert task.enabled and task.crontab is not None


def test_the_command_runs_the_sweep_and_refuses_bad_dates(worker: User, boss: User) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    received_complaint(by=worker)
    out = StringIO()
    call_command("sweep_complaints", "--today", "2026-08-28", stdout=out)
    assert out.getvalue().splitlines() == ["reminders: 0", "escalations: 1", "emails: 1"]
    with pytest.raises(CommandError) as refused:
        call_command("sweep_complaints", "--today", "28/08/2026")
    assert refused.value.returncode == 2


def test_an_investigation_started_without_acknowledgement_is_still_chased(worker: User, boss: User) -> None:
    complaint = received_complaint(by=worker)
    complaint_step(complaint=complaint, by=worker, step="investigate", now=NOON)
    assert sweep_complaints.delay(today="2026-08-27").get()["escalations"] == 1


def test_each_reminder_and_escalation_is_emailed_once_with_the_reference_only(boss: User, worker: User) -> None:
    other = User.objects.create_user("second-manager", email="second.manager@example.org")
    other.groups.add(*boss.groups.all())
    boss.email = "manager@example.org"
    boss.save()
    complaint = received_complaint(by=worker)
    reminded = sweep_complaints.delay(today="2026-08-25").get()  # 1 day left: both Managers (nobody assigned)
    assert (reminded["reminders"], reminded["emails"]) == (2, 2)
    late = sweep_complaints.delay(today="2026-08-27").get()
    assert (late["escalations"], late["emails"]) == (2, 2)
    assert sweep_complaints.delay(today="2026-08-27").get()["emails"] == 0  # a second run sends nothing

    emails = Message.objects.filter(template="complaint_notice").order_by("pk")
    assert sorted(emails.values_list("to", flat=True)) == sorted(
        ["manager@example.org", "second.manager@example.org"] * 2
    )
    assert all(notice.email is not None for notice in ComplaintNotice.objects.all())
    first = emails.first()
    assert first is not None and complaint.reference in first.subject and "26 August 2026" in first.subject
    assert f"/complaints/{complaint.pk}/" in first.body and "s.164A" in first.body
    for message in emails:  # nothing the complainant said, nor their name, travels by email
        assert "Sam Example" not in message.body and "school records" not in message.body


def test_someone_without_an_email_address_sees_the_notice_on_the_page_only(boss: User, worker: User) -> None:
    boss.email = ""
    boss.save()
    received_complaint(by=worker)
    result = sweep_complaints.delay(today="2026-08-25").get()
    assert (result["reminders"], result["emails"]) == (1, 0)
    assert (
        ComplaintNotice.objects.get().email is None and not Message.objects.filter(template="complaint_notice").exists()
    )
