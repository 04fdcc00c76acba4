"""Staff's controls over the requester's status page: send (or send again) the link by email, or revoke it.

The request comes through requests_app.access first (404 for a request the user may not open), then the
Manager-or-assigned-caseworker check (403); the service checks both again under the row lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from requests_app.access import request_get_for_user
from requests_app.models import RightsRequest
from requests_app.services.online import may_manage_status_links, status_link_revoke, status_link_send_by_staff
from rights import ApplicationError


def _allowed(request: HttpRequest, pk: int) -> tuple[User, RightsRequest]:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    rights_request = request_get_for_user(user=user, pk=pk)  # 404 before 403: existence never leaks
    if not may_manage_status_links(user, rights_request):
        raise PermissionDenied
    return user, rights_request


@require_POST
def status_link_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, rights_request = _allowed(request, pk)
    try:
        link = status_link_send_by_staff(request_id=rights_request.pk, by=user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A status link is being emailed to {link.to}. Any earlier link no longer works.")
    return redirect("request_detail", pk=rights_request.pk)


@require_POST
def status_link_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, rights_request = _allowed(request, pk)
    try:
        status_link_revoke(request_id=rights_request.pk, by=user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The status link is revoked: it no longer opens the status page.")
    return redirect("request_detail", pk=rights_request.pk)
