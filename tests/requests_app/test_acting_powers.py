"""Parents, deputies and attorneys: the basis they act on, checked by the acting guards, the authority step, the
best-interests decision that DPA 2018 Sch 3 Pt 5 para 21 turns on, and the case file that carries them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app import guards
from requests_app.casefile import CaseFileError, case_export, case_import
from requests_app.models import ClockEvent, Evidence, EvidenceKind, RightsRequest, Status
from requests_app.services import letters
from requests_app.services.evidence import ActingDetails, best_interests_record, evidence_record
from requests_app.services.transitions import request_transition
from rights import ApplicationError, Authority, RepresentativeRole
from rights.people import (
    AffairsArea,
    BestInterests,
    EvidenceDocument,
    ParentalResponsibilityBasis,
    PowerKind,
)
from tests.factories import (
    FakeLetters,
    make_request,
    owners_agree,
    preview_made,
    sign_in,
    take_steps,
    verify_identity,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> FakeLetters:
    fake = FakeLetters()
    monkeypatch.setattr(letters, "letter_generate", fake)
    return fake


RECEIVED = dt.date(2026, 3, 2)
B, E = ParentalResponsibilityBasis, EvidenceDocument
P, H = AffairsArea.PROPERTY_AND_FINANCIAL, AffairsArea.HEALTH_AND_WELFARE
CHILD_DOB = dt.date(2016, 5, 1)  # nine on the day the request arrived: under the policy age, no consent needed
ADULT_DOB = dt.date(1950, 5, 1)


def _identity_seen(request: RightsRequest, by: User) -> None:
    evidence_record(
        request_id=request.pk,
        by=by,
        kind=EvidenceKind.IDENTITY,
        description="Passport ending 123",
        seen_on=RECEIVED,
        received_on=RECEIVED,
        today=RECEIVED,
    )


def _representative(role: RepresentativeRole, authority: Authority, dob: dt.date, by: User) -> RightsRequest:
    request = make_request(
        received=RECEIVED,
        today=RECEIVED,
        subject_dob=dob,
        requester_name="Sam Example",
        role=role,
        authority=authority,
    )
    _identity_seen(request, by)
    return RightsRequest.objects.get(pk=request.pk)


def _as_verified(request: RightsRequest, **fields: Any) -> RightsRequest:
    """The request as if its authority evidence had been recorded with these facts (not saved: a guard's input)."""
    request.authority_verified_at = timezone.now()
    for name, value in fields.items():
        setattr(request, name, value)
    return request


PR = (RepresentativeRole.PARENT, Authority.PARENTAL_RESPONSIBILITY, CHILD_DOB)
DEPUTY = (RepresentativeRole.DEPUTY, Authority.COURT_ORDER, ADULT_DOB)
ATTORNEY = (RepresentativeRole.ATTORNEY, Authority.LASTING_POWER_OF_ATTORNEY, ADULT_DOB)


@pytest.mark.parametrize(
    ("who", "fields", "refusal"),
    [
        # Children Act 1989 and Adoption and Children Act 2002: the basis, shown by the documents seen.
        (PR, {}, "Record the basis of parental responsibility"),
        (PR, {"pr_basis": "birth_mother", "pr_evidence": "birth_certificate"}, None),  # CA 1989 s2(2)(a)
        (PR, {"pr_basis": "birth_father", "pr_evidence": "birth_certificate"}, "Children Act 1989 s2(1), s4(1)"),
        (PR, {"pr_basis": "birth_father", "pr_evidence": "birth_certificate_naming_parent"}, None),  # s4(1)(a)
        (PR, {"pr_basis": "second_female_parent", "pr_evidence": "marriage_or_civil_partnership_certificate"}, None),
        (PR, {"pr_basis": "adoptive_parent", "pr_evidence": "adoption_order"}, None),  # ACA 2002 s46(1)
        (
            PR,
            {"pr_basis": "adoptive_parent", "pr_evidence": "birth_certificate"},
            "Adoption and Children Act 2002 s46(1)",
        ),
        (
            PR,
            {"pr_basis": "birth_mother", "pr_evidence": "birth_certificate", "child_adopted_since": True},
            "s46(2)(a)",
        ),
        (PR, {"pr_basis": "special_guardian", "pr_evidence": "special_guardianship_order"}, None),  # CA 1989 s14C
        (PR, {"pr_basis": "lives_with_order", "pr_evidence": "child_arrangements_order"}, None),  # s12(2)
        (PR, {"pr_basis": "local_authority", "pr_evidence": "care_order"}, None),  # s33(3)
        (PR, {"pr_basis": "local_authority", "pr_evidence": "birth_certificate"}, "Children Act 1989 s33(3)"),
        (PR, {"pr_basis": "guardian", "pr_evidence": "guardian_appointment"}, None),  # s5(6)
        # Mental Capacity Act 2005 ss16, 19: a deputy acts within the order.
        (DEPUTY, {}, "Record what the deputyship order covers"),
        (DEPUTY, {"deputy_order_covers": "property_and_financial"}, "Record which affairs"),
        (DEPUTY, {"deputy_order_covers": "property_and_financial", "affairs": "health_and_welfare"}, "s16, s19"),
        (DEPUTY, {"deputy_order_covers": "property_and_financial", "affairs": "property_and_financial"}, None),
        (
            DEPUTY,
            {"deputy_order_covers": "health_and_welfare,property_and_financial", "affairs": "health_and_welfare"},
            None,
        ),
        # Mental Capacity Act 2005 s9, s11, s66, Sch 4: the kind of power, registered, and the donor's capacity.
        (ATTORNEY, {}, "Record the kind of power"),
        (ATTORNEY, {"power_kind": "lpa_property_and_financial"}, "Record which affairs"),
        (
            ATTORNEY,
            {
                "power_kind": "lpa_property_and_financial",
                "affairs": "property_and_financial",
                "power_registered_on": RECEIVED,
            },
            None,
        ),
        (
            ATTORNEY,
            {"power_kind": "lpa_property_and_financial", "affairs": "property_and_financial"},
            "not registered",
        ),
        (
            ATTORNEY,
            {
                "power_kind": "lpa_property_and_financial",
                "affairs": "health_and_welfare",
                "power_registered_on": RECEIVED,
            },
            "Mental Capacity Act 2005 s9(1)(b)",
        ),
        (
            ATTORNEY,
            {"power_kind": "lpa_health_and_welfare", "affairs": "health_and_welfare", "power_registered_on": RECEIVED},
            "s11(7)(a)",
        ),
        (
            ATTORNEY,
            {
                "power_kind": "lpa_health_and_welfare",
                "affairs": "health_and_welfare",
                "power_registered_on": RECEIVED,
                "donor_lacks_capacity": True,
            },
            None,
        ),
        (
            ATTORNEY,
            {
                "power_kind": "enduring",
                "affairs": "property_and_financial",
                "power_made_on": dt.date(2005, 6, 1),
                "power_registered_on": dt.date(2020, 1, 6),
            },
            None,
        ),
        (
            ATTORNEY,
            {
                "power_kind": "enduring",
                "affairs": "property_and_financial",
                "power_made_on": dt.date(2008, 6, 1),
                "power_registered_on": dt.date(2020, 1, 6),
            },
            "s66",
        ),
    ],
)
def test_the_acting_guard_checks_the_basis(
    staff: dict[str, User],
    who: tuple[RepresentativeRole, Authority, dt.date],
    fields: dict[str, Any],
    refusal: str | None,
) -> None:
    role, authority, dob = who
    request = _as_verified(_representative(role, authority, dob, staff["caseworker"]), **fields)
    reason = guards.authority_verified(request)
    if refusal is None:
        assert reason is None
    else:
        assert reason is not None and refusal in reason
        assert "Act" in reason  # every refusal names its legal source


def test_a_case_replayed_from_an_older_file_is_not_refused_for_facts_it_never_kept(staff: dict[str, User]) -> None:
    request = _as_verified(_representative(*PR, staff["caseworker"]))
    request._record_only = True  # type: ignore[attr-defined]
    assert guards.authority_verified(request) is None
    request.pr_basis, request.pr_evidence = "birth_father", "birth_certificate"  # recorded, so checked
    assert "s4(1)" in (guards.authority_verified(request) or "")


# The authority step: the evidence service records the basis, or refuses with the reason and changes nothing.


def _authority(request: RightsRequest, by: User, acting: ActingDetails | None) -> Evidence:
    return evidence_record(
        request_id=request.pk,
        by=by,
        kind=EvidenceKind.AUTHORITY,
        description="Seen at the desk",
        seen_on=RECEIVED,
        received_on=RECEIVED,
        acting=acting,
        today=RECEIVED,
    )


@pytest.mark.parametrize(
    ("who", "acting", "message", "field"),
    [
        (PR, None, "Record the basis of parental responsibility", "pr_basis"),
        (
            PR,
            ActingDetails(pr_basis=B.BIRTH_FATHER, pr_evidence=frozenset({E.BIRTH_CERTIFICATE})),
            "Children Act 1989 s2(1), s4(1)",
            "pr_evidence",
        ),
        (DEPUTY, ActingDetails(deputy_order_covers=frozenset({P}), affairs=H), "does not cover health", "affairs"),
        (
            ATTORNEY,
            ActingDetails(power_kind=PowerKind.LPA_HEALTH_AND_WELFARE, affairs=H, donor_lacks_capacity=True),
            "not registered",
            "power_registered_on",
        ),
        (PR, ActingDetails(power_kind=PowerKind.ENDURING), "only for an attorney", "power_kind"),
        (ATTORNEY, ActingDetails(pr_basis=B.BIRTH_MOTHER), "only for a parent", "pr_basis"),
        (
            ATTORNEY,
            ActingDetails(
                power_kind=PowerKind.ENDURING,
                affairs=P,
                power_made_on=dt.date(2006, 1, 1),
                power_registered_on=dt.date(2005, 1, 1),
            ),
            "registered before it was made",
            "power_registered_on",
        ),
    ],
)
def test_authority_evidence_that_does_not_show_the_basis_verifies_nothing(
    staff: dict[str, User],
    who: tuple[RepresentativeRole, Authority, dt.date],
    acting: ActingDetails | None,
    message: str,
    field: str,
) -> None:
    request = _representative(*who, staff["caseworker"])
    with pytest.raises(ApplicationError, match=re.escape(message)) as error:
        _authority(request, staff["caseworker"], acting)
    assert error.value.field == field
    request.refresh_from_db()
    assert request.authority_verified_at is None
    assert (request.pr_basis, request.power_kind, request.deputy_order_covers) == ("", "", "")
    assert not Evidence.objects.filter(request=request, kind=EvidenceKind.AUTHORITY).exists()
    assert [e.event for e in ClockEvent.objects.filter(request=request)] == ["identity_received"]


def test_authority_evidence_records_the_basis_and_verifies(staff: dict[str, User]) -> None:
    request = _representative(*ATTORNEY, staff["caseworker"])
    _authority(
        request,
        staff["caseworker"],
        ActingDetails(power_kind=PowerKind.LPA_PROPERTY_AND_FINANCIAL, affairs=P, power_registered_on=RECEIVED),
    )
    request.refresh_from_db()
    assert request.authority_verified_at is not None
    assert (request.power_kind, request.affairs, request.power_registered_on) == (
        "lpa_property_and_financial",
        "property_and_financial",
        RECEIVED,
    )
    assert request.history.first().history_change_reason == "Authority evidence recorded, with the basis it shows"  # type: ignore[attr-defined]


# The best-interests decision and DPA 2018 Sch 3 Pt 5 para 21 at sign-off.


def test_best_interests_is_refused_for_a_subject_asking_for_themselves_and_needs_reasons(
    staff: dict[str, User],
) -> None:
    own = make_request(received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="asking for themselves"):
        best_interests_record(
            request_id=own.pk, by=staff["caseworker"], decision=BestInterests.IN, reasons="x", decided_on=RECEIVED
        )
    parent = _representative(*PR, staff["caseworker"])
    with pytest.raises(ApplicationError, match="Give the reasons"):
        best_interests_record(
            request_id=parent.pk, by=staff["caseworker"], decision=BestInterests.IN, reasons=" ", decided_on=RECEIVED
        )
    with pytest.raises(ApplicationError, match="before the request arrived"):
        best_interests_record(
            request_id=parent.pk,
            by=staff["caseworker"],
            decision=BestInterests.IN,
            reasons="Known to the parent",
            decided_on=RECEIVED - dt.timedelta(days=1),
        )
    parent.refresh_from_db()
    assert parent.best_interests == ""


@pytest.mark.parametrize(
    ("who", "applies"),
    [
        (PR, True),  # para 21(1)(a): parental responsibility for a child under 18
        (DEPUTY, True),  # para 21(1)(b): appointed by a court to manage the subject's affairs
        (ATTORNEY, False),  # appointed by the donor, not a court
        ((RepresentativeRole.SOLICITOR, Authority.WRITTEN_CONSENT, CHILD_DOB), False),
    ],
)
def test_who_para_21_reaches(
    staff: dict[str, User], who: tuple[RepresentativeRole, Authority, dt.date], applies: bool
) -> None:
    request = _representative(*who, staff["caseworker"])
    assert guards.child_abuse_data_rule_applies(request) is applies
    assert (guards.child_abuse_data_considered(request) is not None) is applies
    assert guards.child_abuse_data_is_withheld(request) is applies  # undecided: withheld until shown in their interests
    request.best_interests = BestInterests.IN.value
    assert guards.child_abuse_data_considered(request) is None
    assert guards.child_abuse_data_is_withheld(request) is False
    request.best_interests = BestInterests.NOT_IN.value
    assert guards.child_abuse_data_considered(request) is None
    assert guards.child_abuse_data_is_withheld(request) is applies


def test_sign_off_waits_for_the_best_interests_decision(staff: dict[str, User], fake_letters: FakeLetters) -> None:
    worker, boss = staff["caseworker"], staff["manager"]
    request = make_request(
        received=RECEIVED,
        today=RECEIVED,
        subject_dob=CHILD_DOB,
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
        assigned_to=worker,
    )
    request = verify_identity(request, by=worker, on=RECEIVED)
    day = dt.date(2026, 3, 16)
    request = take_steps(
        request, "start_work", "gather_records", "begin_review", "submit_for_sign_off", user=worker, today=day
    )
    owners_agree(request, by=worker)
    preview_made(request, by=worker)

    def approve() -> RightsRequest:
        return request_transition(
            request_id=request.pk,
            user=boss,
            transition="approve",
            expected_version=RightsRequest.objects.get(pk=request.pk).version,
            data={},
            today=day,
        )

    with pytest.raises(ApplicationError, match="Sch 3 Pt 5 para 21"):
        approve()
    best_interests_record(
        request_id=request.pk,
        by=worker,
        decision=BestInterests.NOT_IN,
        reasons="The referral describes abuse the parent is alleged to have caused.",
        decided_on=day,
        today=day,
    )
    assert approve().status == Status.APPROVED


# Pages.


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _date(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def test_the_authority_step_records_parental_responsibility_or_says_why_not(staff: dict[str, User]) -> None:
    worker = staff["caseworker"]
    request = _representative(*PR, worker)
    client = _client(worker)
    url = reverse("evidence_new", args=[request.pk])
    page = client.get(url).content.decode()
    assert "on what basis does the requester have it?" in page and "Special guardian" in page
    form = {
        "version": str(request.version),
        "kind": "authority",
        "description": "Full birth certificate",
        **_date("seen_on", RECEIVED),
        **_date("received_on", RECEIVED),
        "pr_basis": "birth_father",
        "pr_evidence": ["birth_certificate"],
    }
    refused = client.post(url, form).content.decode()
    assert "Children Act 1989 s2(1), s4(1)" in refused
    request.refresh_from_db()
    assert request.authority_verified_at is None and request.pr_basis == ""

    missing = client.post(url, {**form, "pr_basis": ""}).content.decode()
    assert "Select the basis of parental responsibility" in missing

    response = client.post(url, {**form, "pr_evidence": ["birth_certificate_naming_parent"]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.pr_basis, request.pr_evidence) == ("birth_father", "birth_certificate_naming_parent")
    assert request.authority_verified_at is not None
    detail = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Birth father (married, registered, agreement or order)" in detail
    assert "Birth certificate naming the parent asking" in detail


def test_the_authority_step_ignores_what_does_not_apply_to_the_authority(staff: dict[str, User]) -> None:
    worker = staff["caseworker"]
    request = _representative(*DEPUTY, worker)
    response = _client(worker).post(
        reverse("evidence_new", args=[request.pk]),
        {
            "version": str(request.version),
            "kind": "authority",
            "description": "Court of Protection order, sealed",
            **_date("seen_on", RECEIVED),
            **_date("received_on", RECEIVED),
            "pr_basis": "birth_mother",  # shown without JavaScript; not asked of a deputy
            "power_kind": "enduring",
            "deputy_order_covers": ["property_and_financial", "health_and_welfare"],
            "affairs": "health_and_welfare",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.pr_basis, request.power_kind) == ("", "")
    assert request.deputy_order_covers == "health_and_welfare,property_and_financial"


def test_the_best_interests_page(staff: dict[str, User]) -> None:
    worker = staff["caseworker"]
    request = _representative(*PR, worker)
    client = _client(worker)
    url = reverse("best_interests_new", args=[request.pk])
    page = client.get(url).content.decode()
    assert "Schedule 3 Part 5 paragraph 21" in page and "child abuse data" in page
    today = timezone.localdate()
    errors = client.post(url, {"version": str(request.version), **_date("decided_on", today)}).content.decode()
    assert "Select whether disclosure is in their best interests" in errors
    assert "Enter the reasons for the decision" in errors
    response = client.post(
        url,
        {
            "version": str(request.version),
            "decision": "not_in",
            "reasons": "Disclosure would tell the parent who reported them.",
            **_date("decided_on", today),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.best_interests, request.best_interests_on) == ("not_in", today)
    detail = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Disclosure is not in their best interests" in detail


def test_the_best_interests_page_refuses_a_subject_asking_for_themselves(staff: dict[str, User]) -> None:
    request = make_request(received=RECEIVED, today=RECEIVED)
    response = _client(staff["caseworker"]).post(
        reverse("best_interests_new", args=[request.pk]),
        {
            "version": str(request.version),
            "decision": "in",
            "reasons": "x",
            **_date("decided_on", timezone.localdate()),
        },
    )
    assert response.status_code == 200
    assert "asking for themselves" in response.content.decode()
    request.refresh_from_db()
    assert request.best_interests == ""


# The case file.


def _attorney_case(**representative: Any) -> dict[str, Any]:
    return {
        "format": "rights-desk-case/1",
        "reference": "RR-2026-0300",
        "kind": "access",
        "received": "2026-03-02",
        "status": "in_progress",
        "subject": {"name": "Edna Example", "date_of_birth": "1940-01-02", "address": "3 Orchard Bank, Stockport"},
        "requester": {"name": "Ray Example", "address": "4 Orchard Bank, Stockport"},
        "representative": {"role": "attorney", "authority": "lasting_power_of_attorney", **representative},
        "evidence": [
            {
                "kind": "identity",
                "description": "Passport ending 123",
                "seen_on": "2026-03-02",
                "seen_by": "caseworker",
            },
            {"kind": "authority", "description": "LPA, OPG stamped", "seen_on": "2026-03-02", "seen_by": "caseworker"},
        ],
        "letters": [{"direction": "in", "date": "2026-03-02", "method": "post", "summary": "Asks for records"}],
        "clock": [],
    }


POWER = {
    "power_of_attorney": {
        "kind": "lpa_health_and_welfare",
        "made_on": "2019-04-01",
        "registered_on": "2019-06-03",
        "donor_lacks_capacity": True,
    },
    "affairs": "health_and_welfare",
    "best_interests": {
        "decision": "in",
        "reasons": "She asked for it before she lost capacity.",
        "decided_on": "2026-03-04",
    },
}


def test_the_basis_and_the_decision_round_trip_through_the_case_file(staff: dict[str, User], tmp_path: Path) -> None:
    today = dt.date(2026, 11, 25)
    data = _attorney_case(**POWER)
    request = case_import(data=data, folder=tmp_path, today=today)
    assert (request.power_kind, request.power_registered_on, request.donor_lacks_capacity, request.affairs) == (
        "lpa_health_and_welfare",
        dt.date(2019, 6, 3),
        True,
        "health_and_welfare",
    )
    assert (request.best_interests, request.best_interests_on) == ("in", dt.date(2026, 3, 4))
    exported = case_export(request=request)
    assert exported["representative"] == data["representative"]
    exported["reference"] = "RR-2026-0301"
    assert (
        case_export(request=case_import(data=exported, folder=tmp_path, today=today))["representative"]
        == (data["representative"])
    )


def test_a_parent_round_trips_and_an_older_file_without_the_basis_still_imports(
    staff: dict[str, User], tmp_path: Path, fake_letters: FakeLetters
) -> None:
    worker = staff["caseworker"]
    request = make_request(
        received=RECEIVED,
        today=RECEIVED,
        subject_dob=CHILD_DOB,
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
    )
    verify_identity(
        request,
        by=worker,
        on=RECEIVED,
        acting=ActingDetails(
            pr_basis=B.SPECIAL_GUARDIAN,
            pr_evidence=frozenset({E.SPECIAL_GUARDIANSHIP_ORDER, E.BIRTH_CERTIFICATE}),
        ),
    )
    request = take_steps(request, "start_work", user=worker, today=RECEIVED)
    exported = case_export(request=request)
    assert exported["representative"] == {
        "role": "parent",
        "authority": "parental_responsibility",
        "parental_responsibility": {
            "basis": "special_guardian",
            "evidence": ["birth_certificate", "special_guardianship_order"],
        },
    }
    today = dt.date(2026, 11, 25)
    exported["reference"] = "RR-2026-0310"
    again = case_import(data=exported, folder=tmp_path, today=today)
    assert (again.pr_basis, again.status) == ("special_guardian", Status.IN_PROGRESS)

    older = {**exported, "reference": "RR-2026-0311"}
    older["representative"] = {"role": "parent", "authority": "parental_responsibility"}
    legacy = case_import(data=older, folder=tmp_path, today=today)
    assert (legacy.pr_basis, legacy.status) == ("", Status.IN_PROGRESS)
    # The next step on the desk asks for the basis.
    assert "Record the basis of parental responsibility" in (guards.authority_verified(legacy) or "")


@pytest.mark.parametrize(
    ("representative", "error"),
    [
        (
            {
                "power_of_attorney": {"kind": "lpa_property_and_financial", "registered_on": "2019-06-03"},
                "affairs": "health_and_welfare",
            },
            "s9(1)(b)",
        ),
        ({"power_of_attorney": {"kind": "lpa_health_and_welfare"}, "affairs": "health_and_welfare"}, "not registered"),
        ({"power_of_attorney": {"kind": "perpetual"}}, "representative.power_of_attorney.kind"),
        (
            {"parental_responsibility": {"basis": "birth_mother", "evidence": ["birth_certificate"]}},
            "only for a parent",
        ),
        ({"affairs": "health_and_welfare", "best_interests": {"decision": "maybe"}}, "representative.best_interests"),
    ],
)
def test_a_case_file_with_a_basis_that_does_not_hold_is_refused(
    staff: dict[str, User], tmp_path: Path, representative: dict[str, Any], error: str
) -> None:
    with pytest.raises(CaseFileError) as refused:
        case_import(data=_attorney_case(**representative), folder=tmp_path, today=dt.date(2026, 11, 25))
    assert error in " ".join(refused.value.errors)
    assert not RightsRequest.objects.filter(reference="RR-2026-0300").exists()


# DPA 2018 Sch 3 Pt 5 para 21 at the redaction: the S3 P5 para21 code only where the paragraph reaches.


def test_the_child_abuse_code_only_where_para_21_reaches_and_best_interests_do_not_favour_disclosure(
    staff: dict[str, User],
) -> None:
    from disclosure.services.documents import DocumentDetails, document_add_text
    from disclosure.services.redaction import redact_phrase

    worker, checker = staff["caseworker"], staff["reviewer"]
    text = "Bruising noted on the child's arm; the parent's account was inconsistent."

    def redact(request: RightsRequest) -> object:
        document = document_add_text(
            by=worker, request=request, details=DocumentDetails(title="Notes"), text=text, today=RECEIVED
        )
        return redact_phrase(by=checker, document=document, phrase="Bruising", exemption="child_abuse")

    own = make_request(received=RECEIVED, today=RECEIVED, subject_dob=ADULT_DOB)
    verify_identity(own, by=worker, on=RECEIVED)
    with pytest.raises(ApplicationError, match=re.escape("para 21(1)")):
        redact(RightsRequest.objects.get(pk=own.pk))

    parent = _representative(*PR, worker)
    verify_identity(parent, by=worker, on=RECEIVED)
    best_interests_record(
        request_id=parent.pk, by=worker, decision=BestInterests.IN, reasons="Known to the parent", decided_on=RECEIVED
    )
    with pytest.raises(ApplicationError, match=re.escape("para 21(2)")):
        redact(RightsRequest.objects.get(pk=parent.pk))
    best_interests_record(
        request_id=parent.pk,
        by=worker,
        decision=BestInterests.NOT_IN,
        reasons="The parent is named as the cause",
        decided_on=RECEIVED,
    )
    assert redact(RightsRequest.objects.get(pk=parent.pk))
