"""Staff sign-in: a second factor before any case data (pages and admin), throttled and lockable sign-in,
the Manager's resets and unlocks (recorded), password change and reset by email, and the demo's key."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from accounts.models import SecurityEvent
from requests_app.models import RightsRequest
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def code_for(device: TOTPDevice, *, step: int = 0) -> str:
    """The code an authenticator app shows for this device now (or `step` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step * device.step
    return f"{totp.token():0{device.digits}d}"


def forgive_guesses(user: User) -> None:
    for device in [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]:
        device.throttle_reset()


def password_only(username: str, *, address: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


@pytest.fixture
def rr() -> RightsRequest:
    return factories.make_request()


def test_a_password_alone_reaches_no_case_data_and_no_admin(rr: RightsRequest) -> None:
    factories.manager()
    client = password_only("manager")
    for url in (
        reverse("dashboard"),
        reverse("request_list"),
        reverse("request_detail", args=[rr.pk]),
        reverse("admin:index"),
        reverse("admin:requests_app_rightsrequest_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_enrol") + "?next="), url


def test_enrolment_confirms_the_app_shows_recovery_codes_once_and_opens_the_workspace(rr: RightsRequest) -> None:
    casey = factories.caseworker("casey")
    client = password_only("casey")
    page = client.get(reverse("two_factor_enrol"))
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode())
    assert secret, "the key is shown for typing into the app"
    device = TOTPDevice.objects.get(user=casey, confirmed=False)
    assert client.get(reverse("dashboard")).status_code == 302  # still not verified

    wrong = client.post(reverse("two_factor_enrol"), {"token": "000000" if code_for(device) != "000000" else "1"})
    assert wrong.status_code == 200 and "Enter the 6-digit code" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp throttles guesses: the next waits a second
    device.throttle_reset()

    done = client.post(reverse("two_factor_enrol"), {"token": code_for(device), "next": reverse("request_list")})
    assert done.status_code == 302 and done["Location"].startswith(reverse("two_factor_recovery_codes"))
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown)
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert "<code>" not in client.get(reverse("two_factor_recovery_codes")).content.decode()  # shown once
    assert client.get(reverse("request_detail", args=[rr.pk])).status_code == 200
    assert SecurityEvent.objects.get(user=casey).kind == SecurityEvent.Kind.ENROLLED


def test_verify_takes_the_app_code_or_a_recovery_code_once(rr: RightsRequest) -> None:
    casey = factories.caseworker("casey")
    device = TOTPDevice.objects.create(user=casey, name="app", confirmed=True)
    from accounts.services import recovery_codes_issue

    codes = recovery_codes_issue(user=casey)
    client = password_only("casey")
    assert client.get(reverse("request_list"))["Location"].startswith(reverse("two_factor_verify"))
    bad = client.post(reverse("two_factor_verify"), {"token": "12345678"})
    assert "The code is wrong" in bad.content.decode()
    forgive_guesses(casey)  # django-otp throttles each device after a wrong guess
    good = client.post(reverse("two_factor_verify"), {"token": code_for(device), "next": reverse("request_list")})
    assert good["Location"] == reverse("request_list")
    assert client.get(reverse("request_list")).status_code == 200

    other = password_only("casey")
    assert other.post(reverse("two_factor_verify"), {"token": codes[0]}).status_code == 302
    assert other.get(reverse("request_list")).status_code == 200
    third = password_only("casey")
    reused = third.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert reused.status_code == 200, "a recovery code works once"
    assert SecurityEvent.objects.filter(user=casey, kind=SecurityEvent.Kind.RECOVERY_CODE_USED).count() == 1


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in() -> None:
    factories.manager()
    client = Client(REMOTE_ADDR="10.0.0.9")
    for _ in range(30):
        client.post(reverse("login"), {"username": "manager", "password": "wrong guess"})
    right = client.post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert right.status_code == 429
    assert "Sign-in is locked" in right.content.decode()
    assert "_auth_user_id" not in client.session
    # Locked per account: the right password from another address is refused too.
    elsewhere = Client(REMOTE_ADDR="10.0.0.10").post(reverse("login"), {"username": "manager", "password": PASSWORD})
    assert elsewhere.status_code == 429


def test_an_address_trying_many_accounts_is_locked(settings: Settings) -> None:
    factories.caseworker("casey")
    client = Client(REMOTE_ADDR="10.0.0.11")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "casey", "password": PASSWORD}).status_code == 429
    assert (
        Client(REMOTE_ADDR="10.0.0.12").post(reverse("login"), {"username": "casey", "password": PASSWORD}).status_code
        == 302
    )


def test_the_admin_login_is_throttled_too() -> None:
    factories.manager()
    client = Client(REMOTE_ADDR="10.0.0.13")
    for _ in range(6):
        client.post(reverse("admin:login"), {"username": "manager", "password": "wrong", "otp_token": "123456"})
    assert AccessAttempt.objects.filter(username="manager").exists()
    assert client.post(reverse("login"), {"username": "manager", "password": PASSWORD}).status_code == 429


def test_the_manager_sees_a_lock_out_and_clears_it_on_the_record() -> None:
    manager = factories.manager()
    factories.caseworker("casey")
    for _ in range(6):
        Client(REMOTE_ADDR="10.0.0.20").post(reverse("login"), {"username": "casey", "password": "wrong"})
    staff = Client()
    factories.sign_in(staff, manager)
    page = staff.get(reverse("staff_sign_in")).content.decode()
    assert 'id="lockouts"' in page and "casey" in page and "10.0.0.20" in page
    attempt = AccessAttempt.objects.get(username="casey")

    worker = Client()
    factories.sign_in(worker, factories.caseworker("other"))
    assert worker.get(reverse("staff_sign_in")).status_code == 403
    assert worker.post(reverse("staff_lockout_clear", args=[attempt.pk])).status_code == 403

    assert staff.post(reverse("staff_lockout_clear", args=[attempt.pk])).status_code == 302
    assert not AccessAttempt.objects.exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert (event.actor, event.user.username if event.user else None) == (manager, "casey")
    assert (
        Client(REMOTE_ADDR="10.0.0.20").post(reverse("login"), {"username": "casey", "password": PASSWORD}).status_code
        == 302
    )


def test_a_manager_resets_a_colleagues_factors_on_the_record_and_they_enrol_again() -> None:
    manager = factories.manager()
    casey = factories.caseworker("casey")
    from accounts.services import recovery_codes_issue

    TOTPDevice.objects.create(user=casey, name="app", confirmed=True)
    recovery_codes_issue(user=casey)
    worker = Client()
    factories.sign_in(worker, factories.caseworker("other"))
    assert worker.post(reverse("staff_factors_reset", args=[casey.pk]), {"reason": "x"}).status_code == 403
    assert TOTPDevice.objects.filter(user=casey).exists()

    client = Client()
    factories.sign_in(client, manager)
    missing = client.post(reverse("staff_factors_reset", args=[casey.pk]), {"reason": ""})
    assert "Enter why" in missing.content.decode()
    done = client.post(reverse("staff_factors_reset", args=[casey.pk]), {"reason": "Lost phone"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=casey).exists()
    assert not StaticToken.objects.filter(device__user=casey).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.FACTORS_RESET)
    assert (event.actor, event.user, event.detail) == (manager, casey, "Lost phone")
    assert password_only("casey").get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_enrol"))
    own = client.post(reverse("staff_factors_reset", args=[manager.pk]), {"reason": "mine"})
    assert "Ask another Manager" in own.content.decode()


def test_staff_change_their_password() -> None:
    casey = factories.caseworker("casey")
    client = Client()
    factories.sign_in(client, casey)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new phrase 42",
            "new_password2": "a much longer new phrase 42",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    casey.refresh_from_db()
    assert casey.check_password("a much longer new phrase 42")


def test_a_forgotten_password_is_reset_by_email_and_the_second_factor_still_applies() -> None:
    factories.caseworker("casey")
    client = Client()
    assert client.get(reverse("password_reset")).status_code == 200
    client.post(reverse("password_reset"), {"email": "casey@example.org"})
    client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body)
    assert link
    form = client.get(link.group(1), follow=True)
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another long phrase 77", "new_password2": "another long phrase 77"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    signed = Client()
    signed.post(reverse("login"), {"username": "casey", "password": "another long phrase 77"})
    assert signed.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_enrol"))


def test_the_demo_users_come_with_an_enrolled_app_whose_key_is_printed(settings: Settings) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", "--if-empty", "--new-password", stdout=out)
    text = out.getvalue()
    key = re.search(r"authenticator-app key ([A-Z2-7]+)", text)
    assert key and "password" in text
    for username in ("manager", "caseworker", "reviewer"):
        device = TOTPDevice.objects.get(user__username=username)
        assert device.confirmed
        from base64 import b32encode

        assert b32encode(device.bin_key).decode().rstrip("=") == key.group(1)


def test_sign_in_in_tests_verifies_a_device() -> None:
    casey = factories.caseworker("casey")
    client = Client()
    factories.sign_in(client, casey)
    assert client.get(reverse("dashboard")).status_code == 200
    assert User.objects.get(pk=casey.pk).totpdevice_set.filter(confirmed=True).count() == 1
