"""Destroying a concluded review's agency data at the end of its retention, and the daily list of what is due.

UK GDPR Art 5(1)(e) and the seed notice: "once audits or reviews have concluded the individual
agency data is destroyed". What is due and what blocks it are read in reviews.retention.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from core.retention import due_list_refresh
from core.text import day_text
from reviews.access import require_manager
from reviews.models import (
    AgencySubmission,
    CertificateKind,
    DataSubjectRecord,
    DestructionCertificate,
    DestructionDue,
    DueStatus,
    RecordStatus,
    Review,
    ReviewStatus,
)
from reviews.retention import blocked_reasons, due_items, retention_days
from reviews.services.erasure import record_wipe
from rights import ApplicationError
from rights.effects import ErasureMethod
from rights.retention import retention_due

DESTROYED_TITLE = "[destroyed]"


def destruction_due_refresh(*, today: dt.date) -> list[DestructionDue]:
    """The daily list: a DestructionDue for each review now due, with what blocks it as of today."""
    return due_list_refresh(
        DestructionDue,
        owner="review",
        items=[(item.review, item.due_on, "; ".join(item.blocked)) for item in due_items(today=today)],
        today=today,
        reason="Daily retention sweep",
    )


def review_destroy_agency_data(*, review: Review, by: User, today: dt.date | None = None) -> DestructionCertificate:
    """Destroy a concluded review's agency data on a Manager's confirmation, and certify it (Art 5(1)(e))."""
    require_manager(by, action="confirm the destruction of agency data")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.agency_data_destroyed_at is not None:
            raise ApplicationError(f"The agency data of {locked.reference} has already been destroyed.")
        if locked.status != ReviewStatus.CONCLUDED or locked.concluded is None:
            raise ApplicationError(f"{locked.reference} has not concluded: its agency data is still needed.")
        due_on = retention_due(locked.concluded, retention_days())
        if due_on > today:
            raise ApplicationError(
                f"The agency data of {locked.reference} is not due for destruction until {day_text(due_on)}."
            )
        blocked = blocked_reasons([locked]).get(locked.pk, [])
        if blocked:
            raise ApplicationError(f"Not destroyed ({locked.reference}): {'; '.join(blocked)}.")

        submissions = list(AgencySubmission.objects.select_for_update().filter(review=locked).order_by("pk"))
        records = list(
            DataSubjectRecord.objects.select_for_update()
            .filter(submission__review=locked, status=RecordStatus.ACTIVE)
            .order_by("pk")
        )
        reason = f"Destroyed at the end of retention ({locked.reference})"
        categories = history_rows = 0
        for record in records:
            counts = record_wipe(record, method=ErasureMethod.DESTROY, reason=reason)
            categories += counts.category_entries
            history_rows += counts.history_rows_cleared
        now = timezone.now()
        for submission in submissions:
            submission.title = DESTROYED_TITLE  # free text: it may name the people it is about
            submission.summary = ""
            submission.destroyed_at = now
            record_change(submission, reason)
            submission.save()
        history_rows += (
            AgencySubmission.history.model.objects.filter(id__in=[s.pk for s in submissions])
            .exclude(summary="", title=DESTROYED_TITLE)
            .update(summary="", title=DESTROYED_TITLE)
        )
        agencies = len({s.agency_id for s in submissions})
        kinds = sorted({s.get_submission_type_display().lower() for s in submissions})
        certificate = DestructionCertificate(
            kind=CertificateKind.RETENTION,
            method=ErasureMethod.DESTROY.value,
            what=(
                f"Agency data of {locked.reference} ({locked.get_review_type_display()}, concluded "
                f"{day_text(locked.concluded)}): {len(submissions)} submissions from {agencies} agencies"
                f"{' (' + ', '.join(kinds) + ')' if kinds else ''}; {len(records)} data subject records; "
                f"{categories} category entries."
            ),
            how=(
                "Personal data deleted from the database (held categories removed; identity fields, submission "
                "titles and summaries, and the notes written about each person emptied); "
                f"{history_rows} earlier versions in the change history cleared of their values; "
                "search index entries deleted. References and counts remain for the audit trail."
            ),
            review=locked,
            submissions=len(submissions),
            records=len(records),
            category_entries=categories,
            history_rows_cleared=history_rows,
            destroyed_at=now,
            destroyed_by=by,
            destroyed_by_name=by.get_username(),
        )
        record_change(certificate, "Certificate issued")
        certificate.save()
        due, _ = DestructionDue.objects.select_for_update().get_or_create(
            review=locked, defaults={"due_on": due_on, "listed_on": today}
        )
        due.status = DueStatus.DESTROYED
        due.blocked_reason = ""
        due.certificate = certificate
        record_change(due, f"Destroyed: certificate {certificate.reference}")
        due.save()
        locked.agency_data_destroyed_at = now
        record_change(locked, f"Agency data destroyed: certificate {certificate.reference}")
        locked.save()
    return certificate
