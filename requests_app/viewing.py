"""Every object-level read is on the record: one decorator for the pages that show a request's data."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.http import HttpRequest

from requests_app.services.request_views import request_view_record_by_id

View = TypeVar("View", bound=Callable[..., Any])


def records_view(view: View) -> View:
    """After the view answered a GET with 200 (so access was granted), one RequestView row for request `pk`.

    Page images (with or without their boxes), documents, third parties, packs: each read of a request's data
    leaves who and when. tests/requests_app/test_view_records.py walks the URL map for object pages without it.
    """

    @wraps(view)
    def recorded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if request.method in {"GET", "HEAD"} and response.status_code == 200 and isinstance(request.user, User):
            request_view_record_by_id(request_id=int(kwargs["pk"]), user=request.user)
        return response

    recorded.records_view = True  # type: ignore[attr-defined]
    return recorded  # type: ignore[return-value]


def records_view_itself(view: View) -> View:
    """For a page whose own view row is part of what it shows (the request page lists recent views) or whose
    `pk` is not the request's (a letter's or evidence's file): it records the view itself, before rendering."""
    view.records_view = True  # type: ignore[attr-defined]
    return view
