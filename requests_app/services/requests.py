"""Logging a request from the letter that brought it, assigning it, and marking it restricted."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from requests_app import roles
from requests_app.models import (
    Letter,
    LetterDirection,
    LetterMethod,
    Person,
    ReferenceCounter,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.services.clock import request_refresh_due_date
from rights import ApplicationError, Authority, RepresentativeRole, RightKind
from rights.people import ROLE_AUTHORITIES

REFERENCE_PATTERN = re.compile(r"^RR-(\d{4})-(\d{4,6})$")


@dataclass(frozen=True)
class PersonDetails:
    """A person as a letter describes them."""

    full_name: str
    date_of_birth: dt.date | None = None
    address: str = ""
    email: str = ""
    phone: str = ""
    previous_names: str = ""
    previous_addresses: str = ""  # one per line


@dataclass(frozen=True)
class IncomingLetter:
    date: dt.date
    method: str = LetterMethod.POST
    summary: str = ""


def require_role(user: User | None, *allowed: str, action: str) -> None:
    """Refuse, in plain words, an action the user's roles do not allow; None is the command line."""
    if user is None:
        return
    if not roles.roles_of(user) & set(allowed):
        raise ApplicationError(f"Only a {' or '.join(a.lower() for a in allowed)} can {action}.")


def person_create(*, details: PersonDetails) -> Person:
    name = details.full_name.strip()
    if not name:
        raise ApplicationError("Enter the person's full name.", field="full_name")
    person = Person(
        full_name=name,
        date_of_birth=details.date_of_birth,
        address=details.address.strip(),
        email=details.email.strip(),
        phone=details.phone.strip(),
        previous_names=details.previous_names.strip(),
        previous_addresses=details.previous_addresses.strip(),
    )
    person.full_clean()
    person.save()
    return person


def reference_next(*, year: int) -> str:
    """The next free reference for the year, under a row lock so two clerks never get the same one."""
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    while True:
        counter.last += 1
        reference = f"RR-{year}-{counter.last:04d}"
        if not RightsRequest.objects.filter(reference=reference).exists():  # imported cases take numbers too
            counter.save()
            return reference


def validate_representation(
    *, role: RepresentativeRole, requester: PersonDetails | None, authority: Authority | None
) -> None:
    if role is RepresentativeRole.SELF:
        if requester is not None:
            raise ApplicationError(
                "A requester who is not the data subject needs a representative role.", field="representative_role"
            )
        if authority is not None:
            raise ApplicationError("The data subject needs no authority to ask for themselves.", field="authority")
        return
    if requester is None:
        raise ApplicationError(f"A {role.value} is asking: enter who they are.", field="requester")
    if authority is not None and authority not in ROLE_AUTHORITIES[role]:
        allowed = ", ".join(a.value.replace("_", " ") for a in sorted(ROLE_AUTHORITIES[role]))
        raise ApplicationError(
            f"A {role.value} cannot act under {authority.value.replace('_', ' ')}; expected one of: {allowed}.",
            field="authority",
        )


def request_create(
    *,
    by: User | None,
    kind: RightKind,
    received: dt.date,
    subject: PersonDetails,
    channel: str = "letter",
    summary: str = "",
    requester: PersonDetails | None = None,
    role: RepresentativeRole = RepresentativeRole.SELF,
    authority: Authority | None = None,
    assigned_to: User | None = None,
    incoming_letter: IncomingLetter | None = None,
    reference: str | None = None,
    acknowledge: bool = False,
    today: dt.date | None = None,
) -> RightsRequest:
    """Log a new request: people, reference, due date, the incoming letter, and the first event."""
    require_role(by, roles.MANAGER, action="log a new request")
    today = today or timezone.localdate()
    if received > today:
        raise ApplicationError("The date received cannot be in the future.", field="received")
    validate_representation(role=role, requester=requester, authority=authority)
    if reference is not None:
        if not REFERENCE_PATTERN.match(reference):
            raise ApplicationError(f"{reference!r} is not a reference like RR-2026-0042.", field="reference")
        if RightsRequest.objects.filter(reference=reference).exists():
            raise ApplicationError(f"A request with reference {reference} already exists.", field="reference")
    if assigned_to is not None and not (roles.is_caseworker(assigned_to) or roles.is_manager(assigned_to)):
        raise ApplicationError("Requests can only be assigned to a caseworker or the Manager.", field="assigned_to")

    with transaction.atomic():
        request = RightsRequest(
            reference=reference or reference_next(year=received.year),
            kind=kind.value,
            channel=channel,
            received=received,
            summary=summary.strip(),
            subject=person_create(details=subject),
            requester=person_create(details=requester) if requester is not None else None,
            representative_role=role.value,
            authority=authority.value if authority else "",
            assigned_to=assigned_to,
            due_date=received,
        )
        request_refresh_due_date(request=request, today=today)
        request.full_clean()
        request._change_reason = "Logged from the incoming letter"  # type: ignore[attr-defined]
        request.save()
        if incoming_letter is not None:
            Letter.objects.create(
                request=request,
                direction=LetterDirection.IN,
                date=incoming_letter.date,
                method=incoming_letter.method,
                addressee=(requester or subject).full_name,
                summary=incoming_letter.summary or summary or f"{kind.label} request",
                created_by=by,
            )
        TransitionEvent.objects.create(
            request=request,
            transition="log",
            from_status=Status.RECEIVED,
            to_status=Status.RECEIVED,
            by=by,
            at=timezone.now(),
            reason=f"{kind.label} request received on {received:%d %B %Y} by {channel}.",
        )
        if acknowledge:
            from requests_app.services.letters import letter_generate

            letter_generate(request=request, template="acknowledgement", by=by, today=today)
    return request


def _check_version(locked: RightsRequest, expected_version: int | None) -> None:
    from requests_app.services.transitions import check_version  # imported late: transitions imports this module

    check_version(locked, expected_version)


def request_assign(
    *, request: RightsRequest, by: User | None, assignee: User | None, expected_version: int | None = None
) -> RightsRequest:
    """Give the request to a caseworker (Manager only)."""
    require_role(by, roles.MANAGER, action="assign requests")
    if assignee is not None and not (roles.is_caseworker(assignee) or roles.is_manager(assignee)):
        raise ApplicationError("Requests can only be assigned to a caseworker or the Manager.", field="assigned_to")
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        _check_version(locked, expected_version)
        locked.assigned_to = assignee
        locked.version += 1
        locked._change_reason = f"Assigned to {assignee.get_username() if assignee else 'nobody'}"  # type: ignore[attr-defined]
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
    return locked


def request_set_restricted(
    *,
    request: RightsRequest,
    by: User | None,
    restricted: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> RightsRequest:
    """Mark a request as restricted (a colleague's own request, a case involving staff): Manager only."""
    require_role(by, roles.MANAGER, action="restrict who can open a request")
    if restricted and not reason.strip():
        raise ApplicationError("Say why the request is restricted.", field="restricted_reason")
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        _check_version(locked, expected_version)
        locked.is_restricted = restricted
        locked.restricted_reason = reason.strip() if restricted else ""
        locked.version += 1
        locked._change_reason = "Restricted" if restricted else "Restriction removed"  # type: ignore[attr-defined]
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
    return locked


def request_set_complex(
    *,
    request_id: int,
    by: User | None,
    is_complex: bool,
    reason: str,
    expected_version: int | None = None,
) -> RightsRequest:
    """Mark a request complex, or one of numerous requests (UK GDPR Art 12A), or not: a caseworker or the Manager.

    Only a complex request gets the sweep's prompt to decide on an extension; the reason is kept
    with the request and its history. Prompts that no longer apply go in the same transaction.
    """
    from requests_app.services.notices import notices_clear_obsolete  # notices import nothing of this module
    from requests_app.services.transitions import check_version, refuse_unless_visible

    require_role(by, roles.MANAGER, roles.CASEWORKER, action="say whether a request is complex")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            "Say why it is complex, or one of numerous requests." if is_complex else "Say why it is no longer complex.",
            field="complex_reason",
        )
    with transaction.atomic():
        try:
            locked = RightsRequest.objects.select_for_update().get(pk=request_id)
        except RightsRequest.DoesNotExist:
            raise ApplicationError("There is no such request.") from None
        refuse_unless_visible(locked, by)
        check_version(locked, expected_version)
        if by is not None and not locked.is_open:
            raise ApplicationError("This request is finished: nothing more can be recorded on it.")
        if locked.is_complex == is_complex:
            raise ApplicationError(
                "It is already marked complex." if is_complex else "It is not marked complex.", field="is_complex"
            )
        locked.is_complex = is_complex
        locked.complex_reason = reason if is_complex else ""
        locked.full_clean()
        locked.version += 1
        change = f"Marked complex: {reason}" if is_complex else f"No longer complex: {reason}"
        locked._change_reason = change[:100]  # type: ignore[attr-defined]
        locked._history_user = by  # type: ignore[attr-defined]
        locked.save()
        notices_clear_obsolete(request=locked, by=by)
    return locked
