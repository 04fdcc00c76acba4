"""Sending: emails (through Django's email framework: SMTP or GOV.UK Notify, chosen by EMAIL_BACKEND) and text
messages (requests_app.services.sms), each filed with what, when, to whom and the outcome.

`message_send` is the one way anything in the service writes to a person outside it. It renders the
template with only the context the template names, files the message (and, for a request, a row in the
letters register) in one transaction, and hands it to Celery on commit. `message_deliver` makes one
attempt: sent, failed (tried again by Celery with backoff, up to MESSAGE_MAX_ATTEMPTS) or bounced (the
address or number was refused: trying again cannot help). A higher layer that must act once a message
has gone (the disclosure app releases a pack when its link was sent) registers a hook for its purpose.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.audit import record_change
from core.tasks import task_send_on_commit
from requests_app.message_templates import MASK, MessageTemplate, message_template
from requests_app.models import (
    Letter,
    LetterDirection,
    LetterMethod,
    Message,
    MessageChannel,
    MessageStatus,
    RightsRequest,
)
from requests_app.services.sms import SmsError, sms_send
from rights import ApplicationError

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 5
REFERENCE_HEADER = "X-Rights-Desk-Message"
ERROR_LENGTH = 2000
# purpose prefix ("portal_link" of "portal_link:12") -> what to do once such a message was sent.
SENT_HOOKS: dict[str, Callable[[Message], None]] = {}


def message_sent_hook(purpose: str, hook: Callable[[Message], None]) -> None:
    """Register what a higher layer does once a message for `purpose` has been sent (called at start-up)."""
    SENT_HOOKS[purpose] = hook


def max_attempts() -> int:
    return int(getattr(settings, "MESSAGE_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def _render(spec: MessageTemplate, context: Mapping[str, Any]) -> tuple[str, str]:
    values = {**context, "organisation": settings.ORGANISATION}
    subject = " ".join(spec.subject.format(**context).split())
    return subject, render_to_string(spec.template_path, values).strip() + "\n"


def _checked_context(spec: MessageTemplate, context: Mapping[str, Any]) -> dict[str, str]:
    unknown = sorted(set(context) - set(spec.context))
    if unknown:
        # A template says what may travel by email: nothing else about the case does.
        raise ApplicationError(f"A {spec.name} message does not take {', '.join(unknown)}.")
    missing = [key for key in spec.context if str(context.get(key, "")).strip() == ""]
    if missing:
        raise ApplicationError(f"A {spec.name} message needs {', '.join(missing)}.")
    return {key: str(context[key]) for key in spec.context}


def _checked_address(channel: str, to: str) -> str:
    to = to.strip()
    if channel == MessageChannel.EMAIL:
        try:
            validate_email(to)
        except ValidationError:
            raise ApplicationError(f"{to!r} is not an email address.", field="to") from None
    elif channel == MessageChannel.SMS:
        digits = to.replace(" ", "")
        if not (digits.startswith(("+", "0")) and digits[1:].isdigit() and 10 <= len(digits) <= 16):
            raise ApplicationError(f"{to!r} is not a mobile phone number.", field="to")
        to = digits
    else:
        raise ApplicationError(f"{channel!r} is not a way of sending a message.", field="channel")
    return to


def message_send(
    *,
    to: str,
    template: str,
    context: Mapping[str, Any],
    letter: Letter | None = None,
    request: RightsRequest | None = None,
    by: User | None = None,
    channel: str = MessageChannel.EMAIL,
    purpose: str = "",
) -> Message:
    """File a message and send it once this transaction commits (by Celery, retried on failure).

    For a request with no letter given, the message itself is filed in the letters register.
    """
    spec = message_template(template)
    if channel == MessageChannel.SMS and not spec.sms:
        raise ApplicationError(f"A {spec.name} message cannot go by text message.", field="channel")
    to = _checked_address(channel, to)
    values = _checked_context(spec, context)
    subject, body = _render(spec, values)
    _, record = _render(spec, {**values, **dict.fromkeys(spec.secrets, MASK)})
    if letter is not None and request is None:
        request = letter.request
    with transaction.atomic():
        if request is not None and letter is None:
            letter = Letter(
                request=request,
                direction=LetterDirection.OUT,
                date=timezone.localdate(),
                method=LetterMethod.EMAIL,
                addressee=f"{request.addressee.full_name} ({to})"[:200],
                summary=f"{spec.title}{' (text message)' if channel == MessageChannel.SMS else ''}.",
                template=spec.name,
                created_by=by,
            )
            letter.full_clean()
            record_change(letter, f"Sent by the service: {spec.title}", by=by)
            letter.save()
        message = Message(
            request=request,
            letter=letter,
            channel=channel,
            to=to,
            template=spec.name,
            subject=subject if channel == MessageChannel.EMAIL else "",
            body=record,
            pending_body=body,
            purpose=purpose,
            created_by=by,
        )
        message.full_clean()
        record_change(message, "Queued", by=by)
        message.save()
        message_queue(message_id=message.pk)
    return message


def message_queue(*, message_id: int, countdown: int = 0) -> None:
    """Hand the message to Celery once the transaction that wrote it has committed."""
    task_send_on_commit("requests_app.tasks.message_deliver_task", message_id, countdown=countdown or None)


class _Permanent(Exception):
    """The address was refused: sending again cannot help."""


def _hand_over(message: Message) -> None:
    if message.channel == MessageChannel.SMS:
        try:
            sms_send(to=message.to, body=message.pending_body)
        except SmsError as error:
            if error.permanent:
                raise _Permanent(str(error)) from error
            raise
        return
    # The header names the message for the delivery receipt (requests_app.notify_backend passes it to Notify).
    headers = {REFERENCE_HEADER: message_reference(message.pk)}
    email = EmailMessage(subject=message.subject, body=message.pending_body, to=[message.to], headers=headers)
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise _Permanent(f"The mail server refused the address: {error.recipients}") from error
    except Exception as error:
        status = getattr(error, "status_code", None)  # GOV.UK Notify's HTTPError
        if status == 400:
            raise _Permanent(f"GOV.UK Notify refused the email: {error}") from error
        raise


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> Message:
    """One attempt to send a queued or failed message; the outcome and its time are recorded either way."""
    now = now or timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status in {MessageStatus.SENT, MessageStatus.BOUNCED} or not message.pending_body:
            return message  # already done, or given up: a second run sends nothing
        message.attempts += 1
        try:
            _hand_over(message)  # under the row lock: two workers never send it twice
        except _Permanent as error:
            message.status = MessageStatus.BOUNCED
            message.last_error = str(error)[:ERROR_LENGTH]
            message.failed_at = now
            message.pending_body = ""
            reason = "Bounced"
        except Exception as error:  # any failure to hand over is recorded, then retried or given up
            logger.warning("Message %s could not be sent: %s", message.pk, error)
            message.status = MessageStatus.FAILED
            message.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
            message.failed_at = now
            if message.attempts >= max_attempts():
                message.pending_body = ""  # given up: the code or link it held is not kept
                reason = f"Failed; given up after {message.attempts} attempts"
            else:
                reason = f"Failed (attempt {message.attempts}); will be tried again"
        else:
            message.status = MessageStatus.SENT
            message.sent_at = now
            message.last_error = ""
            message.pending_body = ""
            reason = "Sent"
        record_change(message, reason)
        message.save()
        if message.status == MessageStatus.SENT and message.purpose:
            hook = SENT_HOOKS.get(message.purpose.split(":", 1)[0])
            if hook is not None:
                sent = message
                transaction.on_commit(lambda: _run_hook(hook, sent))
    return message


def _run_hook(hook: Callable[[Message], None], message: Message) -> None:
    try:
        hook(message)
    except Exception:  # the message went: what follows it is logged and shown, never undoes the sending
        logger.exception("What follows message %s (%s) failed", message.pk, message.purpose)


def message_retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: one minute, doubling, at most an hour."""
    return int(min(60 * 2 ** max(attempts - 1, 0), 3600))


def message_mark_bounced(*, message_id: int, reason: str, by: User | None = None) -> Message:
    """Record a bounce reported after sending (a bounce email, or GOV.UK Notify's permanent failure)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        message.status = MessageStatus.BOUNCED
        message.last_error = reason.strip()[:ERROR_LENGTH] or "Bounced"
        message.failed_at = timezone.now()
        message.pending_body = ""
        record_change(message, "Bounce reported", by=by)
        message.save()
    return message


def message_reference(message_id: int) -> str:
    """The reference a message travels with (GOV.UK Notify's `reference`), to match its delivery receipt."""
    return f"message-{message_id}"


# GOV.UK Notify's delivery statuses that mean the message did not arrive.
NOTIFY_FAILURES = {
    "permanent-failure": "GOV.UK Notify: permanent failure (the provider could not deliver to this address)",
    "temporary-failure": "GOV.UK Notify: temporary failure (the inbox was full or the phone off) and not delivered",
    "technical-failure": "GOV.UK Notify: technical failure, not delivered",
}


def message_delivery_reported(*, reference: str, status: str) -> Message | None:
    """A delivery receipt (GOV.UK Notify's callback): a permanent failure is a bounce; a temporary or technical
    failure is recorded as failed. Delivered, or a reference that is not ours, changes nothing (None)."""
    if not reference.startswith("message-") or not reference[8:].isdigit() or status not in NOTIFY_FAILURES:
        return None
    message_id = int(reference[8:])
    if not Message.objects.filter(pk=message_id).exists():
        return None
    if status == "permanent-failure":
        return message_mark_bounced(message_id=message_id, reason=NOTIFY_FAILURES[status])
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        message.status = MessageStatus.FAILED
        message.last_error = NOTIFY_FAILURES[status]
        message.failed_at = timezone.now()
        message.pending_body = ""
        record_change(message, "Failure reported by GOV.UK Notify")
        message.save()
    return message
