"""Reads for the complaint pages: constant queries per page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet

from casework.access import complaints_visible_to
from casework.models import (
    OPEN_COMPLAINT_STATUSES,
    Complaint,
    ComplaintEvent,
    ComplaintLetter,
    ComplaintRemedy,
    ComplaintView,
)

RECENT_VIEWS_SHOWN = 5


@dataclass(frozen=True)
class ComplaintPage:
    complaint: Complaint
    events: list[ComplaintEvent]
    letters: list[ComplaintLetter]
    remedies: list[ComplaintRemedy]
    recent_views: list[ComplaintView]


def complaint_list(*, user: User, status: str = "", open_only: bool = False) -> QuerySet[Complaint]:
    complaints = complaints_visible_to(user).select_related("request", "assigned_to")
    if status:
        complaints = complaints.filter(status=status)
    if open_only:
        complaints = complaints.filter(status__in=OPEN_COMPLAINT_STATUSES)
    return complaints.order_by("acknowledgement_due", "pk")


def complaint_page(*, complaint: Complaint) -> ComplaintPage:
    return ComplaintPage(
        complaint=complaint,
        events=list(complaint.events.select_related("by").order_by("at", "pk")),
        letters=list(complaint.letters.select_related("message", "sent_by").order_by("date", "pk")),
        remedies=list(complaint.remedies.select_related("request").order_by("pk")),
        recent_views=list(complaint.views.select_related("user")[:RECENT_VIEWS_SHOWN]),
    )
