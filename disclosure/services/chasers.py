"""The deadline sweep's disclosure parts: agency returns are reminded on their due day, then chased and
escalated when late, once each.

Registered with requests_app's sweep from DisclosureConfig.ready() (requests_app never imports
disclosure). For each return past its due date and not yet chased, one transaction locks the
return, renders the chaser to PDF and files it in the letters register, emails it to the agency's
data owner with a fresh return link (or, with no data owner's email, leaves it for the caseworker
to post), marks the return late (records.agency_request_chase, with its event row), and tells the
caseworker. A return still open AGENCY_ESCALATION_WORKING_DAYS working days after its due date is
escalated to the agency's escalation contact (or, with none recorded, to the caseworker). The lock
and the `chaser_letter` / `escalated_on` it sets make a second sweep, or a second worker, send
nothing more. On the day a return is due, its data owner (with an email recorded) is reminded once with a
fresh return link; `due_reminder_on` makes a second run send nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import record_change
from core.text import address_lines, day_text
from disclosure.models import OPEN_AGENCY_STATUSES, AgencyRequest, AgencyRequestStatus
from disclosure.services.common import LOCKED_STATUSES, log_event
from disclosure.services.records import agency_request_chase
from requests_app.letters import LetterTemplate
from requests_app.models import FINISHED_STATUSES, Letter, LetterDirection, LetterMethod, NoticeKind
from requests_app.selectors import working_calendar
from requests_app.services.messages import message_send
from requests_app.services.notices import NoticeDraft, notices_insert
from requests_app.services.sweep import manager_ids
from requests_app.sweep_registry import SweepContext, register_sweep_part
from rights import ApplicationError, add_working_days, working_days_between

logger = logging.getLogger(__name__)

CHASER = LetterTemplate(
    "agency_chaser",
    "Records we asked for: reminder",
    (
        "the reference, the data subject's name, when the records were asked for and when they were due",
        "a new date to send them by, and how to send them securely",
        "nothing else about the data subject or the requester",
    ),
)
CHASER_REPLY_WORKING_DAYS = 5
SWEEP_PART = "disclosure.agency_chasers"


def _chaser_letter(agency_request: AgencyRequest, *, today: dt.date, by: User | None, emailed: bool) -> Letter:
    """Render the chaser to PDF and file it in the register (the caller's transaction saves it all or nothing)."""
    from core.pdf import pdf_sha256, render_pdf  # WeasyPrint: loaded when a letter is drawn, not at start-up

    agency = agency_request.agency
    request = agency_request.request
    addressee = agency.data_owner.strip() or "The data owner"
    values = {
        "letter": CHASER,
        "organisation": settings.ORGANISATION,
        "reference": request.reference,
        "letter_date": today,
        "addressee_name": addressee,
        "addressee_lines": [agency.name, *address_lines(agency.contact_address)],
        "agency_name": agency.name,
        "subject_name": request.subject.full_name,
        "requested_on": agency_request.requested_on,
        "due_on": agency_request.due_on,
        "reply_by": add_working_days(today, CHASER_REPLY_WORKING_DAYS, working_calendar()),
    }
    html = render_to_string(CHASER.template_path, values)  # autoescaped: nothing here is marked safe
    pdf = render_pdf(html, title=f"{CHASER.title} - {request.reference}", document_date=today)
    letter = Letter(
        request=request,
        direction=LetterDirection.OUT,
        date=today,
        method=LetterMethod.EMAIL if emailed else LetterMethod.POST,
        addressee=f"{addressee}, {agency.name}"[:200],
        summary=(
            f"Chaser to {agency.name} ("
            + (
                "emailed to the data owner by the deadline sweep"
                if emailed
                else "drafted by the deadline sweep: check and send it by post"
            )
            + f"): records asked for on {day_text(agency_request.requested_on)} were due by "
            f"{day_text(agency_request.due_on)}."
        ),
        template=CHASER.name,
        created_by=by,
    )
    letter.file.save(
        f"{request.reference}-{CHASER.name}-{agency_request.pk}-{today:%Y%m%d}.pdf", ContentFile(pdf), save=False
    )
    letter.sha256 = pdf_sha256(pdf)
    try:
        letter.full_clean()
        record_change(letter, f"Generated: {CHASER.title}", by=by)
        letter.save()
    except BaseException:
        letter.file.storage.delete(letter.file.name)
        raise
    return letter


def agency_chaser_draft(
    *, agency_request_id: int, today: dt.date, run: uuid.UUID | None = None, by: User | None = None
) -> Letter | None:
    """Draft the chaser for one late return, unless it is no longer due one; returns the letter, or None."""
    with transaction.atomic():
        locked = (
            AgencyRequest.objects.select_for_update(of=("self",))
            .select_related("agency", "request", "request__subject", "request__assigned_to")
            .filter(pk=agency_request_id)
            .first()
        )
        if (
            locked is None
            or locked.status != AgencyRequestStatus.REQUESTED
            or locked.chaser_letter_id is not None
            or not locked.is_overdue(today)
            or locked.request.status in FINISHED_STATUSES | LOCKED_STATUSES
        ):
            return None
        emailed = bool(locked.agency.contact_email.strip())
        letter = _chaser_letter(locked, today=today, by=by, emailed=emailed)
        chased = agency_request_chase(by=by, agency_request=locked, letter=letter, today=today)
        if emailed:
            _email_chaser(chased, letter=letter, today=today, by=by)
        request = locked.request
        caseworker = request.assigned_to
        recipients = [caseworker.pk] if caseworker is not None and caseworker.is_active else manager_ids()
        message = (
            f"{locked.agency.name} has not sent its records for {request.reference} (due {day_text(locked.due_on)}): "
            + (
                "a chaser was emailed to its data owner with a fresh return link."
                if emailed
                else "a chaser letter is drafted in the letters register (no data owner's email recorded). Check it and post it."
            )
        )
        notices_insert(
            drafts=[
                NoticeDraft(
                    request.pk,
                    NoticeKind.CHASER,
                    0,
                    recipient,
                    request.due_date,
                    f"agency-return:{locked.pk}",
                    message,
                )
                for recipient in recipients
            ],
            run=run or uuid.uuid4(),
            reason=f"Agency chaser drafted on {today.isoformat()}",
        )
    return letter


def _email_chaser(chased: AgencyRequest, *, letter: Letter, today: dt.date, by: User | None) -> None:
    from disclosure.services.returns import return_link_issue, return_url  # returns imports this module's helpers

    issued = return_link_issue(agency_request=chased, by=by, now=timezone.now())
    if issued is None:
        return
    link, token = issued
    agency = chased.agency
    sent = message_send(
        to=link.sent_to,
        template="agency_chaser",
        context={
            "reference": chased.request.reference,
            "agency_name": agency.name,
            "data_owner": agency.data_owner,
            "subject_name": chased.request.subject.full_name,
            "requested_on": day_text(chased.requested_on),
            "due": day_text(chased.due_on),
            "reply_by": day_text(add_working_days(today, CHASER_REPLY_WORKING_DAYS, working_calendar())),
            "link": return_url(token),
            "expires": f"{day_text(timezone.localtime(link.expires_at).date())}",
        },
        letter=letter,
        by=by,
        purpose=f"agency_chaser:{chased.pk}",
    )
    link.message = sent
    record_change(link, "Email queued with the chaser")
    link.save()
    chased.chaser_message = sent
    record_change(chased, "Chaser emailed")
    chased.save()


def _each_open_return(
    context: SweepContext, matching: QuerySet[AgencyRequest], act: Callable[[int], object], *, not_done: str
) -> int:
    """Call `act` on each matching return of an open request, in batches by primary key; count those it acted on."""
    acted = 0
    cursor = 0
    stop = [s.value for s in FINISHED_STATUSES | LOCKED_STATUSES]
    while True:
        ids = list(
            matching.filter(pk__gt=cursor)
            .exclude(request__status__in=stop)
            .order_by("pk")
            .values_list("pk", flat=True)[: context.batch_size]
        )
        if not ids:
            break
        cursor = ids[-1]
        for agency_request_id in ids:
            try:
                done = act(agency_request_id)
            except ApplicationError as error:
                logger.warning("Agency return %s not %s: %s", agency_request_id, not_done, error)
                continue
            acted += done is not None
    return acted


def agency_chasers_sweep(context: SweepContext) -> Mapping[str, int]:
    """The sweep part: every late, unchased return of an open request, in batches by primary key."""
    late = AgencyRequest.objects.filter(
        status=AgencyRequestStatus.REQUESTED, chaser_letter__isnull=True, due_on__lt=context.today
    )
    drafted = _each_open_return(
        context,
        late,
        lambda pk: agency_chaser_draft(agency_request_id=pk, today=context.today, run=context.run),
        not_done="chased",
    )
    return {"chasers": drafted}


# The reminder on the due day --------------------------------------------------------------------

DUE_REMINDER_PART = "disclosure.agency_reminders"  # sorts after the escalations: its line follows theirs


def agency_due_reminder_send(*, agency_request_id: int, today: dt.date, by: User | None = None) -> AgencyRequest | None:
    """Email the data owner, on the day its return is due, a reminder with a fresh return link; once only.

    Returns the reminded return, or None if it is not due one today: already returned, already reminded or
    chased, not due today, its request closed, or no data owner's email recorded (the posted chaser follows).
    """
    from disclosure.services.returns import return_link_issue, return_url  # returns imports this module's helpers

    with transaction.atomic():
        locked = (
            AgencyRequest.objects.select_for_update(of=("self",))
            .select_related("agency", "request", "request__subject")
            .filter(pk=agency_request_id)
            .first()
        )
        if (
            locked is None
            or locked.status != AgencyRequestStatus.REQUESTED
            or locked.due_reminder_on is not None
            or locked.chaser_letter_id is not None
            or locked.due_on != today
            or locked.request.status in FINISHED_STATUSES | LOCKED_STATUSES
        ):
            return None
        issued = return_link_issue(agency_request=locked, by=by, now=timezone.now())
        if issued is None:
            return None
        link, token = issued
        agency = locked.agency
        request = locked.request
        letter = Letter(
            request=request,
            direction=LetterDirection.OUT,
            date=today,
            method=LetterMethod.EMAIL,
            addressee=f"{agency.data_owner}, {agency.name} ({link.sent_to})"[:200],
            summary=f"Reminder to {agency.name} on the day its records are due ({day_text(locked.due_on)}), "
            "emailed to the data owner by the deadline sweep with a fresh return link.",
            template="agency_due_reminder",
            created_by=by,
        )
        letter.full_clean()
        record_change(letter, "Sent by the service: reminder on the due day", by=by)
        letter.save()
        sent = message_send(
            to=link.sent_to,
            template="agency_due_reminder",
            context={
                "reference": request.reference,
                "agency_name": agency.name,
                "data_owner": agency.data_owner,
                "subject_name": request.subject.full_name,
                "requested_on": day_text(locked.requested_on),
                "due": day_text(locked.due_on),
                "link": return_url(token),
                "expires": f"{day_text(timezone.localtime(link.expires_at).date())}",
            },
            letter=letter,
            by=by,
            purpose=f"agency_due_reminder:{locked.pk}",
        )
        link.message = sent
        record_change(link, "Email queued with the reminder on the due day")
        link.save()
        locked.due_reminder_on = today
        locked.due_reminder_message = sent
        record_change(locked, "Reminded on the due day")
        locked.save()
        log_event(
            request=request,
            action="agency_due_reminder_sent",
            detail=f"{agency.name}'s records are due today: a reminder was emailed to its data owner ({link.sent_to}) "
            "with a fresh return link.",
            by=by,
        )
    return locked


def agency_due_reminders_sweep(context: SweepContext) -> Mapping[str, int]:
    """The sweep part: every return due today, not yet reminded or returned, of an open request."""
    due_today = AgencyRequest.objects.filter(
        status=AgencyRequestStatus.REQUESTED,
        due_reminder_on__isnull=True,
        chaser_letter__isnull=True,
        due_on=context.today,
    ).exclude(agency__contact_email="")
    reminded = _each_open_return(
        context,
        due_today,
        lambda pk: agency_due_reminder_send(agency_request_id=pk, today=context.today),
        not_done="reminded",
    )
    return {"agency reminders": reminded}


# Escalation -------------------------------------------------------------------------------------

ESCALATION_PART = "disclosure.agency_escalations"
DEFAULT_ESCALATION_WORKING_DAYS = 5


def escalation_working_days() -> int:
    """Working days after the due date before a late return is escalated (AGENCY_ESCALATION_WORKING_DAYS)."""
    return int(getattr(settings, "AGENCY_ESCALATION_WORKING_DAYS", DEFAULT_ESCALATION_WORKING_DAYS))


def escalation_due(agency_request: AgencyRequest) -> dt.date:
    return add_working_days(agency_request.due_on, escalation_working_days(), working_calendar())


def agency_escalate(
    *, agency_request_id: int, today: dt.date, run: uuid.UUID | None = None, by: User | None = None
) -> AgencyRequest | None:
    """Escalate one return still late after its chaser, once; returns it, or None if it is not due escalation."""
    with transaction.atomic():
        locked = (
            AgencyRequest.objects.select_for_update(of=("self",))
            .select_related("agency", "request", "request__assigned_to")
            .filter(pk=agency_request_id)
            .first()
        )
        if (
            locked is None
            or not locked.is_open
            or locked.chased_on is None
            or locked.escalated_on is not None
            or today < escalation_due(locked)
            or locked.request.status in FINISHED_STATUSES | LOCKED_STATUSES
        ):
            return None
        agency = locked.agency
        request = locked.request
        days_late = working_days_between(locked.due_on, today, working_calendar())
        to = agency.escalation_email.strip()
        if to:
            letter = Letter(
                request=request,
                direction=LetterDirection.OUT,
                date=today,
                method=LetterMethod.EMAIL,
                addressee=f"{agency.escalation_contact or 'Escalation contact'}, {agency.name} ({to})"[:200],
                summary=f"Late return escalated to {agency.name}'s escalation contact by the deadline sweep.",
                template="agency_escalation",
                created_by=by,
            )
            letter.full_clean()
            record_change(letter, "Sent by the service: escalation")
            letter.save()
            locked.escalation_message = message_send(
                to=to,
                template="agency_escalation",
                context={
                    "reference": request.reference,
                    "agency_name": agency.name,
                    "escalation_contact": agency.escalation_contact or "colleague",
                    "data_owner": agency.data_owner,
                    "requested_on": day_text(locked.requested_on),
                    "due": day_text(locked.due_on),
                    "days_late": days_late,
                },
                letter=letter,
                by=by,
                purpose=f"agency_escalation:{locked.pk}",
            )
            how = f"emailed to {agency.escalation_contact or 'its escalation contact'} ({to})"
        else:
            how = "not sent: no escalation contact's email is recorded for the agency"
        locked.escalated_on = today
        record_change(locked, "Escalated")
        locked.save()
        log_event(
            request=request,
            action="agency_escalated",
            detail=f"{agency.name}'s return is {days_late} working days late: escalation {how}.",
            by=by,
        )
        caseworker = request.assigned_to
        recipients = [caseworker.pk] if caseworker is not None and caseworker.is_active else manager_ids()
        notice = f"{agency.name}'s records for {request.reference} are {days_late} working days late: " + (
            f"the escalation was emailed to {agency.escalation_contact or to}."
            if to
            else "no escalation contact's email is recorded. Escalate it yourself, and record the contact on the agency."
        )
        notices_insert(
            drafts=[
                NoticeDraft(
                    request.pk,
                    NoticeKind.CHASER,
                    1,
                    recipient,
                    request.due_date,
                    f"agency-escalation:{locked.pk}",
                    notice,
                )
                for recipient in recipients
            ],
            run=run or uuid.uuid4(),
            reason=f"Agency return escalated on {today.isoformat()}",
        )
    return locked


def agency_escalations_sweep(context: SweepContext) -> Mapping[str, int]:
    """The sweep part: every chased, still-open, not yet escalated return of an open request."""
    chased = AgencyRequest.objects.filter(
        status__in=list(OPEN_AGENCY_STATUSES),
        chased_on__isnull=False,
        escalated_on__isnull=True,
        due_on__lt=context.today,
    )
    escalated = _each_open_return(
        context,
        chased,
        lambda pk: agency_escalate(agency_request_id=pk, today=context.today, run=context.run),
        not_done="escalated",
    )
    return {"agency escalations": escalated}


def register() -> None:
    """Called from DisclosureConfig.ready()."""
    register_sweep_part(SWEEP_PART, agency_chasers_sweep, counts=("chasers",))
    register_sweep_part(DUE_REMINDER_PART, agency_due_reminders_sweep, counts=("agency reminders",))
    register_sweep_part(ESCALATION_PART, agency_escalations_sweep, counts=("agency escalations",))
