"""Sign-in through the council's identity provider (OpenID Connect), with a fake provider: its token and
userinfo endpoints are replaced by patches on the backend, as mozilla-django-oidc's own tests do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from accounts.oidc import StaffOIDCBackend
from tests import factories

pytestmark = pytest.mark.django_db

PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": "rights-desk",
    "OIDC_RP_CLIENT_SECRET": "fake-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.test/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.test/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.test/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.test/jwks",
    "OIDC_PROVIDER_NAME": "Example Council",
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "accounts.oidc.StaffOIDCBackend",
    ],
}


@pytest.fixture
def provider() -> Iterator[None]:
    with override_settings(**PROVIDER):
        yield


def provider_sign_in(client: Client, *, email: str, amr: list[str] | None = None) -> Any:
    """Start at our sign-in button, then come back from the fake provider with a code; return the response."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    target = urlparse(start["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == PROVIDER["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    state = parse_qs(target.query)["state"][0]
    nonce = client.session["oidc_states"][state]["nonce"]
    claims = {"email": email, "email_verified": True, "sub": "abc-123"}
    payload = {"nonce": nonce, "sub": "abc-123", "amr": amr or ["pwd"]}
    with (
        mock.patch.object(StaffOIDCBackend, "get_token", return_value={"id_token": "id", "access_token": "at"}),
        mock.patch.object(StaffOIDCBackend, "verify_token", return_value=payload),
        mock.patch.object(StaffOIDCBackend, "get_userinfo", return_value=claims),
    ):
        return client.get(reverse("oidc_authentication_callback"), {"code": "fake-code", "state": state})


def staff(email: str = "case.worker@council.example") -> User:
    user = factories.caseworker()
    user.email = email
    user.save()
    return user


def test_the_login_page_offers_the_provider_only_when_configured() -> None:
    assert "Sign in with" not in Client().get(reverse("login")).content.decode()
    assert Client().get(reverse("oidc_authentication_init")).status_code == 404
    with override_settings(**PROVIDER):
        page = Client().get(reverse("login")).content.decode()
    assert "Sign in with Example Council" in page
    assert reverse("oidc_authentication_init") in page


def test_a_known_member_of_staff_signs_in_and_still_needs_our_second_factor(provider: None) -> None:
    user = staff()
    client = Client()
    response = provider_sign_in(client, email="Case.Worker@Council.example")  # matched whatever the case
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert int(client.session["_auth_user_id"]) == user.pk
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.OIDC_SIGNED_IN)
    assert event.user == user and event.actor == user
    # The second-factor middleware still applies: no case data until enrolment (no device yet) ...
    page = client.get(reverse("dashboard"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_enrol"))
    # ... or the authenticator code (a device enrolled), even if the provider says it did MFA.
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()
    provider_sign_in(client, email=user.email, amr=["pwd", "mfa"])
    page = client.get(reverse("request_list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_providers_mfa_counts_only_when_the_setting_says_so_and_the_token_shows_it(provider: None) -> None:
    user = staff()
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    with override_settings(OIDC_PROVIDER_MFA_COUNTS=True):
        password_only = Client()
        provider_sign_in(password_only, email=user.email, amr=["pwd"])
        page = password_only.get(reverse("dashboard"))
        assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))

        with_mfa = Client()
        provider_sign_in(with_mfa, email=user.email, amr=["pwd", "mfa"])
        assert with_mfa.get(reverse("dashboard")).status_code == 200
    assert "accepted" in SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OIDC_SIGNED_IN).first().detail  # type: ignore[union-attr]
    # The setting switched off again: the same session is sent back to our second factor.
    page = with_mfa.get(reverse("dashboard"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))


def test_an_unknown_person_is_refused_with_a_clear_page_recorded_and_no_account_made(provider: None) -> None:
    staff()
    users_before = User.objects.count()
    client = Client()
    response = provider_sign_in(client, email="stranger@council.example")
    assert response.status_code == 302 and response["Location"] == reverse("oidc_refused")
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "No staff account here has this email address." in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.OIDC_REFUSED)
    assert event.user is None and event.actor is None and "stranger@council.example" in event.detail
    assert client.get(reverse("dashboard")).status_code == 302  # still signed out


def test_a_disabled_member_of_staff_is_refused_and_recorded(provider: None) -> None:
    user = staff()
    user.is_active = False
    user.save()
    client = Client()
    response = provider_sign_in(client, email=user.email)
    assert response["Location"] == reverse("oidc_refused")
    assert "switched off" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.OIDC_REFUSED)
    assert event.user == user and event.actor is None


def test_an_email_the_provider_has_not_verified_is_refused(provider: None) -> None:
    user = staff()
    client = Client()
    start = client.get(reverse("oidc_authentication_init"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    nonce = client.session["oidc_states"][state]["nonce"]
    with (
        mock.patch.object(StaffOIDCBackend, "get_token", return_value={"id_token": "id", "access_token": "at"}),
        mock.patch.object(StaffOIDCBackend, "verify_token", return_value={"nonce": nonce}),
        mock.patch.object(
            StaffOIDCBackend, "get_userinfo", return_value={"email": user.email, "email_verified": False}
        ),
    ):
        response = client.get(reverse("oidc_authentication_callback"), {"code": "c", "state": state})
    assert response["Location"] == reverse("oidc_refused")
    assert "has not confirmed this email address" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.OIDC_REFUSED, user=None).count() == 1


def test_the_managers_staff_page_lists_a_refusal_with_no_actor(provider: None) -> None:
    provider_sign_in(Client(), email="stranger@council.example")
    manager = factories.manager()
    client = Client()
    factories.sign_in(client, manager)
    page = client.get(reverse("staff_sign_in")).content.decode()
    assert "Identity provider sign-in refused" in page and "stranger@council.example" in page
    assert "by None" not in page
