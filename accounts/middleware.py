"""No page of case data, and no admin page, for a member of staff who has not passed a second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from accounts.oidc import provider_mfa_accepted

# Pages a signed-in but unverified user may reach: signing in again or out, and proving or enrolling a second factor.
OPEN_BEFORE_SECOND_FACTOR = frozenset({"login", "logout", "two_factor_verify", "two_factor_enrol"})
# The passkey ceremony's JSON endpoints (accounts/passkeys.py), which those two pages call. Registering a key is
# refused there to anyone who has a factor and has not proved it in this session.
PASSKEY_CEREMONY_NAMESPACE = "otp_webauthn"


class SecondFactorRequiredMiddleware:
    """After the password, send a member of staff to enrol a second factor, or to prove the one they have.

    Any confirmed django-otp device counts: an authenticator app, a recovery code, or a passkey or security key
    (django-otp-webauthn's credential, whose sign-in marks the session verified with it as the code page does).

    Runs after django-otp's OTPMiddleware (which sets `request.user.is_verified`) and covers every view the
    URL map resolves, the admin's included: an anonymous visitor is left to the login requirement.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if provider_mfa_accepted(request):  # OIDC_PROVIDER_MFA_COUNTS: the provider's own MFA is the second factor
            user.is_verified = lambda: True  # type: ignore[attr-defined]
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR and not match.namespace:
            return None
        if match is not None and match.namespace == PASSKEY_CEREMONY_NAMESPACE:
            return None
        step = "two_factor_verify" if user_has_device(user) else "two_factor_enrol"
        return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
