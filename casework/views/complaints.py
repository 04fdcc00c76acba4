"""Staff pages for complaints: the list, logging one, its page, its steps, updates, remedies and the ICO."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework.access import complaint_get_for_user
from casework.forms.complaints import (
    AssignForm,
    ComplaintLogForm,
    IcoCaseForm,
    IcoReferralForm,
    LinkForm,
    OutcomeForm,
    ProgressForm,
    RemedyForm,
    StepForm,
)
from casework.models import OPEN_COMPLAINT_STATUSES, ComplaintLetter, ComplaintNotice, ComplaintStatus, ComplaintView
from casework.selectors.complaints import complaint_list, complaint_page
from casework.services import complaints as services
from casework.views.common import action_page, letter_download, letter_posted_page, signed_in
from core import roles
from requests_app.access import request_get_for_user
from requests_app.models import RightsRequest
from requests_app.selectors import working_calendar
from rights import ApplicationError, acknowledgement_due

PAGE_SIZE = 25


def _staff(request: HttpRequest) -> User:
    user = signed_in(request)
    if not (roles.is_manager(user) or roles.is_caseworker(user)):
        raise PermissionDenied
    return user


def _visible_request(user: User, reference: str) -> RightsRequest | None:
    """The request named by reference, if this user may open it; an unknown or hidden one is an error."""
    cleaned = reference.strip().upper()
    if not cleaned:
        return None
    found = RightsRequest.objects.filter(reference=cleaned).values_list("pk", flat=True).first()
    if found is None:
        raise ApplicationError(f"There is no request {cleaned}.", field="request_reference")
    try:
        return request_get_for_user(user=user, pk=found)
    except Http404:
        raise ApplicationError(f"There is no request {cleaned}.", field="request_reference") from None


@require_http_methods(["GET", "HEAD"])
def complaints(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    status = request.GET.get("status", "")
    if status and status not in ComplaintStatus.values:
        status = ""
    open_only = not status and request.GET.get("all") != "1"
    page = Paginator(complaint_list(user=user, status=status, open_only=open_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    notices = list(
        ComplaintNotice.objects.filter(recipient=user, read_at__isnull=True).select_related("complaint")[:50]
    )
    return render(
        request,
        "casework/complaint_list.html",
        {
            "page": page,
            "status": status,
            "open_only": open_only,
            "statuses": ComplaintStatus.choices,
            "today": timezone.localdate(),
            "open_statuses": OPEN_COMPLAINT_STATUSES,
            "notices": notices,
        },
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Log a complaint; ?request=<pk> (from a request's page) starts it as about that request."""
    user = _staff(request)
    initial: dict[str, Any] = {}
    about = request.GET.get("request", "")
    if about.isdigit():
        initial = {"about": "request", "request_reference": request_get_for_user(user=user, pk=int(about)).reference}
    form = ComplaintLogForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            linked = _visible_request(user, data["request_reference"])
            complaint = services.complaint_log(
                by=user,
                channel=data["channel"],
                received=data["received"],
                request=linked,
                details=services.ComplaintDetails(
                    complainant_name=data["complainant_name"],
                    on_behalf_of=data["on_behalf_of"],
                    about=data["about"],
                    request_reference=data["request_reference"],
                    what_went_wrong=data["what_went_wrong"],
                    what_they_want=data["what_they_want"],
                    reply_by=data["reply_by"],
                    email=data["email"],
                    phone=data["phone"],
                    address=data["address"],
                ),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            return redirect("casework:complaint", complaint.pk)
    return render(request, "casework/complaint_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD"])
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    ComplaintView.objects.create(complaint=complaint, user=user)
    page = complaint_page(complaint=complaint)
    today = timezone.localdate()
    # The ICO referral has its own page (its reference and what it asked), linked below the buttons.
    steps = [name for name in services.available_steps(complaint=complaint, user=user) if name != "refer_to_ico"]
    deadline = acknowledgement_due(received=complaint.received, calendar=working_calendar())
    request_visible = False
    if complaint.request_id is not None:
        try:
            request_get_for_user(user=user, pk=complaint.request_id)
            request_visible = True
        except Http404:
            request_visible = False
    return render(
        request,
        "casework/complaint_detail.html",
        {
            "page": page,
            "complaint": complaint,
            "deadline": deadline,
            "today": today,
            "overdue": complaint.is_acknowledgement_overdue(today),
            "steps": [(name, services.STEP_LABELS[name]) for name in steps],
            "is_manager": roles.is_manager(user),
            "request_visible": request_visible,
        },
    )


def _back(pk: int) -> str:
    return reverse("casework:complaint", args=[pk])


@require_http_methods(["GET", "POST"])
def complaint_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    if name not in services.STEP_LABELS or name == "refer_to_ico":
        raise Http404("No such step")
    if name == "send_outcome" and not complaint.has_outcome():
        return redirect("casework:complaint_outcome", pk)
    intros = {
        "acknowledge": "An acknowledgement letter is generated and filed with the complaint, ready to send.",
        "send_outcome": "The outcome letter is generated and filed with the complaint, ready to send.",
    }
    return action_page(
        request,
        form_class=StepForm,
        title=services.STEP_LABELS[name],
        caption=complaint.reference,
        back=_back(pk),
        intro=intros.get(name, ""),
        submit=services.STEP_LABELS[name],
        act=lambda data: services.complaint_step(complaint=complaint, by=user, step=name, reason=data["reason"]),
        done=f"{services.STEP_LABELS[name]}: done.",
    )


@require_http_methods(["GET", "POST"])
def complaint_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    return action_page(
        request,
        form_class=OutcomeForm,
        title="Record the outcome",
        caption=complaint.reference,
        back=_back(pk),
        initial={"finding": complaint.finding, "outcome": complaint.outcome},
        act=lambda data: services.complaint_record_outcome(
            complaint=complaint, by=user, finding=data["finding"], outcome=data["outcome"]
        ),
        done="Outcome recorded. Check it, then send it.",
    )


@require_http_methods(["GET", "POST"])
def complaint_progress(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    return action_page(
        request,
        form_class=ProgressForm,
        title="Record progress",
        caption=complaint.reference,
        back=_back(pk),
        act=lambda data: services.complaint_progress_update(
            complaint=complaint,
            by=user,
            update=data["update"],
            complainant_told=data["complainant_told"],
            send_letter=data["send_letter"],
        ),
        done="Progress recorded.",
    )


@require_http_methods(["GET", "POST"])
def complaint_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    return action_page(
        request,
        form_class=LinkForm,
        title="Link to a rights request",
        caption=complaint.reference,
        back=_back(pk),
        initial={"request_reference": complaint.request.reference if complaint.request else ""},
        act=lambda data: services.complaint_link_request(
            complaint=complaint, by=user, request=_visible_request(user, data["request_reference"])
        ),
        done="Link saved.",
    )


@require_http_methods(["GET", "POST"])
def complaint_remedy(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)

    def act(data: dict[str, Any]) -> object:
        return services.complaint_remedy_add(
            complaint=complaint,
            by=user,
            kind=data["kind"],
            description=data["description"],
            request=_visible_request(user, data["request_reference"]),
            work_reference=data["work_reference"],
        )

    return action_page(
        request,
        form_class=RemedyForm,
        title="Add a remedy",
        caption=complaint.reference,
        back=_back(pk),
        act=act,
        done="Remedy added.",
    )


@require_http_methods(["GET", "POST"])
def complaint_remedy_done(request: HttpRequest, pk: int, remedy_id: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    remedy = complaint.remedies.filter(pk=remedy_id).first()
    if remedy is None:
        raise Http404("No such remedy")
    return action_page(
        request,
        form_class=StepForm,
        title="Mark the remedy done",
        caption=complaint.reference,
        back=_back(pk),
        intro=remedy.description,
        act=lambda data: services.complaint_remedy_done(remedy=remedy, by=user, done_on=timezone.localdate()),
        done="Remedy done.",
    )


@require_http_methods(["GET", "POST"])
def complaint_ico_referral(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    return action_page(
        request,
        form_class=IcoReferralForm,
        title="Record a referral to the ICO",
        caption=complaint.reference,
        back=_back(pk),
        act=lambda data: services.complaint_refer_to_ico(
            complaint=complaint, by=user, ico_reference=data["ico_reference"], ico_asked=data["ico_asked"]
        ),
        done="Referral recorded.",
    )


@require_http_methods(["GET", "POST"])
def complaint_ico_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    return action_page(
        request,
        form_class=IcoCaseForm,
        title="The ICO's case",
        caption=f"{complaint.reference}: ICO {complaint.ico_reference}",
        back=_back(pk),
        initial={
            "answered": complaint.ico_answered,
            "decision": complaint.ico_decision,
            "decided_on": complaint.ico_decided_on,
        },
        act=lambda data: services.complaint_record_ico(
            complaint=complaint,
            by=user,
            answered=data["answered"],
            decision=data["decision"],
            decided_on=data["decided_on"],
        ),
        done="ICO case updated.",
    )


@require_http_methods(["GET", "HEAD"])
def complaint_letter_file(request: HttpRequest, pk: int, letter_id: int) -> FileResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    letter = ComplaintLetter.objects.filter(complaint=complaint, pk=letter_id).first()
    return letter_download(letter, reference=complaint.reference, viewed=ComplaintView(complaint=complaint, user=user))


@require_http_methods(["GET", "POST"])
def complaint_letter_posted(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    letter = ComplaintLetter.objects.filter(complaint=complaint, pk=letter_id).first()
    return letter_posted_page(
        request,
        letter=letter,
        user=user,
        reference=complaint.reference,
        back=_back(pk),
        addressee=complaint.complainant_name,
    )


@require_http_methods(["POST"])
def complaint_notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    services.complaint_notice_read(notice_id=notice_id, user=_staff(request))
    return redirect("casework:complaints")


@require_http_methods(["GET", "POST"])
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    complaint = complaint_get_for_user(user=user, pk=pk)
    return action_page(
        request,
        form_class=AssignForm,
        title="Assign the complaint",
        caption=complaint.reference,
        back=_back(pk),
        initial={"assignee": complaint.assigned_to_id},
        act=lambda data: services.complaint_assign(complaint=complaint, by=user, assignee=data["assignee"]),
        done="Assigned.",
    )
