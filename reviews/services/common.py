"""Small helpers shared by the holdings services."""

from __future__ import annotations

import datetime as dt

from reviews.models import (
    DataSubjectRecord,
    RecordStatus,
)
from rights import ApplicationError


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _for(request_reference: str) -> str:
    return f" for {request_reference}" if request_reference else ""


def _lock_held(record: DataSubjectRecord) -> DataSubjectRecord:
    """The record, locked; refused when it has been erased."""
    locked = DataSubjectRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status != RecordStatus.ACTIVE:
        raise ApplicationError(
            f"Record {locked.reference} was {locked.get_status_display().lower()}: nothing is left to change."
        )
    return locked
