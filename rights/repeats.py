"""Repeat requests: which earlier requests a new one repeats within a reasonable interval.

A controller may charge a reasonable fee for, or refuse, a manifestly unfounded or excessive request,
"in particular because of their repetitive character" (UK GDPR Art 12(5)); the right of access is to be
exercised "at reasonable intervals" (Recital 63). The law names no interval: the ICO asks how often the
data changes and what was given before. So the interval is a policy parameter, and this rule only flags:
the Manager decides, citing what it lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from rights.kinds import RightKind

# Our policy, not the statute's: ICO right-of-access guidance gives no fixed interval (see module docstring).
DEFAULT_REPEAT_INTERVAL_DAYS = 183


@dataclass(frozen=True)
class EarlierRequest:
    """A request the same person made before: its kind, when it arrived and when it was answered (None: open)."""

    reference: str
    kind: RightKind
    received: dt.date
    answered_on: dt.date | None = None


def repeats(
    *, kind: RightKind, received: dt.date, earlier: Sequence[EarlierRequest], interval_days: int
) -> list[EarlierRequest]:
    """The earlier requests this one repeats: same right, still open or answered less than `interval_days` before."""
    if interval_days < 0:
        raise ValueError("The interval is a number of days, zero or more.")
    found = []
    for previous in earlier:
        if previous.kind is not kind or previous.received > received:
            continue  # UK GDPR Art 12(5): repetition of the same request, made before this one
        if previous.answered_on is None or previous.answered_on >= received:
            found.append(previous)  # UK GDPR Art 12(5): "repetitive character"; asked again before the answer came
        elif (received - previous.answered_on).days < interval_days:
            found.append(previous)  # UK GDPR Recital 63: access "at reasonable intervals"
    return found


def repeat_statement(found: Sequence[EarlierRequest]) -> str:
    """What the request page says about the repeats found, in plain words (UK GDPR Art 12(5))."""
    if not found:
        return "No earlier request for the same right within the reasonable interval."
    listed = ", ".join(
        f"{r.reference} (answered {r.answered_on.day} {r.answered_on:%B %Y})"
        if r.answered_on
        else f"{r.reference} (still open)"
        for r in found
    )
    return (
        f"This may repeat {listed}. Whether it is manifestly excessive is the Manager's decision, and the "
        "partnership must be able to show it (UK GDPR Article 12(5))."
    )
