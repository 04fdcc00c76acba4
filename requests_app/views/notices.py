"""The notices page: a person's reminders, escalations, prompts, chasers and flags, marked read one by one or all at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from requests_app.selectors.notices import notices_for_user, notices_unread_count
from requests_app.services.notices import notice_mark_read, notices_mark_all_read
from rights import ApplicationError

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware guarantees one on every page but the login page)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - the middleware redirects anonymous users
        raise Http404
    return user


@require_http_methods(["GET"])
def notices(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(notices_for_user(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "requests_app/notices.html", {"page": page, "unread": notices_unread_count(user), "query": ""}
    )


@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice_mark_read(notice_id=pk, user=_user(request))
    except ApplicationError:
        raise Http404 from None  # someone else's notice, or none: as if it did not exist
    return redirect("notices")


@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    marked = notices_mark_all_read(user=_user(request))
    messages.success(request, f"{marked} notice{'s' if marked != 1 else ''} marked as read.")
    return redirect("notices")
