"""Fixtures for the partnership's holdings: users by role, and a small builder for reviews and records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User

from reviews import holds
from reviews.models import AgencySubmission, DataSubjectRecord, Review, SourceAgency
from reviews.services import (
    agency_create,
    review_conclude,
    review_create,
    subject_record_create,
    submission_create,
)
from tests.factories import caseworker, manager, reviewer

TODAY = dt.date(2026, 3, 16)


@pytest.fixture
def boss(db: None) -> User:
    return manager("boss")


@pytest.fixture
def worker(db: None) -> User:
    return caseworker("worker")


@pytest.fixture
def professional(db: None) -> User:
    return reviewer("professional")


@dataclass
class Holdings:
    """Builds reviews, agencies, submissions and records through the real services."""

    by: User
    counter: int = 0
    agencies: dict[str, SourceAgency] = field(default_factory=dict)

    def review(
        self,
        *,
        review_type: str = "cspr",
        reference: str | None = None,
        started: dt.date = dt.date(2025, 1, 6),
        concluded: dt.date | None = None,
    ) -> Review:
        self.counter += 1
        review = review_create(
            by=self.by,
            reference=reference or f"REV-{self.counter:03d}",
            review_type=review_type,
            title=f"Child {chr(64 + self.counter)}",
            started=started,
            today=TODAY,
        )
        if concluded is not None:
            review = review_conclude(review=review, by=self.by, concluded=concluded, today=TODAY)
        return review

    def agency(self, name: str = "Greater Manchester Police", kind: str = "police") -> SourceAgency:
        if name not in self.agencies:
            self.agencies[name] = agency_create(by=self.by, name=name, kind=kind, data_owner="Data Protection Officer")
        return self.agencies[name]

    def submission(
        self, review: Review, *, agency: SourceAgency | None = None, submission_type: str = "reflection"
    ) -> AgencySubmission:
        return submission_create(
            by=self.by,
            review=review,
            agency=agency or self.agency(),
            submission_type=submission_type,
            title="Individual management review",
            received_on=review.started,
            summary="Chronology of contacts with the family.",
        )

    def record(
        self,
        full_name: str,
        *,
        submission: AgencySubmission | None = None,
        previous_names: tuple[str, ...] = (),
        date_of_birth: dt.date | None = None,
        address: str = "",
        categories: dict[str, str] | None = None,
    ) -> DataSubjectRecord:
        if submission is None:
            submission = self.submission(self.review())
        return subject_record_create(
            by=self.by,
            submission=submission,
            full_name=full_name,
            previous_names=previous_names,
            date_of_birth=date_of_birth,
            address=address,
            categories=categories,
        )


@pytest.fixture
def held(boss: User) -> Holdings:
    return Holdings(by=boss)


@pytest.fixture
def hold_provider() -> Iterator[list[holds.Hold]]:
    """A fake provider standing in for requests_app: append Holds to the list to hold records."""
    current: list[holds.Hold] = []

    def provider() -> list[holds.Hold]:
        return list(current)

    holds.register_hold_provider(provider)
    try:
        yield current
    finally:
        holds.unregister_hold_provider(provider)


@pytest.fixture(autouse=True)
def _no_foreign_hold_providers() -> Iterator[None]:
    """Tests here decide the holds themselves: set aside any provider a higher layer registered."""
    saved = holds.registered_providers()
    for existing in saved:
        holds.unregister_hold_provider(existing)
    try:
        yield
    finally:
        for existing in saved:
            holds.register_hold_provider(existing)
