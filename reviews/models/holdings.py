"""The partnership's reviews and audits, the agencies and what they supplied, and the people it is about."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class ReviewType(models.TextChoices):
    """The partnership's four processes (seed notice; Working Together 2018)."""

    CSPR = "cspr", "Child Safeguarding Practice Review"
    SECTION_11 = "section_11", "Section 11 compliance audit"
    MULTI_AGENCY_AUDIT = "multi_agency_audit", "Multi-agency audit of practice"
    LEARNING_REVIEW = "learning_review", "Multi-agency learning review"


class ProcessProfile(models.Model):
    """Why the partnership runs one of its processes: the purpose and lawful basis the "what we hold" page
    and a pack's Art 15 section state (UK GDPR Art 13(1)(c), Art 15(1)(a)); seeded from the privacy notice."""

    review_type = models.CharField(max_length=30, choices=ReviewType.choices, unique=True)
    purpose = models.TextField(help_text="Why the process is run and its data gathered, in the notice's words.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["review_type"]
        verbose_name = "process (purpose and lawful basis)"
        verbose_name_plural = "processes (purposes and lawful bases)"

    def __str__(self) -> str:
        return self.get_review_type_display()


class ProcessLawfulBasis(models.Model):
    """One lawful basis (or the law or guidance behind it) for a process (UK GDPR Art 6(1), Art 9(2))."""

    profile = models.ForeignKey(ProcessProfile, on_delete=models.CASCADE, related_name="lawful_bases")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    explanation = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["profile", "position", "pk"]
        verbose_name_plural = "process lawful bases"

    def __str__(self) -> str:
        return f"{self.title} ({self.profile_id})"


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    CONCLUDED = "concluded", "Concluded"


class Review(models.Model):
    """One review or audit: the purpose for which agency data is gathered and kept."""

    reference = models.CharField(max_length=30, unique=True, help_text="e.g. CSPR-2025-01. No names.")
    review_type = models.CharField(max_length=30, choices=ReviewType.choices)
    title = models.CharField(max_length=200, help_text="Avoid names: e.g. 'Child A' rather than the child's name.")
    started = models.DateField()
    concluded = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS)
    legal_hold = models.BooleanField(default=False, help_text="Nothing of this review is destroyed while held.")
    legal_hold_reason = models.TextField(blank=True)
    agency_data_destroyed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started", "pk"]
        indexes = [models.Index(fields=["review_type", "status"]), models.Index(fields=["concluded"])]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    OTHER = "other", "Other"


class SourceAgency(models.Model):
    """A partner agency that supplies data to reviews; each agency owns its own data (seed notice)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    data_owner = models.CharField(max_length=200, help_text="The role (or named person) who owns the agency's data.")
    contact_email = models.EmailField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "source agencies"

    def __str__(self) -> str:
        return self.name


class SubmissionType(models.TextChoices):
    """What agencies supply (seed notice, "What data do we collect?")."""

    STATISTICAL = "statistical", "Statistical information"
    PERFORMANCE = "performance", "Performance data"
    REFLECTION = "reflection", "Agency reflection record (including individual management review)"
    SELF_ASSESSMENT = "self_assessment", "Practice self-assessment audit tool"


class AgencySubmission(models.Model):
    """What one agency supplied to one review."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="submissions")
    agency = models.ForeignKey(SourceAgency, on_delete=models.PROTECT, related_name="submissions")
    submission_type = models.CharField(max_length=30, choices=SubmissionType.choices)
    title = models.CharField(max_length=200)
    received_on = models.DateField()
    summary = models.TextField(blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "agency__name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_submission_type_display()} from {self.agency_id} for {self.review_id}"


class Category(models.TextChoices):
    """The kinds of personal data the seed notice says agency data is likely to include."""

    NAME = "name", "Name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    ADDRESS = "address", "Address"
    FAMILY_MEMBERS = "family_members", "Details of family members"
    HEALTH = "health", "Health records"
    EDUCATION = "education", "Education records"
    LOCAL_AUTHORITY = "local_authority", "Local authority records"
    POLICE = "police", "Police records"
    SPECIALIST_SERVICES = "specialist_services", "Specialist service provision"
    OUTCOMES = "outcomes", "Outcomes from interventions"
    FEEDBACK = "feedback", "Feedback given to services"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "Held"
    ANONYMISED = "anonymised", "Anonymised"
    DESTROYED = "destroyed", "Destroyed"


class DataSubject(models.Model):
    """One person the partnership holds records about, across agencies and reviews.

    Records are linked to a person when they are entered or imported and the name and date of birth
    match one already held (reviews.matching); a doubtful match gets a new person, never a guess.
    No names are kept here: they stay on the records, which erasure empties.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "data subject"

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DS-{self.pk:06d}" if self.pk else "DS-(new)"


class DataSubjectRecord(models.Model):
    """A person an agency submission is about. Erased records stay as empty tombstones so audit rows can point at them."""

    submission = models.ForeignKey(AgencySubmission, on_delete=models.PROTECT, related_name="subjects")
    subject = models.ForeignKey(
        DataSubject, on_delete=models.PROTECT, null=True, blank=True, related_name="records", verbose_name="person"
    )
    agency_reference = models.CharField(
        max_length=100, blank=True, help_text="The agency's own reference for the record, unique within the agency."
    )
    title = models.CharField(max_length=200, blank=True, help_text="What the record is, in the agency's words.")
    record_date = models.DateField(null=True, blank=True)
    ncnd = models.BooleanField(
        "neither confirm nor deny",
        default=False,
        help_text="Set by a Manager: never shown in a letter, a pack, an Art 15 page or a count shown outside.",
    )
    ncnd_reason = models.TextField(blank=True)
    full_name = models.CharField(max_length=200)
    previous_names = models.TextField(blank=True, help_text="One name per line.")
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, help_text="Taken from the address, for searching.")
    status = models.CharField(max_length=20, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["status"]),
            models.Index(fields=["agency_reference"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """An identifier with no personal data, for certificates, notifications and messages."""
        return f"DSR-{self.pk:06d}" if self.pk else "DSR-(new)"

    @property
    def previous_name_list(self) -> list[str]:
        return [line.strip() for line in self.previous_names.splitlines() if line.strip()]

    @property
    def is_held(self) -> bool:
        return self.status == RecordStatus.ACTIVE


class NameKey(models.Model):
    """Search index over a record's names (tokens and sound-alike codes).

    Derived data, rebuilt from the record by the services: it keeps no history, so erasing a record
    by deleting its keys leaves no copy of the names behind.
    """

    record = models.ForeignKey(DataSubjectRecord, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=60)

    class Meta:
        indexes = [models.Index(fields=["key"])]
        constraints = [models.UniqueConstraint(fields=["record", "key"], name="reviews_namekey_unique")]

    def __str__(self) -> str:
        return f"{self.record_id}: {self.key}"


class HeldCategory(models.Model):
    """One category of data held about a person in a submission, with what is held."""

    record = models.ForeignKey(DataSubjectRecord, on_delete=models.PROTECT, related_name="categories")
    category = models.CharField(max_length=30, choices=Category.choices)
    value = models.TextField(blank=True, help_text="What is held, or a note of where it is in the submission.")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "held categories"
        ordering = ["record", "category"]
        constraints = [models.UniqueConstraint(fields=["record", "category"], name="reviews_heldcategory_unique")]
        indexes = [models.Index(fields=["category"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} for {self.record_id}"
