"""An agency return uploaded on the import page: the file, its preview, and the run's progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Being checked"
    UPLOADED = "uploaded", "Checked, waiting for confirmation"
    INVALID = "invalid", "Refused: the file has errors"
    QUEUED = "queued", "Confirmed, waiting to run"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed: nothing imported"


class HoldingsImport(models.Model):
    """One upload of an agency return. The file is kept until it is imported, then emptied (it holds names)."""

    file_name = models.CharField(max_length=200)
    content = models.BinaryField(blank=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True, help_text="What the import would change, as checked.")
    errors = models.TextField(blank=True, help_text="One error a line: row N, column NAME: what is wrong.")
    summary = models.TextField(blank=True, help_text="The import's last line.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.file_name})"

    @property
    def percent(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0
