"""How a verified pack reaches the requester: a portal link, or the post after a second person's check."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from disclosure.models.pack import Pack

PORTAL_MAX_TRIES = 5


class LinkSentHow(models.TextChoices):
    EMAIL = "email", "By email, from the service"
    POST = "post", "By post"


PORTAL_CODE_MAX_TRIES = 3  # wrong tries before a one-time code stops working (each also counts against the link)


class PortalLink(models.Model):
    """A link to download a pack; only a hash of its token is kept, so the database alone cannot open it."""

    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="portal_links")
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the token; the token is never stored."
    )
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True, help_text=f"Set after {PORTAL_MAX_TRIES} wrong tries.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Creating a link and sending it are two facts: the pack is disclosed when the link was sent.
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_how = models.CharField(max_length=10, choices=LinkSentHow.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who posted the letter with the link (by email: who asked the service to send it).",
    )
    message = models.ForeignKey(
        "requests_app.Message",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The email that carries the link, when the service sends it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Portal link {self.pk} for pack {self.pack_id}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def is_expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def state(self, now: dt.datetime) -> str:
        """active, revoked, unsent, locked or expired (in that order of precedence)."""
        if self.is_revoked:
            return "revoked"
        if not self.is_sent:
            return "unsent"  # a link works once it has gone to the requester
        if self.is_locked:
            return "locked"
        if self.is_expired(now):
            return "expired"
        return "active"


class PortalEvent(models.TextChoices):
    OPENED = "opened", "Link opened"
    WRONG_DETAILS = "wrong_details", "Wrong reference or date of birth"
    LOCKED = "locked", "Locked after too many wrong tries"
    REFUSED = "refused", "Refused (expired, revoked or locked)"
    UNLOCKED = "unlocked", "Reference and date of birth accepted"
    DOWNLOADED = "downloaded", "Pack downloaded"
    CODE_SENT = "code_sent", "One-time code sent"
    WRONG_CODE = "wrong_code", "Wrong one-time code"
    CODE_ACCEPTED = "code_accepted", "One-time code accepted"


class PortalAccess(models.Model):
    """Append-only log of what happened at a portal link: every try and every download, with time, IP and browser."""

    link = models.ForeignKey(PortalLink, on_delete=models.PROTECT, related_name="accesses")
    event = models.CharField(max_length=20, choices=PortalEvent.choices)
    at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["link", "event"])]
        verbose_name_plural = "portal accesses"

    def __str__(self) -> str:
        return f"{self.get_event_display()} at {self.at:%Y-%m-%d %H:%M}"


class PortalCode(models.Model):
    """A one-time code that, with the reference and date of birth, unlocks a portal link: sent to the contact the
    requester chose (email or text message), or read out by phone by a caseworker who has checked who is calling.

    Only a keyed hash of the code is kept; it expires, works once, and stops after a few wrong tries.
    """

    link = models.ForeignKey(PortalLink, on_delete=models.PROTECT, related_name="codes")
    code_hash = models.CharField(max_length=64, help_text="HMAC-SHA-256 of the code; the code is never stored.")
    channel = models.CharField(max_length=10, help_text="email, sms or phone")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The caseworker who read it out by phone (empty: sent by the service).",
    )
    identity_check = models.TextField(blank=True, help_text="How the caseworker checked who was calling.")
    message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["link", "created_at"])]

    def __str__(self) -> str:
        return f"One-time code {self.pk} for portal link {self.link_id}"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at and self.failed_attempts < PORTAL_CODE_MAX_TRIES


class DispatchMethod(models.TextChoices):
    POST = "post", "Post"
    RECORDED_DELIVERY = "recorded_delivery", "Recorded delivery"
    SPECIAL_DELIVERY = "special_delivery", "Special Delivery (tracked)"
    COURIER = "courier", "Courier"
    HAND = "hand", "By hand"


class DispatchStatus(models.TextChoices):
    PREPARED = "prepared", "Prepared, awaiting the address check"
    CHECKED = "checked", "Address checked by a second person"
    DISPATCHED = "dispatched", "Dispatched"
    CANCELLED = "cancelled", "Cancelled"
    ADDRESS_MISMATCH = "address_mismatch", "Stopped: the address did not match the verified evidence"


class Dispatch(models.Model):
    """A pack sent on paper. Before it goes, someone other than the person who prepared it confirms that the
    address on the pack is the requester's verified address."""

    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="dispatches")
    status = models.CharField(max_length=20, choices=DispatchStatus.choices, default=DispatchStatus.PREPARED)
    address = models.TextField(help_text="The address on the pack's covering letter.")
    method = models.CharField(max_length=20, choices=DispatchMethod.choices, default=DispatchMethod.RECORDED_DELIVERY)
    tracking_number = models.CharField(max_length=100, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField()
    verified_address = models.TextField(
        blank=True,
        help_text="The address on the verified identity or authority evidence (as recorded there, or as the checker "
        "typed it from the evidence scan) that the pack's address was checked against.",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(
        blank=True, help_text="Why it was cancelled, or why the address check stopped it."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-prepared_at", "-pk"]
        verbose_name_plural = "dispatches"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checked_by__isnull=True) | ~models.Q(checked_by=models.F("prepared_by")),
                name="disclosure_dispatch_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispatch {self.pk} of pack {self.pack_id} ({self.get_method_display()})"
