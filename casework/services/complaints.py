"""Complaints (DPA 2018 s.164A): taking them in, the steps of the machine, letters, updates and remedies.

Each write is one transaction: lock the complaint, check the role and the step, transition, clean,
save with a history reason, write the event row. A filed letter is emailed by the service when the
complainant chose email (casework.services.sending), else posted by staff. Letters are rendered before the lock is taken and
their files removed again if the transaction rolls back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from casework.models import (
    Complaint,
    ComplaintAbout,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintLetter,
    ComplaintLetterKind,
    ComplaintNotice,
    ComplaintRemedy,
    ComplaintStatus,
    Finding,
    ReplyBy,
)
from casework.services.common import (
    MANAGER_ONLY,
    STAFF,
    discard_file,
    reference_next,
    require,
    store_pdf,
    text,
)
from casework.services.letters import TEMPLATES, letter_pdf
from casework.services.sending import complaint_letter_mark_sent as complaint_letter_mark_sent  # the seam, kept
from casework.services.sending import letter_email
from core import roles
from core.audit import record_change
from requests_app.models import RightsRequest
from requests_app.selectors import working_calendar
from rights import ApplicationError, Remedy, acknowledgement_due
from rights.deadlines import DeadlineError


@dataclass(frozen=True)
class ComplaintDetails:
    """What the complainant told us, from the online form or a member of staff's note of it."""

    complainant_name: str
    what_went_wrong: str
    reply_by: str = ReplyBy.EMAIL
    email: str = ""
    phone: str = ""
    address: str = ""
    on_behalf_of: str = ""
    about: str = ComplaintAbout.OTHER
    request_reference: str = ""
    what_they_want: str = ""


# Who may take each step: the Manager answers complaints; caseworkers acknowledge and investigate.
STEP_ROLES: dict[str, tuple[str, ...]] = {
    "acknowledge": STAFF,
    "investigate": STAFF,
    "send_outcome": MANAGER_ONLY,
    "refer_to_ico": MANAGER_ONLY,
    "close": MANAGER_ONLY,
    "withdraw": STAFF,
}
STEP_LABELS = {
    "acknowledge": "Acknowledge the complaint",
    "investigate": "Start investigating",
    "send_outcome": "Send the outcome",
    "refer_to_ico": "Record a referral to the ICO",
    "close": "Close the complaint",
    "withdraw": "Record that it was withdrawn",
}


def _request_for(reference: str) -> RightsRequest | None:
    cleaned = reference.strip().upper()
    return RightsRequest.objects.filter(reference=cleaned).first() if cleaned else None


def _check(details: ComplaintDetails) -> ComplaintDetails:
    text(details.complainant_name, field="complainant_name", message="Enter the complainant's full name.")
    text(details.what_went_wrong, field="what_went_wrong", message="Say what went wrong.")
    if details.reply_by not in ReplyBy.values:
        raise ApplicationError("Choose how to reply.", field="reply_by")
    if details.about not in ComplaintAbout.values:
        raise ApplicationError("Choose what the complaint is about.", field="about")
    needs = {ReplyBy.EMAIL: ("email", details.email), ReplyBy.POST: ("address", details.address)}
    needs[ReplyBy.PHONE] = ("phone", details.phone)
    field, value = needs[ReplyBy(details.reply_by)]
    if not value.strip():
        raise ApplicationError(f"Enter the {field} to reply to.", field=field)
    return details


def _create(
    *, details: ComplaintDetails, channel: str, received: dt.date, by: User | None, request: RightsRequest | None
) -> Complaint:
    _check(details)
    try:
        due = acknowledgement_due(received=received, calendar=working_calendar())
    except DeadlineError as error:
        raise ApplicationError(f"The date received cannot be used: {error}.", field="received") from None
    with transaction.atomic():
        complaint = Complaint(
            reference=reference_next(prefix="CMP", year=received.year, model=Complaint),
            channel=channel,
            received=received,
            complainant_name=details.complainant_name.strip(),
            on_behalf_of=details.on_behalf_of.strip(),
            email=details.email.strip(),
            phone=details.phone.strip(),
            address=details.address.strip(),
            reply_by=details.reply_by,
            about=details.about,
            request_reference_given=details.request_reference.strip()[:40],
            request=request,
            what_went_wrong=details.what_went_wrong.strip(),
            what_they_want=details.what_they_want.strip(),
            acknowledgement_due=due.due,
            created_by=by,
        )
        complaint.full_clean()
        record_change(complaint, reason=f"Received ({ComplaintChannel(channel).label.lower()})", by=by)
        complaint.save()
        ComplaintEvent.objects.create(
            complaint=complaint,
            action="received",
            to_status=complaint.status,
            detail=" ".join(due.reasons),
            by=by,
        )
    return complaint


def complaint_submit_online(*, details: ComplaintDetails, today: dt.date | None = None) -> Complaint:
    """A complaint made through the public form (s.164A(2): a form that can be completed electronically)."""
    today = today or timezone.localdate()
    request = _request_for(details.request_reference) if details.about == ComplaintAbout.REQUEST else None
    return _create(details=details, channel=ComplaintChannel.ONLINE, received=today, by=None, request=request)


def complaint_log(
    *,
    by: User,
    details: ComplaintDetails,
    channel: str,
    received: dt.date,
    request: RightsRequest | None = None,
    today: dt.date | None = None,
) -> Complaint:
    """A complaint that arrived by letter, email, telephone or in person, logged by staff."""
    require(by, STAFF, action="log complaints")
    if channel not in ComplaintChannel.values or channel == ComplaintChannel.ONLINE:
        raise ApplicationError("Choose how the complaint arrived.", field="channel")
    if received > (today or timezone.localdate()):
        raise ApplicationError("The date received cannot be in the future.", field="received")
    if request is None and details.about == ComplaintAbout.REQUEST:
        request = _request_for(details.request_reference)
    return _create(details=details, channel=channel, received=received, by=by, request=request)


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _event(complaint: Complaint, *, action: str, by: User | None, detail: str = "", **extra: object) -> None:
    ComplaintEvent.objects.create(complaint=complaint, action=action, by=by, detail=detail, **extra)


def complaint_link_request(*, complaint: Complaint, by: User, request: RightsRequest | None) -> Complaint:
    """Link the complaint to the rights request it is about (or unlink it); it then shows on that request's page."""
    require(by, STAFF, action="link complaints to requests")
    with transaction.atomic():
        locked = _locked(complaint)
        locked.request = request
        locked.about = ComplaintAbout.REQUEST if request else locked.about
        locked.full_clean()
        record_change(locked, reason="Linked to a request" if request else "Unlinked", by=by)
        locked.save()
        _event(locked, action="linked", by=by, detail=request.reference if request else "Unlinked")
    return locked


def available_steps(*, complaint: Complaint, user: User) -> list[str]:
    """The steps the user may take now, in the machine's order."""
    mine = roles.roles_of(user)
    return [
        name
        for name in STEP_LABELS
        if can_proceed(getattr(complaint, name), check_conditions=False) and mine & set(STEP_ROLES[name])
    ]


def _letter(
    complaint: Complaint, *, kind: str, by: User | None, today: dt.date, context: dict[str, object]
) -> tuple[ComplaintLetter, str]:
    rendered = letter_pdf(
        template=f"complaint_{kind}",
        reference=complaint.reference,
        addressee_name=complaint.complainant_name,
        address=complaint.address,
        today=today,
        context={"complaint": complaint, **context},
        complaint_rights=False,  # the outcome letter gives the ICO and the courts in its own words
    )
    letter = ComplaintLetter(complaint=complaint, kind=kind, date=today, created_by=by)
    name = f"{complaint.reference}-{kind}-{today:%Y%m%d}.pdf"
    letter.sha256 = store_pdf(letter.file, name=name, data=rendered.pdf)
    return letter, rendered.text


def _file(letter: ComplaintLetter, *, text: str, by: User | None) -> None:
    """File the letter; where the complainant chose email, the service emails it once this commits."""
    letter.full_clean()
    record_change(letter, reason=f"Generated: {letter.get_kind_display()}", by=by)
    letter.save()
    complaint = letter.complaint
    if complaint.reply_by == ReplyBy.EMAIL:
        letter_email(
            letter=letter,
            to=complaint.email,
            reference=complaint.reference,
            title=TEMPLATES[f"complaint_{letter.kind}"][1],
            text=text,
            by=by,
        )


def complaint_step(
    *,
    complaint: Complaint,
    by: User,
    step: str,
    reason: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Take one step of the complaint's machine (acknowledge, investigate, send outcome, close, withdraw).

    Acknowledging files the acknowledgement letter; sending the outcome files the outcome letter.
    """
    if step not in STEP_ROLES or step == "refer_to_ico":
        raise ApplicationError("That is not a step a complaint can take here.")
    require(by, STEP_ROLES[step], action=STEP_LABELS[step].lower())
    today = today or (timezone.localdate(now) if now else timezone.localdate())
    if step == "withdraw":
        text(reason, field="reason", message="Say how the complainant withdrew it.")
    letter, words = None, ""
    if step in ("acknowledge", "send_outcome"):
        kind = ComplaintLetterKind.ACKNOWLEDGEMENT if step == "acknowledge" else ComplaintLetterKind.OUTCOME
        letter, words = _letter(complaint, kind=kind, by=by, today=today, context=_letter_context(complaint, kind=kind))
    try:
        with transaction.atomic():
            locked = _locked(complaint)
            method = getattr(locked, step)
            if not can_proceed(method):
                raise ApplicationError(_why_not(locked, step))
            if not has_transition_perm(method, by):
                raise ApplicationError(f"You cannot {STEP_LABELS[step].lower()}.")
            before = locked.status
            method(at=now or timezone.now())
            locked.full_clean()
            record_change(locked, reason=STEP_LABELS[step], by=by)
            locked.save()
            _event(locked, action=step, by=by, detail=reason.strip(), from_status=before, to_status=locked.status)
            if letter is not None:
                letter.complaint = locked
                _file(letter, text=words, by=by)
    except BaseException:
        if letter is not None:
            discard_file(letter.file)
        raise
    return locked


def _why_not(complaint: Complaint, step: str) -> str:
    status = ComplaintStatus(complaint.status).label.lower()
    if step == "send_outcome" and complaint.status == ComplaintStatus.INVESTIGATING:
        return "Record the finding and the outcome before sending it."
    if step == "close" and complaint.status == ComplaintStatus.REFERRED_TO_ICO:
        return "Record the ICO's decision before closing the complaint."
    return f"A complaint that is {status} cannot take that step."


def _letter_context(complaint: Complaint, *, kind: str) -> dict[str, object]:
    context: dict[str, object] = {}
    if kind == ComplaintLetterKind.ACKNOWLEDGEMENT:
        context["received"] = complaint.received
        context["outcome_label"] = ""
    if kind == ComplaintLetterKind.OUTCOME:
        context["finding"] = Finding(complaint.finding).label if complaint.finding else ""
        context["remedies"] = list(complaint.remedies.all())
    return context


def complaint_record_outcome(*, complaint: Complaint, by: User, finding: str, outcome: str) -> Complaint:
    """What we found and what we will do, recorded before the outcome is sent (s.164A(3)(c))."""
    require(by, MANAGER_ONLY, action="record a complaint's outcome")
    if finding not in Finding.values:
        raise ApplicationError("Choose whether the complaint is upheld.", field="finding")
    outcome = text(outcome, field="outcome", message="Say what we found and what we will do.")
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.status != ComplaintStatus.INVESTIGATING:
            raise ApplicationError("The outcome is recorded while the complaint is being investigated.")
        locked.finding = finding
        locked.outcome = outcome
        locked.full_clean()
        record_change(locked, reason="Outcome recorded", by=by)
        locked.save()
        _event(locked, action="outcome_recorded", by=by, detail=f"{Finding(finding).label}: {outcome}")
    return locked


def complaint_progress_update(
    *, complaint: Complaint, by: User, update: str, complainant_told: bool, send_letter: bool = False
) -> ComplaintEvent:
    """A step taken in the investigation, and whether the complainant was told (s.164A(3)(b))."""
    require(by, STAFF, action="record progress on complaints")
    update = text(update, field="update", message="Say what has happened.")
    today = timezone.localdate()
    letter, words = None, ""
    if send_letter:
        letter, words = _letter(
            complaint, kind=ComplaintLetterKind.PROGRESS, by=by, today=today, context={"update": update}
        )
    try:
        with transaction.atomic():
            locked = _locked(complaint)
            if not locked.is_open:
                raise ApplicationError("The complaint is no longer open.")
            event = ComplaintEvent.objects.create(
                complaint=locked,
                action="progress",
                detail=update,
                complainant_told=complainant_told or send_letter,
                by=by,
            )
            if letter is not None:
                letter.complaint = locked
                _file(letter, text=words, by=by)
    except BaseException:
        if letter is not None:
            discard_file(letter.file)
        raise
    return event


def complaint_refer_to_ico(
    *, complaint: Complaint, by: User, ico_reference: str, ico_asked: str, now: dt.datetime | None = None
) -> Complaint:
    """The complainant went to the ICO: its case reference and what it asked us for."""
    require(by, MANAGER_ONLY, action="record an ICO referral")
    with transaction.atomic():
        locked = _locked(complaint)
        locked.ico_reference = text(ico_reference, field="ico_reference", message="Enter the ICO's case reference.")
        locked.ico_asked = ico_asked.strip()
        if not can_proceed(locked.refer_to_ico):
            raise ApplicationError(_why_not(locked, "refer_to_ico"))
        before = locked.status
        locked.refer_to_ico(at=now or timezone.now())
        locked.full_clean()
        record_change(locked, reason="Referred to the ICO", by=by)
        locked.save()
        _event(
            locked,
            action="refer_to_ico",
            by=by,
            detail=f"ICO {locked.ico_reference}: {locked.ico_asked}",
            from_status=before,
            to_status=locked.status,
        )
    return locked


def complaint_record_ico(
    *, complaint: Complaint, by: User, answered: str, decision: str, decided_on: dt.date | None
) -> Complaint:
    """What we answered the ICO and, once it has decided, its decision."""
    require(by, MANAGER_ONLY, action="record the ICO's case")
    with transaction.atomic():
        locked = _locked(complaint)
        if not locked.ico_reference:
            raise ApplicationError("Record the ICO referral first.")
        if decision.strip() and decided_on is None:
            raise ApplicationError("Enter the date of the ICO's decision.", field="decided_on")
        locked.ico_answered = answered.strip()
        locked.ico_decision = decision.strip()
        locked.ico_decided_on = decided_on
        locked.full_clean()
        record_change(locked, reason="ICO case updated", by=by)
        locked.save()
        _event(locked, action="ico_updated", by=by, detail=f"Answered: {answered.strip()} Decision: {decision.strip()}")
    return locked


def complaint_remedy_add(
    *,
    complaint: Complaint,
    by: User,
    kind: str,
    description: str,
    request: RightsRequest | None = None,
    work_reference: str = "",
) -> ComplaintRemedy:
    """One thing the outcome puts right, linked to the request or other work it causes."""
    require(by, MANAGER_ONLY, action="record remedies")
    if kind not in {r.value for r in Remedy}:
        raise ApplicationError("Choose the kind of remedy.", field="kind")
    description = text(description, field="description", message="Describe the remedy.")
    if kind in (Remedy.CORRECTION, Remedy.DISCLOSURE) and request is None and not work_reference.strip():
        raise ApplicationError(
            "A correction or a further disclosure is work on a request: link the request.", field="request"
        )
    with transaction.atomic():
        locked = _locked(complaint)
        if locked.status not in (ComplaintStatus.INVESTIGATING, ComplaintStatus.OUTCOME_SENT):
            raise ApplicationError("Remedies are recorded with the outcome of an investigation.")
        remedy = ComplaintRemedy(
            complaint=locked,
            kind=kind,
            description=description,
            request=request,
            work_reference=work_reference.strip(),
            created_by=by,
        )
        remedy.full_clean()
        record_change(remedy, reason="Remedy added", by=by)
        remedy.save()
        _event(locked, action="remedy_added", by=by, detail=f"{remedy.get_kind_display()}: {description}")
    return remedy


def complaint_remedy_done(*, remedy: ComplaintRemedy, by: User, done_on: dt.date) -> ComplaintRemedy:
    require(by, STAFF, action="record remedies as done")
    with transaction.atomic():
        locked = ComplaintRemedy.objects.select_for_update().get(pk=remedy.pk)
        if locked.done_on is not None:
            raise ApplicationError("This remedy is already done.")
        locked.done_on = done_on
        record_change(locked, reason="Remedy done", by=by)
        locked.save()
        _event(locked.complaint, action="remedy_done", by=by, detail=f"{locked.get_kind_display()} done {done_on}")
    return locked


def complaint_assign(*, complaint: Complaint, by: User, assignee: User | None) -> Complaint:
    """Give the complaint to a member of staff: the sweep reminds them, not every Manager."""
    require(by, MANAGER_ONLY, action="assign complaints")
    if assignee is not None and not (roles.is_manager(assignee) or roles.is_caseworker(assignee)):
        raise ApplicationError("A complaint can only go to a caseworker or a Manager.", field="assignee")
    with transaction.atomic():
        locked = _locked(complaint)
        locked.assigned_to = assignee
        record_change(locked, reason="Assigned" if assignee else "Unassigned", by=by)
        locked.save()
        _event(locked, action="assigned", by=by, detail=assignee.get_username() if assignee else "Unassigned")
    return locked


def complaint_notice_read(*, notice_id: int, user: User, at: dt.datetime | None = None) -> int:
    """Mark one of the user's own complaint notices read; returns how many changed (0 or 1)."""
    changed = 0
    with transaction.atomic():
        for notice in ComplaintNotice.objects.select_for_update().filter(
            pk=notice_id, recipient=user, read_at__isnull=True
        ):
            notice.read_at = at or timezone.now()
            record_change(notice, reason="Read", by=user)
            notice.save()
            changed += 1
    return changed
