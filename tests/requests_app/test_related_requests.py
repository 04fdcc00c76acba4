"""The data subject's other requests and possible repeats on the request page (UK GDPR Art 12(5), Recital 63)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.selectors.related import people_matching, related_requests
from requests_app.services.requests import request_set_restricted
from rights import RightKind
from tests.factories import caseworker, make_request, manager, sign_in

pytestmark = pytest.mark.django_db
DOB = dt.date(2011, 2, 3)
TODAY = dt.date(2026, 6, 1)


def _log(name: str, received: dt.date, dob: dt.date | None = DOB, kind: RightKind = RightKind.ACCESS):  # type: ignore[no-untyped-def]
    return make_request(kind=kind, received=received, subject_name=name, subject_dob=dob, today=TODAY)


def test_matching_tolerates_accents_apostrophes_hyphens_and_order_but_needs_the_date_of_birth() -> None:
    first = _log("Zoë O'Neil-Smith", dt.date(2026, 1, 5))
    _log("Zoë O'Neil-Smith", dt.date(2026, 1, 6), dob=dt.date(2011, 2, 4))  # another child of the same name
    _log("Sam Other", dt.date(2026, 1, 7))  # same birthday, another name
    found = people_matching(full_name="smith zoe o\u2019neil", date_of_birth=DOB)
    assert found == [first.subject]
    assert people_matching(full_name="Zoe O'Neil-Smith", date_of_birth=None) == []


def test_email_or_phone_alone_match() -> None:
    person = _log("Robin Hart", dt.date(2026, 1, 5)).subject
    person.email, person.phone = "Robin@Example.org", "+44 161 474 5657"
    person.save()
    assert people_matching(full_name="R Hart", date_of_birth=None, email="robin@example.org") == [person]
    assert people_matching(full_name="R Hart", date_of_birth=None, phone="0161 474 5657") == [person]
    assert people_matching(full_name="R Hart", date_of_birth=None, phone="0161 474 0000") == []


def test_an_open_earlier_request_of_the_same_right_is_a_repeat_and_another_right_is_not() -> None:
    earlier = _log("Zoë O'Neil-Smith", dt.date(2026, 3, 2))
    erasure = _log("Zoe ONeil Smith", dt.date(2026, 4, 1), kind=RightKind.ERASURE)
    now = _log("zoe o'neil-smith", dt.date(2026, 5, 1))
    related = related_requests(request=now, user=manager())
    assert [o.request.reference for o in related.others] == [erasure.reference, earlier.reference]
    assert [r.reference for r in related.repeats] == [earlier.reference]
    assert f"{earlier.reference} (still open)" in related.statement
    assert {p.pk for p in related.people} == {earlier.subject_id, erasure.subject_id}


def test_a_restricted_request_is_counted_not_shown_to_a_caseworker_who_may_not_open_it() -> None:
    boss, casey = manager(), caseworker()
    secret = _log("Zoë O'Neil-Smith", dt.date(2026, 3, 2))
    request_set_restricted(request=secret, by=boss, restricted=True, reason="A colleague's own request")
    now = _log("Zoë O'Neil-Smith", dt.date(2026, 5, 1))
    related = related_requests(request=now, user=casey)
    assert (related.others, related.hidden) == ([], 1)
    assert [o.request.pk for o in related_requests(request=now, user=boss).others] == [secret.pk]


def _queries(request, user) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        related_requests(request=request, user=user)
    return len(captured)


def test_the_list_takes_the_same_number_of_queries_however_many_requests() -> None:
    boss = manager()
    _log("Zoë O'Neil-Smith", dt.date(2026, 1, 2))
    one = _log("Zoë O'Neil-Smith", dt.date(2026, 2, 2))
    _queries(one, boss)  # the user's roles are cached by the first call
    few = _queries(one, boss)
    assert few <= 5
    for day in range(3, 9):
        _log("Zoë O'Neil-Smith", dt.date(2026, 2, day))
    assert _queries(one, boss) == few


def test_the_request_page_and_the_fee_step_list_the_other_requests() -> None:
    boss = manager()
    earlier = _log("Zoë O'Neil-Smith", dt.date(2026, 3, 2))
    now = _log("Zoe O'Neil Smith", dt.date(2026, 5, 1))
    client = Client()
    sign_in(client, boss)
    page = re.sub(r"\s+", " ", client.get(reverse("request_detail", args=[now.pk])).content.decode())
    assert "The data subject&#x27;s other requests" in page or "The data subject's other requests" in page
    assert earlier.reference in page and "still open" in page
