"""Retention of agency data: what is due for destruction, and destroying it on a Manager's confirmation.

UK GDPR Art 5(1)(e) and the seed notice: "once audits or reviews have concluded the individual
agency data is destroyed". The period after conclusion is the REVIEW_RETENTION_DAYS setting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from reviews.access import require_manager
from reviews.holds import current_holds
from reviews.models import (
    AgencySubmission,
    CertificateKind,
    DataSubjectRecord,
    DestructionCertificate,
    DestructionDue,
    DueStatus,
    RecordStatus,
    Restriction,
    Review,
    ReviewStatus,
)
from reviews.services import record_wipe
from rights import ApplicationError
from rights.effects import RESTRICTION_BASES, ErasureMethod, RestrictionBasis
from rights.retention import is_due, retention_due

DEFAULT_RETENTION_DAYS = 0  # the seed notice: destroyed once the review or audit has concluded
DESTROYED_TITLE = "[destroyed]"


def retention_days() -> int:
    """The REVIEW_RETENTION_DAYS setting: days agency data is kept after its review concludes."""
    days = getattr(settings, "REVIEW_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise ApplicationError(f"REVIEW_RETENTION_DAYS must be a whole number of days, 0 or more (it is {days!r}).")
    return days


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _undecided(count: int) -> str:
    if not count:
        return ""
    return f" ({count} search hit{'s' if count != 1 else ''} not yet confirmed or rejected)"


@dataclass
class DueItem:
    """A concluded review whose agency data has reached the end of its retention."""

    review: Review
    due_on: dt.date
    blocked: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.blocked


def blocked_reasons(reviews: list[Review], *, ignore_reference: str = "") -> dict[int, list[str]]:
    """Why each review's agency data cannot be destroyed now: legal hold, open requests, restrictions."""
    reasons: dict[int, list[str]] = defaultdict(list)
    review_ids = {review.pk for review in reviews}
    for review in reviews:
        if review.legal_hold:
            reasons[review.pk].append(f"it is on legal hold ({review.legal_hold_reason})")
    holds = current_holds(ignore_reference=ignore_reference)
    held_records = set().union(*(h.record_ids for h in holds)) if holds else set()
    record_review = dict(
        DataSubjectRecord.objects.filter(pk__in=held_records, submission__review_id__in=review_ids).values_list(
            "pk", "submission__review_id"
        )
    )
    for hold in holds:
        per_review: dict[int, int] = defaultdict(int)
        undecided: dict[int, int] = defaultdict(int)
        for record_id in hold.record_ids:
            if record_id in record_review:
                per_review[record_review[record_id]] += 1
                if record_id in hold.pending_record_ids:
                    undecided[record_review[record_id]] += 1
        for review_id in hold.review_ids & review_ids:
            per_review.setdefault(review_id, 0)
        for review_id, count in sorted(per_review.items()):
            what = f"{count} of its records" if count else "the review"
            reasons[review_id].append(
                f"open request {hold.request_reference} still needs {what}{_undecided(undecided[review_id])}"
            )
    keep_bases = [b.value for b in RestrictionBasis if RESTRICTION_BASES[b].keep_from_destruction]
    kept = Restriction.objects.filter(
        lifted_at__isnull=True, basis__in=keep_bases, record__submission__review_id__in=review_ids
    ).values_list("record__submission__review_id", "basis")
    restricted: dict[int, set[str]] = defaultdict(set)
    for review_id, basis in kept:
        restricted[review_id].add(RestrictionBasis(basis).info.article)
    for review_id, articles in restricted.items():
        reasons[review_id].append(
            f"a person asked for their data to be kept ({', '.join(sorted(articles))}): lift the restriction first"
        )
    return reasons


def due_items(*, today: dt.date) -> list[DueItem]:
    """Concluded reviews whose agency data is due for destruction by `today`, with what blocks each."""
    days = retention_days()
    reviews = [
        review
        for review in Review.objects.filter(
            status=ReviewStatus.CONCLUDED, agency_data_destroyed_at__isnull=True
        ).order_by("concluded", "pk")
        if is_due(review.concluded, days, today)
    ]
    reasons = blocked_reasons(reviews)
    return [
        DueItem(review, retention_due(review.concluded, days), reasons.get(review.pk, []))
        for review in reviews
        if review.concluded is not None
    ]


def destruction_due_refresh(*, today: dt.date) -> list[DestructionDue]:
    """The daily list: a DestructionDue for each review now due, with what blocks it as of today."""
    listed: list[DestructionDue] = []
    with transaction.atomic():
        for item in due_items(today=today):
            blocked = "; ".join(item.blocked)
            due, created = DestructionDue.objects.select_for_update().get_or_create(
                review=item.review, defaults={"due_on": item.due_on, "listed_on": today, "blocked_reason": blocked}
            )
            if not created and (due.blocked_reason != blocked or due.due_on != item.due_on):
                due.blocked_reason = blocked
                due.due_on = item.due_on
                due._change_reason = "Daily retention sweep"  # type: ignore[attr-defined]
                due.save()
            listed.append(due)
    return listed


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
                f"The agency data of {locked.reference} is not due for destruction until {_fmt(due_on)}."
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
            submission._change_reason = reason  # type: ignore[attr-defined]
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
                f"{_fmt(locked.concluded)}): {len(submissions)} submissions from {agencies} agencies"
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
        certificate._change_reason = "Certificate issued"  # type: ignore[attr-defined]
        certificate.save()
        due, _ = DestructionDue.objects.select_for_update().get_or_create(
            review=locked, defaults={"due_on": due_on, "listed_on": today}
        )
        due.status = DueStatus.DESTROYED
        due.blocked_reason = ""
        due.certificate = certificate
        due._change_reason = f"Destroyed: certificate {certificate.reference}"  # type: ignore[attr-defined]
        due.save()
        locked.agency_data_destroyed_at = now
        locked._change_reason = f"Agency data destroyed: certificate {certificate.reference}"  # type: ignore[attr-defined]
        locked.save()
    return certificate
