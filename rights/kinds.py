"""The kinds of data right, their articles, and how each applies under the public-task basis."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class RightKind(enum.StrEnum):
    INFORM = "inform"  # UK GDPR Art 13-14
    ACCESS = "access"  # UK GDPR Art 15
    RECTIFICATION = "rectification"  # UK GDPR Art 16
    ERASURE = "erasure"  # UK GDPR Art 17
    RESTRICTION = "restriction"  # UK GDPR Art 18
    PORTABILITY = "portability"  # UK GDPR Art 20
    OBJECTION = "objection"  # UK GDPR Art 21
    AUTOMATED_DECISION_MAKING = "automated_decision_making"  # UK GDPR Art 22A-22D (DUAA 2025 s.80 replaced Art 22)

    @property
    def label(self) -> str:
        return RIGHTS[self].title


class Applicability(enum.StrEnum):
    APPLIES = "applies"
    LIMITED = "limited"
    DOES_NOT_APPLY = "does_not_apply"


@dataclass(frozen=True)
class RightInfo:
    kind: RightKind
    title: str
    article: str
    public_task: Applicability
    public_task_explanation: str


RIGHTS: dict[RightKind, RightInfo] = {
    RightKind.INFORM: RightInfo(
        RightKind.INFORM,
        "Right to be informed",
        "UK GDPR Articles 13 and 14",
        Applicability.APPLIES,
        "Applies in full: the partnership's privacy notice says what it holds, why, and for how long.",
    ),
    RightKind.ACCESS: RightInfo(
        RightKind.ACCESS,
        "Right of access",
        "UK GDPR Article 15",
        Applicability.APPLIES,
        "Applies in full, subject to the exemptions in DPA 2018 Schedules 2 and 3.",
    ),
    RightKind.RECTIFICATION: RightInfo(
        RightKind.RECTIFICATION,
        "Right to rectification",
        "UK GDPR Article 16",
        Applicability.APPLIES,
        "Applies in full: inaccurate data is corrected and incomplete data completed.",
    ),
    RightKind.ERASURE: RightInfo(
        RightKind.ERASURE,
        "Right to erasure",
        "UK GDPR Article 17",
        Applicability.LIMITED,
        # Art 17(3)(b): no erasure where processing is needed for a task in the public interest.
        "Limited: Article 17(3)(b) allows refusal where the data is needed to carry out the public task, "
        "and Article 17(3)(e) where it is needed for legal claims.",
    ),
    RightKind.RESTRICTION: RightInfo(
        RightKind.RESTRICTION,
        "Right to restrict processing",
        "UK GDPR Article 18",
        Applicability.APPLIES,
        "Applies: processing is restricted while accuracy or an objection is considered (Art 18(1)(a), (d)).",
    ),
    RightKind.PORTABILITY: RightInfo(
        RightKind.PORTABILITY,
        "Right to data portability",
        "UK GDPR Article 20",
        Applicability.DOES_NOT_APPLY,
        # Art 20(1)(a) and 20(3): portability only for consent or contract, never public task.
        "Does not apply: Article 20(3) excludes processing necessary for a task in the public interest; "
        "the partnership processes under public task, so the request is answered as an access request if the person wishes.",
    ),
    RightKind.OBJECTION: RightInfo(
        RightKind.OBJECTION,
        "Right to object",
        "UK GDPR Article 21",
        Applicability.APPLIES,
        # Art 21(1): objection to Art 6(1)(e) processing; the controller must show compelling legitimate grounds.
        "Applies under Article 21(1): processing stops unless the partnership shows compelling legitimate "
        "grounds that override the person's interests, or needs the data for legal claims.",
    ),
    RightKind.AUTOMATED_DECISION_MAKING: RightInfo(
        RightKind.AUTOMATED_DECISION_MAKING,
        "Rights related to automated decision-making",
        # DUAA 2025 s.80 substituted Articles 22A-22D for Article 22: there is no "Article 22" right any more.
        "UK GDPR Articles 22A to 22D",
        Applicability.LIMITED,
        # Art 22A(1): a significant decision is based solely on automated processing if no meaningful human involvement;
        # Art 22B: special category data only with explicit consent or a required/authorised-by-law basis;
        # Art 22C: the safeguards (told, representations, human intervention, contest).
        "The partnership takes no significant decision about anyone based solely on automated processing (that is, "
        "with no meaningful human involvement: UK GDPR Article 22A). If it did, Article 22C would require it to tell "
        "the person about the decision, let them make representations about it, obtain human intervention on their "
        "request, and contest it; and Article 22B would allow a decision based on special category data (such as "
        "health) only with their explicit consent or where required or authorised by law.",
    ),
}


def clarification_stops_clock(kind: RightKind) -> bool:
    """Whether the clock stops while the requester clarifies: only for a request for access (R5).

    Other kinds may still ask questions, but their time limit keeps running.
    """
    return kind is RightKind.ACCESS  # UK GDPR Art 12A (DUAA 2025 s.76): "a request under Article 15"; DPA s.54(3C)
