"""People already on record who match a new request's data subject, and that person's other requests.

A match is the same folded name (case, accents, apostrophes, hyphens and word order ignored; previous
names count) with the same date of birth, or the same email address, or the same phone number (digits
only). Each is a fixed number of queries, whatever the size of the register. The repeat rule itself is
in rights.repeats; this reads the facts it needs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from core import roles
from core.roles import AnyUser
from requests_app.access import requests_visible_to
from requests_app.models import (
    RESPONDED_STATUSES,
    Letter,
    LetterDirection,
    Person,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.search_key import search_words
from rights import DEFAULT_REPEAT_INTERVAL_DAYS, EarlierRequest, RightKind, repeat_statement, repeats

_DIGITS = re.compile(r"\D")


def _folded(name: str) -> str:
    """A name folded so that "O'Neil-Smith, Zoë" and "zoe oneil smith" are the same."""
    return " ".join(sorted(search_words(name)))


def _names(full_name: str, previous_names: str) -> set[str]:
    names = {_folded(full_name), *(_folded(line) for line in previous_names.splitlines() if line.strip())}
    return names - {""}


def _phone(text: str) -> str:
    digits = _DIGITS.sub("", text)
    return "0" + digits[2:] if digits.startswith("44") else digits


def people_matching(
    *,
    full_name: str,
    date_of_birth: dt.date | None,
    email: str = "",
    phone: str = "",
    previous_names: str = "",
    exclude: Iterable[int] = (),
) -> list[Person]:
    """People on record who may be this person (one query): name and date of birth, or email, or phone."""
    wanted_names = _names(full_name, previous_names)
    wanted_phone = _phone(phone)
    query = Q(pk__in=[])
    if date_of_birth is not None and wanted_names:
        query |= Q(date_of_birth=date_of_birth)
    if email.strip():
        query |= Q(email__iexact=email.strip())
    if len(wanted_phone) >= 6:
        query |= Q(phone__contains=wanted_phone[-4:])  # narrowed in SQL, compared on its digits below
    matches = []
    for person in Person.objects.filter(query).exclude(pk__in=list(exclude)).order_by("full_name", "pk"):
        same_name = date_of_birth is not None and person.date_of_birth == date_of_birth
        same_name = same_name and bool(wanted_names & _names(person.full_name, person.previous_names))
        same_email = bool(email.strip()) and person.email.strip().lower() == email.strip().lower()
        same_phone = len(wanted_phone) >= 6 and _phone(person.phone) == wanted_phone
        if same_name or same_email or same_phone:
            matches.append(person)
    return matches


@dataclass(frozen=True)
class OtherRequest:
    """One of the person's other requests, as the request page lists it."""

    request: RightsRequest
    answered_on: dt.date | None
    disclosed_on: list[dt.date] = field(default_factory=list)
    letters_out: list[Letter] = field(default_factory=list)  # what was sent: outcome letters, the pack's cover


@dataclass(frozen=True)
class RelatedRequests:
    """The data subject's other requests on record, and whether this one may repeat them (UK GDPR Art 12(5))."""

    people: list[Person]  # other people on record who match the data subject
    others: list[OtherRequest]
    hidden: int  # other requests the user may not open (restricted), counted only
    repeats: list[EarlierRequest]
    interval_days: int

    @property
    def statement(self) -> str:
        return repeat_statement(self.repeats)


def repeat_interval_days() -> int:
    return int(getattr(settings, "REPEAT_REQUEST_INTERVAL_DAYS", DEFAULT_REPEAT_INTERVAL_DAYS))


def related_requests(*, request: RightsRequest, user: AnyUser) -> RelatedRequests:
    """The subject's other requests (same person on record, or a matching one), in five queries at most."""
    interval = repeat_interval_days()
    if roles.reviews_only(user):  # a reviewer is shown the opinion's request, nothing else about the person
        return RelatedRequests(people=[], others=[], hidden=0, repeats=[], interval_days=interval)
    subject = request.subject
    people = people_matching(
        full_name=subject.full_name,
        date_of_birth=subject.date_of_birth,
        email=subject.email,
        phone=subject.phone,
        previous_names=subject.previous_names,
        exclude=[subject.pk],
    )
    ids = [subject.pk, *(p.pk for p in people)]
    all_others = RightsRequest.objects.filter(subject_id__in=ids).exclude(pk=request.pk)
    visible = (
        requests_visible_to(user)
        .filter(pk__in=all_others.values("pk"))
        .select_related("subject")
        .prefetch_related(
            Prefetch(
                "transitions",
                queryset=TransitionEvent.objects.filter(to_status__in=RESPONDED_STATUSES).order_by("at", "pk"),
                to_attr="responses",
            ),
            Prefetch(
                "letters",
                queryset=Letter.objects.filter(direction=LetterDirection.OUT).order_by("date", "pk"),
                to_attr="sent",
            ),
        )
        .order_by("-received", "-pk")
    )
    others = []
    for other in visible:
        responses = other.responses
        others.append(
            OtherRequest(
                request=other,
                answered_on=timezone.localdate(responses[0].at) if responses else None,
                disclosed_on=[timezone.localdate(e.at) for e in responses if e.to_status == Status.DISCLOSED],
                letters_out=list(other.sent),
            )
        )
    hidden = all_others.count() - len(others)
    earlier = [
        EarlierRequest(
            reference=o.request.reference,
            kind=RightKind(o.request.kind),
            received=o.request.received,
            answered_on=o.answered_on,
        )
        for o in reversed(others)
    ]
    found = repeats(kind=RightKind(request.kind), received=request.received, earlier=earlier, interval_days=interval)
    return RelatedRequests(people=people, others=others, hidden=hidden, repeats=found, interval_days=interval)
