"""The request list as a work queue: open first, sortable, days left, accent-proof search, saved views,
bulk assignment and the calendar of due dates."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from requests_app.models import RightsRequest, SavedListView
from requests_app.search_key import search_key_for, search_words
from requests_app.services.queue import person_update, requests_assign_bulk, saved_view_save
from requests_app.services.requests import PersonDetails
from rights import ApplicationError, RightKind
from tests import factories
from tests.factories import sign_in

TODAY = dt.date(2026, 3, 16)  # a Monday
NOW = dt.datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def manager(db: None) -> User:
    return factories.manager()


@pytest.fixture
def casey(db: None) -> User:
    return factories.UserFactory(username="casey", first_name="Casey", last_name="Jones", role="Caseworker")


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def listed(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("request_list"), params)
    assert response.status_code == 200
    return [row.request.reference for row in response.context["rows"]]


# The search key


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Zoë O'Neil-Smith", ["zoe", "oneil", "smith", "oneilsmith"]),
        ("ZOE O\u2019NEIL", ["zoe", "oneil"]),
        ("Siân  ap Rhys", ["sian", "ap", "rhys"]),
        ("Jean-Luc d'Arcy", ["jean", "luc", "darcy", "jeanluc"]),
        ("", []),
    ],
)
def test_the_key_folds_case_accents_apostrophes_and_hyphens(name: str, words: list[str]) -> None:
    assert search_key_for([name]).split() == words


@given(st.lists(st.text(alphabet="abcdeéëôç'\u2019- ", min_size=1, max_size=12), min_size=1, max_size=3))
def test_every_word_of_a_name_is_found_in_its_key(names: list[str]) -> None:
    key = search_key_for(names)
    for name in names:
        for word in search_words(name):
            assert f" {word} " in key


@pytest.fixture
def zoe(manager: User) -> RightsRequest:
    return factories.make_request(received=dt.date(2026, 3, 2), today=TODAY, subject_name="Zoë O'Neil-Smith")


@pytest.mark.parametrize(
    "typed",
    [
        "Zoe O'Neil",
        "zoe oneil",
        "O\u2019Neil",
        "ZOË O\u2019NEIL",
        "oneil smith zoe",
        "O'Neil-Smith",
        "oneilsmith",
        "Smith, Zoe",
    ],
)
def test_the_search_ignores_case_accents_apostrophes_hyphens_and_word_order(
    manager: User, zoe: RightsRequest, typed: str
) -> None:
    factories.make_request(received=dt.date(2026, 3, 3), today=TODAY, subject_name="Zoe Smyth")
    factories.make_request(received=dt.date(2026, 3, 4), today=TODAY, subject_name="Neil Oates")
    assert listed(client_for(manager), q=typed) == [zoe.reference]


def test_every_word_must_match(manager: User, zoe: RightsRequest) -> None:
    assert listed(client_for(manager), q="zoe jones") == []
    assert listed(client_for(manager), q="'-") == []  # nothing left to search for: nothing found


def test_a_reference_is_found_exactly(manager: User) -> None:
    first = factories.make_request(received=dt.date(2026, 3, 2), today=TODAY)
    longer = RightsRequest.objects.get(pk=first.pk)
    other = factories.make_request(received=dt.date(2026, 3, 2), today=TODAY, subject_name="Other Person")
    assert first.reference == "RR-2026-0001"
    assert longer.reference == first.reference
    client = client_for(manager)
    assert listed(client, q="RR-2026-0001") == [first.reference]
    assert listed(client, q=" rr-2026-0002 ") == [other.reference]
    assert listed(client, q="RR-2026-0003") == []


def test_a_changed_name_is_searched_at_once(manager: User, zoe: RightsRequest) -> None:
    person_update(
        person=zoe.subject,
        by=manager,
        details=PersonDetails(full_name="Zoë Brennan", previous_names="Zoë O'Neil-Smith"),
        reason="Name changed by marriage",
    )
    client = client_for(manager)
    assert listed(client, q="brennan") == [zoe.reference]
    assert listed(client, q="oneil") == [zoe.reference]  # the earlier name still finds them
    assert zoe.subject.history.first().history_change_reason == "Name changed by marriage"


def test_the_requester_is_searched_too(manager: User) -> None:
    from rights import Authority, RepresentativeRole

    rr = factories.make_request(
        received=dt.date(2026, 3, 2),
        today=TODAY,
        subject_name="Kit Small",
        requester_name="Ráchel D\u2019Souza",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
    )
    assert listed(client_for(manager), q="rachel dsouza") == [rr.reference]


def test_the_data_migration_fills_keys_of_older_rows(manager: User, zoe: RightsRequest) -> None:
    RightsRequest.objects.filter(pk=zoe.pk).update(search_key="")
    migration = importlib.import_module("requests_app.migrations.0015_request_search_key")

    class Editor:
        def __init__(self) -> None:
            self.connection = connection

    migration.fill_search_keys(django_apps, Editor())
    assert RightsRequest.objects.get(pk=zoe.pk).search_key == search_key_for(["Zoë O'Neil-Smith"])


# The queue: open first, sorted, days left


@pytest.fixture
def queue(manager: User, casey: User) -> dict[str, RightsRequest]:
    made = {
        "late": factories.make_request(
            received=dt.date(2026, 1, 12), today=TODAY, subject_name="Amy Late", assigned_to=casey
        ),  # due 12 February: overdue
        "soon": factories.make_request(received=dt.date(2026, 2, 20), today=TODAY, subject_name="Ben Soon"),
        "later": factories.make_request(
            kind=RightKind.ERASURE, received=dt.date(2026, 3, 10), today=TODAY, subject_name="Cat Later"
        ),
        "gone": factories.make_request(received=dt.date(2026, 1, 5), today=TODAY, subject_name="Dan Gone"),
    }
    factories.take_steps(made["gone"], "withdraw", user=manager, today=TODAY)
    return made


def test_the_list_opens_on_open_requests_soonest_due_first(manager: User, queue: dict[str, RightsRequest]) -> None:
    client = client_for(manager)
    late, soon, later, gone = (queue[k].reference for k in ("late", "soon", "later", "gone"))
    assert listed(client) == [late, soon, later]
    assert listed(client, show="all") == [gone, late, soon, later]
    assert listed(client, show="finished") == [gone]
    assert listed(client, status="withdrawn") == [gone]  # a chosen status is shown, open or not
    assert listed(client, open_only="on") == [late, soon, later]  # older links still work


@pytest.mark.parametrize(
    ("sort", "order", "expected"),
    [
        ("due", "desc", ["later", "soon", "late"]),
        ("subject", "asc", ["late", "soon", "later"]),
        ("subject", "desc", ["later", "soon", "late"]),
        ("received", "desc", ["later", "soon", "late"]),
        ("right", "desc", ["later", "soon", "late"]),  # erasure before access; ties newest first
        ("reference", "desc", ["later", "soon", "late"]),
        ("caseworker", "asc", ["late", "soon", "later"]),  # not assigned: last, whichever way
        ("caseworker", "desc", ["late", "later", "soon"]),
        ("status", "asc", ["late", "soon", "later"]),  # all received: ties by the older first
    ],
)
def test_every_column_sorts(
    manager: User, queue: dict[str, RightsRequest], sort: str, order: str, expected: list[str]
) -> None:
    assert listed(client_for(manager), sort=sort, order=order) == [queue[k].reference for k in expected]


def test_sort_links_keep_the_filters_and_flip_the_order(manager: User, queue: dict[str, RightsRequest]) -> None:
    response = client_for(manager).get(reverse("request_list"), {"kind": "access", "sort": "subject"})
    links = response.context["sort_links"]
    assert links["subject"].href == "?kind=access&sort=subject&order=desc"
    assert links["subject"].aria_sort == "ascending"
    assert links["due"].href == "?kind=access&sort=due&order=asc"
    assert links["due"].aria_sort == "none"
    assert 'aria-sort="ascending"' in response.content.decode()


def test_an_unknown_sort_is_refused_not_guessed(manager: User, queue: dict[str, RightsRequest]) -> None:
    response = client_for(manager).get(reverse("request_list"), {"sort": "subject__date_of_birth"})
    assert response.status_code == 200
    assert list(response.context["rows"]) == []
    assert response.context["form"].errors


def test_days_left_in_calendar_and_working_days(manager: User, queue: dict[str, RightsRequest]) -> None:
    rows = {row.request.reference: row for row in client_for(manager).get(reverse("request_list")).context["rows"]}
    late, soon = rows[queue["late"].reference], rows[queue["soon"].reference]
    assert (late.calendar_days, late.working_days, late.overdue) == (-32, -22, True)
    assert late.calendar_label == "32 days late"
    assert (soon.calendar_days, soon.working_days) == (4, 4)  # due Friday 20 March
    assert (soon.calendar_label, soon.working_label) == ("4 days left", "4 working days left")
    page = client_for(manager).get(reverse("request_list")).content.decode()
    assert "32 days late" in page and "22 working days late" in page


# Saved views


def test_a_view_is_saved_per_user_and_opens_the_same_list(
    manager: User, casey: User, queue: dict[str, RightsRequest]
) -> None:
    client = client_for(manager)
    response = client.post(
        reverse("saved_view_new"),
        {"name": "  Erasures   by due ", "query": "kind=erasure&sort=due&order=desc&page=3&evil=1"},
    )
    assert response.status_code == 302
    view = SavedListView.objects.get(user=manager)
    assert view.name == "Erasures by due"
    assert view.query == "kind=erasure&sort=due&order=desc"  # no page, nothing the list does not know
    page = client.get(reverse("request_list")).content.decode()
    assert "Erasures by due" in page and f'href="/requests/?{view.query.replace("&", "&amp;")}"' in page
    assert listed(client, **dict(p.split("=") for p in view.query.split("&"))) == [queue["later"].reference]
    assert "Erasures by due" not in client_for(casey).get(reverse("request_list")).content.decode()


def test_the_same_name_replaces_and_a_view_can_be_deleted_only_by_its_owner(manager: User, casey: User) -> None:
    first = saved_view_save(user=manager, name="Mine", query="kind=access")
    again = saved_view_save(user=manager, name="Mine", query="kind=erasure")
    assert first.pk == again.pk and again.query == "kind=erasure"
    with pytest.raises(ApplicationError):
        saved_view_save(user=manager, name="   ", query="")
    client_for(casey).post(reverse("saved_view_delete", args=[first.pk]))
    assert SavedListView.objects.filter(pk=first.pk).exists()
    client_for(manager).post(reverse("saved_view_delete", args=[first.pk]))
    assert not SavedListView.objects.filter(pk=first.pk).exists()


# Bulk assignment


def test_the_manager_assigns_and_reassigns_many_at_once(
    manager: User, casey: User, queue: dict[str, RightsRequest]
) -> None:
    picked = [queue["soon"].pk, queue["later"].pk]
    client = client_for(manager)
    response = client.post(
        reverse("requests_assign_many"), {"requests": picked, "assignee": str(casey.pk), "query": "kind=access"}
    )
    assert response.status_code == 302 and response["Location"] == "/requests/?kind=access"
    assert set(RightsRequest.objects.filter(pk__in=picked).values_list("assigned_to", flat=True)) == {casey.pk}
    latest = RightsRequest.objects.get(pk=picked[0]).history.first()
    assert latest.history_user == manager and latest.assigned_to_id == casey.pk
    client.post(reverse("requests_assign_many"), {"requests": picked, "assignee": "none"})
    assert set(RightsRequest.objects.filter(pk__in=picked).values_list("assigned_to", flat=True)) == {None}


def test_bulk_assignment_is_for_the_manager_only_and_all_or_nothing(
    manager: User, casey: User, queue: dict[str, RightsRequest]
) -> None:
    picked = [queue["soon"].pk]
    assert (
        client_for(casey)
        .post(reverse("requests_assign_many"), {"requests": picked, "assignee": str(casey.pk)})
        .status_code
        == 403
    )
    with pytest.raises(ApplicationError):
        requests_assign_bulk(by=casey, request_ids=picked, assignee=casey)
    with pytest.raises(ApplicationError):
        requests_assign_bulk(by=manager, request_ids=[*picked, 999_999], assignee=casey)
    assert RightsRequest.objects.get(pk=picked[0]).assigned_to is None
    page = client_for(casey).get(reverse("request_list")).content.decode()
    assert "Assign the selected requests" not in page
    assert "Assign the selected requests" in client_for(manager).get(reverse("request_list")).content.decode()


# The calendar of due dates


def test_the_calendar_shows_open_requests_by_week_and_day(
    manager: User, casey: User, queue: dict[str, RightsRequest]
) -> None:
    response = client_for(casey).get(reverse("due_calendar"), {"from": "2026-03-18"})
    assert response.status_code == 200
    weeks = response.context["weeks"]
    assert weeks[0].monday == dt.date(2026, 3, 16) and len(weeks) == 4
    friday = weeks[0].days[4]
    assert friday.day == dt.date(2026, 3, 20)
    assert [rr.reference for rr in friday.requests] == [queue["soon"].reference]
    assert [rr.reference for rr in weeks[3].days[4].requests] == [queue["later"].reference]  # Friday 10 April
    assert sum(week.count for week in weeks) == 2  # the withdrawn one and the overdue one are not in these weeks
    page = response.content.decode()
    assert "Week of 16 March 2026" in page and queue["soon"].reference in page


def test_the_calendar_names_at_most_a_few_requests_a_day(manager: User) -> None:
    factories.bulk_open_requests(25, due=dt.date(2026, 3, 18), received=dt.date(2026, 2, 18))
    weeks = client_for(manager).get(reverse("due_calendar")).context["weeks"]
    wednesday = weeks[0].days[2]
    assert wednesday.count == 25 and len(wednesday.requests) == 20


# Honest report period labels


def test_report_period_names_say_what_they_cover() -> None:
    from requests_app.reporting.periods import quick_periods

    periods = quick_periods(dt.date(2026, 12, 5))
    twelve = periods[0]
    assert (twelve.start, twelve.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 5))
    assert twelve.name == "12 calendar months to date" and len(twelve.months) == 12
    for period in periods:
        assert "(" not in period.name  # the page adds the dates in brackets: never two pairs
