"""When the time limit may be extended, and the ground the notice must state (UK GDPR Art 12A; DPA 2018 s.54(3A))."""

from __future__ import annotations

import enum
from collections.abc import Sequence


class ExtensionGround(enum.StrEnum):
    COMPLEX = "complex"  # UK GDPR Art 12A: "the complexity of requests made by the data subject"
    NUMEROUS = "numerous"  # UK GDPR Art 12A: "the number of such requests" (from the same person)

    @property
    def label(self) -> str:
        return EXTENSION_GROUND_LABELS[self]


EXTENSION_GROUND_LABELS = {
    ExtensionGround.COMPLEX: "The request is complex",
    ExtensionGround.NUMEROUS: "One of numerous requests from the same person",
}


def extension_refusal(*, ground: str, reason: str, numerous_with: Sequence[str]) -> str | None:
    """Why the time limit may not be extended on these facts, in plain words; None when it may.

    An extension is allowed only where it is necessary by reason of the complexity of the person's
    requests or their number (UK GDPR Art 12A; DPA 2018 s.54(3A)); for the number, the other requests are named.
    """
    if not ground:
        # UK GDPR Art 12A: extension only "where that is necessary by reason of" complexity or number.
        return (
            "The request is not recorded as complex, nor as one of numerous requests from the same person. The law "
            "allows more time only for one of those reasons (UK GDPR Article 12A): record the ground first."
        )
    if ground not in {g.value for g in ExtensionGround}:
        return f"{ground!r} is not a ground the law allows for an extension (UK GDPR Article 12A)."
    if not reason.strip():
        # UK GDPR Art 12A: the notice must state the reasons for the delay.
        return "Record why the request needs more time: the notice must state the reasons (UK GDPR Article 12A)."
    if ground == ExtensionGround.NUMEROUS and not numerous_with:
        # UK GDPR Art 12A: "the number of such requests" means requests by the same data subject.
        return (
            "Name the other requests from the same person that make this one of numerous requests "
            "(UK GDPR Article 12A)."
        )
    return None


def extension_ground_statement(*, ground: str, reason: str, numerous_with: Sequence[str]) -> str:
    """The ground as the extension notice states it (UK GDPR Art 12A: the notice states the reasons for the delay)."""
    if ground == ExtensionGround.NUMEROUS:
        others = ", ".join(numerous_with)
        plural = "s" if len(numerous_with) != 1 else ""
        return (
            f"You have made a number of requests that we are answering at the same time (our reference{plural} "
            f"{others}, as well as this one)."
        )
    return "Your request is complex."
