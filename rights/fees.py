"""Fees: when a reasonable fee may be charged instead of acting free of charge, and what the request must say.

Every action under Articles 15 to 22 is free (UK GDPR Art 12(5)); a reasonable fee is allowed only for a
manifestly unfounded or excessive request, instead of refusing it (Art 12(5)(a)), or for further copies of
the data (Art 15(3)). Where a fee is charged, the month runs from the day it is paid (Art 12A, the relevant time).
"""

from __future__ import annotations

import enum
import re
from decimal import Decimal, InvalidOperation

from rights.kinds import RightKind


class FeeBasis(enum.StrEnum):
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded"  # UK GDPR Art 12(5)(a)
    MANIFESTLY_EXCESSIVE = "manifestly_excessive"  # UK GDPR Art 12(5)(a); DPA 2018 s.53(2): repeating previous requests
    FURTHER_COPIES = "further_copies"  # UK GDPR Art 15(3): "for any further copies requested by the data subject"

    @property
    def label(self) -> str:
        return FEE_BASIS_LABELS[self]

    @property
    def statement(self) -> str:
        """The basis as the fee request letter states it, with its article."""
        return FEE_BASIS_STATEMENTS[self]


FEE_BASIS_LABELS = {
    FeeBasis.MANIFESTLY_UNFOUNDED: "Manifestly unfounded request (Art 12(5)(a))",
    FeeBasis.MANIFESTLY_EXCESSIVE: "Manifestly excessive request (Art 12(5)(a))",
    FeeBasis.FURTHER_COPIES: "Further copies of the data (Art 15(3))",
}
FEE_BASIS_STATEMENTS = {
    FeeBasis.MANIFESTLY_UNFOUNDED: (
        "We consider your request to be manifestly unfounded. Instead of refusing it, the law allows us to charge "
        "a reasonable fee, based on the administrative costs of dealing with it (UK GDPR Article 12(5)(a))."
    ),
    FeeBasis.MANIFESTLY_EXCESSIVE: (
        "We consider your request to be manifestly excessive. Instead of refusing it, the law allows us to charge "
        "a reasonable fee, based on the administrative costs of dealing with it (UK GDPR Article 12(5)(a))."
    ),
    FeeBasis.FURTHER_COPIES: (
        "You have already been given a copy of your information free of charge. The law allows us to charge a "
        "reasonable fee, based on administrative costs, for any further copies (UK GDPR Article 15(3))."
    ),
}

# Our policy, not the statute's: no regulations under DPA 2018 s.12 limit the fee, so a sanity ceiling only.
FEE_CEILING_PENCE = 100_000
_AMOUNT = re.compile(r"^£?\s*(\d{1,7}(?:\.\d{1,2})?)$")


class FeeAmountError(ValueError):
    """The amount given is not a sum of money in pounds and pence."""


def fee_pence(text: str) -> int:
    """'25', '£25.50' or '0.5' as pence; refuses anything else (no negative sums, no more than two decimal places)."""
    match = _AMOUNT.match(text.strip().replace(",", ""))
    if match is None:
        raise FeeAmountError(f"{text.strip()!r} is not an amount in pounds and pence, like 25.00.")
    try:
        return int(Decimal(match.group(1)) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise FeeAmountError(f"{text.strip()!r} is not an amount in pounds and pence, like 25.00.") from None


def money(pence: int) -> str:
    """Pence as the letters print them: £25.00."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


def fee_refusal(*, kind: RightKind, basis: str, pence: int, reason: str, earlier_copy_given: bool) -> str | None:
    """Why a fee may not be asked for on these facts, in plain words; None when it may."""
    if basis not in {b.value for b in FeeBasis}:
        # UK GDPR Art 12(5): actions under Articles 15 to 22 are free of charge, save as Art 12(5)(a) and 15(3) allow.
        return f"{basis!r} is not a ground on which the law allows a fee (UK GDPR Articles 12(5) and 15(3))."
    if basis == FeeBasis.FURTHER_COPIES and kind is not RightKind.ACCESS:
        # UK GDPR Art 15(3): the copy, and further copies, are of the data under the right of access.
        return "A fee for further copies is only for a request under the right of access (UK GDPR Article 15(3))."
    if basis == FeeBasis.FURTHER_COPIES and not earlier_copy_given:
        # UK GDPR Art 15(3): the first copy is free; a fee only "for any further copies".
        return (
            "No copy of the data has been given to this person yet: the first copy is free, and a fee may be "
            "charged only for further copies (UK GDPR Article 15(3))."
        )
    if pence <= 0:
        return "Enter the fee: a sum of money above nothing. If no fee is due, do not ask for one."
    if pence > FEE_CEILING_PENCE:
        return (
            f"A fee of {money(pence)} is more than {money(FEE_CEILING_PENCE)}: a reasonable fee is based on the "
            "administrative costs (UK GDPR Articles 12(5)(a) and 15(3)). Check the amount."
        )
    if not reason.strip():
        if basis == FeeBasis.FURTHER_COPIES:
            # UK GDPR Art 15(3): "a reasonable fee based on administrative costs".
            return "Say how the fee is worked out from the administrative costs (UK GDPR Article 15(3))."
        # UK GDPR Art 12(5): the controller bears the burden of demonstrating the manifestly unfounded or excessive character.
        return (
            "Say why the request is manifestly unfounded or excessive, and how the fee is worked out from the "
            "administrative costs: the partnership must be able to show it (UK GDPR Article 12(5))."
        )
    return None


def fee_clock_statement(*, paid: bool, waived: bool) -> str:
    """What a fee does to the clock, as the request page says it (UK GDPR Art 12A)."""
    if paid:
        return "The fee was paid: the month runs from the day it arrived (UK GDPR Article 12A)."
    if waived:
        return (
            "The fee was waived, so no fee is relevant to the clock: the month runs as if none had been asked "
            "for (UK GDPR Article 12A)."
        )
    return "The clock waits for the fee: the month starts on the day it is paid (UK GDPR Article 12A)."
