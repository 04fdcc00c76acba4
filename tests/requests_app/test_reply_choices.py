"""How the requester wants replies, where the pack's code goes, and format needs: recorded when staff log a request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from requests_app.models import RightsRequest
from tests import factories
from tests.requests_app.test_views import client_for, new_request_data

pytestmark = pytest.mark.django_db


def test_reply_by_email_code_by_text_and_format_needs_are_recorded_and_shown() -> None:
    client = client_for(factories.manager())
    form = client.get(reverse("request_new")).content.decode()
    assert 'name="reply_by"' in form and 'name="format_needs"' in form and 'value="large_print"' in form
    response = client.post(
        reverse("request_new"),
        {
            **new_request_data(requester_email="jo@example.org", requester_phone="07700 900123"),
            "reply_by": "email",
            "code_by": "sms",
            "format_needs": ["large_print", "language"],
            "format_needs_detail": "Polish",
        },
    )
    assert response.status_code == 302
    rr = RightsRequest.objects.get()
    assert (rr.reply_by, rr.code_by, rr.format_needs, rr.format_needs_detail) == (
        "email",
        "sms",
        "large_print,language",
        "Polish",
    )
    page = client.get(reverse("request_detail", args=[rr.pk])).content.decode()
    assert "By email to jo@example.org" in page and "by text message" in page
    assert "Large print, Another language" in page and "Polish" in page


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"reply_by": "email"}, "need the email address"),
        ({"code_by": "email"}, "need the email address"),
        ({"code_by": "sms"}, "needs their mobile phone number"),
    ],
)
def test_a_choice_the_contact_details_cannot_carry_is_refused(choices: dict[str, str], message: str) -> None:
    response = client_for(factories.manager()).post(reverse("request_new"), {**new_request_data(), **choices})
    assert response.status_code == 200 and message in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_a_request_logged_without_choices_replies_by_post_with_the_code_by_phone() -> None:
    client_for(factories.manager()).post(reverse("request_new"), new_request_data())
    rr = RightsRequest.objects.get()
    assert (rr.reply_by, rr.code_by, rr.portal_code_channel, rr.format_needs) == ("post", "", "phone", "")
