"""Sending: email through a real SMTP server on loopback, filed with what, when, to whom and the outcome."""

from __future__ import annotations

import pytest
from django.core import mail

from requests_app.message_templates import MASK
from requests_app.models import Letter, Message, MessageChannel, MessageStatus
from requests_app.services import messages as message_services
from requests_app.services import sms
from requests_app.services.messages import message_mark_bounced, message_send
from rights import ApplicationError, Authority, RepresentativeRole
from tests.conftest import LoopbackMailbox
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def _send(capture, **kwargs):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        message = message_send(**kwargs)
    message.refresh_from_db()
    return message


def test_a_code_goes_through_smtp_and_is_filed_without_the_code(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    request = make_request(
        requester_name="Pat Parent", role=RepresentativeRole.PARENT, authority=Authority.PARENTAL_RESPONSIBILITY
    )
    message = _send(
        django_capture_on_commit_callbacks,
        to="pat@example.org",
        template="portal_code",
        context={"reference": request.reference, "code": "482913", "minutes": 15},
        request=request,
    )
    assert message.status == MessageStatus.SENT and message.attempts == 1 and message.sent_at is not None
    bodies = smtp_server.bodies_to("pat@example.org")
    assert len(bodies) == 1 and "482913" in bodies[0] and request.reference in bodies[0]
    assert "482913" not in message.body and MASK in message.body
    assert message.pending_body == ""
    assert all("482913" not in h.body for h in message.history.all())
    letter = Letter.objects.get(pk=message.letter_id)  # filed in the letters register
    assert letter.request == request and letter.method == "email" and "pat@example.org" in letter.addressee
    assert letter.summary.startswith("One-time code")


def test_a_refused_address_is_bounced_and_not_tried_again(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    message = _send(
        django_capture_on_commit_callbacks,
        to="bounce@example.org",
        template="email_confirmation",
        context={"code": "123456", "minutes": 15},
    )
    assert message.status == MessageStatus.BOUNCED and message.attempts == 1
    assert "refused" in message.last_error and message.pending_body == ""
    assert smtp_server.messages == []


def test_a_server_that_is_down_fails_is_retried_then_given_up(settings, django_capture_on_commit_callbacks) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    settings.MESSAGE_MAX_ATTEMPTS = 3
    message = _send(
        django_capture_on_commit_callbacks,
        to="pat@example.org",
        template="email_confirmation",
        context={"code": "123456", "minutes": 15},
    )
    assert message.status == MessageStatus.FAILED and message.attempts == 3  # Celery tried it three times
    assert "ConnectionRefusedError" in message.last_error and message.pending_body == ""


def test_a_failure_then_success_ends_sent(
    smtp_server: LoopbackMailbox, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    real = message_services._hand_over
    calls = []

    def flaky(message: Message) -> None:
        calls.append(message.pk)
        if len(calls) == 1:
            raise TimeoutError("the mail server did not answer")
        real(message)

    monkeypatch.setattr(message_services, "_hand_over", flaky)
    message = _send(
        django_capture_on_commit_callbacks,
        to="pat@example.org",
        template="email_confirmation",
        context={"code": "123456", "minutes": 15},
    )
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert list(message.history.order_by("history_id").values_list("history_change_reason", flat=True)) == [
        "Queued",
        "Failed (attempt 1); will be tried again",
        "Sent",
    ]
    assert len(smtp_server.messages) == 1


def test_a_template_takes_only_what_it_names() -> None:
    with pytest.raises(ApplicationError, match="does not take child_name"):
        message_send(
            to="pat@example.org",
            template="email_confirmation",
            context={"code": "1", "minutes": 15, "child_name": "Alex"},
        )
    with pytest.raises(ApplicationError, match="needs code"):
        message_send(to="pat@example.org", template="email_confirmation", context={"minutes": 15})
    with pytest.raises(ApplicationError, match="not an email address"):
        message_send(to="not-an-address", template="email_confirmation", context={"code": "1", "minutes": 15})
    with pytest.raises(ApplicationError, match="no message template"):
        message_send(to="pat@example.org", template="pack_attachment", context={})
    assert not Message.objects.exists() and not mail.outbox


def test_a_code_by_text_message(settings, django_capture_on_commit_callbacks) -> None:
    settings.SMS_BACKEND = "memory"
    sms.outbox.clear()
    request = make_request()
    message = _send(
        django_capture_on_commit_callbacks,
        to="07700 900123",
        template="portal_code",
        context={"reference": request.reference, "code": "777111", "minutes": 15},
        request=request,
        channel=MessageChannel.SMS,
    )
    assert message.status == MessageStatus.SENT and message.to == "07700900123"
    assert sms.outbox == [("07700900123", sms.outbox[0][1])] and "777111" in sms.outbox[0][1]
    with pytest.raises(ApplicationError, match="cannot go by text"):
        message_send(to="07700900123", template="portal_link", context={}, channel=MessageChannel.SMS)


def test_no_text_messages_when_none_configured(settings, django_capture_on_commit_callbacks) -> None:
    settings.SMS_BACKEND = "none"
    message = _send(
        django_capture_on_commit_callbacks,
        to="07700900123",
        template="portal_code",
        context={"reference": "RR-2026-0001", "code": "777111", "minutes": 15},
        channel=MessageChannel.SMS,
    )
    assert message.status == MessageStatus.BOUNCED and "not configured" in message.last_error


def test_a_reported_bounce_is_recorded(django_capture_on_commit_callbacks) -> None:
    message = _send(
        django_capture_on_commit_callbacks,
        to="pat@example.org",
        template="email_confirmation",
        context={"code": "1", "minutes": 15},
    )
    assert message.status == MessageStatus.SENT  # the locmem backend of the tests accepted it
    bounced = message_mark_bounced(message_id=message.pk, reason="Mailbox full")
    assert bounced.status == MessageStatus.BOUNCED and bounced.last_error == "Mailbox full"
