"""What rectification (Art 16), restriction (Art 18) and an upheld objection (Art 21) do to held data, and telling recipients (Art 19)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from reviews.access import require_manager, require_worker
from reviews.models import (
    Category,
    Correction,
    DataShare,
    DataSubjectRecord,
    HeldCategory,
    NotificationMethod,
    NotificationStatus,
    RecipientNotification,
    RecipientRole,
    Restriction,
)
from reviews.search import postcode_of
from reviews.services.common import _for, _lock_held
from reviews.services.holdings import _reindex
from rights import ApplicationError
from rights.effects import Effect, RestrictionBasis, recipients_to_notify

IDENTITY_FIELDS = {
    "full_name": "name",
    "previous_names": "previous names",
    "date_of_birth": "date of birth",
    "address": "address",
}

# Recipients (Art 19) --------------------------------------------------------------------------------


def _notify_recipients(
    *, record: DataSubjectRecord, effect: Effect, detail: str, request_reference: str
) -> list[RecipientNotification]:
    """One notification for each agency that supplied or received the record (UK GDPR Art 19)."""
    supplier = record.submission.agency_id
    receivers = frozenset(DataShare.objects.filter(record=record).values_list("agency_id", flat=True))
    agency_ids = recipients_to_notify(frozenset({str(supplier)}), frozenset(str(a) for a in receivers))
    created: list[RecipientNotification] = []
    now = timezone.now()
    for agency_id in sorted(int(a) for a in agency_ids):
        notification = RecipientNotification(
            record=record,
            agency_id=agency_id,
            role=RecipientRole.SUPPLIED if agency_id == supplier else RecipientRole.RECEIVED,
            effect=effect.value,
            detail=detail,
            request_reference=request_reference,
            created_at=now,
        )
        record_change(notification, f"Recipient to be told of the {effect.value} (Art 19)")
        notification.save()
        created.append(notification)
    return created


def notification_mark_sent(
    *, notification: RecipientNotification, by: User, sent_on: dt.date, method: str = "", today: dt.date | None = None
) -> RecipientNotification:
    """The agency was told of the change on `sent_on`, by `method` (UK GDPR Art 19); not a day in the future."""
    require_worker(by, action="record that an agency was told")
    if method and method not in NotificationMethod.values:
        raise ApplicationError(f"{method!r} is not a way an agency can be told.", field="method")
    if sent_on > (today or timezone.localdate()):
        raise ApplicationError("The agency cannot have been told on a day still to come.", field="sent_on")
    with transaction.atomic():
        locked = RecipientNotification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != NotificationStatus.PENDING:
            raise ApplicationError("That notification has already been dealt with.")
        locked.status = NotificationStatus.SENT
        locked.sent_on = sent_on
        locked.sent_method = method
        locked.handled_by = by
        record_change(locked, "Recipient told")
        locked.save()
    return locked


def notification_mark_not_required(
    *, notification: RecipientNotification, by: User, reason: str
) -> RecipientNotification:
    """Art 19: telling a recipient may be skipped only where impossible or disproportionate, with reasons (Manager)."""
    require_manager(by, action="decide that a recipient need not be told")
    if not reason.strip():
        raise ApplicationError("Say why telling this agency is impossible or disproportionate.", field="reason")
    with transaction.atomic():
        locked = RecipientNotification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != NotificationStatus.PENDING:
            raise ApplicationError("That notification has already been dealt with.")
        locked.status = NotificationStatus.NOT_REQUIRED
        locked.not_required_reason = reason.strip()
        locked.handled_by = by
        record_change(locked, "Not required: impossible or disproportionate (Art 19)")
        locked.save()
    return locked


# Rectification (Art 16) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rectified:
    correction: Correction
    notifications: list[RecipientNotification]


def subject_rectify(
    *, record: DataSubjectRecord, by: User, target: str, new_value: str, reason: str, request_reference: str = ""
) -> Rectified:
    """Correct a value, keeping the old one in a Correction, and list the recipients to tell (Art 16, Art 19)."""
    require_worker(by, action="correct held data")
    if not reason.strip():
        raise ApplicationError("Say why the value is being corrected.", field="reason")
    if target not in IDENTITY_FIELDS and target not in Category.values:
        raise ApplicationError(f"{target!r} is neither a field nor a category that can be corrected.", field="target")
    new_value = new_value.strip()
    with transaction.atomic():
        locked = _lock_held(record)
        label = IDENTITY_FIELDS.get(target) or Category(target).label.lower()
        if target in IDENTITY_FIELDS:
            old_value = _identity_value(locked, target)
            if new_value == old_value:
                raise ApplicationError(
                    f"The {label} already reads that way: there is nothing to correct.", field="new_value"
                )
            _set_identity(locked, target, new_value)
            locked.full_clean()
            record_change(locked, f"Rectified {label} (Art 16){_for(request_reference)}")
            locked.save()
            _reindex(locked)
        else:
            held = HeldCategory.objects.select_for_update().filter(record=locked, category=target).first()
            old_value = held.value if held else ""
            if held is not None and new_value == old_value:
                raise ApplicationError(
                    f"The {label} already reads that way: there is nothing to correct.", field="new_value"
                )
            held = held or HeldCategory(record=locked, category=target)
            held.value = new_value
            record_change(held, f"Rectified {label} (Art 16){_for(request_reference)}")
            held.save()
        correction = Correction(
            record=locked,
            target=target,
            old_value=old_value,
            new_value=new_value,
            reason=reason.strip(),
            request_reference=request_reference,
            made_by=by,
            made_at=timezone.now(),
        )
        record_change(correction, "Correction recorded")
        correction.save()
        notifications = _notify_recipients(
            record=locked,
            effect=Effect.RECTIFICATION,
            detail=f"The {label} was corrected.",
            request_reference=request_reference,
        )
    return Rectified(correction, notifications)


def _identity_value(record: DataSubjectRecord, target: str) -> str:
    if target == "date_of_birth":
        return record.date_of_birth.isoformat() if record.date_of_birth else ""
    return str(getattr(record, target))


def _set_identity(record: DataSubjectRecord, target: str, value: str) -> None:
    if target == "date_of_birth":
        try:
            record.date_of_birth = dt.date.fromisoformat(value) if value else None
        except ValueError:
            raise ApplicationError(f"{value!r} is not a date like 2012-05-01.", field="new_value") from None
    elif target == "full_name":
        if not value:
            raise ApplicationError("A name cannot be corrected to nothing.", field="new_value")
        record.full_name = value
    elif target == "previous_names":
        record.previous_names = "\n".join(line.strip() for line in value.splitlines() if line.strip())
    else:
        record.address = value
        record.postcode = postcode_of(value)


# Restriction (Art 18) and objection (Art 21) ---------------------------------------------------------


@dataclass(frozen=True)
class Restricted:
    restriction: Restriction
    notifications: list[RecipientNotification]


def subject_restrict(
    *, record: DataSubjectRecord, by: User, basis: RestrictionBasis, reason: str, request_reference: str = ""
) -> Restricted:
    """Mark the record restricted: kept, but exports and new uses refuse it until lifted (Art 18(1)-(2), Art 19)."""
    require_worker(by, action="restrict processing")
    if basis is RestrictionBasis.OBJECTION_UPHELD:
        require_manager(by, action="uphold an objection")
    if not reason.strip():
        raise ApplicationError("Say why processing is restricted.", field="reason")
    with transaction.atomic():
        locked = _lock_held(record)
        if locked.restrictions.filter(lifted_at__isnull=True, basis=basis.value).exists():
            raise ApplicationError(f"{locked.reference} is already restricted on that basis ({basis.info.article}).")
        restriction = Restriction(
            record=locked,
            basis=basis.value,
            reason=reason.strip(),
            request_reference=request_reference,
            placed_by=by,
            placed_at=timezone.now(),
        )
        record_change(restriction, f"Restricted: {basis.info.article}")
        restriction.save()
        effect = Effect.OBJECTION if basis is RestrictionBasis.OBJECTION_UPHELD else Effect.RESTRICTION
        detail = (
            "An objection was upheld: processing for that purpose has stopped."
            if effect is Effect.OBJECTION
            else f"Processing is restricted ({basis.info.article})."
        )
        notifications = _notify_recipients(
            record=locked, effect=effect, detail=detail, request_reference=request_reference
        )
    return Restricted(restriction, notifications)


def subject_objection_uphold(
    *, record: DataSubjectRecord, by: User, reason: str, request_reference: str = ""
) -> Restricted:
    """An upheld objection stops processing for that purpose (UK GDPR Art 21(1)); Manager only."""
    return subject_restrict(
        record=record,
        by=by,
        basis=RestrictionBasis.OBJECTION_UPHELD,
        reason=reason,
        request_reference=request_reference,
    )


def restriction_lift(
    *, restriction: Restriction, by: User, reason: str, requester_told_on: dt.date | None, today: dt.date | None = None
) -> Restriction:
    """Lift a restriction; the person must have been told beforehand (UK GDPR Art 18(3))."""
    require_worker(by, action="lift a restriction")
    today = today or timezone.localdate()
    if restriction.basis == RestrictionBasis.OBJECTION_UPHELD:
        require_manager(by, action="lift an upheld objection")
    if not reason.strip():
        raise ApplicationError("Say why the restriction is being lifted.", field="reason")
    if requester_told_on is None or requester_told_on > today:
        raise ApplicationError(
            "The person must be told before a restriction is lifted (UK GDPR Art 18(3)): record the date they were told.",
            field="requester_told_on",
        )
    with transaction.atomic():
        locked = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if locked.lifted_at is not None:
            raise ApplicationError("That restriction has already been lifted.")
        locked.lifted_at = timezone.now()
        locked.lifted_by = by
        locked.lift_reason = reason.strip()
        locked.requester_told_on = requester_told_on
        record_change(locked, "Restriction lifted")
        locked.save()
    return locked
