"""The request list as a work queue: assigning many at once, the user's named views, and the calendar of due dates."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from requests_app import selectors
from requests_app.services.queue import requests_assign_bulk, saved_view_delete, saved_view_save
from rights import ApplicationError


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _back_to_list(query: str) -> HttpResponse:
    """Back to the list with the filters the user had (only the list's own address, never another site)."""
    query = QueryDict(query).urlencode()
    return redirect(reverse("request_list") + (f"?{query}" if query else ""))


@require_POST
def requests_assign_many(request: HttpRequest) -> HttpResponse:
    """Assign or reassign the ticked requests (Manager only); the list shows what was done."""
    user = _user(request)
    if not roles.is_manager(user):
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("requests") if v.isdigit()]
    choice = request.POST.get("assignee", "")
    query = request.POST.get("query", "")
    assignee: User | None = None
    if choice not in ("", "none"):
        assignee = selectors.assignable_users().filter(pk=int(choice) if choice.isdigit() else 0).first()
        if assignee is None:
            messages.error(request, "Choose who to assign the requests to.")
            return _back_to_list(query)
    elif choice == "":
        messages.error(request, "Choose who to assign the requests to.")
        return _back_to_list(query)
    try:
        done = requests_assign_bulk(by=user, request_ids=ids, assignee=assignee)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_list(query)
    who = (assignee.get_full_name() or assignee.get_username()) if assignee else "nobody"
    references = ", ".join(rr.reference for rr in done)
    messages.success(request, f"{len(done)} request{'s' if len(done) != 1 else ''} assigned to {who}: {references}.")
    return _back_to_list(query)


@require_POST
def saved_view_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    query = request.POST.get("query", "")
    try:
        view = saved_view_save(user=user, name=request.POST.get("name", ""), query=query)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _back_to_list(query)
    messages.success(request, f"Saved this view as “{view.name}”.")
    return _back_to_list(view.query)


@require_POST
def saved_view_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_view_delete(user=_user(request), pk=pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The view is deleted.")
    return redirect("request_list")


def _monday(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - dt.timedelta(days=day.weekday())


@require_http_methods(["GET", "HEAD"])
def due_calendar(request: HttpRequest) -> HttpResponse:
    """Open requests by the week and day they fall due, four weeks at a time."""
    user = _user(request)
    monday = _monday(request.GET.get("from"))
    weeks = selectors.due_calendar(user, monday)
    return render(
        request,
        "requests_app/due_calendar.html",
        {
            "weeks": weeks,
            "today": timezone.localdate(),
            "earlier": monday - dt.timedelta(days=7 * selectors.CALENDAR_WEEKS),
            "later": monday + dt.timedelta(days=7 * selectors.CALENDAR_WEEKS),
            "this_week": _monday(None),
            "per_day": selectors.CALENDAR_PER_DAY,
        },
    )
