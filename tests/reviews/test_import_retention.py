"""Retention covers imported data: destroyed with its review and counted on the certificate; stale uploads emptied."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from reviews.models import DataSubjectRecord, HoldingsImport, ImportStatus, RecordStatus, Review
from reviews.services import review_conclude
from reviews.services.retention import review_destroy_agency_data
from reviews.services.returns import COLUMNS, holdings_import, holdings_imports_purge

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)


def _return(n: int) -> bytes:
    lines = [",".join(COLUMNS)]
    for i in range(n):
        lines.append(
            f"CSPR-2025-01,practice_review,Child A,Greater Manchester Police,reflection,GMP-{i},IMR,2025-06-01,"
            f"Child {chr(65 + i)} Hart,,2012-01-0{i + 1},,police;health"
        )
    return ("\n".join(lines) + "\n").encode()


def test_imported_records_are_destroyed_with_their_review_and_counted(boss: User) -> None:
    holdings_import(file_name="r.csv", data=_return(3), today=TODAY)
    review = Review.objects.get()
    review_conclude(review=review, by=boss, concluded=dt.date(2026, 1, 5), today=TODAY)
    certificate = review_destroy_agency_data(review=review, by=boss, today=TODAY)
    assert certificate.records == 3
    assert certificate.category_entries == 3 * 4  # name, date of birth, police, health
    assert set(DataSubjectRecord.objects.values_list("status", flat=True)) == {RecordStatus.DESTROYED}
    assert set(DataSubjectRecord.objects.values_list("title", flat=True)) == {""}
    assert not DataSubjectRecord.history.filter(full_name__contains="Hart").exists()


def test_unconfirmed_uploads_lose_their_file_after_a_week(boss: User) -> None:
    upload = HoldingsImport.objects.create(
        file_name="r.csv", content=_return(1), uploaded_by=boss, status=ImportStatus.UPLOADED
    )
    assert holdings_imports_purge(now=timezone.now()) == 0
    assert holdings_imports_purge(now=timezone.now() + dt.timedelta(days=8)) == 1
    upload.refresh_from_db()
    assert bytes(upload.content) == b"" and upload.status == ImportStatus.FAILED
