"""What a deciding step does to the partnership's held data, inside the step's own transaction.

`request_transition` calls `effect_apply` after the step's guards pass and before its letter, and
`effect_after_letter` once the letter is filed: the step, its effect on held data (through the
reviews services) and its letter are one transaction, so a refusal from reviews changes nothing.

Where the kept subject search confirmed nothing as the data subject's, the deciding step still
goes ahead: nothing is changed, the event row says the search found nothing held, and the letter
says so. No destruction certificate is issued for an erasure of nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from requests_app import letters as catalogue
from requests_app.guards import lift_notice_date
from requests_app.models import Letter, RightsRequest, Status, TransitionEvent
from requests_app.selectors import subject_holdings as held
from rights import ApplicationError, RightKind
from rights.effects import ErasureMethod, RestrictionBasis

# The restriction a request may hold while it is considered (UK GDPR Art 18(1)(a), (d)), by kind.
WHILE_CHECKING: dict[str, RestrictionBasis] = {
    RightKind.RECTIFICATION.value: RestrictionBasis.ACCURACY_CONTESTED,
    RightKind.OBJECTION.value: RestrictionBasis.OBJECTION_PENDING,
}
WHILE_CHECKING_REASON: dict[str, str] = {
    RightKind.RECTIFICATION.value: "The requester asked for processing to be restricted while the accuracy of the data is checked.",
    RightKind.OBJECTION.value: "The requester asked for processing to be restricted while their objection is considered.",
}
NOTHING_HELD_NOTE = "The subject search found nothing held about the data subject: nothing was changed."


@dataclass
class EffectDone:
    """What the step did to held data: a note for its event row, and what its letter must say."""

    note: str = ""
    letter: dict[str, Any] = field(default_factory=dict)


def _erasure(machine: RightsRequest, inputs: dict[str, str], by: User | None) -> EffectDone:
    from reviews.services import request_erase

    method = ErasureMethod(inputs["erasure_method"])
    if held.nothing_held(machine):
        return EffectDone(NOTHING_HELD_NOTE, {"nothing_held": True})
    certificate = request_erase(
        request_reference=machine.reference, by=_worker(by), method=method, reason=inputs.get("reason", "")
    )
    done = "destroyed" if method is ErasureMethod.DESTROY else "anonymised"
    records = f"{certificate.records} record{'s' if certificate.records != 1 else ''}"
    return EffectDone(
        f"Destruction certificate {certificate.reference}: {records} {done}.",
        {"certificate_reference": certificate.reference, "erasure_done": done, "records_erased": certificate.records},
    )


def _restriction(machine: RightsRequest, basis: RestrictionBasis, reason: str, by: User | None) -> EffectDone:
    from reviews.services import request_restrict

    if held.nothing_held(machine):
        return EffectDone(NOTHING_HELD_NOTE, {"nothing_held": True})
    restricted = request_restrict(request_reference=machine.reference, by=_worker(by), basis=basis, reason=reason)
    count = len(restricted)
    return EffectDone(f"{count} record{'s' if count != 1 else ''} restricted ({basis.info.article}).")


def _objection_upheld(machine: RightsRequest, reason: str, by: User | None) -> EffectDone:
    from reviews.services import request_objection_uphold

    if held.nothing_held(machine):
        return EffectDone(NOTHING_HELD_NOTE, {"nothing_held": True})
    stopped = request_objection_uphold(request_reference=machine.reference, by=_worker(by), reason=reason)
    count = len(stopped)
    return EffectDone(f"Processing stopped on {count} record{'s' if count != 1 else ''} (Art 21(1)).")


def _rectified(machine: RightsRequest) -> EffectDone:
    corrections = held.corrections_recorded(machine)
    if not corrections and held.nothing_held(machine):
        return EffectDone(NOTHING_HELD_NOTE, {"nothing_held": True})
    return EffectDone(f"{corrections} correction{'s' if corrections != 1 else ''} recorded.")


def _worker(by: User | None) -> User:
    if by is None:
        raise ApplicationError("Held data is changed only by a Manager or a caseworker, never from the command line.")
    return by


def effect_apply(
    *, machine: RightsRequest, transition: str, inputs: dict[str, str], by: User | None, was_restricted: bool
) -> EffectDone | None:
    """The step's effect on held data, if it has one (UK GDPR Art 16, 17, 18, 21); raises ApplicationError to refuse."""
    kind = machine.kind
    if transition == "erase":
        return _erasure(machine, inputs, by)
    if transition == "restrict":
        basis = RestrictionBasis(inputs["restriction_basis"])
        return _restriction(machine, basis, inputs.get("decision_reasons", ""), by)
    if transition == "restrict_processing" and kind in WHILE_CHECKING:
        reason = inputs.get("reason") or WHILE_CHECKING_REASON[kind]
        return _restriction(machine, WHILE_CHECKING[kind], reason, by)
    if transition == "uphold":
        done = _objection_upheld(machine, inputs.get("decision_reasons", ""), by)
        if was_restricted:
            done.letter["restriction_replaced"] = True  # the restriction while checking gives way to the stop
        return done
    if transition == "rectify":
        return _rectified(machine)
    return None


def effect_after_letter(
    *,
    machine: RightsRequest,
    transition: str,
    inputs: dict[str, str],
    by: User | None,
    was_restricted: bool,
    told_on: dt.date,
    today: dt.date,
) -> str:
    """Lift restrictions the step ends, the requester having been told by its letter (UK GDPR Art 18(3)); a note.

    `told_on` is the date of the letter that told them: the outcome letter for a decision that ends a
    restriction held while checking, the lift notice for lifting a restriction granted as the outcome.
    """
    from reviews.services import request_restriction_lift

    kind = machine.kind
    if transition == "lift":
        if not held.restrictions_active(machine):
            return ""
        lifted = request_restriction_lift(
            request_reference=machine.reference,
            by=_worker(by),
            reason=inputs.get("reason", ""),
            requester_told_on=lift_notice_date(machine),
            today=today,
        )
        return f"{len(lifted)} restriction{'s' if len(lifted) != 1 else ''} lifted."
    basis = WHILE_CHECKING.get(kind)
    if basis is None or not was_restricted or not held.restrictions_active(machine, basis):
        return ""
    if machine.processing_restricted and transition != "uphold":
        return ""
    reason = (
        "Replaced by the upheld objection (Art 21(1))."
        if transition == "uphold"
        else "The request was decided; the requester was told in the letter (Art 18(3))."
    )
    lifted = request_restriction_lift(
        request_reference=machine.reference,
        by=_worker(by),
        reason=reason,
        requester_told_on=told_on,
        basis=basis,
        today=today,
    )
    return f"The restriction held while checking was lifted ({len(lifted)} record{'s' if len(lifted) != 1 else ''})."


# The request page's own writes to held data: corrections (Art 16) and telling recipients (Art 19).


def _locked_for(request_id: int, by: User | None) -> RightsRequest:
    from requests_app.services.locking import request_lock

    return request_lock(request_id, by=by)


def request_correction_record(
    *,
    request_id: int,
    by: User | None,
    target: str,
    new_value: str,
    reason: str,
    record_id: int | None = None,
) -> int:
    """Correct a value in the records confirmed for a rectification request, keeping the old one (Art 16); how many.

    Recorded while the request is assessed, before the step that confirms the corrections and
    writes to the requester; each correction lists the recipients to tell (Art 19).
    """
    from reviews.models import DataSubjectRecord
    from reviews.services import request_rectify

    with transaction.atomic():
        locked = _locked_for(request_id, by)
        if locked.kind != RightKind.RECTIFICATION.value:
            raise ApplicationError("Corrections are recorded for a request for rectification.")
        if locked.status != Status.ASSESSING:
            raise ApplicationError(
                f"This request is {Status(locked.status).label.lower()}: corrections are recorded while it is assessed."
            )
        record = None
        if record_id is not None:
            record = DataSubjectRecord.objects.filter(pk=record_id).first()
            if record is None:
                raise ApplicationError("Choose one of the records confirmed for this request.", field="record")
        done = request_rectify(
            request_reference=locked.reference,
            by=_worker(by),
            target=target,
            new_value=new_value,
            reason=reason,
            record=record,
        )
    return len(done)


def _notification_for(locked: RightsRequest, notification_id: int) -> Any:
    from reviews.models import RecipientNotification

    notification = RecipientNotification.objects.filter(pk=notification_id, request_reference=locked.reference).first()
    if notification is None:
        raise ApplicationError("That recipient is not one of this request's.")
    return notification


def request_recipient_told(
    *, request_id: int, by: User | None, notification_id: int, sent_on: dt.date, method: str, today: dt.date
) -> None:
    """A recipient agency of the request's change was told, on a day and by a way (UK GDPR Art 19)."""
    from reviews.services import notification_mark_sent

    with transaction.atomic():
        locked = _locked_for(request_id, by)
        notification = _notification_for(locked, notification_id)
        if sent_on < timezone.localdate(notification.created_at):
            raise ApplicationError("The agency cannot have been told before the change was made.", field="sent_on")
        notification_mark_sent(notification=notification, by=_worker(by), sent_on=sent_on, method=method, today=today)


def request_recipient_not_required(*, request_id: int, by: User | None, notification_id: int, reason: str) -> None:
    """Telling this recipient is impossible or would involve disproportionate effort, with why (Art 19; Manager)."""
    from reviews.services import notification_mark_not_required

    with transaction.atomic():
        locked = _locked_for(request_id, by)
        notification = _notification_for(locked, notification_id)
        notification_mark_not_required(notification=notification, by=_worker(by), reason=reason)


RECIPIENT_NOTICE_PURPOSE = "recipient_notice"


def _recipient_notice_spec() -> Any:
    from requests_app.letters import LetterTemplate

    return LetterTemplate(
        "recipient_notice",
        "A change to data we shared with you",
        (
            "whose data and which record, the kind of change (never the values)",
            "what the recipient should do (UK GDPR Art 19)",
        ),
    )


def request_recipient_notice_send(
    *,
    request_id: int,
    by: User | None,
    notification_id: int,
    by_email: bool,
    address: str = "",
    today: dt.date | None = None,
) -> Any:
    """Generate the Art 19 notice to a recipient agency and send it: emailed by the service (the notice counts as
    told once the email has gone), or drawn to PDF to post (recorded as told when the caseworker posts it)."""
    from requests_app.services.outside_letters import OutsideAddressee, outside_letter_send
    from reviews.models import NotificationStatus

    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked_for(request_id, by)
        notification = _notification_for(locked, notification_id)
        if notification.status != NotificationStatus.PENDING:
            raise ApplicationError("That notification has already been dealt with.")
        agency = notification.agency
        if by_email and not agency.contact_email:
            raise ApplicationError(f"{agency.name} has no email address recorded: send the notice by post.")
        if not by_email and not address.strip():
            raise ApplicationError("Enter the agency's postal address.", field="address")
        sent = outside_letter_send(
            spec=_recipient_notice_spec(),
            request=locked,
            to=OutsideAddressee(
                name=agency.data_owner or "The data owner",
                organisation=agency.name,
                email=agency.contact_email,
                address=address,
            ),
            by_email=by_email,
            today=today,
            context={
                "effect": notification.get_effect_display(),
                "detail": notification.detail,
                "record_reference": notification.record.reference,
                "subject_name": locked.subject.full_name,
                "role": notification.get_role_display().lower(),
            },
            summary=f"Art 19 notice to {agency.name}: {notification.get_effect_display().lower()} of record "
            f"{notification.record.reference}.",
            by=by,
            purpose=f"{RECIPIENT_NOTICE_PURPOSE}:{notification.pk}",
        )
    return sent


def recipient_notice_email_sent(message: Any) -> None:
    """Once the notice's email has gone, the recipient counts as told on that day, by email (Art 19)."""
    from reviews.models import NotificationMethod, NotificationStatus, RecipientNotification
    from reviews.services import notification_mark_sent

    notification_id = int(message.purpose.split(":", 1)[1])
    notification = RecipientNotification.objects.filter(pk=notification_id).first()
    if notification is None or notification.status != NotificationStatus.PENDING or message.created_by is None:
        return
    day = timezone.localdate(message.sent_at or timezone.now())
    notification_mark_sent(
        notification=notification, by=message.created_by, sent_on=day, method=NotificationMethod.EMAIL, today=day
    )


# The data subject asks who the recipients were (UK GDPR Art 19, last sentence): a letter naming them.

RECIPIENTS_LETTER = "recipients_list"


def request_recipients_letter_send(
    *, request_id: int, by: User | None, asked_on: dt.date, method: str, today: dt.date | None = None
) -> Letter:
    """The requester asked who the recipients of the change are: the letter that names each, and whether it was
    told (UK GDPR Art 19), filed in the letters register (and emailed where they chose email)."""
    from requests_app.services import letters

    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _locked_for(request_id, by)
        if locked.kind not in held.EFFECT_KINDS:
            raise ApplicationError(
                "The recipients are named for a request for rectification, erasure, restriction or objection (Art 19)."
            )
        if not TransitionEvent.objects.filter(request=locked, transition__in=held.CHANGING_STEPS).exists():
            raise ApplicationError(
                "Nothing has been corrected, erased or restricted for this request yet, so there are no recipients "
                "to name: the letter is sent after the change (Art 19)."
            )
        if asked_on > today:
            raise ApplicationError("The day they asked cannot be in the future.", field="asked_on")
        if asked_on < locked.received:
            raise ApplicationError("The day they asked cannot be before the request was received.", field="asked_on")
        return letters.letter_generate(
            request=locked,
            template=RECIPIENTS_LETTER,
            by=by,
            method=method,
            context={catalogue.RECIPIENTS_ASKED_ON: asked_on.isoformat()},
            today=today,
        )
