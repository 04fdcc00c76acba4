"""Passkeys and security keys as a second factor (django-otp-webauthn), through the Django test client with a
software authenticator that signs as a real one does (an ES256 key, "none" attestation, WebAuthn's byte layouts).

Enrolment with a first key (recorded, recovery codes shown once), the middleware accepting a session verified with a
key, sign-in with a key after the password, refusals (a forged signature, another person's key, a new key before the
factor one has, no password), one's own list and removal (recorded, never the last factor), the Manager's reset,
and pages whose scripts are static files only (strict Content-Security-Policy).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SecurityEvent
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
ORIGIN = "http://localhost:8000"  # config/test_settings.py: OTP_WEBAUTHN_ALLOWED_ORIGINS
RP_ID = "localhost"

BEGIN_REGISTRATION = reverse("otp_webauthn:credential-registration-begin")
COMPLETE_REGISTRATION = reverse("otp_webauthn:credential-registration-complete")
BEGIN_AUTHENTICATION = reverse("otp_webauthn:credential-authentication-begin")
COMPLETE_AUTHENTICATION = reverse("otp_webauthn:credential-authentication-complete")


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftAuthenticator:
    """One credential on a platform authenticator: what the browser hands the server at registration and sign-in."""

    def __init__(self, *, origin: str = ORIGIN, rp_id: str = RP_ID) -> None:
        self.origin, self.rp_id = origin, rp_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.sign_count = 0

    def _auth_data(self, *, attested: bool) -> bytes:
        flags = 0x01 | 0x04 | (0x40 if attested else 0)  # user present, user verified, credential data follows
        self.sign_count += 1
        data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags]) + self.sign_count.to_bytes(4, "big")
        if attested:
            numbers = self.key.public_key().public_numbers()
            cose = cbor2.dumps(
                {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
            )
            data += bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + cose
        return data

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": self._auth_data(attested=True)})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": b64url(self._client_data("webauthn.create", options["challenge"])),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def get(self, options: dict[str, Any], *, key: ec.EllipticCurvePrivateKey | None = None) -> dict[str, Any]:
        auth_data = self._auth_data(attested=False)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = (key or self.key).sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
            },
            "clientExtensionResults": {},
        }


def password_only(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def register(client: Client, authenticator: SoftAuthenticator) -> Any:
    begun = client.post(BEGIN_REGISTRATION)
    assert begun.status_code == 200, begun.content
    return client.post(COMPLETE_REGISTRATION, authenticator.create(begun.json()), content_type="application/json")


def sign_in_with_key(client: Client, authenticator: SoftAuthenticator, **kwargs: Any) -> Any:
    begun = client.post(BEGIN_AUTHENTICATION)
    assert begun.status_code == 200, begun.content
    return client.post(
        COMPLETE_AUTHENTICATION, authenticator.get(begun.json(), **kwargs), content_type="application/json"
    )


def with_passkey(user: User) -> tuple[WebAuthnCredential, SoftAuthenticator]:
    """A member of staff with an authenticator app who has added a passkey from a verified session."""
    client = Client()
    factories.sign_in(client, user)
    authenticator = SoftAuthenticator()
    assert register(client, authenticator).status_code == 200
    return WebAuthnCredential.objects.get(user=user, credential_id=authenticator.credential_id), authenticator


def test_a_first_passkey_enrols_on_the_record_with_recovery_codes_and_opens_the_workspace() -> None:
    casey = factories.caseworker("casey")
    client = password_only("casey")
    page = client.get(f"{reverse('two_factor_enrol')}?next={reverse('request_list')}").content.decode()
    assert 'id="passkey-register-button"' in page and 'id="totp-secret"' in page  # either factor may be enrolled
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_enrol"))

    options = client.post(BEGIN_REGISTRATION).json()
    assert options["rp"]["id"] == RP_ID
    assert options["authenticatorSelection"]["residentKey"] == "preferred"  # a second factor: no passwordless
    done = client.post(COMPLETE_REGISTRATION, SoftAuthenticator().create(options), content_type="application/json")
    assert done.status_code == 200, done.content
    key = WebAuthnCredential.objects.get(user=casey)
    assert done.json() == {
        "id": key.pk,
        "redirect_url": f"{reverse('two_factor_recovery_codes')}?next=%2Frequests%2F",
    }
    assert key.name == "Passkey 1"
    event = SecurityEvent.objects.get(user=casey, kind=SecurityEvent.Kind.PASSKEY_ADDED)
    assert event.actor == casey and event.detail == f"Passkey 1 (key {key.pk}) as the first second factor"

    shown = client.get(done.json()["redirect_url"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown)
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=casey).count() == 10
    assert client.session[DEVICE_ID_SESSION_KEY] == key.persistent_id
    assert client.get(reverse("dashboard")).status_code == 200  # the middleware accepts the passkey
    assert client.get(reverse("admin:index")).status_code in (200, 302)


def test_a_passkey_proves_the_second_factor_after_the_password() -> None:
    casey = factories.caseworker("casey")
    key, authenticator = with_passkey(casey)
    assert not SecurityEvent.objects.filter(detail__contains="first second factor").exists()  # had an app already

    client = password_only("casey")
    assert client.get(reverse("request_list"))["Location"].startswith(reverse("two_factor_verify"))
    page = client.get(reverse("two_factor_verify")).content.decode()
    assert 'id="passkey-verification-button"' in page and 'name="token"' in page
    options = client.post(BEGIN_AUTHENTICATION).json()
    assert [entry["id"] for entry in options["allowCredentials"]] == [b64url(authenticator.credential_id)]

    begun = client.post(BEGIN_AUTHENTICATION).json()
    done = client.post(
        f"{COMPLETE_AUTHENTICATION}?next={reverse('request_list')}",
        authenticator.get(begun),
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json() == {"id": key.pk, "redirect_url": reverse("request_list")}
    assert client.session[DEVICE_ID_SESSION_KEY] == key.persistent_id
    assert client.get(reverse("request_list")).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None and key.sign_count == authenticator.sign_count


def test_a_forged_signature_another_persons_key_or_a_replayed_challenge_proves_nothing() -> None:
    casey, other = factories.caseworker("casey"), factories.caseworker("other")
    _, authenticator = with_passkey(casey)
    _, others_authenticator = with_passkey(other)

    client = password_only("casey")
    forged = sign_in_with_key(client, authenticator, key=ec.generate_private_key(ec.SECP256R1()))
    assert (forged.status_code, forged.json()["code"]) == (422, "invalid_authentication_response")
    not_mine = sign_in_with_key(client, others_authenticator)
    assert not_mine.status_code >= 400 and "id" not in not_mine.json(), not_mine.content
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_verify"))

    begun = client.post(BEGIN_AUTHENTICATION).json()
    answer = authenticator.get(begun)
    assert client.post(COMPLETE_AUTHENTICATION, answer, content_type="application/json").status_code == 200
    replay = password_only("casey")
    replay.post(BEGIN_AUTHENTICATION)
    assert replay.post(COMPLETE_AUTHENTICATION, answer, content_type="application/json").status_code == 422
    assert replay.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_verify"))


def test_no_new_key_before_the_factor_one_has_is_proved_and_no_sign_in_by_key_alone() -> None:
    casey = factories.caseworker("casey")
    TOTPDevice.objects.create(user=casey, name="app", confirmed=True)
    client = password_only("casey")
    refused = client.post(BEGIN_REGISTRATION)
    assert refused.status_code == 403 and refused.json()["code"] == "user_not_verified"
    assert not WebAuthnCredential.objects.exists()

    anonymous = Client()
    for url in (BEGIN_AUTHENTICATION, BEGIN_REGISTRATION):
        response = anonymous.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_staff_list_their_keys_and_remove_one_on_the_record_but_never_their_last_factor() -> None:
    casey, other = factories.caseworker("casey"), factories.caseworker("other")
    first, _ = with_passkey(casey)
    client = Client()
    factories.sign_in(client, casey)
    second_authenticator = SoftAuthenticator()
    added = register(client, second_authenticator)
    second = WebAuthnCredential.objects.get(credential_id=second_authenticator.credential_id)
    assert added.json()["redirect_url"] == f"{reverse('two_factor_keys')}?added={second.pk}"
    theirs, _ = with_passkey(other)

    page = client.get(added.json()["redirect_url"]).content.decode()
    assert "Passkey 1" in page and "Passkey 2" in page and "New" in page
    assert reverse("two_factor_key_remove", args=[theirs.pk]) not in page

    assert client.post(reverse("two_factor_key_remove", args=[theirs.pk])).status_code == 302
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists(), "no one removes a colleague's key"

    client.post(reverse("two_factor_key_remove", args=[first.pk]))
    assert not WebAuthnCredential.objects.filter(pk=first.pk).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSKEY_REMOVED)
    assert (event.user, event.actor, event.detail) == (casey, casey, f"Passkey 1 (key {first.pk})")

    TOTPDevice.objects.filter(user=casey).delete()  # the passkey left is now the only second factor
    client = password_only("casey")
    assert sign_in_with_key(client, second_authenticator).status_code == 200
    refused = client.post(reverse("two_factor_key_remove", args=[second.pk]), follow=True)
    assert WebAuthnCredential.objects.filter(pk=second.pk).exists()
    assert "This is your only second factor" in refused.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSKEY_REMOVED).count() == 1


def test_the_managers_reset_removes_passkeys_too() -> None:
    manager, casey = factories.manager(), factories.caseworker("casey")
    with_passkey(casey)
    client = Client()
    factories.sign_in(client, manager)
    staff_page = client.get(reverse("staff_sign_in")).content.decode()
    assert re.search(r"casey</td>.*?<td class=\"govuk-table__cell\">1</td>", staff_page, re.S)
    client.post(reverse("staff_factors_reset", args=[casey.pk]), {"reason": "Lost laptop"})
    assert not WebAuthnCredential.objects.filter(user=casey).exists()
    assert password_only("casey").get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_enrol"))


@pytest.mark.parametrize("page", ["two_factor_enrol", "two_factor_verify", "two_factor_keys"])
def test_passkey_pages_run_only_static_scripts_under_the_strict_policy(page: str) -> None:
    casey = factories.caseworker("casey")
    if page == "two_factor_enrol":
        client = password_only("casey")
    elif page == "two_factor_verify":
        with_passkey(casey)
        client = password_only("casey")
    else:
        client = Client()
        factories.sign_in(client, casey)
    response = client.get(reverse(page))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce
    scripts = re.findall(r"<script([^>]*)>", html)
    assert any("otp_webauthn_" in attributes for attributes in scripts)
    for attributes in scripts:
        runs_from_file = re.search(r'src="/static/', attributes)
        is_data = 'type="application/json"' in attributes
        assert runs_from_file or is_data or f'nonce="{nonce.group(1)}"' in attributes, attributes
