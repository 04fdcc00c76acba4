"""The staff workspace through Django's test client: pages, forms, redirects, and the rows they write."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_app.models import (
    ClockEvent,
    ClockEventKind,
    Evidence,
    Letter,
    LetterDirection,
    Person,
    RequestView,
    RightsRequest,
    Status,
    TransitionEvent,
)
from requests_app.services.queue import person_update
from requests_app.services.requests import PersonDetails, request_assign, request_set_restricted
from rights import Authority, RepresentativeRole, RightKind
from tests import factories
from tests.factories import sign_in

TODAY = dt.date(2026, 3, 16)  # a Monday
NOW = dt.datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Europe/London"))
PDF = factories.scan_bytes("pdf")
PNG = factories.scan_bytes("png")


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(NOW):  # ticking, so that events happen in order
        yield


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> factories.FakeLetters:
    """Generated letters filed by a stand-in, so these tests do not render PDFs."""
    fake = factories.FakeLetters()
    monkeypatch.setattr("requests_app.services.letters.letter_generate", fake)
    return fake


@pytest.fixture
def manager(db: None) -> User:
    return factories.manager()


@pytest.fixture
def casey(db: None) -> User:
    return factories.UserFactory(username="casey", first_name="Casey", last_name="Worker", role="Caseworker")


@pytest.fixture
def other(db: None) -> User:
    return factories.caseworker("other")


@pytest.fixture
def rr(casey: User) -> RightsRequest:
    return factories.make_request(
        received=dt.date(2026, 3, 2), assigned_to=casey, today=TODAY, subject_name="Alex Example"
    )


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def text(response: object) -> str:
    return re.sub(r"\s+", " ", response.content.decode())  # type: ignore[attr-defined]


def error_summary(response: object) -> list[str]:
    """The messages in the GOV.UK error summary, in order."""
    page = response.content.decode()  # type: ignore[attr-defined]
    match = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S)
    if not match:
        return []
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item).strip())
        for item in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)
    ]


def summary_rows(response: object) -> dict[str, str]:
    """The confirmation page's summary list (core.confirm), key to value, as the person reads them."""
    page = response.content.decode()  # type: ignore[attr-defined]
    rows = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value[^"]*">(.*?)</dd>',
        page,
        re.S,
    )
    return {html.unescape(key.strip()): html.unescape(" ".join(value.split())) for key, value in rows}


def error_links(response: object) -> list[str]:
    page = response.content.decode()  # type: ignore[attr-defined]
    match = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    return re.findall(r'href="#([^"]+)"', match.group(1)) if match else []


# Anonymous users see nothing but the login page


def every_url(rr: RightsRequest, letter: Letter, evidence: Evidence) -> list[str]:
    return [
        reverse("dashboard"),
        reverse("request_list"),
        reverse("request_new"),
        reverse("request_detail", args=[rr.pk]),
        reverse("request_step", args=[rr.pk, "start_work"]),
        reverse("letter_new", args=[rr.pk]),
        reverse("evidence_new", args=[rr.pk]),
        reverse("request_assign", args=[rr.pk]),
        reverse("request_restrict", args=[rr.pk]),
        reverse("letter_file", args=[letter.pk]),
        reverse("evidence_scan", args=[evidence.pk]),
        reverse("admin:index"),
    ]


def _letter_and_evidence(rr: RightsRequest, by: User) -> tuple[Letter, Evidence]:
    from requests_app.services.evidence import evidence_record
    from requests_app.services.letters import letter_log

    letter = letter_log(
        request=rr,
        by=by,
        direction="in",
        date=dt.date(2026, 3, 2),
        method="post",
        addressee="Alex Example",
        summary="The request",
        file=SimpleUploadedFile("scan.pdf", PDF),
        today=TODAY,
    )
    evidence = evidence_record(
        request_id=rr.pk,
        by=by,
        kind="identity",  # type: ignore[arg-type]
        description="Passport ending 123",
        seen_on=dt.date(2026, 3, 5),
        received_on=dt.date(2026, 3, 5),
        scan=SimpleUploadedFile("passport.png", PNG),
        today=TODAY,
    )
    return letter, evidence


def test_anonymous_users_are_sent_to_the_login_page_from_every_page(rr: RightsRequest, manager: User) -> None:
    letter, evidence = _letter_and_evidence(rr, manager)
    client = Client()
    for url in every_url(rr, letter, evidence):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login") if "admin" not in url else "/admin/login/"), url
    assert not RequestView.objects.exists()


def test_the_login_page_is_open_and_signs_in(manager: User) -> None:
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "manager", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    bad = client.post(reverse("login"), {"username": "manager", "password": "wrong"})
    assert "Enter a correct username and password" in text(bad)


def test_an_inactive_user_with_a_session_is_treated_as_anonymous(rr: RightsRequest, casey: User) -> None:
    client = client_for(casey)
    casey.is_active = False
    casey.save()
    response = client.get(reverse("request_detail", args=[rr.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Pages by role


@pytest.mark.parametrize(
    ("username", "normal", "restricted"),
    [
        ("manager", 200, 200),
        ("casey", 200, 200),  # the assigned caseworker
        ("other", 200, 404),
        ("reviewer", 404, 404),  # a reviewer sees only what is referred to them
        ("norole", 404, 404),
    ],
)
def test_the_request_page_for_every_role(
    username: str, normal: int, restricted: int, manager: User, casey: User, other: User
) -> None:
    factories.reviewer()
    factories.UserFactory(username="norole")
    plain = factories.make_request(received=dt.date(2026, 3, 2), assigned_to=casey, today=TODAY)
    hidden = factories.make_request(received=dt.date(2026, 3, 3), assigned_to=casey, today=TODAY)
    request_set_restricted(request=hidden, by=manager, restricted=True, reason="A colleague's own request")
    client = client_for(User.objects.get(username=username))
    assert client.get(reverse("request_detail", args=[plain.pk])).status_code == normal
    assert client.get(reverse("request_detail", args=[hidden.pk])).status_code == restricted
    for name in ("letter_new", "evidence_new"):
        assert client.get(reverse(name, args=[hidden.pk])).status_code == restricted
    listed = text(client.get(reverse("request_list")))
    assert (plain.reference in listed) is (normal == 200)
    assert (hidden.reference in listed) is (restricted == 200)
    dashboard = text(client.get(reverse("dashboard")))
    assert (hidden.reference in dashboard) is (restricted == 200 and username == "casey")


def test_a_user_without_a_role_is_told_so_on_the_dashboard(db: None) -> None:
    user = factories.UserFactory(username="norole")
    page = text(client_for(user).get(reverse("dashboard")))
    assert "You do not have a role" in page


# Dashboard


def test_dashboard_panels(manager: User, casey: User) -> None:
    mine_due_soon = factories.make_request(
        received=dt.date(2026, 2, 20), assigned_to=casey, today=TODAY, subject_name="Soon Due"
    )  # due 20 March: inside 7 days
    overdue = factories.make_request(received=dt.date(2026, 1, 12), today=TODAY, subject_name="Late Lucy")  # due 12 Feb
    later = factories.make_request(
        received=dt.date(2026, 3, 10), assigned_to=manager, today=TODAY, subject_name="Later Len"
    )
    waiting = factories.make_request(received=dt.date(2026, 1, 5), today=TODAY, subject_name="Waiting Wendy")
    factories.take_steps(waiting, "request_identity", user=manager, today=TODAY)  # overdue by date, but waiting

    response = client_for(casey).get(reverse("dashboard"))
    assert response.status_code == 200
    desk = response.context["desk"]
    assert [r.pk for r in desk.mine] == [mine_due_soon.pk]
    assert [r.pk for r in desk.due_soon] == [mine_due_soon.pk]
    assert [r.pk for r in desk.overdue] == [overdue.pk]
    assert [r.pk for r in desk.waiting] == [waiting.pk]
    assert (desk.mine_count, desk.due_soon_count, desk.overdue_count, desk.waiting_count) == (1, 1, 1, 1)
    counts = {row.status: row.count for row in desk.status_counts}
    assert counts == {Status.RECEIVED: 3, Status.AWAITING_IDENTITY: 1}
    page = text(response)
    assert "Late Lucy" in page and "Overdue" in page
    assert "Later Len" not in page.split("Requests by status")[0].split("My requests")[1].split("Overdue")[0]
    assert later.reference not in page  # not mine, not due soon, not overdue, not waiting


def test_dashboard_counts_come_from_the_whole_team_but_lists_are_capped(manager: User) -> None:
    for i in range(30):
        factories.make_request(received=dt.date(2026, 1, 5), today=TODAY, subject_name=f"Person {i}")
    desk = client_for(manager).get(reverse("dashboard")).context["desk"]
    assert desk.overdue_count == 30
    assert len(desk.overdue) == 25


# The list


@pytest.fixture
def spread(manager: User, casey: User, other: User) -> dict[str, RightsRequest]:
    made = {
        "alex": factories.make_request(
            received=dt.date(2026, 3, 2), assigned_to=casey, today=TODAY, subject_name="Alex Example"
        ),
        "bea": factories.make_request(
            kind=RightKind.ERASURE,
            received=dt.date(2026, 2, 2),
            assigned_to=other,
            today=TODAY,
            subject_name="Bea Jones",
        ),
        "cal": factories.make_request(
            kind=RightKind.RECTIFICATION,
            received=dt.date(2026, 3, 9),
            today=TODAY,
            subject_name="Cal Smith",
            requester_name="Dana Smith",
            role=RepresentativeRole.PARENT,
            authority=Authority.PARENTAL_RESPONSIBILITY,
        ),
    }
    cal_subject = made["cal"].subject
    person_update(
        person=cal_subject,
        by=manager,
        details=PersonDetails(full_name=cal_subject.full_name, previous_names="Cal Brown"),
        reason="Earlier name from the letter",
    )
    return made


def listed(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("request_list"), params)
    assert response.status_code == 200
    return [r.reference for r in response.context["page"].object_list]


def test_the_list_filters_and_searches(manager: User, casey: User, spread: dict[str, RightsRequest]) -> None:
    client = client_for(manager)
    alex, bea, cal = spread["alex"], spread["bea"], spread["cal"]
    assert listed(client) == [bea.reference, alex.reference, cal.reference]  # soonest due first
    assert listed(client, kind="erasure") == [bea.reference]
    assert listed(client, caseworker=str(casey.pk)) == [alex.reference]
    assert listed(client, caseworker="none") == [cal.reference]
    assert listed(client, q=alex.reference) == [alex.reference]
    assert listed(client, q="jones") == [bea.reference]
    assert listed(client, q="Cal Brown") == [cal.reference]  # a previous name
    assert listed(client, q="Dana") == [cal.reference]  # the requester
    assert listed(client, status="received", kind="access") == [alex.reference]
    assert listed(client, due_from_day="1", due_from_month="4", due_from_year="2026") == [alex.reference, cal.reference]
    assert listed(client, due_to_day="1", due_to_month="4", due_to_year="2026") == [bea.reference]
    assert listed(client, overdue="on") == [bea.reference]  # due 2 March
    assert listed(client, q="nobody at all") == []


def test_a_bad_filter_is_explained_and_shows_no_results(manager: User, spread: dict[str, RightsRequest]) -> None:
    response = client_for(manager).get(
        reverse("request_list"),
        {"due_from_day": "31", "due_from_month": "2", "due_from_year": "2026", "due_to_day": "1", "due_to_month": "3"},
    )
    assert error_summary(response) == ["Due from must be a real date", "Due by must include a year"]
    assert error_links(response) == ["id_due_from", "id_due_to"]
    assert list(response.context["page"].object_list) == []


def test_the_list_is_paginated(manager: User) -> None:
    for i in range(27):
        factories.make_request(received=dt.date(2026, 3, 2), today=TODAY, subject_name=f"Person {i:02d}")
    client = client_for(manager)
    first = client.get(reverse("request_list"), {"kind": "access"})
    assert len(first.context["page"].object_list) == 25
    assert 'href="?kind=access&amp;page=2"' in first.content.decode()
    second = client.get(reverse("request_list"), {"kind": "access", "page": "2"})
    assert len(second.context["page"].object_list) == 2


# The request page


def test_the_request_page_shows_the_facts_due_date_reasons_and_timeline(
    manager: User, casey: User, rr: RightsRequest, fake_letters: factories.FakeLetters
) -> None:
    request_assign(request=rr, by=manager, assignee=manager)
    response = client_for(manager).get(reverse("request_detail", args=[rr.pk]))
    assert response.status_code == 200
    page = text(response)
    assert f"{rr.reference}: Alex Example" in page
    assert "Due by Thursday 2 April 2026" in page
    assert "Request received on Monday 2 March 2026: that day is day one." in page  # deadline reasons
    assert "All records held about me" in page
    timeline = response.context["page"].timeline
    kinds = [entry.kind for entry in timeline]
    assert kinds[0] == "change"  # the newest: the reassignment
    change = timeline[0]
    assert [(c.label, c.old, c.new) for c in change.changes] == [
        ("Assigned to", "Casey Worker", manager.get_full_name())
    ]
    assert change.lines == ("Assigned to manager",)  # the change reason
    assert "transition" in kinds
    assert "Casey Worker" in page and "Assigned to" in page


def test_every_get_of_the_request_page_is_recorded(manager: User, casey: User, rr: RightsRequest) -> None:
    client_for(manager).get(reverse("request_detail", args=[rr.pk]))
    client_for(casey).get(reverse("request_detail", args=[rr.pk]))
    client_for(casey).get(reverse("request_detail", args=[rr.pk]))
    views = list(RequestView.objects.filter(request=rr).order_by("pk").values_list("user__username", flat=True))
    assert views == ["manager", "casey", "casey"]
    first = RequestView.objects.filter(request=rr).order_by("pk").first()
    assert first is not None and NOW <= first.at < NOW + dt.timedelta(minutes=5)


def test_a_refused_look_is_not_recorded_as_a_view(manager: User, other: User, rr: RightsRequest) -> None:
    request_set_restricted(request=rr, by=manager, restricted=True, reason="Staff case")
    assert client_for(other).get(reverse("request_detail", args=[rr.pk])).status_code == 404
    assert not RequestView.objects.exists()


def test_only_the_steps_allowed_now_are_buttons(manager: User, casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).get(reverse("request_detail", args=[rr.pk]))
    allowed = [option.name for option in response.context["allowed"]]
    blocked = {option.name: option.blockers for option in response.context["blocked"]}
    assert "start_work" in blocked  # identity not yet verified
    assert "start_work" not in allowed
    assert "refuse" not in allowed and "refuse" not in blocked  # a Manager's step: not offered to a caseworker
    page_html = response.content.decode()
    for name in allowed:
        assert reverse("request_step", args=[rr.pk, name]) in page_html
    assert f'action="{reverse("request_step", args=[rr.pk, "start_work"])}"' not in page_html
    assert any("identity" in b.lower() for b in blocked["start_work"])


# Taking a step


def test_a_step_with_no_inputs_shows_its_summary_then_takes_it_once_confirmed(
    manager: User, casey: User, rr: RightsRequest, fake_letters: factories.FakeLetters
) -> None:
    rr = factories.verify_identity(rr, by=casey, on=TODAY)
    client = client_for(casey)
    page_html = client.get(reverse("request_detail", args=[rr.pk])).content.decode()
    action = reverse("request_step", args=[rr.pk, "start_work"])
    assert f'<a href="{action}" role="button"' in page_html
    assert f'action="{action}"' not in page_html  # no one-click step: the summary comes first
    summary = client.get(action)
    assert summary.status_code == 200
    assert "Check before you start work" in text(summary)
    assert summary_rows(summary)["Status"] == "From Received to In progress"
    assert summary_rows(summary)["Who is told"] == "No one outside the team: no letter is sent"
    assert f'name="version" value="{rr.version}"' in summary.content.decode()
    assert "Confirm and start work" in text(summary)
    unconfirmed = client.post(action, {"version": str(rr.version)})
    assert unconfirmed.status_code == 200 and "Check before you start work" in text(unconfirmed)
    assert RightsRequest.objects.get(pk=rr.pk).status == Status.RECEIVED  # nothing done before confirmation
    response = client.post(action, {"version": str(rr.version), "confirmed": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", args=[rr.pk])
    rr.refresh_from_db()
    assert rr.status == Status.IN_PROGRESS
    event = TransitionEvent.objects.filter(request=rr).latest("pk")
    assert (event.transition, event.from_status, event.to_status, event.by) == (
        "start_work",
        Status.RECEIVED,
        Status.IN_PROGRESS,
        casey,
    )
    record = rr.history.order_by("-history_id").first()
    assert record.history_user == casey
    assert record.history_change_reason == "Start work"
    follow = client.get(response["Location"])
    assert "Done: start work." in text(follow)


def test_a_step_asks_for_what_it_needs_and_explains_what_is_missing(
    manager: User, rr: RightsRequest, fake_letters: factories.FakeLetters
) -> None:
    client = client_for(manager)
    url = reverse("request_step", args=[rr.pk, "refuse"])
    form_page = client.get(url)
    assert form_page.status_code == 200
    page_html = form_page.content.decode()
    assert (
        'name="refusal_ground"' in page_html and 'name="decision_reasons"' in page_html and 'name="method"' in page_html
    )
    grounds = re.findall(r'name="refusal_ground" type="radio" value="([^"]+)"', page_html)
    assert grounds == ["manifestly_unfounded", "manifestly_excessive"]  # only the grounds this step allows

    response = client.post(url, {"version": str(rr.version), "decision_reasons": "  "})
    assert response.status_code == 200
    assert error_summary(response) == ["Select the ground", "Enter the reasons given to the requester"]
    assert error_links(response) == ["id_refusal_ground_0", "id_decision_reasons"]
    assert text(response).startswith("<!DOCTYPE html>") and "<title>Error: " in text(response)
    rr.refresh_from_db()
    assert rr.status == Status.RECEIVED

    answers = {
        "version": str(rr.version),
        "refusal_ground": "manifestly_excessive",
        "decision_reasons": "The sixth identical request.",
        "method": "email",
    }
    summary = client.post(url, answers)
    assert summary.status_code == 200
    rows = summary_rows(summary)
    assert rows["Status"] == "From Received to Refused"
    assert rows["Who is told"].startswith(f"{rr.addressee.full_name} (the ")
    assert rows["Letter"].startswith("Refusal")
    assert rows["Reasons given to the requester"] == "The sixth identical request."
    assert "cannot be undone" in text(summary) or "cannot be taken back" in text(summary)
    assert "Confirm and refuse as manifestly unfounded or excessive" in text(summary)
    assert RightsRequest.objects.get(pk=rr.pk).status == Status.RECEIVED and fake_letters.templates == []
    changed = client.post(url, {**answers, "change": "yes"})  # back to the form, the answers kept
    assert 'name="decision_reasons"' in changed.content.decode()
    assert "The sixth identical request." in changed.content.decode() and not error_summary(changed)
    done = client.post(url, {**answers, "confirmed": "yes"})
    assert done.status_code == 302
    rr.refresh_from_db()
    assert rr.status == Status.REFUSED
    assert rr.decision_reasons == "The sixth identical request."
    assert fake_letters.templates == ["refusal"]
    assert fake_letters.calls[0]["method"] == "email"


def test_someone_elses_change_meanwhile_is_explained_and_the_input_is_kept(
    manager: User, rr: RightsRequest, fake_letters: factories.FakeLetters
) -> None:
    seen_version = rr.version
    request_assign(request=rr, by=manager, assignee=None)  # someone else acts first
    response = client_for(manager).post(
        reverse("request_step", args=[rr.pk, "refuse"]),
        {
            "version": str(seen_version),
            "refusal_ground": "manifestly_excessive",
            "decision_reasons": "My carefully written reasons.",
        },
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert len(summary) == 1 and "Someone else changed this request" in summary[0]
    page_html = response.content.decode()
    assert "My carefully written reasons." in page_html
    assert re.search(r'value="manifestly_excessive" checked', page_html)
    current = RightsRequest.objects.get(pk=rr.pk)
    assert f'name="version" value="{current.version}"' in page_html  # resubmitting now acts on what they have seen
    assert current.status == Status.RECEIVED
    assert not TransitionEvent.objects.filter(request=rr, transition="refuse").exists()


def test_a_step_that_does_not_exist_is_a_404(casey: User, rr: RightsRequest) -> None:
    client = client_for(casey)
    assert client.get(reverse("request_step", args=[rr.pk, "no_such_step"])).status_code == 404
    assert client.post(reverse("request_step", args=[rr.pk, "no_such_step"]), {"version": "0"}).status_code == 404


def test_a_step_the_role_may_not_take_is_refused_in_plain_words(
    manager: User, casey: User, other: User, rr: RightsRequest
) -> None:
    client = client_for(casey)
    for method in (client.get, client.post):
        response = method(reverse("request_step", args=[rr.pk, "refuse"]), {"version": str(rr.version)})
        assert response.status_code == 403
        assert "Only the Manager can refuse as manifestly unfounded or excessive." in text(response)
        assert rr.reference in text(response)
    closing = client.post(reverse("request_step", args=[rr.pk, "close"]), {"version": str(rr.version)})
    assert closing.status_code == 409
    assert "This request is received: “Close” is not a step it can take now." in text(closing)
    rr.refresh_from_db()
    assert rr.status == Status.RECEIVED
    assert not TransitionEvent.objects.filter(request=rr).exclude(transition="log").exists()
    request_set_restricted(request=rr, by=manager, restricted=True, reason="Staff case")
    hidden = client_for(other).post(reverse("request_step", args=[rr.pk, "refuse"]), {"version": str(rr.version)})
    assert hidden.status_code == 404  # a request they may not open does not exist for them
    assert rr.reference not in text(hidden)


def test_a_blocked_step_page_explains_why(casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).get(reverse("request_step", args=[rr.pk, "start_work"]))
    assert response.status_code == 200
    assert "This step cannot be taken yet" in text(response)
    posted = client_for(casey).post(reverse("request_step", args=[rr.pk, "start_work"]), {"version": str(rr.version)})
    assert posted.status_code == 200
    assert error_summary(posted) and "identity" in error_summary(posted)[0].lower()
    rr.refresh_from_db()
    assert rr.status == Status.RECEIVED


# Logging a new request


def new_request_data(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "access",
        "channel": "letter",
        "letter_method": "post",
        "received_day": "9",
        "received_month": "3",
        "received_year": "2026",
        "summary": "Everything the partnership holds about my son",
        "subject_name": "Sam Child",
        "subject_previous_names": "Sam Old",
        "subject_date_of_birth_day": "1",
        "subject_date_of_birth_month": "5",
        "subject_date_of_birth_year": "2012",
        "subject_address": "1 High Street\nStockport SK1 1AA",
        "representative_role": "parent",
        "requester_name": "Jo Parent",
        "requester_address": "1 High Street\nStockport SK1 1AA",
        "authority": "parental_responsibility",
        "assigned_to": "",
    }
    data.update(overrides)
    return data


def test_the_manager_logs_a_new_request_from_a_letter(
    manager: User, casey: User, fake_letters: factories.FakeLetters
) -> None:
    response = client_for(manager).post(
        reverse("request_new"), new_request_data(assigned_to=str(casey.pk), acknowledge="on")
    )
    assert response.status_code == 302
    rr = RightsRequest.objects.get()
    assert response["Location"] == reverse("request_detail", args=[rr.pk])
    assert rr.reference == "RR-2026-0001"
    assert (rr.kind, rr.channel, rr.received, rr.assigned_to) == ("access", "letter", dt.date(2026, 3, 9), casey)
    assert rr.subject.full_name == "Sam Child" and rr.subject.previous_names == "Sam Old"
    assert rr.subject.date_of_birth == dt.date(2012, 5, 1)
    assert rr.requester is not None and rr.requester.full_name == "Jo Parent"
    assert (rr.representative_role, rr.authority) == ("parent", "parental_responsibility")
    incoming = Letter.objects.get(request=rr, direction=LetterDirection.IN)
    assert (incoming.date, incoming.method, incoming.created_by) == (dt.date(2026, 3, 9), "post", manager)
    assert fake_letters.templates == ["acknowledgement"]
    assert TransitionEvent.objects.filter(request=rr, transition="log", by=manager).exists()
    assert rr.history.filter(history_type="+").exists()


def test_no_acknowledgement_unless_asked(manager: User, fake_letters: factories.FakeLetters) -> None:
    client_for(manager).post(reverse("request_new"), new_request_data())
    assert RightsRequest.objects.count() == 1
    assert fake_letters.templates == []


def test_new_request_errors_are_plain_and_linked_and_nothing_is_saved(manager: User) -> None:
    response = client_for(manager).post(
        reverse("request_new"),
        new_request_data(
            kind="",
            received_day="20",
            received_month="3",
            subject_name="",
            requester_name="",
            subject_email="not an email",
        ),
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "Select which right they are using",
        "Date received must be today or in the past",
        "Enter the data subject's full name",
        "Enter the data subject's email address in the correct format, like name@example.com",
        "Enter the full name of the person asking for the data subject",
    ]
    assert error_links(response)[0] == "id_kind_0"
    assert 'value="Everything the partnership holds about my son"' in response.content.decode() or (
        "Everything the partnership holds about my son" in response.content.decode()
    )
    assert not RightsRequest.objects.exists()
    assert not Person.objects.exists()


def test_someone_asking_for_themselves_has_no_requester_whatever_the_hidden_questions_hold(manager: User) -> None:
    """The requester's questions are revealed only for someone else asking; shown without JavaScript, they are
    ignored when the data subject asks for themselves (GOV.UK conditional reveals)."""
    response = client_for(manager).post(reverse("request_new"), new_request_data(asker="self"))
    assert response.status_code == 302
    rr = RightsRequest.objects.get()
    assert (rr.representative_role, rr.requester, rr.authority) == ("self", None, "")


def test_someone_else_asking_must_say_who_they_are(manager: User) -> None:
    response = client_for(manager).post(
        reverse("request_new"), new_request_data(asker="other", representative_role="", requester_name="")
    )
    assert error_summary(response) == [
        "Select who they are to the data subject",
        "Enter the full name of the person asking for the data subject",
    ]
    assert not RightsRequest.objects.exists()


def test_the_new_request_form_reveals_questions_with_their_answer(manager: User) -> None:
    page = client_for(manager).get(reverse("request_new")).content.decode()
    # The requester's questions sit in the reveal of "someone else", hidden until it is chosen (self is the default).
    assert 'data-aria-controls="conditional-id_asker_1"' in page
    block = page[page.index('id="conditional-id_asker_1"') : page.index("How to reply")]
    assert "govuk-radios__conditional--hidden" in page[page.index('id="conditional-id_asker_1"') - 80 :][:200]
    for name in ("representative_role", "requester_name", "requester_address", "authority"):
        assert f'name="{name}' in block
    letter = page[page.index('id="conditional-id_channel_0"') - 80 :][:300]
    assert "govuk-radios__conditional--hidden" not in letter  # a letter is the default: its delivery shows


def test_delivery_is_ignored_for_a_request_that_did_not_come_by_letter(manager: User) -> None:
    response = client_for(manager).post(
        reverse("request_new"), new_request_data(channel="email", letter_method="recorded_delivery")
    )
    assert response.status_code == 302
    assert RightsRequest.objects.get().channel == "email"


def test_a_service_refusal_is_shown_beside_its_field(manager: User) -> None:
    response = client_for(manager).post(
        reverse("request_new"), new_request_data(representative_role="attorney", authority="parental_responsibility")
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert summary == [
        "A attorney cannot act under parental responsibility; expected one of: lasting power of attorney."
    ]
    assert error_links(response) == ["id_authority_0"]
    assert not RightsRequest.objects.exists()


def test_previous_addresses_are_logged_and_shown(manager: User) -> None:
    response = client_for(manager).post(
        reverse("request_new"),
        new_request_data(subject_previous_addresses="4 Mill Lane, Stockport SK1 2AB\n\n9 Park Road, Hyde SK14 1AA "),
    )
    assert response.status_code == 302
    subject = RightsRequest.objects.get().subject
    assert subject.previous_address_list == ["4 Mill Lane, Stockport SK1 2AB", "9 Park Road, Hyde SK14 1AA"]
    page = text(client_for(manager).get(response["Location"]))
    assert "Previous addresses" in page and "4 Mill Lane, Stockport SK1 2AB<br>9 Park Road, Hyde SK14 1AA" in page


def test_only_the_manager_logs_new_requests(casey: User) -> None:
    client = client_for(casey)
    assert client.get(reverse("request_new")).status_code == 403
    assert client.post(reverse("request_new"), new_request_data()).status_code == 403
    assert not RightsRequest.objects.exists()


# Letters and evidence


def test_log_a_letter_with_its_scan_and_download_it(casey: User, rr: RightsRequest) -> None:
    client = client_for(casey)
    response = client.post(
        reverse("letter_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "direction": "in",
            "date_day": "12",
            "date_month": "3",
            "date_year": "2026",
            "method": "recorded_delivery",
            "addressee": "Alex Example",
            "summary": "Copy of passport enclosed",
            "file": SimpleUploadedFile("passport-letter.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    letter = Letter.objects.get(request=rr, summary="Copy of passport enclosed")
    assert (letter.direction, letter.date, letter.method, letter.created_by) == (
        "in",
        dt.date(2026, 3, 12),
        "recorded_delivery",
        casey,
    )
    assert letter.history.filter(history_type="+").exists()
    page = client.get(reverse("request_detail", args=[rr.pk])).content.decode()
    assert reverse("letter_file", args=[letter.pk]) in page

    views_before = RequestView.objects.count()
    download = client.get(reverse("letter_file", args=[letter.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"] == f'attachment; filename="{rr.reference}-letter-{letter.pk}.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "no-store"
    assert download["Content-Type"] == "application/pdf"
    assert RequestView.objects.count() == views_before + 1  # opening the file is on the record too


def test_a_letter_form_error_asks_for_the_file_again(casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).post(
        reverse("letter_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "direction": "in",
            "date_day": "12",
            "date_month": "3",
            "date_year": "2026",
            "method": "post",
            "summary": "A letter",
            "file": SimpleUploadedFile("letter.docx", b"PK\x03\x04"),
        },
    )
    assert error_summary(response) == ["The selected file must be a PDF, JPG or PNG"]
    assert not Letter.objects.filter(summary="A letter").exists()


def test_a_disguised_file_is_refused_by_its_content(casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).post(
        reverse("letter_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "direction": "in",
            "date_day": "12",
            "date_month": "3",
            "date_year": "2026",
            "method": "post",
            "summary": "A letter",
            "file": SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 200
    assert "is not a PDF, PNG or JPEG" in error_summary(response)[0]
    assert error_links(response) == ["id_file"]
    assert not Letter.objects.filter(summary="A letter").exists()


def test_a_reviewer_cannot_log_letters(rr: RightsRequest) -> None:
    reviewer = factories.reviewer()
    factories.refer(rr, reviewer)  # referred, so they may open it: the role is what refuses
    response = client_for(reviewer).post(
        reverse("letter_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "direction": "in",
            "date_day": "12",
            "date_month": "3",
            "date_year": "2026",
            "method": "post",
            "summary": "A letter",
        },
    )
    assert response.status_code == 200
    assert error_summary(response) == ["Only a manager or caseworker can log letters."]
    assert not Letter.objects.filter(summary="A letter").exists()


def test_record_identity_evidence_starts_the_clock(casey: User, rr: RightsRequest) -> None:
    client = client_for(casey)
    response = client.post(
        reverse("evidence_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "kind": "identity",
            "description": "Passport, number ending 123",
            "seen_on_day": "10",
            "seen_on_month": "3",
            "seen_on_year": "2026",
            "received_on_day": "9",
            "received_on_month": "3",
            "received_on_year": "2026",
            "scan": SimpleUploadedFile("passport.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(request=rr)
    assert (evidence.kind, evidence.seen_by, evidence.seen_on) == ("identity", casey, dt.date(2026, 3, 10))
    clock = ClockEvent.objects.get(request=rr)
    assert (clock.event, clock.date) == (ClockEventKind.IDENTITY_RECEIVED, dt.date(2026, 3, 9))
    rr.refresh_from_db()
    assert rr.identity_verified_at is not None
    assert rr.due_date == dt.date(2026, 4, 9)
    download = client.get(reverse("evidence_scan", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "no-store"
    page = text(client.get(reverse("request_detail", args=[rr.pk])))
    assert "Clock: identity received" in page
    assert "The clock started on Monday 9 March 2026" in page


def test_evidence_form_errors(casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).post(
        reverse("evidence_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "kind": "competence",
            "description": "",
            "seen_on_day": "10",
            "seen_on_month": "3",
        },
    )
    assert error_summary(response) == [
        "Enter what was seen",
        "Date seen must include a year",
        "Select the professional's judgement of the child's understanding",
    ]
    assert not Evidence.objects.exists()


def test_evidence_after_someone_elses_change_is_refused_and_kept(manager: User, casey: User, rr: RightsRequest) -> None:
    seen = rr.version
    request_assign(request=rr, by=manager, assignee=manager)
    response = client_for(casey).post(
        reverse("evidence_new", args=[rr.pk]),
        {
            "version": str(seen),
            "kind": "identity",
            "description": "Driving licence ending 9",
            "seen_on_day": "10",
            "seen_on_month": "3",
            "seen_on_year": "2026",
            "received_on_day": "2",
            "received_on_month": "3",
            "received_on_year": "2026",
        },
    )
    assert response.status_code == 200
    assert "Someone else changed this request" in error_summary(response)[0]
    assert "Driving licence ending 9" in response.content.decode()
    assert not Evidence.objects.exists()


# Manager's controls: assign and restrict


def test_the_assign_page_shows_who_has_the_request_or_that_nobody_has(manager: User, casey: User) -> None:
    client = client_for(manager)
    assigned = factories.make_request(received=dt.date(2026, 3, 2), assigned_to=casey, today=TODAY)
    unassigned = factories.make_request(received=dt.date(2026, 3, 3), today=TODAY)
    worker_without_name = factories.UserFactory(username="nameless", first_name="", last_name="", role="Caseworker")
    by_username = factories.make_request(received=dt.date(2026, 3, 4), assigned_to=worker_without_name, today=TODAY)
    expected = {
        assigned: "Currently: Casey Worker.",
        unassigned: "Currently: not assigned.",
        by_username: "Currently: nameless.",
    }
    for rr, line in expected.items():
        response = client.get(reverse("request_assign", args=[rr.pk]))
        assert response.status_code == 200, rr.reference
        page = re.sub(r"\s+", " ", response.content.decode())
        assert line in page
        assert f'name="version" value="{rr.version}"' in page
    # The newly logged request can be assigned from the page it showed.
    response = client.post(
        reverse("request_assign", args=[unassigned.pk]),
        {"version": str(unassigned.version), "assigned_to": str(casey.pk)},
    )
    assert response.status_code == 302
    unassigned.refresh_from_db()
    assert unassigned.assigned_to == casey


def test_assign(manager: User, casey: User, other: User, rr: RightsRequest) -> None:
    client = client_for(manager)
    response = client.post(
        reverse("request_assign", args=[rr.pk]), {"version": str(rr.version), "assigned_to": str(other.pk)}
    )
    assert response.status_code == 302
    rr.refresh_from_db()
    assert rr.assigned_to == other
    record = rr.history.order_by("-history_id").first()
    assert record.history_user == manager and record.history_change_reason == "Assigned to other"


def test_assign_after_someone_elses_change_is_refused(
    manager: User, casey: User, other: User, rr: RightsRequest
) -> None:
    seen = rr.version
    request_set_restricted(request=rr, by=manager, restricted=True, reason="Staff case")
    response = client_for(manager).post(
        reverse("request_assign", args=[rr.pk]), {"version": str(seen), "assigned_to": str(other.pk)}
    )
    assert response.status_code == 200
    assert "Someone else changed this request" in error_summary(response)[0]
    assert f'<option value="{other.pk}" selected>' in response.content.decode()
    rr.refresh_from_db()
    assert rr.assigned_to == casey


def test_only_the_manager_assigns_and_restricts(casey: User, rr: RightsRequest) -> None:
    client = client_for(casey)
    for name in ("request_assign", "request_restrict"):
        assert client.get(reverse(name, args=[rr.pk])).status_code == 403
        assert client.post(reverse(name, args=[rr.pk]), {"version": str(rr.version)}).status_code == 403
    assert client.get(reverse("request_assign", args=[999_999])).status_code == 404  # existence first, then role


def test_restrict_hides_the_request_from_the_rest_of_the_team(
    manager: User, casey: User, other: User, rr: RightsRequest
) -> None:
    client = client_for(manager)
    missing_reason = client.post(
        reverse("request_restrict", args=[rr.pk]), {"version": str(rr.version), "restricted": "yes"}
    )
    assert error_summary(missing_reason) == ["Enter why the request is restricted"]
    assert error_links(missing_reason) == ["id_reason"]
    response = client.post(
        reverse("request_restrict", args=[rr.pk]),
        {"version": str(rr.version), "restricted": "yes", "reason": "A colleague's own request"},
    )
    assert response.status_code == 302
    rr.refresh_from_db()
    assert rr.is_restricted and rr.restricted_reason == "A colleague's own request"
    assert client_for(other).get(reverse("request_detail", args=[rr.pk])).status_code == 404
    assert client_for(casey).get(reverse("request_detail", args=[rr.pk])).status_code == 200
    lifted = client.post(reverse("request_restrict", args=[rr.pk]), {"version": str(rr.version), "restricted": "no"})
    assert lifted.status_code == 302
    assert client_for(other).get(reverse("request_detail", args=[rr.pk])).status_code == 200


# Error pages


def test_a_restricted_request_404_looks_exactly_like_a_missing_one(
    manager: User, other: User, rr: RightsRequest
) -> None:
    request_set_restricted(request=rr, by=manager, restricted=True, reason="Staff case")
    client = client_for(other)
    for name in ("request_detail", "letter_new", "evidence_new", "request_assign", "request_restrict"):
        hidden = client.get(reverse(name, args=[rr.pk]))
        missing = client.get(reverse(name, args=[999_999]))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content
        assert rr.reference.encode() not in hidden.content
        assert sorted(k for k, _ in hidden.items()) == sorted(k for k, _ in missing.items())


def test_error_pages_are_plain(casey: User) -> None:
    from requests_app import views

    rf_request = Client().get("/").wsgi_request
    for handler, status, heading in (
        (views.error_403, 403, "You do not have access to this page"),
        (views.error_404, 404, "Page not found"),
    ):
        response = handler(rf_request)
        assert response.status_code == status
        assert heading in response.content.decode()
        assert "csrfmiddlewaretoken" not in response.content.decode()
    server_error = views.error_500(rf_request)
    assert server_error.status_code == 500
    assert "Sorry, there is a problem with the service" in server_error.content.decode()


def test_a_403_page_names_no_request(casey: User, rr: RightsRequest) -> None:
    response = client_for(casey).get(reverse("request_assign", args=[rr.pk]))
    assert response.status_code == 403
    assert rr.reference.encode() not in response.content
    assert b"Alex Example" not in response.content


# The timeline and the page's smaller parts


def test_the_timeline_shows_each_fact_once_newest_first(
    manager: User, casey: User, rr: RightsRequest, fake_letters: factories.FakeLetters
) -> None:
    rr = factories.verify_identity(rr, by=casey, on=dt.date(2026, 3, 5))
    factories.take_steps(rr, "start_work", user=casey, today=TODAY)
    timeline = client_for(casey).get(reverse("request_detail", args=[rr.pk])).context["page"].timeline
    titles = [entry.title for entry in timeline]
    assert titles[0] == "Start work: Received → In progress"  # the step's own words, with the statuses
    assert "Request logged" in titles
    assert "Clock: identity received" in titles and "Evidence seen: identity" in titles
    status_changes = [c for e in timeline for c in e.changes if c.field == "status"]
    assert status_changes == []  # shown by the step's entry, not again as a field change
    evidence_change = next(e for e in timeline if e.kind == "change")
    assert {c.label for c in evidence_change.changes} >= {"Identity verified at", "Due date", "Clock started"}
    assert evidence_change.by == "Casey Worker"
    moments = [(e.day, e.at) for e in timeline]
    assert moments == sorted(moments, reverse=True)


def test_a_status_change_without_its_event_is_still_shown(manager: User, rr: RightsRequest) -> None:
    """Only changes another entry explains are folded away: anything else stays visible in the audit trail."""
    row = RightsRequest.objects.get(pk=rr.pk)
    row.__dict__["status"] = Status.CLOSED  # bypass the FSM on purpose: this is what the timeline must not hide
    row._change_reason = "Changed outside the services"  # type: ignore[attr-defined]
    row.save()
    timeline = client_for(manager).get(reverse("request_detail", args=[rr.pk])).context["page"].timeline
    changes = [(c.label, c.old, c.new) for e in timeline for c in e.changes]
    assert ("Status", "Received", "Closed") in changes


def test_letters_in_the_timeline_link_to_their_file(casey: User, rr: RightsRequest) -> None:
    letter, _ = _letter_and_evidence(rr, casey)
    response = client_for(casey).get(reverse("request_detail", args=[rr.pk]))
    entry = next(e for e in response.context["page"].timeline if e.kind == "letter")
    assert entry.letter == letter and entry.title == "Letter received (post)"
    assert response.content.decode().count(reverse("letter_file", args=[letter.pk])) == 2  # register and timeline


def test_ending_steps_are_warning_buttons_and_never_the_main_action(manager: User, rr: RightsRequest) -> None:
    response = client_for(manager).get(reverse("request_detail", args=[rr.pk]))
    assert response.context["main_step"] not in {"withdraw", "refuse"}
    page_html = response.content.decode()
    withdraw = re.search(r'<a href="[^"]*/steps/withdraw/"[^>]*class="([^"]+)"', page_html)
    assert withdraw is not None and "govuk-button--warning" in withdraw.group(1)


def test_the_page_links_to_disclosure_only_if_that_app_has_the_page(manager: User, rr: RightsRequest) -> None:
    from django.urls import NoReverseMatch

    try:
        expected: str | None = reverse("disclosure:request", args=[rr.pk])
    except NoReverseMatch:
        expected = None
    response = client_for(manager).get(reverse("request_detail", args=[rr.pk]))
    assert response.context["disclosure_url"] == expected
    if expected:
        assert f'href="{expected}"' in response.content.decode()


def test_recently_opened_includes_this_opening(manager: User, casey: User, rr: RightsRequest) -> None:
    client_for(casey).get(reverse("request_detail", args=[rr.pk]))
    response = client_for(manager).get(reverse("request_detail", args=[rr.pk]))
    assert [v.user for v in response.context["recent_views"]] == [manager, casey]


def test_my_requests_link_works_for_anyone_with_a_role(rr: RightsRequest) -> None:
    reviewer = factories.reviewer()
    response = client_for(reviewer).get(reverse("request_list"), {"caseworker": str(reviewer.pk), "open_only": "on"})
    assert response.status_code == 200
    assert error_summary(response) == []
    assert list(response.context["page"].object_list) == []


def test_saving_the_same_assignment_or_restriction_changes_nothing(
    manager: User, casey: User, rr: RightsRequest
) -> None:
    client = client_for(manager)
    history_rows = rr.history.count()
    same_assignee = client.post(
        reverse("request_assign", args=[rr.pk]), {"version": str(rr.version), "assigned_to": str(casey.pk)}
    )
    same_access = client.post(
        reverse("request_restrict", args=[rr.pk]), {"version": str(rr.version), "restricted": "no"}
    )
    assert same_assignee.status_code == same_access.status_code == 302
    after = RightsRequest.objects.get(pk=rr.pk)
    assert after.version == rr.version
    assert after.history.count() == history_rows
    assert "Nothing changed" in text(client.get(same_access["Location"]))


def test_evidence_questions_that_do_not_apply_are_revealed_only_with_their_kind_and_ignored(
    casey: User, rr: RightsRequest
) -> None:
    client = client_for(casey)
    page = client.get(reverse("evidence_new", args=[rr.pk])).content.decode()
    authority_block = page[page.index('id="conditional-id_kind_1"') :][:3000]
    assert 'name="authority"' in authority_block
    assert "govuk-radios__conditional--hidden" in page[page.index('id="conditional-id_kind_1"') - 80 :][:200]
    response = client.post(
        reverse("evidence_new", args=[rr.pk]),
        {
            "version": str(rr.version),
            "kind": "identity",
            "description": "Passport, number ending 123",
            "seen_on_day": "10",
            "seen_on_month": "3",
            "seen_on_year": "2026",
            "received_on_day": "9",
            "received_on_month": "3",
            "received_on_year": "2026",
            "authority": "parental_responsibility",  # shown without JavaScript, not asked for identity evidence
            "competence": "competent",
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get(request=rr).kind == "identity"
    rr.refresh_from_db()
    assert rr.authority == "" and rr.child_competence == ""
