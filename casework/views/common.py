"""What the staff pages for complaints and breaches share: the signed-in user, the one-form action page, and a
filed letter's download and "it was posted" page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from casework.forms.complaints import StepForm
from casework.services import sending
from core.forms import GovukForm
from core.text import day_text
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


def letter_download(letter: Any, *, reference: str, viewed: models.Model) -> FileResponse:
    """A filed complaint or breach letter as a download; `viewed` (the case's view row, unsaved) is recorded first."""
    if letter is None or not letter.file:
        raise Http404("No such letter")
    viewed.save()
    response = FileResponse(letter.file.open("rb"), as_attachment=True, filename=f"{reference}-{letter.kind}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def letter_posted_page(
    request: HttpRequest, *, letter: Any, user: User, reference: str, back: str, addressee: str
) -> HttpResponse:
    """Staff printed and posted a filed letter: record it, and it is sent."""
    if letter is None:
        raise Http404("No such letter")
    return action_page(
        request,
        form_class=StepForm,
        title="Record that the letter was posted",
        caption=reference,
        back=back,
        intro=f"{letter.get_kind_display()} letter of {day_text(letter.date)}, to {addressee}.",
        act=lambda data: sending.letter_record_posted(letter=letter, by=user),
        done="Letter recorded as posted.",
        submit="It was posted",
    )
