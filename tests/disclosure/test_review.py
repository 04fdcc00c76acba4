"""Review decisions: neither confirm nor deny, third parties, serious-harm opinions, and the approval guards."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.contrib.auth.models import User

from disclosure.models import Consent, DataArea, Document, NcndFlag, OpinionConclusion, Redaction
from disclosure.selectors import (
    approval_blockers,
    redaction_counts,
    redaction_counts_for_requester,
    requester_visible_documents,
    requester_visible_redactions,
)
from disclosure.services.documents import DocumentDetails, document_add_text, document_mark_reviewed, document_release
from disclosure.services.redaction import redact_phrase, redaction_add_span, redaction_remove
from disclosure.services.review import (
    OpinionDetails,
    ThirdPartyDetails,
    ncnd_approve,
    ncnd_flag_document,
    ncnd_flag_redaction,
    ncnd_remove,
    serious_harm_opinion_record,
    third_party_add,
    third_party_decide,
    third_party_update,
)
from requests_app.models import RightsRequest, Status
from requests_app.services import letters
from rights import ApplicationError
from tests.disclosure.conftest import RECEIVED, TODAY
from tests.factories import FakeLetters, take_steps, verify_identity

pytestmark = pytest.mark.django_db


def add(
    staff: dict[str, User], rr: RightsRequest, title: str, text: str = "Jane Doe said hello.", **flags: bool
) -> Document:
    return document_add_text(
        by=staff["caseworker"], request=rr, details=DocumentDetails(title=title, **flags), text=text, today=TODAY
    )


def opinion(date: dt.date, area: str = DataArea.HEALTH) -> OpinionDetails:
    return OpinionDetails(
        professional_name="Dr A Patel",
        professional_role="Consultant paediatrician",
        opinion_date=date,
        opinion="Disclosure of the clinic letter would be likely to cause serious harm to the child's mental health.",
        conclusion=OpinionConclusion.WITHHOLD_IN_PART,
        area=area,
    )


# Neither confirm nor deny


def test_ncnd_document_is_hidden_from_everything_the_requester_sees(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    shown = add(staff, access_request, "Referral")
    hidden = add(staff, access_request, "Police intelligence")
    flag = ncnd_flag_document(
        by=staff["caseworker"],
        document=hidden,
        exemption="crime",
        reason="Confirming it exists would alert the suspect",
    )
    hidden.refresh_from_db()
    assert hidden.withheld_exemption == "crime"  # withheld in full
    assert list(requester_visible_documents(access_request)) == [shown]  # proposed: already hidden
    ncnd_approve(by=staff["manager"], flag=flag)
    assert list(requester_visible_documents(access_request)) == [shown]
    assert redaction_counts_for_requester(hidden) == {}


def test_withheld_without_ncnd_is_still_listed(staff: dict[str, User], access_request: RightsRequest) -> None:
    from disclosure.services.documents import document_withhold

    doc = add(staff, access_request, "Legal advice")
    document_withhold(by=staff["caseworker"], document=doc, exemption="legal_privilege", reason="Advice")
    assert [d.title for d in requester_visible_documents(access_request)] == ["Legal advice"]


def test_ncnd_redaction_is_left_out_of_requester_counts(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = add(staff, access_request, "Notes", text="Jane Doe met John Roe. John Roe left.")
    redact_phrase(by=staff["caseworker"], document=doc, phrase="Jane Doe", exemption="third_party")
    roe = redact_phrase(by=staff["caseworker"], document=doc, phrase="John Roe", exemption="crime")
    ncnd_flag_redaction(by=staff["caseworker"], redaction=roe[0], reason="Saying so would tip off the suspect")
    doc = requester_visible_documents(access_request).get(pk=doc.pk)
    assert redaction_counts(doc) == {"third_party": 1, "crime": 2}  # staff see everything
    assert redaction_counts_for_requester(doc) == {"third_party": 1, "crime": 1}
    assert roe[0].pk not in {r.pk for r in requester_visible_redactions(doc)}


def test_only_a_manager_approves_ncnd(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = add(staff, access_request, "Intelligence")
    flag = ncnd_flag_document(by=staff["caseworker"], document=doc, exemption="crime", reason="Tip-off risk")
    for who in ("caseworker", "reviewer"):
        with pytest.raises(ApplicationError, match="Only a manager"):
            ncnd_approve(by=staff[who], flag=flag)
    approved = ncnd_approve(by=staff["manager"], flag=flag)
    assert approved.approved_by == staff["manager"] and approved.is_approved
    with pytest.raises(ApplicationError, match="already approved"):
        ncnd_approve(by=staff["manager"], flag=flag)


def test_ncnd_needs_a_reason_and_only_one_flag_per_item(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = add(staff, access_request, "Intelligence")
    with pytest.raises(ApplicationError, match="harm"):
        ncnd_flag_document(by=staff["caseworker"], document=doc, exemption="crime", reason="  ")
    ncnd_flag_document(by=staff["caseworker"], document=doc, exemption="crime", reason="Tip-off risk")
    with pytest.raises(ApplicationError, match="already flagged"):
        ncnd_flag_document(by=staff["caseworker"], document=doc, exemption="crime", reason="again")


def test_approved_ncnd_removed_only_by_the_manager_and_release_needs_it_gone(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = add(staff, access_request, "Intelligence")
    flag = ncnd_approve(
        by=staff["manager"],
        flag=ncnd_flag_document(by=staff["caseworker"], document=doc, exemption="crime", reason="Tip-off risk"),
    )
    with pytest.raises(ApplicationError, match="flagged neither confirm nor deny"):
        document_release(by=staff["caseworker"], document=doc, reason="x")
    with pytest.raises(ApplicationError, match="Only the Manager"):
        ncnd_remove(by=staff["caseworker"], flag=flag, reason="Not needed")
    ncnd_remove(by=staff["manager"], flag=flag, reason="Investigation closed")
    assert not NcndFlag.objects.exists()
    assert [d.title for d in requester_visible_documents(access_request)] == ["Intelligence"]


def test_removing_a_redaction_removes_its_ncnd_flag(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = add(staff, access_request, "Notes")
    redaction = redaction_add_span(by=staff["caseworker"], document=doc, start=0, end=8, exemption="crime")
    ncnd_flag_redaction(by=staff["caseworker"], redaction=redaction, reason="Tip-off risk")
    redaction_remove(by=staff["caseworker"], redaction=redaction, reason="Not needed after all")
    assert not NcndFlag.objects.exists() and not Redaction.objects.exists()


# Third parties


def test_third_party_consent_rules(staff: dict[str, User], access_request: RightsRequest) -> None:
    with pytest.raises(ApplicationError, match="why consent was not sought"):
        third_party_add(by=staff["caseworker"], request=access_request, details=ThirdPartyDetails(name="Jane Doe"))
    with pytest.raises(ApplicationError, match="date consent was asked"):
        third_party_add(
            by=staff["caseworker"],
            request=access_request,
            details=ThirdPartyDetails(name="Jane Doe", consent=Consent.ASKED),
        )
    with pytest.raises(ApplicationError, match="date of the answer"):
        third_party_add(
            by=staff["caseworker"],
            request=access_request,
            details=ThirdPartyDetails(name="Jane Doe", consent=Consent.REFUSED, consent_asked_on=RECEIVED),
        )
    party = third_party_add(
        by=staff["caseworker"],
        request=access_request,
        details=ThirdPartyDetails(
            name="Jane Doe",
            description="Neighbour who made the referral",
            consent=Consent.REFUSED,
            consent_asked_on=RECEIVED,
            consent_answered_on=RECEIVED + dt.timedelta(days=3),
            consent_reason="She fears reprisals",
        ),
        today=TODAY,
    )
    assert party.consent == Consent.REFUSED and not party.is_decided


def test_third_party_decision_needs_reasons_and_a_consent_change_reopens_it(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    details = ThirdPartyDetails(name="Mr Smith", is_professional_in_role=True, consent_reason="Acting as a teacher")
    party = third_party_add(by=staff["caseworker"], request=access_request, details=details, today=TODAY)
    with pytest.raises(ApplicationError, match="Give the reasons"):
        third_party_decide(by=staff["caseworker"], third_party=party, reasonable_to_disclose=True, reasons="")
    party = third_party_decide(
        by=staff["caseworker"], third_party=party, reasonable_to_disclose=True, reasons="Professional in role (para 17)"
    )
    assert party.reasonable_to_disclose == "yes" and party.decided_by == staff["caseworker"]
    party = third_party_update(
        by=staff["caseworker"],
        third_party=party,
        details=ThirdPartyDetails(name="Mr Smith", consent=Consent.ASKED, consent_asked_on=TODAY),
        today=TODAY,
    )
    assert not party.is_decided


# Serious harm opinions


def test_opinion_recorded_by_a_professional_reviewer_or_manager_only(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    with pytest.raises(ApplicationError, match="Only a professional reviewer or manager"):
        serious_harm_opinion_record(by=staff["caseworker"], request=access_request, details=opinion(TODAY), today=TODAY)
    recorded = serious_harm_opinion_record(
        by=staff["reviewer"], request=access_request, details=opinion(TODAY), today=TODAY
    )
    assert recorded.recorded_by == staff["reviewer"]
    with pytest.raises(ApplicationError, match="future"):
        serious_harm_opinion_record(
            by=staff["reviewer"], request=access_request, details=opinion(TODAY + dt.timedelta(days=1)), today=TODAY
        )


# What blocks approval


def test_blockers_name_unreviewed_documents(staff: dict[str, User], access_request: RightsRequest) -> None:
    for title in ("Referral", "School report", "GP letter"):
        add(staff, access_request, title)
    reasons = approval_blockers(access_request, today=TODAY)
    assert reasons == ["3 documents are not yet marked reviewed: “Referral”, “School report”, “GP letter”."]


def test_serious_harm_opinion_needed_then_must_be_current(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = add(staff, access_request, "GP letter", holds_health_data=True, harm_concern=True)
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    [reason] = approval_blockers(access_request, today=TODAY)
    assert "“GP letter” holds health data and harm is a concern" in reason
    assert "health professional" in reason
    serious_harm_opinion_record(
        by=staff["reviewer"], request=access_request, details=opinion(dt.date(2025, 9, 1)), today=TODAY
    )
    [stale] = approval_blockers(access_request, today=TODAY)
    assert "given on 1 September 2025" in stale and "must be renewed" in stale
    assert "only until 28 February 2026" in stale  # six months ending with 1 March begin on 2 September
    serious_harm_opinion_record(by=staff["reviewer"], request=access_request, details=opinion(TODAY), today=TODAY)
    assert approval_blockers(access_request, today=TODAY) == []
    # Six months on, the renewal itself has expired.
    assert approval_blockers(access_request, today=dt.date(2026, 9, 16)) != []


def test_opinion_must_cover_the_right_kind_of_data(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = add(staff, access_request, "Social care notes", holds_social_work_data=True, harm_concern=True)
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    serious_harm_opinion_record(by=staff["reviewer"], request=access_request, details=opinion(TODAY), today=TODAY)
    [reason] = approval_blockers(access_request, today=TODAY)
    assert "social work data" in reason
    serious_harm_opinion_record(
        by=staff["reviewer"], request=access_request, details=opinion(TODAY, DataArea.SOCIAL_WORK), today=TODAY
    )
    assert approval_blockers(access_request, today=TODAY) == []


def test_health_data_needs_an_opinion_or_already_known_even_without_a_harm_concern(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    """DPA 2018 Sch 3 Pt 2 para 6: health data goes only with a current "not likely" opinion, or already known."""
    doc = add(staff, access_request, "GP letter", holds_health_data=True)
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    [reason] = approval_blockers(access_request, today=TODAY)
    assert "“GP letter” holds health data that cannot be disclosed yet" in reason
    assert "already seen or knows" in reason and "Sch 3 Pt 2 para 6" in reason
    # An opinion that serious harm IS likely for all of it covers nothing that goes.
    withhold_all = replace(opinion(TODAY), conclusion=OpinionConclusion.WITHHOLD)
    serious_harm_opinion_record(by=staff["reviewer"], request=access_request, details=withhold_all, today=TODAY)
    assert approval_blockers(access_request, today=TODAY) == [reason]
    disclose = replace(opinion(dt.date(2025, 9, 1)), conclusion=OpinionConclusion.DISCLOSE)
    serious_harm_opinion_record(by=staff["reviewer"], request=access_request, details=disclose, today=TODAY)
    [stale] = approval_blockers(access_request, today=TODAY)
    assert "more than six months old" in stale
    serious_harm_opinion_record(
        by=staff["reviewer"], request=access_request, details=replace(disclose, opinion_date=TODAY), today=TODAY
    )
    assert approval_blockers(access_request, today=TODAY) == []


def test_health_data_the_subject_already_knows_needs_no_opinion(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = add(staff, access_request, "My own letter to the GP", holds_health_data=True, subject_already_knows=True)
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    assert approval_blockers(access_request, today=TODAY) == []


def _withhold_by_redaction(staff: dict[str, User], doc: Document, exemption: str) -> None:
    redaction_add_span(by=staff["reviewer"], document=doc, start=0, end=8, exemption=exemption)


def _withhold_by_ncnd_redaction(staff: dict[str, User], doc: Document, exemption: str) -> None:
    redaction = redaction_add_span(by=staff["reviewer"], document=doc, start=0, end=8, exemption=exemption)
    flag = ncnd_flag_redaction(by=staff["reviewer"], redaction=redaction, reason="Saying so would cause harm")
    ncnd_approve(by=staff["manager"], flag=flag)


def _withhold_in_full(staff: dict[str, User], doc: Document, exemption: str) -> None:
    from disclosure.services.documents import document_withhold

    document_withhold(by=staff["reviewer"], document=doc, exemption=exemption, reason="The whole letter")


def _withhold_ncnd_document(staff: dict[str, User], doc: Document, exemption: str) -> None:
    flag = ncnd_flag_document(by=staff["reviewer"], document=doc, exemption=exemption, reason="Its existence harms")
    ncnd_approve(by=staff["manager"], flag=flag)


@pytest.mark.parametrize(
    "withhold", [_withhold_by_redaction, _withhold_by_ncnd_redaction, _withhold_in_full, _withhold_ncnd_document]
)
@pytest.mark.parametrize(
    ("exemption", "area", "flag", "words"),
    [
        ("serious_harm_health", DataArea.HEALTH, "holds_health_data", "health"),
        ("serious_harm_social_work", DataArea.SOCIAL_WORK, "holds_social_work_data", "social work"),
        ("serious_harm_education", DataArea.EDUCATION, "holds_education_data", "education"),
    ],
)
def test_relying_on_a_serious_harm_exemption_needs_a_current_opinion_even_without_a_harm_flag(
    staff: dict[str, User],
    access_request: RightsRequest,
    withhold: object,
    exemption: str,
    area: str,
    flag: str,
    words: str,
) -> None:
    doc = add(staff, access_request, "Clinic letter", **{flag: True})  # no harm_concern ticked
    withhold(staff, doc, exemption)  # type: ignore[operator]
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    [reason] = approval_blockers(access_request, today=TODAY)
    assert f"“Clinic letter” withholds information under the serious-harm exemption for {words} data" in reason
    assert "no opinion of an appropriate" in reason
    # An opinion on another kind of data does not cover it.
    other = DataArea.EDUCATION if area != DataArea.EDUCATION else DataArea.HEALTH
    serious_harm_opinion_record(
        by=staff["reviewer"], request=access_request, details=opinion(TODAY, other), today=TODAY
    )
    assert approval_blockers(access_request, today=TODAY) == [reason]
    # An opinion older than six months does not either.
    serious_harm_opinion_record(
        by=staff["reviewer"], request=access_request, details=opinion(dt.date(2025, 9, 1), area), today=TODAY
    )
    [stale] = approval_blockers(access_request, today=TODAY)
    assert "must be renewed" in stale
    serious_harm_opinion_record(by=staff["reviewer"], request=access_request, details=opinion(TODAY, area), today=TODAY)
    assert approval_blockers(access_request, today=TODAY) == []


def test_an_opinion_to_disclose_does_not_support_withholding(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = add(staff, access_request, "GP letter", holds_health_data=True, harm_concern=True)
    redaction_add_span(by=staff["reviewer"], document=doc, start=0, end=8, exemption="serious_harm_health")
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    serious_harm_opinion_record(
        by=staff["reviewer"],
        request=access_request,
        details=OpinionDetails(
            professional_name="Dr A Patel",
            professional_role="GP",
            opinion_date=TODAY,
            opinion="No serious harm is likely.",
            conclusion=OpinionConclusion.DISCLOSE,
        ),
        today=TODAY,
    )
    [reason] = approval_blockers(access_request, today=TODAY)
    assert "is to disclose, yet “GP letter” withholds information under the serious-harm exemption" in reason


def test_a_serious_harm_exemption_on_a_document_not_marked_as_holding_that_data_is_flagged(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = add(staff, access_request, "Police log")
    redaction_add_span(by=staff["reviewer"], document=doc, start=0, end=8, exemption="serious_harm_health")
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    serious_harm_opinion_record(by=staff["reviewer"], request=access_request, details=opinion(TODAY), today=TODAY)
    [reason] = approval_blockers(access_request, today=TODAY)
    assert "“Police log” withholds information under the serious-harm exemption for health data" in reason
    assert "not marked as holding health data" in reason


def test_ncnd_and_third_parties_block_until_settled(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = add(staff, access_request, "Intelligence")
    flag = ncnd_flag_document(by=staff["caseworker"], document=doc, exemption="crime", reason="Tip-off risk")
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    party = third_party_add(
        by=staff["caseworker"],
        request=access_request,
        details=ThirdPartyDetails(name="Jane Doe", consent_reason="Cannot be traced"),
        today=TODAY,
    )
    reasons = approval_blockers(access_request, today=TODAY)
    assert reasons == [
        "1 neither-confirm-nor-deny flag awaits the Manager's approval.",
        "1 third party has no decision on whether it is reasonable to disclose their information: “Jane Doe”.",
    ]
    ncnd_approve(by=staff["manager"], flag=flag)
    third_party_decide(by=staff["caseworker"], third_party=party, reasonable_to_disclose=False, reasons="Confidential")
    assert approval_blockers(access_request, today=TODAY) == []


# The guards in the state machine


@pytest.fixture
def in_review(staff: dict[str, User], access_request: RightsRequest, monkeypatch: pytest.MonkeyPatch) -> RightsRequest:
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    rr = verify_identity(access_request, by=staff["caseworker"], on=RECEIVED)
    return take_steps(rr, "start_work", "gather_records", "begin_review", user=staff["caseworker"], today=TODAY)


def test_guard_blocks_sign_off_with_plain_reasons_then_passes(staff: dict[str, User], in_review: RightsRequest) -> None:
    doc = add(staff, in_review, "Referral", text="Jane Doe called.")
    with pytest.raises(ApplicationError) as caught:
        take_steps(in_review, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    assert "1 document is not yet marked reviewed: “Referral”" in caught.value.message
    assert RightsRequest.objects.get(pk=in_review.pk).status == Status.IN_REVIEW
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    rr = take_steps(in_review, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    assert rr.status == Status.AWAITING_SIGN_OFF


def test_guard_blocks_approval_when_review_is_undone_after_sign_off(
    staff: dict[str, User], in_review: RightsRequest
) -> None:
    doc = document_mark_reviewed(by=staff["reviewer"], document=add(staff, in_review, "Referral"))
    take_steps(in_review, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    redaction_add_span(by=staff["caseworker"], document=doc, start=0, end=8, exemption="third_party")
    with pytest.raises(ApplicationError, match="not yet marked reviewed"):
        take_steps(in_review, "approve", user=staff["manager"], today=TODAY)
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    rr = take_steps(in_review, "approve", user=staff["manager"], today=TODAY)
    assert rr.status == Status.APPROVED
    # Once approved, the records are fixed.
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        redaction_add_span(by=staff["caseworker"], document=doc, start=9, end=13, exemption="third_party")


def test_guard_uses_the_day_the_step_is_taken_for_the_six_month_rule(
    staff: dict[str, User], in_review: RightsRequest
) -> None:
    doc = add(staff, in_review, "GP letter", holds_health_data=True, harm_concern=True)
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    serious_harm_opinion_record(
        by=staff["reviewer"], request=in_review, details=opinion(dt.date(2025, 9, 17)), today=TODAY
    )
    take_steps(in_review, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    with pytest.raises(ApplicationError, match="must be renewed"):
        take_steps(in_review, "approve", user=staff["manager"], today=dt.date(2026, 3, 17))


# Professionals acting in their role (DPA 2018 Sch 2 Pt 3 para 17)


def _professional(staff: dict[str, User], rr: RightsRequest, name: str = "Pat Lee") -> object:
    return third_party_add(
        by=staff["caseworker"],
        request=rr,
        details=ThirdPartyDetails(
            name=name, other_spellings="P. Lee", is_professional_in_role=True, consent_reason="In their role"
        ),
        today=TODAY,
    )


def test_redacting_a_professional_in_role_needs_a_reason(staff: dict[str, User], access_request: RightsRequest) -> None:
    doc = add(staff, access_request, "Visit note", text="The duty social worker, Pat Lee, visited. Jane Doe rang.")
    _professional(staff, access_request)
    with pytest.raises(ApplicationError, match="paragraph 17") as caught:
        redact_phrase(by=staff["caseworker"], document=doc, phrase="Pat Lee", exemption="third_party")
    assert caught.value.field == "reason"
    assert not Redaction.objects.filter(document=doc).exists()  # nothing changed
    with pytest.raises(ApplicationError, match="without the name"):
        redact_phrase(
            by=staff["caseworker"], document=doc, phrase="pat lee", exemption="third_party", reason="Pat Lee asked"
        )
    start = doc.text.index("Pat Lee")
    with pytest.raises(ApplicationError, match="paragraph 17"):
        redaction_add_span(by=staff["caseworker"], document=doc, start=start, end=start + 7, exemption="third_party")
    kept = redaction_add_span(
        by=staff["caseworker"],
        document=doc,
        start=start,
        end=start + 7,
        exemption="serious_harm_social_work",
        reason="Threats against the worker: serious harm opinion recorded",
    )
    assert kept.reason == "Threats against the worker: serious harm opinion recorded"
    # Someone who is not a professional in role needs no reason.
    assert redact_phrase(by=staff["caseworker"], document=doc, phrase="Jane Doe", exemption="third_party")


def test_a_professional_recorded_after_the_redaction_blocks_sign_off_until_a_reason_is_given(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    doc = add(staff, access_request, "Visit note", text="The duty social worker, P. Lee, visited.")
    (redaction,) = redact_phrase(by=staff["caseworker"], document=doc, phrase="P. Lee", exemption="third_party")
    party = _professional(staff, access_request)
    third_party_decide(by=staff["caseworker"], third_party=party, reasonable_to_disclose=True, reasons="In role")
    document_mark_reviewed(by=staff["caseworker"], document=doc)
    [reason] = approval_blockers(access_request, today=TODAY)
    assert "Pat Lee is recorded as a health, social work or education professional" in reason
    assert "“Visit note”" in reason and "paragraph 17" in reason
    redaction_remove(by=staff["caseworker"], redaction=redaction, reason="Redacted again with the reason")
    redact_phrase(
        by=staff["caseworker"],
        document=doc,
        phrase="P. Lee",
        exemption="crime",
        reason="The police asked that the worker is not named while they investigate threats",
    )
    document_mark_reviewed(by=staff["caseworker"], document=doc)
    assert approval_blockers(access_request, today=TODAY) == []


def test_the_schedule_prints_why_a_professional_is_withheld(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    from disclosure.pack.build import build_inputs
    from disclosure.pack.render import front_context

    doc = add(staff, access_request, "Visit note", text="The duty social worker, Pat Lee, visited. Jane Doe rang.")
    _professional(staff, access_request)
    redact_phrase(
        by=staff["caseworker"],
        document=doc,
        phrase="Pat Lee",
        exemption="serious_harm_social_work",
        reason="The worker has been threatened",
    )
    redact_phrase(by=staff["caseworker"], document=doc, phrase="Jane Doe", exemption="third_party")
    inputs = build_inputs(access_request, preview=True, letter_date=TODAY)
    (document,) = inputs.documents
    assert document.professional_reasons == (("S3 P3 para11", "The worker has been threatened"),)
    (row,) = front_context(inputs, {}, pages_total=None)["schedule"]
    assert row["professional_reasons"] == [("S3 P3 para11", "The worker has been threatened")]


# The search record behind sign-off and the Art 15 page (UK GDPR Art 15(1A))


def test_sign_off_is_refused_without_a_search_record_and_the_page_is_written_from_it(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    from disclosure.pack.build import build_inputs
    from disclosure.selectors import search_record_blockers
    from requests_app.services.transitions import request_transition
    from tests.factories import keep_subject_search

    rr = verify_identity(access_request, by=staff["caseworker"], on=RECEIVED)
    rr = take_steps(rr, "start_work", "gather_records", "begin_review", user=staff["caseworker"], today=TODAY)
    doc = add(staff, rr, "Police referral")
    document_mark_reviewed(by=staff["caseworker"], document=doc)
    [reason] = search_record_blockers(rr)
    assert reason.startswith("No subject search is kept for this request")
    with pytest.raises(ApplicationError, match="No subject search is kept"):
        request_transition(
            request_id=rr.pk,
            user=staff["caseworker"],
            transition="submit_for_sign_off",
            expected_version=RightsRequest.objects.get(pk=rr.pk).version,
            data={},
            today=TODAY,
        )
    keep_subject_search(rr, by=staff["caseworker"], scope=False)
    [reason] = search_record_blockers(rr)
    assert "scope is not recorded" in reason
    keep_subject_search(rr, by=staff["caseworker"])
    assert search_record_blockers(rr) == []
    inputs = build_inputs(rr, preview=True, letter_date=TODAY)
    assert inputs.held.search is not None and "name" in inputs.held.search.terms
    assert inputs.held.enclosed_from == ()  # the document has no agency recorded
    rr = take_steps(rr, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    assert rr.status == Status.AWAITING_SIGN_OFF
