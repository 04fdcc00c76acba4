"""Each deciding step does what it says to the partnership's held data, through the reviews services, in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from requests_app import guards
from requests_app.letters import letter_template
from requests_app.models import Letter, Message, RightsRequest, Status, TransitionEvent
from requests_app.services import letters
from requests_app.services.letters import letter_context
from requests_app.services.transitions import available_transitions, request_transition
from reviews.models import (
    Correction,
    DataShare,
    DataSubjectRecord,
    DestructionCertificate,
    NotificationStatus,
    RecipientNotification,
    RecordStatus,
    Restriction,
    SourceAgency,
)
from reviews.services import review_set_legal_hold
from rights import ApplicationError, RightKind
from rights.effects import RestrictionBasis
from tests import factories
from tests.factories import sign_in
from tests.reviews.conftest import Holdings

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)
DAY = dt.date(2026, 3, 4)
DOB = dt.date(2012, 5, 1)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Europe/London"))):
        yield


@pytest.fixture(autouse=True)
def _only_this_layers_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "_REGISTRY", {})


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> factories.FakeLetters:
    fake = factories.FakeLetters()
    monkeypatch.setattr(letters, "letter_generate", fake)
    return fake


@pytest.fixture
def boss() -> User:
    return factories.manager("boss")


@pytest.fixture
def casey() -> User:
    return factories.caseworker("casey")


@pytest.fixture
def holdings(boss: User) -> Holdings:
    return Holdings(by=boss)


def _subject_records(holdings: Holdings) -> tuple[DataSubjectRecord, DataSubjectRecord]:
    """Alex held by the police (shared with a school) and by a health trust, in two reviews."""
    police = holdings.record("Alex Example", date_of_birth=DOB, categories={"police": "Incident log 2024"})
    health = holdings.record(
        "Alex Example",
        submission=holdings.submission(holdings.review(), agency=holdings.agency("Stockport NHS Trust", "health")),
        date_of_birth=DOB,
        categories={"health": "Referral 2023"},
    )
    school = holdings.agency("Hillside School", "education")
    DataShare.objects.create(
        record=police, agency=school, shared_on=dt.date(2025, 2, 1), purpose="Multi-agency audit", shared_by=holdings.by
    )
    return police, health


def _request(
    kind: RightKind,
    casey: User,
    *,
    confirm: tuple[DataSubjectRecord, ...] = (),
    search: bool = True,
    subject_name: str = "Alex Example",
) -> RightsRequest:
    request = factories.make_request(kind=kind, received=RECEIVED, today=RECEIVED, subject_name=subject_name)
    request = factories.verify_identity(request, by=casey, on=RECEIVED)
    if search:
        factories.keep_subject_search(request, by=casey, confirm=confirm)
    return factories.take_steps(request, "start_work", user=casey, today=DAY)


def _step(request: RightsRequest, name: str, user: User, today: dt.date = DAY, **data: str) -> RightsRequest:
    return request_transition(
        request_id=request.pk,
        user=user,
        transition=name,
        expected_version=RightsRequest.objects.get(pk=request.pk).version,
        data=data or factories.STEP_INPUTS.get(name, {}),
        today=today,
    )


def _option(request: RightsRequest, user: User, name: str) -> tuple[bool, tuple[str, ...]]:
    for option in available_transitions(request=RightsRequest.objects.get(pk=request.pk), user=user, today=DAY):
        if option.name == name:
            return option.allowed, option.blockers
    raise AssertionError(f"no step {name}")


def _mark_all_told(request: RightsRequest, user: User) -> None:
    client = Client()
    sign_in(client, user)
    for notice in RecipientNotification.objects.filter(request_reference=request.reference, status="pending"):
        response = client.post(
            reverse("request_recipient", args=[request.pk, notice.pk]),
            {
                "action": "told",
                "sent_on_day": "4",
                "sent_on_month": "3",
                "sent_on_year": "2026",
                "method": "secure_email",
            },
        )
        assert response.status_code == 302, response.content.decode()


# Erasure (Art 17)


def test_erase_erases_the_confirmed_records_with_a_certificate_named_in_the_letter(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.ERASURE, casey, confirm=(police, health))

    request = _step(request, "erase", boss)

    assert request.status == Status.ERASED
    certificate = DestructionCertificate.objects.get(request_reference=request.reference)
    assert certificate.records == 2
    assert {r.status for r in DataSubjectRecord.objects.filter(pk__in=[police.pk, health.pk])} == {
        RecordStatus.DESTROYED
    }
    event = TransitionEvent.objects.filter(request=request, transition="erase").get()
    assert f"Destruction certificate {certificate.reference}: 2 records destroyed." in event.reason
    context = fake_letters.calls[-1]["context"]
    assert context["certificate_reference"] == certificate.reference  # type: ignore[index]
    html = render_to_string(
        "letters/outcome_erasure.html",
        letter_context(request=request, spec=letter_template("outcome_erasure"), context=context, today=DAY),  # type: ignore[arg-type]
    )
    assert certificate.reference in html
    assert "destroyed (2 records)" in html
    page = _page(request, boss)
    assert certificate.reference in page


def test_erase_refuses_without_a_completed_search_and_changes_nothing(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, _ = _subject_records(holdings)
    request = _request(RightKind.ERASURE, casey, search=False)
    allowed, blockers = _option(request, boss, "erase")
    assert not allowed
    assert blockers[0].startswith("No subject search has been kept for this request")
    with pytest.raises(ApplicationError, match="No subject search has been kept"):
        _step(request, "erase", boss)
    assert RightsRequest.objects.get(pk=request.pk).status == Status.ASSESSING
    assert DataSubjectRecord.objects.get(pk=police.pk).status == RecordStatus.ACTIVE
    assert not fake_letters.calls[1:]  # only the identity evidence's letters, none for the refused step


def test_a_refusal_from_reviews_is_the_steps_refusal_and_undoes_it(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.ERASURE, casey, confirm=(police, health))
    review_set_legal_hold(review=health.submission.review, by=boss, hold=True, reason="Inquest pending")
    version = RightsRequest.objects.get(pk=request.pk).version
    letters_before = len(fake_letters.calls)
    with pytest.raises(ApplicationError, match="is on legal hold"):
        _step(request, "erase", boss)
    after = RightsRequest.objects.get(pk=request.pk)
    assert (after.status, after.version) == (Status.ASSESSING, version)
    assert not TransitionEvent.objects.filter(request=request, transition="erase").exists()
    assert not DestructionCertificate.objects.exists()
    assert DataSubjectRecord.objects.filter(status=RecordStatus.ACTIVE).count() == 2
    assert len(fake_letters.calls) == letters_before


def test_erase_with_nothing_held_records_that_and_the_letter_says_so(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    holdings.record("Someone Else", date_of_birth=dt.date(1990, 1, 1))
    request = _request(RightKind.ERASURE, casey)  # the search found nothing held
    request = _step(request, "erase", boss)
    assert request.status == Status.ERASED
    assert not DestructionCertificate.objects.exists()
    event = TransitionEvent.objects.get(request=request, transition="erase")
    assert "found nothing held about the data subject" in event.reason
    context = fake_letters.calls[-1]["context"]
    assert context["nothing_held"] is True  # type: ignore[index]
    html = render_to_string(
        "letters/outcome_erasure.html",
        letter_context(request=request, spec=letter_template("outcome_erasure"), context=context, today=DAY),  # type: ignore[arg-type]
    )
    assert "found none about you, so there was nothing for us to erase" in html


# Art 19: recipients


def test_notify_recipients_waits_for_every_recipient_to_be_dealt_with(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.ERASURE, casey, confirm=(police, health))
    request = _step(request, "erase", boss)
    pending = RecipientNotification.objects.filter(request_reference=request.reference, status="pending")
    assert pending.count() == 3  # police supplied and the school received one record; health supplied the other
    allowed, blockers = _option(request, casey, "notify_recipients")
    assert not allowed
    assert blockers == (
        "3 recipients are still to be told (Art 19): record on the request's page when each was told, or why "
        "telling them is impossible or disproportionate.",
    )
    with pytest.raises(ApplicationError, match="3 recipients are still to be told"):
        _step(request, "notify_recipients", casey)

    page = _page(request, casey)
    assert "Hillside School" in page and "Record that it was told" in page
    school = pending.get(agency__name="Hillside School")
    client = Client()
    sign_in(client, casey)
    url = reverse("request_recipient", args=[request.pk, school.pk])
    assert client.post(url, {"action": "not_required", "reason": "The school has closed."}).status_code == 403
    future = {"action": "told", "sent_on_day": "5", "sent_on_month": "3", "sent_on_year": "2026", "method": "post"}
    assert client.post(url, future).status_code == 200  # refused: a day still to come
    assert RecipientNotification.objects.get(pk=school.pk).status == NotificationStatus.PENDING
    boss_client = Client()
    sign_in(boss_client, boss)
    response = boss_client.post(url, {"action": "not_required", "reason": "The school has closed."})
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.status, school.not_required_reason, school.handled_by) == (
        NotificationStatus.NOT_REQUIRED,
        "The school has closed.",
        boss,
    )
    _mark_all_told(request, casey)
    told = RecipientNotification.objects.filter(request_reference=request.reference, status="sent")
    assert {(n.sent_on, n.sent_method, n.handled_by) for n in told} == {(DAY, "secure_email", casey)}
    assert _step(request, "notify_recipients", casey).status == Status.RECIPIENTS_NOTIFIED


def test_a_recipient_of_another_request_cannot_be_marked_from_this_one(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    erased = _step(_request(RightKind.ERASURE, casey, confirm=(police, health)), "erase", boss)
    other = factories.make_request(kind=RightKind.ERASURE, received=RECEIVED, today=RECEIVED, subject_name="Sam Other")
    notice = RecipientNotification.objects.filter(request_reference=erased.reference).first()
    assert notice is not None
    client = Client()
    sign_in(client, boss)
    assert client.get(reverse("request_recipient", args=[other.pk, notice.pk])).status_code == 404


# Rectification (Art 16) and the restriction while accuracy is checked (Art 18(1)(a), 18(3))


def test_rectify_needs_the_corrections_recorded_from_the_page(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.RECTIFICATION, casey, confirm=(police, health))
    allowed, blockers = _option(request, casey, "rectify")
    assert not allowed
    assert blockers == ("Record each correction to the data first (Correct held data, on the request's page).",)

    client = Client()
    sign_in(client, casey)
    url = reverse("request_correction_new", args=[request.pk])
    form_page = client.get(url).content.decode()
    assert police.reference in form_page and health.reference in form_page
    response = client.post(
        url, {"record": "", "target": "date_of_birth", "new_value": "2012-01-05", "reason": "Birth certificate seen."}
    )
    assert response.status_code == 302
    assert Correction.objects.filter(request_reference=request.reference).count() == 2
    response = client.post(
        url, {"record": str(police.pk), "target": "address", "new_value": "2 Low Road", "reason": "Moved in 2024."}
    )
    assert response.status_code == 302
    assert DataSubjectRecord.objects.get(pk=police.pk).address == "2 Low Road"
    assert DataSubjectRecord.objects.get(pk=health.pk).address == ""

    request = _step(request, "rectify", casey)
    assert request.status == Status.RECTIFIED
    assert "3 corrections recorded." in TransitionEvent.objects.get(request=request, transition="rectify").reason
    assert client.get(url).status_code == 404  # the corrections are made while the request is assessed


def test_a_correction_refused_by_reviews_is_shown_on_the_form(
    holdings: Holdings, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.RECTIFICATION, casey, confirm=(police, health))
    client = Client()
    sign_in(client, casey)
    response = client.post(
        reverse("request_correction_new", args=[request.pk]),
        {"record": str(police.pk), "target": "date_of_birth", "new_value": "2012-05-01", "reason": "Checked."},
    )
    assert response.status_code == 200
    assert "already reads that way" in response.content.decode()
    assert not Correction.objects.exists()


def test_restriction_while_accuracy_is_checked_is_placed_and_lifted_with_the_outcome_letter(
    holdings: Holdings, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.RECTIFICATION, casey, confirm=(police, health))
    request = _step(request, "restrict_processing", casey, reason="While we check the school record.")
    placed = Restriction.objects.filter(request_reference=request.reference)
    assert {(r.basis, r.lifted_at) for r in placed} == {(RestrictionBasis.ACCURACY_CONTESTED.value, None)}
    assert placed.count() == 2

    with time_machine.travel(dt.datetime(2026, 3, 6, 10, 0, tzinfo=ZoneInfo("Europe/London"))):
        from requests_app.services.effects import request_correction_record

        request_correction_record(
            request_id=request.pk, by=casey, target="date_of_birth", new_value="2012-01-05", reason="Certificate seen."
        )
        request = _step(request, "rectify", casey, today=dt.date(2026, 3, 6))
    assert request.processing_restricted is False
    lifted = list(Restriction.objects.filter(request_reference=request.reference))
    assert all(r.lifted_at is not None and r.requester_told_on == dt.date(2026, 3, 6) for r in lifted)
    letter = request.letters.get(template="outcome_rectification")
    assert letter.date == dt.date(2026, 3, 6)
    assert fake_letters.calls[-1]["context"]["restriction_ends"] is True  # type: ignore[index]
    assert "The restriction held while checking was lifted (2 records)." in (
        TransitionEvent.objects.get(request=request, transition="rectify").reason
    )


@pytest.mark.parametrize("step", ["decline", "refuse", "withdraw"])
def test_turning_a_rectification_down_also_lifts_the_restriction_held_while_checking(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters, step: str
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.RECTIFICATION, casey, confirm=(police, health))
    request = _step(request, "restrict_processing", casey)
    data = factories.DECLINE_INPUTS["rectification"] if step == "decline" else factories.STEP_INPUTS[step]
    request = _step(request, step, boss, **data)
    assert not Restriction.objects.filter(request_reference=request.reference, lifted_at__isnull=True).exists()
    assert {r.requester_told_on for r in Restriction.objects.filter(request_reference=request.reference)} == {DAY}


# Restriction (Art 18) and objection (Art 21)


def test_restrict_marks_the_records_on_the_chosen_basis_and_lift_uses_the_lift_notice_date(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.RESTRICTION, casey, confirm=(police, health))
    with pytest.raises(ApplicationError, match="not one of the Article 18\\(1\\) conditions"):
        _step(request, "restrict", casey, restriction_basis="objection_upheld", decision_reasons="x")
    request = _step(
        request, "restrict", casey, restriction_basis="legal_claims", decision_reasons="Needed for a claim."
    )
    active = Restriction.objects.filter(request_reference=request.reference, lifted_at__isnull=True)
    assert {r.basis for r in active} == {"legal_claims"} and active.count() == 2
    request = _step(request, "give_lift_notice", boss, reason="The claim is settled.")
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=ZoneInfo("Europe/London"))):
        request = _step(request, "lift", boss, today=dt.date(2026, 3, 20), reason="Notice period over.")
    assert request.status == Status.LIFTED
    lifted = list(Restriction.objects.filter(request_reference=request.reference))
    assert {(r.requester_told_on, r.lift_reason) for r in lifted} == {(DAY, "Notice period over.")}


def test_uphold_stops_processing_and_replaces_the_restriction_while_checking(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.OBJECTION, casey, confirm=(police, health))
    request = _step(request, "restrict_processing", casey)
    request = _step(request, "uphold", boss)
    rows = Restriction.objects.filter(request_reference=request.reference)
    assert {(r.basis, r.lifted_at is None) for r in rows} == {("objection_pending", False), ("objection_upheld", True)}
    assert fake_letters.calls[-1]["context"]["restriction_replaced"] is True  # type: ignore[index]


def test_a_caseworker_cannot_uphold_and_nothing_is_restricted(
    holdings: Holdings, casey: User, fake_letters: factories.FakeLetters
) -> None:
    police, health = _subject_records(holdings)
    request = _request(RightKind.OBJECTION, casey, confirm=(police, health))
    with pytest.raises(ApplicationError, match="Only the Manager"):
        _step(request, "uphold", casey)
    assert not Restriction.objects.exists()


# The request page


def _page(request: RightsRequest, user: User) -> str:
    client = Client()
    sign_in(client, user)
    response = client.get(reverse("request_detail", args=[request.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_links_to_the_search_and_costs_the_same_however_much_was_done(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    from reviews.models import SubjectSearchRun

    police, health = _subject_records(holdings)
    little = _step(_request(RightKind.ERASURE, casey, subject_name="Nobody Held"), "erase", boss)
    much = _request(RightKind.ERASURE, casey, confirm=(police, health))
    page = _page(much, casey)
    assert reverse("reviews:subject_search") + f"?request={much.reference}" in page
    run = SubjectSearchRun.objects.get(request_reference=much.reference)
    assert reverse("reviews:search_run", args=[run.pk]) in page
    much = _step(much, "erase", boss)
    factories.keep_subject_search(much, by=casey)  # a second search, kept as evidence too

    client = Client()
    sign_in(client, boss)
    counts = []
    for request in (little, much, little):
        url = reverse("request_detail", args=[request.pk])
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts.append(len(queries))
    assert "Destruction certificate" in _page(much, boss) and "Hillside School" in _page(much, boss)
    assert counts[1] == counts[2], counts


# Art 19 notices sent by the service


def test_notice_emailed_counts_as_told_once_sent_and_a_posted_one_is_a_letter(
    holdings: Holdings, boss: User, casey: User, fake_letters: factories.FakeLetters, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    police, health = _subject_records(holdings)
    request = _step(_request(RightKind.ERASURE, casey, confirm=(police, health)), "erase", boss)
    pending = RecipientNotification.objects.filter(request_reference=request.reference, status="pending")
    school = pending.get(agency__name="Hillside School")
    SourceAgency.objects.filter(pk=school.agency_id).update(contact_email="dpo@hillside.example")
    client = Client()
    sign_in(client, casey)
    url = reverse("request_recipient", args=[request.pk, school.pk])
    page = client.get(url).content.decode()
    assert "Email it to dpo@hillside.example" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send_email"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dpo@hillside.example"]
    body = mail.outbox[0].body
    assert "Alex Example" in body and "Article 19" in body and request.reference in body
    school.refresh_from_db()
    assert school.status == NotificationStatus.SENT and school.sent_method == "email" and school.handled_by == casey
    assert Message.objects.get(purpose=f"recipient_notice:{school.pk}").status == "sent"
    letter = Letter.objects.get(template="recipient_notice")
    assert "Hillside School" in letter.addressee and letter.file

    health_notice = pending.get(agency__name="Stockport NHS Trust")
    url = reverse("request_recipient", args=[request.pk, health_notice.pk])
    refused = client.post(url, {"action": "send_post", "address": " "})
    assert refused.status_code == 302 and Letter.objects.filter(template="recipient_notice").count() == 1
    response = client.post(url, {"action": "send_post", "address": "Stepping Hill Hospital, Stockport SK2 7JE"})
    assert response.status_code == 302
    posted = Letter.objects.filter(template="recipient_notice").latest("pk")
    assert posted.method == "post" and "To be printed and posted" in posted.summary
    with posted.file.open("rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(handle).pages)
    assert "Stepping Hill Hospital" in text and "Article 19" in text
    health_notice.refresh_from_db()
    assert health_notice.status == NotificationStatus.PENDING  # told once it is posted and recorded
    told = {"action": "told", "sent_on_day": "4", "sent_on_month": "3", "sent_on_year": "2026", "method": "post"}
    assert client.post(url, told).status_code == 302
    health_notice.refresh_from_db()
    assert health_notice.status == NotificationStatus.SENT and health_notice.sent_method == "post"
    assert dt.date(2026, 3, 4) == health_notice.sent_on
