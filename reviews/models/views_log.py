"""Opening a review or a record is itself on the record: who opened what, and when (as for requests)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reviews.models.holdings import DataSubjectRecord, Review


class HoldingView(models.Model):
    """One page view of a review or a record (append-only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="views")
    record = models.ForeignKey(DataSubjectRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="views")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review__isnull=False) | models.Q(record__isnull=False),
                name="reviews_view_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} viewed {self.review_id or self.record_id} at {self.viewed_at:%Y-%m-%d %H:%M}"
