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
    AUTOMATED_DECISION_MAKING = "automated_decision_making"  # UK GDPR Art 22 (Art 22A-D as amended by DUAA 2025)

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
        "UK GDPR Article 22 (Articles 22A-22D as amended by the Data (Use and Access) Act 2025)",
        Applicability.LIMITED,
        "The partnership makes no decisions about people by solely automated means; the person is told so, "
        "and of the safeguards that would apply (to be told, to make representations, to human intervention, to contest).",
    ),
}
