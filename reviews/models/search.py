"""Subject searches kept as evidence of a reasonable and proportionate search (UK GDPR Art 15(1A))."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from reviews.models.holdings import DataSubjectRecord


class SubjectSearchRun(models.Model):
    """Evidence of a reasonable and proportionate search (UK GDPR Art 15(1A)): what was searched, by whom, and what came back."""

    request_reference = models.CharField(max_length=40, blank=True, db_index=True)
    name = models.CharField(max_length=200)
    previous_names = models.TextField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField()
    records_searched = models.PositiveIntegerField(help_text="Records held when the search ran.")
    candidates_scored = models.PositiveIntegerField()
    hit_limit = models.PositiveIntegerField()
    candidates_capped = models.BooleanField(
        default=False, help_text="More records shared a key than one search compares: only the strongest were scored."
    )
    # The search's scope (UK GDPR Art 15(1A)): recorded after the run, and what an access request's sign-off reads.
    holdings_and_agencies = models.TextField(
        blank=True, help_text="Which holdings and partner agencies the search covered."
    )
    date_from = models.DateField(null=True, blank=True, help_text="Earliest date searched; empty for no limit.")
    date_to = models.DateField(null=True, blank=True, help_text="Latest date searched; empty for no limit.")
    exclusions = models.TextField(blank=True, help_text="What was left out of the search, and why.")
    cap_reason = models.TextField(blank=True, help_text="Why the cap on the number of hits shown was enough.")
    scope_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scope_recorded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-run_at", "-pk"]

    def __str__(self) -> str:
        return f"Search {self.pk} for {self.request_reference or 'no request'}"

    @property
    def previous_name_list(self) -> list[str]:
        return [line.strip() for line in self.previous_names.splitlines() if line.strip()]

    @property
    def scope_recorded(self) -> bool:
        return self.scope_recorded_at is not None


class HitDecision(models.TextChoices):
    PENDING = "pending", "Not yet decided"
    CONFIRMED = "confirmed", "Confirmed: about this person"
    REJECTED = "rejected", "Rejected: someone else"


class SubjectSearchHit(models.Model):
    """One ranked hit of a search, with why it matched and the caseworker's decision."""

    run = models.ForeignKey(SubjectSearchRun, on_delete=models.CASCADE, related_name="hits")
    record = models.ForeignKey(DataSubjectRecord, on_delete=models.PROTECT, related_name="search_hits")
    rank = models.PositiveIntegerField()
    score = models.PositiveSmallIntegerField()
    strength = models.CharField(max_length=10)
    reasons = models.TextField(help_text="One reason per line.")
    decision = models.CharField(max_length=20, choices=HitDecision.choices, default=HitDecision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["run", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "record"], name="reviews_searchhit_unique")]
        indexes = [models.Index(fields=["record", "decision"])]

    def __str__(self) -> str:
        return f"Hit {self.rank} of search {self.run_id}"

    @property
    def reason_list(self) -> list[str]:
        return [line for line in self.reasons.splitlines() if line.strip()]
