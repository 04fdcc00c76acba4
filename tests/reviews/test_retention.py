"""Retention: what is due, the daily sweep, and destruction on a Manager's confirmation with a certificate."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from reviews.holds import Hold, holds_for_open_requests
from reviews.models import (
    AgencySubmission,
    DataShare,
    DataSubjectRecord,
    DestructionCertificate,
    DestructionDue,
    DueStatus,
    HeldCategory,
    HitDecision,
    RecordStatus,
    Restriction,
    Review,
    SubjectSearchHit,
)
from reviews.retention import due_items, retention_days
from reviews.search import SearchCriteria
from reviews.services import (
    review_conclude,
    review_set_legal_hold,
    search_hit_decide,
    search_run_create,
    subject_export,
    subject_restrict,
    submission_create,
)
from reviews.services.erasure import ERASED_NOTE
from reviews.services.retention import destruction_due_refresh, review_destroy_agency_data
from reviews.tasks import retention_sweep
from rights import ApplicationError
from rights.effects import RestrictionBasis
from tests.reviews.conftest import TODAY, Holdings

CONCLUDED = dt.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _thirty_days(settings: Any) -> None:
    settings.REVIEW_RETENTION_DAYS = 30


@pytest.fixture
def concluded(held: Holdings) -> Review:
    """A concluded review with two agencies' data about two people; due on 4 March 2026."""
    review = held.review(reference="CSPR-2025-01", concluded=CONCLUDED)
    police = held.submission(review)
    health = held.submission(
        review, agency=held.agency("Stockport NHS Foundation Trust", "health"), submission_type="statistical"
    )
    held.record(
        "Alex Example", submission=police, date_of_birth=dt.date(2012, 5, 1), categories={"police": "Incident log"}
    )
    held.record(
        "Sam Example", submission=health, address="1 High Street SK1 1AA", categories={"health": "A&E attendance"}
    )
    return review


def test_retention_days_setting(settings: Any) -> None:
    assert retention_days() == 30
    del settings.REVIEW_RETENTION_DAYS
    assert retention_days() == 0
    settings.REVIEW_RETENTION_DAYS = -1
    with pytest.raises(ApplicationError, match="REVIEW_RETENTION_DAYS"):
        retention_days()


def test_due_only_after_conclusion_plus_period(concluded: Review, held: Holdings) -> None:
    held.review(reference="OPEN-1")  # still running: never due
    assert due_items(today=dt.date(2026, 3, 3)) == []
    [item] = due_items(today=dt.date(2026, 3, 4))
    assert (item.review, item.due_on, item.ready) == (concluded, dt.date(2026, 3, 4), True)


def test_daily_sweep_lists_once_and_refreshes_blocks(concluded: Review, boss: User) -> None:
    [due] = destruction_due_refresh(today=TODAY)
    assert (due.review, due.due_on, due.listed_on, due.status, due.blocked_reason) == (
        concluded,
        dt.date(2026, 3, 4),
        TODAY,
        DueStatus.DUE,
        "",
    )
    destruction_due_refresh(today=TODAY + dt.timedelta(days=1))
    assert DestructionDue.objects.count() == 1 and DestructionDue.objects.get().listed_on == TODAY
    review_set_legal_hold(review=concluded, by=boss, hold=True, reason="Police investigation")
    destruction_due_refresh(today=TODAY)
    assert DestructionDue.objects.get().blocked_reason == "it is on legal hold (Police investigation)"
    assert DestructionDue.history.count() == 2


def test_task_is_thin_and_idempotent(concluded: Review) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 16, 7, 0, tzinfo=dt.UTC), tick=False):
        assert retention_sweep.delay().get() == 1
        assert retention_sweep.delay().get() == 1
    assert DestructionDue.objects.count() == 1


def test_destruction_needs_a_manager(concluded: Review, worker: User, professional: User) -> None:
    for user in (worker, professional):
        with pytest.raises(ApplicationError, match="Only a Manager can confirm the destruction of agency data"):
            review_destroy_agency_data(review=concluded, by=user, today=TODAY)
    assert DataSubjectRecord.objects.filter(status=RecordStatus.ACTIVE).count() == 2


def test_destruction_refused_under_legal_hold(concluded: Review, boss: User) -> None:
    review_set_legal_hold(review=concluded, by=boss, hold=True, reason="Coroner's inquest")
    with pytest.raises(
        ApplicationError, match=r"Not destroyed \(CSPR-2025-01\): it is on legal hold \(Coroner's inquest\)"
    ):
        review_destroy_agency_data(review=concluded, by=boss, today=TODAY)
    assert not DestructionCertificate.objects.exists()
    review_set_legal_hold(review=concluded, by=boss, hold=False, reason="Inquest closed")
    review_destroy_agency_data(review=concluded, by=boss, today=TODAY)


def test_destruction_refused_while_an_open_request_needs_it(
    concluded: Review, boss: User, hold_provider: list[Hold]
) -> None:
    record_id = DataSubjectRecord.objects.filter(submission__review=concluded).values_list("pk", flat=True).first()
    hold_provider.append(Hold("RR-2026-0042", record_ids=frozenset({record_id})))  # type: ignore[arg-type]
    with pytest.raises(ApplicationError, match="open request RR-2026-0042 still needs 1 of its records"):
        review_destroy_agency_data(review=concluded, by=boss, today=TODAY)
    [item] = due_items(today=TODAY)
    assert item.blocked == ["open request RR-2026-0042 still needs 1 of its records"]
    hold_provider[:] = [Hold("RR-2026-0043", review_ids=frozenset({concluded.pk}))]
    with pytest.raises(ApplicationError, match="open request RR-2026-0043 still needs the review"):
        review_destroy_agency_data(review=concluded, by=boss, today=TODAY)
    hold_provider.clear()
    review_destroy_agency_data(review=concluded, by=boss, today=TODAY)


def test_destruction_refused_while_the_person_asked_to_keep_it(concluded: Review, boss: User) -> None:
    record = DataSubjectRecord.objects.filter(submission__review=concluded).first()
    assert record is not None
    subject_restrict(record=record, by=boss, basis=RestrictionBasis.LEGAL_CLAIMS, reason="Needed for a claim")
    with pytest.raises(ApplicationError, match=r"asked for their data to be kept \(UK GDPR Article 18\(1\)\(c\)\)"):
        review_destroy_agency_data(review=concluded, by=boss, today=TODAY)


def test_destruction_refused_before_due_or_before_conclusion(concluded: Review, held: Holdings, boss: User) -> None:
    with pytest.raises(ApplicationError, match="not due for destruction until 4 March 2026"):
        review_destroy_agency_data(review=concluded, by=boss, today=dt.date(2026, 3, 3))
    running = held.review(reference="OPEN-2")
    with pytest.raises(ApplicationError, match="has not concluded"):
        review_destroy_agency_data(review=running, by=boss, today=TODAY)


def test_destruction_destroys_certifies_and_keeps_history(concluded: Review, boss: User, worker: User) -> None:
    destruction_due_refresh(today=TODAY)
    record_ids = list(DataSubjectRecord.objects.filter(submission__review=concluded).values_list("pk", flat=True))
    certificate = review_destroy_agency_data(review=concluded, by=boss, today=TODAY)

    # What, when, who, how: references and counts, no personal data.
    assert certificate.kind == "retention" and certificate.review == concluded
    assert (certificate.submissions, certificate.records, certificate.category_entries) == (2, 2, 6)
    assert certificate.destroyed_by == boss and certificate.destroyed_by_name == "boss" and certificate.destroyed_at
    assert certificate.what.startswith(
        "Agency data of CSPR-2025-01 (Child Safeguarding Practice Review, concluded 2 February 2026): 2 submissions from 2 agencies"
    )
    text = certificate.what + certificate.how
    assert "Example" not in text and "Child A" not in text and "SK1" not in text
    assert "change history" in certificate.how

    # The data is gone, from the live rows and from the history; the history rows themselves remain.
    records = DataSubjectRecord.objects.filter(pk__in=record_ids)
    assert set(records.values_list("status", "full_name", "address")) == {(RecordStatus.DESTROYED, "[destroyed]", "")}
    assert not HeldCategory.objects.filter(record_id__in=record_ids).exists()
    history = DataSubjectRecord.history.filter(id__in=record_ids)
    assert history.count() == 4
    assert set(history.values_list("full_name", flat=True)) == {"[destroyed]"}
    assert set(HeldCategory.history.filter(record_id__in=record_ids).values_list("value", flat=True)) == {""}
    assert set(AgencySubmission.objects.filter(review=concluded).values_list("summary", flat=True)) == {""}
    assert set(AgencySubmission.history.filter(review_id=concluded.pk).values_list("summary", flat=True)) == {""}
    assert all(s.destroyed_at for s in AgencySubmission.objects.filter(review=concluded))

    concluded.refresh_from_db()
    assert concluded.agency_data_destroyed_at is not None
    assert (
        concluded.history.latest().history_change_reason
        == f"Agency data destroyed: certificate {certificate.reference}"
    )
    due = DestructionDue.objects.get(review=concluded)
    assert (due.status, due.certificate) == (DueStatus.DESTROYED, certificate)
    assert due_items(today=TODAY) == []

    with pytest.raises(ApplicationError, match="already been destroyed"):
        review_destroy_agency_data(review=concluded, by=boss, today=TODAY)
    with pytest.raises(ApplicationError, match="has been destroyed"):
        submission_create(
            by=worker,
            review=concluded,
            agency=certificate.review.submissions.first().agency,  # type: ignore[union-attr]
            submission_type="statistical",
            title="Late",
            received_on=TODAY,
        )


def test_conclude_refusals(held: Holdings, boss: User) -> None:
    review = held.review(started=dt.date(2026, 1, 1))
    with pytest.raises(ApplicationError, match="between the start"):
        review_conclude(review=review, by=boss, concluded=dt.date(2025, 12, 31), today=TODAY)
    with pytest.raises(ApplicationError, match="between the start"):
        review_conclude(review=review, by=boss, concluded=TODAY + dt.timedelta(days=1), today=TODAY)
    review_conclude(review=review, by=boss, concluded=TODAY, today=TODAY)
    with pytest.raises(ApplicationError, match="already"):
        review_conclude(review=review, by=boss, concluded=TODAY, today=TODAY)


def test_command_prints_what_is_due(concluded: Review, held: Holdings, boss: User) -> None:
    other = held.review(reference="S11-2025-02", review_type="section_11", concluded=dt.date(2026, 1, 5))
    review_set_legal_hold(review=other, by=boss, hold=True, reason="Complaint")
    out = StringIO()
    call_command("retention_due", "--today", "2026-03-16", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Agency data is due for destruction 30 days after it concludes (REVIEW_RETENTION_DAYS=30)."
    assert lines[1].startswith(
        "S11-2025-02\tSection 11 compliance audit\tconcluded 2026-01-05\tdue 2026-02-04\tblocked: it is on legal hold"
    )
    assert lines[2] == (
        "CSPR-2025-01\tChild Safeguarding Practice Review\tconcluded 2026-02-02\tdue 2026-03-04\tready for a Manager to confirm"
    )
    assert lines[3] == "2 due, 1 ready, 1 blocked."
    out = StringIO()
    call_command("retention_due", "--today", "2026-02-01", stdout=out)
    assert "Nothing is due for destruction on 2026-02-01." in out.getvalue()
    with pytest.raises(CommandError, match="not a date"):
        call_command("retention_due", "--today", "yesterday")


def test_destruction_refused_while_an_open_requests_search_hit_is_undecided(
    concluded: Review, boss: User, worker: User, hold_provider: list[Hold]
) -> None:
    """A pending hit may be the subject's: until the caseworker decides, the record is needed (Art 15)."""
    run = search_run_create(by=worker, criteria=SearchCriteria(name="Alex Example"), request_reference="RR-2026-0050")
    alex, sam = run.hits.order_by("rank")  # Sam Example shares the surname: a weak hit, still undecided
    assert {alex.decision, sam.decision} == {HitDecision.PENDING}
    search_hit_decide(hit=alex, by=worker, decision=HitDecision.CONFIRMED)
    hold_provider.extend(holds_for_open_requests(["RR-2026-0050"]))
    expected = (
        "Not destroyed (CSPR-2025-01): open request RR-2026-0050 still needs 2 of its records "
        "(1 search hit not yet confirmed or rejected)."
    )
    with pytest.raises(ApplicationError) as refused:
        review_destroy_agency_data(review=concluded, by=boss, today=TODAY)
    assert refused.value.message == expected
    assert DataSubjectRecord.objects.filter(submission__review=concluded, status=RecordStatus.ACTIVE).count() == 2

    # Rejecting Alex's confirmation leaves only the undecided hit: still refused, and said so.
    search_hit_decide(hit=alex, by=worker, decision=HitDecision.REJECTED)
    hold_provider[:] = holds_for_open_requests(["RR-2026-0050"])
    [item] = due_items(today=TODAY)
    assert item.blocked == [
        "open request RR-2026-0050 still needs 1 of its records (1 search hit not yet confirmed or rejected)"
    ]
    with pytest.raises(ApplicationError, match=r"not yet confirmed or rejected"):
        review_destroy_agency_data(review=concluded, by=boss, today=TODAY)

    # Once every hit is decided, nothing of the open request is left in the review.
    search_hit_decide(hit=sam, by=worker, decision=HitDecision.REJECTED)
    hold_provider[:] = holds_for_open_requests(["RR-2026-0050"])
    review_destroy_agency_data(review=concluded, by=boss, today=TODAY)


def test_retention_days_is_read_from_the_environment() -> None:
    from tests.test_settings_and_smoke import clean_env, run_python

    script = "import django; django.setup(); from django.conf import settings; print(settings.REVIEW_RETENTION_DAYS)"
    base = {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    assert run_python(["-c", script], clean_env(**base, REVIEW_RETENTION_DAYS="45")).stdout.strip() == "45"
    assert run_python(["-c", script], clean_env(**base)).stdout.strip() == "0"


def test_the_daily_sweep_is_scheduled_once(db: None) -> None:
    """A django-celery-beat PeriodicTask (the Manager can move or pause it in the admin), made by a migration."""
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    [task] = PeriodicTask.objects.filter(task="reviews.retention_sweep")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("45", "6", "*")
    assert str(task.crontab.timezone) == "Europe/London"
    migration = importlib.import_module("reviews.migrations.0002_schedule_retention_sweep")
    migration.schedule_retention_sweep(apps, None)  # idempotent: running it again adds nothing
    assert PeriodicTask.objects.filter(task="reviews.retention_sweep").count() == 1


def test_destruction_leaves_no_free_text_behind(concluded: Review, boss: User, worker: User, held: Holdings) -> None:
    """Submission titles and the notes written about each person go too, from the live rows and the history."""
    submission = AgencySubmission.objects.filter(review=concluded).first()
    assert submission is not None
    record = DataSubjectRecord.objects.get(submission=submission)
    submission_create(
        by=worker,
        review=concluded,
        agency=submission.agency,
        submission_type="performance",
        title="Sam Example's school figures",
        received_on=CONCLUDED,
    )
    school = held.agency("Hillside School", "education")
    subject_export(record=record, by=worker, purpose="Alex's audit", recipient=school, today=TODAY)
    restricted = subject_restrict(
        record=record, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Alex disputes the incident"
    )
    run = search_run_create(by=worker, criteria=SearchCriteria(name="Alex Example"), request_reference="RR-2026-0070")
    search_hit_decide(hit=run.hits.get(record=record), by=worker, decision=HitDecision.REJECTED, note="Alex is older")
    review_destroy_agency_data(review=concluded, by=boss, today=TODAY)

    ids = list(AgencySubmission.objects.filter(review=concluded).values_list("pk", flat=True))
    titles = set(AgencySubmission.objects.filter(pk__in=ids).values_list("title", flat=True))
    titles |= set(AgencySubmission.history.filter(id__in=ids).values_list("title", flat=True))
    assert titles == {"[destroyed]"}
    reasons = set(Restriction.history.filter(id=restricted.restriction.pk).values_list("reason", flat=True))
    assert reasons == {ERASED_NOTE}
    purposes = set(DataShare.history.filter(record_id=record.pk).values_list("purpose", flat=True))
    assert purposes == {ERASED_NOTE}
    notes = set(SubjectSearchHit.history.filter(record_id=record.pk).values_list("decision_note", flat=True))
    assert "Alex is older" not in notes and ERASED_NOTE in notes
