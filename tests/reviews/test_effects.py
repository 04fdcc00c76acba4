"""What each right does to held data: rectification, erasure, restriction, objection, and Art 19 notices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from reviews.holds import Hold
from reviews.models import (
    AgencySubmission,
    Correction,
    DataShare,
    DataSubjectRecord,
    HeldCategory,
    NameKey,
    NotificationStatus,
    RecipientNotification,
    RecordStatus,
    Restriction,
    SubjectSearchHit,
)
from reviews.search import SearchCriteria, subject_search
from reviews.selectors import notifications_for, recipients_of
from reviews.services import (
    assert_usable,
    notification_mark_not_required,
    notification_mark_sent,
    restriction_lift,
    review_set_legal_hold,
    search_hit_decide,
    search_run_create,
    subject_add_to_review,
    subject_erase,
    subject_export,
    subject_objection_uphold,
    subject_rectify,
    subject_restrict,
    submission_create,
)
from reviews.services.erasure import ERASED_CORRECTION_REASON
from rights import ApplicationError
from rights.effects import ErasureExemption, ErasureMethod, RestrictionBasis
from tests.reviews.conftest import TODAY, Holdings

DOB = dt.date(2012, 5, 1)


@pytest.fixture
def record(held: Holdings) -> DataSubjectRecord:
    return held.record(
        "Alex Example",
        previous_names=("Alex Smith",),
        date_of_birth=DOB,
        address="1 High Street, Stockport SK1 1AA",
        categories={"health": "GP letter 2024-03-02: asthma", "police": "Attended 2024-05-01"},
    )


@pytest.fixture
def shared(held: Holdings, record: DataSubjectRecord, worker: User) -> DataSubjectRecord:
    """The record was also passed to the local authority: a second recipient."""
    council = held.agency("Stockport Council", "childrens_social_care")
    subject_export(record=record, by=worker, purpose="Multi-agency audit", recipient=council, today=TODAY)
    return record


def _history_reasons(obj: object) -> list[str]:
    return [h.history_change_reason for h in obj.history.order_by("history_date", "history_id")]  # type: ignore[attr-defined]


# Rectification (Art 16) --------------------------------------------------------------------------------


def test_rectify_identity_field_keeps_the_old_value(record: DataSubjectRecord, worker: User) -> None:
    done = subject_rectify(
        record=record,
        by=worker,
        target="date_of_birth",
        new_value="2012-01-05",
        reason="Birth certificate seen",
        request_reference="RR-2026-0001",
    )
    record.refresh_from_db()
    assert record.date_of_birth == dt.date(2012, 1, 5)
    correction = done.correction
    assert (correction.target, correction.old_value, correction.new_value) == (
        "date_of_birth",
        "2012-05-01",
        "2012-01-05",
    )
    assert correction.made_by == worker and correction.reason == "Birth certificate seen"
    assert _history_reasons(record)[-1] == "Rectified date of birth (Art 16) for RR-2026-0001"
    assert record.history.count() == 2


def test_rectify_name_reindexes_the_search(record: DataSubjectRecord, worker: User) -> None:
    subject_rectify(record=record, by=worker, target="full_name", new_value="Alexa Morgan", reason="Name misspelt")
    assert NameKey.objects.filter(record=record, key="t:morgan").exists()
    assert not NameKey.objects.filter(record=record, key="t:example").exists()
    assert subject_search(name="Alexa Morgan")[0].record.pk == record.pk


def test_rectify_address_updates_postcode(record: DataSubjectRecord, worker: User) -> None:
    subject_rectify(
        record=record, by=worker, target="address", new_value="4 Oak Road, Stockport SK2 6BB", reason="Moved"
    )
    record.refresh_from_db()
    assert record.postcode == "SK2 6BB"


def test_rectify_category_and_complete_a_missing_one(record: DataSubjectRecord, worker: User) -> None:
    subject_rectify(
        record=record, by=worker, target="health", new_value="GP letter 2024-03-02: eczema", reason="Wrong condition"
    )
    assert HeldCategory.objects.get(record=record, category="health").value == "GP letter 2024-03-02: eczema"
    done = subject_rectify(
        record=record, by=worker, target="feedback", new_value="Supplementary statement", reason="Incomplete (Art 16)"
    )
    assert done.correction.old_value == ""
    assert HeldCategory.objects.get(record=record, category="feedback").value == "Supplementary statement"


@pytest.mark.parametrize(
    ("target", "value", "message"),
    [
        ("date_of_birth", "2012-05-01", "already reads that way"),
        ("date_of_birth", "1 May 2012", "is not a date"),
        ("full_name", "", "cannot be corrected to nothing"),
        ("shoe_size", "9", "neither a field nor a category"),
    ],
)
def test_rectify_refusals(record: DataSubjectRecord, worker: User, target: str, value: str, message: str) -> None:
    with pytest.raises(ApplicationError, match=message):
        subject_rectify(record=record, by=worker, target=target, new_value=value, reason="Asked")
    assert not Correction.objects.exists()


def test_rectify_needs_a_reason_and_a_worker(record: DataSubjectRecord, worker: User, professional: User) -> None:
    with pytest.raises(ApplicationError, match="Say why"):
        subject_rectify(record=record, by=worker, target="address", new_value="x", reason=" ")
    with pytest.raises(ApplicationError, match="Only a Manager or a caseworker"):
        subject_rectify(record=record, by=professional, target="address", new_value="x", reason="Asked")


# Art 19: recipients -----------------------------------------------------------------------------------


def test_rectification_lists_and_notifies_every_recipient(shared: DataSubjectRecord, worker: User) -> None:
    done = subject_rectify(
        record=shared,
        by=worker,
        target="date_of_birth",
        new_value="2012-01-05",
        reason="Certificate",
        request_reference="RR-2026-0002",
    )
    got = {(n.agency.name, n.role, n.effect) for n in done.notifications}
    assert got == {
        ("Greater Manchester Police", "supplied", "rectification"),
        ("Stockport Council", "received", "rectification"),
    }
    listed = list(notifications_for(request_reference="RR-2026-0002"))
    assert [n.pk for n in listed] == [n.pk for n in done.notifications]
    assert all(n.status == NotificationStatus.PENDING for n in listed)
    assert all("2012" not in n.detail for n in listed)  # no values in the notice
    assert [(a.name, role) for a, role in recipients_of(shared)] == [
        ("Greater Manchester Police", "supplied"),
        ("Stockport Council", "received"),
    ]


def test_notification_sent_and_not_required(shared: DataSubjectRecord, worker: User, boss: User) -> None:
    first, second = subject_restrict(
        record=shared, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Disputed"
    ).notifications
    notification_mark_sent(notification=first, by=worker, sent_on=TODAY)
    with pytest.raises(ApplicationError, match="already been dealt with"):
        notification_mark_sent(notification=first, by=worker, sent_on=TODAY)
    with pytest.raises(ApplicationError, match="Only a Manager"):
        notification_mark_not_required(notification=second, by=worker, reason="Agency closed")
    notification_mark_not_required(notification=second, by=boss, reason="Agency has closed down")
    statuses = dict(RecipientNotification.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "sent", second.pk: "not_required"}
    assert RecipientNotification.history.filter(id=first.pk).count() == 2


def test_notification_sent_records_how_and_refuses_a_day_to_come(shared: DataSubjectRecord, worker: User) -> None:
    first, _ = subject_restrict(
        record=shared, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Disputed"
    ).notifications
    with pytest.raises(ApplicationError, match="'pigeon' is not a way an agency can be told"):
        notification_mark_sent(notification=first, by=worker, sent_on=TODAY, method="pigeon", today=TODAY)
    with pytest.raises(ApplicationError, match="a day still to come"):
        notification_mark_sent(
            notification=first, by=worker, sent_on=TODAY + dt.timedelta(days=1), method="post", today=TODAY
        )
    assert RecipientNotification.objects.get(pk=first.pk).status == NotificationStatus.PENDING
    notification_mark_sent(notification=first, by=worker, sent_on=TODAY, method="secure_email", today=TODAY)
    first.refresh_from_db()
    assert (first.status, first.sent_on, first.sent_method) == (NotificationStatus.SENT, TODAY, "secure_email")


# Restriction (Art 18) and objection (Art 21) --------------------------------------------------------------


def test_restriction_blocks_export_and_new_use_until_lifted(
    held: Holdings, record: DataSubjectRecord, worker: User
) -> None:
    other_submission = held.submission(held.review(review_type="learning_review"))
    restricted = subject_restrict(
        record=record,
        by=worker,
        basis=RestrictionBasis.ACCURACY_CONTESTED,
        reason="Date of birth disputed",
        request_reference="RR-2026-0003",
    )
    expected = (
        r"Alex Example \(DSR-\d{6}\) is restricted: accuracy contested \(UK GDPR Article 18\(1\)\(a\)\), since .* for request "
        r"RR-2026-0003\. The record is kept, but it cannot be exported or used for anything new until the restriction is lifted\."
    )
    with pytest.raises(ApplicationError, match=expected):
        assert_usable(record)
    with pytest.raises(ApplicationError, match="cannot be exported"):
        subject_export(record=record, by=worker, purpose="Audit")
    with pytest.raises(ApplicationError, match="cannot be exported"):
        subject_add_to_review(record=record, submission=other_submission, by=worker)
    assert DataSubjectRecord.objects.count() == 1
    assert not DataShare.objects.exists()

    with pytest.raises(ApplicationError, match=r"Art 18\(3\)"):
        restriction_lift(
            restriction=restricted.restriction, by=worker, reason="Checked", requester_told_on=None, today=TODAY
        )
    restriction_lift(
        restriction=restricted.restriction, by=worker, reason="Date checked", requester_told_on=TODAY, today=TODAY
    )
    assert_usable(record)
    copy = subject_add_to_review(record=record, submission=other_submission, by=worker)
    assert copy.full_name == "Alex Example" and copy.submission == other_submission
    assert set(copy.categories.values_list("category", flat=True)) == {
        "name",
        "date_of_birth",
        "address",
        "health",
        "police",
    }
    data = subject_export(record=record, by=worker, purpose="Audit")
    assert data["date_of_birth"] == "2012-05-01" and data["categories"]["health"] == "GP letter 2024-03-02: asthma"
    assert _history_reasons(restricted.restriction)[-1] == "Restriction lifted"


def test_restriction_notifies_recipients_and_is_not_doubled(record: DataSubjectRecord, worker: User) -> None:
    done = subject_restrict(record=record, by=worker, basis=RestrictionBasis.LEGAL_CLAIMS, reason="Needed for a claim")
    assert [(n.effect, n.role) for n in done.notifications] == [("restriction", "supplied")]
    with pytest.raises(ApplicationError, match="already restricted"):
        subject_restrict(record=record, by=worker, basis=RestrictionBasis.LEGAL_CLAIMS, reason="Again")


def test_upheld_objection_marks_the_record_and_only_a_manager_lifts_it(
    record: DataSubjectRecord, worker: User, boss: User
) -> None:
    with pytest.raises(ApplicationError, match="Only a Manager can uphold an objection"):
        subject_objection_uphold(record=record, by=worker, reason="No compelling grounds")
    done = subject_objection_uphold(
        record=record, by=boss, reason="No compelling grounds", request_reference="RR-2026-0004"
    )
    assert done.restriction.basis == "objection_upheld"
    assert [n.effect for n in done.notifications] == ["objection"]
    with pytest.raises(ApplicationError, match=r"objection upheld \(UK GDPR Article 21\(1\)\)"):
        subject_export(record=record, by=boss, purpose="Learning review")
    with pytest.raises(ApplicationError, match="Only a Manager can lift an upheld objection"):
        restriction_lift(restriction=done.restriction, by=worker, reason="x", requester_told_on=TODAY, today=TODAY)
    restriction_lift(
        restriction=done.restriction, by=boss, reason="Withdrawn by the person", requester_told_on=TODAY, today=TODAY
    )
    assert not Restriction.objects.filter(lifted_at__isnull=True).exists()


def test_export_records_the_recipient(record: DataSubjectRecord, held: Holdings, worker: User) -> None:
    with pytest.raises(ApplicationError, match="Say what the export is for"):
        subject_export(record=record, by=worker, purpose=" ")
    school = held.agency("Hillside School", "education")
    subject_export(record=record, by=worker, purpose="Section 11 audit", recipient=school, today=TODAY)
    share = DataShare.objects.get()
    assert (share.agency, share.shared_on, share.shared_by) == (school, TODAY, worker)


# Erasure (Art 17) ------------------------------------------------------------------------------------------


def test_erasure_refused_under_an_exemption(record: DataSubjectRecord, boss: User) -> None:
    for exemption, article in (
        (ErasureExemption.PUBLIC_TASK, r"17\(3\)\(b\)"),
        (ErasureExemption.LEGAL_CLAIMS, r"17\(3\)\(e\)"),
    ):
        with pytest.raises(ApplicationError, match=f"Not erased: .*{article}"):
            subject_erase(record=record, by=boss, method=ErasureMethod.DESTROY, reason="Asked", exemption=exemption)
    record.refresh_from_db()
    assert record.status == RecordStatus.ACTIVE and record.full_name == "Alex Example"


def test_erasure_needs_a_manager(record: DataSubjectRecord, worker: User) -> None:
    with pytest.raises(ApplicationError, match="Only a Manager can erase held data"):
        subject_erase(record=record, by=worker, method=ErasureMethod.DESTROY, reason="Asked")


def test_erasure_refused_under_legal_hold(record: DataSubjectRecord, boss: User) -> None:
    review_set_legal_hold(review=record.submission.review, by=boss, hold=True, reason="Coroner's inquest")
    with pytest.raises(ApplicationError, match=r"legal hold \(Coroner's inquest\).*17\(3\)\(e\)"):
        subject_erase(record=record, by=boss, method=ErasureMethod.DESTROY, reason="Asked")
    assert DataSubjectRecord.objects.get(pk=record.pk).status == RecordStatus.ACTIVE


def test_erasure_refused_while_another_open_request_needs_it(
    record: DataSubjectRecord, boss: User, hold_provider: list[Hold]
) -> None:
    hold_provider.append(Hold("RR-2026-0009", record_ids=frozenset({record.pk})))
    with pytest.raises(ApplicationError, match="open request RR-2026-0009 still needs 1 record"):
        subject_erase(
            record=record, by=boss, method=ErasureMethod.DESTROY, reason="Asked", request_reference="RR-2026-0010"
        )
    # The erasure request's own hold does not block itself.
    hold_provider.append(Hold("RR-2026-0010", record_ids=frozenset({record.pk})))
    hold_provider.pop(0)
    subject_erase(
        record=record, by=boss, method=ErasureMethod.DESTROY, reason="Asked", request_reference="RR-2026-0010"
    )


def test_erasure_destroys_personal_data_everywhere_and_certifies(
    shared: DataSubjectRecord, boss: User, worker: User
) -> None:
    record = shared
    subject_rectify(record=record, by=worker, target="full_name", new_value="Alexandra Example", reason="Full name")
    run = search_run_create(
        by=worker, criteria=SearchCriteria(name="Alexandra Example"), request_reference="RR-2026-0011"
    )
    history_rows_before = record.history.count()

    erased = subject_erase(
        record=record,
        by=boss,
        method=ErasureMethod.DESTROY,
        reason="No longer needed",
        request_reference="RR-2026-0012",
    )

    record.refresh_from_db()
    assert record.status == RecordStatus.DESTROYED and record.erased_at is not None
    assert (record.full_name, record.previous_names, record.date_of_birth, record.address, record.postcode) == (
        "[destroyed]",
        "",
        None,
        "",
        "",
    )
    assert not HeldCategory.objects.filter(record=record).exists()
    assert not NameKey.objects.filter(record=record).exists()
    # History rows are kept (who, when, why) but hold no personal data any more.
    assert record.history.count() == history_rows_before + 1
    assert set(record.history.values_list("full_name", flat=True)) == {"[destroyed]"}
    assert set(record.history.values_list("date_of_birth", flat=True)) == {None}
    assert set(HeldCategory.history.filter(record_id=record.pk).values_list("value", flat=True)) == {""}
    assert HeldCategory.history.filter(record_id=record.pk, history_type="-").count() == 5
    correction = Correction.objects.get(record=record)
    assert (correction.old_value, correction.new_value, correction.reason) == ("", "", ERASED_CORRECTION_REASON)
    assert set(Correction.history.filter(id=correction.pk).values_list("old_value", "new_value", "reason")) == {
        ("", "", ERASED_CORRECTION_REASON)
    }
    hit = run.hits.get()
    assert "Alexandra" not in hit.reasons and "Alexandra" not in "".join(hit.history.values_list("reasons", flat=True))
    # The certificate: what, when, who, how, with references and counts only.
    certificate = erased.certificate
    assert (
        certificate.kind == "erasure" and certificate.destroyed_by == boss and certificate.destroyed_by_name == "boss"
    )
    assert certificate.record == record and certificate.request_reference == "RR-2026-0012"
    assert certificate.category_entries == 5 and certificate.history_rows_cleared > 0
    assert record.reference in certificate.what
    assert "Alex" not in certificate.what + certificate.how and "2012" not in certificate.what
    assert certificate.reference.startswith("DC-")
    # Art 19: both recipients told.
    assert {(n.agency.name, n.effect) for n in erased.notifications} == {
        ("Greater Manchester Police", "erasure"),
        ("Stockport Council", "erasure"),
    }
    # Gone from search, and refused for any further use.
    assert subject_search(name="Alexandra Example") == []
    with pytest.raises(ApplicationError, match="was destroyed"):
        assert_usable(record)
    with pytest.raises(ApplicationError, match="nothing is left to change"):
        subject_rectify(record=record, by=worker, target="address", new_value="x", reason="x")
    with pytest.raises(ApplicationError, match="nothing is left to change"):
        subject_erase(record=record, by=boss, method=ErasureMethod.DESTROY, reason="Again")


def test_anonymisation_keeps_which_categories_were_held(record: DataSubjectRecord, boss: User) -> None:
    erased = subject_erase(record=record, by=boss, method=ErasureMethod.ANONYMISE, reason="Asked")
    record.refresh_from_db()
    assert record.status == RecordStatus.ANONYMISED and record.full_name == "[anonymised]"
    assert dict(HeldCategory.objects.filter(record=record).values_list("category", "value")) == {
        "name": "",
        "date_of_birth": "",
        "address": "",
        "health": "",
        "police": "",
    }
    assert "asthma" not in "".join(HeldCategory.history.filter(record_id=record.pk).values_list("value", flat=True))
    assert erased.certificate.method == "anonymise"
    assert "Identifying data removed" in erased.certificate.how


def test_erasure_leaves_no_free_text_behind(held: Holdings, boss: User, worker: User) -> None:
    """Notes written about the person (restriction reasons, share purposes, decision notes, the submission's
    title) go too, from the live rows and their history (UK GDPR Art 17)."""
    review = held.review()
    submission = submission_create(
        by=worker,
        review=review,
        agency=held.agency(),
        submission_type="reflection",
        title="IMR: Alex Example and O'Brien family",
        received_on=review.started,
        summary="Contacts with Alex Example's family.",
    )
    record = held.record("Alex O'Brien", submission=submission, previous_names=("Alex Example",), date_of_birth=DOB)
    other = held.record("Sam Green", submission=submission)
    restricted = subject_restrict(
        record=record, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Alex Example disputes the date"
    )
    restriction_lift(
        restriction=restricted.restriction,
        by=worker,
        reason="Alex Example's mother confirmed it",
        requester_told_on=TODAY,
        today=TODAY,
    )
    subject_export(
        record=record,
        by=worker,
        purpose="Alex Example's school audit",
        recipient=held.agency("Hillside School"),
        today=TODAY,
    )
    run = search_run_create(by=worker, criteria=SearchCriteria(name="Alex Example"), request_reference="RR-2026-0061")
    search_hit_decide(hit=run.hits.get(record=record), by=worker, decision="confirmed", note="Alex Example at Hillside")
    skipped = RecipientNotification.objects.filter(record=record, status=NotificationStatus.PENDING).first()
    assert skipped is not None  # the restriction's notice to the agency that supplied the record
    notification_mark_not_required(
        notification=skipped, by=boss, reason="The agency closed before Alex O'Brien's restriction was lifted."
    )

    erased = subject_erase(
        record=record, by=boss, method=ErasureMethod.DESTROY, reason="Asked", request_reference="RR-2026-0061"
    )

    def texts(model: type, field: str, **where: object) -> set[str]:
        live = set(model.objects.filter(**where).values_list(field, flat=True))  # type: ignore[attr-defined]
        past = set(model.history.filter(**where).values_list(field, flat=True))  # type: ignore[attr-defined]
        return live | past

    assert texts(Restriction, "reason", record_id=record.pk) == {ERASED_CORRECTION_REASON}
    assert texts(Restriction, "lift_reason", record_id=record.pk) == {"", ERASED_CORRECTION_REASON}
    assert texts(DataShare, "purpose", record_id=record.pk) == {ERASED_CORRECTION_REASON}
    assert texts(SubjectSearchHit, "decision_note", record_id=record.pk) <= {"", ERASED_CORRECTION_REASON}
    assert ERASED_CORRECTION_REASON in texts(SubjectSearchHit, "decision_note", record_id=record.pk)
    # The submission is about others too: only this person's names leave its title and summary.
    titles = texts(AgencySubmission, "title", id=submission.pk)
    summaries = texts(AgencySubmission, "summary", id=submission.pk)
    assert titles == {"IMR: [name removed] [name removed] and [name removed] family"}
    assert texts(RecipientNotification, "not_required_reason", id=skipped.pk) == {
        "",
        "The agency closed before [name removed] [name removed] restriction was lifted.",
    }
    assert summaries == {"Contacts with [name removed] [name removed] family."}
    assert erased.certificate.history_rows_cleared >= 8
    other.refresh_from_db()
    assert other.full_name == "Sam Green"
