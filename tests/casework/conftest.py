"""Fixtures for complaints and breaches: staff in each role, and complaints built once per state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from casework.models import Complaint
from casework.services.complaints import (
    ComplaintDetails,
    complaint_log,
    complaint_record_outcome,
    complaint_step,
)
from tests.factories import caseworker, manager, reviewer

RECEIVED = dt.date(2026, 7, 27)  # after s.164A came into force; acknowledgement due Wed 26 Aug 2026
NOON = dt.datetime(2026, 7, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def boss(db: None) -> User:
    return manager()


@pytest.fixture
def worker(db: None) -> User:
    return caseworker()


@pytest.fixture
def outsider(db: None) -> User:
    return reviewer()


def details(**overrides: str) -> ComplaintDetails:
    values = {
        "complainant_name": "Sam Example",
        "what_went_wrong": "You were late answering my request and left out the school records.",
        "what_they_want": "Send me the missing records.",
        "email": "sam@example.org",
    }
    values.update(overrides)
    return ComplaintDetails(**values)  # type: ignore[arg-type]


def received_complaint(*, by: User, received: dt.date = RECEIVED) -> Complaint:
    return complaint_log(by=by, details=details(), channel="letter", received=received, today=received)


def acknowledged_complaint(*, by: User) -> Complaint:
    return complaint_step(complaint=received_complaint(by=by), by=by, step="acknowledge", now=NOON)


def investigating_complaint(*, by: User) -> Complaint:
    return complaint_step(complaint=acknowledged_complaint(by=by), by=by, step="investigate", now=NOON)


def outcome_sent_complaint(*, by: User) -> Complaint:
    complaint = complaint_record_outcome(
        complaint=investigating_complaint(by=by), by=by, finding="partly_upheld", outcome="We were late; sorry."
    )
    return complaint_step(complaint=complaint, by=by, step="send_outcome", now=NOON + dt.timedelta(days=20))
