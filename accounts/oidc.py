"""Optional sign-in through the council's identity provider (OpenID Connect, mozilla-django-oidc).

Off unless `OIDC_RP_CLIENT_ID` is set. The provider proves who a person is; this service decides whether they
are staff: the verified email must match one active staff account (never created here), and anyone else is
refused with a page saying why, and recorded. Our own second factor still applies afterwards unless
`OIDC_PROVIDER_MFA_COUNTS` is on *and* the provider's token says it did a multi-factor sign-in (`amr` has `mfa`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts import services

# Session keys: the reason the last provider sign-in was refused (for the refusal page), and the user whose
# provider sign-in was multi-factor (read by SecondFactorRequiredMiddleware when OIDC_PROVIDER_MFA_COUNTS is on).
REFUSED_SESSION_KEY = "accounts_oidc_refused"
PROVIDER_MFA_SESSION_KEY = "accounts_oidc_provider_mfa_user"

REFUSED_UNKNOWN = "No staff account here has this email address."
REFUSED_DISABLED = "The staff account with this email address is switched off."
REFUSED_UNVERIFIED = "Your organisation's account has not confirmed this email address."
REFUSED_AMBIGUOUS = "More than one staff account has this email address."


def provider_mfa_accepted(request: HttpRequest) -> bool:
    """Whether this session's provider sign-in counts as the second factor (a setting, off by default)."""
    if not getattr(settings, "OIDC_PROVIDER_MFA_COUNTS", False):
        return False
    session = getattr(request, "session", None)
    return session is not None and session.get(PROVIDER_MFA_SESSION_KEY) == request.user.pk


class StaffOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Match the provider's verified email to one existing, active staff account; refuse and record otherwise."""

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # An email the provider has said is unverified proves nothing about who this is.
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        email = (claims.get("email") or "").strip()
        verified = self.verify_claims(claims)
        users: list[User] = list(self.filter_users_by_claims(claims)) if verified else []
        refusal = REFUSED_UNVERIFIED if not verified else REFUSED_UNKNOWN if not users else ""
        refusal = REFUSED_AMBIGUOUS if len(users) > 1 else refusal
        user = users[0] if len(users) == 1 else None
        if user is not None and not user.is_active:
            refusal = REFUSED_DISABLED
        if refusal or user is None:
            refusal = refusal or REFUSED_UNKNOWN
            services.oidc_refusal_record(user=user, email=email or "(no email)", reason=refusal)
            self.request.session[REFUSED_SESSION_KEY] = refusal
            return None
        mfa = "mfa" in (payload.get("amr") or []) and bool(getattr(settings, "OIDC_PROVIDER_MFA_COUNTS", False))
        services.oidc_sign_in_record(user=user, email=email, provider_mfa=mfa)
        self.request.session.pop(REFUSED_SESSION_KEY, None)
        if mfa:
            self.request.session[PROVIDER_MFA_SESSION_KEY] = user.pk
        else:
            self.request.session.pop(PROVIDER_MFA_SESSION_KEY, None)
        return user


def _only_when_on(request: HttpRequest) -> None:
    if not getattr(settings, "OIDC_ENABLED", False):
        raise Http404("Sign-in through an identity provider is not set up here.")


@method_decorator(login_not_required, name="dispatch")
class StaffOIDCAuthenticationRequestView(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """Send the browser to the provider (404 when OpenID Connect is off)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if getattr(settings, "OIDC_ENABLED", False):
            super().__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        _only_when_on(request)
        request.session.pop(REFUSED_SESSION_KEY, None)
        return super().get(request)  # type: ignore[no-any-return]


@method_decorator(login_not_required, name="dispatch")
class StaffOIDCCallbackView(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    """The provider's answer: sign in a matched member of staff, or show the refusal page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _only_when_on(request)
        return super().get(request)  # type: ignore[no-any-return]
