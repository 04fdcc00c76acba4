"""Retention of closed requests: a legal hold on a request, the Manager's list of what is due, and destruction.

Thin views: each parses a form, calls one service (requests_app.services.retention), and redirects.
Managers only; a request the user may not open is a 404 first, so its existence never leaks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import roles
from requests_app.access import request_get_for_user
from requests_app.forms.retention import DestroyForm, LegalHoldForm
from requests_app.models import RequestDestructionCertificate
from requests_app.services.retention import (
    request_destroy,
    request_set_legal_hold,
    requests_destroy_due,
    requests_due,
    retention_days,
)
from requests_app.viewing import records_view
from requests_app.views import _manager_request, _posted, _user, _with_current_version
from rights import ApplicationError

CERTIFICATES_SHOWN = 20


@records_view
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


def _manager(request: HttpRequest) -> User:
    user = _user(request)
    if not roles.is_manager(user):
        raise PermissionDenied
    return user


@require_http_methods(["GET", "HEAD"])
def request_retention(request: HttpRequest) -> HttpResponse:
    """Closed requests at the end of their retention (UK GDPR Art 5(1)(e)), and the recent certificates: Manager only."""
    _manager(request)
    return render(
        request,
        "requests_app/retention.html",
        {
            "items": requests_due(today=timezone.localdate()),
            "retention_days": retention_days(),
            "certificates": list(
                RequestDestructionCertificate.objects.select_related("destroyed_by").order_by("-destroyed_at", "-pk")[
                    :CERTIFICATES_SHOWN
                ]
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def request_destroy_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The Manager confirms the destruction of one closed request; it cannot be undone."""
    user = _manager(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    item = next((i for i in requests_due(today=timezone.localdate()) if i.request.pk == rights_request.pk), None)
    form = DestroyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            certificate = request_destroy(request_id=rights_request.pk, by=user, today=timezone.localdate())
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{certificate.request_reference} is destroyed: certificate {certificate.reference}."
            )
            return redirect("request_retention")
    return render(
        request, "requests_app/retention_destroy.html", {"rr": rights_request, "item": item, "form": form, "all": False}
    )


@require_http_methods(["GET", "POST"])
def request_destroy_all_view(request: HttpRequest) -> HttpResponse:
    """The Manager confirms the destruction of every closed request due that nothing blocks."""
    user = _manager(request)
    items = requests_due(today=timezone.localdate())
    form = DestroyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        result = requests_destroy_due(by=user, today=timezone.localdate())
        if result.certificates:
            messages.success(
                request,
                f"{len(result.certificates)} closed request{'s' if len(result.certificates) != 1 else ''} destroyed: "
                + ", ".join(f"{c.request_reference} ({c.reference})" for c in result.certificates)
                + ".",
            )
        for reference, why in result.refused:
            messages.warning(request, f"{reference} was not destroyed: {why}")
        return redirect("request_retention")
    return render(
        request,
        "requests_app/retention_destroy.html",
        {"items": items, "ready": [i for i in items if i.ready], "form": form, "all": True},
    )
