"""Text messages: through GOV.UK Notify when it is configured, else printed (development) or kept (tests).

SMS_BACKEND is "notify" (GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_SMS_TEMPLATE_ID, a Notify template whose
whole text is ((body))), "console" (printed to standard output, the development default), "memory"
(appended to `outbox`, for tests) or "none" (no text messages: the option is not offered).
"""

from __future__ import annotations

import sys

from django.conf import settings

outbox: list[tuple[str, str]] = []  # the "memory" backend: (phone number, body)


class SmsError(Exception):
    """The message could not be handed over; `permanent` when sending again cannot help (a bad number)."""

    def __init__(self, text: str, *, permanent: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent


def sms_backend() -> str:
    return str(getattr(settings, "SMS_BACKEND", "none") or "none")


def sms_available() -> bool:
    return sms_backend() != "none"


def sms_send(*, to: str, body: str) -> None:
    backend = sms_backend()
    if backend == "memory":
        outbox.append((to, body))
    elif backend == "console":
        sys.stdout.write(f"Text message to {to}:\n{body}\n{'-' * 79}\n")
        sys.stdout.flush()
    elif backend == "notify":
        _notify_send(to=to, body=body)
    else:
        raise SmsError("Text messages are not configured (SMS_BACKEND).", permanent=True)


def _notify_send(*, to: str, body: str) -> None:
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(settings.GOVUK_NOTIFY_API_KEY)  # type: ignore[no-untyped-call]
    try:
        client.send_sms_notification(  # type: ignore[no-untyped-call]
            phone_number=to, template_id=settings.GOVUK_NOTIFY_SMS_TEMPLATE_ID, personalisation={"body": body}
        )
    except HTTPError as error:
        # Notify answers 400 for a number it cannot send to; 403, 429 and 5xx may pass.
        raise SmsError(
            f"GOV.UK Notify refused the text message: {error}", permanent=error.status_code == 400
        ) from error
