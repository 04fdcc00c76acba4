"""Records of what a data right did to held data: corrections, restrictions, shares and Art 19 notices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from reviews.models.holdings import DataSubjectRecord, SourceAgency
from rights.effects import Effect, RestrictionBasis


class Correction(models.Model):
    """A rectification: the value corrected, the old and new values, why and by whom (UK GDPR Art 16)."""

    record = models.ForeignKey(DataSubjectRecord, on_delete=models.PROTECT, related_name="corrections")
    target = models.CharField(max_length=40, help_text="A field (full_name, date_of_birth, ...) or a category key.")
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    request_reference = models.CharField(max_length=40, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"Correction of {self.target} on {self.record_id}"


RESTRICTION_BASIS_CHOICES = [(b.value, f"{b.info.title} ({b.info.article})") for b in RestrictionBasis]


class Restriction(models.Model):
    """A mark on a person's record: kept, but not exported or used anew until lifted (Art 18(2), Art 21(1))."""

    record = models.ForeignKey(DataSubjectRecord, on_delete=models.PROTECT, related_name="restrictions")
    basis = models.CharField(max_length=30, choices=RESTRICTION_BASIS_CHOICES)
    reason = models.TextField()
    request_reference = models.CharField(max_length=40, blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    requester_told_on = models.DateField(null=True, blank=True, help_text="Art 18(3): told before it is lifted.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["placed_at", "pk"]
        indexes = [models.Index(fields=["record", "lifted_at"])]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} on {self.record_id}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def restriction_basis(self) -> RestrictionBasis:
        return RestrictionBasis(self.basis)


class DataShare(models.Model):
    """The partnership passed a person's data to an agency: that agency is a recipient (Art 19)."""

    record = models.ForeignKey(DataSubjectRecord, on_delete=models.PROTECT, related_name="shares")
    agency = models.ForeignKey(SourceAgency, on_delete=models.PROTECT, related_name="received")
    shared_on = models.DateField()
    purpose = models.CharField(max_length=200)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["shared_on", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id} shared with {self.agency_id}"


EFFECT_CHOICES = [
    (Effect.RECTIFICATION.value, "Rectification"),
    (Effect.ERASURE.value, "Erasure"),
    (Effect.RESTRICTION.value, "Restriction"),
    (Effect.OBJECTION.value, "Objection upheld"),
]


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "To be sent"
    SENT = "sent", "Sent"
    NOT_REQUIRED = "not_required", "Impossible or disproportionate (Art 19)"


class NotificationMethod(models.TextChoices):
    """How a recipient agency was told (Art 19): kept so the record shows the notice really went."""

    SECURE_EMAIL = "secure_email", "Secure email"
    EMAIL = "email", "Email"
    POST = "post", "Post"
    PHONE = "phone", "Telephone (confirmed in writing)"
    IN_PERSON = "in_person", "In person"


class RecipientRole(models.TextChoices):
    SUPPLIED = "supplied", "Supplied the data"
    RECEIVED = "received", "Received the data"


class RecipientNotification(models.Model):
    """Telling one recipient agency of a rectification, erasure, restriction or upheld objection (Art 19).

    The detail says what kind of change it was, never the values.
    """

    record = models.ForeignKey(DataSubjectRecord, on_delete=models.PROTECT, related_name="notifications")
    agency = models.ForeignKey(SourceAgency, on_delete=models.PROTECT, related_name="notifications")
    role = models.CharField(max_length=20, choices=RecipientRole.choices)
    effect = models.CharField(max_length=20, choices=EFFECT_CHOICES)
    detail = models.CharField(max_length=200)
    request_reference = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    created_at = models.DateTimeField()
    sent_on = models.DateField(null=True, blank=True)
    sent_method = models.CharField(max_length=20, choices=NotificationMethod.choices, blank=True)
    not_required_reason = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request_reference", "status"])]

    def __str__(self) -> str:
        return f"{self.get_effect_display()} notice to {self.agency_id} about {self.record_id}"
