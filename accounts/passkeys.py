"""The browser's side of a passkey or security key: django-otp-webauthn's JSON ceremony endpoints, with registration
going through our service (recorded, and recovery codes with the first second factor), and no sign-in by passkey
alone (a password always comes first)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.shortcuts import resolve_url
from django.urls import URLPattern, path, reverse
from django_otp import login as otp_login
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.utils import rewrite_exceptions

from accounts import services
from accounts.views import ENROL_NEXT_SESSION_KEY, NEW_CODES_SESSION_KEY


class PasskeyRegistrationComplete(webauthn_views.CompleteCredentialRegistrationView):  # type: ignore[misc]
    """Keep the new key and say where the page goes next: the recovery codes after a first enrolment, else the list.

    The challenge is taken out of the session (and saved) before anything is checked, as the library does, so a
    refused attempt can never be replayed; the key, its record and any recovery codes are one transaction.
    """

    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        request: HttpRequest = self.request
        user = self.get_user()
        if not isinstance(user, User):
            raise webauthn_exceptions.NotAuthenticated()
        state = self.get_state()
        with rewrite_exceptions(logger=webauthn_views._get_pywebauthn_logger()), transaction.atomic():
            device, codes = services.passkey_register(
                user=user,
                helper=self.get_helper(),
                state=state,
                data=request.data,  # type: ignore[attr-defined]
            )
            if not user.is_verified():  # type: ignore[attr-defined]
                otp_login(request, device)  # a first enrolment proves the factor it has just registered
        if codes:
            request.session[NEW_CODES_SESSION_KEY] = codes
            then = request.session.pop(ENROL_NEXT_SESSION_KEY, None) or resolve_url(settings.LOGIN_REDIRECT_URL)
            target = f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': then})}"
        else:
            target = f"{reverse('two_factor_keys')}?{urlencode({'added': device.pk})}"
        return JsonResponse({"id": device.pk, "redirect_url": target})


# The library's template tags find these by the namespace "otp_webauthn". No passwordless sign-in
# (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off): every endpoint needs a signed-in member of staff, and the library
# refuses to register a new key for someone who has a factor but has not proved it in this session.
urlpatterns: list[URLPattern] = [
    path(
        "registration/begin/",
        webauthn_views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path("registration/complete/", PasskeyRegistrationComplete.as_view(), name="credential-registration-complete"),
    path(
        "authentication/begin/",
        webauthn_views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        webauthn_views.CompleteCredentialAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
]
