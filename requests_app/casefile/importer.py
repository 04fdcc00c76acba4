"""Importing a case file: everything is checked first, then the whole case is written in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import record_change
from requests_app.casefile import plan as planning
from requests_app.casefile.schema import SERVICE_FIELDS, Case, CaseFileError, case_validate
from requests_app.casefile.sections import registered_sections
from requests_app.models import (
    ClockEvent,
    ClockEventKind,
    Evidence,
    EvidenceKind,
    Fee,
    Letter,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.services.clock import request_refresh_due_date
from requests_app.services.evidence import acting_details_apply
from requests_app.services.requests import request_create, request_set_complex, request_set_restricted
from rights import ApplicationError


def case_load(path: Path) -> Any:
    """Read and parse a case file; a missing or malformed file is a CaseFileError naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError([f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CaseFileError([f"{path}: cannot be read ({error.__class__.__name__})"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseFileError(
            [f"{path}: not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"]
        ) from None


def case_import(
    *,
    data: Any,
    folder: Path,
    by: User | None = None,
    today: dt.date | None = None,
    actor: planning.Actor | None = None,
) -> RightsRequest:
    """Validate everything, then write the whole case in one transaction, or nothing at all.

    `by` logs the request and writes its records (None: the command line). `actor` chooses who takes
    each step to the file's status, from the roles allowed to take it (default: `by`).
    """
    today = today or timezone.localdate()
    case = case_validate(data, folder=folder, today=today)
    if by is None:
        unseen = [f"evidence[{i}].seen_by" for i, entry in enumerate(case.evidence) if entry.seen_by is None]
        if unseen:
            raise CaseFileError(
                [f"{path}: is required (who saw it) when importing from the command line" for path in unseen]
            )
    try:
        with transaction.atomic():
            request = _write_case(case, by=by, today=today, actor=actor or (lambda allowed: by))
    except CaseFileError:
        raise
    except IntegrityError:
        # Another import (or the desk) took the reference between the check and the write: the same refusal.
        if RightsRequest.objects.filter(reference=case.reference).exists():
            raise CaseFileError([f"reference: a request with reference {case.reference} already exists"]) from None
        raise
    except planning.PlanError as error:
        raise CaseFileError([str(error)]) from None
    except ApplicationError as error:
        where = SERVICE_FIELDS.get(error.field or "", error.field or "case")
        raise CaseFileError([f"{where}: {error.message}"]) from None
    return request


def case_import_file(*, path: Path, by: User | None = None, today: dt.date | None = None) -> RightsRequest:
    return case_import(data=case_load(path), folder=path.resolve().parent, by=by, today=today)


def _write_case(case: Case, *, by: User | None, today: dt.date, actor: planning.Actor) -> RightsRequest:
    users = get_user_model().objects
    request = request_create(
        by=by,
        reference=case.reference,
        kind=case.kind,
        received=case.received,
        channel=case.channel,
        summary=case.summary,
        subject=case.subject,
        requester=case.requester,
        role=case.role,
        authority=case.authority,
        assigned_to=users.get(username=case.assigned_to) if case.assigned_to else None,
        today=today,
    )
    TransitionEvent.objects.create(
        request=request,
        transition="import",
        from_status=Status.RECEIVED,
        to_status=Status.RECEIVED,
        by=by,
        at=timezone.now(),
        reason=(
            "Imported from a case file"
            + (
                f"; the steps that follow reach its status, {Status(case.wanted.status).label.lower()}."
                if case.steps
                else "."
            )
        ),
    )
    letters = [
        Letter.objects.create(
            request=request,
            direction=entry.direction,
            date=entry.date,
            method=entry.method,
            addressee=entry.addressee,
            summary=entry.summary,
            template=entry.template,
            created_by=by,
        )
        for entry in case.letters
    ]

    def letter_at(index: int | None) -> Letter | None:
        return letters[index] if index is not None else None

    for entry in case.clock:
        first = ClockEventKind.CLARIFICATION_ASKED if entry.event == "clarification" else ClockEventKind(entry.event)
        ClockEvent.objects.create(
            request=request,
            event=first,
            date=entry.date,
            reason=entry.reason,
            letter=letter_at(entry.letter),
            recorded_by=by,
        )
        if entry.answered is not None:
            ClockEvent.objects.create(
                request=request,
                event=ClockEventKind.CLARIFICATION_ANSWERED,
                date=entry.answered,
                reason=entry.answered_reason,
                letter=letter_at(entry.answered_letter),
                recorded_by=by,
            )

    for fee_entry in case.fees:
        # A record of the past: no fee letter is written and the clock moves only by the file's fee_received event.
        fee = Fee(
            request=request,
            basis=fee_entry.basis,
            amount_pence=fee_entry.amount_pence,
            reason=fee_entry.reason,
            asked_on=fee_entry.asked_on,
            letter=letter_at(fee_entry.letter),
            status=fee_entry.status,
            settled_on=fee_entry.settled_on,
            settled_reason=fee_entry.settled_reason,
            asked_by=by,
            settled_by=by if fee_entry.settled_on is not None else None,
        )
        fee.full_clean(exclude={"asked_by"})  # None from the command line, as a letter's created_by
        record_change(fee, "Fee imported from a case file", by=by)
        fee.save()

    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    for item in case.evidence:
        seer = users.get(username=item.seen_by) if item.seen_by else by
        assert seer is not None  # noqa: S101 - case_import refuses evidence nobody saw
        Evidence.objects.create(
            request=request, kind=item.kind, description=item.description, seen_by=seer, seen_on=item.seen_on
        )
        # What each kind of evidence settles, as evidence_record sets it (the file's clock is the record of dates).
        seen_at = timezone.make_aware(dt.datetime.combine(item.seen_on, dt.time(12, 0)))
        if item.kind == EvidenceKind.IDENTITY and request.identity_verified_at is None:
            request.identity_verified_at = seen_at
        elif item.kind == EvidenceKind.AUTHORITY and request.authority_verified_at is None:
            request.authority_verified_at = seen_at
        elif item.kind == EvidenceKind.CHILD_CONSENT:
            request.child_consented_on = item.seen_on
        elif item.kind == EvidenceKind.COMPETENCE and item.competence:
            request.child_competence = item.competence
    # The basis the representative acts on, and the best-interests decision, as the file records them (if it does):
    # checked for sense here, and against the law by the steps' guards as they are replayed.
    acting_details_apply(request, case.acting, today=today)
    if case.best_interests is not None:
        request.best_interests = case.best_interests.decision.value
        request.best_interests_reasons = case.best_interests.reasons
        request.best_interests_on = case.best_interests.decided_on
    request_refresh_due_date(request=request, today=today)
    request.full_clean()
    request.version += 1
    record_change(request, "Clock and evidence imported from a case file", by=by)
    request.save()

    if case.restricted_reason is not None:
        request = request_set_restricted(request=request, by=by, restricted=True, reason=case.restricted_reason)
    if case.complex:
        numerous_with: list[int] = []
        if case.numerous_with:
            found = dict(RightsRequest.objects.filter(reference__in=case.numerous_with).values_list("reference", "pk"))
            missing = [reference for reference in case.numerous_with if reference not in found]
            if missing:
                raise CaseFileError(
                    [f"extension_ground.numerous_with: {', '.join(missing)} not on record: import those cases first"]
                )
            numerous_with = [found[reference] for reference in case.numerous_with]
        try:
            request = request_set_complex(
                request_id=request.pk,
                by=by,
                is_complex=True,
                ground=case.extension_ground or None,
                numerous_with=numerous_with,
                reason=case.complex_reason or "as the imported case file says",
            )
        except ApplicationError as error:
            raise CaseFileError([f"extension_ground: {error.message}"]) from None
    for section in registered_sections():
        if section.key in case.sections:
            section.import_(request, case.sections[section.key], case.folder, by)
    request = planning.replay(request, list(case.steps), actor=actor, today=today, dates=case.step_dates)
    request = RightsRequest.objects.get(pk=request.pk)
    errors = planning.check_outcome(request, case.wanted)
    if errors:
        raise CaseFileError(errors)
    return request
