"""Subject search runs kept as evidence of a reasonable and proportionate search (Art 15(1A))."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from reviews.access import require_reference_visible, require_worker
from reviews.models import (
    DataSubjectRecord,
    HitDecision,
    RecordStatus,
    SubjectSearchHit,
    SubjectSearchRun,
)
from reviews.search import SearchCriteria, search_outcome
from rights import ApplicationError

# Subject search runs (Art 15(1A)) -------------------------------------------------------------------


def search_run_create(
    *, by: User, criteria: SearchCriteria, request_reference: str = "", limit: int = 50
) -> SubjectSearchRun:
    """Run a subject search and keep it, with its hits and reasons, as evidence of a reasonable search."""
    require_worker(by, action="search the partnership's holdings")
    require_reference_visible(by, request_reference.strip())
    if not criteria.name.strip():
        raise ApplicationError("Enter the person's name.", field="name")
    if not 1 <= limit <= 200:
        raise ApplicationError("Ask for between 1 and 200 hits.", field="limit")
    outcome = search_outcome(criteria, limit=limit)
    with transaction.atomic():
        run = SubjectSearchRun(
            request_reference=request_reference.strip(),
            name=criteria.name.strip(),
            previous_names="\n".join(criteria.previous_names),
            date_of_birth=criteria.date_of_birth,
            address=criteria.address,
            run_by=by,
            run_at=timezone.now(),
            records_searched=DataSubjectRecord.objects.filter(status=RecordStatus.ACTIVE).count(),
            candidates_scored=outcome.scored,
            hit_limit=limit,
            candidates_capped=outcome.capped,
        )
        run.full_clean()
        record_change(run, "Search run")
        run.save()
        for rank, hit in enumerate(outcome.hits, start=1):
            row = SubjectSearchHit(
                run=run,
                record=hit.record,
                rank=rank,
                score=hit.score,
                strength=hit.strength,
                reasons="\n".join(hit.reasons),
            )
            record_change(row, "Search hit")
            row.save()
    return run


def search_hit_decide(*, hit: SubjectSearchHit, by: User, decision: str, note: str = "") -> SubjectSearchHit:
    """The caseworker's call on a hit: about this person (a source for the disclosure) or someone else."""
    require_worker(by, action="confirm or reject search hits")
    if decision not in (HitDecision.CONFIRMED, HitDecision.REJECTED):
        raise ApplicationError("Choose confirm or reject.", field="decision")
    with transaction.atomic():
        locked = SubjectSearchHit.objects.select_for_update().get(pk=hit.pk)
        if locked.decision == decision:
            raise ApplicationError(f"That hit is already {locked.get_decision_display().split(':')[0].lower()}.")
        locked.decision = decision
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        record_change(locked, f"Hit {decision}")
        locked.save()
    return locked


@dataclass(frozen=True)
class SearchScope:
    """What a kept search covered (UK GDPR Art 15(1A)): the record an access request's sign-off relies on."""

    holdings_and_agencies: str
    exclusions: str
    cap_reason: str
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def search_run_record_scope(*, run: SubjectSearchRun, by: User, scope: SearchScope) -> SubjectSearchRun:
    """Record (or correct) the scope of a kept search: which holdings and agencies, the dates, what was left out
    and why, and why the cap on hits was enough (Art 15(1A): a reasonable and proportionate search, recorded)."""
    require_worker(by, action="record a search's scope")
    require_reference_visible(by, run.request_reference)
    if not run.request_reference:
        raise ApplicationError("Only a search made for a request has a scope to record: search from the request.")
    fields = {
        "holdings_and_agencies": ("Say which holdings and agencies the search covered.", scope.holdings_and_agencies),
        "exclusions": ("Say what was left out of the search and why, or that nothing was.", scope.exclusions),
        "cap_reason": (f"Say why showing at most {run.hit_limit} hits was enough.", scope.cap_reason),
    }
    for field, (message, value) in fields.items():
        if not value.strip():
            raise ApplicationError(message, field=field)
    if scope.date_from and scope.date_to and scope.date_from > scope.date_to:
        raise ApplicationError("The date range must end on or after the day it starts.", field="date_to")
    with transaction.atomic():
        locked = SubjectSearchRun.objects.select_for_update().get(pk=run.pk)
        locked.holdings_and_agencies = scope.holdings_and_agencies.strip()
        locked.exclusions = scope.exclusions.strip()
        locked.cap_reason = scope.cap_reason.strip()
        locked.date_from = scope.date_from
        locked.date_to = scope.date_to
        locked.scope_recorded_by = by
        locked.scope_recorded_at = timezone.now()
        locked.full_clean()
        record_change(locked, "Scope recorded")
        locked.save()
    return locked


def search_runs_purge(*, request_reference: str) -> int:
    """Delete a closed request's search runs and their history (its retention is over); returns runs deleted.

    For requests_app's own retention of closed requests: the runs hold the subject's name and date of birth.
    """
    if not request_reference.strip():
        raise ApplicationError("Name the request whose searches are to be deleted.")
    with transaction.atomic():
        runs = list(SubjectSearchRun.objects.select_for_update().filter(request_reference=request_reference))
        run_ids = [run.pk for run in runs]
        hit_ids = list(SubjectSearchHit.objects.filter(run_id__in=run_ids).values_list("pk", flat=True))
        for run in runs:
            run.delete()
        SubjectSearchHit.history.model.objects.filter(id__in=hit_ids).delete()
        SubjectSearchRun.history.model.objects.filter(id__in=run_ids).delete()
    return len(run_ids)
