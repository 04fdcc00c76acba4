"""Those outside the partnership asked before a pack goes: each agency's data owner signs off the redactions of
its own records through a secure link, and third parties are asked for consent (DPA 2018 Sch 2 Pt 3 para 16)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from disclosure.models.records import Agency
from disclosure.models.review import ThirdParty
from requests_app.models import Letter, RightsRequest
from rights.owners import ConsentAnswer, OwnerAnswer

OWNER_REVIEW_MAX_TRIES = 5  # wrong codes before the link locks
OWNER_CODE_MAX_TRIES = 3


class OwnerReview(models.Model):
    """One agency asked to check the redactions of its own records before sign-off, and its answer.

    Only a hash of the link's token is kept. `fingerprint` is what the agency was shown (its documents and
    their redactions): an answer counts only while the records still match it.
    """

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="owner_reviews")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="owner_reviews")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token; never the token.")
    expires_at = models.DateTimeField()
    sent_to = models.EmailField(help_text="The data owner's address: the link and the one-time codes go there.")
    asked_on = models.DateField()
    due_on = models.DateField(help_text="AGENCY_REVIEW_WORKING_DAYS working days after it was asked.")
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        max_length=20,
        choices=[(a.value, a.value.replace("_", " ").capitalize()) for a in OwnerAnswer],
        default=OwnerAnswer.ASKED.value,
    )
    answer_reason = models.TextField(blank=True)
    answered_by_name = models.CharField(max_length=200, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_reason = models.TextField(blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When staff withdrew the link by hand (e.g. sent to the wrong address)."
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)
    message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "agency"],
                condition=~Q(status=OwnerAnswer.SUPERSEDED.value),
                name="disclosure_ownerreview_one_current_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} checks its redactions for {self.request_id}"

    @property
    def answer(self) -> OwnerAnswer:
        return OwnerAnswer(self.status)

    def is_open(self, now: dt.datetime) -> bool:
        """The link works: asked, not answered, not locked, not revoked, not expired."""
        return (
            self.status == OwnerAnswer.ASKED
            and self.locked_at is None
            and self.revoked_at is None
            and now < self.expires_at
        )


class OwnerReviewCode(models.Model):
    """A one-time code to the data owner's address that, with the link, shows the records (hash only kept)."""

    review = models.ForeignKey(OwnerReview, on_delete=models.PROTECT, related_name="codes")
    code_hash = models.CharField(max_length=64)
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

    def __str__(self) -> str:
        return f"One-time code {self.pk} for owner review {self.review_id}"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at and self.failed_attempts < OWNER_CODE_MAX_TRIES


class OwnerReviewEvent(models.TextChoices):
    CODE_SENT = "code_sent", "One-time code sent"
    WRONG_CODE = "wrong_code", "Wrong one-time code"
    CODE_ACCEPTED = "code_accepted", "One-time code accepted"
    VIEWED = "viewed", "Records viewed"
    PAGE_VIEWED = "page_viewed", "A page of a record viewed"
    AGREED = "agreed", "Agreed the redactions"
    CHANGES_ASKED = "changes_asked", "Asked for changes"
    REFUSED = "refused", "Refused (expired, answered or locked)"
    LOCKED = "locked", "Locked after too many wrong codes"


class OwnerReviewAccess(models.Model):
    """Append-only log of everything at an owner-review link: every code, view and answer, with IP and browser."""

    review = models.ForeignKey(OwnerReview, on_delete=models.PROTECT, related_name="accesses")
    event = models.CharField(max_length=20, choices=OwnerReviewEvent.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "owner review accesses"

    def __str__(self) -> str:
        return f"{self.get_event_display()} at {self.at:%Y-%m-%d %H:%M}"


class ConsentMethod(models.TextChoices):
    EMAIL = "email", "Email, sent by the service"
    POST = "post", "Letter by post"


class ConsentRequest(models.Model):
    """A third party asked for consent to disclose their information (DPA 2018 Sch 2 Pt 3 para 16(1)(a)),
    with the letter, its due date, the one chaser, and the answer filed with its letter."""

    third_party = models.ForeignKey(ThirdParty, on_delete=models.PROTECT, related_name="consent_requests")
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    sent_to = models.TextField(help_text="The email address or postal address the letter went to.")
    what_disclosed = models.TextField(help_text="What would be disclosed about them, in the letter's words.")
    why = models.TextField(help_text="Why: in general terms, who asked and for what.")
    sent_on = models.DateField()
    due_on = models.DateField(help_text="THIRD_PARTY_REPLY_WORKING_DAYS working days after it was sent.")
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="consent_requests")
    chased_on = models.DateField(null=True, blank=True)
    chaser_letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="consent_chasers"
    )
    answer = models.CharField(
        max_length=20,
        choices=[(a.value, a.value.replace("_", " ").capitalize()) for a in ConsentAnswer],
        blank=True,
    )
    answered_on = models.DateField(null=True, blank=True)
    answer_letter = models.ForeignKey(
        Letter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_answers",
        help_text="The answer as received, filed in the letters register (none for 'no answer').",
    )
    answer_note = models.TextField(blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["answer", "due_on"])]

    def __str__(self) -> str:
        return f"Consent asked of {self.third_party} on {self.sent_on}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)


CONSENT_LINK_MAX_TRIES = 5  # wrong codes before a third party's answer link locks
CONSENT_CODE_MAX_TRIES = 3  # wrong tries before one code stops working (each also counts against the link)


class ConsentAnswerLink(models.Model):
    """A link for a third party asked by email to answer online; only a hash of its token is kept.

    Its use (the answer given through it) is recorded on it: when, from which address and browser.
    """

    consent = models.ForeignKey(ConsentRequest, on_delete=models.PROTECT, related_name="answer_links")
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the token; the token is never stored."
    )
    sent_to = models.EmailField(help_text="The address the request for consent and this link went to.")
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)
    message = models.ForeignKey(
        "requests_app.Message", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, help_text="Where the answer came from.")
    user_agent = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Answer link {self.pk} for consent request {self.consent_id}"

    def state(self, now: dt.datetime) -> str:
        """active, revoked, locked, expired or answered (by this link, or recorded by a caseworker)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.locked_at is not None:
            return "locked"
        if self.answered_at is not None or self.consent.is_answered:
            return "answered"
        if now >= self.expires_at:
            return "expired"
        return "active"


class ConsentAnswerCode(models.Model):
    """A one-time code sent to the third party's address; only a keyed hash of it is kept."""

    link = models.ForeignKey(ConsentAnswerLink, on_delete=models.PROTECT, related_name="codes")
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
        return f"One-time code {self.pk} for answer link {self.link_id}"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.used_at is None and now < self.expires_at and self.failed_attempts < CONSENT_CODE_MAX_TRIES
