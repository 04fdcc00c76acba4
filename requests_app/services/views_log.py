"""Opening a request is itself on the record: who opened which case file, and when."""

from __future__ import annotations

from django.contrib.auth.models import User

from requests_app.models import RequestView, RightsRequest


def request_view_record(*, request: RightsRequest, user: User) -> RequestView:
    """Write one RequestView row (append-only; the caller has already checked access)."""
    return RequestView.objects.create(request=request, user=user)
