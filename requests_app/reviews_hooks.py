"""What the reviews layer below needs to know about requests, given through its registries.

reviews cannot import requests_app, so requests_app tells it, at start-up, which held records open
requests still need (nothing they need is destroyed or erased) and which request references a
user may not open (restricted requests stay invisible in the subject-search pages too).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import Q

from requests_app import roles
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
    """Restricted requests are open only to the Manager and the assigned caseworker."""
    if roles.is_manager(user):
        return []
    return (
        RightsRequest.objects.filter(is_restricted=True)
        .filter(~Q(assigned_to=user) | Q(assigned_to__isnull=True))
        .values_list("reference", flat=True)
    )
