"""A passkey as the second factor, in Chromium with a virtual WebAuthn authenticator (the DevTools protocol's
WebAuthn domain: a CTAP2 platform authenticator that holds resident keys and verifies its user).

A caseworker with only a password enrols a passkey on the enrolment page, is shown recovery codes once, reaches the
workspace; signs out; signs in again with the password and the passkey. The pages' scripts are static files under
the strict Content-Security-Policy: the browser reports no violation on the way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SecurityEvent
from tests import factories
from tests.e2e.conftest import PASSWORD, TIMEOUT_MS, Checker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _virtual_authenticator(page: Any) -> tuple[Any, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _password(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_caseworker_enrols_a_passkey_and_signs_in_with_it(
    browser: Any, live_server: Any, artifacts: Path, settings: Any
) -> None:
    base = live_server.url
    assert base.startswith("http://localhost:"), "WebAuthn needs a secure context and a domain name: localhost"
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    casey = factories.caseworker("casey")
    checker = Checker(artifacts)

    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    cdp, authenticator = _virtual_authenticator(page)

    _password(page, base, "casey")
    assert "/account/two-factor/enrol/" in page.url, page.url
    checker.check(page, "passkey-enrol", prefix="passkey-")
    page.click("#passkey-register-button")
    page.wait_for_url("**/account/two-factor/recovery-codes/**")
    assert page.locator("#recovery-codes li").count() == 10
    checker.check(page, "passkey-recovery-codes", prefix="passkey-")
    page.click("text=Continue")
    page.wait_for_load_state()
    assert "/two-factor/" not in page.url and "/login/" not in page.url, page.url

    key = WebAuthnCredential.objects.get(user=casey)
    assert key.discoverable is True and key.last_used_at is None
    added = SecurityEvent.objects.get(user=casey, kind=SecurityEvent.Kind.PASSKEY_ADDED)
    assert added.actor == casey and "first second factor" in added.detail
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1

    page.goto(f"{base}/account/two-factor/keys/")
    assert key.name in page.inner_text("#passkeys")
    checker.check(page, "passkey-keys", prefix="passkey-")

    page.click("footer button[type=submit]")  # sign out
    page.wait_for_load_state()
    _password(page, base, "casey")
    assert "/account/two-factor/verify/" in page.url, page.url
    checker.check(page, "passkey-verify", prefix="passkey-")
    page.click("#passkey-verification-button")
    page.wait_for_url(lambda url: "/two-factor/" not in url and "/login/" not in url)
    assert page.locator("main").count() == 1
    key.refresh_from_db()
    assert key.last_used_at is not None

    context.close()
    assert not refused, f"The Content-Security-Policy refused: {refused}"
    assert not checker.failures, checker.report()
