"""What each right does to held data: correction, erasure and its exemptions, restriction, objection, recipients."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ErasureExemption(enum.StrEnum):
    """Grounds on which a request for erasure is refused (UK GDPR Art 17(3))."""

    PUBLIC_TASK = "public_task"  # UK GDPR Art 17(3)(b): needed for a task carried out in the public interest
    LEGAL_CLAIMS = "legal_claims"  # UK GDPR Art 17(3)(e): needed for legal claims

    @property
    def article(self) -> str:
        return _EXEMPTION_ARTICLES[self]

    @property
    def explanation(self) -> str:
        return _EXEMPTION_EXPLANATIONS[self]


_EXEMPTION_ARTICLES = {
    ErasureExemption.PUBLIC_TASK: "UK GDPR Article 17(3)(b)",
    ErasureExemption.LEGAL_CLAIMS: "UK GDPR Article 17(3)(e)",
}
_EXEMPTION_EXPLANATIONS = {
    ErasureExemption.PUBLIC_TASK: "the data is still needed to carry out the partnership's public task",
    ErasureExemption.LEGAL_CLAIMS: "the data is needed to establish, exercise or defend legal claims",
}


class ErasureMethod(enum.StrEnum):
    """How held data is erased: gone entirely, or stripped of everything that identifies the person."""

    DESTROY = "destroy"  # UK GDPR Art 17(1): erased without undue delay
    ANONYMISE = "anonymise"  # UK GDPR Recital 26: anonymous information is not personal data


class RestrictionBasis(enum.StrEnum):
    """Why processing of a person's data is restricted (UK GDPR Art 18(1)) or stopped (Art 21(1))."""

    ACCURACY_CONTESTED = "accuracy_contested"  # Art 18(1)(a): while the accuracy is checked
    UNLAWFUL_KEEP = "unlawful_keep"  # Art 18(1)(b): unlawful, but the person asks for restriction, not erasure
    LEGAL_CLAIMS = "legal_claims"  # Art 18(1)(c): no longer needed by us, but needed by the person for legal claims
    OBJECTION_PENDING = "objection_pending"  # Art 18(1)(d): while an objection under Art 21(1) is considered
    OBJECTION_UPHELD = "objection_upheld"  # Art 21(1): objection upheld, processing for that purpose stops

    @property
    def info(self) -> RestrictionInfo:
        return RESTRICTION_BASES[self]


@dataclass(frozen=True)
class RestrictionInfo:
    basis: RestrictionBasis
    title: str
    article: str
    keep_from_destruction: bool  # the person asked us to keep it: routine destruction must wait


RESTRICTION_BASES: dict[RestrictionBasis, RestrictionInfo] = {
    b.basis: b
    for b in (
        RestrictionInfo(RestrictionBasis.ACCURACY_CONTESTED, "Accuracy contested", "UK GDPR Article 18(1)(a)", False),
        # Art 18(1)(b): the person opposed erasure and asked for restriction instead, so we keep it.
        RestrictionInfo(
            RestrictionBasis.UNLAWFUL_KEEP, "Kept at the person's request", "UK GDPR Article 18(1)(b)", True
        ),
        # Art 18(1)(c): the person needs it for legal claims, so we keep it though we no longer need it.
        RestrictionInfo(
            RestrictionBasis.LEGAL_CLAIMS, "Needed by the person for legal claims", "UK GDPR Article 18(1)(c)", True
        ),
        RestrictionInfo(
            RestrictionBasis.OBJECTION_PENDING, "Objection being considered", "UK GDPR Article 18(1)(d)", False
        ),
        RestrictionInfo(RestrictionBasis.OBJECTION_UPHELD, "Objection upheld", "UK GDPR Article 21(1)", False),
    )
}


def restriction_blocks_destruction(basis: RestrictionBasis) -> bool:
    """Whether an active restriction on this basis stops routine destruction (Art 18(1)(b) and (c))."""
    return RESTRICTION_BASES[basis].keep_from_destruction


class RestrictedUse(enum.StrEnum):
    """The grounds on which restricted data may be used other than by storing it (UK GDPR Art 18(2))."""

    CONSENT = "consent"  # UK GDPR Art 18(2): with the data subject's consent
    LEGAL_CLAIMS = "legal_claims"  # UK GDPR Art 18(2): the establishment, exercise or defence of legal claims
    PROTECT_ANOTHER = "protect_another"  # UK GDPR Art 18(2): protecting the rights of another natural or legal person
    PUBLIC_INTEREST = "public_interest"  # UK GDPR Art 18(2): reasons of important public interest

    @property
    def words(self) -> str:
        return _RESTRICTED_USE_TITLES[self]

    @property
    def needs_manager(self) -> bool:
        """Another person's rights and an important public interest are weighed by the Manager, not assumed."""
        return self in (RestrictedUse.PROTECT_ANOTHER, RestrictedUse.PUBLIC_INTEREST)


_RESTRICTED_USE_TITLES = {
    RestrictedUse.CONSENT: "With the data subject's consent",
    RestrictedUse.LEGAL_CLAIMS: "For the establishment, exercise or defence of legal claims",
    RestrictedUse.PROTECT_ANOTHER: "To protect the rights of another person",
    RestrictedUse.PUBLIC_INTEREST: "For reasons of important public interest",
}


def restricted_use_refusal(ground: str) -> str | None:
    """Why a use of restricted data is not allowed, or None if its ground is one of Art 18(2)'s (UK GDPR Art 18(2))."""
    if ground in {g.value for g in RestrictedUse}:
        return None
    return (
        "While processing is restricted the data may only be stored, unless it is used with the data subject's "
        "consent, for legal claims, to protect the rights of another person, or for reasons of important public "
        "interest (UK GDPR Article 18(2)). Do not use it on any other ground."
    )


def restricted_use_allowed(
    *,
    with_consent: bool = False,
    for_legal_claims: bool = False,
    to_protect_another: bool = False,
    for_important_public_interest: bool = False,
) -> bool:
    """Restricted data may only be stored, or used on one of Art 18(2)'s four grounds (UK GDPR Art 18(2))."""
    return with_consent or for_legal_claims or to_protect_another or for_important_public_interest


class Effect(enum.StrEnum):
    """A change to held data after which each recipient is told (UK GDPR Art 19)."""

    RECTIFICATION = "rectification"  # Art 16, notified under Art 19
    ERASURE = "erasure"  # Art 17(1), notified under Art 19
    RESTRICTION = "restriction"  # Art 18(1), notified under Art 19
    OBJECTION = "objection"  # Art 21(1): an upheld objection stops processing; recipients told as for restriction


def recipients_to_notify(
    suppliers: frozenset[str], receivers: frozenset[str], *, impossible_or_disproportionate: bool = False
) -> frozenset[str]:
    """Every recipient of the data is told of the change, unless impossible or disproportionate (UK GDPR Art 19)."""
    if impossible_or_disproportionate:
        return frozenset()
    return suppliers | receivers
