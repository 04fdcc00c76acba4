"""Complaint services (DPA 2018 s.164A): each step, its letter, event and history, and each refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from pypdf import PdfReader

from casework.models import Complaint, ComplaintEvent, ComplaintLetter, ComplaintStatus
from casework.services import complaints as services
from rights import ApplicationError
from tests.casework.conftest import (
    RECEIVED,
    acknowledged_complaint,
    details,
    investigating_complaint,
    outcome_sent_complaint,
    received_complaint,
)
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_logging_computes_the_acknowledgement_date_and_a_reference(worker: User) -> None:
    complaint = received_complaint(by=worker)
    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.acknowledgement_due == dt.date(2026, 8, 26)
    assert complaint.reference == "CMP-2026-0001"
    assert received_complaint(by=worker).reference == "CMP-2026-0002"
    event = ComplaintEvent.objects.get(complaint=complaint)
    assert event.action == "received" and "s.164A" in event.detail
    assert complaint.history.count() == 1


def test_online_complaint_links_the_request_named_by_reference(db: None) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    complaint = services.complaint_submit_online(
        details=details(about="request", request_reference=rights_request.reference.lower()),
        today=RECEIVED,
    )
    assert complaint.channel == "online"
    assert complaint.request == rights_request
    assert complaint.created_by is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"complainant_name": "  "}, "complainant_name"),
        ({"what_went_wrong": ""}, "what_went_wrong"),
        ({"email": ""}, "email"),
        ({"reply_by": "post"}, "address"),
        ({"reply_by": "phone"}, "phone"),
        ({"reply_by": "pigeon"}, "reply_by"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_saved(worker: User, overrides: dict[str, str], field: str) -> None:
    with pytest.raises(ApplicationError) as refused:
        services.complaint_log(
            by=worker, details=details(**overrides), channel="email", received=RECEIVED, today=RECEIVED
        )
    assert refused.value.field == field
    assert not Complaint.objects.exists()


def test_logging_refuses_a_reviewer_a_future_date_and_the_online_channel(worker: User, outsider: User) -> None:
    with pytest.raises(ApplicationError):
        services.complaint_log(by=outsider, details=details(), channel="letter", received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError):
        services.complaint_log(
            by=worker, details=details(), channel="letter", received=RECEIVED + dt.timedelta(days=1), today=RECEIVED
        )
    with pytest.raises(ApplicationError):
        services.complaint_log(by=worker, details=details(), channel="online", received=RECEIVED, today=RECEIVED)
    assert not Complaint.objects.exists()


def test_acknowledging_files_the_acknowledgement_letter(worker: User) -> None:
    complaint = acknowledged_complaint(by=worker)
    assert complaint.status == ComplaintStatus.ACKNOWLEDGED
    assert complaint.acknowledged_on_time() is True
    letter = ComplaintLetter.objects.get(complaint=complaint)
    assert letter.kind == "acknowledgement" and letter.sent_at is None
    text = "".join(page.extract_text() for page in PdfReader(letter.file.open("rb")).pages)
    assert "We have received your complaint" in text
    assert complaint.reference in text
    assert ComplaintEvent.objects.filter(complaint=complaint, action="acknowledge", to_status="acknowledged").exists()


def test_the_outcome_needs_a_finding_first_and_is_sent_as_a_letter(boss: User) -> None:
    complaint = investigating_complaint(by=boss)
    with pytest.raises(ApplicationError, match="Record the finding"):
        services.complaint_step(complaint=complaint, by=boss, step="send_outcome")
    assert not ComplaintLetter.objects.filter(kind="outcome").exists()  # the rendered file was discarded
    sent = outcome_sent_complaint(by=boss)
    assert sent.status == ComplaintStatus.OUTCOME_SENT
    letter = ComplaintLetter.objects.get(complaint=sent, kind="outcome")
    text = "".join(page.extract_text() for page in PdfReader(letter.file.open("rb")).pages)
    assert "partly upheld" in text
    assert "Information Commissioner" in text  # the right to go to the regulator
    closed = services.complaint_step(complaint=sent, by=boss, step="close")
    assert closed.status == ComplaintStatus.CLOSED and closed.closed_at is not None


def test_a_caseworker_cannot_send_the_outcome_or_close(boss: User, worker: User) -> None:
    complaint = investigating_complaint(by=worker)
    with pytest.raises(ApplicationError, match="Only a manager"):
        services.complaint_record_outcome(complaint=complaint, by=worker, finding="upheld", outcome="Sorry.")
    sent = outcome_sent_complaint(by=boss)
    with pytest.raises(ApplicationError, match="Only a manager"):
        services.complaint_step(complaint=sent, by=worker, step="close")


# Every step from every state: allowed moves go, the rest are refused and change nothing.
STATE_BUILDERS = {
    "received": received_complaint,
    "acknowledged": acknowledged_complaint,
    "investigating": investigating_complaint,
    "outcome_sent": outcome_sent_complaint,
}
ALLOWED = {
    ("received", "acknowledge"),
    ("received", "investigate"),
    ("received", "withdraw"),
    ("acknowledged", "investigate"),
    ("acknowledged", "withdraw"),
    ("investigating", "withdraw"),
    ("outcome_sent", "close"),
}


@pytest.mark.parametrize("state", list(STATE_BUILDERS))
@pytest.mark.parametrize("step", ["acknowledge", "investigate", "send_outcome", "close", "withdraw"])
def test_state_by_step_table(boss: User, state: str, step: str) -> None:
    complaint = STATE_BUILDERS[state](by=boss)
    if (state, step) in ALLOWED:
        after = services.complaint_step(complaint=complaint, by=boss, step=step, reason="They rang to withdraw it.")
        assert after.status != state
    else:
        with pytest.raises(ApplicationError):
            services.complaint_step(complaint=complaint, by=boss, step=step, reason="x")
        complaint.refresh_from_db()
        assert complaint.status == state


def test_withdrawal_needs_a_reason(worker: User) -> None:
    with pytest.raises(ApplicationError, match="withdrew"):
        services.complaint_step(complaint=received_complaint(by=worker), by=worker, step="withdraw", reason=" ")


def test_ico_referral_then_decision_then_close(boss: User) -> None:
    sent = outcome_sent_complaint(by=boss)
    with pytest.raises(ApplicationError):
        services.complaint_refer_to_ico(complaint=sent, by=boss, ico_reference=" ", ico_asked="")
    referred = services.complaint_refer_to_ico(
        complaint=sent, by=boss, ico_reference="IC-123456-A1B2", ico_asked="Our handling of the request."
    )
    assert referred.status == ComplaintStatus.REFERRED_TO_ICO
    with pytest.raises(ApplicationError, match="ICO's decision"):
        services.complaint_step(complaint=referred, by=boss, step="close")
    with pytest.raises(ApplicationError, match="date"):
        services.complaint_record_ico(
            complaint=referred, by=boss, answered="Sent our file.", decision="No further action.", decided_on=None
        )
    services.complaint_record_ico(
        complaint=referred,
        by=boss,
        answered="Sent our file.",
        decision="No further action.",
        decided_on=dt.date(2026, 10, 1),
    )
    closed = services.complaint_step(complaint=referred, by=boss, step="close")
    assert closed.status == ComplaintStatus.CLOSED
    assert closed.ico_decision == "No further action."


def test_progress_updates_are_recorded_and_can_be_a_letter(worker: User) -> None:
    complaint = investigating_complaint(by=worker)
    event = services.complaint_progress_update(
        complaint=complaint,
        by=worker,
        update="We have asked the school for its records.",
        complainant_told=False,
        send_letter=True,
    )
    assert event.complainant_told
    assert ComplaintLetter.objects.filter(complaint=complaint, kind="progress").count() == 1
    with pytest.raises(ApplicationError):
        services.complaint_progress_update(complaint=complaint, by=worker, update=" ", complainant_told=True)


def test_remedies_link_to_the_work_they_cause(boss: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    complaint = investigating_complaint(by=boss)
    with pytest.raises(ApplicationError, match="link the request"):
        services.complaint_remedy_add(
            complaint=complaint, by=boss, kind="disclosure", description="Send the school records."
        )
    remedy = services.complaint_remedy_add(
        complaint=complaint, by=boss, kind="disclosure", description="Send the school records.", request=rights_request
    )
    assert remedy.request == rights_request
    assert list(rights_request.complaint_remedies.all()) == [remedy]
    services.complaint_remedy_add(complaint=complaint, by=boss, kind="apology", description="Apologise for the delay.")
    done = services.complaint_remedy_done(remedy=remedy, by=boss, done_on=dt.date(2026, 9, 1))
    assert done.done_on == dt.date(2026, 9, 1)
    with pytest.raises(ApplicationError):
        services.complaint_remedy_done(remedy=done, by=boss, done_on=dt.date(2026, 9, 2))


def test_linking_a_request_shows_it_from_the_request(worker: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    complaint = services.complaint_link_request(
        complaint=received_complaint(by=worker), by=worker, request=rights_request
    )
    assert list(rights_request.complaints.all()) == [complaint]


def test_letter_sending_seam_marks_sent_once(worker: User) -> None:
    complaint = acknowledged_complaint(by=worker)
    letter = ComplaintLetter.objects.get(complaint=complaint)
    at = dt.datetime(2026, 7, 28, 9, 0, tzinfo=dt.UTC)
    services.complaint_letter_mark_sent(letter=letter, by=None, at=at)
    again = services.complaint_letter_mark_sent(letter=letter, by=None, at=at + dt.timedelta(days=1))
    assert again.sent_at == at


def test_before_s164a_a_complaint_still_gets_a_date(worker: User) -> None:
    complaint = received_complaint(by=worker, received=dt.date(2026, 6, 1))
    assert complaint.acknowledgement_due == dt.date(2026, 7, 1)


def test_work_may_start_before_the_acknowledgement_which_is_still_owed(worker: User) -> None:
    """ICO complaints guidance: the duty to investigate starts on receipt, not after the acknowledgement."""
    from tests.casework.conftest import NOON

    complaint = services.complaint_step(
        complaint=received_complaint(by=worker), by=worker, step="investigate", now=NOON
    )
    assert complaint.awaiting_acknowledgement
    after = services.complaint_step(complaint=complaint, by=worker, step="acknowledge", now=NOON)
    assert after.status == ComplaintStatus.INVESTIGATING
    assert not after.awaiting_acknowledgement and after.acknowledged_on_time()
    with pytest.raises(ApplicationError):
        services.complaint_step(complaint=after, by=worker, step="acknowledge", now=NOON)


def test_an_outcome_within_the_30_days_answers_the_acknowledgement_too(boss: User) -> None:
    from tests.casework.conftest import NOON

    complaint = services.complaint_step(complaint=received_complaint(by=boss), by=boss, step="investigate", now=NOON)
    services.complaint_record_outcome(complaint=complaint, by=boss, finding="not_upheld", outcome="We acted properly.")
    sent = services.complaint_step(complaint=complaint, by=boss, step="send_outcome", now=NOON)
    assert sent.acknowledged_at is None
    assert not sent.awaiting_acknowledgement and sent.acknowledged_on_time()
