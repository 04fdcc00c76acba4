"""The pack portal's second factor: one-time codes that expire, work once, are stored hashed and lock after wrong tries;
and a link that works only once it was sent (by email from the service, or recorded as posted)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from disclosure.models import Pack, PackStatus, PortalCode, PortalLink
from disclosure.services.delivery import (
    PortalVisitor,
    code_hash,
    portal_code_check,
    portal_code_issue_by_phone,
    portal_code_send,
    portal_link_create,
    portal_link_record_posted,
    portal_link_send_email,
    portal_unlock,
)
from disclosure.services.packs import pack_request
from requests_app.models import Person, RightsRequest, Status
from requests_app.services import sms
from rights import ApplicationError
from tests.conftest import LoopbackMailbox
from tests.factories import PACK_SUBJECT_DOB, celery_eager, pack_case, reviewer

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
VISITOR = PortalVisitor(ip_address="203.0.113.9", user_agent="Mozilla/5.0 (Android) Chrome")


def _pack(staff: dict[str, User], capture, **contact: str) -> Pack:  # type: ignore[no-untyped-def]
    """A verified pack for a parent who chose how to be answered (reply_by, code_by) and gave email or phone."""
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)
    requester = Person.objects.get(pk=request.requester_id)
    requester.email = contact.pop("email", "")
    requester.phone = contact.pop("phone", "")
    requester.save()
    RightsRequest.objects.filter(pk=request.pk).update(**contact)  # test set-up: the choices made at the request
    with celery_eager(), capture(execute=True):
        made = pack_request(request=RightsRequest.objects.get(pk=request.pk), by=staff["caseworker"], today=TODAY)
    made.refresh_from_db()
    assert made.status == PackStatus.VERIFIED, made.failure_reason
    return made


def _code_in(body: str) -> str:
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def test_the_whole_email_loop_link_then_code_through_a_real_smtp_server(
    staff: dict[str, User], smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    pack = _pack(staff, django_capture_on_commit_callbacks, email="sam@example.org", reply_by="email")
    reference = pack.request.reference
    link, token = portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        portal_link_send_email(link=link, token=token, by=staff["caseworker"])
    link.refresh_from_db()
    assert link.sent_how == "email" and link.sent_at is not None and link.message.status == "sent"
    assert RightsRequest.objects.get(pk=pack.request_id).status == Status.DISCLOSED
    (link_mail,) = smtp_server.bodies_to("sam@example.org")
    assert token in link_mail and token not in link.message.body  # the record keeps no token
    assert portal_unlock(token=token, reference=reference, date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR).ok

    with django_capture_on_commit_callbacks(execute=True):
        record = portal_code_send(link_id=link.pk, visitor=VISITOR)
    code = _code_in(smtp_server.bodies_to("sam@example.org")[1])
    assert record.code_hash == code_hash(link.pk, code) and code not in record.code_hash
    assert code not in record.message.body  # masked in the register
    wrong = "000000" if code != "000000" else "111111"
    outcome = portal_code_check(link_id=link.pk, code=wrong, visitor=VISITOR)
    assert (outcome.state, outcome.tries_left) == ("wrong", 2)
    assert portal_code_check(link_id=link.pk, code=f" {code[:3]} {code[3:]} ", visitor=VISITOR).ok
    assert portal_code_check(link_id=link.pk, code=code, visitor=VISITOR).state == "no_code"  # used once only


def test_codes_expire_and_new_ones_are_rate_limited(staff: dict[str, User], django_capture_on_commit_callbacks) -> None:
    pack = _pack(staff, django_capture_on_commit_callbacks, email="sam@example.org", reply_by="email")
    link, _ = portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    portal_link_record_posted(link=link, by=staff["caseworker"], today=TODAY)
    now = timezone.now()
    _, code = portal_code_issue_by_phone(link=link, by=staff["caseworker"], identity_check="Date of birth, address")
    later = now + dt.timedelta(minutes=16)
    assert portal_code_check(link_id=link.pk, code=code, visitor=VISITOR, now=later).state == "no_code"
    first = later + dt.timedelta(minutes=1)
    portal_code_send(link_id=link.pk, visitor=VISITOR, now=first)
    with pytest.raises(ApplicationError, match="less than a minute ago"):
        portal_code_send(link_id=link.pk, visitor=VISITOR, now=first + dt.timedelta(seconds=30))
    for minute in (2, 3, 4):
        portal_code_send(link_id=link.pk, visitor=VISITOR, now=first + dt.timedelta(minutes=minute))
    with pytest.raises(ApplicationError, match="most codes we can today"):
        portal_code_send(link_id=link.pk, visitor=VISITOR, now=first + dt.timedelta(minutes=5))
    assert PortalCode.objects.filter(link=link).count() == 5


def test_wrong_codes_end_a_code_and_count_against_the_link(
    staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:
    pack = _pack(staff, django_capture_on_commit_callbacks)  # a reply by post: the code is read out by phone
    assert pack.request.portal_code_channel == "phone"
    link, token = portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    portal_link_record_posted(link=link, by=staff["manager"], today=TODAY)
    _, code = portal_code_issue_by_phone(link=link, by=staff["caseworker"], identity_check="Security questions")
    wrong = "000000" if code != "000000" else "111111"
    states = [portal_code_check(link_id=link.pk, code=wrong, visitor=VISITOR).state for _ in range(3)]
    assert states == ["wrong", "wrong", "no_code"]
    assert portal_code_check(link_id=link.pk, code=code, visitor=VISITOR).state == "no_code"  # dead after 3
    _, again = portal_code_issue_by_phone(link=link, by=staff["caseworker"], identity_check="Called back")
    wrong = "000000" if again != "000000" else "111111"
    assert portal_code_check(link_id=link.pk, code=wrong, visitor=VISITOR).state == "wrong"
    assert portal_code_check(link_id=link.pk, code=wrong, visitor=VISITOR).state == "locked"  # five wrong in all
    assert PortalLink.objects.get(pk=link.pk).locked_at is not None
    assert portal_code_check(link_id=link.pk, code=again, visitor=VISITOR).state == "locked"
    assert (
        portal_unlock(
            token=token, reference=pack.request.reference, date_of_birth=PACK_SUBJECT_DOB, visitor=VISITOR
        ).state
        == "locked"
    )


def test_a_code_by_text_message_and_none_without_a_way_to_send_it(
    staff: dict[str, User], settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_BACKEND = "memory"
    sms.outbox.clear()
    pack = _pack(staff, django_capture_on_commit_callbacks, phone="07700 900456", code_by="sms")
    link, _ = portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    portal_link_record_posted(link=link, by=staff["caseworker"], today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        portal_code_send(link_id=link.pk, visitor=VISITOR)
    ((number, body),) = sms.outbox
    assert number == "07700900456" and pack.request.reference in body
    assert portal_code_check(link_id=link.pk, code=_code_in(body), visitor=VISITOR).ok
    settings.SMS_BACKEND = "none"
    with pytest.raises(ApplicationError, match="Text messages are not configured"):
        portal_link_create(pack=Pack.objects.get(pk=pack.pk), by=staff["caseworker"], today=TODAY)


def test_a_phone_code_needs_a_sent_link_a_caseworker_and_an_identity_check(
    staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:
    pack = _pack(staff, django_capture_on_commit_callbacks)
    link, _ = portal_link_create(pack=pack, by=staff["caseworker"], today=TODAY)
    with pytest.raises(ApplicationError, match="not active"):
        portal_code_issue_by_phone(link=link, by=staff["caseworker"], identity_check="Security questions")
    portal_link_record_posted(link=link, by=staff["caseworker"], today=TODAY)
    with pytest.raises(ApplicationError, match="how you checked"):
        portal_code_issue_by_phone(link=link, by=staff["caseworker"], identity_check=" ")
    with pytest.raises(ApplicationError, match="caseworker"):
        portal_code_issue_by_phone(link=link, by=reviewer("reviewer2"), identity_check="Security questions")
    with pytest.raises(ApplicationError, match="read out by phone"):
        portal_code_send(link_id=link.pk, visitor=VISITOR)
    assert not PortalCode.objects.exists()
