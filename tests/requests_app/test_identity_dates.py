"""The page shows both days: when identity or authority evidence arrived (the clock) and when it was recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.models import EvidenceKind
from requests_app.services.evidence import evidence_record
from rights import Authority, RepresentativeRole
from tests.factories import caseworker, make_request, pr_shown, sign_in

pytestmark = pytest.mark.django_db


def test_identity_and_authority_show_the_day_they_arrived_and_the_day_they_were_recorded(client: object) -> None:
    worker = caseworker()
    received = timezone.localdate() - dt.timedelta(days=10)
    arrived = received + dt.timedelta(days=2)
    request = make_request(
        received=received,
        today=received,
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
    )
    for kind in (EvidenceKind.IDENTITY, EvidenceKind.AUTHORITY):
        evidence_record(
            request_id=request.pk,
            by=worker,
            kind=kind,
            description="Seen",
            seen_on=arrived,
            received_on=arrived,
            acting=pr_shown() if kind == EvidenceKind.AUTHORITY else None,
        )
    sign_in(client, worker)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()  # type: ignore[attr-defined]
    recorded = timezone.localdate()
    expected = f"Evidence arrived {arrived.day} {arrived:%B %Y}; recorded {recorded.day} {recorded:%B %Y}"
    assert page.count(expected) == 2  # identity, then authority
