"""An agency's return through the service: its secure link, the one-time codes, what it sent, and each file's
conversion to PDF."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from disclosure.models.records import AgencyRequest

RETURN_LINK_MAX_TRIES = 5  # wrong codes before a return link locks
RETURN_CODE_MAX_TRIES = 3  # wrong tries before a one-time code stops working (each also counts against the link)


class AgencyReturnLink(models.Model):
    """A link for the agency's data owner to return records; only a hash of its token is kept."""

    agency_request = models.ForeignKey(AgencyRequest, on_delete=models.PROTECT, related_name="return_links")
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the token; the token is never stored."
    )
    sent_to = models.EmailField(help_text="The data owner's registered address the link was sent to.")
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Return link {self.pk} for agency request {self.agency_request_id}"

    def state(self, now: dt.datetime) -> str:
        """active, revoked, locked, expired or returned (the records are in: nothing more to send)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.locked_at is not None:
            return "locked"
        if now >= self.expires_at:
            return "expired"
        if not self.agency_request.is_open:
            return "returned"
        return "active"


class AgencyReturnCode(models.Model):
    """A one-time code sent to the data owner's registered address; only a keyed hash of it is kept."""

    link = models.ForeignKey(AgencyReturnLink, on_delete=models.PROTECT, related_name="codes")
    code_hash = models.CharField(max_length=64, help_text="HMAC-SHA-256 of the code; the code is never stored.")
    sent_to = models.EmailField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["link", "created_at"])]

    def __str__(self) -> str:
        return f"One-time code {self.pk} for return link {self.link_id}"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at and self.failed_attempts < RETURN_CODE_MAX_TRIES


class AgencyReturn(models.Model):
    """What an agency sent through its link, who sent it and when: its records, or that it holds none."""

    agency_request = models.OneToOneField(AgencyRequest, on_delete=models.PROTECT, related_name="agency_return")
    link = models.ForeignKey(AgencyReturnLink, on_delete=models.PROTECT, related_name="+")
    nothing_held = models.BooleanField(default=False)
    returned_by_name = models.CharField(max_length=200, help_text="The name the data owner gave when sending.")
    returned_by_email = models.EmailField(help_text="The registered address the one-time code was sent to.")
    notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"Return for agency request {self.agency_request_id}"


class ReturnFileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    IMAGE = "image", "Image (PNG or JPEG)"
    WORD = "word", "Word document"
    EXCEL = "excel", "Excel spreadsheet"
    EMAIL = "email", "Email (.eml)"
    OUTLOOK = "outlook", "Outlook email (.msg)"


OFFICE_KINDS = frozenset({ReturnFileKind.WORD, ReturnFileKind.EXCEL})


class ConversionStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be converted"
    CONVERTING = "converting", "Converting to PDF"
    DONE = "done", "Ready for review"
    FAILED = "failed", "Could not be converted"


def return_file_upload_to(instance: AgencyReturnFile, filename: str) -> str:
    """A random name: the agency's file name (often a person's name) never reaches the disk path."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"disclosure/agency-returns/{uuid.uuid4().hex}{suffix}"


class AgencyReturnFile(models.Model):
    """One file an agency returned, kept as sent; its PDF (or PDFs: an email's body and attachments) are the
    Documents that point at it."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.PROTECT, related_name="files")
    original = models.FileField(upload_to=return_file_upload_to, max_length=300)
    original_name = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=ReturnFileKind.choices)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=ConversionStatus.choices, default=ConversionStatus.WAITING)
    error = models.TextField(blank=True, help_text="Why it could not be converted, in plain words.")
    converted_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times its conversion has started.")
    started_at = models.DateTimeField(null=True, blank=True, help_text="When the latest conversion started.")
    parts_made = models.PositiveSmallIntegerField(
        default=0, help_text="Documents made from it (an email: its body and each attachment)."
    )
    pages_made = models.PositiveIntegerField(default=0, help_text="Pages in the documents made from it.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def can_retry(self) -> bool:
        """A failed conversion may be tried again (nothing was made from it: a failure adds no documents)."""
        return self.status == ConversionStatus.FAILED
