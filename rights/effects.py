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


def restricted_use_allowed(*, with_consent: bool = False, for_legal_claims: bool = False) -> bool:
    """Restricted data may only be stored, or used with consent or for legal claims (UK GDPR Art 18(2)).

    Art 18(2) also allows use to protect another person's rights or for important public interest;
    those need a Manager's decision recorded elsewhere, so this rule does not presume them.
    """
    return with_consent or for_legal_claims


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
