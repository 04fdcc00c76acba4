"""What OCR read on a document's scanned pages, word by word with each word's box, and what review is
offered to redact from any document's text (suggestions a person accepts or rejects)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from disclosure.models.records import Document
from disclosure.models.review import EXEMPTION_CHOICES, Redaction


class ReadingStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be read"
    READING = "reading", "Being read"
    DONE = "done", "Read"
    FAILED = "failed", "Could not be read"


class DocumentReading(models.Model):
    """OCR of a document's image-only pages (a scan, or a PDF's pages with no text layer), run once at upload.

    `text` holds the words read, page after page (pages joined by a blank line, lines by a newline);
    each word's offsets in it, and its box on its page, are in `PageWord`. `progress` runs 0-100.
    """

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="reading")
    status = models.CharField(max_length=20, choices=ReadingStatus.choices, default=ReadingStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    pages = models.JSONField(default=list, blank=True, help_text="The page numbers read by OCR.")
    text = models.TextField(blank=True)
    engine = models.CharField(
        max_length=60, blank=True, help_text="The OCR engine and version, e.g. 'tesseract 5.3.0'."
    )
    language = models.CharField(max_length=20, default="eng")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress is a running figure, not a change anyone made: it is kept out of the history and written by update().
    history = HistoricalRecords(excluded_fields=["progress", "message"])

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="disclosure_reading_progress_0_100"),
        ]

    def __str__(self) -> str:
        return f"OCR of document {self.document_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReadingStatus.DONE, ReadingStatus.FAILED)


class PageWord(models.Model):
    """One word OCR read on a page: its text, its box in PDF points from the page's top left (the frame of
    `Document.pages` and of redaction boxes), its offsets in `DocumentReading.text` and the engine's confidence."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="page_words")
    page = models.PositiveIntegerField(help_text="1-based page number.")
    position = models.PositiveIntegerField(help_text="Reading order on the page.")
    line = models.PositiveIntegerField(default=0, help_text="Line number on the page, in reading order.")
    text = models.CharField(max_length=200)
    x0 = models.FloatField()
    top = models.FloatField()
    x1 = models.FloatField()
    bottom = models.FloatField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    confidence = models.FloatField(default=0.0)
    history = HistoricalRecords()  # written in bulk by the OCR task (no row each); a change by hand would show

    class Meta:
        ordering = ["document_id", "page", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "page", "position"], name="disclosure_pageword_unique"),
            models.CheckConstraint(
                condition=Q(x1__gt=models.F("x0"), bottom__gt=models.F("top")), name="disclosure_pageword_box"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text!r} on page {self.page} of document {self.document_id}"

    def as_word(self) -> dict[str, Any]:
        """The word in the shape `Document.pages` uses for a text layer's words."""
        return {
            "text": self.text,
            "x0": self.x0,
            "top": self.top,
            "x1": self.x1,
            "bottom": self.bottom,
            "start": self.start,
            "end": self.end,
        }


class SuggestionSource(models.TextChoices):
    THIRD_PARTY = "third_party", "A third party's name"
    REDACTED_ELSEWHERE = "redacted_elsewhere", "Redacted elsewhere in the case"
    POSTCODE = "postcode", "Postcode"
    NI_NUMBER = "ni_number", "National Insurance number"
    NHS_NUMBER = "nhs_number", "NHS number"
    TELEPHONE = "telephone", "Telephone number"
    EMAIL = "email", "Email address"
    DATE_OF_BIRTH = "date_of_birth", "Someone else's date of birth"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted: redacted"
    REJECTED = "rejected", "Rejected: left in"


class RedactionSuggestion(models.Model):
    """Something in a document the service proposes to redact; nothing is redacted until a person accepts it.

    `origin` says which text it was found in: the document's own text (`start`/`end` index `Document.text`)
    or the OCR of its scanned pages (`start`/`end` index `DocumentReading.text`, and `boxes` hold its
    words' boxes, one per line: ``[{"page", "x0", "top", "x1", "bottom", "text"}]``).
    """

    class Origin(models.TextChoices):
        TEXT = "text", "The document's text"
        OCR = "ocr", "OCR of a scanned page"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="suggestions")
    source = models.CharField(max_length=30, choices=SuggestionSource.choices)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    text = models.CharField(max_length=500)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    boxes = models.JSONField(default=list, blank=True)
    why = models.CharField(max_length=300, blank=True, help_text="Why it is suggested, e.g. the third party's name.")
    suggested_exemption = models.CharField(max_length=40, choices=EXEMPTION_CHOICES, blank=True)
    status = models.CharField(max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING)
    exemption = models.CharField(max_length=40, choices=EXEMPTION_CHOICES, blank=True)
    reason = models.TextField(blank=True)
    redactions = models.ManyToManyField(Redaction, blank=True, related_name="suggestions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["document_id", "origin", "start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "origin", "start", "end"], name="disclosure_suggestion_once"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="disclosure_suggestion_span"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} in document {self.document_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == SuggestionStatus.PENDING
