"""Issue 18: a third party asked by email answers online through a token link and a one-time code."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.log_filters import mask_portal_tokens
from disclosure.models import (
    CONSENT_LINK_MAX_TRIES,
    ConsentAnswerCode,
    ConsentAnswerLink,
    ConsentRequest,
    DisclosureEvent,
    ThirdParty,
)
from disclosure.services.consent import consent_request_send
from disclosure.services.delivery import token_hash
from requests_app.models import Message
from tests.disclosure.test_consent import ASKED, TODAY
from tests.factories import pack_case, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def party(staff: dict[str, User]) -> ThirdParty:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    return ThirdParty.objects.get(request=request)


def _asked(party: ThirdParty, staff: dict[str, User], capture: Any, method: str = "email") -> ConsentRequest:
    with capture(execute=True):
        return consent_request_send(
            by=staff["caseworker"],
            third_party=party,
            method=method,
            email="carol@example.org",
            address="1 Road, Town",
            today=TODAY,
            **ASKED,
        )


def _token() -> str:
    found = re.search(r"/disclosure/consent-answer/([^/\s]+)/", mail.outbox[-1].body)
    assert found is not None
    return found.group(1)


def _code(client: Client, token: str, capture: Any) -> str:
    with capture(execute=True):
        assert client.post(reverse("disclosure:consent_answer_open", args=[token])).status_code == 302
    found = re.search(r"is (\d{6})\.", mail.outbox[-1].body)
    assert found is not None and mail.outbox[-1].to == ["carol@example.org"]
    return found.group(1)


def test_the_third_party_refuses_online_with_a_comment_and_the_caseworker_sees_it(
    party: ThirdParty, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    consent = _asked(party, staff, django_capture_on_commit_callbacks)
    token = _token()
    link = ConsentAnswerLink.objects.get(consent=consent)
    assert link.token_hash == token_hash(token) and link.sent_to == "carol@example.org"
    kept = Message.objects.get(template="consent_answer_link")
    assert token not in kept.body and "[not kept]" in kept.body  # the record never holds the link
    assert "Alex Example" not in mail.outbox[-1].body  # nothing about the data subject

    client = Client()
    start = client.get(reverse("disclosure:consent_answer_open", args=[token]))
    assert start.status_code == 200 and b"Send me a code" in start.content
    assert b"telephoned a referral" not in start.content  # nothing of the request before the code
    code = _code(client, token, django_capture_on_commit_callbacks)
    assert ConsentAnswerCode.objects.get(link=link).code_hash != code
    code_url = reverse("disclosure:consent_answer_code", args=[token])
    assert client.post(code_url, {"code": "000000" if code != "000000" else "111111"}).status_code == 400
    assert client.post(code_url, {"code": code}).status_code == 302

    page = client.get(reverse("disclosure:consent_answer_open", args=[token]))
    assert page.status_code == 200 and b"telephoned a referral" in page.content and b"Do you consent?" in page.content
    assert b"Alex Example" not in page.content and b"Sam Example" not in page.content
    empty = client.post(reverse("disclosure:consent_answer_open", args=[token]), {"comment": "hm"})
    assert empty.status_code == 400 and b"Choose whether you consent" in empty.content
    consent.refresh_from_db()
    assert not consent.is_answered  # bad input changed nothing

    done = client.post(
        reverse("disclosure:consent_answer_open", args=[token]),
        {"answer": "refusal", "comment": "I fear for my safety if this is shared."},
        REMOTE_ADDR="203.0.113.7",
    )
    assert done.status_code == 200 and b"Answer sent" in done.content
    consent.refresh_from_db()
    party.refresh_from_db()
    assert consent.answer == "refusal" and consent.answered_on == timezone.localdate()
    assert consent.answer_recorded_by is None and "I fear for my safety" in consent.answer_note
    assert consent.answer_letter is not None and consent.answer_letter.direction == "in"
    assert party.consent == "refused" and party.reasonable_to_disclose == ""  # the para 16 judgement is made again
    link.refresh_from_db()
    assert link.answered_at is not None and link.ip_address == "203.0.113.7"
    assert DisclosureEvent.objects.filter(request=party.request, action="consent_answered_online").count() == 1

    again = Client().get(reverse("disclosure:consent_answer_open", args=[token]))
    assert again.status_code == 403 and b"Already answered" in again.content
    assert (
        client.post(reverse("disclosure:consent_answer_open", args=[token]), {"answer": "consent"}).status_code == 403
    )  # the same browser cannot answer twice
    consent.refresh_from_db()
    assert consent.answer == "refusal"

    caseworker = Client()
    sign_in(caseworker, staff["caseworker"])
    seen = caseworker.get(reverse("disclosure:third_party", args=[party.request_id, party.pk]))
    assert b"answered online" in seen.content and b"I fear for my safety" in seen.content


def test_wrong_codes_lock_the_link_and_unknown_tokens_are_refused(
    party: ThirdParty, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    consent = _asked(party, staff, django_capture_on_commit_callbacks)
    token = _token()
    assert Client().get(reverse("disclosure:consent_answer_open", args=["not-a-token"])).status_code == 404
    client = Client()
    code = _code(client, token, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    code_url = reverse("disclosure:consent_answer_code", args=[token])
    statuses = []
    for attempt in range(CONSENT_LINK_MAX_TRIES):
        if attempt and attempt % 3 == 0:  # a code takes three wrong tries: ask for a fresh one (throttled)
            ConsentAnswerCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
            with django_capture_on_commit_callbacks(execute=True):
                client.post(code_url, {"resend": "1"})
        statuses.append(client.post(code_url, {"code": wrong}).status_code)
    assert statuses[-1] == 403
    link = ConsentAnswerLink.objects.get(consent=consent)
    assert link.locked_at is not None
    assert client.post(code_url, {"code": code}).status_code == 403  # even the right code, once locked
    assert Client().get(reverse("disclosure:consent_answer_open", args=[token])).status_code == 403
    assert not ConsentRequest.objects.get(pk=consent.pk).is_answered


def test_the_caseworker_withdraws_the_link_and_a_posted_request_has_none(
    party: ThirdParty, staff: dict[str, User], django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    consent = _asked(party, staff, django_capture_on_commit_callbacks)
    token = _token()
    link = ConsentAnswerLink.objects.get(consent=consent)
    caseworker = Client()
    sign_in(caseworker, staff["caseworker"])
    url = reverse("disclosure:consent_answer_link_revoke", args=[party.request_id, link.pk])
    caseworker.post(url, {"reason": ""})
    link.refresh_from_db()
    assert link.revoked_at is None  # no reason: nothing changed
    assert caseworker.post(url, {"reason": "Sent to an old address"}).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == staff["caseworker"]
    assert DisclosureEvent.objects.filter(action="consent_answer_link_revoked", by=staff["caseworker"]).exists()
    refused = Client().get(reverse("disclosure:consent_answer_open", args=[token]))
    assert refused.status_code == 403 and b"no longer works" in refused.content
    assert mask_portal_tokens(f"GET /disclosure/consent-answer/{token}/code/") == (
        "GET /disclosure/consent-answer/[token]/code/"
    )

    other = ThirdParty.objects.create(request=party.request, name="Dan Neighbour")
    posted = _asked(other, staff, django_capture_on_commit_callbacks, method="post")
    assert not ConsentAnswerLink.objects.filter(consent=posted).exists()
    with caplog.at_level(logging.CRITICAL, logger="django.request"):
        stranger = Client()
        sign_in(stranger, staff["reviewer"])
        assert stranger.post(url, {"reason": "x"}).status_code in {403, 404}
