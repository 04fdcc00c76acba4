"""request_transition and available_transitions: guards, roles, event rows, history, letters and the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, User

from core import roles
from requests_app import guards
from requests_app.models import (
    ClockEvent,
    ClockEventKind,
    EvidenceKind,
    Letter,
    RightsRequest,
    Status,
    TransitionEvent,
    machine_for,
)
from requests_app.services import letters
from requests_app.services.evidence import evidence_record
from requests_app.services.requests import request_set_restricted
from requests_app.services.transitions import available_transitions, request_extend, request_transition
from rights import RIGHTS, ApplicationError, Authority, Competence, RepresentativeRole, RightKind
from tests import factories
from tests.factories import (
    DECLINE_INPUTS,
    STEP_INPUTS,
    FakeLetters,
    caseworker,
    keep_subject_search,
    make_request,
    mark_complex,
    pr_shown,
    take_steps,
    verify_identity,
)

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)  # a Monday
DAY = dt.date(2026, 3, 4)


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> FakeLetters:
    fake = FakeLetters()
    monkeypatch.setattr(letters, "letter_generate", fake)
    return fake


@pytest.fixture(autouse=True)
def _only_this_layers_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disclosure app registers its own conditions on sign-off; its tests cover them, these cover the machine."""
    monkeypatch.setattr(guards, "_REGISTRY", {})


def _fresh(request: RightsRequest) -> RightsRequest:
    return RightsRequest.objects.get(pk=request.pk)


def _verified(kind: RightKind, staff: dict[str, User], **kwargs: object) -> RightsRequest:
    """Identity verified, and a subject search kept that found nothing held (tests/requests_app/test_effects.py has held data)."""
    request = make_request(kind=kind, received=RECEIVED, today=RECEIVED, **kwargs)  # type: ignore[arg-type]
    keep_subject_search(request, by=staff["caseworker"])
    return verify_identity(request, by=staff["caseworker"], on=RECEIVED)


def _step(request: RightsRequest, name: str, user: User | AnonymousUser | None, **data: str) -> RightsRequest:
    return request_transition(
        request_id=request.pk,
        user=user,
        transition=name,
        expected_version=_fresh(request).version,
        data=data or STEP_INPUTS.get(name, {}),
        today=DAY,
    )


# Full journeys: every kind reaches its end through the service, writing an event and a history row per step.

JOURNEYS: list[tuple[RightKind, tuple[str, ...], str]] = [
    (
        RightKind.ACCESS,
        ("start_work", "gather_records", "begin_review", "submit_for_sign_off", "approve", "disclose", "close"),
        Status.CLOSED,
    ),
    (RightKind.RECTIFICATION, ("start_work", "rectify", "notify_recipients", "close"), Status.CLOSED),
    (RightKind.RECTIFICATION, ("start_work", "decline", "add_supplementary_statement", "close"), Status.CLOSED),
    (RightKind.ERASURE, ("start_work", "erase", "notify_recipients", "close"), Status.CLOSED),
    (RightKind.ERASURE, ("start_work", "decline", "close"), Status.CLOSED),
    (RightKind.RESTRICTION, ("start_work", "restrict", "notify_recipients", "give_lift_notice"), Status.RESTRICTED),
    (RightKind.RESTRICTION, ("start_work", "decline", "close"), Status.CLOSED),
    (RightKind.OBJECTION, ("start_work", "uphold", "close"), Status.CLOSED),
    (RightKind.OBJECTION, ("start_work", "restrict_processing", "reject", "close"), Status.CLOSED),
    (RightKind.PORTABILITY, ("start_work", "answer", "close"), Status.CLOSED),
    (RightKind.AUTOMATED_DECISION_MAKING, ("start_work", "answer", "close"), Status.CLOSED),
    (RightKind.INFORM, ("start_work", "answer", "close"), Status.CLOSED),
]


@pytest.mark.parametrize(("kind", "steps", "end"), JOURNEYS, ids=lambda v: v if isinstance(v, str) else None)
def test_journey_writes_an_event_and_a_history_row_per_step(
    kind: RightKind, steps: tuple[str, ...], end: str, staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _verified(kind, staff)
    events_before = TransitionEvent.objects.filter(request=request).count()
    history_before = request.history.count()  # type: ignore[attr-defined]
    version = request.version
    boss = staff["manager"]  # the Manager can take every step
    data = {"decline": DECLINE_INPUTS.get(kind.value, {})}

    request = take_steps(request, *steps, user=boss, today=DAY, data=data)

    assert request.status == end
    request = _fresh(request)
    assert request.version == version + len(steps)
    events = list(TransitionEvent.objects.filter(request=request).order_by("pk"))[events_before:]
    assert [e.transition for e in events] == list(steps)
    assert all(e.by == boss for e in events)
    assert events[-1].to_status == end
    history = list(request.history.all()[: len(steps)])  # type: ignore[attr-defined]
    assert request.history.count() == history_before + len(steps)  # type: ignore[attr-defined]
    assert all(h.history_user == boss for h in history)
    if end == Status.CLOSED:
        assert request.closed_at is not None
        assert fake_letters.templates[-1] == "closure"


# The steps the journeys above do not take, each after the steps that lead to it.
SIDE_STEPS: list[tuple[RightKind, tuple[str, ...], str, dt.date]] = [
    (RightKind.ACCESS, ("start_work",), "ask_clarification", DAY),
    (RightKind.ACCESS, ("start_work", "ask_clarification"), "clarification_answered", DAY),
    (RightKind.ACCESS, ("start_work",), "extend", DAY),
    (RightKind.ACCESS, ("start_work", "gather_records", "begin_review", "submit_for_sign_off"), "send_back", DAY),
    (
        RightKind.ACCESS,
        ("start_work", "gather_records", "begin_review", "submit_for_sign_off", "approve"),
        "reopen_review",
        DAY,
    ),
    (RightKind.ACCESS, ("start_work", "gather_records"), "refuse", DAY),
    (RightKind.ERASURE, ("start_work",), "withdraw", DAY),
    (RightKind.RESTRICTION, ("start_work", "restrict", "give_lift_notice"), "lift", dt.date(2026, 4, 1)),
]


@pytest.mark.parametrize(("kind", "before", "step", "day"), SIDE_STEPS, ids=lambda v: v if isinstance(v, str) else None)
def test_side_steps_write_an_event_and_a_history_row_with_the_user(
    kind: RightKind, before: tuple[str, ...], step: str, day: dt.date, staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    boss = staff["manager"]
    request = take_steps(_verified(kind, staff), *before, user=boss, today=DAY)
    if step == "extend":
        request = mark_complex(request, by=boss)  # the Art 12A ground, recorded before (its own history row)
    from_status = request.status
    history_before = request.history.count()  # type: ignore[attr-defined]
    request = take_steps(
        request, step, user=boss, today=day, data={"clarification_answered": {"received_on": day.isoformat()}}
    )
    event = TransitionEvent.objects.filter(request=request).latest("pk")
    assert (event.transition, event.from_status, event.to_status, event.by) == (step, from_status, request.status, boss)
    assert request.history.count() == history_before + 1  # type: ignore[attr-defined]
    assert request.history.first().history_user == boss  # type: ignore[attr-defined]


def test_event_row_records_who_when_from_to_and_why(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    _step(request, "withdraw", staff["caseworker"], reason="The requester withdrew by phone.")
    event = TransitionEvent.objects.filter(request=request).latest("pk")
    assert (event.transition, event.from_status, event.to_status) == ("withdraw", Status.RECEIVED, Status.WITHDRAWN)
    assert event.by == staff["caseworker"]
    assert event.reason == "The requester withdrew by phone."
    assert event.at is not None
    last = _fresh(request).history.first()  # type: ignore[attr-defined]
    assert last.history_user == staff["caseworker"]
    assert last.history_change_reason == "Withdraw: The requester withdrew by phone."
    assert last.status == Status.WITHDRAWN


def test_system_user_takes_steps_and_is_recorded_as_nobody(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    request = _step(request, "start_work", None)
    assert request.status == Status.IN_PROGRESS
    assert TransitionEvent.objects.filter(request=request).latest("pk").by is None


def test_long_reason_is_kept_whole_on_the_event_and_cut_for_history(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _verified(RightKind.ACCESS, staff)
    reason = "The requester telephoned to say they no longer need the records. " * 5
    _step(request, "withdraw", staff["caseworker"], reason=reason)
    assert TransitionEvent.objects.filter(request=request).latest("pk").reason == reason.strip()
    assert len(_fresh(request).history.first().history_change_reason) == 100  # type: ignore[attr-defined]


# Guards: identity, authority, the child's consent and competence.


def test_work_cannot_start_before_identity_is_verified(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="identity has not been verified"):
        _step(request, "start_work", staff["caseworker"])
    assert _fresh(request).status == Status.RECEIVED
    assert not TransitionEvent.objects.filter(request=request, transition="start_work").exists()


def test_ask_for_identity_then_start_when_it_arrives(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    request = _step(request, "request_identity", staff["caseworker"], method="email")
    assert request.status == Status.AWAITING_IDENTITY
    assert fake_letters.calls[-1]["template"] == "identity_request"
    assert fake_letters.calls[-1]["method"] == "email"
    assert Letter.objects.filter(request=request, template="identity_request").count() == 1
    event = TransitionEvent.objects.filter(request=request).latest("pk")
    assert (event.transition, event.by) == ("request_identity", staff["caseworker"])
    assert _fresh(request).history.first().history_user == staff["caseworker"]  # type: ignore[attr-defined]
    verify_identity(request, by=staff["caseworker"], on=DAY)
    request = _step(request, "start_work", staff["caseworker"])
    assert request.status == Status.IN_PROGRESS


def test_nothing_to_ask_for_once_identity_is_verified(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError, match="nothing to ask for"):
        _step(request, "request_identity", staff["caseworker"])


def _parent_request(staff: dict[str, User], *, dob: dt.date, verify_authority: bool = True) -> RightsRequest:
    request = make_request(
        received=RECEIVED,
        today=RECEIVED,
        subject_dob=dob,
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
    )
    evidence_record(
        request_id=request.pk,
        by=staff["caseworker"],
        kind=EvidenceKind.IDENTITY,
        description="Passport ending 123",
        seen_on=RECEIVED,
        received_on=RECEIVED,
        today=RECEIVED,
    )
    if verify_authority:
        evidence_record(
            request_id=request.pk,
            by=staff["caseworker"],
            kind=EvidenceKind.AUTHORITY,
            description="Full birth certificate",
            seen_on=RECEIVED,
            received_on=RECEIVED,
            acting=pr_shown(),
            today=RECEIVED,
        )
    return _fresh(request)


def test_representative_needs_verified_authority(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _parent_request(staff, dob=dt.date(2020, 1, 1), verify_authority=False)
    with pytest.raises(ApplicationError, match="authority has not yet been seen and verified"):
        _step(request, "start_work", staff["caseworker"])
    evidence_record(
        request_id=request.pk,
        by=staff["caseworker"],
        kind=EvidenceKind.AUTHORITY,
        description="Full birth certificate",
        seen_on=DAY,
        received_on=DAY,
        acting=pr_shown(),
        today=DAY,
    )
    assert _step(request, "start_work", staff["caseworker"]).status == Status.IN_PROGRESS


def test_representative_without_recorded_authority_is_blocked(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = make_request(
        received=RECEIVED, today=RECEIVED, requester_name="Pat Friend", role=RepresentativeRole.OTHER
    )
    verify_identity_only = evidence_record(
        request_id=request.pk,
        by=staff["caseworker"],
        kind=EvidenceKind.IDENTITY,
        description="Driving licence",
        seen_on=RECEIVED,
        received_on=RECEIVED,
        today=RECEIVED,
    )
    assert verify_identity_only.pk
    with pytest.raises(ApplicationError, match="needs recorded authority"):
        _step(request, "start_work", staff["caseworker"])


def test_parental_responsibility_ends_at_eighteen(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _parent_request(staff, dob=dt.date(2007, 1, 1))
    with pytest.raises(ApplicationError, match="parental responsibility has ended"):
        _step(request, "start_work", staff["caseworker"])


@pytest.mark.parametrize("age_age", [(13, 13), (13, 15), (16, 16)])
def test_child_at_or_over_the_policy_age_must_consent(
    age_age: tuple[int, int], staff: dict[str, User], fake_letters: FakeLetters, settings: object
) -> None:
    policy_age, child_age = age_age
    settings.CHILD_CONSENT_AGE = policy_age  # type: ignore[attr-defined]
    dob = RECEIVED.replace(year=RECEIVED.year - child_age)  # their birthday is the day the request arrived
    request = _parent_request(staff, dob=dob)
    with pytest.raises(ApplicationError, match="consent to this request has not been recorded"):
        _step(request, "start_work", staff["caseworker"])
    evidence_record(
        request_id=request.pk,
        by=staff["caseworker"],
        kind=EvidenceKind.CHILD_CONSENT,
        description="Signed consent from the child",
        seen_on=DAY,
        today=DAY,
    )
    assert _step(request, "start_work", staff["caseworker"]).status == Status.IN_PROGRESS


def test_child_under_the_policy_age_needs_no_consent(
    staff: dict[str, User], fake_letters: FakeLetters, settings: object
) -> None:
    settings.CHILD_CONSENT_AGE = 16  # type: ignore[attr-defined]
    request = _parent_request(
        staff, dob=RECEIVED.replace(year=RECEIVED.year - 15)
    )  # 15: consent at 16 under this policy
    assert _step(request, "start_work", staff["caseworker"]).status == Status.IN_PROGRESS


def test_age_is_taken_on_the_received_date(staff: dict[str, User], fake_letters: FakeLetters, settings: object) -> None:
    settings.CHILD_CONSENT_AGE = 13  # type: ignore[attr-defined]
    dob = dt.date(2013, 3, 3)  # 12 on the day the request arrived, 13 the next day
    request = _parent_request(staff, dob=dob)
    assert _step(request, "start_work", staff["caseworker"]).status == Status.IN_PROGRESS


def _record_competence(request: RightsRequest, by: User, competence: Competence) -> None:
    if roles.is_reviewer(by) and not roles.can_work(by):
        factories.refer(request, by, kind="competence")  # a reviewer opens only what is referred to them
    evidence_record(
        request_id=request.pk,
        by=by,
        kind=EvidenceKind.COMPETENCE,
        description="Opinion of the child's social worker after meeting them",
        seen_on=DAY,
        competence=competence,
        today=DAY,
    )


def test_competence_judgement_lifts_the_consent_rule_for_an_older_child(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _parent_request(staff, dob=dt.date(2011, 1, 1))  # 15
    with pytest.raises(ApplicationError, match="consent"):
        _step(request, "start_work", staff["caseworker"])
    _record_competence(request, staff["reviewer"], Competence.NOT_COMPETENT)
    assert _step(request, "start_work", staff["caseworker"]).status == Status.IN_PROGRESS


def test_competence_judgement_requires_consent_from_a_younger_child(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _parent_request(staff, dob=dt.date(2016, 1, 1))  # 10
    _record_competence(request, staff["reviewer"], Competence.COMPETENT)
    with pytest.raises(ApplicationError, match="consent to this request has not been recorded"):
        _step(request, "start_work", staff["caseworker"])


def test_approve_and_disclose_check_identity_again(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    """A request that reached sign-off without verified identity (say, imported) still cannot be disclosed."""
    request = make_request(received=RECEIVED, today=RECEIVED)
    RightsRequest.objects.filter(pk=request.pk).update(status=Status.AWAITING_SIGN_OFF)  # only to set up the test
    with pytest.raises(ApplicationError, match="identity has not been verified"):
        _step(request, "approve", staff["manager"])


# Refusals need a ground and reasons.


def test_refusal_needs_a_ground(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError, match="Choose the ground") as error:
        _step(request, "refuse", staff["manager"], decision_reasons="Too many.")
    assert error.value.field == "refusal_ground"


def test_refusal_needs_reasons(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError, match="Give the reasons") as error:
        _step(request, "refuse", staff["manager"], refusal_ground="manifestly_unfounded", decision_reasons="   ")
    assert error.value.field == "decision_reasons"


def test_refusal_ground_must_fit_the_step(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError, match="is not a ground for this step"):
        _step(request, "refuse", staff["manager"], refusal_ground="public_task", decision_reasons="Needed.")
    with pytest.raises(ApplicationError, match="not a ground for refusal"):
        _step(request, "refuse", staff["manager"], refusal_ground="because", decision_reasons="Needed.")


def test_refusal_is_recorded_with_its_ground_reasons_and_letter(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _verified(RightKind.ACCESS, staff)
    request = _step(
        request, "refuse", staff["manager"], refusal_ground="manifestly_excessive", decision_reasons="Sixth this month."
    )
    assert (request.status, request.refusal_ground, request.decision_reasons) == (
        Status.REFUSED,
        "manifestly_excessive",
        "Sixth this month.",
    )
    assert fake_letters.calls[-1]["template"] == "refusal"
    assert fake_letters.calls[-1]["context"] == {
        "refusal_ground": "manifestly_excessive",
        "decision_reasons": "Sixth this month.",
    }
    event = TransitionEvent.objects.filter(request=request).latest("pk")
    assert event.reason == "Manifestly excessive (Art 12(5)). Sixth this month."


def test_erasure_refused_only_under_article_17_3(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(_verified(RightKind.ERASURE, staff), "start_work", user=staff["manager"], today=DAY)
    with pytest.raises(ApplicationError, match="not a ground for this step"):
        _step(request, "decline", staff["manager"], refusal_ground="data_accurate", decision_reasons="Accurate.")
    request = _step(request, "decline", staff["manager"], refusal_ground="legal_claims", decision_reasons="Litigation.")
    assert request.status == Status.REFUSED
    assert fake_letters.calls[-1]["template"] == "outcome_erasure"


def test_supplementary_statement_only_after_refusal_as_accurate(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _verified(RightKind.RECTIFICATION, staff)
    request = _step(request, "refuse", staff["manager"], refusal_ground="manifestly_unfounded", decision_reasons="x")
    with pytest.raises(ApplicationError, match="refused because the data is accurate"):
        _step(request, "add_supplementary_statement", staff["caseworker"], supplementary_statement="Mine.")


def test_supplementary_statement_is_kept(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(
        _verified(RightKind.RECTIFICATION, staff),
        "start_work",
        "decline",
        user=staff["manager"],
        today=DAY,
        data={"decline": DECLINE_INPUTS["rectification"]},
    )
    request = _step(request, "add_supplementary_statement", staff["caseworker"], supplementary_statement="Not so.")
    assert (request.status, request.supplementary_statement) == (Status.REFUSED, "Not so.")


def test_required_input_is_named_in_the_error(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError) as error:
        request_transition(
            request_id=request.pk, user=staff["caseworker"], transition="withdraw", expected_version=None, today=DAY
        )
    assert error.value.field == "reason"


def test_input_a_step_does_not_take_is_refused(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError, match="does not take decision_reasons"):
        _step(request, "start_work", staff["caseworker"], decision_reasons="Sneaky.")


def test_bad_letter_method_is_refused(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="not a way of sending a letter"):
        _step(request, "request_identity", staff["caseworker"], method="pigeon")


def test_unknown_step_and_step_from_the_wrong_status_explain_themselves(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError, match="no step called 'erase'"):
        _step(request, "erase", staff["manager"])
    with pytest.raises(ApplicationError, match="This request is received: “Approve” is not a step it can take now"):
        _step(request, "approve", staff["manager"])


# Roles.


@pytest.mark.parametrize(
    ("role", "step", "allowed"),
    [
        ("caseworker", "start_work", True),
        ("manager", "start_work", True),
        ("reviewer", "start_work", False),
        ("caseworker", "refuse", False),
        ("manager", "refuse", True),
        ("reviewer", "withdraw", False),
    ],
)
def test_roles_from_received(
    role: str, step: str, allowed: bool, staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _verified(RightKind.ACCESS, staff)
    if role == "reviewer":
        factories.refer(request, staff[role])  # the role rule, on a request the reviewer may open
    if allowed:
        assert _step(request, step, staff[role]).status != Status.RECEIVED
    else:
        with pytest.raises(ApplicationError, match=r"^Only the "):
            _step(request, step, staff[role])
        assert _fresh(request).status == Status.RECEIVED


def test_caseworker_cannot_approve_but_the_manager_can(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(
        _verified(RightKind.ACCESS, staff),
        "start_work",
        "gather_records",
        "begin_review",
        "submit_for_sign_off",
        user=staff["caseworker"],
        today=DAY,
    )
    with pytest.raises(ApplicationError, match="Only the Manager can approve"):
        _step(request, "approve", staff["caseworker"])
    with pytest.raises(ApplicationError, match="Only the Manager can send back"):
        _step(request, "send_back", staff["caseworker"])
    assert _step(request, "approve", staff["manager"]).status == Status.APPROVED


def test_caseworker_cannot_erase_or_extend(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(_verified(RightKind.ERASURE, staff), "start_work", user=staff["caseworker"], today=DAY)
    with pytest.raises(ApplicationError, match="Only the Manager can erase the data"):
        _step(request, "erase", staff["caseworker"])
    with pytest.raises(ApplicationError, match="Only the Manager can extend"):
        _step(request, "extend", staff["caseworker"])


def test_anonymous_and_inactive_users_are_refused(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    with pytest.raises(ApplicationError, match=r"^Only the "):
        _step(request, "start_work", AnonymousUser())
    gone = caseworker("gone")
    gone.is_active = False
    gone.save()
    with pytest.raises(ApplicationError, match=r"^Only the "):
        _step(request, "start_work", gone)
    assert _fresh(request).status == Status.RECEIVED


def test_restricted_request_only_for_the_manager_and_assigned_caseworker(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    assigned = caseworker("assigned")
    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=assigned)
    verify_identity(request, by=assigned, on=RECEIVED)
    request_set_restricted(request=request, by=staff["manager"], restricted=True, reason="A colleague's own request")
    with pytest.raises(ApplicationError, match="restricted"):
        _step(request, "start_work", staff["caseworker"])
    assert available_transitions(request=_fresh(request), user=staff["caseworker"], today=DAY) == []
    assert _step(request, "start_work", assigned).status == Status.IN_PROGRESS


# Letters and processing restriction.


def test_each_outcome_sends_its_letter(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    boss = staff["manager"]
    take_steps(_verified(RightKind.RECTIFICATION, staff), "start_work", "rectify", user=boss, today=DAY)
    take_steps(_verified(RightKind.OBJECTION, staff), "start_work", "uphold", user=boss, today=DAY)
    take_steps(_verified(RightKind.PORTABILITY, staff), "start_work", "answer", user=boss, today=DAY)
    take_steps(_verified(RightKind.AUTOMATED_DECISION_MAKING, staff), "start_work", "answer", user=boss, today=DAY)
    take_steps(_verified(RightKind.RESTRICTION, staff), "start_work", "restrict", user=boss, today=DAY)
    informed = take_steps(_verified(RightKind.INFORM, staff), "start_work", "answer", user=boss, today=DAY)
    assert fake_letters.templates == [
        "outcome_rectification",
        "outcome_objection",
        "outcome_portability",
        "outcome_automated_decision",
        "outcome_restriction",
        "outcome_inform",
    ]
    assert Letter.objects.filter(request=informed, template="outcome_inform", direction="out").exists()


def test_answer_records_the_statutes_answer(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(_verified(RightKind.PORTABILITY, staff), "start_work", user=staff["caseworker"], today=DAY)
    request = _step(request, "answer", staff["caseworker"], decision_reasons="We can send it as an access request.")
    explanation = RIGHTS[RightKind.PORTABILITY].public_task_explanation
    assert request.status == Status.ANSWERED
    assert request.decision_reasons == f"{explanation}\n\nWe can send it as an access request."


def test_rectification_restricts_processing_while_accuracy_is_checked(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = take_steps(_verified(RightKind.RECTIFICATION, staff), "start_work", user=staff["caseworker"], today=DAY)
    request = _step(request, "restrict_processing", staff["caseworker"], reason="While we check the school record.")
    assert (request.status, request.processing_restricted) == (Status.ASSESSING, True)
    event = TransitionEvent.objects.filter(request=request).latest("pk")
    assert (event.transition, event.from_status, event.to_status) == ("restrict_processing", "assessing", "assessing")
    assert fake_letters.templates[-1] == "outcome_restriction"
    with pytest.raises(ApplicationError, match="already restricted"):
        _step(request, "restrict_processing", staff["caseworker"], reason="Again.")
    request = _step(request, "rectify", staff["caseworker"])
    assert request.processing_restricted is False
    assert fake_letters.calls[-1]["context"]["restriction_ends"] is True  # type: ignore[index]


def test_refusal_or_withdrawal_ends_a_restriction_held_while_checking(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    for step in ("refuse", "withdraw"):
        request = take_steps(
            _verified(RightKind.OBJECTION, staff), "start_work", "restrict_processing", user=staff["manager"], today=DAY
        )
        assert request.processing_restricted is True
        request = _step(request, step, staff["manager"])
        assert request.processing_restricted is False
        assert fake_letters.calls[-1]["context"]["restriction_ends"] is True  # type: ignore[index]


def test_objection_upheld_stops_processing(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(
        _verified(RightKind.OBJECTION, staff), "start_work", "uphold", user=staff["manager"], today=DAY
    )
    assert (request.status, request.processing_restricted) == (Status.UPHELD, True)


def test_objection_rejected_needs_compelling_grounds(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(_verified(RightKind.OBJECTION, staff), "start_work", user=staff["manager"], today=DAY)
    with pytest.raises(ApplicationError, match="not a ground for this step"):
        _step(request, "reject", staff["manager"], refusal_ground="manifestly_excessive", decision_reasons="x")
    request = _step(request, "reject", staff["manager"])
    assert (request.status, request.refusal_ground) == (Status.REJECTED, "compelling_grounds")


def test_restriction_cannot_be_lifted_without_notice(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(
        _verified(RightKind.RESTRICTION, staff), "start_work", "restrict", user=staff["manager"], today=DAY
    )
    assert request.processing_restricted is True
    with pytest.raises(ApplicationError, match="must be told before the restriction is lifted"):
        _step(request, "lift", staff["manager"])
    request = _step(request, "give_lift_notice", staff["manager"], reason="The accuracy check is finished.")
    assert fake_letters.templates[-1] == "restriction_lift_notice"
    assert fake_letters.calls[-1]["context"] == {"reason": "The accuracy check is finished."}
    with pytest.raises(ApplicationError, match="already sent"):
        _step(request, "give_lift_notice", staff["manager"], reason="Again.")
    with pytest.raises(ApplicationError, match="no sooner than 18 March 2026"):
        _step(request, "lift", staff["manager"])  # same day as the notice
    request = request_transition(
        request_id=request.pk,
        user=staff["manager"],
        transition="lift",
        expected_version=request.version,
        data={"reason": "Notice period over."},
        today=dt.date(2026, 3, 18),
    )
    assert (request.status, request.processing_restricted) == (Status.LIFTED, False)


def test_caseworker_cannot_lift_a_restriction(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(
        _verified(RightKind.RESTRICTION, staff), "start_work", "restrict", user=staff["caseworker"], today=DAY
    )
    with pytest.raises(ApplicationError, match="Only the Manager can give notice of lifting"):
        _step(request, "give_lift_notice", staff["caseworker"], reason="Done.")


def test_a_failing_letter_undoes_the_step(staff: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: object) -> Letter:
        raise ApplicationError("A refusal letter needs refusal ground.")

    monkeypatch.setattr(letters, "letter_generate", broken)
    request = _verified(RightKind.ACCESS, staff)
    version = request.version
    with pytest.raises(ApplicationError, match="refusal letter"):
        _step(request, "refuse", staff["manager"])
    request = _fresh(request)
    assert (request.status, request.version, request.refusal_ground) == (Status.RECEIVED, version, "")
    assert not TransitionEvent.objects.filter(request=request, transition="refuse").exists()


# Clarification and extension move the clock in the same transaction.


def test_clarification_stops_the_clock_and_resumes_where_it_paused(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = take_steps(
        _verified(RightKind.ACCESS, staff), "start_work", "gather_records", user=staff["caseworker"], today=DAY
    )
    assert request.due_date == dt.date(2026, 4, 2)
    request = request_transition(
        request_id=request.pk,
        user=staff["caseworker"],
        transition="ask_clarification",
        expected_version=request.version,
        data={"clarification_question": "Which review?", "clarification_reason": "Records from six agencies."},
        today=dt.date(2026, 3, 10),
    )
    assert (request.status, request.paused_from) == (Status.AWAITING_CLARIFICATION, Status.GATHERING_RECORDS)
    asked = ClockEvent.objects.get(request=request, event=ClockEventKind.CLARIFICATION_ASKED)
    assert asked.date == dt.date(2026, 3, 10)
    assert asked.reason == "Which review?"
    assert asked.letter is not None and asked.letter.template == "clarification_request"
    assert fake_letters.calls[-1]["context"] == {
        "clarification_question": "Which review?",
        "clarification_reason": "Records from six agencies.",
    }

    request = request_transition(
        request_id=request.pk,
        user=staff["caseworker"],
        transition="clarification_answered",
        expected_version=request.version,
        data={"reason": "The 2023 review.", "received_on": "2026-03-13"},
        today=dt.date(2026, 3, 13),
    )
    assert (request.status, request.paused_from) == (Status.GATHERING_RECORDS, "")
    answered = ClockEvent.objects.get(request=request, event=ClockEventKind.CLARIFICATION_ANSWERED)
    assert answered.date == dt.date(2026, 3, 13)
    # 10 to 13 March, both included: four days added to 2 April.
    assert _fresh(request).due_date == dt.date(2026, 4, 7)  # 6 April is Easter Monday


def test_extension_inside_the_first_month_makes_three_months_with_the_letter_filed(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = take_steps(_verified(RightKind.ACCESS, staff), "start_work", user=staff["caseworker"], today=DAY)
    request = mark_complex(request, by=staff["caseworker"])
    assert request.first_month_due == dt.date(2026, 4, 2)
    request = request_extend(
        request_id=request.pk,
        user=staff["manager"],
        expected_version=request.version,
        reason="Six agencies; paper records.",
        today=dt.date(2026, 4, 2),
    )
    request = _fresh(request)
    assert request.extended is True
    assert request.due_date == dt.date(2026, 6, 2)
    assert request.status == Status.IN_PROGRESS
    event = ClockEvent.objects.get(request=request, event=ClockEventKind.EXTENDED)
    assert (event.date, event.reason) == (dt.date(2026, 4, 2), "Six agencies; paper records.")
    assert event.letter is not None and event.letter.template == "extension_notice"
    assert fake_letters.calls[-1]["context"] == {"extension_reason": "Six agencies; paper records."}
    step = TransitionEvent.objects.filter(request=request).latest("pk")
    assert (step.transition, step.from_status, step.to_status) == ("extend", "in_progress", "in_progress")
    with pytest.raises(ApplicationError, match="already been extended"):
        request_extend(request_id=request.pk, user=staff["manager"], expected_version=None, reason="More.", today=DAY)


def test_extension_after_the_first_month_is_refused(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(_verified(RightKind.ACCESS, staff), "start_work", user=staff["caseworker"], today=DAY)
    request = mark_complex(request, by=staff["caseworker"])
    with pytest.raises(ApplicationError, match="The first month ended on 2 April 2026"):
        request_extend(
            request_id=request.pk,
            user=staff["manager"],
            expected_version=request.version,
            reason="Complex.",
            today=dt.date(2026, 4, 3),
        )
    assert not ClockEvent.objects.filter(request=request, event=ClockEventKind.EXTENDED).exists()
    assert not Letter.objects.filter(request=request, template="extension_notice").exists()
    assert _fresh(request).due_date == dt.date(2026, 4, 2)


def test_extension_needs_reasons_and_the_manager(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(_verified(RightKind.ACCESS, staff), "start_work", user=staff["caseworker"], today=DAY)
    request = mark_complex(request, by=staff["caseworker"])
    with pytest.raises(ApplicationError, match="Give the reasons for the extension") as error:
        request_extend(request_id=request.pk, user=staff["manager"], expected_version=None, reason=" ", today=DAY)
    assert error.value.field == "extension_reason"
    with pytest.raises(ApplicationError, match="Only the Manager can extend"):
        request_extend(request_id=request.pk, user=staff["caseworker"], expected_version=None, reason="x", today=DAY)


def test_extension_without_its_letter_is_not_recorded(staff: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    request = take_steps(_verified(RightKind.ACCESS, staff), "start_work", user=staff["caseworker"], today=DAY)
    request = mark_complex(request, by=staff["caseworker"])

    def failing(**kwargs: object) -> Letter:
        raise ApplicationError("The printer is on fire.")

    monkeypatch.setattr(letters, "letter_generate", failing)
    with pytest.raises(ApplicationError, match="printer"):
        request_extend(request_id=request.pk, user=staff["manager"], expected_version=None, reason="x", today=DAY)
    request = _fresh(request)
    assert request.extended is False
    assert not ClockEvent.objects.filter(request=request, event=ClockEventKind.EXTENDED).exists()


# available_transitions: the buttons on the request page.


def test_available_transitions_for_a_caseworker_before_identity(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    options = {o.name: o for o in available_transitions(request=request, user=staff["caseworker"], today=DAY)}
    assert list(options) == ["request_identity", "start_work", "withdraw"]  # refusal is the Manager's
    assert options["request_identity"].allowed
    assert options["request_identity"].needs == ("method",)
    assert options["request_identity"].target == "Awaiting identity or authority"
    assert not options["start_work"].allowed
    assert options["start_work"].blockers == (
        "The requester's identity has not been verified: record the identity evidence first.",
    )
    assert options["withdraw"].required == ("reason",)
    assert type(request) is RightsRequest  # the caller's object is left as it was


def test_available_transitions_for_the_manager_include_refusal_with_its_grounds(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    request = _verified(RightKind.ACCESS, staff)
    options = {o.name: o for o in available_transitions(request=request, user=staff["manager"], today=DAY)}
    assert list(options) == ["request_identity", "start_work", "refuse", "ask_fee", "withdraw"]
    assert options["request_identity"].blockers == (
        "Identity, authority and any consent needed are already recorded: there is nothing to ask for.",
    )
    refuse = options["refuse"]
    assert refuse.allowed and refuse.blockers == ()  # the form asks for the ground and reasons
    assert refuse.needs == ("refusal_ground", "decision_reasons", "method")
    assert refuse.required == ("refusal_ground", "decision_reasons")
    assert [value for value, _ in refuse.grounds] == ["manifestly_unfounded", "manifestly_excessive"]


def test_reviewer_and_anonymous_see_no_buttons(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = _verified(RightKind.ACCESS, staff)
    assert available_transitions(request=request, user=staff["reviewer"], today=DAY) == []
    assert available_transitions(request=request, user=AnonymousUser(), today=DAY) == []


def test_available_extension_follows_the_first_month(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(_verified(RightKind.ACCESS, staff), "start_work", user=staff["caseworker"], today=DAY)
    request = mark_complex(request, by=staff["caseworker"])
    inside = {o.name: o for o in available_transitions(request=request, user=staff["manager"], today=DAY)}
    late = {o.name: o for o in available_transitions(request=request, user=staff["manager"], today=dt.date(2026, 5, 1))}
    assert inside["extend"].allowed
    assert not late["extend"].allowed
    assert "first month ended" in late["extend"].blockers[0]


def test_clarification_option_returns_to_where_it_paused(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    request = take_steps(
        _verified(RightKind.ACCESS, staff), "start_work", "ask_clarification", user=staff["caseworker"], today=DAY
    )
    options = {o.name: o for o in available_transitions(request=request, user=staff["caseworker"], today=DAY)}
    assert options["clarification_answered"].target == "In progress"


# Conditions registered by a higher layer.


def test_registered_condition_blocks_and_explains(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    def pack_checked(request: RightsRequest) -> str | None:
        return "The redaction check has not passed." if request.kind == "access" else None

    guards.register_condition("submit_for_sign_off", pack_checked, kinds={"access"})
    try:
        request = take_steps(
            _verified(RightKind.ACCESS, staff),
            "start_work",
            "gather_records",
            "begin_review",
            user=staff["caseworker"],
            today=DAY,
        )
        options = {o.name: o for o in available_transitions(request=request, user=staff["caseworker"], today=DAY)}
        assert options["submit_for_sign_off"].blockers == ("The redaction check has not passed.",)
        with pytest.raises(ApplicationError, match="You cannot submit for sign-off yet: The redaction check"):
            _step(request, "submit_for_sign_off", staff["caseworker"])
    finally:
        guards.unregister_condition("submit_for_sign_off", pack_checked)
    assert _step(request, "submit_for_sign_off", staff["caseworker"]).status == Status.AWAITING_SIGN_OFF


def test_registered_condition_applies_only_to_its_kinds(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    def never(request: RightsRequest) -> str | None:
        return "Never."

    guards.register_condition("start_work", never, kinds={"erasure"})
    guards.register_condition("start_work", never, kinds={"erasure"})  # a second registration changes nothing
    try:
        assert guards.blockers(machine_for(_verified(RightKind.ERASURE, staff)), "start_work") == ["Never."]
        assert _step(_verified(RightKind.ACCESS, staff), "start_work", staff["caseworker"]).status == "in_progress"
    finally:
        guards.unregister_condition("start_work", never)


def test_registering_a_misspelt_step_or_kind_fails_loudly() -> None:
    with pytest.raises(ValueError, match="No state machine has a step called 'submit_for_signoff'"):
        guards.register_condition("submit_for_signoff", lambda r: None)
    with pytest.raises(ValueError, match="No such kind"):
        guards.register_condition("approve", lambda r: None, kinds={"acess"})
    with pytest.raises(ValueError, match="no step called 'approve': erasure"):
        guards.register_condition("approve", lambda r: None, kinds={"access", "erasure"})


# The real letters service.


@pytest.fixture
def html_only_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real letters service (its checks and templates), with WeasyPrint's rendering skipped to save time."""
    monkeypatch.setattr(letters, "render_pdf", lambda html, **kwargs: b"%PDF-1.7 test\n" + html.encode()[:64])


@pytest.mark.usefixtures("html_only_letters")
@pytest.mark.parametrize(("kind", "steps", "end"), JOURNEYS, ids=lambda v: v if isinstance(v, str) else None)
def test_real_letters_for_every_journey(
    kind: RightKind, steps: tuple[str, ...], end: str, staff: dict[str, User]
) -> None:
    """The letters service accepts what every step sends it, and files one letter per letter step."""
    request = _verified(kind, staff)
    data = {"decline": DECLINE_INPUTS.get(kind.value, {})}
    take_steps(request, *steps, user=staff["manager"], today=DAY, data=data)
    filed = list(Letter.objects.filter(request=request).order_by("pk").values_list("template", flat=True))
    assert filed and all(filed)
    assert _fresh(request).status == end


@pytest.mark.usefixtures("html_only_letters")
def test_real_letters_for_the_clock_steps_and_the_lift_notice(staff: dict[str, User]) -> None:
    boss = staff["manager"]
    request = _verified(RightKind.RESTRICTION, staff)
    take_steps(
        request,
        "start_work",
        "ask_clarification",
        "clarification_answered",
        "extend",
        user=boss,
        today=DAY,
        data={"clarification_answered": {"received_on": DAY.isoformat()}},
    )
    take_steps(request, "restrict", "give_lift_notice", user=boss, today=DAY)
    take_steps(request, "lift", user=boss, today=dt.date(2026, 3, 18))
    filed = list(Letter.objects.filter(request=request).order_by("pk").values_list("template", flat=True))
    assert filed == [
        "clarification_request",
        "extension_notice",
        "outcome_restriction",
        "restriction_lift_notice",
    ]
    extension = ClockEvent.objects.get(request=request, event=ClockEventKind.EXTENDED)
    assert extension.letter is not None and extension.letter.file.name.endswith(".pdf")


def test_real_letters_accept_what_the_steps_send(staff: dict[str, User]) -> None:
    request = _verified(RightKind.ACCESS, staff)
    request = _step(
        request, "refuse", staff["manager"], refusal_ground="manifestly_excessive", decision_reasons="Sixth."
    )
    letter = Letter.objects.get(request=request, template="refusal")
    assert letter.file.name.endswith(".pdf")
    assert letter.date == DAY


# Access before anything else: a stale call by someone who may not open the request learns nothing of it.


def test_a_stale_step_by_someone_who_cannot_see_a_restricted_request_learns_nothing(
    staff: dict[str, User], fake_letters: FakeLetters
) -> None:
    boss = staff["manager"]
    boss.first_name, boss.last_name = "Morgan", "Boss"
    boss.save()
    request = _verified(RightKind.ACCESS, staff, assigned_to=caseworker("assigned"))
    seen = _fresh(request).version
    request_set_restricted(request=request, by=boss, restricted=True, reason="A colleague's own request")
    with pytest.raises(ApplicationError) as error:
        request_transition(
            request_id=request.pk, user=staff["caseworker"], transition="start_work", expected_version=seen, today=DAY
        )
    assert (
        error.value.message == "This request is restricted: only the Manager and the assigned caseworker can act on it."
    )
    assert "Morgan" not in error.value.message and "changed" not in error.value.message
    with pytest.raises(ApplicationError, match="working on it: Morgan Boss"):
        request_transition(request_id=request.pk, user=boss, transition="start_work", expected_version=seen, today=DAY)
