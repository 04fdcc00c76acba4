"""The public front door: one-time codes sent to a requester, the status-page links we send them, and the
online submissions refused by the abuse limits (counted, never silently dropped).

Codes and link tokens are never stored: only a keyed hash (HMAC-SHA-256 with SECRET_KEY) or a SHA-256 hash.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from requests_app.models.core import EvidenceKind, RightsRequest
from requests_app.models.messages import Message

ONE_TIME_CODE_MAX_TRIES = 3  # wrong codes before a code stops working


class OneTimeCodePurpose(models.TextChoices):
    EMAIL_CONFIRMATION = "email_confirmation", "Confirm the email address of an online request"
    STATUS_PAGE = "status_page", "Open the status page of a request"


class StatusLink(models.Model):
    """A link we sent a requester to the status page of their request; only the token's SHA-256 is kept."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="status_links")
    token_hash = models.CharField(max_length=64, unique=True)
    to = models.CharField(max_length=254, help_text="The verified email address the link and its codes go to.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The member of staff who sent it; blank when the online form sent it.",
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Status link {self.pk} for {self.request}"

    def works(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class OneTimeCode(models.Model):
    """A one-time code sent by email: to confirm an address before an online request is made, or to open a
    status page. Only a keyed hash is kept; it expires, works once, and stops after a few wrong tries."""

    purpose = models.CharField(max_length=30, choices=OneTimeCodePurpose.choices)
    to = models.CharField(max_length=254)
    status_link = models.ForeignKey(StatusLink, on_delete=models.PROTECT, null=True, blank=True, related_name="codes")
    code_hash = models.CharField(max_length=64, help_text="HMAC-SHA-256 of the code; the code is never stored.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    message = models.ForeignKey(Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    request = models.ForeignKey(
        RightsRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The online request this confirmed address was used for (a confirmation makes one request).",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["purpose", "to", "created_at"])]

    def __str__(self) -> str:
        return f"One-time code {self.pk} ({self.get_purpose_display()})"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at and self.failed_attempts < ONE_TIME_CODE_MAX_TRIES


class StatusPageEvent(models.Model):
    """Every code sent, wrong code, and view of a status page: when, from where, with what browser."""

    class Kind(models.TextChoices):
        CODE_SENT = "code_sent", "Code sent"
        WRONG_CODE = "wrong_code", "Wrong code"
        CODE_ACCEPTED = "code_accepted", "Code accepted"
        VIEWED = "viewed", "Status page viewed"

    link = models.ForeignKey(StatusLink, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class RejectionReason(models.TextChoices):
    HONEYPOT = "honeypot", "A field people cannot see was filled in"
    ADDRESS_LIMIT = "address_limit", "Too many from one email address"
    IP_LIMIT = "ip_limit", "Too many from one internet address"
    CODE_LOCKED = "code_locked", "Email code entered wrongly too often"
    UPLOAD_REFUSED = "upload_refused", "A document that could not be accepted"


class OnlineRejection(models.Model):
    """A step of the online request form refused by an abuse limit: counted so the Manager sees them."""

    at = models.DateTimeField()
    step = models.CharField(max_length=30, help_text="Where it was refused: email_code or submit.")
    reason = models.CharField(max_length=20, choices=RejectionReason.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    email = models.CharField(max_length=254, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} at {self.at:%Y-%m-%d %H:%M}"


# What a requester may send with an online request: proof of who they are, and of their authority to act.
SUBMITTED_KINDS = [
    (EvidenceKind.IDENTITY.value, "Proof of identity"),
    (EvidenceKind.AUTHORITY.value, "Proof of authority to act"),
]


class SubmittedDocument(models.Model):
    """A document a requester sent with their online request, kept privately until a caseworker checks it.

    Not evidence yet: identity or authority is verified only when a caseworker has looked at it and records
    what was seen (Evidence), with the day it arrived (the request's received day, UK GDPR Art 12A).
    """

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="submitted_documents")
    kind = models.CharField(max_length=20, choices=SUBMITTED_KINDS)
    file = models.FileField(upload_to="submitted/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True, help_text="The name the requester's file had.")
    media_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(help_text="Bytes.")
    page_count = models.PositiveIntegerField(default=1)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sent with {self.request}"


__all__ = [
    "ONE_TIME_CODE_MAX_TRIES",
    "SUBMITTED_KINDS",
    "OneTimeCode",
    "OneTimeCodePurpose",
    "OnlineRejection",
    "RejectionReason",
    "StatusLink",
    "StatusPageEvent",
    "SubmittedDocument",
]
