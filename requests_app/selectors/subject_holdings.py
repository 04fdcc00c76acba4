"""What the partnership holds about a request's data subject, read from reviews for the steps that change it.

The steps that rectify, erase, restrict or stop processing (UK GDPR Art 16-18, 21) act on the records
the request's subject search confirmed; this module answers the questions their guards and the
transition service ask. requests_app sits above reviews, so it reads reviews' models directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from requests_app.models.core import RightsRequest
from reviews.models import (
    Correction,
    HitDecision,
    NotificationStatus,
    RecipientNotification,
    RecipientRole,
    Restriction,
    SubjectSearchRun,
)
from reviews.selectors import RequestEffects, confirmed_sources, effects_for_request
from rights import RightKind
from rights.effects import RestrictionBasis

# The rights whose outcome changes held data (UK GDPR Art 16, 17, 18, 21), and so whose page shows what was done.
EFFECT_KINDS = frozenset(
    {RightKind.RECTIFICATION.value, RightKind.ERASURE.value, RightKind.RESTRICTION.value, RightKind.OBJECTION.value}
)
# The steps that rectify, erase, restrict or stop processing: after one of them the recipients are told (Art 19).
CHANGING_STEPS = ("rectify", "erase", "restrict", "restrict_processing", "uphold")


@dataclass(frozen=True)
class SearchState:
    """The request's kept subject searches: how many, and how many hits are still undecided."""

    runs: int
    pending: int

    @property
    def complete(self) -> bool:
        return self.runs > 0 and self.pending == 0


def search_state(request: RightsRequest) -> SearchState:
    """One query: the runs kept for the request's reference and their undecided hits."""
    counts = SubjectSearchRun.objects.filter(request_reference=request.reference).aggregate(
        runs=Count("pk", distinct=True),
        pending=Count("hits", filter=Q(hits__decision=HitDecision.PENDING)),
    )
    return SearchState(runs=counts["runs"] or 0, pending=counts["pending"] or 0)


def search_problem(request: RightsRequest) -> str | None:
    """Why the held data cannot be acted on yet, in plain words: no search kept, or hits undecided (Art 15(1A))."""
    state = search_state(request)
    if state.runs == 0:
        return (
            "No subject search has been kept for this request: search the partnership's holdings for the data "
            "subject, and confirm or reject every hit, first."
        )
    if state.pending:
        return (
            f"The subject search is not complete: {state.pending} hit{'s are' if state.pending != 1 else ' is'} "
            "not yet confirmed or rejected."
        )
    return None


def nothing_held(request: RightsRequest) -> bool:
    """The kept search is complete and confirmed nothing as the data subject's: there is nothing to change."""
    return search_state(request).complete and not confirmed_sources(request.reference)


def corrections_recorded(request: RightsRequest) -> int:
    return Correction.objects.filter(request_reference=request.reference).count()


def recipients_pending(request: RightsRequest) -> int:
    """Art 19 notices for the request still to be sent (or marked not required)."""
    return RecipientNotification.objects.filter(
        request_reference=request.reference, status=NotificationStatus.PENDING
    ).count()


@dataclass(frozen=True)
class RecipientLine:
    """One organisation the data was disclosed to or received from, as the data subject's letter names it (Art 19)."""

    agency: str
    role: str  # "supplied the information to us" or "received it from us"
    status: str  # NotificationStatus: to be sent, sent, not required
    told_on: dt.date | None


_ROLE_WORDS = {
    RecipientRole.SUPPLIED.value: "supplied the information to us",
    RecipientRole.RECEIVED.value: "received the information from us",
}


def recipients_for_letter(request: RightsRequest) -> list[RecipientLine]:
    """Each agency told (or to be told) of the request's change, once per agency and role; one query (Art 19).

    An agency with several records is told of each; the letter names it once, told on the latest day, and
    still to be told while any of its notices is.
    """
    lines: dict[tuple[str, str], RecipientLine] = {}
    rows = (
        RecipientNotification.objects.filter(request_reference=request.reference)
        .select_related("agency")
        .order_by("agency__name", "role", "pk")
    )
    order = {NotificationStatus.PENDING.value: 0, NotificationStatus.SENT.value: 1}
    for notice in rows:
        key = (notice.agency.name, notice.role)
        line = RecipientLine(notice.agency.name, _ROLE_WORDS[notice.role], notice.status, notice.sent_on)
        seen = lines.get(key)
        if seen is None:
            lines[key] = line
            continue
        status = min((seen.status, line.status), key=lambda s: order.get(s, 2))
        days = [day for day in (seen.told_on, line.told_on) if day is not None]
        lines[key] = RecipientLine(seen.agency, seen.role, status, max(days) if days else None)
    return list(lines.values())


def restrictions_active(request: RightsRequest, basis: RestrictionBasis | None = None) -> int:
    """Restrictions placed for the request and not yet lifted (optionally on one basis)."""
    active = Restriction.objects.filter(request_reference=request.reference, lifted_at__isnull=True)
    if basis is not None:
        active = active.filter(basis=basis.value)
    return active.count()


@dataclass(frozen=True)
class HeldForPage:
    """For the request's page: its kept searches (the evidence, Art 15(1A)) and what its right did to held data."""

    searches: Sequence[SubjectSearchRun]  # each with hit_count, confirmed and pending annotated
    effects: RequestEffects | None  # None for a right that changes no held data

    @property
    def search_complete(self) -> bool:
        return bool(self.searches) and not any(run.pending for run in self.searches)  # type: ignore[attr-defined]


def held_for_page(request: RightsRequest) -> HeldForPage:
    """One query for the searches, four more for a right with effects (reviews.selectors.effects_for_request)."""
    searches = list(
        SubjectSearchRun.objects.filter(request_reference=request.reference)
        .select_related("run_by")
        .annotate(
            hit_count=Count("hits"),
            confirmed=Count("hits", filter=Q(hits__decision=HitDecision.CONFIRMED)),
            pending=Count("hits", filter=Q(hits__decision=HitDecision.PENDING)),
        )
        .order_by("run_at", "pk")
    )
    effects = effects_for_request(request.reference) if request.kind in EFFECT_KINDS else None
    return HeldForPage(searches=searches, effects=effects)
