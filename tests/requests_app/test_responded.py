"""A request whose response has been given is neither due nor overdue: not on the dashboard, the list or the sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from requests_app.models import MACHINES, RESPONDED_STATUSES, Notice, NoticeKind, Person, RightsRequest, Status
from requests_app.models.machines import machine_states
from requests_app.selectors.notices import notices_for_user
from requests_app.services import letters
from requests_app.services.notices import notice_is_obsolete
from requests_app.services.sweep import sweep_run
from tests import factories
from tests.factories import sign_in

TODAY = dt.date(2026, 6, 1)
DUE = TODAY - dt.timedelta(days=60)
S = Status

# Every kind with every status in which its response has been given.
ANSWERED: list[tuple[str, str]] = [
    ("access", S.DISCLOSED),
    ("access", S.REFUSED),
    ("rectification", S.RECTIFIED),
    ("rectification", S.RECIPIENTS_NOTIFIED),
    ("rectification", S.REFUSED),
    ("erasure", S.ERASED),
    ("erasure", S.RECIPIENTS_NOTIFIED),
    ("erasure", S.REFUSED),
    ("restriction", S.RESTRICTED),
    ("restriction", S.LIFTED),
    ("restriction", S.REFUSED),
    ("objection", S.UPHELD),
    ("objection", S.REJECTED),
    ("objection", S.REFUSED),
    ("portability", S.ANSWERED),
    ("portability", S.REFUSED),
    ("automated_decision_making", S.ANSWERED),
    ("automated_decision_making", S.REFUSED),
    ("inform", S.ANSWERED),
    ("inform", S.REFUSED),
]


@pytest.fixture(autouse=True)
def _alone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("requests_app.sweep_registry._PARTS", {})
    monkeypatch.setattr(letters, "letter_generate", factories.FakeLetters())
    with factories.celery_eager():
        yield


def _in_status(kind: str, status: str, *, n: int, assigned_to: User | None) -> RightsRequest:
    """A complex request sitting in `status`, due 60 days ago (as if the machine had brought it there)."""
    return RightsRequest.objects.create(
        is_complex=True,
        reference=f"RR-2026-{n:04d}",
        kind=kind,
        received=DUE - dt.timedelta(days=31),
        due_date=DUE,
        first_month_due=DUE,
        status=status,
        subject=Person.objects.create(full_name=f"Answered Person {n}"),
        assigned_to=assigned_to,
    )


@pytest.fixture
def casey(db: None) -> User:
    return factories.caseworker("casey")


@pytest.fixture
def answered(casey: User) -> list[RightsRequest]:
    return [_in_status(kind, status, n=i + 1, assigned_to=casey) for i, (kind, status) in enumerate(ANSWERED)]


@pytest.fixture
def running(casey: User) -> RightsRequest:
    """The control: a request still being worked on, just as late."""
    return _in_status("access", S.IN_PROGRESS, n=900, assigned_to=casey)


def test_every_answered_status_of_every_machine_is_listed_here() -> None:
    assert {(kind, str(s)) for kind, machine in MACHINES.items() for s in machine.responded} == {
        (kind, str(status)) for kind, status in ANSWERED
    }
    assert {str(status) for _, status in ANSWERED} == RESPONDED_STATUSES


@pytest.mark.parametrize("kind", list(MACHINES))
def test_once_answered_a_request_only_moves_to_another_answer_or_its_end(kind: str) -> None:
    """No step leads from an answered status back to one where the clock runs again."""
    machine = MACHINES[kind]
    field: Any = machine._meta.get_field("status")
    for fsm_transition in field.get_all_transitions(machine):
        if str(fsm_transition.source) not in RESPONDED_STATUSES:
            continue
        target = fsm_transition.target
        if target is not None:
            assert str(target) in RESPONDED_STATUSES | {S.CLOSED.value, S.WITHDRAWN.value}, fsm_transition.name
    assert {str(s) for s in machine.responded} <= machine_states(machine)


@pytest.mark.parametrize(("kind", "status"), ANSWERED)
def test_an_answered_request_is_not_overdue(kind: str, status: str, casey: User) -> None:
    request = _in_status(kind, status, n=1, assigned_to=casey)
    assert request.has_responded
    assert not request.is_overdue(TODAY)
    assert _in_status("access", S.IN_PROGRESS, n=2, assigned_to=casey).is_overdue(TODAY)


def test_the_dashboard_leaves_answered_requests_out_of_due_soon_and_overdue(
    answered: list[RightsRequest], running: RightsRequest, casey: User, time_machine: Any
) -> None:
    client = Client()
    sign_in(client, casey)
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC))  # 60 days after they were due
    desk = client.get(reverse("dashboard")).context["desk"]
    assert [r.pk for r in desk.overdue] == [running.pk]
    assert desk.overdue_count == 1
    assert desk.open_count == len(answered) + 1  # still open: each can still be closed
    time_machine.move_to(dt.datetime(2026, 3, 30, 10, 0, tzinfo=dt.UTC))  # 3 days before they were due
    desk = client.get(reverse("dashboard")).context["desk"]
    assert [r.pk for r in desk.due_soon] == [running.pk]
    assert desk.due_soon_count == 1


def test_the_overdue_filter_of_the_list_leaves_answered_requests_out(
    answered: list[RightsRequest], running: RightsRequest, casey: User, time_machine: Any
) -> None:
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC))
    client = Client()
    sign_in(client, casey)
    page = client.get(reverse("request_list"), {"overdue": "on"})
    assert [r.pk for r in page.context["page"]] == [running.pk]
    detail = client.get(reverse("request_detail", args=[answered[0].pk]))
    assert detail.context["overdue"] is False
    assert "The response has been given." in detail.content.decode()


def test_the_sweep_sends_no_reminder_escalation_or_extension_prompt_for_answered_requests(
    answered: list[RightsRequest], running: RightsRequest, casey: User, django_capture_on_commit_callbacks: Any
) -> None:
    factories.manager()
    for today in (DUE - dt.timedelta(days=20), DUE - dt.timedelta(days=1), TODAY):  # prompt, reminder, escalation
        with django_capture_on_commit_callbacks(execute=True):
            sweep_run(today=today)
    about = set(Notice.objects.values_list("request_id", flat=True))
    assert about == {running.pk}
    kinds = set(Notice.objects.values_list("kind", flat=True))
    assert {NoticeKind.REMINDER, NoticeKind.ESCALATION, NoticeKind.EXTENSION_PROMPT} <= kinds


def test_reminders_about_an_answered_request_no_longer_apply(casey: User, running: RightsRequest) -> None:
    disclosed = _in_status("access", S.DISCLOSED, n=901, assigned_to=casey)
    for request in (running, disclosed):
        Notice.objects.create(
            request=request, recipient=casey, kind=NoticeKind.REMINDER, threshold=1, due_date=DUE, message="Due"
        )
    current = list(notices_for_user(casey))
    assert [n.request_id for n in current] == [running.pk]
    stale = Notice.objects.get(request=disclosed)
    assert notice_is_obsolete(stale, disclosed)
    assert not notice_is_obsolete(current[0], running)
