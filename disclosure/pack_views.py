"""Staff pages for the disclosure pack: make a pack or a preview, watch it render, download it, and send it
by portal link or by post.

Thin views: each reaches the request through requests_app.access and the pack through
disclosure.pack.selectors (Http404 for anything the user may not open), parses a form, calls one
service, and redirects; a refusal comes back as a message at the top of the page.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core import roles
from core.confirm import Confirmation, SummaryRow, confirmation_page, confirmed
from core.forms import GovukForm
from disclosure.models import DispatchMethod, DispatchStatus, Pack, PackStatus, PortalLink
from disclosure.pack import selectors
from disclosure.selectors import opinion_blockers
from disclosure.services import delivery, packs
from disclosure.services.common import log_event
from requests_app.access import request_get_for_user, requests_open_in_full_to
from requests_app.models import RightsRequest, Status
from requests_app.viewing import records_view
from rights import ApplicationError

PENDING_DISPATCH = frozenset({DispatchStatus.PREPARED, DispatchStatus.CHECKED})
TOKEN_SESSION_KEY = "disclosure_portal_token_{}"  # noqa: S105 - a session key name, not a secret
CODE_SESSION_KEY = "disclosure_portal_code_{}"


class PackForm(GovukForm):
    kind = forms.ChoiceField(
        choices=[
            ("preview", "A preview, watermarked on every page: for checking, never for sending"),
            ("pack", "The pack to send (the request must be approved)"),
        ],
        widget=forms.RadioSelect,
        label="What do you want to make?",
        error_messages={"required": "Choose a preview or the pack to send."},
    )


class RevokeForm(GovukForm):
    reason = forms.CharField(
        label="Why is the link revoked?", max_length=500, error_messages={"required": "Say why the link is revoked."}
    )


class DispatchForm(GovukForm):
    method = forms.ChoiceField(
        choices=DispatchMethod.choices,
        widget=forms.RadioSelect,
        label="How is it sent?",
        error_messages={"required": "Choose how the pack is sent."},
    )
    tracking_number = forms.CharField(label="Tracking number (if you have it now)", max_length=100, required=False)


class CheckForm(GovukForm):
    confirmed = forms.BooleanField(
        label="The address on the pack matches the address on the verified evidence", required=False
    )
    typed_address = forms.CharField(
        label="The address on the evidence you checked",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
        help_text="Open the evidence scan and type the address it shows, not the name. It is compared with the "
        "address on the pack.",
    )


class SendForm(GovukForm):
    tracking_number = forms.CharField(label="Tracking number", max_length=100, required=False)


class CancelForm(GovukForm):
    reason = forms.CharField(
        label="Why is the dispatch cancelled?",
        max_length=500,
        error_messages={"required": "Say why the dispatch is cancelled."},
    )


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _rr(request: HttpRequest, pk: int) -> RightsRequest:
    """The request, if the user may open all its records (a pack holds every document): Http404 otherwise, also
    for a professional reviewer, who sees only the documents referred to them."""
    return request_get_for_user(
        user=_user(request),
        pk=pk,
        queryset=requests_open_in_full_to(_user(request)).select_related("subject", "requester"),
    )


def _pack(request: HttpRequest, pk: int, pack_id: int) -> tuple[RightsRequest, Pack]:
    rr = _rr(request, pk)
    return rr, selectors.pack_get_for_user(user=_user(request), pk=pack_id, request_pk=rr.pk)


def _status_url(pack: Pack) -> str:
    return reverse("disclosure:pack", args=[pack.request_id, pack.pk])


def _refused(request: HttpRequest, form: GovukForm | None = None, error: ApplicationError | None = None) -> None:
    if error is not None:
        messages.error(request, error.message)
    elif form is not None:
        for _, message in form.error_summary:
            messages.error(request, message)


@records_view
@require_GET
def pack_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's packs and previews, and the form to make one."""
    rr = _rr(request, pk)
    return render(
        request,
        "disclosure/pack/list.html",
        {
            "rr": rr,
            "packs": list(selectors.packs_for_request(rr)),
            "form": PackForm(initial={"kind": "preview"}),
            "can_make": bool(roles.roles_of(_user(request)) & {roles.MANAGER, roles.CASEWORKER}),
        },
    )


@require_POST
def pack_new(request: HttpRequest, pk: int) -> HttpResponse:
    rr = _rr(request, pk)
    form = PackForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect("disclosure:packs", rr.pk)
    try:
        pack = packs.pack_request(request=rr, by=_user(request), preview=form.cleaned_data["kind"] == "preview")
    except ApplicationError as error:
        _refused(request, error=error)
        return redirect("disclosure:packs", rr.pk)
    return redirect(_status_url(pack))


@require_POST
def pack_cancel_view(request: HttpRequest, pk: int, pack_id: int) -> HttpResponse:
    """A Manager stops a pack being made: the render stops between parts and keeps nothing."""
    _, pack = _pack(request, pk, pack_id)
    try:
        packs.pack_cancel(pack=pack, by=_user(request))
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        messages.success(request, f"{'Preview' if pack.preview else 'Pack'} {pack.pk} is cancelled.")
    return redirect(_status_url(pack))


@records_view
@never_cache
@require_GET
def pack_status(request: HttpRequest, pk: int, pack_id: int) -> HttpResponse:
    """One pack: progress (the page reloads itself while it renders), verification, and delivery."""
    rr, pack = _pack(request, pk, pack_id)
    tokens = {
        link_id: request.session.pop(TOKEN_SESSION_KEY.format(link_id), None)
        for link_id in PortalLink.objects.filter(pack=pack).values_list("pk", flat=True)
    }
    new_links = {
        link_id: request.build_absolute_uri(reverse("disclosure:portal", args=[token]))
        for link_id, token in tokens.items()
        if token
    }
    phone_codes = {link_id: request.session.pop(CODE_SESSION_KEY.format(link_id), None) for link_id in tokens}
    delivery_rows = selectors.pack_delivery(pack)
    evidence = selectors.address_evidence(rr) if not pack.preview else []
    return render(
        request,
        "disclosure/pack/status.html",
        {
            "rr": rr,
            "pack": pack,
            "delivery": delivery_rows,
            "dispatch_pending": any(d.status in PENDING_DISPATCH for d in delivery_rows.dispatches),
            "new_links": new_links,
            "phone_codes": {link_id: code for link_id, code in phone_codes.items() if code},
            "phone_code_form": PhoneCodeForm(),
            "code_channel": rr.get_portal_code_channel_display(),
            "code_by_phone": rr.portal_code_channel == "phone",
            "dispatch_form": DispatchForm(initial={"method": DispatchMethod.RECORDED_DELIVERY}),
            "check_form": CheckForm(),
            "can_cancel": roles.is_manager(_user(request)),
            "evidence": [(item, selectors.evidence_address(item)) for item in evidence],
            "recorded_address": selectors.recorded_address(evidence),
            "send_form": SendForm(),
            "user_id": _user(request).pk,
            "can_send": bool(roles.roles_of(_user(request)) & {roles.MANAGER, roles.CASEWORKER}),
            "failed_checks": [c for c in pack.verification.get("checks", []) if not c.get("ok")],
            # The serious-harm opinions are relied on the day the pack goes: say before anyone tries.
            "send_blockers": opinion_blockers(rr, today=timezone.localdate())
            if pack.status == PackStatus.VERIFIED and not pack.preview
            else [],
        },
    )


@records_view
@never_cache
@require_GET
def pack_progress(request: HttpRequest, pk: int, pack_id: int) -> HttpResponse:
    """Just the progress panel, as a small page of its own (it reloads itself while the pack renders)."""
    rr, pack = _pack(request, pk, pack_id)
    return render(request, "disclosure/pack/progress.html", {"rr": rr, "pack": pack})


@records_view
@never_cache
@require_GET
def pack_download(request: HttpRequest, pk: int, pack_id: int) -> HttpResponseBase:
    """Staff download of a verified or released pack (or preview); logged. A failed pack has no file."""
    rr, pack = _pack(request, pk, pack_id)
    if pack.status not in {PackStatus.VERIFIED, PackStatus.RELEASED} or not pack.file:
        messages.error(request, "Only a verified pack can be downloaded.")
        return redirect(_status_url(pack))
    log_event(
        request=rr,
        action="pack_downloaded",
        detail=f"{'Preview' if pack.preview else 'Pack'} {pack.pk} downloaded by staff.",
        by=_user(request),
    )
    name = f"{rr.reference}-{'preview' if pack.preview else 'disclosure'}-{pack.pk}.pdf"
    response = FileResponse(pack.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def portal_link_new(request: HttpRequest, pk: int, pack_id: int) -> HttpResponse:
    """Create a link; with send=email the service then emails it (two facts: made, then sent)."""
    rr, pack = _pack(request, pk, pack_id)
    if request.POST.get("send") == "email" and not confirmed(request):
        who = f"{rr.addressee.full_name} ({'the requester' if rr.requester_id else 'the data subject'})"
        rows = [
            SummaryRow("Pack", f"Pack {pack.pk}: {pack.page_count} pages, {pack.get_status_display().lower()}"),
            SummaryRow("Who is told", f"{who}, by email to {rr.addressee.email or 'no address on record'}"),
            SummaryRow("What goes", "An email with a link to the pack and the request's reference; nothing from it"),
            SummaryRow("The link", f"Works for {settings.PORTAL_LINK_DAYS} days, opened with a one-time code"),
            SummaryRow("Status", f"Becomes {Status.DISCLOSED.label} once the email has gone"),
        ]
        confirmation = Confirmation(
            heading="Email the pack's link",
            caption=f"{rr.reference}: {rr.subject.full_name}",
            rows=rows,
            button="Confirm and email the link",
            warning="Once emailed, the link cannot be called back: only revoked.",
            back_url=_status_url(pack),
        )
        return confirmation_page(request, confirmation, rr=rr)
    try:
        link, token = delivery.portal_link_create(pack=pack, by=_user(request))
    except ApplicationError as error:
        _refused(request, error=error)
        return redirect(_status_url(pack))
    if request.POST.get("send") == "email":
        try:
            delivery.portal_link_send_email(link=link, token=token, by=_user(request))
        except ApplicationError as error:
            _refused(request, error=error)
        else:
            messages.success(request, "Portal link created and handed to the service to email.")
            return redirect(_status_url(pack))
    request.session[TOKEN_SESSION_KEY.format(link.pk)] = token  # shown once on the next page, then forgotten
    messages.success(request, "Portal link created. Copy it now: it will not be shown again.")
    return redirect(_status_url(pack))


@require_POST
def portal_link_posted(request: HttpRequest, pk: int, pack_id: int, link_id: int) -> HttpResponse:
    """Record that the letter with the link was posted, by whom: the pack is disclosed now."""
    _, pack = _pack(request, pk, pack_id)
    link = selectors.portal_link_get_for_user(user=_user(request), pk=link_id, pack=pack)
    try:
        delivery.portal_link_record_posted(link=link, by=_user(request))
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        messages.success(request, "Recorded as posted. The link now works, and the pack is disclosed.")
    return redirect(_status_url(pack))


class PhoneCodeForm(GovukForm):
    identity_check = forms.CharField(
        label="How did you check who is calling?",
        max_length=500,
        error_messages={"required": "Say how you checked who is calling."},
    )


@require_POST
def portal_code_phone(request: HttpRequest, pk: int, pack_id: int, link_id: int) -> HttpResponse:
    """A one-time code to read out by phone, once the caseworker has checked who is calling; shown once."""
    _, pack = _pack(request, pk, pack_id)
    link = selectors.portal_link_get_for_user(user=_user(request), pk=link_id, pack=pack)
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect(_status_url(pack))
    try:
        _, code = delivery.portal_code_issue_by_phone(
            link=link, by=_user(request), identity_check=form.cleaned_data["identity_check"]
        )
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        request.session[CODE_SESSION_KEY.format(link.pk)] = code  # shown once on the next page, then forgotten
    return redirect(_status_url(pack))


@require_POST
def portal_link_revoke(request: HttpRequest, pk: int, pack_id: int, link_id: int) -> HttpResponse:
    _, pack = _pack(request, pk, pack_id)
    link = selectors.portal_link_get_for_user(user=_user(request), pk=link_id, pack=pack)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect(_status_url(pack))
    try:
        delivery.portal_link_revoke(link=link, by=_user(request), reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        messages.success(request, "The link has been revoked: it no longer works.")
    return redirect(_status_url(pack))


@require_POST
def dispatch_new(request: HttpRequest, pk: int, pack_id: int) -> HttpResponse:
    _, pack = _pack(request, pk, pack_id)
    form = DispatchForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect(_status_url(pack))
    try:
        delivery.dispatch_prepare(
            pack=pack,
            by=_user(request),
            method=form.cleaned_data["method"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        messages.success(request, "Prepared for the post. A second person must now check the address.")
    return redirect(_status_url(pack))


@require_POST
def dispatch_check(request: HttpRequest, pk: int, pack_id: int, dispatch_id: int) -> HttpResponse:
    _, pack = _pack(request, pk, pack_id)
    dispatch = selectors.dispatch_get_for_user(user=_user(request), pk=dispatch_id, pack=pack)
    form = CheckForm(request.POST)
    form.is_valid()
    try:
        delivery.dispatch_check_address(
            dispatch=dispatch,
            by=_user(request),
            confirmed=bool(form.cleaned_data.get("confirmed")),
            typed_address=form.cleaned_data.get("typed_address") or "",
        )
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        messages.success(request, "Address checked. The pack can now be posted.")
    return redirect(_status_url(pack))


@require_POST
def dispatch_send(request: HttpRequest, pk: int, pack_id: int, dispatch_id: int) -> HttpResponse:
    rr, pack = _pack(request, pk, pack_id)
    dispatch = selectors.dispatch_get_for_user(user=_user(request), pk=dispatch_id, pack=pack)
    form = SendForm(request.POST)
    form.is_valid()
    if not confirmed(request) and dispatch.status == DispatchStatus.CHECKED:  # else the service says why not
        rows = [
            SummaryRow("Pack", f"Pack {pack.pk}: {pack.page_count} pages"),
            SummaryRow(
                "Who is told",
                f"{pack.addressee_name or rr.addressee.full_name}, by {dispatch.get_method_display().lower()}",
            ),
            SummaryRow("Tracking number", form.cleaned_data.get("tracking_number", "") or "None"),
            SummaryRow("Status", f"Becomes {Status.DISCLOSED.label}: the response is given"),
        ]
        confirmation = Confirmation(
            heading="Record the pack as posted",
            caption=f"{rr.reference}: {rr.subject.full_name}",
            rows=rows,
            button="Confirm and record as posted",
            warning="Record it only once the envelope has gone: this cannot be undone.",
            back_url=_status_url(pack),
        )
        return confirmation_page(request, confirmation, rr=rr)
    try:
        delivery.dispatch_send(
            dispatch=dispatch, by=_user(request), tracking_number=form.cleaned_data.get("tracking_number", "")
        )
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        messages.success(request, "Recorded as posted. The request is now disclosed.")
    return redirect(_status_url(pack))


@require_POST
def dispatch_cancel(request: HttpRequest, pk: int, pack_id: int, dispatch_id: int) -> HttpResponse:
    _, pack = _pack(request, pk, pack_id)
    dispatch = selectors.dispatch_get_for_user(user=_user(request), pk=dispatch_id, pack=pack)
    form = CancelForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
        return redirect(_status_url(pack))
    try:
        delivery.dispatch_cancel(dispatch=dispatch, by=_user(request), reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        _refused(request, error=error)
    else:
        messages.success(request, "The dispatch was cancelled.")
    return redirect(_status_url(pack))
