"""Fees (UK GDPR Art 12(5)(a), 15(3)): asked for with a letter, the clock waits, the month runs from payment (Art 12A)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from requests_app.models import ClockEventKind, Fee, FeeStatus, RightsRequest, Status, TransitionEvent
from requests_app.services import letters
from requests_app.services.transitions import available_transitions, request_transition
from rights import ApplicationError, RightKind
from tests.factories import FakeLetters, caseworker, make_request, manager, take_steps, verify_identity

RECEIVED = dt.date(2026, 3, 2)  # a Monday
ASKED = dt.date(2026, 3, 4)
PAID = dt.date(2026, 3, 16)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> FakeLetters:
    fake = FakeLetters()
    monkeypatch.setattr(letters, "letter_generate", fake)
    return fake


def _working(worker: User, kind: RightKind = RightKind.ACCESS) -> RightsRequest:
    request = verify_identity(make_request(kind=kind, received=RECEIVED, today=RECEIVED), by=worker, on=RECEIVED)
    return take_steps(request, "start_work", user=worker, today=RECEIVED)


def _ask(request: RightsRequest, user: User, **data: str) -> RightsRequest:
    return request_transition(
        request_id=request.pk,
        user=user,
        transition="ask_fee",
        expected_version=RightsRequest.objects.get(pk=request.pk).version,
        data={
            "fee_basis": "manifestly_excessive",
            "fee_amount": "25",
            "fee_reason": "The fourth request for the same records this year (RR-2026-0001, RR-2026-0002).",
            **data,
        },
        today=ASKED,
    )


def test_a_fee_asked_for_waits_the_clock_and_the_month_runs_from_payment(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = _working(worker)
    assert request.due_date == dt.date(2026, 4, 2)
    request = _ask(request, boss)
    assert request.status == Status.AWAITING_FEE and request.paused_from == Status.IN_PROGRESS
    assert not RightsRequest.objects.get(pk=request.pk).clock_running  # waiting on the requester: never overdue
    fee = Fee.objects.get(request=request)
    assert (fee.amount_pence, fee.status, fee.asked_on, fee.asked_by) == (2500, FeeStatus.ASKED, ASKED, boss)
    assert fee.letter is not None and fee.letter.template == "fee_request"
    sent = fake_letters.calls[-1]["context"]
    assert sent["fee_amount"] == "£25.00" and sent["fee_basis"] == "manifestly_excessive"
    assert "fourth request" in str(sent["fee_reason"])

    request = request_transition(
        request_id=request.pk,
        user=worker,
        transition="fee_paid",
        expected_version=request.version,
        data={"paid_on": PAID.isoformat(), "reason": "Cheque"},
        today=dt.date(2026, 3, 18),
    )
    assert request.status == Status.IN_PROGRESS and request.paused_from == ""
    # UK GDPR Art 12A: the relevant time is when the fee is paid: one month from 16 March 2026.
    assert request.clock_started == PAID and request.due_date == dt.date(2026, 4, 16)
    assert request.clock_events.filter(event=ClockEventKind.FEE_RECEIVED, date=PAID).exists()
    fee.refresh_from_db()
    assert (fee.status, fee.settled_on, fee.settled_by) == (FeeStatus.PAID, PAID, worker)
    event = TransitionEvent.objects.filter(request=request, transition="ask_fee").get()
    assert "Manifestly excessive" in event.reason and "£25.00" in event.reason


def test_a_waived_fee_leaves_the_clock_as_if_none_was_asked(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = _ask(_working(worker), boss)
    request = take_steps(request, "waive_fee", user=boss, today=PAID)
    assert request.status == Status.IN_PROGRESS
    assert request.due_date == dt.date(2026, 4, 2) and request.clock_started is None
    fee = Fee.objects.get(request=request)
    assert fee.status == FeeStatus.WAIVED and "lost copy" in fee.settled_reason


def test_only_the_manager_asks_for_or_waives_a_fee(fake_letters: FakeLetters) -> None:
    worker = caseworker()
    request = _working(worker)
    assert "ask_fee" not in {o.name for o in available_transitions(request=request, user=worker, today=ASKED)}
    with pytest.raises(ApplicationError, match="Only the Manager"):
        _ask(request, worker)
    assert not Fee.objects.exists()


@pytest.mark.parametrize(
    ("kind", "data", "field", "says"),
    [
        (RightKind.ACCESS, {"fee_amount": "twenty"}, "fee_amount", "not an amount in pounds and pence"),
        (RightKind.ACCESS, {"fee_amount": "0"}, "fee_amount", "above nothing"),
        (RightKind.ACCESS, {"fee_basis": "search_time"}, "fee_basis", "not a ground on which the law allows a fee"),
        # Art 15(3): the first copy is free; a fee only for further copies, and only under the right of access.
        (RightKind.ACCESS, {"fee_basis": "further_copies"}, "fee_basis", "the first copy is free"),
        (
            RightKind.ERASURE,
            {"fee_basis": "further_copies"},
            "fee_basis",
            "only for a request under the right of access",
        ),
        (RightKind.ACCESS, {"fee_amount": "2000"}, "fee_amount", "reasonable fee"),
    ],
)
def test_a_fee_the_law_does_not_allow_is_refused_with_its_reason(
    fake_letters: FakeLetters, kind: RightKind, data: dict[str, str], field: str, says: str
) -> None:
    worker, boss = caseworker(), manager()
    request = _working(worker, kind)
    with pytest.raises(ApplicationError, match=says) as refused:
        _ask(request, boss, **data)
    assert refused.value.field == field
    unchanged = RightsRequest.objects.get(pk=request.pk)
    assert unchanged.status == request.status and unchanged.version == request.version
    assert not Fee.objects.exists() and fake_letters.calls == []


def test_a_reason_is_required(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    with pytest.raises(ApplicationError, match="administrative costs") as refused:
        _ask(_working(worker), boss, fee_reason=" ")
    assert refused.value.field == "fee_reason"


def test_further_copies_after_an_earlier_disclosure(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    first = _working(worker)
    TransitionEvent.objects.create(  # the earlier request's copy went out (the disclosure layer's step)
        request=first,
        transition="disclose",
        from_status="approved",
        to_status="disclosed",
        by=boss,
        at=first.created_at,
    )
    second = make_request(received=RECEIVED, today=RECEIVED)
    second.subject = first.subject
    second.save()
    second = take_steps(verify_identity(second, by=worker, on=RECEIVED), "start_work", user=worker, today=RECEIVED)
    second = _ask(second, boss, fee_basis="further_copies", fee_amount="5", fee_reason="Printing and postage")
    assert second.status == Status.AWAITING_FEE
    assert Fee.objects.get(request=second).basis == "further_copies"


def test_the_fee_paid_cannot_predate_the_request(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = _ask(_working(worker), boss)
    with pytest.raises(ApplicationError, match="before the request did") as refused:
        request_transition(
            request_id=request.pk,
            user=worker,
            transition="fee_paid",
            expected_version=request.version,
            data={"paid_on": "2026-03-01"},
            today=PAID,
        )
    assert refused.value.field == "paid_on"
    assert Fee.objects.get(request=request).status == FeeStatus.ASKED


def test_a_fee_asked_before_identity_returns_there_when_paid(fake_letters: FakeLetters) -> None:
    boss, worker = manager(), caseworker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    request = _ask(request, boss)
    assert request.paused_from == Status.RECEIVED
    request = request_transition(
        request_id=request.pk,
        user=worker,
        transition="fee_paid",
        expected_version=request.version,
        data={"paid_on": PAID.isoformat()},
        today=PAID,
    )
    assert request.status == Status.RECEIVED and request.due_date == dt.date(2026, 4, 16)


def test_a_request_waiting_for_a_fee_can_be_withdrawn(fake_letters: FakeLetters) -> None:
    worker, boss = caseworker(), manager()
    request = _ask(_working(worker), boss)
    request = take_steps(request, "withdraw", user=worker, today=PAID)
    assert request.status == Status.WITHDRAWN


def _pdf_text(letter: object) -> str:
    import io

    import pdfplumber

    with letter.file.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as doc:  # type: ignore[attr-defined]
        return " ".join(" ".join((page.extract_text() or "").split()) for page in doc.pages)


def test_the_fee_request_letter_says_why_how_much_and_when_the_month_starts() -> None:
    worker, boss = caseworker(), manager()
    request = _ask(_working(worker), boss)
    fee = Fee.objects.get(request=request)
    assert fee.letter is not None and fee.letter.file.name.endswith(".pdf")
    text = _pdf_text(fee.letter)
    for words in (
        "manifestly excessive",
        "Article 12(5)(a)",
        "£25.00",
        "RR-2026-0001, RR-2026-0002",
        "starts on the day the fee reaches us",
        "Article 12A",
        "0303 123 1113",  # the right to complain to the ICO (Art 12(4))
        request.reference,
    ):
        assert words in text, words


def test_the_page_shows_the_fee_and_the_internal_target(
    fake_letters: FakeLetters, client: object, settings: object
) -> None:
    from django.urls import reverse

    from tests.factories import sign_in

    settings.INTERNAL_TARGET_WORKING_DAYS = 2  # type: ignore[attr-defined]
    worker, boss = caseworker(), manager()
    request = _ask(_working(worker), boss)
    sign_in(client, boss)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()  # type: ignore[attr-defined]
    assert "£25.00" in page and "The clock waits" in page and "Awaiting the fee" in page
    # Due Thursday 2 April 2026; two working days before is Tuesday 31 March 2026 (Zoan v Rouamba).
    assert "Due by" in page and "Our internal target" in page and "31 March 2026" in page
    listing = client.get(reverse("request_list")).content.decode()  # type: ignore[attr-defined]
    assert "Target" in listing


def test_no_internal_target_by_default(fake_letters: FakeLetters, client: object) -> None:
    from django.urls import reverse

    from tests.factories import sign_in

    worker = caseworker()
    request = _working(worker)
    sign_in(client, worker)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()  # type: ignore[attr-defined]
    assert "Our internal target" not in page
