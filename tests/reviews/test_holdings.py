"""Setting up holdings: reviews, legal holds, agencies, submissions and people, and who may do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, User

from core import roles
from reviews.models import Category, DataSubjectRecord, HeldCategory, NameKey, Review
from reviews.services import (
    agency_create,
    review_create,
    review_set_legal_hold,
    subject_record_create,
    submission_create,
)
from rights import ApplicationError
from tests.reviews.conftest import TODAY, Holdings


def test_roles_are_read_from_group_names(boss: User, worker: User, professional: User, db: None) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "x" * 12)
    assert roles.is_manager(boss) and roles.is_manager(root) and not roles.is_manager(worker)
    assert roles.can_work(worker) and roles.can_work(boss) and not roles.can_work(professional)
    assert roles.is_team_member(professional) and not roles.is_team_member(AnonymousUser())
    inactive = User.objects.create_user("gone", password="x" * 12, is_active=False)
    assert roles.roles_of(inactive) == frozenset()


def test_review_create_and_refusals(boss: User, worker: User, db: None) -> None:
    review = review_create(
        by=boss, reference=" CSPR-2026-01 ", review_type="cspr", title="Child B", started=TODAY, today=TODAY
    )
    assert review.reference == "CSPR-2026-01" and review.status == "in_progress"
    assert review.history.get().history_change_reason == "Review recorded"
    with pytest.raises(ApplicationError, match="already exists"):
        review_create(by=boss, reference="CSPR-2026-01", review_type="cspr", title="x", started=TODAY, today=TODAY)
    with pytest.raises(ApplicationError, match="not one of the partnership's processes"):
        review_create(by=boss, reference="X-1", review_type="inquiry", title="x", started=TODAY, today=TODAY)
    with pytest.raises(ApplicationError, match="cannot start in the future"):
        review_create(
            by=boss, reference="X-2", review_type="cspr", title="x", started=TODAY + dt.timedelta(days=1), today=TODAY
        )
    with pytest.raises(ApplicationError, match="Only a Manager can record a review"):
        review_create(by=worker, reference="X-3", review_type="cspr", title="x", started=TODAY, today=TODAY)
    assert Review.objects.count() == 1


def test_legal_hold(held: Holdings, boss: User, worker: User) -> None:
    review = held.review()
    with pytest.raises(ApplicationError, match="Say why"):
        review_set_legal_hold(review=review, by=boss, hold=True, reason=" ")
    with pytest.raises(ApplicationError, match="Only a Manager"):
        review_set_legal_hold(review=review, by=worker, hold=True, reason="Claim")
    review = review_set_legal_hold(review=review, by=boss, hold=True, reason="Claim")
    assert (review.legal_hold, review.legal_hold_reason) == (True, "Claim")
    with pytest.raises(ApplicationError, match="already on legal hold"):
        review_set_legal_hold(review=review, by=boss, hold=True, reason="Claim")
    review = review_set_legal_hold(review=review, by=boss, hold=False, reason="Settled")
    assert (review.legal_hold, review.legal_hold_reason) == (False, "")
    assert [h.history_change_reason for h in review.history.order_by("history_date")][-2:] == [
        "Legal hold placed",
        "Legal hold lifted: Settled",
    ]


def test_agency_and_submission_refusals(held: Holdings, boss: User, worker: User) -> None:
    with pytest.raises(ApplicationError, match="not a kind of agency"):
        agency_create(by=boss, name="Fire service", kind="fire", data_owner="DPO")
    with pytest.raises(ApplicationError, match="Only a Manager"):
        agency_create(by=worker, name="Fire service", kind="other", data_owner="DPO")
    with pytest.raises(ApplicationError, match="not a kind of submission"):
        submission_create(
            by=worker,
            review=held.review(),
            agency=held.agency(),
            submission_type="gossip",
            title="x",
            received_on=TODAY,
        )


def test_record_create_indexes_names_and_holds_categories(held: Holdings, worker: User) -> None:
    submission = held.submission(held.review())
    record = subject_record_create(
        by=worker,
        submission=submission,
        full_name=" Alex Smith-Jones ",
        previous_names=["Alex Smith", " "],
        date_of_birth=dt.date(2012, 5, 1),
        address="1 High Street, Stockport sk1 1aa",
        categories={"education": "School report"},
    )
    assert (record.full_name, record.previous_names, record.postcode) == ("Alex Smith-Jones", "Alex Smith", "SK1 1AA")
    assert dict(HeldCategory.objects.filter(record=record).values_list("category", "value")) == {
        Category.NAME: "",
        Category.DATE_OF_BIRTH: "",
        Category.ADDRESS: "",
        Category.EDUCATION: "School report",
    }
    keys = set(NameKey.objects.filter(record=record).values_list("key", flat=True))
    assert {"t:alex", "t:smith", "t:jones", "t:smithjones"} <= keys
    assert record.reference == f"DSR-{record.pk:06d}"
    with pytest.raises(ApplicationError, match="Unknown categories: shoe_size"):
        subject_record_create(by=worker, submission=submission, full_name="X", categories={"shoe_size": "9"})
    assert DataSubjectRecord.objects.count() == 1
