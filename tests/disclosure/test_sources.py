"""Subject-search hits a caseworker confirmed become sources for the disclosure, each with a pre-filled
agency return to ask its agency for the records."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosure.models import DATA_OWNER_NOT_NAMED, Agency, AgencyKind, AgencyRequest
from disclosure.selectors import disclosure_overview
from disclosure.services.records import agency_create as disclosure_agency_create
from requests_app.models import RightsRequest
from reviews.models import HitDecision, SubjectSearchHit
from reviews.search import SearchCriteria
from reviews.services import (
    agency_create,
    review_create,
    search_hit_decide,
    search_run_create,
    subject_record_create,
    submission_create,
)
from tests.disclosure.conftest import TODAY
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

DOB = dt.date(2012, 5, 1)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 16, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def text_of(response: object) -> str:
    return re.sub(r"\s+", " ", response.content.decode())  # type: ignore[attr-defined]


def _holding(by: User, number: int, agency_name: str, kind: str, name: str = "Alex Example") -> int:
    review = review_create(
        by=by,
        reference=f"CSPR-2025-{number:02d}",
        review_type="cspr",
        title=f"Child {number}",
        started=dt.date(2025, 1, 6),
    )
    agency = agency_create(by=by, name=agency_name, kind=kind, data_owner=f"{agency_name} records officer")
    submission = submission_create(
        by=by,
        review=review,
        agency=agency,
        submission_type="reflection",
        title="Individual management review",
        received_on=dt.date(2025, 2, 3),
    )
    return subject_record_create(by=by, submission=submission, full_name=name, date_of_birth=DOB).pk


@pytest.fixture
def searched(staff: dict[str, User], access_request: RightsRequest) -> dict[str, int]:
    """Three records in three reviews: the search confirms two (police, school) and rejects one."""
    by = staff["manager"]
    ids = {
        "police": _holding(by, 1, "Greater Manchester Police", "police"),
        "school": _holding(by, 2, "Hillside Primary", "education"),
        "other": _holding(by, 3, "Stockport NHS", "health", name="Alex Examples"),
    }
    run = search_run_create(
        by=staff["caseworker"],
        criteria=SearchCriteria(name="Alex Example", date_of_birth=DOB),
        request_reference=access_request.reference,
    )
    for hit in SubjectSearchHit.objects.filter(run=run):
        decision = HitDecision.REJECTED if hit.record_id == ids["other"] else HitDecision.CONFIRMED
        search_hit_decide(hit=hit, by=staff["caseworker"], decision=decision)
    return ids


def test_the_overview_lists_the_confirmed_sources_with_review_agency_and_submission(
    staff: dict[str, User], access_request: RightsRequest, searched: dict[str, int]
) -> None:
    overview = disclosure_overview(access_request, today=TODAY)
    assert [(s.record_reference, s.review_reference, s.agency_name) for s in overview.sources] == [
        (f"DSR-{searched['police']:06d}", "CSPR-2025-01", "Greater Manchester Police"),
        (f"DSR-{searched['school']:06d}", "CSPR-2025-02", "Hillside Primary"),
    ]
    client = Client()
    sign_in(client, staff["caseworker"])
    page = text_of(client.get(reverse("disclosure:request", args=[access_request.pk])))
    assert "Sources confirmed by the subject search" in page
    assert "CSPR-2025-01: Child 1" in page and "Individual management review" in page
    assert "Stockport NHS" not in page  # the rejected hit is no source
    assert "Ask Greater Manchester Police for its records" in page


def test_asking_a_sources_agency_is_pre_filled_and_makes_the_agency_return(
    staff: dict[str, User], access_request: RightsRequest, searched: dict[str, int]
) -> None:
    police = disclosure_agency_create(
        by=staff["caseworker"], name="greater manchester police", kind="police", data_owner="DPO"
    )
    [police_source, school_source] = disclosure_overview(access_request, today=TODAY).sources
    assert police_source.agency == police and school_source.agency is None  # matched by name, any case
    client = Client()
    sign_in(client, staff["caseworker"])

    form = text_of(client.get(police_source.ask_url))
    assert f'<option value="{police.pk}" selected>' in form
    assert f"DSR-{searched['police']:06d}" in form  # the notes say which confirmed record it is about

    form = text_of(client.get(school_source.ask_url))
    assert 'value="Hillside Primary"' in form and 'value="Hillside Primary records officer"' in form
    assert '<option value="education" selected>' in form
    response = client.post(
        reverse("disclosure:agency_ask", args=[access_request.pk]),
        {
            "new_agency": "Hillside Primary",
            "new_agency_kind": "education",
            "new_agency_data_owner": "Hillside Primary records officer",
            "notes": school_source.ask_notes,
        },
    )
    assert response.status_code == 302
    school = Agency.objects.get(name="Hillside Primary")
    assert school.kind == AgencyKind.EDUCATION and school.data_owner == "Hillside Primary records officer"
    asked = AgencyRequest.objects.get(request=access_request, agency=school)
    assert f"DSR-{searched['school']:06d}" in asked.notes
    sources = disclosure_overview(access_request, today=TODAY).sources
    assert [s.asked_on for s in sources] == [None, TODAY]
    page = text_of(client.get(reverse("disclosure:request", args=[access_request.pk])))
    assert "Ask Hillside Primary for its records" not in page and "Asked on 16 March 2026" in page


def test_a_new_agency_named_without_its_owner_is_marked_not_yet_named(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    client = Client()
    sign_in(client, staff["caseworker"])
    client.post(
        reverse("disclosure:agency_ask", args=[access_request.pk]),
        {"new_agency": "Youth Service", "new_agency_kind": "other", "notes": ""},
    )
    assert Agency.objects.get(name="Youth Service").data_owner == DATA_OWNER_NOT_NAMED


def test_the_overview_queries_do_not_grow_with_sources(staff: dict[str, User], access_request: RightsRequest) -> None:
    client = Client()
    sign_in(client, staff["caseworker"])
    url = reverse("disclosure:request", args=[access_request.pk])

    def confirm(numbers: range) -> int:
        for number in numbers:
            _holding(staff["manager"], number, f"Agency {number}", "other")
        run = search_run_create(
            by=staff["caseworker"],
            criteria=SearchCriteria(name="Alex Example", date_of_birth=DOB),
            request_reference=access_request.reference,
        )
        for hit in SubjectSearchHit.objects.filter(run=run, decision=HitDecision.PENDING):
            search_hit_decide(hit=hit, by=staff["caseworker"], decision=HitDecision.CONFIRMED)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = confirm(range(1, 3))
    assert confirm(range(3, 9)) == few
