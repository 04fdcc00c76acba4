"""The deadline sweep's disclosure part: late agency returns get a chaser letter drafted, once each.

Registered with requests_app's sweep from DisclosureConfig.ready() (requests_app never imports
disclosure). For each return past its due date and not yet chased, one transaction locks the
return, renders the chaser to PDF and files it in the letters register, marks the return late
(records.agency_request_chase, with its event row), and tells the caseworker the draft is ready
to check and send. The lock and the `chaser_letter` it sets make a second sweep, or a second
worker, draft nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from disclosure.models import AgencyRequest, AgencyRequestStatus
from disclosure.services.common import LOCKED_STATUSES
from disclosure.services.records import agency_request_chase
from requests_app.letters import LetterTemplate
from requests_app.models import FINISHED_STATUSES, Letter, LetterDirection, LetterMethod, NoticeKind
from requests_app.selectors import working_calendar
from requests_app.services.notices import NoticeDraft, day_text, notices_insert
from requests_app.services.sweep import manager_ids
from requests_app.sweep_parts import SweepContext, register_sweep_part
from rights import ApplicationError, add_working_days

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


def _address_lines(address: str) -> list[str]:
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    return lines


def _chaser_letter(agency_request: AgencyRequest, *, today: dt.date, by: User | None) -> Letter:
    """Render the chaser to PDF and file it in the register (the caller's transaction saves it all or nothing)."""
    from requests_app.pdf import pdf_sha256, render_pdf  # WeasyPrint: loaded when a letter is drawn, not at start-up

    agency = agency_request.agency
    request = agency_request.request
    addressee = agency.data_owner.strip() or "The data owner"
    values = {
        "letter": CHASER,
        "organisation": settings.ORGANISATION,
        "reference": request.reference,
        "letter_date": today,
        "addressee_name": addressee,
        "addressee_lines": [agency.name, *_address_lines(agency.contact_address)],
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
        method=LetterMethod.EMAIL if agency.contact_email else LetterMethod.POST,
        addressee=f"{addressee}, {agency.name}"[:200],
        summary=(
            f"Chaser to {agency.name} (drafted by the deadline sweep: check and send): records asked for on "
            f"{day_text(agency_request.requested_on)} were due by {day_text(agency_request.due_on)}."
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
        letter._change_reason = f"Generated: {CHASER.title}"  # type: ignore[attr-defined]
        letter._history_user = by  # type: ignore[attr-defined]
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
        letter = _chaser_letter(locked, today=today, by=by)
        agency_request_chase(by=by, agency_request=locked, letter=letter, today=today)
        request = locked.request
        caseworker = request.assigned_to
        recipients = [caseworker.pk] if caseworker is not None and caseworker.is_active else manager_ids()
        message = (
            f"{locked.agency.name} has not sent its records for {request.reference} (due {day_text(locked.due_on)}): "
            "a chaser letter is drafted in the letters register. Check it and send it."
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


def agency_chasers_sweep(context: SweepContext) -> Mapping[str, int]:
    """The sweep part: every late, unchased return of an open request, in batches by primary key."""
    drafted = 0
    cursor = 0
    stop = [s.value for s in FINISHED_STATUSES | LOCKED_STATUSES]
    while True:
        ids = list(
            AgencyRequest.objects.filter(
                pk__gt=cursor,
                status=AgencyRequestStatus.REQUESTED,
                chaser_letter__isnull=True,
                due_on__lt=context.today,
            )
            .exclude(request__status__in=stop)
            .order_by("pk")
            .values_list("pk", flat=True)[: context.batch_size]
        )
        if not ids:
            break
        cursor = ids[-1]
        for agency_request_id in ids:
            try:
                letter = agency_chaser_draft(agency_request_id=agency_request_id, today=context.today, run=context.run)
            except ApplicationError as error:
                logger.warning("Agency return %s not chased: %s", agency_request_id, error)
                continue
            drafted += letter is not None
    return {"chasers": drafted}


def register() -> None:
    """Called from DisclosureConfig.ready()."""
    register_sweep_part(SWEEP_PART, agency_chasers_sweep, counts=("chasers",))
