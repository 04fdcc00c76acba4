"""What happened to a member of staff's sign-in: enrolments, passkeys added and removed, factor resets, recovery
codes used, unlocks."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SecurityEvent(models.Model):
    """One append-only row per change to how a member of staff signs in (who did it, to whom, when)."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", "Second factor enrolled"
        PASSKEY_ADDED = "passkey_added", "Passkey or security key added"
        PASSKEY_REMOVED = "passkey_removed", "Passkey or security key removed"
        RECOVERY_CODES_ISSUED = "recovery_codes_issued", "New recovery codes issued"
        RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used to sign in"
        FACTORS_RESET = "factors_reset", "Second factors reset by a Manager"
        UNLOCKED = "unlocked", "Sign-in lock-out cleared by a Manager"
        OIDC_SIGNED_IN = "oidc_signed_in", "Signed in through the identity provider"
        OIDC_REFUSED = "oidc_refused", "Identity provider sign-in refused"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="security_events"
    )
    # No actor only for a refused identity-provider sign-in by someone with no (active) staff account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="security_events_made"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user or self.detail} by {self.actor or 'no one signed in'} at {self.at:%Y-%m-%d %H:%M}"
