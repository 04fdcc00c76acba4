"""Second-factor pages (enrol an authenticator app or a passkey, prove it, recovery codes, one's own passkeys and
security keys) and the Manager's staff sign-in page (who has enrolled, who is locked out, reset a colleague's factors, clear a lock-out)."""

from __future__ import annotations

from base64 import b32encode
from io import BytesIO
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import services
from accounts.forms import ResetFactorsForm, TokenForm
from accounts.models import SecurityEvent
from core import roles

NEW_CODES_SESSION_KEY = "accounts_new_recovery_codes"
# Where the enrolment page was to go next, for a passkey enrolled on it (its script posts to a JSON endpoint).
ENROL_NEXT_SESSION_KEY = "accounts_enrol_next"


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in (or after a reset): add an authenticator app, confirmed by one of its codes."""
    user = _user(request)
    if django_otp.user_has_device(user):
        return redirect("two_factor_verify")
    device = services.totp_device_pending(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.totp_enrol_confirm(user=user, device=device, token=form.cleaned_data["token"])
        except services.AccountError as error:
            form.add_error("token", str(error))
        else:
            django_otp.login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': _next(request)})}")
    request.session[ENROL_NEXT_SESSION_KEY] = resolve_url(_next(request))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "secret": secret,
            "qr_svg": _qr_svg(device.config_url),
            "next": _next(request),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code the app shows now, or one of the recovery codes."""
    user = _user(request)
    if not django_otp.user_has_device(user):
        return redirect("two_factor_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", "The code is wrong or has expired: enter the code your app shows now")
        else:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                services.recovery_code_used_record(user=user, left=left)
                messages.warning(request, f"You signed in with a recovery code: {left} left.")
            return redirect(_next(request))
    has_passkey = WebAuthnCredential.objects.filter(user=user).exists()
    has_app = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not has_app:
        form.fields["token"].help_text = "One of your recovery codes"
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": _next(request), "has_passkey": has_passkey, "has_app": has_app},
    )


@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just issued (shown once), or a button for a new set."""
    user = _user(request)
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_issue(user=user)
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    left = StaticToken.objects.filter(device__user=user).count()
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "left": left, "next": _next(request)})


@require_http_methods(["GET"])
def two_factor_keys(request: HttpRequest) -> HttpResponse:
    """One's own passkeys and security keys: when each was added and last used, add another, remove one."""
    user = _user(request)
    keys = WebAuthnCredential.objects.filter(user=user).order_by("created_at", "pk")
    return render(request, "accounts/keys.html", {"keys": keys, "added": request.GET.get("added", "")})


@require_POST
def two_factor_key_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    try:
        event = services.passkey_remove(user=user, key_id=pk)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Removed: {event.detail}. It no longer signs you in.")
    return redirect("two_factor_keys")


def _manager(request: HttpRequest) -> User:
    user = _user(request)
    if not roles.is_manager(user):
        raise PermissionDenied
    return user


def staff_sign_in(request: HttpRequest) -> HttpResponse:
    """For the Manager: every member of staff's second factor, and the sign-in lock-outs now in force."""
    _manager(request)
    staff = (
        User.objects.filter(is_active=True)
        .annotate(
            apps=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True),
            passkeys=Count("webauthncredential", distinct=True),
            codes_left=Count("staticdevice__token_set", distinct=True),
        )
        .order_by("username")
    )
    attempts = AccessAttempt.objects.order_by("-attempt_time")[:200]
    locked = [a for a in attempts if a.failures_since_start >= settings.AXES_FAILURE_LIMIT]
    failing = [a for a in attempts if a.failures_since_start < settings.AXES_FAILURE_LIMIT]
    events = SecurityEvent.objects.select_related("user", "actor")[:50]
    return render(
        request,
        "accounts/staff.html",
        {"staff": staff, "locked": locked, "failing": failing, "events": events, "limit": settings.AXES_FAILURE_LIMIT},
    )


@require_http_methods(["GET", "POST"])
def staff_factors_reset(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    colleague = get_object_or_404(User, pk=pk, is_active=True)
    form = ResetFactorsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.factors_reset(actor=manager, user=colleague, reason=form.cleaned_data["reason"])
        except services.AccountError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, f"{colleague.get_username()} will enrol a new second factor at next sign-in.")
            return redirect("staff_sign_in")
    return render(request, "accounts/reset.html", {"form": form, "colleague": colleague})


@require_POST
def staff_lockout_clear(request: HttpRequest, pk: int) -> HttpResponse:
    manager = _manager(request)
    try:
        event = services.lockout_clear(actor=manager, attempt_id=pk)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Lock-out cleared: {event.detail}.")
    return redirect("staff_sign_in")


@login_not_required
@require_http_methods(["GET"])
def oidc_refused(request: HttpRequest) -> HttpResponse:
    """Where a refused identity-provider sign-in lands: why, and whom to ask (the refusal is already recorded)."""
    from accounts.oidc import REFUSED_SESSION_KEY

    reason = request.session.pop(REFUSED_SESSION_KEY, "") or "The sign-in was not completed. Try again."
    return render(request, "accounts/oidc_refused.html", {"reason": reason}, status=403)
