"""Staff pages for breaches: record one (from a request, a pack or on its own), contain, decide, and the log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework.access import breach_get_for_user
from casework.forms.breaches import (
    AffectedLetterForm,
    AssessForm,
    BreachRecordForm,
    CloseForm,
    ConfirmationForm,
    IcoReportForm,
    RecallForm,
    ReportDecisionForm,
    TellForm,
)
from casework.forms.complaints import StepForm
from casework.models import BreachLetter, BreachNotice, BreachView
from casework.selectors.breaches import breach_log, breach_page
from casework.services import breaches as services
from casework.services.breach_clock import breach_notice_read as notice_read
from casework.views.common import action_page, letter_download, letter_posted_page, signed_in
from core import roles
from disclosure.models import Pack
from requests_app.access import request_get_for_user
from requests_app.models import RightsRequest
from rights import ApplicationError
from rights.breaches import DISCLOSURE_IN_ERROR

PAGE_SIZE = 50


def _staff(request: HttpRequest) -> User:
    user = signed_in(request)
    if not (roles.is_manager(user) or roles.is_caseworker(user)):
        raise PermissionDenied
    return user


def _manager(request: HttpRequest) -> User:
    user = signed_in(request)
    if not roles.is_manager(user):
        raise PermissionDenied
    return user


@require_http_methods(["GET", "HEAD"])
def breach_list(request: HttpRequest) -> HttpResponse:
    """The Manager's breach log: every breach, reported or not (UK GDPR Art 33(5))."""
    user = _manager(request)
    notices = list(
        BreachNotice.objects.filter(recipient=user, read_at__isnull=True).select_related("breach").order_by("-pk")[:50]
    )
    return render(
        request,
        "casework/breach_log.html",
        {"breaches": breach_log(user=user)[:500], "now": timezone.now(), "notices": notices},
    )


def _source(user: User, request: HttpRequest) -> tuple[RightsRequest | None, Pack | None]:
    """The request or pack the breach starts from (?request=<pk> or ?pack=<pk>), checked against the user's access."""
    pack_id, request_id = request.GET.get("pack", ""), request.GET.get("request", "")
    if pack_id.isdigit():
        pack = Pack.objects.select_related("request").filter(pk=int(pack_id)).first()
        if pack is None:
            raise Http404("No such pack")
        request_get_for_user(user=user, pk=pack.request_id)
        return pack.request, pack
    if request_id.isdigit():
        return request_get_for_user(user=user, pk=int(request_id)), None
    return None, None


@require_http_methods(["GET", "POST"])
def breach_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    rights_request, pack = _source(user, request)
    initial: dict[str, Any] = {"people_affected": 1, "children_affected": 0}
    if pack is not None:
        initial["cause"] = "wrong_recipient"
    form = BreachRecordForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and "discovered_at" in form.cleaned_data:
        data = form.cleaned_data
        try:
            breach = services.breach_record(
                by=user,
                request=rights_request,
                pack=pack,
                facts=services.BreachFacts(
                    cause=data["cause"],
                    what_happened=data["what_happened"],
                    discovered_at=data["discovered_at"],
                    data_involved=data["data_involved"],
                    people_affected=data["people_affected"],
                    children_affected=data["children_affected"],
                    special_category=data["special_category"],
                    recipient=data["recipient"],
                ),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            return redirect("casework:breach", breach.pk)
    return render(
        request,
        "casework/breach_form.html",
        {
            "form": form,
            "rr": rights_request,
            "pack": pack,
            "revokes": pack is not None,
            "disclosure_causes": sorted(c.value for c in DISCLOSURE_IN_ERROR),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
def breach_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    breach = breach_get_for_user(user=user, pk=pk)
    BreachView.objects.create(breach=breach, user=user)
    page = breach_page(breach=breach, now=timezone.now())
    return render(
        request,
        "casework/breach_detail.html",
        {"page": page, "breach": breach, "is_manager": roles.is_manager(user)},
    )


def _back(pk: int) -> str:
    return reverse("casework:breach", args=[pk])


ACTIONS: dict[str, tuple[type[Any], str, str]] = {
    "revoke": (StepForm, "Revoke the pack's portal links", "Portal links revoked."),
    "recall": (RecallForm, "Record the recall", "Recall recorded."),
    "confirmation": (ConfirmationForm, "Record the recipient's confirmation", "Confirmation recorded."),
    "assess": (AssessForm, "Assess the risk", "Risk assessed."),
    "report-decision": (ReportDecisionForm, "Decide whether to report to the ICO", "Decision recorded."),
    "report": (IcoReportForm, "Record the report to the ICO", "Report recorded."),
    "tell": (TellForm, "Decide whether to tell the people affected", "Decision recorded."),
    "letter": (AffectedLetterForm, "Write to a person affected", "Letter generated and filed."),
    "close": (CloseForm, "Close the breach record", "Breach closed."),
}


@require_http_methods(["GET", "POST"])
def breach_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = _staff(request)
    breach = breach_get_for_user(user=user, pk=pk)
    if name not in ACTIONS:
        raise Http404("No such action")
    form_class, title, done = ACTIONS[name]

    def act(data: dict[str, Any]) -> object:
        if name == "revoke":
            return services.breach_revoke_links(breach=breach, by=user)
        if name == "recall":
            return services.breach_record_recall(
                breach=breach,
                by=user,
                on=data["on"],
                details=data["details"],
                addressee=data["addressee"],
                address=data["address"],
                email=data["email"],
            )
        if name == "confirmation":
            return services.breach_record_confirmation(
                breach=breach, by=user, on=data["on"], confirmation=data["confirmation"]
            )
        if name == "assess":
            return services.breach_assess(breach=breach, by=user, risk=data["risk"], reasons=data["reasons"])
        if name == "report-decision":
            return services.breach_decide_report(
                breach=breach, by=user, report=data["report"] == "yes", reasons=data["reasons"]
            )
        if name == "report":
            if "reported_at" not in data:
                raise ApplicationError("Enter the date and time of the report.", field="reported_time")
            return services.breach_record_report(
                breach=breach,
                by=user,
                reported_at=data["reported_at"],
                reference=data["reference"],
                late_reasons=data["late_reasons"],
            )
        if name == "tell":
            return services.breach_decide_tell(
                breach=breach, by=user, tell=data["tell"] == "yes", reasons=data["reasons"]
            )
        if name == "letter":
            return services.breach_letter_affected(
                breach=breach,
                by=user,
                addressee=data["addressee"],
                address=data["address"],
                what_we_did=data["what_we_did"],
                what_you_can_do=data["what_you_can_do"],
                email=data["email"],
            )
        return services.breach_close(breach=breach, by=user, lessons=data["lessons"])

    return action_page(
        request, form_class=form_class, title=title, caption=breach.reference, back=_back(pk), act=act, done=done
    )


@require_http_methods(["GET", "HEAD"])
def breach_letter_file(request: HttpRequest, pk: int, letter_id: int) -> FileResponse:
    user = _staff(request)
    breach = breach_get_for_user(user=user, pk=pk)
    letter = BreachLetter.objects.filter(breach=breach, pk=letter_id).first()
    return letter_download(letter, reference=breach.reference, viewed=BreachView(breach=breach, user=user))


@require_http_methods(["GET", "POST"])
def breach_letter_posted(request: HttpRequest, pk: int, letter_id: int) -> HttpResponse:
    user = _staff(request)
    breach = breach_get_for_user(user=user, pk=pk)
    letter = BreachLetter.objects.filter(breach=breach, pk=letter_id).first()
    addressee = letter.addressee if letter is not None else ""
    return letter_posted_page(
        request, letter=letter, user=user, reference=breach.reference, back=_back(pk), addressee=addressee
    )


@require_http_methods(["POST"])
def breach_notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice_read(notice_id=notice_id, user=_manager(request))
    return redirect("casework:breaches")
