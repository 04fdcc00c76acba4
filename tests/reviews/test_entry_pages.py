"""Pages that put the partnership's own data in: reviews, submissions, records, the NCND flag, and imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from reviews.models import DataSubjectRecord, HoldingsImport, HoldingView, ImportStatus, Review
from reviews.services.returns import COLUMNS
from tests.factories import caseworker, manager, reviewer, sign_in
from tests.reviews.conftest import Holdings

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def record(held: Holdings) -> DataSubjectRecord:
    return held.record("Zoë O'Brien", date_of_birth=dt.date(2015, 3, 2), categories={"police": ""})


def _pages(record: DataSubjectRecord) -> dict[str, str]:
    submission, review = record.submission, record.submission.review
    return {
        "review_new": reverse("reviews:review_new"),
        "review_edit": reverse("reviews:review_edit", args=[review.pk]),
        "review_holdings": reverse("reviews:review_holdings", args=[review.pk]),
        "agency_new": reverse("reviews:agency_new"),
        "submission_new": reverse("reviews:submission_new", args=[review.pk]),
        "submission_detail": reverse("reviews:submission_detail", args=[submission.pk]),
        "record_new": reverse("reviews:record_new", args=[submission.pk]),
        "record_detail": reverse("reviews:record_detail", args=[record.pk]),
        "record_edit": reverse("reviews:record_edit", args=[record.pk]),
        "import_upload": reverse("reviews:import_upload"),
    }


MANAGER_ONLY = {"review_new", "review_edit", "review_holdings", "agency_new", "import_upload"}


@pytest.mark.parametrize("role", ["manager", "caseworker", "reviewer", "anonymous"])
def test_each_role_reaches_only_its_pages(record: DataSubjectRecord, role: str) -> None:
    users = {"manager": manager, "caseworker": caseworker, "reviewer": reviewer}
    client = _client(users[role](f"{role}-x")) if role in users else Client()
    for name, url in _pages(record).items():
        status = client.get(url).status_code
        if role == "anonymous":
            assert status == 302, name
        elif role == "manager" or (role == "caseworker" and name not in MANAGER_ONLY):
            assert status == 200, (role, name)
        else:
            assert status == 403, (role, name)


def test_a_manager_records_a_review_a_submission_and_a_person(boss: User, held: Holdings) -> None:
    client = _client(boss)
    agency = held.agency()
    response = client.post(
        reverse("reviews:review_new"),
        {
            "reference": "LR-2026-02",
            "review_type": "learning_review",
            "title": "Family B",
            "started_day": "2",
            "started_month": "2",
            "started_year": "2026",
        },
    )
    review = Review.objects.get(reference="LR-2026-02")
    assert response.status_code == 302
    response = client.post(
        reverse("reviews:submission_new", args=[review.pk]),
        {
            "agency": agency.pk,
            "submission_type": "reflection",
            "title": "IMR",
            "received_on_day": "3",
            "received_on_month": "2",
            "received_on_year": "2026",
        },
    )
    submission = review.submissions.get()
    response = client.post(
        reverse("reviews:record_new", args=[submission.pk]),
        {
            "agency_reference": "GMP-77",
            "full_name": "Liam Hart",
            "date_of_birth_day": "20",
            "date_of_birth_month": "11",
            "date_of_birth_year": "2012",
            "address": "3 Low Road, Stockport SK2 6PQ",
            "categories": ["police", "family_members"],
        },
    )
    record = submission.subjects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reviews:record_detail", args=[record.pk])
    assert record.agency_reference == "GMP-77" and record.postcode == "SK2 6PQ" and record.subject_id
    assert set(record.categories.values_list("category", flat=True)) == {
        "name",
        "date_of_birth",
        "address",
        "police",
        "family_members",
    }


def test_editing_a_record_needs_a_reason_and_leaves_history_with_who_and_why(
    worker: User, record: DataSubjectRecord
) -> None:
    client = _client(worker)
    url = reverse("reviews:record_edit", args=[record.pk])
    data: dict[str, Any] = {"full_name": "Zoe O'Brien", "categories": ["police", "health"]}
    assert client.post(url, data).status_code == 200  # no reason: the form comes back
    response = client.post(url, {**data, "reason": "Agency corrected the spelling"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.full_name == "Zoe O'Brien"
    page = client.get(reverse("reviews:record_detail", args=[record.pk])).content.decode()
    assert "Changed: Agency corrected the spelling" in page and worker.username in page


def test_viewing_a_review_or_record_is_recorded(boss: User, record: DataSubjectRecord) -> None:
    client = _client(boss)
    client.get(reverse("reviews:review_holdings", args=[record.submission.review_id]))
    client.get(reverse("reviews:record_detail", args=[record.pk]))
    views = list(HoldingView.objects.order_by("pk").values_list("user_id", "review_id", "record_id"))
    assert views == [(boss.pk, record.submission.review_id, None), (boss.pk, None, record.pk)]


def test_only_a_manager_flags_a_record_ncnd(boss: User, worker: User, record: DataSubjectRecord) -> None:
    url = reverse("reviews:record_ncnd", args=[record.pk])
    assert _client(worker).post(url, {"ncnd": "set", "reason": "x"}).status_code == 403
    assert _client(boss).post(url, {"ncnd": "set", "reason": "Live investigation"}).status_code == 302
    record.refresh_from_db()
    assert record.ncnd and record.ncnd_reason == "Live investigation"


def _csv(*rows: list[str]) -> bytes:
    return ("\n".join([",".join(COLUMNS), *(",".join(r) for r in rows)]) + "\n").encode()


ROW = [
    "CSPR-2026-09",
    "practice_review",
    "Child C",
    "Greater Manchester Police",
    "reflection",
    "GMP-1",
    "Chronology",
    "2026-01-05",
    "Liam Hart",
    "",
    "2012-11-20",
    "",
    "police",
]


def test_the_import_page_checks_previews_and_imports_on_confirmation(
    boss: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(boss)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:import_upload"), {"file": SimpleUploadedFile("return.csv", _csv(ROW), "text/csv")}
        )
    upload = HoldingsImport.objects.get()
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == ImportStatus.UPLOADED  # Celery is eager in tests: the check has run
    page = client.get(reverse("reviews:import_detail", args=[upload.pk])).content.decode()
    assert "would import 1 new, 0 updated, 0 unchanged records about 1 people in 1 reviews" in page
    assert not DataSubjectRecord.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:import_confirm", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == ImportStatus.DONE and upload.content in (b"", memoryview(b""))
    assert upload.rows_done == upload.rows_total == 1
    record = DataSubjectRecord.objects.get()
    assert record.history.get().history_user == boss
    page = client.get(reverse("reviews:import_detail", args=[upload.pk])).content.decode()
    assert "imported 1 new, 0 updated, 0 unchanged records about 1 people in 1 reviews" in page


def test_a_refused_file_shows_every_error_and_cannot_be_confirmed(
    boss: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(boss)
    bad = [*ROW[:7], "yesterday", *ROW[8:]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:import_upload"), {"file": SimpleUploadedFile("return.csv", _csv(bad), "text/csv")})
    upload = HoldingsImport.objects.get()
    assert upload.status == ImportStatus.INVALID
    page = client.get(reverse("reviews:import_detail", args=[upload.pk])).content.decode()
    assert "row 2, column record_date: &#x27;yesterday&#x27; is not a date in the form YYYY-MM-DD" in page
    client.post(reverse("reviews:import_confirm", args=[upload.pk]))
    assert not DataSubjectRecord.objects.exists()


def test_import_pages_are_a_managers(worker: User, boss: User) -> None:
    upload = HoldingsImport.objects.create(file_name="r.csv", uploaded_by=boss, status=ImportStatus.UPLOADED)
    client = _client(worker)
    assert client.get(reverse("reviews:import_detail", args=[upload.pk])).status_code == 403
    assert client.post(reverse("reviews:import_confirm", args=[upload.pk])).status_code == 403


def test_a_run_whose_confirmer_is_no_longer_a_manager_fails_and_writes_nothing(boss: User, worker: User) -> None:
    from reviews.services.returns import holdings_import_run

    upload = HoldingsImport.objects.create(
        file_name="r.csv", content=_csv(ROW), uploaded_by=boss, confirmed_by=worker, status=ImportStatus.QUEUED
    )
    done = holdings_import_run(import_id=upload.pk)
    assert done.status == ImportStatus.FAILED and done.errors.startswith("Only a Manager")
    assert not DataSubjectRecord.objects.exists()
