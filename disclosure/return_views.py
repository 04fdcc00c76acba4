"""An agency's return link (no login: the token, then a one-time code to the data owner's registered address),
and the staff pages about agency returns: a fresh link for the data owner, and the Manager's late list.

The agency pages show one agency request only, the one its link was made for: nothing of another
agency's request, and nothing of the data subject beyond the identifiers the agency searches by.
"""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core import roles
from core.forms import GovukForm, MultipleFileField
from disclosure import access
from disclosure.models import AgencyReturnLink
from disclosure.portal_views import CodeForm, _masked, _page, _visitor, active_link_or_refusal, session_verified
from disclosure.selectors import late_agency_returns
from disclosure.services import returns
from requests_app.models import CodeChannel
from rights import ApplicationError

VERIFIED_KEY = "disclosure_agency_return_{}"
CODE_ASKED_KEY = "disclosure_agency_return_code_{}"
VERIFIED_SECONDS = 60 * 60  # a right code opens the upload page for an hour in this browser


class ReturnForm(GovukForm):
    returned_by_name = forms.CharField(
        label="Your name", max_length=200, error_messages={"required": "Enter your name"}
    )
    records = MultipleFileField(
        label="Records",
        required=False,
        help_text="PDF, PNG or JPEG images, Word (.docx, .doc), Excel (.xlsx, .xls) or emails (.eml, .msg). "
        "You can choose several files.",
    )
    nothing_held = forms.BooleanField(
        label="We hold no records about this person in the dates asked for",
        required=False,
    )
    notes = forms.CharField(
        label="Anything we should know (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _refused(request: HttpRequest, state: str) -> HttpResponse:
    return _page(
        request, "disclosure/returns/refused.html", {"state": state}, status=404 if state == "unknown" else 403
    )


def _is_verified(request: HttpRequest, link_id: int) -> bool:
    return session_verified(request, VERIFIED_KEY.format(link_id), VERIFIED_SECONDS)


def _link_or_refusal(request: HttpRequest, token: str) -> tuple[AgencyReturnLink | None, HttpResponse | None]:
    return active_link_or_refusal(request, returns.return_link_by_token(token), _refused)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def agency_return_open(request: HttpRequest, token: str) -> HttpResponse:
    """Send the code; once it is entered, the upload page for this agency request only."""
    link, refusal = _link_or_refusal(request, token)
    if link is None:
        if refusal is not None and refusal.status_code == 403:
            found = returns.return_link_by_token(token)
            if found is not None and _is_verified(request, found.pk) and not found.agency_request.is_open:
                return redirect("disclosure:agency_return_sent", token)
        assert refusal is not None  # noqa: S101 - _link_or_refusal gives one or the other
        return refusal
    agency_request = link.agency_request
    if not _is_verified(request, link.pk):
        if request.method == "POST":
            try:
                returns.return_code_send(link_id=link.pk, visitor=_visitor(request))
            except ApplicationError as error:
                messages.error(request, error.message)
            request.session[CODE_ASKED_KEY.format(link.pk)] = time.time()
            return redirect("disclosure:agency_return_code", token)
        return _page(
            request,
            "disclosure/returns/start.html",
            {
                "agency_request": agency_request,
                "sent_to": _masked(CodeChannel.EMAIL, agency_request.agency.contact_email),
            },
        )
    form = ReturnForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = [
            returns.ReturnedUpload(name=str(upload.name), data=upload.read()) for upload in form.cleaned_data["records"]
        ]
        try:
            returns.agency_return_submit(
                link_id=link.pk,
                returned_by_name=form.cleaned_data["returned_by_name"],
                nothing_held=form.cleaned_data["nothing_held"],
                files=uploads,
                notes=form.cleaned_data["notes"],
                visitor=_visitor(request),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            return redirect("disclosure:agency_return_sent", token)
    context = {
        "form": form,
        "agency_request": agency_request,
        "identifiers": returns.subject_identifiers(agency_request.request),
        "scope": agency_request.scope or returns.ALL_RECORDS,
    }
    return _page(request, "disclosure/returns/upload.html", context, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def agency_return_code(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time code sent to the data owner's registered address."""
    link, refusal = _link_or_refusal(request, token)
    if link is None:
        assert refusal is not None  # noqa: S101
        return refusal
    to = link.agency_request.agency.contact_email
    context: dict[str, object] = {"sent_to": _masked(CodeChannel.EMAIL, to), "minutes": returns.CODE_MINUTES}
    if request.method == "POST" and request.POST.get("resend"):
        form = CodeForm()
        try:
            returns.return_code_send(link_id=link.pk, visitor=_visitor(request))
        except ApplicationError as error:
            form.add_error(None, error.message)
            return _page(request, "disclosure/returns/code.html", {**context, "form": form}, status=429)
        return redirect("disclosure:agency_return_code", token)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = returns.return_code_check(link_id=link.pk, code=form.cleaned_data["code"], visitor=_visitor(request))
        if outcome.ok:
            request.session.cycle_key()
            request.session[VERIFIED_KEY.format(link.pk)] = time.time()
            return redirect("disclosure:agency_return_open", token)
        if outcome.state == "wrong":
            form.add_error(
                "code",
                f"The code is not right. You have {outcome.tries_left} more "
                f"{'try' if outcome.tries_left == 1 else 'tries'}.",
            )
        elif outcome.state == "no_code":
            form.add_error(
                "code", "That code has expired, been used, or been entered wrongly too often. Ask for a new one."
            )
        else:
            return _refused(request, outcome.state)
    return _page(request, "disclosure/returns/code.html", {**context, "form": form}, status=400 if form.errors else 200)


@login_not_required
@never_cache
@require_http_methods(["GET"])
def agency_return_sent(request: HttpRequest, token: str) -> HttpResponse:
    """What the agency sent, and how each file's conversion is going (for the browser that sent it)."""
    link = returns.return_link_by_token(token)
    if link is None:
        return _refused(request, "unknown")
    if not _is_verified(request, link.pk):
        return _refused(request, link.state(timezone.now()) if link.state(timezone.now()) != "active" else "unverified")
    agency_return = getattr(link.agency_request, "agency_return", None)
    if agency_return is None:
        return redirect("disclosure:agency_return_open", token)
    files = list(agency_return.files.all())
    return _page(
        request,
        "disclosure/returns/sent.html",
        {"agency_request": link.agency_request, "agency_return": agency_return, "files": files},
    )


# Staff ------------------------------------------------------------------------------------------


@require_POST
def agency_return_link_send(request: HttpRequest, pk: int, agency_request_id: int) -> HttpResponse:
    """Email the data owner a fresh return link."""
    user = request.user
    asked = access.agency_request_get_for_user(user=user, pk=agency_request_id)
    if asked.request_id != pk:
        raise Http404("No such agency request.")
    try:
        returns.agency_return_link_resend(by=user, agency_request=asked)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"A new return link was emailed to {asked.agency.name}'s data owner.")
    return redirect("disclosure:request", pk)


@require_POST
def return_file_retry(request: HttpRequest, pk: int, return_file_id: int) -> HttpResponse:
    """Try a failed conversion of a returned file again."""
    user = request.user
    record = access.return_file_get_for_user(user=user, pk=return_file_id)
    if record.agency_return.agency_request.request_id != pk:
        raise Http404("No such returned file.")
    try:
        returns.return_file_retry(by=user, return_file=record)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"“{record.original_name}” will be converted again: refresh the page to see how it goes."
        )
    return redirect("disclosure:request", pk)


@require_http_methods(["GET"])
def late_returns(request: HttpRequest) -> HttpResponse:
    """The Manager's list: which agencies are late on which requests (every request: the Manager sees all)."""
    if not roles.is_manager(request.user):
        raise PermissionDenied("Only the Manager sees the late agency returns.")
    today = timezone.localdate()
    return render(
        request, "disclosure/returns/late.html", {"agencies": late_agency_returns(today=today), "today": today}
    )
