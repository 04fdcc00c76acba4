"""GOV.UK Notify's delivery-status callback: the bearer token is checked; a permanent failure bounces the message it
names, a temporary or technical one marks it failed; anything else changes nothing. And the Notify backend passes
each message's reference to Notify."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from requests_app.models import Message, MessageStatus
from requests_app.notify_backend import NotifyEmailBackend
from requests_app.services.messages import REFERENCE_HEADER, message_reference

pytestmark = pytest.mark.django_db
TOKEN = "callback-token-for-tests-0123456789"
URL = "/notify/callback/"


@pytest.fixture(autouse=True)
def _token(settings: Any) -> None:
    settings.GOVUK_NOTIFY_CALLBACK_TOKEN = TOKEN


def sent_message() -> Message:
    return Message.objects.create(to="sam@example.org", template="letter", body="x", status=MessageStatus.SENT)


def post(receipt: dict[str, Any], token: str | None = TOKEN) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return Client().post(URL, json.dumps(receipt), content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("permanent-failure", MessageStatus.BOUNCED),
        ("temporary-failure", MessageStatus.FAILED),
        ("technical-failure", MessageStatus.FAILED),
        ("delivered", MessageStatus.SENT),
        ("sending", MessageStatus.SENT),
    ],
)
def test_a_receipt_updates_the_message_it_names(status: str, expected: str) -> None:
    message = sent_message()
    response = post({"id": "abc", "reference": message_reference(message.pk), "status": status, "to": message.to})
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == expected
    if expected != MessageStatus.SENT:
        assert "GOV.UK Notify" in message.last_error and message.failed_at is not None


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x"])
def test_a_wrong_or_missing_token_is_refused_and_changes_nothing(token: str | None) -> None:
    message = sent_message()
    response = post({"reference": message_reference(message.pk), "status": "permanent-failure"}, token=token)
    assert response.status_code == 401
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_no_token_configured_refuses_every_call(settings: Any) -> None:
    settings.GOVUK_NOTIFY_CALLBACK_TOKEN = ""
    message = sent_message()
    assert (
        post({"reference": message_reference(message.pk), "status": "permanent-failure"}, token="").status_code == 401
    )


@pytest.mark.parametrize("reference", ["", "message-", "message-999999", "someone-else", None])
def test_a_receipt_that_is_not_ours_changes_nothing(reference: str | None) -> None:
    message = sent_message()
    response = post({"reference": reference, "status": "permanent-failure"})
    assert response.status_code == 200 and response.json() == {"recorded": False}
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_bad_bodies_are_refused() -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert Client().post(URL, "not json", content_type="application/json", **headers).status_code == 400
    assert Client().post(URL, "[1]", content_type="application/json", **headers).status_code == 400
    assert Client().get(URL, **headers).status_code == 405


def test_the_notify_backend_sends_the_reference(settings: Any) -> None:
    settings.GOVUK_NOTIFY_API_KEY = "test-key"
    settings.GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = "5d9e5f47-4c1b-4ad0-9ac3-7a4d3c3f0e11"
    backend = NotifyEmailBackend()
    backend.client = mock.Mock()
    email = EmailMessage(subject="S", body="B", to=["sam@example.org"], headers={REFERENCE_HEADER: "message-7"})
    assert backend.send_messages([email]) == 1
    kwargs = backend.client.send_email_notification.call_args.kwargs
    assert kwargs["reference"] == "message-7" and kwargs["email_address"] == "sam@example.org"
    assert kwargs["personalisation"] == {"subject": "S", "body": "B"}
