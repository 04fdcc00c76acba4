"""Role-aware dashboards: the reviewer's queue of serious-harm opinions wanted, the caseworker's own work due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from disclosure.services.documents import DocumentDetails, document_add_text
from disclosure.services.review import OpinionDetails, serious_harm_opinion_record
from requests_app.models import RightsRequest
from tests.disclosure.conftest import RECEIVED, TODAY
from tests.factories import make_request, refer, sign_in


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/London"))):
        yield


def dashboard(user: User) -> tuple[object, str]:
    client = Client()
    sign_in(client, user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.context, response.content.decode()


def concern(staff: dict[str, User], rr: RightsRequest, **areas: bool) -> None:
    document_add_text(
        by=staff["caseworker"],
        request=rr,
        details=DocumentDetails(title="Notes", harm_concern=True, **areas),
        text="Some notes",
        today=TODAY,
    )


def test_the_reviewer_sees_the_opinions_wanted_due_and_overdue(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    late = make_request(received=dt.date(2026, 1, 12), today=TODAY, subject_name="Late Lou")  # due 12 February
    covered = make_request(received=RECEIVED, today=TODAY, subject_name="Covered Cara")
    concern(staff, access_request, holds_health_data=True)
    concern(staff, late, holds_social_work_data=True)
    concern(staff, covered, holds_health_data=True)
    serious_harm_opinion_record(
        by=staff["reviewer"],
        request=covered,
        details=OpinionDetails("Dr A", "GP", dt.date(2026, 3, 10), "No serious harm likely.", "disclose"),
        today=TODAY,
    )
    unreferred = make_request(received=RECEIVED, today=TODAY, subject_name="Nobody Asked")
    concern(staff, unreferred, holds_health_data=True)
    for rr in (access_request, late, covered):
        refer(rr, staff["reviewer"])
    refer(access_request, staff["reviewer"], kind="competence")
    context, page = dashboard(staff["reviewer"])
    [panel] = context["panels"]
    # Soonest due first; only what is referred to them (never the request nobody referred).
    assert [row.request.pk for row in panel.rows] == [late.pk, access_request.pk, covered.pk]
    assert (panel.count, panel.overdue_count) == (3, 1)
    assert panel.rows[0].note == "Opinion wanted on serious harm (social work data)" and panel.rows[0].overdue
    assert panel.rows[1].note == "Opinion wanted on serious harm (health data) and the child's competence"
    assert panel.rows[2].note == "Opinion wanted on serious harm"  # an opinion is current: the referral is still open
    assert "Referred to you for an opinion" in page and unreferred.reference not in page


def test_the_queue_is_the_reviewers_alone(staff: dict[str, User], access_request: RightsRequest) -> None:
    concern(staff, access_request, holds_health_data=True)
    for role in ("caseworker", "manager"):
        context, page = dashboard(staff[role])
        assert context["panels"] == [] and "Referred to you for an opinion" not in page


def test_the_caseworker_sees_their_own_overdue_and_due_soon(staff: dict[str, User]) -> None:
    mine = staff["caseworker"]
    make_request(received=dt.date(2026, 1, 12), today=TODAY, assigned_to=mine)  # overdue
    make_request(received=dt.date(2026, 2, 18), today=TODAY, assigned_to=mine)  # due 18 March
    make_request(received=dt.date(2026, 1, 13), today=TODAY)  # overdue, not mine
    context, page = dashboard(mine)
    desk = context["desk"]
    assert (desk.mine_overdue_count, desk.mine_due_soon_count) == (1, 1)
    assert "of mine overdue" in page
    assert "of mine overdue" not in dashboard(staff["manager"])[1]
