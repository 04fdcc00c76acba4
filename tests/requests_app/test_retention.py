"""Retention of closed rights requests: legal holds, the daily list, destruction and what it leaves behind."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import CharField, FileField, Q, TextField
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Document, Pack, PortalCode, PortalLink
from requests_app import guards
from requests_app.models import (
    EvidenceKind,
    Fee,
    Notice,
    Person,
    RequestDestructionCertificate,
    RequestRetentionDue,
    RequestStatistic,
    RightsRequest,
    Status,
)
from requests_app.reporting import Period, report_build
from requests_app.services.evidence import evidence_record
from requests_app.services.letters import letter_log
from requests_app.services.messages import message_send
from requests_app.services.request_views import request_view_record
from requests_app.services.retention import request_destroy, request_set_legal_hold
from requests_app.tasks import request_retention_sweep
from rights import ApplicationError, RightKind
from tests import factories
from tests.factories import sign_in
from tests.requests_app import test_reporting as reporting_tests

LONDON = ZoneInfo("Europe/London")
PDF = factories.scan_bytes("pdf")

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss() -> User:
    return factories.manager("boss")


@pytest.fixture
def casey() -> User:
    return factories.caseworker("casey")


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


# Legal hold (item 6)


def test_the_manager_places_and_lifts_a_legal_hold_with_reasons_and_history(boss: User) -> None:
    request = factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2))
    url = reverse("request_legal_hold", args=[request.pk])
    client = _client(boss)
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": request.version, "hold": "yes", "reason": "ICO complaint IC-123 is open."})
    assert response.status_code == 302
    held = RightsRequest.objects.get(pk=request.pk)
    assert (held.legal_hold, held.legal_hold_reason) == (True, "ICO complaint IC-123 is open.")
    last = held.history.first()  # type: ignore[attr-defined]
    assert (last.history_user, last.history_change_reason) == (boss, "Legal hold placed: ICO complaint IC-123 is open.")
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Legal hold" in page and "ICO complaint IC-123 is open." in page

    client.post(url, {"version": held.version, "hold": "no", "reason": "The ICO closed the complaint."})
    lifted = RightsRequest.objects.get(pk=request.pk)
    assert (lifted.legal_hold, lifted.legal_hold_reason) == (False, "The ICO closed the complaint.")
    assert lifted.history.first().history_change_reason == "Legal hold lifted: The ICO closed the complaint."  # type: ignore[attr-defined]


def test_only_the_manager_and_only_with_a_reason(boss: User, casey: User) -> None:
    request = factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2))
    url = reverse("request_legal_hold", args=[request.pk])
    assert _client(casey).get(url).status_code == 403
    assert _client(casey).post(url, {"version": request.version, "hold": "yes", "reason": "x"}).status_code == 403
    with pytest.raises(ApplicationError, match="Only a manager can place or lift a legal hold"):
        request_set_legal_hold(request_id=request.pk, by=casey, hold=True, reason="A claim.")
    with pytest.raises(ApplicationError, match="Say why the request is on legal hold"):
        request_set_legal_hold(request_id=request.pk, by=boss, hold=True, reason="  ")
    response = _client(boss).post(url, {"version": request.version, "hold": "yes", "reason": ""})
    assert response.status_code == 200
    unchanged = RightsRequest.objects.get(pk=request.pk)
    assert (unchanged.legal_hold, unchanged.version) == (False, request.version)


# The daily list, destruction and what it leaves (items 7 to 9)

CLOSED_ON = dt.date(2026, 3, 20)
DUE_ON = CLOSED_ON + dt.timedelta(days=30)


@pytest.fixture(autouse=True)
def _thirty_days(settings: Any) -> None:
    settings.REQUEST_RETENTION_DAYS = 30


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> factories.FakeLetters:
    fake = factories.FakeLetters()
    monkeypatch.setattr("requests_app.services.letters.letter_generate", fake)
    monkeypatch.setattr(guards, "_REGISTRY", {})  # the disclosure app's sign-off conditions are its tests' business
    return fake


def _on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON), tick=False)


def _closed(casey: User, *, name: str = "Jo Closed", kind: RightKind = RightKind.PORTABILITY) -> RightsRequest:
    """A request answered and closed on CLOSED_ON, through the real steps."""
    with _on(dt.date(2026, 3, 2)):
        request = factories.make_request(
            kind=kind, received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2), subject_name=name
        )
        request = factories.verify_identity(request, by=casey, on=dt.date(2026, 3, 2))
    with _on(CLOSED_ON):
        return factories.take_steps(request, "start_work", "answer", "close", user=casey, today=CLOSED_ON)


def test_the_daily_task_lists_closed_requests_once_due(
    boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    closed = _closed(casey)
    held = _closed(casey, name="Kim Held")
    request_set_legal_hold(request_id=held.pk, by=boss, hold=True, reason="Claim in the county court.")
    with _on(dt.date(2026, 3, 2)):
        factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2), subject_name="Open Still")

    assert request_retention_sweep(today=(DUE_ON - dt.timedelta(days=1)).isoformat()) == 0
    assert request_retention_sweep(today=DUE_ON.isoformat()) == 2
    assert request_retention_sweep(today=DUE_ON.isoformat()) == 2  # idempotent
    rows = {row.request_id: row for row in RequestRetentionDue.objects.all()}
    assert set(rows) == {closed.pk, held.pk}
    assert (rows[closed.pk].due_on, rows[closed.pk].listed_on, rows[closed.pk].blocked_reason) == (DUE_ON, DUE_ON, "")
    assert rows[held.pk].blocked_reason == "it is on legal hold (Claim in the county court.)"


def test_the_daily_task_is_scheduled_once_by_a_migration(db: None) -> None:
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    [task] = PeriodicTask.objects.filter(task="requests_app.request_retention_sweep")
    assert task.enabled and task.crontab is not None and str(task.crontab.timezone) == "Europe/London"
    migration = importlib.import_module("requests_app.migrations.0012_schedule_request_retention_sweep")
    migration.schedule_request_retention(apps, None)
    assert PeriodicTask.objects.filter(task="requests_app.request_retention_sweep").count() == 1


def test_the_list_and_destruction_are_the_managers_alone(
    boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    closed = _closed(casey)
    with _on(DUE_ON):
        assert _client(casey).get(reverse("request_retention")).status_code == 403
        for url in (reverse("request_destroy", args=[closed.pk]), reverse("request_destroy_all")):
            assert _client(casey).get(url).status_code == 403
            assert _client(casey).post(url, {"confirm": "on"}).status_code == 403
        assert closed.reference in _client(boss).get(reverse("request_retention")).content.decode()
    for who in (casey, None):
        with pytest.raises(ApplicationError, match="Only a manager can confirm the destruction"):
            request_destroy(request_id=closed.pk, by=who, today=DUE_ON)
    assert RightsRequest.objects.filter(pk=closed.pk).exists()


def test_open_not_yet_due_and_held_requests_are_refused_and_nothing_changes(
    boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    closed = _closed(casey)
    with _on(dt.date(2026, 3, 2)):
        still_open = factories.make_request(
            received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 2), subject_name="Open Still"
        )
    with pytest.raises(ApplicationError, match="is still open"):
        request_destroy(request_id=still_open.pk, by=boss, today=DUE_ON)
    with pytest.raises(ApplicationError, match="is not due for destruction until 19 April 2026"):
        request_destroy(request_id=closed.pk, by=boss, today=DUE_ON - dt.timedelta(days=1))
    request_set_legal_hold(request_id=closed.pk, by=boss, hold=True, reason="ICO complaint open.")
    with pytest.raises(ApplicationError, match=r"is on legal hold \(ICO complaint open\.\)"):
        request_destroy(request_id=closed.pk, by=boss, today=DUE_ON)
    with _on(DUE_ON):
        response = _client(boss).post(reverse("request_destroy", args=[closed.pk]), {"confirm": "on"})
        assert response.status_code == 200 and "on legal hold" in response.content.decode()
        response = _client(boss).post(reverse("request_destroy_all"), {"confirm": "on"}, follow=True)
    assert "was not destroyed: it is on legal hold" in response.content.decode()
    assert RightsRequest.objects.filter(pk=closed.pk).exists()
    assert not RequestStatistic.objects.exists() and not RequestDestructionCertificate.objects.exists()


def test_a_person_another_request_still_names_is_kept(
    boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    closed = _closed(casey, name="Alex Shared")
    with _on(dt.date(2026, 4, 1)):
        other = factories.make_request(
            received=dt.date(2026, 4, 1), today=dt.date(2026, 4, 1), subject_name="Sam Other"
        )
    other.requester = closed.subject  # Alex, now asking for someone else: the same person
    other.save()
    subject_id = closed.subject_id
    certificate = request_destroy(request_id=closed.pk, by=boss, today=DUE_ON)
    assert Person.objects.filter(pk=subject_id).exists()
    assert Person.history.filter(id=subject_id).exists()  # type: ignore[attr-defined]
    assert (certificate.people_destroyed, certificate.people_kept) == (0, 1)
    assert not RightsRequest.objects.filter(pk=closed.pk).exists()


def test_destruction_leaves_only_the_statistics_and_the_certificate(
    boss: User, casey: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Everything about the request goes, history and files too: disclosure's records and packs, the searches,
    the people; a scan of the database finds neither name nor reference outside the certificate."""
    with _on(dt.date(2026, 3, 16)):
        request = factories.pack_case(manager_user=boss, caseworker_user=casey)
        factories.keep_subject_search(request, by=casey)
        from disclosure.models import ThirdParty
        from disclosure.services.consent import consent_request_send

        reopened = factories.take_steps(request, "reopen_review", user=boss, today=dt.date(2026, 3, 16))
        consent_request_send(  # a third party asked by post: the request, its letter and the party all go
            by=casey,
            third_party=ThirdParty.objects.get(request=reopened),
            method="post",
            address="3 Elm Road, Stockport",
            what_disclosed="That Carol Quill wrote a note.",
            why="Someone entitled to the records asked.",
            today=dt.date(2026, 3, 16),
        )
        from disclosure.services.review import third_party_decide

        third_party_decide(  # consent asked is a new fact: the para 16 judgement is made again
            by=casey,
            third_party=ThirdParty.objects.get(request=reopened),
            reasonable_to_disclose=False,
            reasons="Asked.",
        )
        request = factories.take_steps(reopened, "submit_for_sign_off", user=casey, today=dt.date(2026, 3, 16))
        request = factories.take_steps(request, "approve", user=boss, today=dt.date(2026, 3, 16))
        letter = letter_log(
            request=request,
            by=casey,
            direction="in",
            date=dt.date(2026, 3, 16),
            method="post",
            addressee="Sam Example",
            summary="Sam Example asks when the pack will come.",
            file=SimpleUploadedFile("scan.pdf", PDF),
        )
        evidence = evidence_record(
            request_id=request.pk,
            by=casey,
            kind=EvidenceKind.IDENTITY,
            description="Passport of Sam Example",
            seen_on=dt.date(2026, 3, 16),
            received_on=dt.date(2026, 3, 16),
            scan=SimpleUploadedFile("passport.pdf", PDF),
            today=dt.date(2026, 3, 16),
        )
        pack = Pack(request=request, status="released", created_by=boss)
        pack.save()
        pack.file.save("pack.pdf", ContentFile(PDF))
        request_view_record(request=request, user=casey)
        message_send(  # a code sent by the service: filed with the request, destroyed with it
            to="sam@example.org",
            template="portal_code",
            context={"reference": request.reference, "code": "123456", "minutes": 15},
            request=request,
        )
        link = PortalLink.objects.create(pack=pack, token_hash="a" * 64, expires_at=timezone.now())
        PortalCode.objects.create(
            link=link, code_hash="b" * 64, channel="phone", expires_at=timezone.now(), created_at=timezone.now()
        )
        Notice.objects.create(
            recipient=casey,
            request=request,
            kind="reminder",
            threshold=5,
            due_date=request.due_date,
            message=f"{request.reference} (Alex Example) is due in 5 days.",
        )
        LogEntry.objects.create(
            user=boss,
            content_type=ContentType.objects.get_for_model(Person),
            object_id=str(request.subject_id),
            object_repr="Alex Example",
            action_flag=CHANGE,
        )
    with _on(CLOSED_ON):
        request = factories.take_steps(request, "disclose", "close", user=boss, today=CLOSED_ON)
    reference = request.reference
    storage = letter.file.storage
    files = [
        evidence.scan.name,
        pack.file.name,
        *(d.original.name for d in Document.objects.filter(request=request) if d.original),
        *(kept.file.name for kept in request.letters.all() if kept.file),
    ]
    assert letter.file.name in files and len(files) >= 6 and all(storage.exists(name) for name in files)

    from reviews.models import SubjectSearchRun

    searches = SubjectSearchRun.objects.filter(request_reference=reference).count()
    assert searches >= 1  # the one kept here, and the one sign-off needs (tests.factories.take_steps)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = request_destroy(request_id=request.pk, by=boss, today=DUE_ON)
    assert all(storage.exists(name) for name in files)  # nothing leaves the disk before the commit
    for callback in callbacks:
        callback()
    assert not any(storage.exists(name) for name in files)

    assert certificate.request_reference == reference and certificate.destroyed_by == boss
    assert certificate.counts["letters"] >= 2 and certificate.counts["documents"] == 4
    assert certificate.counts["people"] == 2 and certificate.counts["subject searches"] == searches
    # The code above, and each agency's link to check its redactions (pack_case has both agencies agree).
    assert certificate.counts["messages"] == 3 and certificate.counts["portal codes"] == 1
    assert certificate.counts["owner reviews"] == 2 and certificate.counts["consent requests"] == 1
    assert certificate.counts["owner review accesses"] == 2
    assert certificate.files_deleted == len(set(files))
    for text in (certificate.what, certificate.how):
        assert "Alex" not in text and "Sam" not in text
    assert RequestStatistic.objects.count() == 1

    allowed = {RequestDestructionCertificate, RequestDestructionCertificate.history.model}  # type: ignore[attr-defined]
    found = []
    for model in apps.get_models():
        if model in allowed:
            continue
        text_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, CharField | TextField | FileField)]
        for needle in ("Alex Example", "Sam Example", reference, "Jane Doe", "Carol Quill"):
            query = Q()
            for name in text_fields:
                query |= Q(**{f"{name}__contains": needle})
            if text_fields and model._default_manager.filter(query).exists():
                found.append((model._meta.label, needle))
    assert found == []


def test_the_statistics_row_keeps_figures_only(boss: User, casey: User, fake_letters: factories.FakeLetters) -> None:
    closed = _closed(casey)
    request_destroy(request_id=closed.pk, by=boss, today=DUE_ON)
    row = RequestStatistic.objects.get()
    assert (row.kind, row.channel, row.representative_role, row.final_status, row.outcome) == (
        "portability",
        "letter",
        "self",
        "closed",
        "answered",
    )
    assert (row.received_month, row.answered_month, row.closed_month) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 1),
    )
    assert (row.days_to_respond, row.on_time, row.extended, row.refused, row.refusal_ground) == (
        18,
        True,
        False,
        False,
        "",
    )
    assert not hasattr(row, "history")  # no timestamp to tie it to its certificate


# The reports count destroyed requests from their statistics (item 7)

quarter_data = reporting_tests.quarter_data  # the reporting tests' hand-built quarter, as a fixture here too

PERIODS = [
    Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026Q1"),
    Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31), "2025Q4"),
    Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31), "2025/26"),
]


def _close_for_test(request: RightsRequest, when: dt.datetime) -> None:
    """Test data only: the reporting fixture writes its answers straight into the event log, so its requests are
    closed the same way (a status the machines would reach by their own steps, with no history row)."""
    if request.is_open:
        RightsRequest.objects.filter(pk=request.pk).update(status=Status.CLOSED, closed_at=when)


def test_a_periods_figures_do_not_change_when_its_requests_are_destroyed(
    quarter_data: dict[str, RightsRequest], staff: dict[str, User]
) -> None:
    boss = staff["manager"]
    today = dt.date(2026, 4, 10)
    for key, request in quarter_data.items():
        if key != "F":  # F stays open
            _close_for_test(request, dt.datetime(2026, 3, 20, 12, 0, tzinfo=LONDON))
    before = {period.name: report_build(period=period, today=today) for period in PERIODS}
    assert before["2026Q1"].answered_total.answered == 7 and before["2026Q1"].refusals_total == 4

    destroyed = 0
    for key, request in quarter_data.items():
        if key != "F":
            request_destroy(request_id=request.pk, by=boss, today=dt.date(2026, 4, 19))
            destroyed += 1
    assert RequestStatistic.objects.count() == destroyed == 9
    assert RightsRequest.objects.count() == 1

    after = {period.name: report_build(period=period, today=today) for period in PERIODS}
    for name in before:
        assert after[name] == before[name], name


def test_the_report_costs_the_same_however_many_requests_were_destroyed(
    boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026Q1")
    request_destroy(request_id=_closed(casey, name="First Gone").pk, by=boss, today=DUE_ON)
    with CaptureQueriesContext(connection) as one:
        first = report_build(period=period, today=DUE_ON)
    for name in ("Second Gone", "Third Gone", "Fourth Gone"):
        request_destroy(request_id=_closed(casey, name=name).pk, by=boss, today=DUE_ON)
    with CaptureQueriesContext(connection) as four:
        last = report_build(period=period, today=DUE_ON)
    assert len(one) == len(four)
    assert (first.received_total, last.received_total) == (1, 4)
    assert last.answered_by_kind[[k for k, _ in last.kinds].index("portability")].answered == 4


def test_a_closed_request_that_had_a_fee_is_destroyed_with_it(
    boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    with _on(dt.date(2026, 3, 2)):
        request = factories.make_request(
            kind=RightKind.PORTABILITY,
            received=dt.date(2026, 3, 2),
            today=dt.date(2026, 3, 2),
            subject_name="Fee Payer",
        )
        request = factories.verify_identity(request, by=casey, on=dt.date(2026, 3, 2))
        request = factories.take_steps(request, "start_work", user=casey, today=dt.date(2026, 3, 2))
        request = factories.take_steps(
            request,
            "ask_fee",
            user=boss,
            today=dt.date(2026, 3, 3),
            data={
                "ask_fee": {
                    "fee_basis": "manifestly_excessive",
                    "fee_amount": "25",
                    "fee_reason": "The fourth request for the same records this year.",
                }
            },
        )
        request = factories.take_steps(request, "waive_fee", user=boss, today=dt.date(2026, 3, 4))
    with _on(CLOSED_ON):
        closed = factories.take_steps(request, "answer", "close", user=casey, today=CLOSED_ON)
    assert Fee.objects.filter(request=closed).count() == 1
    certificate = request_destroy(request_id=closed.pk, by=boss, today=DUE_ON)
    assert not RightsRequest.objects.filter(pk=closed.pk).exists() and not Fee.objects.exists()
    assert certificate.counts["fees"] == 1
    assert not Fee.history.filter(request_id=closed.pk).exists()  # its history goes too: it names the reason


def test_proof_sent_online_is_destroyed_with_its_files(
    boss: User, casey: User, fake_letters: factories.FakeLetters, django_capture_on_commit_callbacks
) -> None:
    from pathlib import Path

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from requests_app.models import SubmittedDocument

    closed = _closed(casey, name="Jo Sent")
    document = SubmittedDocument(
        request=closed,
        kind="identity",
        original_name="passport.pdf",
        media_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    document.file.save("identity-x.pdf", ContentFile(PDF), save=False)
    document.save()
    path = Path(document.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = request_destroy(request_id=closed.pk, by=boss, today=DUE_ON)
    assert certificate.counts["proof sent online"] == 1
    assert not SubmittedDocument.objects.exists() and not SubmittedDocument.history.exists()  # type: ignore[attr-defined]
    assert not path.exists()
