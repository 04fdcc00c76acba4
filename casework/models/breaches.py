"""Personal data breaches (UK GDPR Arts 33-34): the record, the containment, the decisions, and the log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from casework.models.complaints import LetterSentHow
from disclosure.models import Pack
from requests_app.models import Message, RightsRequest
from rights import BreachCause, Risk, report_deadline

CAUSE_LABELS = {
    BreachCause.WRONG_RECIPIENT: "Sent to the wrong person",
    BreachCause.WRONG_ENCLOSURE: "Wrong enclosure",
    BreachCause.REDACTION_FAILED: "Redaction failed",
    BreachCause.LOST_OR_STOLEN: "Lost or stolen",
    BreachCause.UNAUTHORISED_ACCESS: "Seen by someone not allowed to",
    BreachCause.OTHER: "Something else",
}
RISK_LABELS = {
    Risk.UNLIKELY: "Unlikely to result in a risk to people",
    Risk.RISK: "A risk to people",
    Risk.HIGH: "A high risk to people",
}


class ReturnOrDeletion(models.TextChoices):
    DELETED = "deleted", "Deleted"
    RETURNED = "returned", "Returned"


class Breach(models.Model):
    """One personal data breach, documented whether or not it is reported (UK GDPR Art 33(5))."""

    reference = models.CharField(max_length=20, unique=True)
    cause = models.CharField(max_length=30, choices=[(c.value, CAUSE_LABELS[c]) for c in BreachCause])
    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="breaches")
    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, null=True, blank=True, related_name="breaches")
    what_happened = models.TextField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    discovered_at = models.DateTimeField(help_text="When we became aware: the 72 hours run from here (Art 33(1)).")
    data_involved = models.TextField(help_text="What personal data, and about whom.")
    people_affected = models.PositiveIntegerField(default=1)
    children_affected = models.PositiveIntegerField(default=0)
    special_category = models.BooleanField(default=False, help_text="Health, ethnicity, sex life, and so on (Art 9).")
    recipient = models.TextField(blank=True, help_text="Who received it, as far as we know.")
    # Containment.
    links_revoked_at = models.DateTimeField(null=True, blank=True)
    recall_letter_on = models.DateField(null=True, blank=True, help_text="When we asked the recipient to return it.")
    recall_details = models.TextField(blank=True)
    recipient_confirmed_on = models.DateField(null=True, blank=True)
    recipient_confirmation = models.CharField(max_length=10, choices=ReturnOrDeletion.choices, blank=True)
    # Assessment and decisions.
    risk = models.CharField(max_length=10, choices=[(r.value, RISK_LABELS[r]) for r in Risk], blank=True)
    risk_reasons = models.TextField(blank=True)
    report_to_ico = models.BooleanField(null=True, blank=True, help_text="None until decided.")
    report_decision_reasons = models.TextField(blank=True)
    report_decided_at = models.DateTimeField(null=True, blank=True)
    ico_reported_at = models.DateTimeField(null=True, blank=True)
    ico_reference = models.CharField(max_length=40, blank=True)
    late_reasons = models.TextField(blank=True, help_text="Why the report came after 72 hours (Art 33(1)).")
    tell_people = models.BooleanField(null=True, blank=True, help_text="Art 34: None until decided.")
    tell_people_reasons = models.TextField(blank=True)
    people_told_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lessons = models.TextField(blank=True, help_text="What we change so it does not happen again.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        indexes = [models.Index(fields=["discovered_at"])]
        verbose_name_plural = "breaches"
        permissions = [("keep_breach_log", "Can keep the breach log and decide on reporting")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def report_by(self) -> dt.datetime:
        """72 clock hours from discovery (UK GDPR Art 33(1))."""
        return report_deadline(discovered=self.discovered_at)

    @property
    def contained(self) -> bool:
        return self.recipient_confirmed_on is not None


class BreachEvent(models.Model):
    """Append-only log of a breach: what was done, decided and why, by whom and when."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.breach_id}: {self.action}"

    @property
    def action_label(self) -> str:
        return self.action.replace("_", " ").capitalize()


class BreachLetterKind(models.TextChoices):
    RECALL = "recall", "Recall to the recipient"
    AFFECTED = "affected", "To a person affected (Art 34)"


class BreachLetter(models.Model):
    """A letter about a breach, generated as a PDF and filed, then emailed by the service or posted by staff."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=BreachLetterKind.choices)
    addressee = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True, help_text="Where they asked to hear from us by email: the service emails it.")
    date = models.DateField()
    file = models.FileField(upload_to="breaches/%Y/%m/")
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


class BreachView(models.Model):
    """Who opened which breach record, when."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.breach_id}"


class BreachNotice(models.Model):
    """An alert to a Manager that a breach's 72 hours are running out with no decision on reporting, written once."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    threshold = models.PositiveSmallIntegerField(help_text="Hours since discovery: 48 or 72.")
    report_by = models.DateTimeField(help_text="The end of the 72 hours when the alert was written.")
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
            models.UniqueConstraint(fields=["breach", "recipient", "threshold"], name="casework_breach_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.threshold}-hour alert about {self.breach_id}"
