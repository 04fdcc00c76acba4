"""The online request form: GOV.UK question pages in order, the email address confirmed by a code read from a real
SMTP server on loopback, the request created on submission (web, received today, acknowledged), abuse limits
(per address, per IP, honeypot) counted, and nothing lost when a step is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.models import (
    Letter,
    LetterDirection,
    Message,
    OneTimeCode,
    OnlineRejection,
    RejectionReason,
    RightsRequest,
    StatusLink,
)
from tests.conftest import LoopbackMailbox

pytestmark = pytest.mark.django_db

PARENT = "pat.parent@example.org"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def q(slug: str) -> str:
    return reverse("online:question", args=[slug])


def code_in(body: str) -> str:
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


ABOUT_CHILD = {
    "subject-full_name": "Robin Parent",
    "subject-previous_names": "",
    "subject-date_of_birth_day": "4",
    "subject-date_of_birth_month": "5",
    "subject-date_of_birth_year": "2014",
    "subject-address": "1 High Street\nStockport\nSK1 1AA",
}


def answer_up_to_email(client: Client, *, email: str = PARENT, reply_by: str = "email", **extra: Any) -> None:
    """A parent asks for their child's records, up to giving the email address (which sends the code)."""
    steps: list[tuple[str, dict[str, Any]]] = [
        ("who", {"role": "parent", "website": ""}),
        ("authority", {"authority": "parental_responsibility", "relationship": ""}),
        (
            "you",
            {
                "requester-full_name": "Pat Parent",
                "requester-address": "1 High Street\nStockport",
                "requester-phone": "",
            },
        ),
        ("about", ABOUT_CHILD),
        ("right", {"kind": "access"}),
        ("details", {"summary": "All of Robin's records from the school nurse, 2020 to now."}),
        ("reply", {"reply_by": reply_by, "format_needs": extra.get("format_needs", []), "format_needs_detail": ""}),
        ("email", {"email": email}),
    ]
    for slug, data in steps:
        response = client.post(q(slug), data)
        assert response.status_code == 302, (slug, response.content.decode()[:2000])


def confirm_email(client: Client, smtp: LoopbackMailbox, email: str = PARENT) -> None:
    code = code_in(smtp.bodies_to(email)[-1])
    response = client.post(reverse("online:email_code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("online:check")


def test_a_parent_asks_online_and_the_request_lands_in_the_queue(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    assert client.get(reverse("online:start")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    assert RightsRequest.objects.count() == 0  # nothing is created before the request is sent
    confirm_email(client, smtp_server)
    page = client.get(reverse("online:check"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Robin Parent" in html and "I have parental responsibility for them" in html and PARENT in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("online:check"), {"website": ""})
    assert response.status_code == 302 and response["Location"] == reverse("online:done")
    request = RightsRequest.objects.get()
    assert request.channel == "web"
    assert request.received == timezone.localdate()
    assert request.kind == "access" and request.representative_role == "parent"
    assert request.authority == "parental_responsibility"
    assert request.requester is not None and request.requester.email == PARENT
    assert request.subject.full_name == "Robin Parent" and request.subject.email == ""
    assert request.reply_by == "email" and request.code_by == "email"
    assert request.due_date > request.received
    # The acknowledgement and the status-page link went by email, both filed in the letters register.
    acknowledgement = Letter.objects.get(request=request, direction=LetterDirection.OUT, template="acknowledgement")
    assert acknowledgement.messages.get().status == "sent"
    link = StatusLink.objects.get(request=request)
    assert link.message is not None and link.message.status == "sent"
    bodies = smtp_server.bodies_to(PARENT)
    assert any(request.reference in body and "/ask/status/" in body for body in bodies)
    assert any("Robin" not in body for body in bodies)
    done = client.get(reverse("online:done"))
    assert request.reference in done.content.decode()
    # The answers left the session: a second submit cannot make a second request.
    assert client.get(reverse("online:check"))["Location"] == q("who")


def test_a_person_asking_for_themselves_is_not_asked_about_authority(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    assert client.post(q("who"), {"role": "self", "website": ""})["Location"] == q("about")
    assert client.get(q("authority"))["Location"] == q("about")
    client.post(q("about"), ABOUT_CHILD | {"subject-full_name": "Sam Self"})
    client.post(q("right"), {"kind": "erasure"})
    client.post(q("details"), {"summary": "Delete my old address."})
    client.post(q("reply"), {"reply_by": "post", "format_needs": ["easy_read"], "format_needs_detail": ""})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(q("email"), {"email": "sam@example.org"})
    confirm_email(client, smtp_server, "sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("online:check"), {"website": ""})
    request = RightsRequest.objects.get()
    assert request.requester is None and request.subject.email == "sam@example.org"
    assert request.reply_by == "post" and request.format_needs == "easy_read"


def test_pages_cannot_be_skipped_and_errors_are_shown_beside_the_question() -> None:
    client = Client()
    assert client.get(q("details"))["Location"] == q("who")
    assert client.get(reverse("online:check"))["Location"] == q("who")
    response = client.post(q("who"), {"website": ""})
    assert response.status_code == 400
    assert "Select who is asking" in response.content.decode()
    client.post(q("who"), {"role": "other", "website": ""})
    response = client.post(q("authority"), {"authority": "not_sure", "relationship": ""})
    assert response.status_code == 400 and "Tell us how you know the person" in response.content.decode()
    # A parent cannot pick an authority a parent cannot hold.
    client.post(q("who"), {"role": "parent", "website": ""})
    response = client.post(q("authority"), {"authority": "lasting_power_of_attorney"})
    assert response.status_code == 400


def test_the_wrong_code_then_the_right_one_and_a_spent_code(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    code = code_in(smtp_server.bodies_to(PARENT)[-1])
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("online:email_code"), {"code": wrong})
    assert response.status_code == 400 and "2 more tries" in response.content.decode()
    assert client.get(reverse("online:check"))["Location"] == q("email")  # not confirmed: no check page
    assert code not in OneTimeCode.objects.get().code_hash
    assert code not in Message.objects.get(template="email_confirmation").body  # masked on record
    confirm_email(client, smtp_server)


def test_three_wrong_codes_lock_the_code_and_are_counted(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    code = code_in(smtp_server.bodies_to(PARENT)[-1])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("online:email_code"), {"code": wrong})
    response = client.post(reverse("online:email_code"), {"code": code})
    assert response.status_code == 400 and "Get a new code" in response.content.decode()
    assert OnlineRejection.objects.filter(reason=RejectionReason.CODE_LOCKED).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("online:email_code"), {"resend": "1"}).status_code == 302
    confirm_email(client, smtp_server)


def test_an_expired_code_does_not_confirm(smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    code = code_in(smtp_server.bodies_to(PARENT)[-1])
    OneTimeCode.objects.update(expires_at=timezone.now())
    response = client.post(reverse("online:email_code"), {"code": code})
    assert response.status_code == 400 and "expired" in response.content.decode()


def test_codes_per_address_are_limited_and_refusals_counted(
    settings: Any, smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    settings.ONLINE_CODES_PER_ADDRESS_PER_HOUR = 2
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
        assert client.post(reverse("online:email_code"), {"resend": "1"}).status_code == 302
        response = client.post(reverse("online:email_code"), {"resend": "1"})
    assert response.status_code == 429
    assert "too many tries from this email address" in response.content.decode()
    assert len(smtp_server.bodies_to(PARENT)) == 2
    assert OnlineRejection.objects.get().reason == RejectionReason.ADDRESS_LIMIT
    # Another address from the same browser is not held back by this address's limit.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(q("email"), {"email": "other@example.org"}).status_code == 302


def test_codes_per_ip_are_limited(
    settings: Any, smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    settings.ONLINE_CODES_PER_IP_PER_HOUR = 1
    client = Client(REMOTE_ADDR="198.51.100.7")
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
        response = client.post(q("email"), {"email": "second@example.org"})
    assert response.status_code == 429 and "your internet connection" in response.content.decode()
    rejection = OnlineRejection.objects.get()
    assert rejection.reason == RejectionReason.IP_LIMIT and rejection.ip_address == "198.51.100.7"
    # Another address is a different visitor.
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post(q("who"), {"role": "self", "website": ""}).status_code == 302


def test_submissions_per_address_are_limited_and_the_answers_kept(
    settings: Any, smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    settings.ONLINE_REQUESTS_PER_ADDRESS_PER_DAY = 1
    for attempt in range(2):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            answer_up_to_email(client)
        confirm_email(client, smtp_server)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("online:check"), {"website": ""})
        if attempt == 0:
            assert response.status_code == 302
    assert response.status_code == 400 and "too many tries" in response.content.decode()
    assert RightsRequest.objects.count() == 1
    assert OnlineRejection.objects.get().step == "submit"
    assert client.get(reverse("online:check")).status_code == 200  # the answers are still there


def test_the_honeypot_is_counted_and_nothing_is_sent(smtp_server: LoopbackMailbox) -> None:
    client = Client()
    response = client.post(q("who"), {"role": "self", "website": "http://spam.example"})
    assert response.status_code == 400 and "We could not accept this form" in response.content.decode()
    assert OnlineRejection.objects.get().reason == RejectionReason.HONEYPOT
    assert client.get(q("about"))["Location"] == q("who")  # the answer was not kept


def test_the_honeypot_on_the_check_page(smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    confirm_email(client, smtp_server)
    assert client.post(reverse("online:check"), {"website": "x"}).status_code == 400
    assert RightsRequest.objects.count() == 0 and OnlineRejection.objects.get().step == "submit"


def test_a_confirmation_makes_one_request_only(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    confirm_email(client, smtp_server)
    answers = dict(client.session["online_request"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("online:check"), {"website": ""})
    session = client.session
    session["online_request"] = answers  # a replayed session with the spent confirmation
    session.save()
    response = client.post(reverse("online:check"), {"website": ""})
    assert response.status_code == 400 and "Confirm your email address" in response.content.decode()
    assert RightsRequest.objects.count() == 1


def test_changing_an_answer_returns_to_check_your_answers(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer_up_to_email(client)
    confirm_email(client, smtp_server)
    page = client.get(q("details"))
    assert "school nurse" in page.content.decode()  # the answer given is shown again
    response = client.post(q("details"), {"summary": "Only the 2023 records."})
    assert response["Location"] == reverse("online:check")
    # Changing who is asking to "me" drops the parent's own details and asks nothing more.
    response = client.post(q("who"), {"role": "self", "website": ""})
    assert response["Location"] == reverse("online:check")
    assert "Pat Parent" not in client.get(reverse("online:check")).content.decode()


def test_the_login_page_links_to_the_public_form() -> None:
    assert reverse("online:start") in Client().get(reverse("login")).content.decode()
