"""Agencies, and asking them for their records: the request, the return (or nil return), the chaser."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core.audit import record_change
from core.roles import require_role
from disclosure.models import DATA_OWNER_NOT_NAMED, Agency, AgencyKind, AgencyRequest, AgencyRequestStatus
from disclosure.services.common import WORKERS, log_event, require_editable
from requests_app.models import Letter, LetterDirection, LetterMethod, RightsRequest
from requests_app.selectors import working_calendar
from rights import ApplicationError, add_working_days


def agency_return_working_days() -> int:
    """How many working days an agency has to return its records (setting AGENCY_RETURN_WORKING_DAYS)."""
    return int(getattr(settings, "AGENCY_RETURN_WORKING_DAYS", 10))


def _clean_email(value: str, *, field: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ApplicationError(f"{value!r} is not an email address.", field=field) from None
    return value


def _clean_agency_fields(*, name: str, kind: str, contact_email: str, data_owner: str) -> str:
    name = name.strip()
    if not name:
        raise ApplicationError("Enter the agency's name.", field="name")
    if not data_owner.strip():
        raise ApplicationError(
            "Enter the agency's named data owner: the person (or role) who owns its records.", field="data_owner"
        )
    if kind not in AgencyKind.values:
        raise ApplicationError(
            f"{kind!r} is not a kind of agency; choose one of: {', '.join(AgencyKind.values)}.", field="kind"
        )
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ApplicationError(f"{contact_email!r} is not an email address.", field="contact_email") from None
    return name


def agency_create(
    *,
    by: User | None,
    name: str,
    kind: str = AgencyKind.OTHER,
    data_owner: str = "",
    contact_email: str = "",
    contact_address: str = "",
    escalation_contact: str = "",
    escalation_email: str = "",
) -> Agency:
    """Add a partner agency with its named data owner; names are unique whatever their case."""
    require_role(by, *WORKERS, action="add an agency")
    name = _clean_agency_fields(name=name, kind=kind, contact_email=contact_email.strip(), data_owner=data_owner)
    with transaction.atomic():
        if Agency.objects.filter(name__iexact=name).exists():
            raise ApplicationError(f"There is already an agency called {name}.", field="name")
        agency = Agency(
            name=name,
            kind=kind,
            data_owner=data_owner.strip(),
            contact_email=contact_email.strip(),
            contact_address=contact_address.strip(),
            escalation_contact=escalation_contact.strip(),
            escalation_email=_clean_email(escalation_email, field="escalation_email"),
        )
        agency.full_clean()
        record_change(agency, "Agency added", by=by)
        agency.save()
    return agency


def agency_update(
    *,
    by: User | None,
    agency: Agency,
    name: str,
    kind: str,
    data_owner: str,
    contact_email: str,
    contact_address: str,
    escalation_contact: str | None = None,
    escalation_email: str | None = None,
) -> Agency:
    """Change an agency's details (its data owner's email left as it is when not given)."""
    require_role(by, *WORKERS, action="change an agency's details")
    name = _clean_agency_fields(name=name, kind=kind, contact_email=contact_email.strip(), data_owner=data_owner)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        if Agency.objects.filter(name__iexact=name).exclude(pk=locked.pk).exists():
            raise ApplicationError(f"There is already an agency called {name}.", field="name")
        locked.name = name
        locked.kind = kind
        locked.data_owner = data_owner.strip()
        locked.contact_email = contact_email.strip()
        locked.contact_address = contact_address.strip()
        if escalation_contact is not None:
            locked.escalation_contact = escalation_contact.strip()
        if escalation_email is not None:
            locked.escalation_email = _clean_email(escalation_email, field="escalation_email")
        locked.full_clean()
        record_change(locked, "Agency details changed", by=by)
        locked.save()
    return locked


def agency_get_or_create_by_name(
    *, by: User | None, name: str, kind: str = AgencyKind.OTHER, data_owner: str = ""
) -> Agency:
    """The agency of that name (any case), added if there is none (case-file import, "ask a new agency") as
    `kind` with `data_owner`, or with its data owner marked as not yet named: its page then asks for one."""
    existing = Agency.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        return existing
    return agency_create(by=by, name=name, kind=kind, data_owner=data_owner.strip() or DATA_OWNER_NOT_NAMED)


def agency_request_create(
    *,
    by: User | None,
    request: RightsRequest,
    agency: Agency,
    requested_on: dt.date | None = None,
    notes: str = "",
    scope: str = "",
    records_from: dt.date | None = None,
    records_to: dt.date | None = None,
    today: dt.date | None = None,
) -> AgencyRequest:
    """Ask an agency for its records; the return is due a set number of working days later."""
    require_role(by, *WORKERS, action="ask an agency for records")
    today = today or timezone.localdate()
    requested_on = requested_on or today
    if records_from and records_to and records_from > records_to:
        raise ApplicationError("The earliest date asked for must be before the latest.", field="records_from")
    if requested_on > today:
        raise ApplicationError("The date the records were asked for cannot be in the future.", field="requested_on")
    if requested_on < request.received:
        raise ApplicationError(
            f"Records cannot be asked for before the request was received ({request.received.day} {request.received:%B %Y}).",
            field="requested_on",
        )
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        require_editable(locked)
        pending = AgencyRequest.objects.filter(
            request=locked, agency=agency, status__in=[AgencyRequestStatus.REQUESTED, AgencyRequestStatus.LATE]
        )
        if pending.exists():
            raise ApplicationError(
                f"{agency.name} has already been asked and has not yet replied; record its return first.",
                field="agency",
            )
        due_on = add_working_days(requested_on, agency_return_working_days(), working_calendar())
        agency_request = AgencyRequest(
            request=locked,
            agency=agency,
            requested_on=requested_on,
            due_on=due_on,
            notes=notes.strip(),
            scope=scope.strip(),
            records_from=records_from,
            records_to=records_to,
            requested_by=by,
        )
        agency_request.full_clean()
        record_change(agency_request, "Records requested")
        agency_request.save()
        log_event(
            request=locked,
            action="agency_asked",
            detail=f"Asked {agency.name} for its records on {requested_on.day} {requested_on:%B %Y}; due {due_on.day} {due_on:%B %Y}.",
            by=by,
        )
    return agency_request


def _lock_open_return(agency_request: AgencyRequest) -> AgencyRequest:
    locked = AgencyRequest.objects.select_for_update().select_related("request", "agency").get(pk=agency_request.pk)
    require_editable(locked.request)
    if not locked.is_open:
        raise ApplicationError(
            f"{locked.agency.name}'s return is already recorded ({locked.get_status_display().lower()})."
        )
    return locked


def agency_request_receive(
    *,
    by: User | None,
    agency_request: AgencyRequest,
    received_on: dt.date,
    nil_return: bool = False,
    notes: str = "",
    today: dt.date | None = None,
) -> AgencyRequest:
    """Record an agency's return: its records, or that it holds none (a nil return)."""
    require_role(by, *WORKERS, action="record an agency's return")
    today = today or timezone.localdate()
    if received_on > today:
        raise ApplicationError("The date of the return cannot be in the future.", field="received_on")
    return agency_request_record_return(
        by=by, agency_request=agency_request, received_on=received_on, nil_return=nil_return, notes=notes
    )


def agency_request_record_return(
    *, by: User | None, agency_request: AgencyRequest, received_on: dt.date, nil_return: bool, notes: str = ""
) -> AgencyRequest:
    """Mark the return made, in the caller's transaction (a caseworker's record, or the agency's own link)."""
    with transaction.atomic():
        locked = _lock_open_return(agency_request)
        if received_on < locked.requested_on:
            raise ApplicationError(
                f"The return cannot arrive before the records were asked for ({locked.requested_on.day} {locked.requested_on:%B %Y}).",
                field="received_on",
            )
        locked.status = AgencyRequestStatus.NIL_RETURN if nil_return else AgencyRequestStatus.RECEIVED
        locked.received_on = received_on
        if notes.strip():
            locked.notes = f"{locked.notes}\n{notes.strip()}".strip()
        locked.full_clean()
        record_change(locked, "Nil return" if nil_return else "Records received")
        locked.save()
        what = "a nil return (no records held)" if nil_return else "its records"
        log_event(
            request=locked.request,
            action="agency_nil_return" if nil_return else "agency_returned",
            detail=f"{locked.agency.name} sent {what} on {received_on.day} {received_on:%B %Y}.",
            by=by,
        )
    return locked


def agency_request_nil_return(
    *,
    by: User | None,
    agency_request: AgencyRequest,
    received_on: dt.date,
    notes: str = "",
    today: dt.date | None = None,
) -> AgencyRequest:
    return agency_request_receive(
        by=by, agency_request=agency_request, received_on=received_on, nil_return=True, notes=notes, today=today
    )


def agency_request_chase(
    *,
    by: User | None,
    agency_request: AgencyRequest,
    letter: Letter | None = None,
    method: str = LetterMethod.EMAIL,
    today: dt.date | None = None,
) -> AgencyRequest:
    """Chase a late return: mark it late and file the chaser letter in the letters register."""
    require_role(by, *WORKERS, action="chase an agency")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock_open_return(agency_request)
        if today <= locked.due_on:
            raise ApplicationError(
                f"{locked.agency.name}'s return is not late: it is due by {locked.due_on.day} {locked.due_on:%B %Y}.",
                field="agency_request",
            )
        if letter is not None and letter.request_id != locked.request_id:
            raise ApplicationError("The chaser letter belongs to another request.", field="letter")
        if letter is None:
            letter = Letter(
                request=locked.request,
                direction=LetterDirection.OUT,
                date=today,
                method=method,
                addressee=locked.agency.name,
                summary=(
                    f"Chaser to {locked.agency.name}: records asked for on {locked.requested_on.day} {locked.requested_on:%B %Y} "
                    f"were due by {locked.due_on.day} {locked.due_on:%B %Y}."
                ),
                created_by=by,
            )
            letter.full_clean()
            record_change(letter, "Agency chaser filed")
            letter.save()
        locked.status = AgencyRequestStatus.LATE
        locked.chaser_letter = letter
        locked.chased_on = today
        locked.full_clean()
        record_change(locked, "Chased: return late")
        locked.save()
        log_event(
            request=locked.request,
            action="agency_chased",
            detail=f"Chased {locked.agency.name} on {today.day} {today:%B %Y}: its return was due by {locked.due_on.day} {locked.due_on:%B %Y}.",
            by=by,
        )
    return locked
