"""A rendered disclosure pack: its file, its checksum, its verification report, and whether it went out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from requests_app.models import Letter, RightsRequest


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    VERIFIED = "verified", "Verified"
    FAILED = "failed", "Failed verification or rendering"
    RELEASED = "released", "Released to the requester"


# Rendering may still move these on; the others are final (a failed pack is never released).
PACK_IN_PROGRESS = frozenset({PackStatus.QUEUED, PackStatus.RENDERING})


def pack_upload_to(instance: Pack, filename: str) -> str:
    """Private storage, named by reference and pack number only (never by a person's name)."""
    return f"disclosure/packs/{instance.request.reference}/pack-{instance.pk or 'new'}.pdf"


class Pack(models.Model):
    """One rendering of a request's disclosure pack (or a preview of it), from queue to release."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="packs")
    status = models.CharField(max_length=20, choices=PackStatus.choices, default=PackStatus.QUEUED)
    preview = models.BooleanField(
        default=False, help_text="Watermarked on every page as not for disclosure; never released."
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100.")
    progress_message = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When rendering last said it was alive; the sweep fails a pack silent too long.",
    )
    file = models.FileField(upload_to=pack_upload_to, blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    inputs_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of everything the pack was made from: same inputs, same PDF."
    )
    verification: models.JSONField[Any, Any] = models.JSONField(
        default=dict, blank=True, help_text="What was searched for, with which libraries, and what was found."
    )
    failure_reason = models.TextField(blank=True)
    addressee_name = models.CharField(max_length=200, blank=True, help_text="Whom the covering letter is addressed to.")
    address = models.TextField(blank=True, help_text="The address printed on the covering letter.")
    letter_date = models.DateField(null=True, blank=True, help_text="The date on the covering letter.")
    cover_letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Filed on release."
    )
    task_id = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when made from the command line.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["request", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="disclosure_pack_progress_max"),
            models.CheckConstraint(
                condition=~models.Q(status="released", preview=True), name="disclosure_pack_preview_never_released"
            ),
        ]

    def __str__(self) -> str:
        kind = "Preview" if self.preview else "Pack"
        return f"{kind} {self.pk} for {self.request_id}"

    @property
    def in_progress(self) -> bool:
        return self.status in PACK_IN_PROGRESS

    @property
    def is_releasable_status(self) -> bool:
        return not self.preview and self.status in {PackStatus.VERIFIED, PackStatus.RELEASED}
