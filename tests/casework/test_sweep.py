"""The daily complaints sweep: reminders near the acknowledgement date, escalation past it, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django_celery_beat.models import PeriodicTask

from casework.models import ComplaintNotice
from casework.services.complaints import complaint_step
from casework.tasks import sweep_complaints
from tests.casework.conftest import NOON, received_complaint

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 8, 26)


def test_reminders_before_and_escalation_after_written_once(boss: User, worker: User) -> None:
    complaint = received_complaint(by=worker)
    assert complaint.acknowledgement_due == DUE
    assert sweep_complaints.delay(today="2026-08-01").get() == {"reminders": 0, "escalations": 0, "complaints": []}
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
    assert sweep_complaints.delay(today="2026-08-30").get() == {"reminders": 0, "escalations": 0, "complaints": []}


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
    assert out.getvalue().splitlines() == ["reminders: 0", "escalations: 1"]
    with pytest.raises(CommandError) as refused:
        call_command("sweep_complaints", "--today", "28/08/2026")
    assert refused.value.returncode == 2


def test_an_investigation_started_without_acknowledgement_is_still_chased(worker: User, boss: User) -> None:
    complaint = received_complaint(by=worker)
    complaint_step(complaint=complaint, by=worker, step="investigate", now=NOON)
    assert sweep_complaints.delay(today="2026-08-27").get()["escalations"] == 1
