"""Retention of closed rights requests: what is due, the certificate of what was destroyed, and what is left.

UK GDPR Art 5(1)(e): closed requests are kept for REQUEST_RETENTION_DAYS, then destroyed
on a Manager's confirmation, leaving only anonymous statistics (RequestStatistic), which the reports
count so that a year's figures do not change when its requests are destroyed.
"""

from __future__ import annotations

import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from core.models import DestructionCertificateBase, RetentionDue
from requests_app.models.core import KIND_CHOICES, ROLE_CHOICES, Channel, RefusalGround, RightsRequest, Status


class RequestRetentionDue(RetentionDue):
    """A closed request at the end of its retention, as the daily task last listed it (and what blocks it)."""

    request = models.OneToOneField(RightsRequest, on_delete=models.PROTECT, related_name="retention_due")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "closed request due for destruction"
        verbose_name_plural = "closed requests due for destruction"

    def __str__(self) -> str:
        return f"{self.request_id} due {self.due_on}"


class RequestDestructionCertificate(DestructionCertificateBase):
    """What was destroyed, when, by whom and how: the request's reference and counts only, never a name."""

    reference_prefix = "RDC"

    request_reference = models.CharField(max_length=20, db_index=True)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    closed_on = models.DateField()
    due_on = models.DateField()
    what = models.TextField(help_text="The reference and counts of what was destroyed; never a name.")
    counts = models.JSONField(default=dict, help_text="Rows and files destroyed, by what they were.")
    people_destroyed = models.PositiveIntegerField(default=0)
    people_kept = models.PositiveIntegerField(default=0, help_text="People still referenced by another request.")
    files_deleted = models.PositiveIntegerField(default=0)
    history_rows_deleted = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-destroyed_at", "-pk"]


class RequestStatistic(models.Model):
    """A destroyed request reduced to anonymous figures: no names, no reference, no day, only months.

    Written once, just before its request is destroyed, and never changed. It has no change history
    on purpose: a history row's timestamp is the moment of destruction, which would tie the figures to
    the destruction certificate and so to the request's reference. The key is random for the same reason.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    representative_role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    received_month = models.DateField(help_text="The first day of the month it was received.")
    answered_month = models.DateField(null=True, blank=True, help_text="The month of its first answer.")
    closed_month = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=40, choices=Status.choices, blank=True, help_text="The status it was first answered with."
    )
    final_status = models.CharField(max_length=40, choices=Status.choices)
    days_to_respond = models.PositiveIntegerField(null=True, blank=True)
    on_time = models.BooleanField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    extended_month = models.DateField(null=True, blank=True)
    refused = models.BooleanField(default=False)
    refusal_ground = models.CharField(max_length=30, choices=RefusalGround.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["received_month"]),
            models.Index(fields=["answered_month"]),
            models.Index(fields=["extended_month"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} received {self.received_month:%B %Y}"
