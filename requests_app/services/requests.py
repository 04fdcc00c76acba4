"""Logging a request from the letter that brought it, assigning it, and marking it restricted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import roles
from core.audit import record_change
from core.files import files_removed_on_rollback
from core.locking import lock_and_check
from core.roles import require_role
from core.text import day_text
from requests_app.access import NO_SUCH_REQUEST
from requests_app.models import (
    CodeChannel,
    FormatNeed,
    Letter,
    LetterDirection,
    LetterMethod,
    Person,
    ReferenceCounter,
    ReplyMethod,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.selectors.related import people_matching
from requests_app.services.clock import request_refresh_due_date
from rights import ApplicationError, Authority, ExtensionGround, RepresentativeRole, RightKind
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


def _added_line(lines: str, value: str) -> str:
    """The lines with one more, unless it is blank or already there (case ignored)."""
    value = value.strip()
    existing = [line.strip() for line in lines.splitlines() if line.strip()]
    if not value or value.lower() in {line.lower() for line in existing}:
        return "\n".join(existing)
    return "\n".join([*existing, value])


def person_link(*, person_id: int, details: PersonDetails, by: User | None, reference: str) -> Person:
    """The person on record chosen at logging instead of a new one (Art 12(5), Recital 63: repeat requests are
    seen), refused unless they still match the details entered; the letter's newer contact details are kept,
    the old address and any other name go to the earlier lines, each with history."""
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    matches = people_matching(
        full_name=details.full_name,
        date_of_birth=details.date_of_birth,
        email=details.email,
        phone=details.phone,
        previous_names=details.previous_names,
    )
    if person is None or person.pk not in {match.pk for match in matches}:
        raise ApplicationError(
            "The person chosen does not match the details entered: choose again, or a new person.", field="full_name"
        )
    address = details.address.strip()
    if address and address != person.address.strip():
        person.previous_addresses = _added_line(person.previous_addresses, person.address)
        person.address = address
    for line in details.previous_addresses.splitlines():
        person.previous_addresses = _added_line(person.previous_addresses, line)
    if details.full_name.strip().lower() != person.full_name.strip().lower():
        person.previous_names = _added_line(person.previous_names, details.full_name)
    for line in details.previous_names.splitlines():
        person.previous_names = _added_line(person.previous_names, line)
    person.email = details.email.strip() or person.email
    person.phone = details.phone.strip() or person.phone
    if person.date_of_birth is None:
        person.date_of_birth = details.date_of_birth
    person.full_clean()
    record_change(person, f"Linked to {reference} when it was logged", by=by)
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


def _check_contact_choices(
    *, addressee: PersonDetails, reply_by: str, code_by: str, format_needs: Sequence[str]
) -> None:
    """How they want replies and the pack's code must be possible with the contact details they gave."""
    if reply_by not in ReplyMethod.values:
        raise ApplicationError("Choose how they want us to reply.", field="reply_by")
    if code_by and code_by not in CodeChannel.values:
        raise ApplicationError("Choose how the one-time code should reach them.", field="code_by")
    unknown = sorted(set(format_needs) - set(FormatNeed.values))
    if unknown:
        raise ApplicationError(f"{', '.join(unknown)} is not a format we offer.", field="format_needs")
    email_needed = reply_by == ReplyMethod.EMAIL or code_by == CodeChannel.EMAIL
    if email_needed and not addressee.email.strip():
        raise ApplicationError(
            "Replies or codes by email need the email address of the person we reply to.",
            field="reply_by" if reply_by == ReplyMethod.EMAIL else "code_by",
        )
    if code_by == CodeChannel.SMS and not addressee.phone.strip():
        raise ApplicationError("A code by text message needs their mobile phone number.", field="code_by")


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
    reply_by: str = "post",
    code_by: str = "",
    format_needs: Sequence[str] = (),
    format_needs_detail: str = "",
    subject_person_id: int | None = None,
    requester_person_id: int | None = None,
) -> RightsRequest:
    """Log a new request: people (new, or ones on record chosen to link), reference, due date, the incoming
    letter, and the first event."""
    require_role(by, roles.MANAGER, action="log a new request")
    today = today or timezone.localdate()
    _check_contact_choices(
        addressee=requester or subject, reply_by=reply_by, code_by=code_by, format_needs=format_needs
    )
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

    with files_removed_on_rollback(), transaction.atomic():  # the acknowledgement's PDF too
        reference = reference or reference_next(year=received.year)
        if subject_person_id is not None:
            subject_person = person_link(person_id=subject_person_id, details=subject, by=by, reference=reference)
        else:
            subject_person = person_create(details=subject)
        requester_person = None
        if requester is not None and requester_person_id is not None:
            requester_person = person_link(person_id=requester_person_id, details=requester, by=by, reference=reference)
        elif requester is not None:
            requester_person = person_create(details=requester)
        if requester_person is not None and requester_person.pk == subject_person.pk:
            raise ApplicationError(
                "The person asking cannot be the data subject on another's behalf.", field="requester"
            )
        request = RightsRequest(
            reference=reference,
            kind=kind.value,
            channel=channel,
            received=received,
            summary=summary.strip(),
            subject=subject_person,
            requester=requester_person,
            representative_role=role.value,
            authority=authority.value if authority else "",
            assigned_to=assigned_to,
            due_date=received,
            reply_by=reply_by,
            code_by=code_by,
            format_needs=",".join(format_needs),
            format_needs_detail=format_needs_detail.strip(),
        )
        request_refresh_due_date(request=request, today=today)
        request.set_search_key()
        request.full_clean()
        record_change(request, "Logged from the incoming letter")
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
            reason=f"{kind.label} request received on {day_text(received)} by {channel}.",
        )
        if acknowledge:
            from requests_app.services.letters import letter_generate

            letter_generate(request=request, template="acknowledgement", by=by, today=today)
    return request


def request_assign(
    *, request: RightsRequest, by: User | None, assignee: User | None, expected_version: int | None = None
) -> RightsRequest:
    """Give the request to a caseworker (Manager only)."""
    require_role(by, roles.MANAGER, action="assign requests")
    if assignee is not None and not (roles.is_caseworker(assignee) or roles.is_manager(assignee)):
        raise ApplicationError("Requests can only be assigned to a caseworker or the Manager.", field="assigned_to")
    with transaction.atomic():
        locked = lock_and_check(
            RightsRequest.objects.all(), request.pk, expected_version=expected_version, missing=NO_SUCH_REQUEST
        )
        locked.assigned_to = assignee
        locked.version += 1
        record_change(locked, f"Assigned to {assignee.get_username() if assignee else 'nobody'}", by=by)
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
        locked = lock_and_check(
            RightsRequest.objects.all(), request.pk, expected_version=expected_version, missing=NO_SUCH_REQUEST
        )
        locked.is_restricted = restricted
        locked.restricted_reason = reason.strip() if restricted else ""
        locked.version += 1
        record_change(locked, "Restricted" if restricted else "Restriction removed", by=by)
        locked.save()
    return locked


def request_set_complex(
    *,
    request_id: int,
    by: User | None,
    is_complex: bool,
    reason: str,
    expected_version: int | None = None,
    ground: str | None = None,
    numerous_with: Sequence[int] = (),
) -> RightsRequest:
    """Record the Art 12A ground (complex, or one of numerous requests, and which), or that there is none.

    Only a request with a recorded ground may be extended (UK GDPR Art 12A) and gets the sweep's prompt
    to decide on an extension; the reason is kept with the request and its history. `ground` defaults to
    "complex" when `is_complex`; for "numerous", `numerous_with` names the same person's other requests.
    Prompts that no longer apply go in the same transaction.
    """
    from requests_app.services.locking import request_lock
    from requests_app.services.notices import notices_clear_obsolete  # notices import nothing of this module

    require_role(by, roles.MANAGER, roles.CASEWORKER, action="say whether a request is complex")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            "Say why it is complex, or one of numerous requests." if is_complex else "Say why it is no longer complex.",
            field="complex_reason",
        )
    chosen = (ground or ExtensionGround.COMPLEX.value) if is_complex else ""
    if chosen and chosen not in {g.value for g in ExtensionGround}:
        raise ApplicationError(f"{chosen!r} is not a ground the law allows (UK GDPR Article 12A).", field="is_complex")
    with transaction.atomic():
        locked = request_lock(request_id, by=by, expected_version=expected_version)
        if by is not None and not locked.is_open:
            raise ApplicationError("This request is finished: nothing more can be recorded on it.")
        others = _numerous_with(locked, numerous_with) if chosen == ExtensionGround.NUMEROUS else []
        if chosen == ExtensionGround.NUMEROUS and not others:
            raise ApplicationError(
                "Choose the other requests from the same person that make this one of numerous requests.",
                field="numerous_with",
            )
        current_others = sorted(locked.numerous_with.values_list("pk", flat=True))
        if (
            locked.extension_ground == chosen
            and locked.is_complex == is_complex
            and (current_others == sorted(o.pk for o in others))
        ):
            raise ApplicationError(
                "It is already marked complex." if is_complex else "It is not marked complex.", field="is_complex"
            )
        locked.is_complex = is_complex
        locked.extension_ground = chosen
        locked.complex_reason = reason if is_complex else ""
        locked.full_clean()
        locked.version += 1
        if not is_complex:
            change = f"No longer complex: {reason}"
        elif chosen == ExtensionGround.NUMEROUS:
            change = f"One of numerous requests ({', '.join(o.reference for o in others)}): {reason}"
        else:
            change = f"Marked complex: {reason}"
        record_change(locked, change, by=by)
        locked.save()
        locked.numerous_with.set(others)
        notices_clear_obsolete(request=locked, by=by)
    return locked


def numerous_candidates(request: RightsRequest) -> list[RightsRequest]:
    """The same person's other requests, which may make this one of numerous requests (UK GDPR Art 12A).

    The person is whoever made the request: the requester, or the data subject asking for themselves;
    "the same" is the same person on record, or one with the same name and date of birth (or, with no
    date of birth, the same name and address) logged again as a new person.
    """
    asker: Person = request.requester if request.requester is not None else request.subject
    same_person = Q(requester_id=asker.pk) | Q(requester__isnull=True, subject_id=asker.pk)
    if asker.date_of_birth is not None:
        same_person |= Q(requester__full_name__iexact=asker.full_name, requester__date_of_birth=asker.date_of_birth)
        same_person |= Q(
            requester__isnull=True,
            subject__full_name__iexact=asker.full_name,
            subject__date_of_birth=asker.date_of_birth,
        )
    elif asker.address.strip():
        same_person |= Q(requester__full_name__iexact=asker.full_name, requester__address__iexact=asker.address)
        same_person |= Q(
            requester__isnull=True, subject__full_name__iexact=asker.full_name, subject__address__iexact=asker.address
        )
    return list(RightsRequest.objects.filter(same_person).exclude(pk=request.pk).order_by("received", "pk"))


def _numerous_with(request: RightsRequest, ids: Sequence[int]) -> list[RightsRequest]:
    allowed = {candidate.pk: candidate for candidate in numerous_candidates(request)}
    wanted = {int(pk) for pk in ids}
    strangers = wanted - allowed.keys()
    if strangers:
        raise ApplicationError(
            "Only requests made by the same person can make this one of numerous requests.", field="numerous_with"
        )
    return [allowed[pk] for pk in sorted(wanted)]
