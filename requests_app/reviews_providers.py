"""What the reviews layer below needs to know about requests, given through its registries.

reviews cannot import requests_app, so requests_app tells it, at start-up, which held records open
requests still need (nothing they need is destroyed or erased) and which request references a
user may not open (restricted requests stay invisible in the subject-search pages too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Q

from core import roles
from requests_app.models import FINISHED_STATUSES, RightsRequest
from reviews.holds import Hold, holds_for_open_requests
from reviews.models import SubjectSearchRun


def open_request_holds() -> Iterable[Hold]:
    """Holds for open requests that have searched the partnership's records (one query each way)."""
    searched = SubjectSearchRun.objects.values("request_reference")
    references = (
        RightsRequest.objects.exclude(status__in=FINISHED_STATUSES)
        .filter(reference__in=searched)
        .values_list("reference", flat=True)
    )
    return holds_for_open_requests(references)


def references_hidden_from(user: User) -> Iterable[str]:
    """Restricted requests are open only to the Manager and the assigned caseworker; a professional reviewer's
    are all but those referred to them."""
    if roles.is_manager(user):
        return []
    if roles.reviews_only(user):
        from requests_app.access import requests_visible_to

        return RightsRequest.objects.exclude(pk__in=requests_visible_to(user).values("pk")).values_list(
            "reference", flat=True
        )
    return (
        RightsRequest.objects.filter(is_restricted=True)
        .filter(~Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .values_list("reference", flat=True)
    )


def subject_of_request(user: User, reference: str) -> tuple[str, tuple[str, ...], dt.date | None, str] | None:
    """Who a request is about, to fill the subject search, when the user may open the request."""
    from django.http import Http404

    from requests_app.access import request_get_for_user

    try:
        request = request_get_for_user(
            user=user, reference=reference, queryset=RightsRequest.objects.select_related("subject")
        )
    except Http404:
        return None
    subject = request.subject
    previous = tuple(line.strip() for line in subject.previous_names.splitlines() if line.strip())
    return subject.full_name, previous, subject.date_of_birth, subject.address
