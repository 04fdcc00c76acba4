"""What the partnership holds about a request's data subject, read from reviews for the steps that change it.

The steps that rectify, erase, restrict or stop processing (UK GDPR Art 16-18, 21) act on the records
the request's subject search confirmed; this module answers the questions their guards and the
transition service ask. requests_app sits above reviews, so it reads reviews' models directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q

from requests_app.models.core import RightsRequest
from reviews.models import (
    Correction,
    HitDecision,
    NotificationStatus,
    RecipientNotification,
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
