"""Destruction of held data: what is due, and the certificate of what was destroyed."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from core.models import DestructionCertificateBase, RetentionDue
from reviews.models.holdings import DataSubjectRecord, Review
from rights.effects import ErasureMethod


class CertificateKind(models.TextChoices):
    RETENTION = "retention", "End of retention (UK GDPR Art 5(1)(e))"
    ERASURE = "erasure", "Erasure on request (UK GDPR Art 17)"


ERASURE_METHOD_CHOICES = [(ErasureMethod.DESTROY.value, "Destroyed"), (ErasureMethod.ANONYMISE.value, "Anonymised")]


class DestructionCertificate(DestructionCertificateBase):
    """What was destroyed, when, by whom and how: references and counts only, no personal data."""

    kind = models.CharField(max_length=20, choices=CertificateKind.choices)
    method = models.CharField(max_length=20, choices=ERASURE_METHOD_CHOICES, default=ErasureMethod.DESTROY.value)
    what = models.TextField(help_text="References and counts, never names.")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates")
    record = models.ForeignKey(
        DataSubjectRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates"
    )
    request_reference = models.CharField(max_length=40, blank=True)
    submissions = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    category_entries = models.PositiveIntegerField(default=0)
    history_rows_cleared = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-destroyed_at", "-pk"]


class DueStatus(models.TextChoices):
    DUE = "due", "Due for destruction"
    DESTROYED = "destroyed", "Destroyed"


class DestructionDue(RetentionDue):
    """A review whose agency data has reached the end of its retention, listed by the daily sweep."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="destruction_due")
    status = models.CharField(max_length=20, choices=DueStatus.choices, default=DueStatus.DUE)
    certificate = models.OneToOneField(
        DestructionCertificate, on_delete=models.PROTECT, null=True, blank=True, related_name="due"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name_plural = "destructions due"

    def __str__(self) -> str:
        return f"{self.review_id} due {self.due_on}"
