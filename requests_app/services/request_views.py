"""Opening a request is itself on the record: who opened which case file, and when."""

from __future__ import annotations

from django.contrib.auth.models import User

from requests_app.models import RequestView, RightsRequest


def request_view_record(*, request: RightsRequest, user: User) -> RequestView:
    """Write one RequestView row (append-only; the caller has already checked access)."""
    return RequestView.objects.create(request=request, user=user)


def request_view_record_by_id(*, request_id: int, user: User) -> RequestView:
    """The same row, for a page that has checked access and holds only the request's id."""
    return RequestView.objects.create(request_id=request_id, user=user)
