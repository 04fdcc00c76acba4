"""Complaints about our handling of personal data (DPA 2018 s.164A), with their own small state machine.

A step (`@transition`) changes only the complaint's status and its stage timestamp; the sequence around
it (lock, check, letter, event row) belongs to `casework.services.complaints`; never call a step directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from requests_app.models import Message, RightsRequest
from rights import Remedy


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Investigating"
    OUTCOME_SENT = "outcome_sent", "Outcome sent"
    REFERRED_TO_ICO = "referred_to_ico", "Referred to the ICO"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_COMPLAINT_STATUSES = frozenset(
    {
        ComplaintStatus.RECEIVED,
        ComplaintStatus.ACKNOWLEDGED,
        ComplaintStatus.INVESTIGATING,
        ComplaintStatus.OUTCOME_SENT,
        ComplaintStatus.REFERRED_TO_ICO,
    }
)


class ComplaintChannel(models.TextChoices):
    ONLINE = "online", "Online form"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    PHONE = "phone", "Telephone"
    IN_PERSON = "in_person", "In person"


class ReplyBy(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Post"
    PHONE = "phone", "Telephone"


class ComplaintAbout(models.TextChoices):
    REQUEST = "request", "A request to see, correct or delete information"
    OTHER = "other", "Something else about how we handle personal information"


class Finding(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"


class Complaint(FSMModelMixin, models.Model):
    """One complaint about the handling of someone's personal data, from receipt to outcome (s.164A)."""

    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=20, choices=ComplaintChannel.choices)
    received = models.DateField(help_text="The day it arrived: the 30 days to acknowledge begin the day after.")
    complainant_name = models.CharField(max_length=200)
    on_behalf_of = models.CharField(max_length=200, blank=True, help_text="Whose information it is, if not theirs.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    reply_by = models.CharField(max_length=10, choices=ReplyBy.choices, default=ReplyBy.EMAIL)
    about = models.CharField(max_length=10, choices=ComplaintAbout.choices, default=ComplaintAbout.OTHER)
    request_reference_given = models.CharField(
        max_length=40, blank=True, help_text="The request reference the complainant gave, as they gave it."
    )
    request = models.ForeignKey(
        RightsRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    what_went_wrong = models.TextField()
    what_they_want = models.TextField(blank=True)
    status = FSMField(max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED, protected=True)
    acknowledgement_due = models.DateField(help_text="Computed by the statute (s.164A(3)(a)); never edited by hand.")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    investigating_at = models.DateTimeField(null=True, blank=True)
    outcome_sent_at = models.DateTimeField(null=True, blank=True)
    referred_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    finding = models.CharField(max_length=20, choices=Finding.choices, blank=True)
    outcome = models.TextField(blank=True, help_text="What we found and what we will do, as told to the complainant.")
    # The ICO's involvement, when the complainant goes to the regulator.
    ico_reference = models.CharField(max_length=40, blank=True)
    ico_asked = models.TextField(blank=True, help_text="What the ICO asked us for.")
    ico_answered = models.TextField(blank=True, help_text="What we answered.")
    ico_decision = models.TextField(blank=True, help_text="The ICO's decision.")
    ico_decided_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["acknowledgement_due", "pk"]
        indexes = [models.Index(fields=["status", "acknowledgement_due"]), models.Index(fields=["received"])]
        permissions = [("handle_complaints", "Can acknowledge, investigate and answer complaints")]

    def __str__(self) -> str:
        return self.reference

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Validate every field; the status is only checked, since Django would assign it back and it is protected."""
        skipped = set(exclude or ())
        super().clean_fields(exclude=skipped | {"status"})
        if "status" not in skipped and self.status not in ComplaintStatus.values:
            raise ValidationError({"status": f"{self.status!r} is not a status."})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT_STATUSES

    @property
    def awaiting_acknowledgement(self) -> bool:
        """Still owed an acknowledgement: none sent, and no outcome sent that would answer it at once
        (ICO complaints guidance: an investigation finished within the 30 days needs no separate acknowledgement)."""
        return bool(
            self.acknowledged_at is None
            and self.outcome_sent_at is None
            and self.status in (ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING)
        )

    def acknowledged_on_time(self) -> bool | None:
        """None while not yet acknowledged; else whether it was by the due date (s.164A(3)(a))."""
        answered = self.acknowledged_at or self.outcome_sent_at
        if answered is None:
            return None
        return bool(timezone.localdate(answered) <= self.acknowledgement_due)

    def is_acknowledgement_overdue(self, today: dt.date) -> bool:
        return self.awaiting_acknowledgement and today > self.acknowledgement_due

    def has_outcome(self) -> bool:
        return bool(self.finding and self.outcome.strip())

    def has_ico_reference(self) -> bool:
        return bool(self.ico_reference.strip())

    def ico_decided(self) -> bool:
        return self.status != ComplaintStatus.REFERRED_TO_ICO or bool(self.ico_decision.strip())

    # The steps. s.164A(3): acknowledge, take appropriate steps (investigate, keep informed), tell the outcome.

    def not_yet_acknowledged(self) -> bool:
        return self.acknowledged_at is None

    @transition(
        field=status,
        source=[ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING],
        target=RETURN_VALUE(ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING),
        conditions=cast(Any, [not_yet_acknowledged]),
    )
    def acknowledge(self, at: dt.datetime | None = None) -> str:
        # Work may have started first (the duty to investigate runs from receipt): then it stays investigating.
        self.acknowledged_at = at or timezone.now()
        if self.status == ComplaintStatus.INVESTIGATING:
            return ComplaintStatus.INVESTIGATING
        return ComplaintStatus.ACKNOWLEDGED

    @transition(
        field=status,
        source=[ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED],
        target=ComplaintStatus.INVESTIGATING,
    )
    def investigate(self, at: dt.datetime | None = None) -> None:
        # The duty to investigate starts on receipt (ICO complaints guidance), so work may begin before the
        # acknowledgement; the acknowledgement is still owed and the sweep still chases it.
        self.investigating_at = at or timezone.now()

    @transition(
        field=status,
        source=ComplaintStatus.INVESTIGATING,
        target=ComplaintStatus.OUTCOME_SENT,
        conditions=cast(Any, [has_outcome]),
    )
    def send_outcome(self, at: dt.datetime | None = None) -> None:
        self.outcome_sent_at = at or timezone.now()

    @transition(
        field=status,
        source=[
            ComplaintStatus.ACKNOWLEDGED,
            ComplaintStatus.INVESTIGATING,
            ComplaintStatus.OUTCOME_SENT,
            ComplaintStatus.CLOSED,
        ],
        target=ComplaintStatus.REFERRED_TO_ICO,
        conditions=cast(Any, [has_ico_reference]),
    )
    def refer_to_ico(self, at: dt.datetime | None = None) -> None:
        self.referred_at = at or timezone.now()

    @transition(
        field=status,
        source=[ComplaintStatus.OUTCOME_SENT, ComplaintStatus.REFERRED_TO_ICO],
        target=ComplaintStatus.CLOSED,
        conditions=cast(Any, [ico_decided]),
    )
    def close(self, at: dt.datetime | None = None) -> None:
        self.closed_at = at or timezone.now()

    @transition(
        field=status,
        source=[ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING],
        target=ComplaintStatus.WITHDRAWN,
    )
    def withdraw(self, at: dt.datetime | None = None) -> None:
        self.withdrawn_at = at or timezone.now()


class ComplaintEvent(models.Model):
    """Append-only log of a complaint: every step, progress update, letter and change, with who and why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    detail = models.TextField(blank=True)
    complainant_told = models.BooleanField(
        default=False, help_text="A progress update the complainant was given (s.164A(3)(b): keep them informed)."
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.action}"

    @property
    def action_label(self) -> str:
        return self.action.replace("_", " ").capitalize()

    @property
    def to_status_label(self) -> str:
        return str(ComplaintStatus(self.to_status).label) if self.to_status in ComplaintStatus.values else ""


class ComplaintLetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    PROGRESS = "progress", "Progress update"
    OUTCOME = "outcome", "Outcome"


class LetterSentHow(models.TextChoices):
    EMAIL = "email", "Emailed by the service"
    POST = "post", "Posted"


class ComplaintLetter(models.Model):
    """A letter to the complainant, generated as a PDF and filed, then emailed by the service (when they chose
    email) or posted by staff; `sent_at` is set once it has gone."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=ComplaintLetterKind.choices)
    date = models.DateField()
    file = models.FileField(upload_to="complaints/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When it went: emailed, or recorded as posted.")
    sent_how = models.CharField(max_length=10, choices=LetterSentHow.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The email that took it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


REMEDY_LABELS = {
    Remedy.APOLOGY: "An apology",
    Remedy.CORRECTION: "Correcting information",
    Remedy.PROCESS_CHANGE: "A change to how we work",
    Remedy.DISCLOSURE: "Disclosing something we missed",
    Remedy.OTHER: "Something else",
}


class ComplaintRemedy(models.Model):
    """One thing the outcome puts right, linked to the work it causes (a request, a correction, a change)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="remedies")
    kind = models.CharField(max_length=20, choices=[(r.value, REMEDY_LABELS[r]) for r in Remedy])
    description = models.TextField()
    request = models.ForeignKey(
        RightsRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_remedies",
        help_text="The request whose work this remedy causes (a correction, a further disclosure).",
    )
    work_reference = models.CharField(
        max_length=200, blank=True, help_text="Other work it causes: a policy change, training, a ticket."
    )
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "complaint remedies"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.complaint_id}"


class ComplaintView(models.Model):
    """Who opened which complaint, when: viewing personal data is itself on the record."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.complaint_id}"


class ComplaintNoticeKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"


class ComplaintNotice(models.Model):
    """A reminder or escalation the daily sweep wrote about an unacknowledged complaint, written once."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ComplaintNoticeKind.choices)
    threshold = models.IntegerField(
        help_text="Days before the acknowledgement date (reminder) or past it (escalation)."
    )
    due_date = models.DateField()
    message = models.TextField()
    email = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="The email that took it."
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "recipient", "kind", "threshold", "due_date"], name="casework_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} about {self.complaint_id}"
