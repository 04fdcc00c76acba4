"""Holds on held data by open rights requests, filled in by the layer above.

reviews sits below requests_app, so it cannot ask whether a request is open. requests_app
registers a provider at start-up (in its AppConfig.ready) that returns a Hold for each open
request; destruction and erasure refuse anything a hold names. A typical provider:

    from reviews.holds import holds_for_open_requests, register_hold_provider

    def _open_request_holds():
        refs = RightsRequest.objects.exclude(status__in=FINISHED_STATUSES).values_list("reference", flat=True)
        return holds_for_open_requests(refs)

    register_hold_provider(_open_request_holds)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from reviews.models import HitDecision, SubjectSearchHit


@dataclass(frozen=True)
class Hold:
    """Records (and whole reviews) an open request still needs, with the request's reference.

    `pending_record_ids` are the held records whose only claim is a search hit nobody has decided
    yet (they are in `record_ids` too): kept apart so a refusal can say why they are needed.
    """

    request_reference: str
    record_ids: frozenset[int] = field(default_factory=frozenset)
    review_ids: frozenset[int] = field(default_factory=frozenset)
    pending_record_ids: frozenset[int] = field(default_factory=frozenset)


HoldProvider = Callable[[], Iterable[Hold]]

_providers: list[HoldProvider] = []


def register_hold_provider(provider: HoldProvider) -> None:
    """Add a provider (idempotent: registering the same function twice keeps one)."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_hold_provider(provider: HoldProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def registered_providers() -> tuple[HoldProvider, ...]:
    return tuple(_providers)


def current_holds(*, ignore_reference: str = "") -> list[Hold]:
    """Every hold from every provider, except those of `ignore_reference` (the request doing the erasure)."""
    holds: list[Hold] = []
    for provider in _providers:
        holds.extend(h for h in provider() if h.request_reference != ignore_reference or not ignore_reference)
    return holds


def holds_for_open_requests(references: Iterable[str]) -> list[Hold]:
    """Holds from the confirmed and the undecided search hits of the given (open) requests: one query for all.

    An undecided hit may be about the subject, so the record is needed until the caseworker rejects
    it: destroying it first would lose data the request must consider (UK GDPR Art 15(1), Art 5(1)(f)).
    """
    wanted = {ref for ref in references if ref}
    if not wanted:
        return []
    confirmed: dict[str, set[int]] = {}
    pending: dict[str, set[int]] = {}
    rows = SubjectSearchHit.objects.filter(
        run__request_reference__in=wanted, decision__in=[HitDecision.CONFIRMED, HitDecision.PENDING]
    ).values_list("run__request_reference", "record_id", "decision")
    for reference, record_id, decision in rows:
        (confirmed if decision == HitDecision.CONFIRMED else pending).setdefault(reference, set()).add(record_id)
    holds = []
    for ref in sorted(set(confirmed) | set(pending)):
        sure = confirmed.get(ref, set())
        undecided = pending.get(ref, set()) - sure
        holds.append(
            Hold(request_reference=ref, record_ids=frozenset(sure | undecided), pending_record_ids=frozenset(undecided))
        )
    return holds
