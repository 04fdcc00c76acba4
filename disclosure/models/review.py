"""What review decides about the documents: redactions, neither-confirm-nor-deny flags, third
parties and serious-harm opinions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.text import day_text
from disclosure.models.records import Document
from requests_app.models import RightsRequest
from rights import EXEMPTIONS

EXEMPTION_CHOICES = [(e.key, f"{e.code} \u2013 {e.title}") for e in EXEMPTIONS.values()]


class RedactionKind(models.TextChoices):
    SPAN = "span", "Text span"
    RECTANGLE = "rectangle", "Rectangle on a page"


class Redaction(models.Model):
    """One thing removed from a document before disclosure, and the exemption relied on.

    A span covers ``text[start:end]`` of the document; on a PDF with a text layer it also has one
    box per line of the words it covers. A rectangle has no span and exactly one box; on a PDF with
    a text layer `text` holds the words the box covers.
    """

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="redactions")
    exemption = models.CharField(max_length=40, choices=EXEMPTION_CHOICES)
    kind = models.CharField(max_length=20, choices=RedactionKind.choices)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, help_text="The redacted text: it must never appear in the pack.")
    phrase = models.CharField(
        max_length=500, blank=True, help_text="The phrase searched for, when marked by 'every occurrence'."
    )
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["document_id", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="span", start__isnull=False, end__isnull=False, end__gt=F("start"))
                    | Q(kind="rectangle", start__isnull=True, end__isnull=True)
                ),
                name="disclosure_redaction_span_or_rectangle",
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.start}-{self.end}" if self.kind == RedactionKind.SPAN else "rectangle"
        return f"{self.exemption_code} {where} in document {self.document_id}"

    @property
    def exemption_code(self) -> str:
        return EXEMPTIONS[self.exemption].code


class RedactionBox(models.Model):
    """A rectangle of a redaction on a page, in PDF points from the page's top left corner."""

    redaction = models.ForeignKey(Redaction, on_delete=models.CASCADE, related_name="boxes")
    page = models.PositiveIntegerField(help_text="1-based page number.")
    x0 = models.FloatField()
    top = models.FloatField()
    x1 = models.FloatField()
    bottom = models.FloatField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "redaction boxes"
        ordering = ["page", "top", "x0", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(x1__gt=F("x0"), bottom__gt=F("top"), x0__gte=0, top__gte=0, page__gte=1),
                name="disclosure_redactionbox_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"p{self.page} ({self.x0:.0f},{self.top:.0f})-({self.x1:.0f},{self.bottom:.0f})"


class NcndFlag(models.Model):
    """Neither confirm nor deny: a withheld document, or a redaction, whose very existence is kept out of
    every letter, schedule and count the requester sees. It holds only once a Manager approves it."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="ncnd_flags")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="ncnd_flags")
    redaction = models.ForeignKey(
        Redaction,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ncnd_flags",
        help_text="Empty when the whole document is withheld without confirming it exists.",
    )
    exemption = models.CharField(max_length=40, choices=EXEMPTION_CHOICES)
    reason = models.TextField()
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    flagged_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["flagged_at", "pk"]
        verbose_name = "neither-confirm-nor-deny flag"
        constraints = [
            models.UniqueConstraint(
                fields=["document"], condition=Q(redaction__isnull=True), name="disclosure_ncnd_one_per_document"
            ),
            models.UniqueConstraint(
                fields=["redaction"], condition=Q(redaction__isnull=False), name="disclosure_ncnd_one_per_redaction"
            ),
        ]

    def __str__(self) -> str:
        target = f"redaction {self.redaction_id}" if self.redaction_id else f"document {self.document_id}"
        return f"NCND {target}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    @property
    def covers_whole_document(self) -> bool:
        return self.redaction_id is None


class Consent(models.TextChoices):
    ASKED = "asked", "Asked, no answer yet"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class Judgement(models.TextChoices):
    YES = "yes", "Reasonable to disclose"
    NO = "no", "Not reasonable to disclose"


class ThirdParty(models.Model):
    """Someone other than the data subject named in the records (DPA 2018 Sch 2 Pt 3 paras 16-17)."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="third_parties")
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="third_parties"
    )
    name = models.CharField(max_length=200)
    other_spellings = models.TextField(
        blank=True,
        help_text="Other spellings or forms of the name found in the records, one a line (e.g. 'Jon Smyth', 'J. Smith').",
    )
    description = models.TextField(blank=True, help_text="Who they are, e.g. 'mother's partner', 'school nurse'.")
    is_professional_in_role = models.BooleanField(
        default=False, help_text="A health, social work or education professional acting in that role (para 17)."
    )
    contact_email = models.EmailField(blank=True, help_text="Where a consent request can be emailed.")
    contact_address = models.TextField(blank=True, help_text="Where a consent request letter can be posted.")
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.NOT_SOUGHT)
    consent_reason = models.TextField(blank=True, help_text="Why consent was or was not sought, and any answer.")
    consent_asked_on = models.DateField(null=True, blank=True)
    consent_answered_on = models.DateField(null=True, blank=True)
    reasonable_to_disclose = models.CharField(max_length=3, choices=Judgement.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "third parties"

    def __str__(self) -> str:
        return self.name

    @property
    def spellings(self) -> list[str]:
        """The name and every other spelling recorded, each once (case ignored), longest first."""
        seen: dict[str, str] = {}
        for value in [self.name, *self.other_spellings.splitlines()]:
            value = " ".join(value.split())
            if value and value.casefold() not in seen:
                seen[value.casefold()] = value
        return sorted(seen.values(), key=len, reverse=True)

    @property
    def is_decided(self) -> bool:
        return bool(self.reasonable_to_disclose)


class DataArea(models.TextChoices):
    HEALTH = "health", "Health data (Sch 3 Pt 2)"
    SOCIAL_WORK = "social_work", "Social work data (Sch 3 Pt 3)"
    EDUCATION = "education", "Education data (Sch 3 Pt 4)"


class OpinionConclusion(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    WITHHOLD_IN_PART = "withhold_in_part", "Withhold in part"
    WITHHOLD = "withhold", "Withhold"


class SeriousHarmOpinion(models.Model):
    """An appropriate professional's opinion on whether disclosure would be likely to cause serious harm
    (DPA 2018 Sch 3); one older than six months must be renewed before it is relied on."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="serious_harm_opinions")
    area = models.CharField(max_length=20, choices=DataArea.choices, default=DataArea.HEALTH)
    professional_name = models.CharField(max_length=200)
    professional_role = models.CharField(max_length=200)
    opinion_date = models.DateField()
    opinion = models.TextField()
    conclusion = models.CharField(max_length=20, choices=OpinionConclusion.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opinion_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.professional_name} ({self.professional_role}), {day_text(self.opinion_date)}"
