"""The partnership's own holdings: its reviews and audits, the agency data gathered for them, the
people that data is about, and the records kept when a data right changes any of it.

Writes go through reviews.services, reviews.search and reviews.retention; never queryset.update().
"""

from reviews.models.effects import (
    EFFECT_CHOICES,
    RESTRICTION_BASIS_CHOICES,
    Correction,
    DataShare,
    NotificationMethod,
    NotificationStatus,
    RecipientNotification,
    RecipientRole,
    Restriction,
)
from reviews.models.holdings import (
    AgencyKind,
    AgencySubmission,
    Category,
    DataSubject,
    DataSubjectRecord,
    HeldCategory,
    NameKey,
    ProcessLawfulBasis,
    ProcessProfile,
    RecordStatus,
    Review,
    ReviewStatus,
    ReviewType,
    SourceAgency,
    SubmissionType,
)
from reviews.models.imports import HoldingsImport, ImportStatus
from reviews.models.retention import (
    ERASURE_METHOD_CHOICES,
    CertificateKind,
    DestructionCertificate,
    DestructionDue,
    DueStatus,
)
from reviews.models.search import (
    HitDecision,
    SubjectSearchHit,
    SubjectSearchRun,
)
from reviews.models.views_log import HoldingView

__all__ = [
    "EFFECT_CHOICES",
    "ERASURE_METHOD_CHOICES",
    "RESTRICTION_BASIS_CHOICES",
    "AgencyKind",
    "AgencySubmission",
    "Category",
    "CertificateKind",
    "Correction",
    "DataShare",
    "DataSubject",
    "DataSubjectRecord",
    "DestructionCertificate",
    "DestructionDue",
    "DueStatus",
    "HeldCategory",
    "HitDecision",
    "HoldingView",
    "HoldingsImport",
    "ImportStatus",
    "NameKey",
    "NotificationMethod",
    "NotificationStatus",
    "ProcessLawfulBasis",
    "ProcessProfile",
    "RecipientNotification",
    "RecipientRole",
    "RecordStatus",
    "Restriction",
    "Review",
    "ReviewStatus",
    "ReviewType",
    "SourceAgency",
    "SubjectSearchHit",
    "SubjectSearchRun",
    "SubmissionType",
]
