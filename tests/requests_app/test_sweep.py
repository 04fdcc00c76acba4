"""The deadline sweep: reminders, escalations, extension prompts and closure flags, each sent once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests_app.models import Notice, NoticeKind, RightsRequest, Status
from requests_app.services import letters
from requests_app.services.sweep import (
    escalation_threshold,
    extension_prompt_due,
    reminder_threshold,
    sweep_run,
    waiting_limit,
)
from tests.factories import (
    FakeLetters,
    bulk_open_requests,
    caseworker,
    celery_eager,
    make_request,
    manager,
    take_steps,
    verify_identity,
)

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)  # a Monday
DUE = dt.date(2026, 4, 2)  # the corresponding date in the next month, a Thursday (R1)


@pytest.fixture(autouse=True)
def _eager_and_alone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tasks in-process; disclosure's chaser part is tested on its own (test_sweep_chasers)."""
    monkeypatch.setattr("requests_app.sweep_registry._PARTS", {})
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    with celery_eager():
        yield


@pytest.fixture(autouse=True)
def _colleagues(staff: dict[str, User]) -> None:
    staff["manager2"] = manager("manager2")
    staff["other"] = caseworker("other")


@pytest.fixture
def due_request(staff: dict[str, User]) -> RightsRequest:
    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])
    assert request.due_date == DUE
    return request


Sweep = Callable[[dt.date], Any]


@pytest.fixture
def sweep(django_capture_on_commit_callbacks: Any) -> Sweep:
    """Run the sweep and its on-commit email task, as a worker would after the commit."""

    def run(today: dt.date) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_run(today=today)

    return run


def notices(**filters: Any) -> list[tuple[str, int, str]]:
    return sorted(
        (n.kind, n.threshold, n.recipient.username)
        for n in Notice.objects.filter(**filters).select_related("recipient")
    )


# The rules, on their own


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(30, None), (11, None), (10, 10), (9, 10), (6, 10), (5, 5), (4, 5), (2, 5), (1, 1), (0, None), (-3, None)],
)
def test_reminder_threshold_is_the_nearest_reached(days_left: int, expected: int | None) -> None:
    assert reminder_threshold(days_left, (10, 5, 1)) == expected


@pytest.mark.parametrize(
    ("days_over", "expected"), [(-1, None), (0, 0), (3, 0), (7, 7), (13, 7), (14, 14), (27, 14), (28, 28), (400, 28)]
)
def test_escalation_threshold_is_the_furthest_reached(days_over: int, expected: int | None) -> None:
    assert escalation_threshold(days_over, (0, 7, 14, 28)) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 3, 20), False),  # day 19
        (dt.date(2026, 3, 21), True),  # day 20
        (dt.date(2026, 4, 2), True),  # the last day of the first month
        (dt.date(2026, 4, 3), False),  # too late to extend (Art 12A)
    ],
)
def test_extension_prompt_from_day_20_to_the_end_of_the_first_month(today: dt.date, expected: bool) -> None:
    assert extension_prompt_due(start=RECEIVED, first_month_due=DUE, today=today, prompt_day=20) is expected


@pytest.mark.parametrize(
    ("since", "days", "limit"),
    [
        (dt.date(2026, 3, 2), None, dt.date(2026, 4, 2)),
        (dt.date(2026, 1, 31), None, dt.date(2026, 2, 28)),  # no 31 February: the month's last day
        (dt.date(2026, 3, 2), 14, dt.date(2026, 3, 16)),
    ],
)
def test_waiting_limit_is_a_calendar_month_unless_set(since: dt.date, days: int | None, limit: dt.date) -> None:
    assert waiting_limit(since, days) == limit


# Reminders and escalations


def test_reminders_at_10_5_and_1_days_then_escalation_on_the_due_date_and_after(
    due_request: RightsRequest, staff: dict[str, User], sweep: Sweep
) -> None:
    expected: list[tuple[str, int, str]] = []
    for today, new in [
        (DUE - dt.timedelta(days=11), []),
        (DUE - dt.timedelta(days=10), [("reminder", 10, "caseworker")]),
        (DUE - dt.timedelta(days=7), []),
        (DUE - dt.timedelta(days=5), [("reminder", 5, "caseworker")]),
        (DUE - dt.timedelta(days=1), [("reminder", 1, "caseworker")]),
        (DUE, [("escalation", 0, "manager"), ("escalation", 0, "manager2")]),
        (DUE + dt.timedelta(days=3), []),
        (DUE + dt.timedelta(days=7), [("escalation", 7, "manager"), ("escalation", 7, "manager2")]),
    ]:
        sweep(today)
        expected = sorted(expected + new)
        assert notices() == expected, today
    assert all(n.due_date == DUE and n.request_id == due_request.pk for n in Notice.objects.all())


def test_a_sweep_that_missed_days_sends_only_the_nearest_reminder(due_request: RightsRequest, sweep: Sweep) -> None:
    result = sweep(DUE - dt.timedelta(days=3))
    assert notices() == [("reminder", 5, "caseworker")]
    assert result.counts["reminders"] == 1


def test_escalation_goes_to_every_manager_and_not_the_caseworker(
    due_request: RightsRequest, staff: dict[str, User], sweep: Sweep
) -> None:
    inactive = manager("gone")
    inactive.is_active = False
    inactive.save()
    sweep(DUE + dt.timedelta(days=1))
    assert notices(kind=NoticeKind.ESCALATION) == [("escalation", 0, "manager"), ("escalation", 0, "manager2")]
    result = sweep(DUE + dt.timedelta(days=2))
    assert result.counts["escalations"] == 0


def test_an_unassigned_request_reminds_every_manager(staff: dict[str, User], sweep: Sweep) -> None:
    make_request(received=RECEIVED, today=RECEIVED)
    sweep(DUE - dt.timedelta(days=5))
    assert notices() == [("reminder", 5, "manager"), ("reminder", 5, "manager2")]


def test_closed_and_waiting_requests_get_no_reminders(staff: dict[str, User], sweep: Sweep) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])
    take_steps(request, "request_identity", user=staff["caseworker"], today=RECEIVED)
    assert RightsRequest.objects.get(pk=request.pk).status == Status.AWAITING_IDENTITY
    bulk_open_requests(2, due=DUE, received=RECEIVED, assigned_to=staff["caseworker"], status=Status.CLOSED)
    result = sweep(DUE - dt.timedelta(days=5))
    assert Notice.objects.count() == 0
    assert result.requests_checked == 1  # only the waiting one, for a closure flag


# Sent once


def test_running_twice_sends_nothing_twice(due_request: RightsRequest, staff: dict[str, User], sweep: Sweep) -> None:
    first = sweep(DUE)
    assert first.counts["escalations"] == 1
    assert first.notices == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["manager2@example.org", "manager@example.org"]
    second = sweep(DUE)
    assert second.total == 0
    assert second.notices == 0
    assert Notice.objects.count() == 2
    assert len(mail.outbox) == 2
    assert all(n.emailed_at is not None for n in Notice.objects.all())


def test_each_notice_has_a_history_record_of_its_sending(due_request: RightsRequest, sweep: Sweep) -> None:
    sweep(DUE - dt.timedelta(days=5))
    notice = Notice.objects.get()
    records = list(notice.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[0].history_change_reason == f"Deadline sweep of {(DUE - dt.timedelta(days=5)).isoformat()}"
    assert records[1].history_change_reason == "Emailed"
    assert records[1].emailed_at is not None


def test_the_email_names_the_reference_and_date_but_nobody_in_the_case(
    due_request: RightsRequest, staff: dict[str, User], sweep: Sweep
) -> None:
    sweep(DUE - dt.timedelta(days=5))
    (message,) = mail.outbox
    assert message.to == ["caseworker@example.org"]
    assert due_request.reference in message.subject
    assert due_request.reference in message.body
    assert "2 April 2026" in message.body
    assert f"/requests/{due_request.pk}/" in message.body
    assert "Alex Example" not in message.subject + message.body  # the data subject


def test_no_email_address_means_no_email_but_the_notice_stands(due_request: RightsRequest, sweep: Sweep) -> None:
    User.objects.filter(username="caseworker").update(email="")
    sweep(DUE - dt.timedelta(days=5))
    assert mail.outbox == []
    notice = Notice.objects.get()
    assert notice.emailed_at is None


def test_a_failed_email_is_retried_and_the_others_are_not_resent(
    due_request: RightsRequest, staff: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    from requests_app.services.notices import NoticeEmailError, notices_email

    result = sweep_run(today=DUE, email=False)
    sent_to: list[str] = []

    class FlakyBackend:
        def send_messages(self, messages: list[Any]) -> int:
            if messages[0].to == ["manager2@example.org"] and "manager2@example.org" not in sent_to:
                sent_to.append("manager2@example.org")
                raise OSError("connection refused")
            sent_to.extend(m.to[0] for m in messages)
            return len(messages)

    monkeypatch.setattr("requests_app.services.notices.get_connection", lambda: FlakyBackend())
    with pytest.raises(NoticeEmailError):
        notices_email(run=result.run)
    assert Notice.objects.filter(emailed_at__isnull=False).count() == 1
    assert notices_email(run=result.run) == 1  # the retry: only the one that failed
    assert sent_to.count("manager@example.org") == 1
    assert Notice.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_retried_sweep_emails_what_the_failed_attempt_wrote(
    due_request: RightsRequest, staff: dict[str, User], sweep: Sweep, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first attempt writes its batch of reminders, then fails before emailing; the retry (a new run) sends them."""
    import requests_app.services.sweep as sweep_module

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(sweep_module, "_sweep_waiting", broken)
        with pytest.raises(ConnectionError):
            sweep(DUE - dt.timedelta(days=5))
    written = Notice.objects.get()
    assert (written.kind, written.emailed_at) == (NoticeKind.REMINDER, None)
    assert mail.outbox == []
    retry = sweep(DUE - dt.timedelta(days=5))
    assert retry.notices == 0  # nothing new to write
    assert [m.to for m in mail.outbox] == [["caseworker@example.org"]]
    assert Notice.objects.get().emailed_at is not None
    sweep(DUE - dt.timedelta(days=5))
    assert len(mail.outbox) == 1  # and never twice


def test_the_pending_email_leaves_out_notices_that_no_longer_apply(
    due_request: RightsRequest, staff: dict[str, User], sweep: Sweep
) -> None:
    sweep_run(today=DUE - dt.timedelta(days=5), email=False)
    take_steps(due_request, "withdraw", user=staff["caseworker"], today=DUE - dt.timedelta(days=4))
    sweep(DUE - dt.timedelta(days=4))
    assert mail.outbox == []


# Extension prompts


@pytest.fixture
def in_progress(staff: dict[str, User]) -> RightsRequest:
    """A complex request being worked on: the kind the extension prompt is for."""
    from requests_app.services.requests import request_set_complex

    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])
    verify_identity(request, by=staff["caseworker"], on=RECEIVED)
    request = take_steps(request, "start_work", user=staff["caseworker"], today=RECEIVED)
    request_set_complex(request_id=request.pk, by=staff["caseworker"], is_complex=True, reason="Six agencies")
    request = RightsRequest.objects.get(pk=request.pk)
    assert (request.status, request.due_date, request.first_month_due) == (Status.IN_PROGRESS, DUE, DUE)
    return request


def test_no_extension_prompt_for_a_request_not_marked_complex(
    in_progress: RightsRequest, staff: dict[str, User], sweep: Sweep
) -> None:
    from requests_app.selectors.notices import notices_for_user
    from requests_app.services.requests import request_set_complex

    plain = make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"], subject_name="Jo Plain")
    verify_identity(plain, by=staff["caseworker"], on=RECEIVED)
    take_steps(plain, "start_work", user=staff["caseworker"], today=RECEIVED)
    sweep(dt.date(2026, 3, 21))  # day 20 of both
    assert set(Notice.objects.filter(kind=NoticeKind.EXTENSION_PROMPT).values_list("request_id", flat=True)) == {
        in_progress.pk
    }
    request_set_complex(request_id=in_progress.pk, by=staff["caseworker"], is_complex=False, reason="One agency only")
    assert not [n for n in notices_for_user(staff["caseworker"]) if n.kind == NoticeKind.EXTENSION_PROMPT]
    assert Notice.objects.filter(kind=NoticeKind.EXTENSION_PROMPT, superseded_at__isnull=True).count() == 0


def test_extension_prompt_on_day_20_to_the_caseworker_and_every_manager(
    in_progress: RightsRequest, sweep: Sweep
) -> None:
    assert sweep(dt.date(2026, 3, 20)).counts["extension prompts"] == 0  # day 19
    result = sweep(dt.date(2026, 3, 21))  # day 20
    assert result.counts["extension prompts"] == 1
    assert notices(kind=NoticeKind.EXTENSION_PROMPT) == [
        ("extension_prompt", 20, "caseworker"),
        ("extension_prompt", 20, "manager"),
        ("extension_prompt", 20, "manager2"),
    ]
    assert "2 April 2026" in Notice.objects.filter(kind=NoticeKind.EXTENSION_PROMPT).first().message  # type: ignore[union-attr]
    assert sweep(dt.date(2026, 3, 25)).counts["extension prompts"] == 0  # once


def test_no_extension_prompt_once_extended_or_after_the_first_month(
    in_progress: RightsRequest, staff: dict[str, User], sweep: Sweep
) -> None:
    assert sweep(dt.date(2026, 4, 3)).counts["extension prompts"] == 0  # the first month is over
    take_steps(in_progress, "extend", user=staff["manager"], today=dt.date(2026, 3, 10))
    extended = RightsRequest.objects.get(pk=in_progress.pk)
    assert extended.extended
    assert sweep(dt.date(2026, 3, 21)).counts["extension prompts"] == 0


def test_no_extension_prompt_before_work_starts(due_request: RightsRequest, sweep: Sweep) -> None:
    assert due_request.status == Status.RECEIVED
    assert sweep(dt.date(2026, 3, 21)).counts["extension prompts"] == 0


# Closure flags


@pytest.fixture
def waiting(staff: dict[str, User]) -> RightsRequest:
    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])
    take_steps(request, "request_identity", user=staff["caseworker"], today=RECEIVED)
    return RightsRequest.objects.get(pk=request.pk)


def test_waiting_a_calendar_month_on_the_requester_is_flagged_once(
    waiting: RightsRequest, staff: dict[str, User], sweep: Sweep, settings: Any
) -> None:
    settings.SWEEP_WAITING_DAYS = None
    since = timezone.localdate(waiting.transitions.get(to_status=Status.AWAITING_IDENTITY).at)
    limit = waiting_limit(since, None)
    assert sweep(limit - dt.timedelta(days=1)).counts["closure flags"] == 0
    result = sweep(limit)
    assert result.counts["closure flags"] == 1
    assert notices() == [("closure_flag", 0, "caseworker")]
    assert "proof of identity" in Notice.objects.get().message
    assert sweep(limit + dt.timedelta(days=5)).counts["closure flags"] == 0


def test_the_waiting_time_is_a_setting(waiting: RightsRequest, sweep: Sweep, settings: Any) -> None:
    settings.SWEEP_WAITING_DAYS = 14
    since = timezone.localdate(waiting.transitions.get(to_status=Status.AWAITING_IDENTITY).at)
    assert sweep(since + dt.timedelta(days=13)).counts["closure flags"] == 0
    assert sweep(since + dt.timedelta(days=14)).counts["closure flags"] == 1
    assert notices() == [("closure_flag", 14, "caseworker")]


def test_a_wait_is_flagged_once_even_when_its_due_date_moves(
    waiting: RightsRequest, staff: dict[str, User], sweep: Sweep, settings: Any
) -> None:
    from requests_app.selectors.notices import notices_for_user
    from requests_app.services.calendar import bank_holiday_add

    settings.SWEEP_WAITING_DAYS = 14
    since = timezone.localdate(waiting.transitions.get(to_status=Status.AWAITING_IDENTITY).at)
    assert sweep(since + dt.timedelta(days=14)).counts["closure flags"] == 1
    bank_holiday_add(date=waiting.due_date, name="State Funeral", by=staff["manager"], today=RECEIVED)
    assert RightsRequest.objects.get(pk=waiting.pk).due_date != waiting.due_date
    assert sweep(since + dt.timedelta(days=15)).counts["closure flags"] == 0
    assert notices() == [("closure_flag", 14, "caseworker")]
    assert [n.kind for n in notices_for_user(staff["caseworker"])] == [NoticeKind.CLOSURE_FLAG]  # still current


# What it prints


def test_the_command_prints_its_counts_in_a_stable_format(due_request: RightsRequest, staff: dict[str, User]) -> None:
    make_request(received=RECEIVED - dt.timedelta(days=5), today=RECEIVED, assigned_to=staff["other"])  # due 25 March
    out = StringIO()
    call_command("sweep_deadlines", "--today", "2026-03-28", stdout=out)
    assert out.getvalue().splitlines() == [
        "date: 2026-03-28",
        "requests checked: 2",
        "reminders: 1",
        "escalations: 1",
        "extension prompts: 0",
        "chasers: 0",
        "closure flags: 0",
        "total: 2",
        "notices: 3",
    ]
    again = StringIO()
    call_command("sweep_deadlines", "--today", "2026-03-28", stdout=again)
    assert "total: 0" in again.getvalue().splitlines()


def test_the_command_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="not a date"):
        call_command("sweep_deadlines", "--today", "28/03/2026")


def test_the_sweep_runs_registered_parts_and_adds_their_counts(due_request: RightsRequest) -> None:
    from requests_app.sweep_registry import register_sweep_part

    seen: list[dt.date] = []

    def part(context: Any) -> dict[str, int]:
        seen.append(context.today)
        return {"chasers": 2}

    register_sweep_part("test.part", part, counts=("chasers",))  # into this test's empty registry
    result = sweep_run(today=DUE - dt.timedelta(days=20), email=False)
    assert seen == [DUE - dt.timedelta(days=20)]
    assert result.counts["chasers"] == 2
    assert "chasers: 2" in result.lines()


# A fixed number of queries


def _sweep_queries(today: dt.date) -> int:
    with CaptureQueriesContext(connection) as queries:
        sweep_run(today=today, email=False)
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_requests(staff: dict[str, User]) -> None:
    """Five requests reach a threshold both times; the other 45, then 495, are checked and need nothing."""
    today = DUE - dt.timedelta(days=5)
    far = DUE + dt.timedelta(days=20)
    recent = today - dt.timedelta(days=5)  # day 6 of the clock: no extension prompt yet
    bulk_open_requests(5, due=DUE, received=recent, assigned_to=staff["caseworker"], prefix="RR-NEAR-")
    bulk_open_requests(45, due=far, received=recent, assigned_to=staff["caseworker"], prefix="RR-FAR-A")
    with_50 = _sweep_queries(today)
    assert Notice.objects.count() == 5

    Notice.history.all().delete()
    Notice.objects.all().delete()
    bulk_open_requests(450, due=far, received=recent, assigned_to=staff["caseworker"], prefix="RR-FAR-B")
    assert RightsRequest.objects.count() == 500
    with_500 = _sweep_queries(today)
    assert Notice.objects.count() == 5
    assert with_50 == with_500


def test_the_benchmark_command_prints_its_line_and_cleans_up() -> None:
    import re

    out = StringIO()
    call_command("bench_sweep", "--create", "--requests", "60", "--today", "2026-03-16", stdout=out)
    assert re.fullmatch(r"sweep: 60 requests in \d+\.\d\d s, peak \d+\.\d MiB, \d+ queries\n", out.getvalue())
    assert not RightsRequest.objects.filter(reference__startswith="RR-BENCH-").exists()
    assert not Notice.objects.exists()
