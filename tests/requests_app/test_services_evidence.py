"""evidence_record: identity and authority restart the month; consent and competence; scans checked by content."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.models import ClockEvent, ClockEventKind, Evidence, EvidenceKind, Letter, RightsRequest
from requests_app.services import letters
from requests_app.services.evidence import evidence_record, fee_received_record
from requests_app.services.requests import request_set_restricted
from rights import ApplicationError, Authority, Competence, RepresentativeRole
from tests import factories
from tests.factories import FakeLetters, caseworker, make_request, manager, pr_shown, reviewer, take_steps

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 3, 12)
PDF = factories.scan_bytes("pdf")
PNG = factories.scan_bytes("png")
JPEG = factories.scan_bytes("jpeg")


def _fresh(request: RightsRequest) -> RightsRequest:
    return RightsRequest.objects.get(pk=request.pk)


def _record(request: RightsRequest, by: User, kind: EvidenceKind = EvidenceKind.IDENTITY, **kwargs: object) -> Evidence:
    values: dict[str, object] = {"description": "Passport ending 123", "seen_on": TODAY, "today": TODAY}
    values.update(kwargs)
    values.setdefault("received_on", values["seen_on"])
    return evidence_record(request_id=request.pk, by=by, kind=kind, **values)  # type: ignore[arg-type]


def _parent_request() -> RightsRequest:
    return make_request(
        received=RECEIVED,
        today=RECEIVED,
        subject_dob=dt.date(2012, 5, 1),
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
    )


def test_identity_sets_verified_and_restarts_the_month_from_the_day_it_arrived() -> None:
    worker = caseworker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    evidence = _record(request, worker, received_on=dt.date(2026, 3, 9))
    request = _fresh(request)
    assert request.identity_verified_at is not None
    assert (evidence.kind, evidence.seen_by, evidence.seen_on) == ("identity", worker, TODAY)
    event = ClockEvent.objects.get(request=request)
    assert (event.event, event.date, event.recorded_by) == (
        ClockEventKind.IDENTITY_RECEIVED,
        dt.date(2026, 3, 9),
        worker,
    )
    assert (request.clock_started, request.due_date) == (dt.date(2026, 3, 9), dt.date(2026, 4, 9))
    last = request.history.first()  # type: ignore[attr-defined]
    assert (last.history_user, last.history_change_reason) == (worker, "Identity evidence recorded")


@pytest.mark.parametrize("kind", [EvidenceKind.IDENTITY, EvidenceKind.AUTHORITY])
def test_identity_or_authority_without_the_date_it_arrived_is_refused(kind: EvidenceKind) -> None:
    """The day it was looked at is not the day it arrived (Art 12A): the service will not guess."""
    request = _parent_request()
    with pytest.raises(ApplicationError, match="Enter the date the evidence arrived") as error:
        evidence_record(
            request_id=request.pk,
            by=caseworker(),
            kind=kind,
            description="Seen",
            seen_on=TODAY,
            authority=Authority.PARENTAL_RESPONSIBILITY if kind == EvidenceKind.AUTHORITY else None,
            today=TODAY,
        )
    assert error.value.field == "received_on"
    assert "2 March 2026" in error.value.message
    assert not Evidence.objects.exists() and not ClockEvent.objects.exists()
    request = _fresh(request)
    assert (request.identity_verified_at, request.authority_verified_at) == (None, None)


def test_identity_enclosed_with_the_letter_and_verified_a_week_later_leaves_the_due_date_alone() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    _record(request, caseworker(), seen_on=dt.date(2026, 3, 9), received_on=RECEIVED, today=dt.date(2026, 3, 9))
    request = _fresh(request)
    assert ClockEvent.objects.get(request=request).date == RECEIVED
    assert (request.clock_started, request.due_date) == (None, dt.date(2026, 4, 2))


def test_identity_that_came_with_the_request_leaves_the_due_date_alone() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    _record(request, caseworker(), received_on=RECEIVED)
    request = _fresh(request)
    assert (request.clock_started, request.due_date) == (None, dt.date(2026, 4, 2))


def test_more_identity_evidence_does_not_move_the_clock_again() -> None:
    worker = caseworker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    _record(request, worker, received_on=dt.date(2026, 3, 5), seen_on=dt.date(2026, 3, 5))
    first = _fresh(request)
    _record(request, worker, description="Utility bill", received_on=TODAY)
    again = _fresh(request)
    assert ClockEvent.objects.filter(request=request).count() == 1
    assert again.identity_verified_at == first.identity_verified_at
    assert again.due_date == first.due_date == dt.date(2026, 4, 7)  # 5 April is a Sunday, 6 April Easter Monday
    assert Evidence.objects.filter(request=request).count() == 2


def test_authority_is_recorded_and_restarts_the_month() -> None:
    request = _parent_request()
    _record(request, caseworker(), kind=EvidenceKind.IDENTITY, received_on=dt.date(2026, 3, 4))
    _record(
        request,
        caseworker(),
        kind=EvidenceKind.AUTHORITY,
        description="Full birth certificate",
        authority=Authority.PARENTAL_RESPONSIBILITY,
        received_on=dt.date(2026, 3, 11),
        acting=pr_shown(),
    )
    request = _fresh(request)
    assert request.authority == "parental_responsibility"
    assert request.authority_verified_at is not None
    assert request.clock_started == dt.date(2026, 3, 11)
    assert [e.event for e in ClockEvent.objects.filter(request=request)] == ["identity_received", "authority_received"]


def test_authority_must_be_named_and_fit_the_role() -> None:
    request = _parent_request()
    with pytest.raises(ApplicationError, match="Say what authority") as error:
        _record(request, caseworker(), kind=EvidenceKind.AUTHORITY)
    assert error.value.field == "authority"
    with pytest.raises(ApplicationError, match="A parent cannot act under lasting power of attorney"):
        _record(request, caseworker(), kind=EvidenceKind.AUTHORITY, authority=Authority.LASTING_POWER_OF_ATTORNEY)
    assert _fresh(request).authority_verified_at is None


def test_self_requests_need_no_authority_or_consent() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="no authority is needed"):
        _record(request, caseworker(), kind=EvidenceKind.AUTHORITY, authority=Authority.WRITTEN_CONSENT)
    with pytest.raises(ApplicationError, match="no consent is needed"):
        _record(request, caseworker(), kind=EvidenceKind.CHILD_CONSENT)
    assert not Evidence.objects.filter(request=request).exists()


def test_child_consent_is_dated() -> None:
    request = _parent_request()
    _record(request, caseworker(), kind=EvidenceKind.CHILD_CONSENT, description="Signed by the child")
    assert _fresh(request).child_consented_on == TODAY
    assert not ClockEvent.objects.filter(request=request).exists()


@pytest.mark.parametrize("who", ["reviewer", "manager"])
def test_reviewer_or_manager_records_competence(who: str) -> None:
    by = reviewer() if who == "reviewer" else manager()
    request = _parent_request()
    if who == "reviewer":
        factories.refer(request, by, kind="competence")  # a reviewer opens only what is referred to them
    _record(request, by, kind=EvidenceKind.COMPETENCE, description="Met the child", competence=Competence.NOT_COMPETENT)
    request = _fresh(request)
    assert request.child_competence == "not_competent"
    assert request.history.first().history_change_reason == "Competence recorded: not able to decide"  # type: ignore[attr-defined]


def test_caseworker_cannot_record_competence() -> None:
    request = _parent_request()
    with pytest.raises(ApplicationError, match="Only a professional reviewer or manager"):
        _record(request, caseworker(), kind=EvidenceKind.COMPETENCE, competence=Competence.COMPETENT)
    assert _fresh(request).child_competence == ""


def test_competence_needs_the_judgement_and_only_competence_takes_one() -> None:
    request = _parent_request()
    with pytest.raises(ApplicationError, match="Record whether the child"):
        _record(request, reviewer(), kind=EvidenceKind.COMPETENCE)
    with pytest.raises(ApplicationError, match="Only a competence judgement"):
        _record(request, caseworker(), competence=Competence.COMPETENT)


def test_reviewer_cannot_record_identity() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="Only a manager or caseworker can record evidence"):
        _record(request, reviewer())


def test_description_is_required() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="Say what was seen") as error:
        _record(request, caseworker(), description="  ")
    assert error.value.field == "description"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"seen_on": dt.date(2026, 3, 13)}, "seen_on"),
        ({"received_on": dt.date(2026, 3, 13), "seen_on": TODAY}, "received_on"),
        ({"received_on": dt.date(2026, 3, 1)}, "received_on"),
        ({"received_on": dt.date(2026, 3, 11), "seen_on": dt.date(2026, 3, 10)}, "received_on"),
    ],
)
def test_dates_must_make_sense(kwargs: dict[str, dt.date], field: str) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError) as error:
        _record(request, caseworker(), **kwargs)
    assert error.value.field == field
    assert _fresh(request).identity_verified_at is None


def test_restricted_and_finished_requests_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    request = make_request(received=RECEIVED, today=RECEIVED)
    request_set_restricted(request=request, by=manager(), restricted=True, reason="Staff member's own case")
    with pytest.raises(ApplicationError, match="restricted"):
        _record(request, caseworker())
    finished = take_steps(make_request(received=RECEIVED, today=RECEIVED), "withdraw", user=None, today=RECEIVED)
    with pytest.raises(ApplicationError, match="finished"):
        _record(finished, caseworker())


def test_a_stale_page_is_refused() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="Someone else changed this request"):
        _record(request, caseworker(), expected_version=request.version - 1)
    assert not Evidence.objects.filter(request=request).exists()


# Scans


@pytest.mark.parametrize(("content", "extension"), [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpg")])
def test_scan_is_stored_privately_under_a_generated_name(content: bytes, extension: str, settings: object) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    scan = SimpleUploadedFile("Alex Example passport.exe", content, content_type="application/octet-stream")
    evidence = _record(request, caseworker(), scan=scan)
    name = evidence.scan.name
    assert name.startswith("evidence/") and name.endswith(f".{extension}")
    assert "Alex" not in name  # no personal data in file names
    stored = Path(settings.MEDIA_ROOT) / name  # type: ignore[attr-defined]
    assert stored.read_bytes() == content


def test_scan_is_checked_by_content_not_by_name() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    fake = SimpleUploadedFile("passport.pdf", b"PK\x03\x04 a spreadsheet in disguise", content_type="application/pdf")
    with pytest.raises(ApplicationError, match="must be a PDF, PNG or JPEG") as error:
        _record(request, caseworker(), scan=fake)
    assert error.value.field == "scan"
    assert _fresh(request).identity_verified_at is None
    assert not Evidence.objects.filter(request=request).exists()


def test_scan_size_is_limited(settings: object) -> None:
    settings.MAX_UPLOAD_BYTES = 64  # type: ignore[attr-defined]
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="largest allowed"):
        _record(request, caseworker(), scan=SimpleUploadedFile("big.pdf", PDF + b"x" * 64))
    with pytest.raises(ApplicationError, match="empty"):
        _record(request, caseworker(), scan=SimpleUploadedFile("empty.pdf", b""))


# The letter that caused a clock event is named on it.


def _incoming(request: RightsRequest, on: dt.date, direction: str = "in") -> Letter:
    return Letter.objects.create(request=request, direction=direction, date=on, summary="Passport copy", method="post")


def test_identity_evidence_names_the_letter_it_came_in() -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    letter = _incoming(request, dt.date(2026, 3, 9))
    _record(request, caseworker(), received_on=dt.date(2026, 3, 9), letter=letter)
    assert ClockEvent.objects.get(request=request).letter == letter


@pytest.mark.parametrize(
    ("whose", "direction", "message"), [("other", "in", "another request"), ("own", "out", "incoming")]
)
def test_evidence_letter_must_be_an_incoming_letter_of_this_request(whose: str, direction: str, message: str) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    owner = request if whose == "own" else make_request(received=RECEIVED, today=RECEIVED, subject_name="Jo Other")
    letter = _incoming(owner, dt.date(2026, 3, 9), direction=direction)
    with pytest.raises(ApplicationError, match=message) as error:
        _record(request, caseworker(), received_on=dt.date(2026, 3, 9), letter=letter)
    assert error.value.field == "letter"
    assert not Evidence.objects.filter(request=request).exists()
    assert _fresh(request).identity_verified_at is None


def test_a_fee_received_is_recorded_with_its_letter_and_moves_the_month() -> None:
    worker = caseworker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    letter = _incoming(request, dt.date(2026, 3, 10))
    event = fee_received_record(
        request_id=request.pk,
        by=worker,
        received_on=dt.date(2026, 3, 10),
        reason="Cheque for £10",
        letter=letter,
        expected_version=request.version,
        today=TODAY,
    )
    assert (event.event, event.date, event.letter, event.recorded_by) == (
        ClockEventKind.FEE_RECEIVED,
        dt.date(2026, 3, 10),
        letter,
        worker,
    )
    assert _fresh(request).due_date == dt.date(2026, 4, 10)


def test_a_stale_record_by_someone_who_cannot_see_a_restricted_request_learns_nothing() -> None:
    boss = manager()
    boss.first_name, boss.last_name = "Morgan", "Boss"
    boss.save()
    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=caseworker("assigned"))
    seen = request.version
    request_set_restricted(request=request, by=boss, restricted=True, reason="Staff member's own case")
    for record in (
        lambda: _record(request, caseworker(), expected_version=seen),
        lambda: fee_received_record(
            request_id=request.pk, by=caseworker(), received_on=RECEIVED, expected_version=seen, today=TODAY
        ),
    ):
        with pytest.raises(ApplicationError) as error:
            record()
        assert error.value.message.startswith("This request is restricted")
        assert "Morgan" not in error.value.message
    assert not ClockEvent.objects.filter(request=request).exists()


def test_marking_complex_needs_a_reason_and_an_open_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from requests_app.services.requests import request_set_complex

    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    worker = caseworker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="Say why it is complex") as error:
        request_set_complex(request_id=request.pk, by=worker, is_complex=True, reason="  ")
    assert error.value.field == "complex_reason"
    with pytest.raises(ApplicationError, match="Only a manager or caseworker"):
        request_set_complex(request_id=request.pk, by=reviewer(), is_complex=True, reason="Many agencies")
    take_steps(request, "withdraw", user=worker, today=RECEIVED)
    with pytest.raises(ApplicationError, match="finished"):
        request_set_complex(request_id=request.pk, by=worker, is_complex=True, reason="Many agencies")
    assert _fresh(request).is_complex is False
