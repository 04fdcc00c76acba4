"""django-gov-notify's email backend, passing each message's reference to GOV.UK Notify so that Notify's
delivery receipts (POST /notify/callback/) can be matched to the message they are about.

Use EMAIL_BACKEND=requests_app.notify_backend.NotifyEmailBackend (the plain django_gov_notify backend also
sends, but its receipts carry no reference and are ignored).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail.message import sanitize_address
from django_gov_notify.backends import NotifyEmailBackend as BaseNotifyEmailBackend  # type: ignore[import-untyped]
from django_gov_notify.utils import cast_to_notify_email_message  # type: ignore[import-untyped]

from requests_app.services.messages import REFERENCE_HEADER


class NotifyEmailBackend(BaseNotifyEmailBackend):  # type: ignore[misc]
    def send_messages(self, email_messages: Any) -> int:
        sent = 0
        with self._lock:
            self.open()
            for original in email_messages or []:
                reference = str(getattr(original, "extra_headers", {}).get(REFERENCE_HEADER, "")) or None
                message = cast_to_notify_email_message(original, self.fail_silently)
                encoding = message.encoding or settings.DEFAULT_CHARSET
                try:
                    for recipient in message.recipients():
                        self.client.send_email_notification(
                            email_address=sanitize_address(recipient, encoding),
                            reference=reference,
                            **message.message(),
                        )
                except Exception:
                    if not self.fail_silently:
                        raise
                    continue
                sent += 1
        return sent
