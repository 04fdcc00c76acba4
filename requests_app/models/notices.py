"""Notices the deadline sweep sends to staff: reminders, escalations, extension prompts, chasers, closure flags.

A notice is written once: the unique constraint on what it is about (request, kind, threshold,
recipient, the due date it was about, and for chasers which return; for closure flags the wait,
whatever the due date) makes a second sweep, or a second worker, insert nothing. Rows are append-only apart from the stamps
of when they were emailed, read, or superseded (because the due date moved).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from requests_app.models.core import RightsRequest


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"
    EXTENSION_PROMPT = "extension_prompt", "Extension decision"
    CHASER = "chaser", "Agency chaser drafted"
    CLOSURE_FLAG = "closure_flag", "Waiting too long"


# Notices about the request's due date: they lapse when the due date moves. A closure flag is about a
# wait on the requester (its `about` names the day the wait began), not the due date: it stands while the wait lasts.
DUE_DATE_KINDS = frozenset({NoticeKind.REMINDER, NoticeKind.ESCALATION, NoticeKind.EXTENSION_PROMPT})
# Notices about the statutory clock: they lapse once the response has been given (UK GDPR Art 12(3)).
CLOCK_KINDS = frozenset({NoticeKind.REMINDER, NoticeKind.ESCALATION, NoticeKind.EXTENSION_PROMPT})


class Notice(models.Model):
    """One message to one member of staff about one request, sent once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices")
    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    threshold = models.IntegerField(
        help_text="Days before the due date (reminder), days past it (escalation), the day of the clock "
        "(extension prompt), or days waited (closure flag; 0 for one calendar month)."
    )
    due_date = models.DateField(help_text="The request's due date when the notice was written.")
    about = models.CharField(
        max_length=80, blank=True, default="", help_text="What else it is about: an agency return, a wait."
    )
    message = models.TextField()
    run = models.UUIDField(null=True, blank=True, db_index=True, help_text="The sweep run that wrote it.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(
        null=True, blank=True, help_text="When it stopped applying (the due date moved, the request closed)."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "threshold", "recipient", "due_date", "about"],
                condition=~models.Q(kind="closure_flag"),
                name="requests_app_notice_sent_once",
            ),
            # A wait is flagged once however its due date moves; a new wait (a new `about`) may be flagged again.
            models.UniqueConstraint(
                fields=["request", "kind", "threshold", "recipient", "about"],
                condition=models.Q(kind="closure_flag", superseded_at__isnull=True),
                name="requests_app_closure_flag_sent_once",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "superseded_at"]),
            # Every sweep emails what is still unsent, whichever run wrote it: this keeps that a short walk.
            models.Index(
                fields=["id"],
                condition=models.Q(emailed_at__isnull=True, superseded_at__isnull=True),
                name="requests_notice_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_id} about {self.request_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
