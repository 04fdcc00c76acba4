"""A right's effects applied for one rights request: what requests_app calls, by the request's reference.

Each service takes the request's reference and the acting user, refuses plainly unless the request
has a completed subject search (kept, every hit confirmed or rejected: UK GDPR Art 15(1A)'s
reasonable and proportionate search), and acts on the records confirmed as the data subject's.
Each is one transaction: a refusal part way through changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from reviews.access import require_manager, require_reference_visible, require_worker
from reviews.models import (
    AgencySubmission,
    CertificateKind,
    DataSubjectRecord,
    DestructionCertificate,
    HeldCategory,
    HitDecision,
    Restriction,
    Review,
    SubjectSearchHit,
    SubjectSearchRun,
)
from reviews.selectors import confirmed_sources
from reviews.services.common import _for
from reviews.services.effects import (
    IDENTITY_FIELDS,
    Rectified,
    Restricted,
    _identity_value,
    _notify_recipients,
    restriction_lift,
    subject_rectify,
    subject_restrict,
)
from reviews.services.erasure import _how, holds_blocking, record_wipe
from rights import ApplicationError
from rights.effects import Effect, ErasureExemption, ErasureMethod, RestrictionBasis


def _require_completed_search(request_reference: str) -> None:
    """A kept search with every hit decided: the effect then reaches everything held about the person."""
    reference = request_reference.strip()
    if not reference:
        raise ApplicationError("Name the rights request the change is for.", field="request_reference")
    if not SubjectSearchRun.objects.filter(request_reference=reference).exists():
        raise ApplicationError(
            f"No subject search has been kept for request {reference}: search the partnership's holdings for the "
            "data subject, and confirm or reject every hit, first."
        )
    pending = SubjectSearchHit.objects.filter(run__request_reference=reference, decision=HitDecision.PENDING).count()
    if pending:
        raise ApplicationError(
            f"The subject search for request {reference} is not complete: {pending} hit{'s are' if pending != 1 else ' is'} "
            "not yet confirmed or rejected."
        )


def _subject_records(*, request_reference: str, by: User) -> list[DataSubjectRecord]:
    """The request's confirmed records, after the visibility and search checks; refused when there are none."""
    require_reference_visible(by, request_reference.strip())
    _require_completed_search(request_reference)
    records = confirmed_sources(request_reference.strip(), include_ncnd=True)  # the right applies to them too
    if not records:
        raise ApplicationError(
            f"Nothing held was confirmed as the data subject's for request {request_reference.strip()}: "
            "there is nothing to change."
        )
    return records


def request_rectify(
    *,
    request_reference: str,
    by: User,
    target: str,
    new_value: str,
    reason: str,
    record: DataSubjectRecord | None = None,
) -> list[Rectified]:
    """Correct a value wherever the request's confirmed records hold it wrongly, keeping the old ones (Art 16, Art 19).

    An identity field (name, previous names, date of birth, address) is corrected on every confirmed
    record that differs; a category on every confirmed record that holds it; `record` narrows it to
    one confirmed record (and may complete a category it lacks).
    """
    require_worker(by, action="correct held data")
    with transaction.atomic():
        records = _subject_records(request_reference=request_reference, by=by)
        if record is not None:
            if record.pk not in {r.pk for r in records}:
                raise ApplicationError(
                    f"{record.reference} was not confirmed as the data subject's for request "
                    f"{request_reference.strip()}: it cannot be corrected for that request."
                )
            targets = [r for r in records if r.pk == record.pk]
        elif target in IDENTITY_FIELDS:
            targets = [r for r in records if _identity_value(r, target) != new_value.strip()] or records[:1]
        else:
            holding = set(
                HeldCategory.objects.filter(record__in=records, category=target).values_list("record_id", flat=True)
            )
            values = dict(
                HeldCategory.objects.filter(record__in=records, category=target).values_list("record_id", "value")
            )
            targets = [r for r in records if r.pk in holding and values[r.pk] != new_value.strip()]
            if not targets:
                targets = [r for r in records if r.pk in holding][:1]
            if not targets:
                raise ApplicationError(
                    f"No confirmed record for request {request_reference.strip()} holds that category: "
                    "name the record to complete.",
                    field="record",
                )
        return [
            subject_rectify(
                record=r,
                by=by,
                target=target,
                new_value=new_value,
                reason=reason,
                request_reference=request_reference.strip(),
            )
            for r in targets
        ]


def request_erase(
    *,
    request_reference: str,
    by: User,
    method: ErasureMethod,
    reason: str,
    exemption: ErasureExemption | None = None,
) -> DestructionCertificate:
    """Erase every record confirmed as the data subject's, with one certificate and Art 19 notices (Art 17).

    The caller passes the decision on Art 17(3): an exemption refuses it with its article. A legal
    hold on any of the reviews, or another open request that still needs a record, refuses it all.
    """
    require_manager(by, action="erase held data")
    if exemption is not None:
        raise ApplicationError(
            f"Not erased: {exemption.explanation} ({exemption.article}). Tell the person why, and of their right to complain."
        )
    if not reason.strip():
        raise ApplicationError("Say why the records are being erased.", field="reason")
    reference = request_reference.strip()
    with transaction.atomic():
        records = _subject_records(request_reference=reference, by=by)
        review_ids = sorted(
            set(AgencySubmission.objects.filter(subjects__in=records).values_list("review_id", flat=True))
        )
        # Reviews before records, in key order, as retention's destruction does: the two never deadlock.
        reviews = list(Review.objects.select_for_update().filter(pk__in=review_ids).order_by("pk"))
        locked = list(
            DataSubjectRecord.objects.select_for_update()
            .filter(pk__in=[r.pk for r in records])
            .select_related("submission__review", "submission__agency")
            .order_by("pk")
        )
        for review in reviews:
            if review.legal_hold:
                raise ApplicationError(
                    f"Not erased: {review.reference} is on legal hold ({review.legal_hold_reason}); nothing in it can "
                    "be erased until the hold is lifted (UK GDPR Art 17(3)(e))."
                )
        blocking = holds_blocking([r.pk for r in locked], review_ids, ignore_reference=reference)
        if blocking:
            raise ApplicationError(f"Not erased: {'; '.join(blocking)}.")
        categories = history_rows = 0
        parts = []
        done = "destroyed" if method is ErasureMethod.DESTROY else "anonymised"
        for record in locked:
            _notify_recipients(
                record=record,
                effect=Effect.ERASURE,
                detail=f"The record was {done} on request (Art 17).",
                request_reference=reference,
            )
            parts.append(
                f"{record.reference} in {record.submission.review.reference} "
                f"({record.submission.get_submission_type_display()} from {record.submission.agency.name})"
            )
            counts = record_wipe(record, method=method, reason=f"Erased on request (Art 17){_for(reference)}")
            categories += counts.category_entries
            history_rows += counts.history_rows_cleared
        certificate = DestructionCertificate(
            kind=CertificateKind.ERASURE,
            method=method.value,
            what=(
                f"Data subject record{'s' if len(locked) != 1 else ''} confirmed for request {reference}: "
                f"{'; '.join(parts)}. {categories} category entries."
            ),
            how=_how(method, history_rows),
            review=reviews[0] if len(reviews) == 1 else None,
            record=locked[0] if len(locked) == 1 else None,
            request_reference=reference,
            records=len(locked),
            category_entries=categories,
            history_rows_cleared=history_rows,
            destroyed_at=timezone.now(),
            destroyed_by=by,
            destroyed_by_name=by.get_username(),
        )
        record_change(certificate, "Certificate issued")
        certificate.save()
    return certificate


def request_restrict(*, request_reference: str, by: User, basis: RestrictionBasis, reason: str) -> list[Restricted]:
    """Restrict the data subject: each confirmed record not yet restricted on that basis (Art 18(1)-(2), Art 19)."""
    require_worker(by, action="restrict processing")
    if basis is RestrictionBasis.OBJECTION_UPHELD:
        require_manager(by, action="uphold an objection")
    reference = request_reference.strip()
    with transaction.atomic():
        records = _subject_records(request_reference=reference, by=by)
        already = set(
            Restriction.objects.filter(record__in=records, basis=basis.value, lifted_at__isnull=True).values_list(
                "record_id", flat=True
            )
        )
        todo = [r for r in records if r.pk not in already] or records[:1]  # the service says it is already done
        return [
            subject_restrict(record=r, by=by, basis=basis, reason=reason, request_reference=reference) for r in todo
        ]


def request_objection_uphold(*, request_reference: str, by: User, reason: str) -> list[Restricted]:
    """An upheld objection stops processing of the data subject's records for that purpose (Art 21(1)); Manager only."""
    return request_restrict(
        request_reference=request_reference, by=by, basis=RestrictionBasis.OBJECTION_UPHELD, reason=reason
    )


def request_restriction_lift(
    *,
    request_reference: str,
    by: User,
    reason: str,
    requester_told_on: dt.date | None,
    basis: RestrictionBasis | None = None,
    today: dt.date | None = None,
) -> list[Restriction]:
    """Lift the restrictions (and upheld objections) placed for the request; the person told first (Art 18(3))."""
    require_worker(by, action="lift a restriction")
    reference = request_reference.strip()
    with transaction.atomic():
        _subject_records(request_reference=reference, by=by)
        active = Restriction.objects.filter(request_reference=reference, lifted_at__isnull=True)
        if basis is not None:
            active = active.filter(basis=basis.value)
        restrictions = list(active.order_by("record_id", "pk"))
        if not restrictions:
            raise ApplicationError(f"Nothing is restricted for request {reference}.")
        return [
            restriction_lift(restriction=r, by=by, reason=reason, requester_told_on=requester_told_on, today=today)
            for r in restrictions
        ]
