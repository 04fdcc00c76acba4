"""Retention of closed requests: a legal hold on a request, the Manager's list of what is due, and destruction.

Thin views: each parses a form, calls one service (requests_app.services.retention), and redirects.
Managers only; a request the user may not open is a 404 first, so its existence never leaks.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from requests_app.forms_retention import LegalHoldForm
from requests_app.services.retention import request_set_legal_hold
from requests_app.views import _manager_request, _posted, _with_current_version
from rights import ApplicationError


@require_http_methods(["GET", "POST"])
def request_legal_hold_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Place or lift a legal hold, with the reason: a held request is not destroyed when its retention ends."""
    user, rights_request = _manager_request(request, pk)
    initial = {"version": rights_request.version, "hold": "no" if rights_request.legal_hold else "yes"}
    form = LegalHoldForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        hold = form.cleaned_data["hold"] == "yes"
        try:
            request_set_legal_hold(
                request_id=rights_request.pk,
                by=user,
                hold=hold,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            form = LegalHoldForm(_with_current_version(request.POST, rights_request))
            form.is_valid()
            form.add_application_error(error, field_map={"legal_hold_reason": "reason"})
        else:
            messages.success(
                request,
                f"{rights_request.reference} is on legal hold."
                if hold
                else f"The legal hold on {rights_request.reference} is lifted.",
            )
            return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/legal_hold_form.html", {"rr": rights_request, "form": form})
