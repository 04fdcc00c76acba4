"""A third party's answer link (no login: the token, then a one-time code to the address the request went to).

The pages show only what the request for consent itself said: what would be disclosed about them and why, in
general terms; nothing else about the request, the data subject or the requester.
"""

from __future__ import annotations

import time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import GovukForm
from disclosure import access
from disclosure.models import ConsentAnswerLink
from disclosure.portal_views import CodeForm, _masked, _page, _visitor, active_link_or_refusal, session_verified
from disclosure.services import consent_links, returns
from requests_app.models import CodeChannel
from rights import ApplicationError
from rights.owners import ConsentAnswer

VERIFIED_KEY = "disclosure_consent_answer_{}"
VERIFIED_SECONDS = 60 * 60  # a right code opens the answer page for an hour in this browser


class OnlineAnswerForm(GovukForm):
    answer = forms.ChoiceField(
        choices=[
            (ConsentAnswer.CONSENT.value, "Yes, I consent"),
            (ConsentAnswer.REFUSAL.value, "No, I do not consent"),
        ],
        widget=forms.RadioSelect,
        label="Do you consent to this information about you being disclosed?",
        error_messages={"required": "Choose whether you consent."},
    )
    comment = forms.CharField(
        label="Anything you want to tell us (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _refused(request: HttpRequest, state: str) -> HttpResponse:
    return _page(
        request, "disclosure/consent_answer/refused.html", {"state": state}, status=404 if state == "unknown" else 403
    )


def _is_verified(request: HttpRequest, link_id: int) -> bool:
    return session_verified(request, VERIFIED_KEY.format(link_id), VERIFIED_SECONDS)


def _link_or_refusal(request: HttpRequest, token: str) -> tuple[ConsentAnswerLink | None, HttpResponse | None]:
    return active_link_or_refusal(request, consent_links.consent_link_by_token(token), _refused)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def consent_answer_open(request: HttpRequest, token: str) -> HttpResponse:
    """Send the code; once it is entered, the answer page for this request for consent only."""
    link, refusal = _link_or_refusal(request, token)
    if link is None:
        assert refusal is not None  # noqa: S101 - _link_or_refusal gives one or the other
        return refusal
    consent = link.consent
    context: dict[str, object] = {"consent": consent, "sent_to": _masked(CodeChannel.EMAIL, link.sent_to)}
    if not _is_verified(request, link.pk):
        if request.method == "POST":
            try:
                consent_links.consent_code_send(link_id=link.pk, visitor=_visitor(request))
            except ApplicationError as error:
                messages.error(request, error.message)
            return redirect("disclosure:consent_answer_code", token)
        return _page(request, "disclosure/consent_answer/start.html", context)
    form = OnlineAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_links.consent_answer_online(
                link_id=link.pk,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
                visitor=_visitor(request),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            request.session[VERIFIED_KEY.format(link.pk)] = None
            return _page(
                request,
                "disclosure/consent_answer/done.html",
                {"consent": consent, "answer": form.cleaned_data["answer"]},
            )
    return _page(
        request,
        "disclosure/consent_answer/answer.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def consent_answer_code(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time code sent to the address the request for consent went to."""
    link, refusal = _link_or_refusal(request, token)
    if link is None:
        assert refusal is not None  # noqa: S101
        return refusal
    context: dict[str, object] = {
        "sent_to": _masked(CodeChannel.EMAIL, link.sent_to),
        "minutes": returns.CODE_MINUTES,
    }
    if request.method == "POST" and request.POST.get("resend"):
        form = CodeForm()
        try:
            consent_links.consent_code_send(link_id=link.pk, visitor=_visitor(request))
        except ApplicationError as error:
            form.add_error(None, error.message)
            return _page(request, "disclosure/returns/code.html", {**context, "form": form}, status=429)
        return redirect("disclosure:consent_answer_code", token)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = consent_links.consent_code_check(
            link_id=link.pk, code=form.cleaned_data["code"], visitor=_visitor(request)
        )
        if outcome.ok:
            request.session.cycle_key()
            request.session[VERIFIED_KEY.format(link.pk)] = time.time()
            return redirect("disclosure:consent_answer_open", token)
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


# Staff ------------------------------------------------------------------------------------------


class RevokeForm(GovukForm):
    reason = forms.CharField(label="Why is the link withdrawn?", max_length=500)


@require_POST
def consent_answer_link_revoke(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    """Withdraw a third party's answer link, saying why."""
    user = request.user
    link = access.consent_answer_link_get_for_user(user=user, pk=link_id)
    party = link.consent.third_party
    if party.request_id != pk:
        raise Http404("No such answer link.")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the link is withdrawn.")
    else:
        try:
            consent_links.consent_link_revoke(by=user, link=link, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"The link sent to {party.name} no longer works.")
    return redirect("disclosure:third_party", pk, party.pk)
