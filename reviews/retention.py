"""Retention of agency data: what is due for destruction and what blocks it (reads; the writes are in
reviews.services.retention).

UK GDPR Art 5(1)(e) and the seed notice: "once audits or reviews have concluded the individual
agency data is destroyed". The period after conclusion is the REVIEW_RETENTION_DAYS setting.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core.retention import retention_days_setting
from reviews.holds import current_holds
from reviews.models import (
    DataSubjectRecord,
    Restriction,
    Review,
    ReviewStatus,
)
from rights.effects import RESTRICTION_BASES, RestrictionBasis
from rights.retention import is_due, retention_due

DEFAULT_RETENTION_DAYS = 0  # the seed notice: destroyed once the review or audit has concluded


def retention_days() -> int:
    """The REVIEW_RETENTION_DAYS setting: days agency data is kept after its review concludes."""
    return retention_days_setting("REVIEW_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


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
