"""Writes to staff sign-in: enrol a second factor, add or remove a passkey, issue recovery codes, reset a colleague's
factors, unlock."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth.models import User
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SecurityEvent
from core import roles

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODES = 10


class AccountError(Exception):
    """A refused change to sign-in, with the reason the page shows."""


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator-app device enrolment shows, made once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrol_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the app with a code it shows; return the new single-use recovery codes, shown once."""
    if device.user_id != user.pk or device.confirmed:
        raise AccountError("This enrolment has expired: start again.")
    if not device.verify_token(token):
        raise AccountError("Enter the 6-digit code your authenticator app shows now")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(user=user)
        SecurityEvent.objects.create(user=user, actor=user, kind=SecurityEvent.Kind.ENROLLED)
    return codes


# Transports a key reports when it is registered: a roaming key (USB, NFC, Bluetooth) or a passkey kept by the device.
SECURITY_KEY_TRANSPORTS = frozenset({"usb", "nfc", "ble"})


def passkey_register(
    *, user: User, helper: Any, state: dict[str, Any], data: Any
) -> tuple[WebAuthnCredential, list[str]]:
    """Keep a passkey or security key whose registration the browser just signed (django-otp-webauthn's helper
    checks the challenge, the origin and the relying party). The first second factor comes with recovery codes, as
    an authenticator app's enrolment does: the codes are returned (empty when the person already had a factor)."""
    with transaction.atomic():
        first = not _has_second_factor(user=user)
        device = helper.register_complete(user=user, state=state, data=data)
        kind = "Security key" if SECURITY_KEY_TRANSPORTS.intersection(device.transports or []) else "Passkey"
        device.name = f"{kind} {WebAuthnCredential.objects.filter(user=user).count()}"
        device.save(update_fields=["name"])
        codes = _recovery_codes_replace(user=user) if first else []
        SecurityEvent.objects.create(
            user=user,
            actor=user,
            kind=SecurityEvent.Kind.PASSKEY_ADDED,
            detail=f"{device.name} (key {device.pk}){' as the first second factor' if first else ''}",
        )
    return device, codes


def passkey_remove(*, user: User, key_id: int) -> SecurityEvent:
    """A member of staff removes one of their own passkeys, never the last second factor they have."""
    with transaction.atomic():
        device = WebAuthnCredential.objects.select_for_update().filter(user=user, pk=key_id).first()
        if device is None:
            raise AccountError("That key has already been removed.")
        others = (
            WebAuthnCredential.objects.filter(user=user).exclude(pk=device.pk).exists()
            or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        )
        if not others:
            raise AccountError(
                "This is your only second factor: add another passkey or security key before you remove this one."
            )
        name = device.name
        device.delete()
        return SecurityEvent.objects.create(
            user=user, actor=user, kind=SecurityEvent.Kind.PASSKEY_REMOVED, detail=f"{name} (key {key_id})"
        )


def _has_second_factor(*, user: User) -> bool:
    """An authenticator app or a passkey (recovery codes alone are a way back in, not a factor to enrol)."""
    return bool(
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user).exists()
    )


def recovery_codes_issue(*, user: User) -> list[str]:
    """A fresh set of recovery codes for a signed-in, verified user; the old set stops working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        SecurityEvent.objects.create(user=user, actor=user, kind=SecurityEvent.Kind.RECOVERY_CODES_ISSUED)
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_code_used_record(*, user: User, left: int) -> SecurityEvent:
    return SecurityEvent.objects.create(
        user=user, actor=user, kind=SecurityEvent.Kind.RECOVERY_CODE_USED, detail=f"{left} recovery codes left"
    )


def factors_reset(*, actor: User, user: User, reason: str) -> SecurityEvent:
    """A Manager removes a colleague's app, passkeys and recovery codes: they enrol again at their next sign-in."""
    if not roles.is_manager(actor):
        raise AccountError("Only a Manager can reset a colleague's second factor.")
    if actor.pk == user.pk:
        raise AccountError("Ask another Manager to reset your own second factor.")
    if not reason.strip():
        raise AccountError("Enter why the second factor is being reset")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        return SecurityEvent.objects.create(
            user=user, actor=actor, kind=SecurityEvent.Kind.FACTORS_RESET, detail=reason.strip()[:300]
        )


def lockout_clear(*, actor: User, attempt_id: int) -> SecurityEvent:
    """A Manager clears a sign-in lock-out: the account's and the address's failures are forgotten."""
    if not roles.is_manager(actor):
        raise AccountError("Only a Manager can clear a sign-in lock-out.")
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        raise AccountError("That lock-out has already been cleared.")
    username, address = attempt.username or "", attempt.ip_address or ""
    with transaction.atomic():
        if username:
            axes_reset(username=username)
        if address:
            axes_reset(ip=address)
        user = User.objects.filter(username=username).first() if username else None
        return SecurityEvent.objects.create(
            user=user,
            actor=actor,
            kind=SecurityEvent.Kind.UNLOCKED,
            detail=f"account {username or '-'}, address {address or '-'}",
        )


def oidc_sign_in_record(*, user: User, email: str, provider_mfa: bool) -> SecurityEvent:
    detail = f"{email} (provider's multi-factor sign-in accepted)" if provider_mfa else email
    return SecurityEvent.objects.create(
        user=user, actor=user, kind=SecurityEvent.Kind.OIDC_SIGNED_IN, detail=detail[:300]
    )


def oidc_refusal_record(*, user: User | None, email: str, reason: str) -> SecurityEvent:
    """A person the identity provider vouched for, refused here (no staff account, or a disabled one)."""
    return SecurityEvent.objects.create(
        user=user, actor=None, kind=SecurityEvent.Kind.OIDC_REFUSED, detail=f"{email}: {reason}"[:300]
    )
