"""Messages the service sends itself (email, or SMS through GOV.UK Notify): what, when, to whom and the outcome.

A message about a request is filed in the letters register (its Letter row) as well; a one-time code to
confirm an address before any request exists has no request. The body kept for the record has every
secret (a one-time code, a portal link's token) masked; the body as sent waits in `pending_body` only
until it is sent or given up, and is never copied into history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from requests_app.models.core import Letter, RightsRequest


class MessageChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class Message(models.Model):
    """One email or text message the service sent, or tried to send."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    channel = models.CharField(max_length=10, choices=MessageChannel.choices, default=MessageChannel.EMAIL)
    to = models.CharField(max_length=254, help_text="The email address or phone number it went to.")
    template = models.CharField(max_length=60, help_text="Which message template it was made from.")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="What it said, with any code or link token masked.")
    pending_body = models.TextField(blank=True, help_text="The body as sent, kept only until it is sent or given up.")
    purpose = models.CharField(max_length=60, blank=True, help_text="What waits on it, e.g. portal_link:12.")
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["pending_body"])

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["to", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to}: {self.subject or self.template}"
