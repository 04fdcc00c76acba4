"""Complaint and breach letters go out: emailed by the service to a person who chose email, else posted by staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from casework.models import BreachEvent, BreachLetter, ComplaintEvent, ComplaintLetter
from casework.services import breaches as breach_services
from casework.services import complaints as services
from casework.services.sending import letter_record_posted
from requests_app.models import Message, MessageStatus
from rights import ApplicationError
from tests.casework.conftest import NOON, RECEIVED, details
from tests.casework.test_breach_services import FOUND, facts
from tests.conftest import LoopbackMailbox
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _complaint(by: User, **overrides: str):  # type: ignore[no-untyped-def]
    return services.complaint_log(
        by=by, details=details(**overrides), channel="letter", received=RECEIVED, today=RECEIVED
    )


def test_a_complainant_who_chose_email_is_emailed_the_letter_and_it_is_marked_sent(
    worker: User, smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    complaint = _complaint(worker)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    letter = ComplaintLetter.objects.get(complaint=complaint)
    message = Message.objects.get(pk=letter.message_id)
    assert message.status == MessageStatus.SENT and message.to == "sam@example.org"
    assert message.template == "complaint_letter" and message.purpose == f"complaint_letter:{letter.pk}"
    assert message.request is None  # a complaint is its own record, not a request's letter
    bodies = smtp_server.bodies_to("sam@example.org")
    assert len(bodies) == 1
    assert "Thank you for your complaint" in bodies[0] and complaint.reference in bodies[0]
    assert letter.sent_at == message.sent_at and letter.sent_how == "email"
    assert ComplaintEvent.objects.filter(complaint=complaint, action="letter_sent").count() == 1
    with pytest.raises(ApplicationError, match="already been sent"):
        letter_record_posted(letter=letter, by=worker)


def test_the_email_is_queued_with_the_letter_and_nothing_is_sent_if_the_step_fails(worker: User) -> None:
    complaint = _complaint(worker)
    services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    with pytest.raises(ApplicationError):
        services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    assert Message.objects.count() == 1  # only the first acknowledgement's
    letter = ComplaintLetter.objects.get()
    assert letter.message is not None and letter.message.status == MessageStatus.QUEUED and letter.sent_at is None
    with pytest.raises(ApplicationError, match="being emailed"):
        letter_record_posted(letter=letter, by=worker)  # not posted as well


def test_a_letter_to_post_waits_for_staff_to_record_that_it_was_posted(worker: User, outsider: User) -> None:
    complaint = _complaint(worker, reply_by="post", address="1 High Street, Stockport SK1 1AA", email="")
    services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    letter = ComplaintLetter.objects.get(complaint=complaint)
    assert letter.message is None and letter.sent_at is None and not Message.objects.exists()
    with pytest.raises(ApplicationError):
        letter_record_posted(letter=letter, by=outsider)
    posted = letter_record_posted(letter=letter, by=worker)
    assert posted.sent_how == "post" and posted.sent_by == worker and posted.sent_at is not None
    event = ComplaintEvent.objects.get(complaint=complaint, action="letter_sent")
    assert event.by == worker and "posted" in event.detail.lower()
    assert posted.history.first().history_change_reason == "Posted"  # type: ignore[attr-defined]


def test_a_bounced_email_leaves_the_letter_to_be_posted(
    worker: User, smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    complaint = _complaint(worker, email="bounce@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    letter = ComplaintLetter.objects.get(complaint=complaint)
    assert letter.message.status == MessageStatus.BOUNCED and letter.sent_at is None  # type: ignore[union-attr]
    assert letter_record_posted(letter=letter, by=worker).sent_how == "post"


def test_the_mark_sent_seam_is_idempotent(worker: User) -> None:
    complaint = _complaint(worker, reply_by="post", address="1 High Street", email="")
    services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    letter = ComplaintLetter.objects.get()
    first = services.complaint_letter_mark_sent(letter=letter, by=None, at=NOON)
    again = services.complaint_letter_mark_sent(letter=letter, by=None, at=NOON + dt.timedelta(days=1))
    assert first.sent_at == again.sent_at == NOON
    assert ComplaintEvent.objects.filter(action="letter_sent").count() == 1


def test_progress_and_outcome_letters_are_emailed_too(boss: User) -> None:
    complaint = _complaint(boss)
    services.complaint_step(complaint=complaint, by=boss, step="investigate", now=NOON)
    services.complaint_progress_update(
        complaint=complaint, by=boss, update="We asked the school.", complainant_told=True, send_letter=True
    )
    services.complaint_record_outcome(complaint=complaint, by=boss, finding="upheld", outcome="We were late; sorry.")
    services.complaint_step(complaint=complaint, by=boss, step="send_outcome", now=NOON)
    templates = sorted(Message.objects.values_list("template", "subject"))
    assert [t for t, _ in templates] == ["complaint_letter", "complaint_letter"]
    subjects = sorted(s for _, s in templates)
    assert subjects == [
        f"An update on your complaint: your complaint {complaint.reference}",
        f"The outcome of your complaint: your complaint {complaint.reference}",
    ]


def test_a_letter_to_a_person_affected_by_a_breach_is_emailed_when_they_gave_an_address(
    boss: User, worker: User, smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    breach = breach_services.breach_record(by=worker, facts=facts(), now=FOUND)
    breach_services.breach_assess(breach=breach, by=boss, risk="high", reasons="Address of a mother in a refuge.")
    breach_services.breach_decide_tell(breach=breach, by=boss, tell=True, reasons="High risk (Art 34(1)).")
    with pytest.raises(ApplicationError, match="address"):
        breach_services.breach_letter_affected(
            breach=breach, by=boss, addressee="Ms A", address="", what_we_did="We recalled it.", what_you_can_do=""
        )
    with django_capture_on_commit_callbacks(execute=True):
        emailed = breach_services.breach_letter_affected(
            breach=breach,
            by=boss,
            addressee="Ms A Example",
            address="",
            email="a.example@example.org",
            what_we_did="We asked the recipient to delete it.",
            what_you_can_do="",
        )
    emailed.refresh_from_db()
    assert emailed.sent_how == "email" and emailed.sent_at is not None
    body = smtp_server.bodies_to("a.example@example.org")[0]
    assert breach.reference in body and "We asked the recipient to delete it." in body
    posted = breach_services.breach_letter_affected(
        breach=breach,
        by=boss,
        addressee="Child Example",
        address="1 High Street",
        what_we_did="We asked the recipient to delete it.",
        what_you_can_do="",
    )
    assert posted.message is None and posted.sent_at is None
    assert letter_record_posted(letter=posted, by=worker).sent_how == "post"
    details_ = list(BreachEvent.objects.filter(breach=breach, action="letter_sent").values_list("detail", flat=True))
    assert sorted(details_) == [
        "To a person affected (Art 34) letter emailed by the service to Ms A Example",
        "To a person affected (Art 34) letter posted to Child Example",
    ]


def test_a_recall_letter_is_emailed_to_the_recipient_when_an_address_is_given(worker: User) -> None:
    breach = breach_services.breach_record(by=worker, facts=facts(), now=FOUND)
    breach_services.breach_record_recall(
        breach=breach,
        by=worker,
        on=FOUND.date(),
        details="Emailed the father asking him to delete it.",
        addressee="Mr B Example",
        email="b.example@example.org",
    )
    letter = BreachLetter.objects.get(breach=breach)
    assert letter.kind == "recall" and letter.message is not None and letter.message.to == "b.example@example.org"
    assert letter.message.template == "breach_letter"


def test_the_pages_show_how_a_letter_went_and_record_posting(worker: User, client: Client) -> None:
    complaint = _complaint(worker, reply_by="post", address="1 High Street", email="")
    services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    letter = ComplaintLetter.objects.get()
    sign_in(client, worker)
    page = client.get(reverse("casework:complaint", args=[complaint.pk])).content.decode()
    assert "to be printed and posted" in page
    url = reverse("casework:complaint_letter_posted", args=[complaint.pk, letter.pk])
    assert url in page
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.sent_how == "post"
    page = client.get(reverse("casework:complaint", args=[complaint.pk])).content.decode()
    assert "posted" in page and url not in page
