"""Abstract models every app's retention builds on (UK GDPR Art 5(1)(e)): what is due, and the certificate."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RetentionDue(models.Model):
    """Something at the end of its retention, as the daily listing last found it (and what blocks it)."""

    due_on = models.DateField()
    listed_on = models.DateField()
    blocked_reason = models.TextField(blank=True, help_text="Why it cannot be destroyed yet, as of the last listing.")

    class Meta:
        abstract = True


class DestructionCertificateBase(models.Model):
    """What was destroyed, when, by whom and how; the concrete model says what (never a name)."""

    reference_prefix = "DC"

    how = models.TextField()
    destroyed_at = models.DateTimeField()
    destroyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    destroyed_by_name = models.CharField(max_length=150, help_text="The username, kept if the account is renamed.")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        prefix = self.reference_prefix
        return f"{prefix}-{self.destroyed_at:%Y}-{self.pk:05d}" if self.pk else f"{prefix}-(new)"
