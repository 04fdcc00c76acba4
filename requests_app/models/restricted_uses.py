"""Uses of restricted data while a restriction is in force, each with its ground (UK GDPR Art 18(2))."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from requests_app.models.core import RightsRequest
from rights.effects import RestrictedUse

RESTRICTED_USE_CHOICES = [(ground.value, ground.words) for ground in RestrictedUse]


class RestrictedDataUse(models.Model):
    """One use of the data beyond storing it while processing was restricted: who, when, on which ground, what."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="restricted_uses")
    used_on = models.DateField()
    used_by = models.CharField(max_length=200, help_text="Who used the data: a team, an agency or a role.")
    ground = models.CharField(max_length=20, choices=RESTRICTED_USE_CHOICES)
    what = models.TextField(help_text="What was done with the data, and why the ground applies.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["used_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} use on {self.used_on} ({self.request_id})"
