"""What the staff pages for complaints and breaches share: the signed-in user and the one-form action page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.forms import GovukForm
from rights import ApplicationError


def signed_in(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def action_page(
    request: HttpRequest,
    *,
    form_class: type[GovukForm],
    title: str,
    caption: str,
    back: str,
    act: Callable[[dict[str, Any]], object],
    done: str,
    intro: str = "",
    submit: str = "Save",
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST calls `act` (one service) and redirects to `back` with `done`."""
    form = form_class(request.POST if request.method == "POST" else None, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "casework/action_form.html",
        {"form": form, "title": title, "caption": caption, "back": back, "intro": intro, "submit": submit},
        status=400 if form.errors else 200,
    )
