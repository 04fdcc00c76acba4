"""Recording what was seen to verify identity, authority, a child's consent or competence, and the clock it moves.

Identity and authority arriving restart the month (UK GDPR Art 12A, rule R4), so recording them
writes a clock event and recomputes the due date in the same transaction. Scans are checked by
their content, not their name, and stored under the private MEDIA_ROOT with a generated name.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.roles import require_role
from core.text import day_text
from requests_app.models import (
    CLOCK_STARTERS_VALUES,
    FINISHED_STATUSES,
    ClockEvent,
    ClockEventKind,
    Evidence,
    EvidenceKind,
    Letter,
    LetterDirection,
    RightsRequest,
)
from requests_app.services.clock import clock_event_add
from requests_app.services.locking import request_lock
from requests_app.services.notices import notices_clear_obsolete
from requests_app.uploads import UploadKind, check_scan
from rights import ApplicationError, Authority, Competence, RepresentativeRole
from rights.people import (
    ROLE_AUTHORITIES,
    AffairsArea,
    BestInterests,
    EvidenceDocument,
    ParentalResponsibilityBasis,
    PowerKind,
    acting_power_refusal,
)

# The first bytes of each file type we accept (PDF 1.7 s7.5.2; PNG s5.2; JPEG/JFIF SOI marker).
SCAN_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
# Evidence whose arrival starts the month (UK GDPR Art 12A): the day it arrived must be given.
CLOCK_EVIDENCE = frozenset({EvidenceKind.IDENTITY, EvidenceKind.AUTHORITY})


@dataclass(frozen=True)
class ActingDetails:
    """What authority evidence shows about the basis a representative acts on (rights.people.ActingPowers)."""

    pr_basis: ParentalResponsibilityBasis | None = None
    pr_evidence: frozenset[EvidenceDocument] = frozenset()
    child_adopted_since: bool = False
    affairs: AffairsArea | None = None
    deputy_order_covers: frozenset[AffairsArea] = frozenset()
    power_kind: PowerKind | None = None
    power_registered_on: dt.date | None = None
    power_made_on: dt.date | None = None
    donor_lacks_capacity: bool = False


def _joined(values: frozenset[EvidenceDocument] | frozenset[AffairsArea]) -> str:
    return ",".join(sorted(value.value for value in values))


def acting_details_apply(request: RightsRequest, details: ActingDetails, *, today: dt.date) -> None:
    """Set the basis on the request: only the facts its authority relies on, each checked for sense."""
    authority = Authority(request.authority) if request.authority else None
    is_pr = authority is Authority.PARENTAL_RESPONSIBILITY
    is_deputy = request.role is RepresentativeRole.DEPUTY and authority is Authority.COURT_ORDER
    is_attorney = authority is Authority.LASTING_POWER_OF_ATTORNEY
    if not is_pr and (details.pr_basis or details.pr_evidence or details.child_adopted_since):
        raise ApplicationError(
            "Parental responsibility is recorded only for a parent acting under it.", field="pr_basis"
        )
    if not is_deputy and details.deputy_order_covers:
        raise ApplicationError(
            "What a deputyship order covers is recorded only for a deputy.", field="deputy_order_covers"
        )
    power_given = details.power_kind or details.power_registered_on or details.power_made_on
    if not is_attorney and (power_given or details.donor_lacks_capacity):
        raise ApplicationError("A power of attorney is recorded only for an attorney.", field="power_kind")
    if not (is_deputy or is_attorney) and details.affairs:
        raise ApplicationError(
            "The affairs asked about are recorded only for a deputy or an attorney.", field="affairs"
        )
    for name, day in (("power_registered_on", details.power_registered_on), ("power_made_on", details.power_made_on)):
        if day is not None and day > today:
            raise ApplicationError("The date cannot be in the future.", field=name)
    if details.power_made_on and details.power_registered_on and details.power_registered_on < details.power_made_on:
        raise ApplicationError("A power cannot be registered before it was made.", field="power_registered_on")
    if is_pr:
        request.pr_basis = details.pr_basis.value if details.pr_basis else ""
        request.pr_evidence = _joined(details.pr_evidence)
        request.child_adopted_since = details.child_adopted_since
    if is_deputy:
        request.deputy_order_covers = _joined(details.deputy_order_covers)
    if is_attorney:
        request.power_kind = details.power_kind.value if details.power_kind else ""
        request.power_registered_on = details.power_registered_on
        request.power_made_on = details.power_made_on
        request.donor_lacks_capacity = details.donor_lacks_capacity
    if is_deputy or is_attorney:
        request.affairs = details.affairs.value if details.affairs else ""


def _acting_problem_field(request: RightsRequest) -> str:
    if request.authority == Authority.PARENTAL_RESPONSIBILITY.value:
        return "pr_evidence" if request.pr_basis else "pr_basis"
    if request.authority == Authority.LASTING_POWER_OF_ATTORNEY.value:
        if not request.power_kind:
            return "power_kind"
        return "power_registered_on" if request.power_registered_on is None else "affairs"
    return "deputy_order_covers" if not request.deputy_order_covers else "affairs"


def scan_extension(scan: UploadedFile) -> str:
    """The scan's real type from its content ('pdf', 'png' or 'jpg'); refuses anything else or too large."""
    limit = settings.MAX_UPLOAD_BYTES
    if scan.size is None or scan.size == 0:
        raise ApplicationError("The scan is empty.", field="scan")
    if scan.size > limit:
        raise ApplicationError(
            f"The scan is {scan.size / 1_048_576:.1f} MB; the largest allowed is {limit / 1_048_576:.1f} MB.",
            field="scan",
        )
    scan.seek(0)
    data = scan.read(limit + 1)
    scan.seek(0)
    if not data.startswith(SCAN_SIGNATURES):
        raise ApplicationError("The scan must be a PDF, PNG or JPEG file.", field="scan")
    # The same content checks as a document upload: a damaged file, or a PDF that is also a web page, is refused.
    checked = check_scan(data, name=scan.name or "", max_bytes=limit, field="scan")
    return {UploadKind.PDF: "pdf", UploadKind.PNG: "png", UploadKind.JPEG: "jpg"}[checked.kind]


def _lock_open(request_id: int, user: User | None, expected_version: int | None) -> RightsRequest:
    locked = request_lock(request_id, by=user, expected_version=expected_version)
    if user is not None and locked.status in FINISHED_STATUSES:
        raise ApplicationError("This request is finished: nothing more can be recorded on it.")
    return locked


def _check_letter(request: RightsRequest, letter: Letter | None, *, by: User | None) -> None:
    """The letter a clock event names must be this request's, and (for staff) one that came in."""
    if letter is None:
        return
    if letter.request_id != request.pk:
        raise ApplicationError("That letter belongs to another request.", field="letter")
    if by is not None and letter.direction != LetterDirection.IN:
        raise ApplicationError("Choose the incoming letter it came in, not one the partnership sent.", field="letter")


def _save_request(request: RightsRequest, by: User | None, reason: str) -> None:
    request.full_clean()
    request.version += 1
    record_change(request, reason, by=by)
    request.save()


def _check_dates(request: RightsRequest, *, seen_on: dt.date, received_on: dt.date | None, today: dt.date) -> None:
    if seen_on > today:
        raise ApplicationError("The date the evidence was seen cannot be in the future.", field="seen_on")
    if received_on is None:
        return
    if received_on > today:
        raise ApplicationError("The date the evidence arrived cannot be in the future.", field="received_on")
    if received_on < request.received:
        raise ApplicationError(
            f"The evidence cannot have arrived before the request did ({day_text(request.received)}).",
            field="received_on",
        )
    if received_on > seen_on:
        raise ApplicationError("The evidence cannot have been seen before it arrived.", field="received_on")


def evidence_record(
    *,
    request_id: int,
    by: User,
    kind: EvidenceKind,
    description: str,
    seen_on: dt.date,
    received_on: dt.date | None = None,
    scan: UploadedFile | None = None,
    competence: Competence | None = None,
    authority: Authority | None = None,
    acting: ActingDetails | None = None,
    letter: Letter | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Evidence:
    """Record evidence seen for a request and what it settles: identity, authority, a child's consent or competence.

    The first identity or authority evidence restarts the month from the day it arrived (Art 12A),
    which must be given (evidence enclosed with the request arrived with it, so the clock stays);
    later evidence of the same kind is kept but does not move the clock again. Authority evidence
    records the basis it shows (`acting`: parental responsibility and its documents, a deputy's
    order, an attorney's power), and is refused, with the reason and its source, when that basis
    does not let the representative act on this request (rights.people.acting_power_refusal).
    """
    if by is None:
        raise ApplicationError("Evidence must be recorded by a named member of staff.")
    if kind == EvidenceKind.COMPETENCE:
        require_role(by, roles.REVIEWER, roles.MANAGER, action="record a judgement of a child's competence")
        if competence is None:
            raise ApplicationError("Record whether the child has the understanding to decide.", field="competence")
    else:
        require_role(by, roles.MANAGER, roles.CASEWORKER, action="record evidence")
        if competence is not None:
            raise ApplicationError("Only a competence judgement records competence.", field="competence")
    if authority is not None and kind != EvidenceKind.AUTHORITY:
        raise ApplicationError("Only authority evidence records an authority.", field="authority")
    if acting is not None and kind != EvidenceKind.AUTHORITY:
        raise ApplicationError("Only authority evidence records the basis a representative acts on.", field="kind")
    description = description.strip()
    if not description:
        raise ApplicationError("Say what was seen, e.g. 'passport, number ending 123'.", field="description")
    today = today or timezone.localdate()
    extension = scan_extension(scan) if scan is not None else None

    with transaction.atomic():
        request = _lock_open(request_id, by, expected_version)
        _check_dates(request, seen_on=seen_on, received_on=received_on, today=today)
        _check_letter(request, letter, by=by)
        if kind in CLOCK_EVIDENCE and received_on is None:
            # UK GDPR Art 12A: the month runs from the day it arrived; the day it was looked at is not that day.
            raise ApplicationError(
                "Enter the date the evidence arrived: if it came with the request, the date the request arrived "
                f"({day_text(request.received)}).",
                field="received_on",
            )
        arrived = received_on or seen_on
        change = f"{EvidenceKind(kind).label} evidence recorded"
        if kind == EvidenceKind.IDENTITY:
            if request.identity_verified_at is None:
                request.identity_verified_at = timezone.now()
                # UK GDPR Art 12A: the month runs from the day identity arrived.
                clock_event_add(
                    request=request,
                    event=ClockEventKind.IDENTITY_RECEIVED,
                    date=arrived,
                    by=by,
                    reason=description,
                    letter=letter,
                    today=today,
                )
        elif kind == EvidenceKind.AUTHORITY:
            if request.role is RepresentativeRole.SELF:
                raise ApplicationError(
                    "The data subject is asking for themselves: no authority is needed.", field="kind"
                )
            if authority is not None:
                if authority not in ROLE_AUTHORITIES[request.role]:
                    raise ApplicationError(
                        f"A {request.role.value} cannot act under {authority.value.replace('_', ' ')}.",
                        field="authority",
                    )
                request.authority = authority.value
            if not request.authority:
                raise ApplicationError("Say what authority the representative acts under.", field="authority")
            if acting is not None:
                acting_details_apply(request, acting, today=today)
            refusal = acting_power_refusal(
                role=request.role, authority=Authority(request.authority), powers=request.acting_powers
            )
            if refusal:
                # Children Act 1989, Mental Capacity Act 2005: evidence that does not show the basis verifies nothing.
                raise ApplicationError(refusal, field=_acting_problem_field(request))
            change = "Authority evidence recorded, with the basis it shows"
            if request.authority_verified_at is None:
                request.authority_verified_at = timezone.now()
                # UK GDPR Art 12A: the month runs from the day the representative's authority arrived.
                clock_event_add(
                    request=request,
                    event=ClockEventKind.AUTHORITY_RECEIVED,
                    date=arrived,
                    by=by,
                    reason=description,
                    letter=letter,
                    today=today,
                )
        elif kind == EvidenceKind.CHILD_CONSENT:
            if request.role is RepresentativeRole.SELF:
                raise ApplicationError("The data subject is asking for themselves: no consent is needed.", field="kind")
            request.child_consented_on = seen_on  # seed notice policy: a child able to decide consents
        elif competence is not None:
            request.child_competence = competence.value  # Gillick: a professional's judgement overrides the policy age
            change = f"Competence recorded: {'able' if competence is Competence.COMPETENT else 'not able'} to decide"
        _save_request(request, by, change)
        notices_clear_obsolete(request=request, by=by)  # in the same transaction as the clock it moved
        evidence = Evidence(request=request, kind=kind, description=description, seen_by=by, seen_on=seen_on)
        if scan is not None and extension is not None:
            evidence.scan.save(f"{kind}-{uuid.uuid4().hex}.{extension}", scan, save=False)
        evidence.full_clean()
        evidence.save()
    return evidence


def clock_event_record(
    *,
    request_id: int,
    by: User | None,
    event: ClockEventKind,
    date: dt.date,
    reason: str = "",
    letter: Letter | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ClockEvent:
    """Record something that moves the clock (a fee received, say) and bring the due date into step.

    Staff record only what restarts the month (identity, authority, fee: Art 12A); clarification
    and extension are steps of the state machine, with their letters. The command line (by=None),
    importing a past case, may record any event.
    """
    if by is not None:
        require_role(by, roles.MANAGER, roles.CASEWORKER, action="record a clock event")
        if event not in CLOCK_STARTERS_VALUES:
            raise ApplicationError(
                "Clarification and extension are recorded by their steps on the request page, with their letters.",
                field="event",
            )
    today = today or timezone.localdate()
    if date > today:
        raise ApplicationError("The date cannot be in the future.", field="date")
    with transaction.atomic():
        request = _lock_open(request_id, by, expected_version)
        if date < request.received:
            raise ApplicationError(
                f"The date cannot be before the request was received ({day_text(request.received)}).", field="date"
            )
        _check_letter(request, letter, by=by)
        clock_event = clock_event_add(
            request=request, event=event, date=date, by=by, reason=reason.strip(), letter=letter, today=today
        )
        _save_request(request, by, f"{ClockEventKind(event).label} on {day_text(date)}")
        notices_clear_obsolete(request=request, by=by)  # in the same transaction as the clock it moved
    return clock_event


def fee_received_record(
    *,
    request_id: int,
    by: User,
    received_on: dt.date,
    reason: str = "",
    letter: Letter | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ClockEvent:
    """A fee arrived: the month runs from the day it did (UK GDPR Art 12A), with the letter it came in."""
    if by is None:
        raise ApplicationError("A fee must be recorded by a named member of staff.")
    return clock_event_record(
        request_id=request_id,
        by=by,
        event=ClockEventKind.FEE_RECEIVED,
        date=received_on,
        reason=reason,
        letter=letter,
        expected_version=expected_version,
        today=today,
    )


def best_interests_record(
    *,
    request_id: int,
    by: User,
    decision: BestInterests,
    reasons: str,
    decided_on: dt.date,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> RightsRequest:
    """Record whether disclosure to the representative is in the best interests of the child, or the adult who lacks
    capacity, they act for: the decision DPA 2018 Sch 3 Pt 5 para 21 turns on for child abuse data.
    """
    if by is None:
        raise ApplicationError("A best-interests decision must be recorded by a named member of staff.")
    require_role(by, roles.MANAGER, roles.CASEWORKER, action="record a best-interests decision")
    reasons = reasons.strip()
    if not reasons:
        raise ApplicationError("Give the reasons for the decision.", field="reasons")
    today = today or timezone.localdate()
    if decided_on > today:
        raise ApplicationError("The date of the decision cannot be in the future.", field="decided_on")
    with transaction.atomic():
        request = _lock_open(request_id, by, expected_version)
        if request.role is RepresentativeRole.SELF:
            raise ApplicationError(
                "The data subject is asking for themselves: nobody decides their best interests for them.",
                field="decision",
            )
        if decided_on < request.received:
            raise ApplicationError(
                f"The decision cannot be before the request arrived ({day_text(request.received)}).",
                field="decided_on",
            )
        request.best_interests = decision.value
        request.best_interests_reasons = reasons
        request.best_interests_on = decided_on
        words = "in" if decision is BestInterests.IN else "not in"
        _save_request(request, by, f"Best interests recorded: disclosure {words} their best interests")
    return request
