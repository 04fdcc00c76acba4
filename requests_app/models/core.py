"""Data of the case. Writes go through requests_app.services; the status only through the state machines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_fsm import FSMField, FSMModelMixin
from simple_history.models import HistoricalRecords

from core.text import day_text, shorten
from requests_app.search_key import person_names, search_key_for
from rights import Authority, Competence, ExtensionGround, RepresentativeRole, RightKind, clarification_stops_clock
from rights.people import (
    ActingPowers,
    AffairsArea,
    BestInterests,
    EvidenceDocument,
    ParentalResponsibilityBasis,
    PowerKind,
)


def _choices(enum_cls: type) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ").capitalize()) for member in enum_cls]  # type: ignore[attr-defined]


KIND_CHOICES = [(kind.value, kind.label) for kind in RightKind]
ROLE_CHOICES = _choices(RepresentativeRole)
AUTHORITY_CHOICES = [
    (Authority.PARENTAL_RESPONSIBILITY.value, "Parental responsibility"),
    (Authority.WRITTEN_CONSENT.value, "Signed written consent"),
    (Authority.COURT_ORDER.value, "Court order (deputy)"),
    (Authority.LASTING_POWER_OF_ATTORNEY.value, "Lasting power of attorney"),
]
PR_BASIS_CHOICES = [
    (ParentalResponsibilityBasis.BIRTH_MOTHER.value, "Birth mother"),
    (ParentalResponsibilityBasis.BIRTH_FATHER.value, "Birth father (married, registered, agreement or order)"),
    (ParentalResponsibilityBasis.SECOND_FEMALE_PARENT.value, "Second female parent"),
    (ParentalResponsibilityBasis.ADOPTIVE_PARENT.value, "Adoptive parent"),
    (ParentalResponsibilityBasis.SPECIAL_GUARDIAN.value, "Special guardian"),
    (
        ParentalResponsibilityBasis.LIVES_WITH_ORDER.value,
        "Named in a child arrangements order as someone the child lives with",
    ),
    (ParentalResponsibilityBasis.LOCAL_AUTHORITY.value, "Local authority under a care order"),
    (ParentalResponsibilityBasis.GUARDIAN.value, "Guardian appointed by a parent or the court"),
]
PR_EVIDENCE_CHOICES = [
    (EvidenceDocument.BIRTH_CERTIFICATE.value, "Birth certificate"),
    (EvidenceDocument.BIRTH_CERTIFICATE_NAMING_PARENT.value, "Birth certificate naming the parent asking"),
    (EvidenceDocument.MARRIAGE_OR_CIVIL_PARTNERSHIP_CERTIFICATE.value, "Marriage or civil partnership certificate"),
    (EvidenceDocument.PARENTAL_RESPONSIBILITY_AGREEMENT_OR_ORDER.value, "Parental responsibility agreement or order"),
    (EvidenceDocument.ADOPTION_ORDER.value, "Adoption order"),
    (EvidenceDocument.SPECIAL_GUARDIANSHIP_ORDER.value, "Special guardianship order"),
    (EvidenceDocument.CHILD_ARRANGEMENTS_ORDER.value, "Child arrangements order"),
    (EvidenceDocument.CARE_ORDER.value, "Care order"),
    (EvidenceDocument.GUARDIAN_APPOINTMENT.value, "Appointment of a guardian"),
]
AFFAIRS_CHOICES = [
    (AffairsArea.PROPERTY_AND_FINANCIAL.value, "Property and financial affairs"),
    (AffairsArea.HEALTH_AND_WELFARE.value, "Health and welfare"),
]
POWER_KIND_CHOICES = [
    (PowerKind.LPA_PROPERTY_AND_FINANCIAL.value, "Lasting power of attorney: property and financial affairs"),
    (PowerKind.LPA_HEALTH_AND_WELFARE.value, "Lasting power of attorney: health and welfare"),
    (PowerKind.ENDURING.value, "Enduring power of attorney (made before 1 October 2007)"),
]
BEST_INTERESTS_CHOICES = [
    (BestInterests.IN.value, "Disclosure is in their best interests"),
    (BestInterests.NOT_IN.value, "Disclosure is not in their best interests"),
]
EXTENSION_GROUND_CHOICES = [(ground.value, ground.label) for ground in ExtensionGround]
COMPETENCE_CHOICES = [
    (Competence.COMPETENT.value, "Has the understanding to decide"),
    (Competence.NOT_COMPETENT.value, "Does not have the understanding to decide"),
]


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _validate_pr_evidence(value: str) -> None:
    unknown = [part for part in _listed(value) if part not in EvidenceDocument.__members__.values()]
    if unknown:
        raise ValidationError(f"Not a document that shows parental responsibility: {', '.join(unknown)}.")


def _validate_affairs_list(value: str) -> None:
    unknown = [part for part in _listed(value) if part not in AffairsArea.__members__.values()]
    if unknown:
        raise ValidationError(f"Not an area of affairs: {', '.join(unknown)}.")


class Channel(models.TextChoices):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    IN_PERSON = "in_person", "In person"
    WEB = "web", "Web form"


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    AWAITING_IDENTITY = "awaiting_identity", "Awaiting identity or authority"
    AWAITING_CLARIFICATION = "awaiting_clarification", "Awaiting clarification (clock stopped)"
    AWAITING_FEE = "awaiting_fee", "Awaiting the fee (clock waiting)"
    IN_PROGRESS = "in_progress", "In progress"
    GATHERING_RECORDS = "gathering_records", "Gathering records"
    IN_REVIEW = "in_review", "In review"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    DISCLOSED = "disclosed", "Disclosed"
    ASSESSING = "assessing", "Assessing"
    RECTIFIED = "rectified", "Rectified"
    ERASED = "erased", "Erased"
    RESTRICTED = "restricted", "Restricted"
    LIFTED = "lifted", "Restriction lifted"
    UPHELD = "upheld", "Objection upheld"
    REJECTED = "rejected", "Objection rejected"
    ANSWERED = "answered", "Answered"
    REFUSED = "refused", "Refused"
    RECIPIENTS_NOTIFIED = "recipients_notified", "Recipients notified"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


class ReplyMethod(models.TextChoices):
    """How the requester asked to be answered: letters, links and codes go by email, or on paper."""

    EMAIL = "email", "By email"
    POST = "post", "By post"


class CodeChannel(models.TextChoices):
    """How the one-time code that unlocks a pack reaches the requester: never with the link by post."""

    EMAIL = "email", "By email"
    SMS = "sms", "By text message"
    PHONE = "phone", "Read out by phone, after the caseworker checks who is calling"


class FormatNeed(models.TextChoices):
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    LANGUAGE = "language", "Another language"
    BRAILLE = "braille", "Braille (by arrangement)"
    AUDIO = "audio", "Audio (by arrangement)"


FINISHED_STATUSES = frozenset({Status.CLOSED, Status.WITHDRAWN})
# UK GDPR Art 12A: the month waits for identity or authority, and for an allowed fee; clarification stops it.
WAITING_ON_REQUESTER = frozenset({Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION, Status.AWAITING_FEE})
# UK GDPR Art 12(3): once the response has been given, the request is neither due nor overdue. Each machine names
# its own responded statuses (models.machines checks at start-up that together they are exactly these).
RESPONDED_STATUSES: frozenset[str] = frozenset(
    str(status)
    for status in (
        Status.DISCLOSED,
        Status.RECTIFIED,
        Status.ERASED,
        Status.RESTRICTED,
        Status.LIFTED,
        Status.UPHELD,
        Status.REJECTED,
        Status.ANSWERED,
        Status.REFUSED,
        Status.RECIPIENTS_NOTIFIED,
    )
)


class Person(models.Model):
    """A data subject, requester or representative, as they describe themselves in their letters."""

    full_name = models.CharField(max_length=200)
    previous_names = models.TextField(blank=True, help_text="One name per line.")
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    previous_addresses = models.TextField(
        blank=True, help_text="Earlier addresses, one per line (its parts separated by commas)."
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name", "pk"]
        indexes = [models.Index(fields=["full_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def previous_name_list(self) -> list[str]:
        return [line.strip() for line in self.previous_names.splitlines() if line.strip()]

    @property
    def previous_address_list(self) -> list[str]:
        return [line.strip() for line in self.previous_addresses.splitlines() if line.strip()]


class RefusalGround(models.TextChoices):
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", "Manifestly unfounded (Art 12(5))"
    MANIFESTLY_EXCESSIVE = "manifestly_excessive", "Manifestly excessive (Art 12(5))"
    PUBLIC_TASK = "public_task", "Needed for the public task (Art 17(3)(b))"
    LEGAL_CLAIMS = "legal_claims", "Needed for legal claims (Art 17(3)(e))"
    DATA_ACCURATE = "data_accurate", "The data is accurate (Art 16)"
    COMPELLING_GROUNDS = "compelling_grounds", "Compelling legitimate grounds (Art 21(1))"
    CONDITIONS_NOT_MET = "conditions_not_met", "None of the Article 18(1) conditions applies"


class RightsRequest(FSMModelMixin, models.Model):
    """One request to exercise a data right, from the letter that brought it to its closure."""

    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.LETTER)
    received = models.DateField(help_text="The day the request arrived: day one of the clock.")
    summary = models.TextField(blank=True, help_text="What the requester asked for, in their words.")
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requests_as_subject")
    requester = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="requests_as_requester",
        null=True,
        blank=True,
        help_text="Left empty when the data subject asks for themselves.",
    )
    representative_role = models.CharField(max_length=20, choices=ROLE_CHOICES, default=RepresentativeRole.SELF.value)
    authority = models.CharField(max_length=40, choices=AUTHORITY_CHOICES, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_requests"
    )
    reply_by = models.CharField(
        max_length=10,
        choices=ReplyMethod.choices,
        default=ReplyMethod.POST,
        help_text="Email: letters, links and codes are sent by the service to the addressee's email address.",
    )
    code_by = models.CharField(
        max_length=10,
        choices=CodeChannel.choices,
        blank=True,
        help_text="How the one-time code for the pack portal reaches the requester (empty: by email if they reply "
        "by email, else by phone).",
    )
    format_needs = models.CharField(
        max_length=200, blank=True, help_text="Comma-separated: large_print, easy_read, language, braille, audio."
    )
    format_needs_detail = models.CharField(
        max_length=200, blank=True, help_text="Which language, or what else helps (in the requester's words)."
    )
    status = FSMField(max_length=40, choices=Status.choices, default=Status.RECEIVED, protected=True)
    due_date = models.DateField(help_text="Kept in step with the clock by the services; never edited by hand.")
    first_month_due = models.DateField(
        null=True,
        blank=True,
        help_text="The end of the first month (with clarification days): the last day to notify an extension (Art 12A).",
    )
    clock_started = models.DateField(null=True, blank=True, help_text="When identity, authority or fee arrived.")
    extended = models.BooleanField(default=False)
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    authority_verified_at = models.DateTimeField(null=True, blank=True)
    child_competence = models.CharField(max_length=20, choices=COMPETENCE_CHOICES, blank=True)
    child_consented_on = models.DateField(null=True, blank=True)
    # Who acts on what basis, as the evidence shows it (rights.people.acting_power_refusal); recorded on the authority step.
    pr_basis = models.CharField("basis of parental responsibility", max_length=30, choices=PR_BASIS_CHOICES, blank=True)
    pr_evidence = models.CharField(
        max_length=300,
        blank=True,
        validators=[_validate_pr_evidence],
        help_text="Comma-separated: the documents seen that show parental responsibility (rights.EvidenceDocument).",
    )
    child_adopted_since = models.BooleanField(
        default=False, help_text="The child has since been adopted by someone else (ACA 2002 s46(2)(a))."
    )
    affairs = models.CharField(
        max_length=30,
        choices=AFFAIRS_CHOICES,
        blank=True,
        help_text="For a deputy or attorney: what the request is about.",
    )
    deputy_order_covers = models.CharField(
        max_length=60,
        blank=True,
        validators=[_validate_affairs_list],
        help_text="Comma-separated: the affairs the deputyship order covers (MCA 2005 s16).",
    )
    power_kind = models.CharField(max_length=30, choices=POWER_KIND_CHOICES, blank=True)
    power_registered_on = models.DateField(
        null=True, blank=True, help_text="When the Office of the Public Guardian registered the power."
    )
    power_made_on = models.DateField(
        null=True, blank=True, help_text="When the power was made (an EPA: before 1 Oct 2007)."
    )
    donor_lacks_capacity = models.BooleanField(
        default=False, help_text="The donor lacks capacity to decide (needed for a health and welfare power)."
    )
    best_interests = models.CharField(
        max_length=10,
        choices=BEST_INTERESTS_CHOICES,
        blank=True,
        help_text="For a child, or an adult who lacks capacity: is disclosure to the requester in their best interests?",
    )
    best_interests_reasons = models.TextField(blank=True)
    best_interests_on = models.DateField(null=True, blank=True)
    processing_restricted = models.BooleanField(
        default=False, help_text="Processing restricted while accuracy or an objection is checked (Art 18(1))."
    )
    refusal_ground = models.CharField(max_length=30, choices=RefusalGround.choices, blank=True)
    decision_reasons = models.TextField(blank=True, help_text="The reasons given for the outcome or refusal.")
    supplementary_statement = models.TextField(blank=True, help_text="The requester's own statement (Art 16).")
    paused_from = models.CharField(max_length=40, choices=Status.choices, blank=True)
    is_restricted = models.BooleanField(
        default=False, help_text="Only the Manager and the assigned caseworker may open it (staff or sensitive cases)."
    )
    restricted_reason = models.CharField(max_length=200, blank=True)
    is_complex = models.BooleanField(
        "complex",
        default=False,
        help_text="Complex, or one of numerous requests (UK GDPR Art 12A): the sweep prompts for an extension decision.",
    )
    complex_reason = models.TextField(blank=True, help_text="Why it is complex, or one of numerous requests.")
    extension_ground = models.CharField(
        max_length=20,
        choices=EXTENSION_GROUND_CHOICES,
        blank=True,
        help_text="The Art 12A ground that allows an extension: complex, or one of numerous requests (then which).",
    )
    numerous_with = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="The same person's other requests that make this one of numerous requests (UK GDPR Art 12A).",
    )
    legal_hold = models.BooleanField(
        default=False,
        help_text="Kept past its retention period while a complaint, claim or inquiry needs it (the Manager decides).",
    )
    legal_hold_reason = models.TextField(blank=True, help_text="Why it is on legal hold (or, once lifted, why lifted).")
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text="Optimistic lock: bumped on every change.")
    search_key = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The subject's and requester's names, folded for search (requests_app.search_key); derived.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "search_key"])
    # The statuses in which the response has been given: each machine (models.machines) names its own.
    responded: ClassVar[frozenset[Status]] = frozenset()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # The dashboard counts every visible request by status, due date and caseworker in one pass:
            # with every column it reads in this index, the pass never touches the table (make bench).
            models.Index(
                fields=["status", "due_date", "assigned_to", "is_restricted"], name="requests_rr_desk_counts_idx"
            ),
            models.Index(fields=["assigned_to", "status", "due_date"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["received"]),
            # Lists and dashboard panels sort by due date and show a page: walk this index, stop at 25 (make bench).
            models.Index(fields=["due_date", "id"], name="requests_rr_due_date_idx"),
        ]
        permissions = [
            ("manage_requests", "Can log, assign, approve and sign off rights requests"),
            ("work_requests", "Can work on rights requests as a caseworker"),
            ("review_requests", "Can give professional opinions on rights requests"),
        ]

    def __str__(self) -> str:
        return self.reference

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Validate every field; the status is only checked, since Django would assign it back and it is protected."""
        skipped = set(exclude or ())
        super().clean_fields(exclude=skipped | {"status"})
        if "status" not in skipped and self.status not in Status.values:
            raise ValidationError({"status": f"{self.status!r} is not a status."})

    @property
    def right(self) -> RightKind:
        return RightKind(self.kind)

    @property
    def clarification_stops_clock(self) -> bool:
        """Only an access request's clock stops while the requester clarifies (UK GDPR Art 12A)."""
        return clarification_stops_clock(self.right)

    def _arrived_on(self, event: str) -> dt.date | None:
        """The day the clock event says the evidence arrived (reads the prefetched clock events on the page)."""
        days = [e.date for e in self.clock_events.all() if e.event == event] if self.pk else []
        return min(days) if days else None

    @property
    def identity_arrived_on(self) -> dt.date | None:
        """When the identity evidence arrived (the clock's start, UK GDPR Art 12A), not when it was recorded."""
        return self._arrived_on("identity_received")

    @property
    def authority_arrived_on(self) -> dt.date | None:
        """When the representative's authority arrived (UK GDPR Art 12A), not when it was recorded."""
        return self._arrived_on("authority_received")

    @property
    def status_label(self) -> str:
        """The status as the request's page shows it: a non-access request waiting for an answer is still running."""
        if self.status == Status.AWAITING_CLARIFICATION and not self.clarification_stops_clock:
            return "Awaiting clarification (clock running)"
        return str(Status(self.status).label)

    @property
    def pr_evidence_labels(self) -> list[str]:
        labels = dict(PR_EVIDENCE_CHOICES)
        return [labels.get(value, value) for value in _listed(self.pr_evidence)]

    @property
    def deputy_order_covers_labels(self) -> list[str]:
        labels = dict(AFFAIRS_CHOICES)
        return [labels.get(value, value) for value in _listed(self.deputy_order_covers)]

    @property
    def acting_powers(self) -> ActingPowers:
        """The recorded basis the representative acts on, for the rules in rights.people."""
        return ActingPowers(
            pr_basis=ParentalResponsibilityBasis(self.pr_basis) if self.pr_basis else None,
            pr_evidence=frozenset(EvidenceDocument(v) for v in _listed(self.pr_evidence)),
            adopted_after=self.child_adopted_since,
            affairs=AffairsArea(self.affairs) if self.affairs else None,
            deputy_order_covers=frozenset(AffairsArea(v) for v in _listed(self.deputy_order_covers)),
            power_kind=PowerKind(self.power_kind) if self.power_kind else None,
            power_registered=self.power_registered_on is not None,
            power_made_on=self.power_made_on,
            donor_lacks_capacity=self.donor_lacks_capacity,
        )

    @property
    def role(self) -> RepresentativeRole:
        return RepresentativeRole(self.representative_role)

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED_STATUSES

    @property
    def addressee(self) -> Person:
        """Whom letters go to: the requester where one acts, else the data subject."""
        return self.requester or self.subject

    @property
    def has_responded(self) -> bool:
        """The response has been given, so the statutory clock is satisfied (UK GDPR Art 12(3))."""
        return self.status in RESPONDED_STATUSES

    @property
    def clock_running(self) -> bool:
        """Open, not waiting on the requester, and not yet answered: the request can fall due."""
        return self.is_open and self.status not in WAITING_ON_REQUESTER and not self.has_responded

    @property
    def format_need_list(self) -> list[str]:
        """The format needs, as their labels (unknown codes are shown as they are)."""
        labels = dict(FormatNeed.choices)
        return [labels.get(code.strip(), code.strip()) for code in self.format_needs.split(",") if code.strip()]

    def has_format_need(self, need: str) -> bool:
        return need in {code.strip() for code in self.format_needs.split(",")}

    def get_portal_code_channel_display(self) -> str:
        return str(CodeChannel(self.portal_code_channel).label)

    @property
    def portal_code_channel(self) -> str:
        """Where the pack's one-time code goes: as chosen, else by email for an email reply, else by phone."""
        if self.code_by:
            return self.code_by
        return CodeChannel.EMAIL if self.reply_by == ReplyMethod.EMAIL else CodeChannel.PHONE

    def is_overdue(self, today: dt.date) -> bool:
        return self.clock_running and self.due_date < today

    def set_search_key(self) -> None:
        """Fold the subject's and requester's names (and earlier names) into the list's search key."""
        names = person_names(self.subject.full_name, self.subject.previous_names)
        if self.requester is not None:
            names += person_names(self.requester.full_name, self.requester.previous_names)
        self.search_key = search_key_for(names)


class EvidenceKind(models.TextChoices):
    IDENTITY = "identity", "Identity"
    AUTHORITY = "authority", "Authority to act"
    CHILD_CONSENT = "child_consent", "Child's consent"
    COMPETENCE = "competence", "Professional judgement of a child's competence"


class Evidence(models.Model):
    """What was seen to verify identity or authority, by whom and when."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    description = models.TextField(help_text="What was seen, e.g. 'passport, number ending 123'.")
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seen_on = models.DateField()
    scan = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["seen_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.request_id}"


class LetterDirection(models.TextChoices):
    IN = "in", "In"
    OUT = "out", "Out"


class LetterMethod(models.TextChoices):
    POST = "post", "Post"
    RECORDED_DELIVERY = "recorded_delivery", "Recorded delivery"
    EMAIL = "email", "Email"
    HAND = "hand", "By hand"


class Letter(models.Model):
    """The letters register: every letter in or out, with its scanned or generated file."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="letters")
    direction = models.CharField(max_length=3, choices=LetterDirection.choices)
    date = models.DateField()
    method = models.CharField(max_length=20, choices=LetterMethod.choices, default=LetterMethod.POST)
    addressee = models.CharField(max_length=200, blank=True, help_text="To whom (out) or from whom (in).")
    summary = models.TextField()
    template = models.CharField(max_length=60, blank=True, help_text="The template of a generated letter.")
    file = models.FileField(upload_to="letters/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {day_text(self.date)}: {shorten(self.summary, 40)}"


class ClockEventKind(models.TextChoices):
    IDENTITY_RECEIVED = "identity_received", "Identity received"
    AUTHORITY_RECEIVED = "authority_received", "Authority received"
    FEE_RECEIVED = "fee_received", "Fee received"
    CLARIFICATION_ASKED = "clarification_asked", "Clarification asked"
    CLARIFICATION_ANSWERED = "clarification_answered", "Clarification answered"
    EXTENDED = "extended", "Extended"


# UK GDPR Art 12A: the month runs from the last of identity, authority or fee.
CLOCK_STARTERS_VALUES = frozenset(
    {ClockEventKind.IDENTITY_RECEIVED.value, ClockEventKind.AUTHORITY_RECEIVED.value, ClockEventKind.FEE_RECEIVED.value}
)


class ClockEvent(models.Model):
    """Something that moves the statutory clock, with its reason and the letter that caused it."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="clock_events")
    event = models.CharField(max_length=30, choices=ClockEventKind.choices)
    date = models.DateField()
    reason = models.TextField(blank=True)
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="clock_events")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_event_display()} on {self.date}"


class TransitionEvent(models.Model):
    """Append-only log of every state change: who, when, from, to and why."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="transitions")
    transition = models.CharField(max_length=60)
    from_status = models.CharField(max_length=40, choices=Status.choices)
    to_status = models.CharField(max_length=40, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} -> {self.to_status}"


class RequestView(models.Model):
    """Who opened which request, when: viewing personal data is itself on the record."""

    request = models.ForeignKey(RightsRequest, on_delete=models.PROTECT, related_name="views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.user_id} opened {self.request_id} at {self.at:%Y-%m-%d %H:%M}"


class ReferenceCounter(models.Model):
    """The last number issued in a year, so references run RR-2026-0001, RR-2026-0002, ..."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ExtraBankHoliday(models.Model):
    """A one-off bank holiday proclaimed after the `holidays` package was released (e.g. a state funeral)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{day_text(self.date)}: {self.name}"
