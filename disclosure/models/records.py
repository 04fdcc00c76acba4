"""Records gathered for a request: the agencies asked, their returns, and the documents received."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from requests_app.models import Letter, RightsRequest


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    OTHER = "other", "Other"


# An agency added by name alone (a case-file import, "ask a new agency") until someone names its data owner.
DATA_OWNER_NOT_NAMED = "Data owner not yet named"


class Agency(models.Model):
    """A partner agency that owns records the partnership may be asked for; each has a named data owner."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices, default=AgencyKind.OTHER)
    data_owner = models.CharField(
        max_length=200, help_text="The person (or role) who owns the agency's data, and answers for its records."
    )
    contact_email = models.EmailField(
        "data owner's email",
        blank=True,
        help_text="The data owner's registered address: records requests, return links, one-time codes and chasers "
        "go here.",
    )
    contact_address = models.TextField(blank=True)
    escalation_contact = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who is told when a return is late well past its chaser (AGENCY_ESCALATION_WORKING_DAYS).",
    )
    escalation_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "agencies"
        constraints = [models.UniqueConstraint(Lower("name"), name="disclosure_agency_name_unique_ci")]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_email(self) -> str:
        """Where the data owner is reached: their registered address."""
        return self.contact_email

    @property
    def data_owner_named(self) -> bool:
        return bool(self.data_owner.strip()) and self.data_owner != DATA_OWNER_NOT_NAMED


class AgencyRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Records received"
    NIL_RETURN = "nil_return", "Nil return (no records held)"
    LATE = "late", "Late (chased)"


OPEN_AGENCY_STATUSES = frozenset({AgencyRequestStatus.REQUESTED, AgencyRequestStatus.LATE})


class AgencyRequest(models.Model):
    """A caseworker's request to an agency for its records about the data subject, and its return."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="agency_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="agency_requests")
    requested_on = models.DateField()
    due_on = models.DateField(help_text="Working days after the request (AGENCY_RETURN_WORKING_DAYS).")
    status = models.CharField(max_length=20, choices=AgencyRequestStatus.choices, default=AgencyRequestStatus.REQUESTED)
    received_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    chaser_letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="agency_chasers"
    )
    chased_on = models.DateField(null=True, blank=True)
    scope = models.TextField(blank=True, help_text="What is asked for, in the words the agency is sent.")
    records_from = models.DateField(null=True, blank=True, help_text="The earliest records asked for (empty: any).")
    records_to = models.DateField(null=True, blank=True, help_text="The latest records asked for (empty: any).")
    asking_letter = models.ForeignKey(
        Letter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_asks",
        help_text="The records request the service sent (by email) or drafted (to post).",
    )
    chaser_message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_reminder_on = models.DateField(
        null=True, blank=True, help_text="When the data owner was reminded, on the due day, that the return is due."
    )
    due_reminder_message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_on = models.DateField(null=True, blank=True)
    escalation_message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.agency} for {self.request_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_AGENCY_STATUSES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today

    @property
    def date_range_text(self) -> str:
        start, end = self.records_from, self.records_to
        if start and end:
            return f"from {start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
        if start:
            return f"from {start.day} {start:%B %Y} onwards"
        if end:
            return f"up to {end.day} {end:%B %Y}"
        return "any date"


class SourceKind(models.TextChoices):
    TYPED_TEXT = "typed_text", "Typed or pasted text"
    TEXT_FILE = "text_file", "Plain-text file"
    PDF_TEXT = "pdf_text", "PDF with a text layer"
    SCAN_PDF = "scan_pdf", "Scanned PDF (no text layer)"
    SCAN_IMAGE = "scan_image", "Scanned image (PNG or JPEG)"


TEXT_SOURCES = frozenset({SourceKind.TYPED_TEXT, SourceKind.TEXT_FILE})
PAGE_SOURCES = frozenset({SourceKind.PDF_TEXT, SourceKind.SCAN_PDF, SourceKind.SCAN_IMAGE})
SCAN_SOURCES = frozenset({SourceKind.SCAN_PDF, SourceKind.SCAN_IMAGE})


def document_upload_to(instance: Document, filename: str) -> str:
    """A random name: the original file name (often a person's name) never reaches the disk path."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"disclosure/documents/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """One record received for the request, as text, a PDF or a scan, with what review found in it.

    `pages` holds one entry per page, sizes in PDF points (1/72 inch), origin at the top left:
    ``{"number": 1, "width": 595.3, "height": 841.9, "words": [{"text", "x0", "top", "x1", "bottom",
    "start", "end"}]}``; `start`/`end` are offsets of the word in `text`. Words exist only for PDFs
    with a text layer; images also carry ``"pixel_width"``/``"pixel_height"``.
    """

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="documents")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    title = models.CharField(max_length=300)
    document_date = models.DateField(null=True, blank=True, help_text="The date on the document itself.")
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    text = models.TextField(blank=True, help_text="The document's text (extracted for PDFs; empty for scans).")
    original = models.FileField(upload_to=document_upload_to, blank=True, max_length=300)
    original_name = models.CharField(max_length=300, blank=True)
    media_type = models.CharField(max_length=60, blank=True, help_text="Found from the content, not the name.")
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=1)
    pages: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    holds_health_data = models.BooleanField(default=False)
    holds_social_work_data = models.BooleanField(default=False)
    holds_education_data = models.BooleanField(default=False)
    harm_concern = models.BooleanField(
        default=False, help_text="Disclosure might cause serious harm to someone's physical or mental health."
    )
    subject_already_knows = models.BooleanField(
        default=False,
        help_text="The data subject has already seen, or knows, the health information in it (DPA 2018 Sch 3 Pt 2 "
        "para 6(1)(b)): it may be disclosed without a health professional's opinion.",
    )
    withheld_exemption = models.CharField(
        max_length=40, blank=True, help_text="Set when the whole document is withheld, with the exemption relied on."
    )
    withheld_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    imported_reviewer = models.CharField(
        max_length=150,
        blank=True,
        help_text="When a case-file import marked it reviewed: the username the file names as its reviewer. A claim, "
        "not a record of who acted (reviewed_by is who imported it; empty from the command line).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_file = models.ForeignKey(
        "disclosure.AgencyReturnFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The file an agency returned through its link that this PDF was made from (kept beside it).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["request", "reviewed_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def is_text(self) -> bool:
        return self.source_kind in TEXT_SOURCES

    @property
    def has_pages(self) -> bool:
        return self.source_kind in PAGE_SOURCES

    @property
    def is_scan(self) -> bool:
        return self.source_kind in SCAN_SOURCES

    @property
    def has_text_layer(self) -> bool:
        return self.source_kind == SourceKind.PDF_TEXT

    @property
    def is_withheld_in_full(self) -> bool:
        return bool(self.withheld_exemption)

    @property
    def holds_special_data(self) -> bool:
        """Health, social work or education data: the serious-harm exemptions of DPA 2018 Sch 3 can apply."""
        return self.holds_health_data or self.holds_social_work_data or self.holds_education_data

    def page(self, number: int) -> dict[str, Any] | None:
        for entry in self.pages:
            if entry.get("number") == number:
                return dict(entry)
        return None


class DisclosureEvent(models.Model):
    """Append-only log of what was done in disclosure (records asked, documents added, reviewed...) and why."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="disclosure_events")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    action = models.CharField(max_length=60)
    detail = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"
