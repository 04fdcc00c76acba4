"""A destroyed request leaves its complaints and breaches in place, unlinked, each with a history row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from casework.models import Breach, Complaint
from casework.retention import detach_request_casework
from casework.services.breaches import breach_record
from casework.services.complaints import complaint_link_request
from requests_app.retention_registry import retention_parts
from tests.casework.conftest import received_complaint
from tests.casework.test_breach_services import FOUND, facts, pack_with_links
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def test_the_part_runs_before_the_disclosure_part() -> None:
    names = [part.name for part in retention_parts()]
    assert "casework" in names
    assert names.index("casework") < names.index("disclosure")


def test_complaints_and_breaches_are_unlinked_not_destroyed(worker: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    complaint = complaint_link_request(complaint=received_complaint(by=worker), by=worker, request=rights_request)
    breach = breach_record(by=worker, facts=facts(), pack=pack_with_links(rights_request), now=FOUND)
    purged = detach_request_casework(rights_request)
    assert purged.counts == {"complaints unlinked": 1, "breaches unlinked": 1}
    complaint = Complaint.objects.get(pk=complaint.pk)
    breach = Breach.objects.get(pk=breach.pk)
    assert complaint.request is None and complaint.request_reference_given == rights_request.reference
    assert breach.request is None and breach.pack is None and rights_request.reference in breach.what_happened
    assert breach.history.first().history_change_reason.startswith(f"Request {rights_request.reference}")
