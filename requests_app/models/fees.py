"""Fees asked for on a request (UK GDPR Art 12(5)(a), 15(3)): amount, reason, letter, and whether paid or waived."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from requests_app.models.core import Letter, RightsRequest
from rights import FeeBasis, money

FEE_BASIS_CHOICES = [(basis.value, basis.label) for basis in FeeBasis]


class FeeStatus(models.TextChoices):
    ASKED = "asked", "Asked for"
    PAID = "paid", "Paid"
    WAIVED = "waived", "Waived"


class Fee(models.Model):
    """One fee asked for: the clock waits until it is paid (UK GDPR Art 12A, the relevant time)."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="fees")
    basis = models.CharField(max_length=30, choices=FEE_BASIS_CHOICES)
    amount_pence = models.PositiveIntegerField(help_text="The fee in pence.")
    reason = models.TextField(help_text="Why a fee, and how it is worked out from the administrative costs.")
    asked_on = models.DateField()
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=FeeStatus.choices, default=FeeStatus.ASKED)
    settled_on = models.DateField(null=True, blank=True, help_text="The day it was paid (arrived) or waived.")
    settled_reason = models.TextField(blank=True, help_text="A note on the payment, or why it was waived.")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["asked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.amount} fee on {self.request_id} ({self.get_status_display()})"

    @property
    def amount(self) -> str:
        return money(self.amount_pence)
