"""The 72-hour breach clock (UK GDPR Art 33(1)): every Manager alerted at 48 and 72 hours, each alert once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from casework.models import BreachNotice
from casework.services import breaches as services
from casework.services.breach_clock import breach_clock_sweep_run
from casework.tasks import sweep_breach_clock
from requests_app.models import Message
from tests.casework.test_breach_services import FOUND, facts
from tests.factories import manager, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers(boss: User) -> list[User]:
    second = manager("manager2")
    second.email = "second.manager@example.org"
    second.save()
    boss.email = "manager@example.org"
    boss.save()
    return [boss, second]


@pytest.mark.parametrize(
    ("hours", "thresholds"),
    [
        (47.9, []),  # nothing before 48 hours
        (48, [48]),
        (71.9, [48]),
        (72, [72]),  # the sweep's first run after 72 hours: only the one that still matters
        (200, [72]),
    ],
)
def test_alerts_go_at_48_and_72_hours_from_discovery(
    managers: list[User], worker: User, hours: float, thresholds: list[int]
) -> None:
    breach = services.breach_record(by=worker, facts=facts(), now=FOUND)
    result = breach_clock_sweep_run(now=FOUND + dt.timedelta(hours=hours))
    written = sorted(BreachNotice.objects.filter(breach=breach).values_list("recipient__username", "threshold"))
    assert written == sorted((m.username, t) for m in managers for t in thresholds)
    assert result.alerts == len(written) == result.emails


def test_a_second_run_writes_and_sends_nothing_and_each_threshold_alerts_once(
    managers: list[User], worker: User
) -> None:
    breach = services.breach_record(by=worker, facts=facts(), now=FOUND)
    at_48 = FOUND + dt.timedelta(hours=48, minutes=5)
    assert breach_clock_sweep_run(now=at_48).alerts == 2
    assert breach_clock_sweep_run(now=at_48).alerts == 0
    assert breach_clock_sweep_run(now=at_48 + dt.timedelta(hours=1)).alerts == 0
    at_72 = FOUND + dt.timedelta(hours=72, minutes=5)
    assert breach_clock_sweep_run(now=at_72).as_dict() == {"alerts": 2, "emails": 2, "breaches": [breach.reference]}
    assert breach_clock_sweep_run(now=at_72).alerts == 0
    assert BreachNotice.objects.count() == 4
    emails = Message.objects.filter(template="breach_clock")
    assert emails.count() == 4
    assert sorted(emails.values_list("to", flat=True)) == sorted(
        ["manager@example.org", "second.manager@example.org"] * 2
    )
    first = emails.get(to="manager@example.org", subject__contains="48 hours")
    assert breach.reference in first.body and "Art 33(1)" in first.body
    assert "father" not in first.body and "mother" not in first.body  # nothing about the people in an email
    late = BreachNotice.objects.get(recipient=managers[0], threshold=72)
    assert "ended" in late.message and late.email is not None


def test_decided_closed_and_fresh_breaches_are_left_alone(managers: list[User], boss: User, worker: User) -> None:
    decided = services.breach_record(by=worker, facts=facts(), now=FOUND)
    services.breach_assess(breach=decided, by=boss, risk="unlikely", reasons="Sent to a colleague in our team.")
    services.breach_decide_report(breach=decided, by=boss, report=False, reasons="Unlikely to result in a risk.")
    services.breach_record(
        by=worker, facts=facts(discovered_at=FOUND + dt.timedelta(hours=30)), now=FOUND + dt.timedelta(hours=31)
    )
    assert breach_clock_sweep_run(now=FOUND + dt.timedelta(hours=60)).alerts == 0
    assert not BreachNotice.objects.exists()


def test_a_manager_without_an_email_address_still_gets_the_alert_on_the_page(boss: User, worker: User) -> None:
    boss.email = ""
    boss.save()
    services.breach_record(by=worker, facts=facts(), now=FOUND)
    result = breach_clock_sweep_run(now=FOUND + dt.timedelta(hours=50))
    assert (result.alerts, result.emails) == (1, 0)
    assert not Message.objects.exists()


def test_the_breach_log_shows_the_alerts_and_they_can_be_marked_read(
    managers: list[User], worker: User, client: Client
) -> None:
    breach = services.breach_record(by=worker, facts=facts(), now=FOUND)
    breach_clock_sweep_run(now=FOUND + dt.timedelta(hours=49))
    sign_in(client, managers[0])
    page = client.get(reverse("casework:breaches")).content.decode()
    assert "The 72 hours: decisions still to make" in page and breach.reference in page
    notice = BreachNotice.objects.get(recipient=managers[0])
    other = BreachNotice.objects.get(recipient=managers[1])
    assert client.post(reverse("casework:breach_notice_read", args=[other.pk])).status_code == 302
    other.refresh_from_db()
    assert other.read_at is None  # only one's own
    client.post(reverse("casework:breach_notice_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "The 72 hours: decisions still to make" not in client.get(reverse("casework:breaches")).content.decode()


def test_the_command_and_the_task_run_the_same_sweep(managers: list[User], worker: User) -> None:
    services.breach_record(by=worker, facts=facts(), now=FOUND)
    out = StringIO()
    call_command("sweep_breach_clock", "--now", (FOUND + dt.timedelta(hours=48)).isoformat(), stdout=out)
    assert out.getvalue().splitlines() == ["alerts: 2", "emails: 2"]
    assert sweep_breach_clock((FOUND + dt.timedelta(hours=49)).isoformat())["alerts"] == 0
    with pytest.raises(CommandError) as refused:
        call_command("sweep_breach_clock", "--now", "tomorrow")
    assert refused.value.returncode == 2
