"""The requester's portal: open the link, give the reference and the data subject's date of birth, download.

No login (these views are exempt from LoginRequiredMiddleware), no staff navigation, plain GOV.UK
markup that works without JavaScript and on a phone. The token in the URL is looked up by its hash;
a correct answer opens the download for this browser session only, for a short time. Every try and
every download is logged with time, IP address and browser.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import GovukDateField, GovukForm
from disclosure.models import PortalLink
from disclosure.services.delivery import (
    CODE_MINUTES,
    USER_AGENT_LENGTH,
    PortalOutcome,
    PortalVisitor,
    code_contact,
    portal_code_check,
    portal_code_send,
    portal_download,
    portal_link_by_token,
    portal_opened,
    portal_unlock,
)
from requests_app.models import CodeChannel
from rights import ApplicationError

UNLOCKED_KEY = "disclosure_portal_unlocked_{}"
ANSWERED_KEY = "disclosure_portal_answered_{}"  # the reference and date of birth were right: the code comes next
UNLOCK_SECONDS = 30 * 60  # a correct answer opens the download for half an hour in this browser


class UnlockForm(GovukForm):
    reference = forms.CharField(
        label="Reference",
        max_length=40,
        help_text="It is in the letter or email we sent you, for example RR-2026-0042.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "data-width": "govuk-input--width-10"}
        ),
    )
    date_of_birth = GovukDateField(
        label="Date of birth of the person the information is about",
        help_text="For example, 27 3 2012",
        not_future=True,
    )


def _visitor(request: HttpRequest) -> PortalVisitor:
    """Who is asking; REMOTE_ADDR is the client's address as the proxy (SECURE_PROXY_SSL_HEADER setups) passes it."""
    address = request.META.get("REMOTE_ADDR") or None
    return PortalVisitor(
        ip_address=address, user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]
    )


ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def _private(response: ResponseT) -> ResponseT:
    """Not cached, not indexed, and the token in the address never sent on as a referrer."""
    response["Cache-Control"] = "no-store, private"
    # Never sent to another site. Not "no-referrer": then the browser sends "Origin: null" with the unlock form,
    # and Django's CSRF check refuses every requester.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class _TokenLink(Protocol):
    pk: Any

    def state(self, now: dt.datetime) -> str: ...


TokenLink = TypeVar("TokenLink", bound=_TokenLink)


def session_verified(request: HttpRequest, key: str, seconds: int) -> bool:
    """True while the right code entered in this browser (its time kept under `key`) is under `seconds` old."""
    at = request.session.get(key)
    return isinstance(at, int | float) and 0 <= time.time() - at <= seconds


def active_link_or_refusal(
    request: HttpRequest, link: TokenLink | None, refused: Callable[[HttpRequest, str], HttpResponse]
) -> tuple[TokenLink | None, HttpResponse | None]:
    """The token's link when it is active, or the page refusing it (unknown, expired, used, withdrawn, locked)."""
    if link is None:
        return None, refused(request, "unknown")
    state = link.state(timezone.now())
    if state != "active":
        return None, refused(request, state)
    return link, None


def _page(request: HttpRequest, template: str, context: dict[str, object], status: int = 200) -> HttpResponse:
    context.setdefault("organisation", settings.ORGANISATION)
    return _private(render(request, template, context, status=status))


def _refusal(request: HttpRequest, outcome: PortalOutcome) -> HttpResponse:
    status = 404 if outcome.state == "unknown" else 403
    return _page(request, "portal/refused.html", {"state": outcome.state}, status=status)


def _is_unlocked(request: HttpRequest, link_id: int) -> bool:
    opened = request.session.get(UNLOCKED_KEY.format(link_id))
    return isinstance(opened, int | float) and 0 <= time.time() - opened <= UNLOCK_SECONDS


def _has_answered(request: HttpRequest, link_id: int) -> bool:
    answered = request.session.get(ANSWERED_KEY.format(link_id))
    return isinstance(answered, int | float) and 0 <= time.time() - answered <= UNLOCK_SECONDS


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=12,
        help_text="6 digits",
        error_messages={"required": "Enter the code."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "data-width": "govuk-input--width-5",
            }
        ),
    )


def _masked(channel: str, to: str) -> str:
    """Enough of the address for the requester to recognise it, not enough to learn it."""
    if channel == CodeChannel.EMAIL and "@" in to:
        name, domain = to.split("@", 1)
        return f"{name[:1]}{'•' * max(len(name) - 1, 2)}@{domain}"
    return f"the phone number ending {to[-3:]}" if to else ""


def _code_page(request: HttpRequest, link: PortalLink, token: str, form: CodeForm, status: int = 200) -> HttpResponse:
    request_ = link.pack.request
    try:
        channel, to = code_contact(request_)
    except ApplicationError:
        channel, to = CodeChannel.PHONE, ""
    context = {
        "form": form,
        "token": token,
        "channel": channel,
        "sent_to": _masked(channel, to),
        "minutes": CODE_MINUTES,
    }
    return _page(request, "portal/code.html", context, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def portal_open(request: HttpRequest, token: str) -> HttpResponse:
    """Ask for the reference and the date of birth; on a right answer, show the download."""
    link = portal_link_by_token(token)
    if link is None:
        return _refusal(request, PortalOutcome("unknown"))
    state = link.state(timezone.now())
    if state != "active":
        return _refusal(request, PortalOutcome(state, link))
    if request.method == "GET":
        if _has_answered(request, link.pk) and not _is_unlocked(request, link.pk):
            return redirect("disclosure:portal_code", token)
        if _is_unlocked(request, link.pk):
            opened = portal_opened(link_id=link.pk, visitor=_visitor(request))
            if not opened.ok:
                return _refusal(request, opened)
            return _page(request, "portal/download.html", {"token": token, "pack": link.pack, "link": link})
        return _page(request, "portal/unlock.html", {"form": UnlockForm(), "token": token})

    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _page(request, "portal/unlock.html", {"form": form, "token": token}, status=400)
    outcome = portal_unlock(
        token=token,
        reference=form.cleaned_data["reference"],
        date_of_birth=form.cleaned_data["date_of_birth"],
        visitor=_visitor(request),
    )
    if outcome.state == "wrong":
        form.add_error(
            None,
            "The reference or the date of birth is not right. "
            + (
                f"You have {outcome.tries_left} more {'try' if outcome.tries_left == 1 else 'tries'} "
                "before this link is locked."
            ),
        )
        return _page(request, "portal/unlock.html", {"form": form, "token": token}, status=400)
    if not outcome.ok or outcome.link is None:
        return _refusal(request, outcome)
    request.session.cycle_key()
    request.session[ANSWERED_KEY.format(outcome.link.pk)] = time.time()
    # By phone, or a code went less than a minute ago: the code page says what to do.
    with contextlib.suppress(ApplicationError):
        portal_code_send(link_id=outcome.link.pk, visitor=_visitor(request))
    return redirect("disclosure:portal_code", token)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def portal_code(request: HttpRequest, token: str) -> HttpResponse:
    """The second factor: the one-time code sent to the contact the requester chose, or read out by phone."""
    link = portal_link_by_token(token)
    if link is None:
        return _refusal(request, PortalOutcome("unknown"))
    state = link.state(timezone.now())
    if state != "active":
        return _refusal(request, PortalOutcome(state, link))
    if not _has_answered(request, link.pk):
        return redirect("disclosure:portal", token)
    if request.method == "GET":
        return _code_page(request, link, token, CodeForm())
    if request.POST.get("resend"):
        form = CodeForm()
        try:
            portal_code_send(link_id=link.pk, visitor=_visitor(request))
        except ApplicationError as error:
            form.add_error(None, error.message)
            return _code_page(request, link, token, form, status=429)
        return redirect("disclosure:portal_code", token)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _code_page(request, link, token, form, status=400)
    outcome = portal_code_check(link_id=link.pk, code=form.cleaned_data["code"], visitor=_visitor(request))
    if outcome.state == "wrong":
        form.add_error(
            "code",
            f"The code is not right. You have {outcome.tries_left} more {'try' if outcome.tries_left == 1 else 'tries'}.",
        )
        return _code_page(request, link, token, form, status=400)
    if outcome.state == "no_code":
        form.add_error(
            "code", "That code has expired, been used, or been entered wrongly too often. Ask for a new one."
        )
        return _code_page(request, link, token, form, status=400)
    if not outcome.ok or outcome.link is None:
        return _refusal(request, outcome)
    request.session.cycle_key()
    request.session.pop(ANSWERED_KEY.format(link.pk), None)
    request.session[UNLOCKED_KEY.format(link.pk)] = time.time()
    return redirect("disclosure:portal", token)


@login_not_required
@never_cache
@require_GET
def portal_file(request: HttpRequest, token: str) -> HttpResponseBase:
    """The pack itself, for a browser that gave the right answer in the last half hour; every download logged."""
    link = portal_link_by_token(token)
    if link is None:
        return _refusal(request, PortalOutcome("unknown"))
    if not _is_unlocked(request, link.pk):
        return redirect("disclosure:portal", token)
    outcome = portal_download(link_id=link.pk, visitor=_visitor(request))
    if not outcome.ok:
        request.session.pop(UNLOCKED_KEY.format(link.pk), None)
        return _refusal(request, outcome)
    pack = link.pack
    response = FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=f"{pack.request.reference}-your-information.pdf",
        content_type="application/pdf",
    )
    return _private(response)
