"""The request page's work on held data: record a correction (Art 16), each recipient told and the letter naming
them to the requester (Art 19), and each use of restricted data (Art 18(2)).

Thin views: the request through requests_app.access (404 if it may not be opened), a form, one
service (requests_app.services.effects, which calls the reviews services), then back to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core import roles
from requests_app.access import request_get_for_user
from requests_app.forms.effects import (
    CorrectionForm,
    RecipientNotRequiredForm,
    RecipientsLetterForm,
    RecipientToldForm,
    RestrictedUseForm,
)
from requests_app.models import Status
from requests_app.services.effects import (
    request_correction_record,
    request_recipient_not_required,
    request_recipient_notice_send,
    request_recipient_told,
    request_recipients_letter_send,
)
from requests_app.services.restricted_uses import restricted_use_record
from requests_app.viewing import records_view
from requests_app.views import _posted, _user
from reviews.models import NotificationStatus, RecipientNotification
from reviews.selectors import confirmed_sources
from rights import ApplicationError, RightKind


@records_view
@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a value held about the data subject of a rectification request (UK GDPR Art 16)."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    if not (roles.is_manager(user) or roles.is_caseworker(user)):
        raise PermissionDenied
    if rights_request.kind != RightKind.RECTIFICATION.value or rights_request.status != Status.ASSESSING:
        raise Http404("Corrections are recorded while a request for rectification is assessed.")
    records = confirmed_sources(rights_request.reference, include_ncnd=True)  # staff only: the right applies to them
    form = CorrectionForm(_posted(request), records=records)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = request_correction_record(
                request_id=rights_request.pk,
                by=user,
                target=data["target"],
                new_value=data.get("new_value") or "",
                reason=data["reason"],
                record_id=form.record_id,
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Corrected on {count} record{'s' if count != 1 else ''}.")
            return redirect("request_detail", pk=rights_request.pk)
    return render(
        request, "requests_app/correction_form.html", {"rr": rights_request, "form": form, "records": records}
    )


@records_view
@require_http_methods(["GET", "POST"])
def recipient_update(request: HttpRequest, pk: int, notification_pk: int) -> HttpResponse:
    """Record that a recipient agency was told (a caseworker), or why it need not be (the Manager) (Art 19)."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    if not (roles.is_manager(user) or roles.is_caseworker(user)):
        raise PermissionDenied
    notification = (
        RecipientNotification.objects.select_related("agency", "record")
        .filter(pk=notification_pk, request_reference=rights_request.reference, status=NotificationStatus.PENDING)
        .first()
    )
    if notification is None:
        raise Http404("No such recipient still to be told.")
    is_manager = roles.is_manager(user)
    action = request.POST.get("action", "told") if request.method == "POST" else ""
    told_form = RecipientToldForm(
        _posted(request) if action == "told" else None, initial={"sent_on": timezone.localdate()}
    )
    skip_form = RecipientNotRequiredForm(_posted(request) if action == "not_required" else None)
    if action == "not_required" and not is_manager:
        raise PermissionDenied
    if action in ("send_email", "send_post"):
        try:
            request_recipient_notice_send(
                request_id=rights_request.pk,
                by=user,
                notification_id=notification.pk,
                by_email=action == "send_email",
                address=request.POST.get("address", ""),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("request_recipient", pk=rights_request.pk, notification_pk=notification.pk)
        if action == "send_email":
            messages.success(request, f"The notice is being emailed to {notification.agency.name}.")
            return redirect("request_detail", pk=rights_request.pk)
        messages.success(request, "The notice is in the letters register: print and post it, then record it below.")
        return redirect("request_recipient", pk=rights_request.pk, notification_pk=notification.pk)
    try:
        if action == "told" and told_form.is_valid():
            request_recipient_told(
                request_id=rights_request.pk,
                by=user,
                notification_id=notification.pk,
                sent_on=told_form.cleaned_data["sent_on"],
                method=told_form.cleaned_data["method"],
                today=timezone.localdate(),
            )
            messages.success(request, f"Recorded: {notification.agency.name} was told.")
            return redirect("request_detail", pk=rights_request.pk)
        if action == "not_required" and skip_form.is_valid():
            request_recipient_not_required(
                request_id=rights_request.pk,
                by=user,
                notification_id=notification.pk,
                reason=skip_form.cleaned_data["reason"],
            )
            messages.success(request, f"Recorded: telling {notification.agency.name} is not required.")
            return redirect("request_detail", pk=rights_request.pk)
    except ApplicationError as error:
        (told_form if action == "told" else skip_form).add_application_error(error)
    return render(
        request,
        "requests_app/recipient_form.html",
        {
            "rr": rights_request,
            "notification": notification,
            "form": told_form if action != "not_required" else skip_form,
            "told_form": told_form,
            "skip_form": skip_form,
            "is_manager": is_manager,
        },
    )


@records_view
@require_http_methods(["GET", "POST"])
def recipients_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester asked who the recipients of the change are: send the letter naming them (UK GDPR Art 19)."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    if not (roles.is_manager(user) or roles.is_caseworker(user)):
        raise PermissionDenied
    form = RecipientsLetterForm(_posted(request), initial={"asked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            letter = request_recipients_letter_send(
                request_id=rights_request.pk,
                by=user,
                asked_on=form.cleaned_data["asked_on"],
                method=form.cleaned_data["method"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(
                request,
                f"The letter naming the recipients is in the letters register ({letter.get_method_display().lower()}).",
            )
            return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/recipients_letter_form.html", {"rr": rights_request, "form": form})


@records_view
@require_http_methods(["GET", "POST"])
def restricted_use_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a use of restricted data on one of its grounds, or be told it may not be used (UK GDPR Art 18(2))."""
    user = _user(request)
    rights_request = request_get_for_user(user=user, pk=pk)
    if not (roles.is_manager(user) or roles.is_caseworker(user)):
        raise PermissionDenied
    if not rights_request.processing_restricted:
        raise Http404("Processing of this request's data is not restricted.")
    form = RestrictedUseForm(_posted(request), initial={"used_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            restricted_use_record(
                request_id=rights_request.pk,
                by=user,
                used_on=data["used_on"],
                used_by=data["used_by"],
                ground=data["ground"],
                what=data["what"],
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "The use of the restricted data is recorded.")
            return redirect("request_detail", pk=rights_request.pk)
    return render(request, "requests_app/restricted_use_form.html", {"rr": rights_request, "form": form})
