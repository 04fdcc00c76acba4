"""Referrals: a request put to a named professional reviewer for an opinion. A reviewer sees only what is referred."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from requests_app.models.core import RightsRequest


class ReferralKind(models.TextChoices):
    """What the opinion is on: serious harm (DPA 2018 Sch 3 Pt 2 paras 5-6) or a child's competence (Gillick)."""

    SERIOUS_HARM = "serious_harm", "Serious harm: the records where harm is a concern"
    COMPETENCE = "competence", "A child's competence to make the request"


class Referral(models.Model):
    """While open, the reviewer may open the request, and (for serious harm) its documents where harm is a concern."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="referrals")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=20, choices=ReferralKind.choices)
    question = models.TextField(blank=True, help_text="What the opinion is wanted on, in a sentence or two.")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_at", "-pk"]
        indexes = [models.Index(fields=["reviewer", "closed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "reviewer", "kind"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_referral_per_reviewer_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.request_id} to {self.reviewer_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
