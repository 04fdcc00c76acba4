"""Notices in the workspace: the list page, the count in the header, marking read, and notices that lapse."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.models import Notice, NoticeKind, RightsRequest
from requests_app.selectors.notices import notices_for_user, notices_unread_count
from requests_app.services.notices import (
    NoticeDraft,
    notice_mark_read,
    notices_clear_obsolete,
    notices_insert,
    notices_mark_all_read,
)
from rights import ApplicationError
from tests.factories import bulk_open_requests, caseworker, make_request, sign_in, verify_identity

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)
DUE = dt.date(2026, 4, 2)


@pytest.fixture(autouse=True)
def _colleague(staff: dict[str, User]) -> None:
    staff["other"] = caseworker("other")


@pytest.fixture
def request_(staff: dict[str, User]) -> RightsRequest:
    return make_request(received=RECEIVED, today=RECEIVED, assigned_to=staff["caseworker"])


def notice(
    request: RightsRequest,
    user: User,
    *,
    kind: str = NoticeKind.REMINDER,
    threshold: int = 5,
    due: dt.date | None = None,
    about: str = "",
) -> Notice:
    (written,) = notices_insert(
        drafts=[
            NoticeDraft(
                request.pk, kind, threshold, user.pk, due or request.due_date, about, f"{request.reference}: {kind}"
            )
        ],
        run=uuid.uuid4(),
        reason="test",
    )
    return Notice.objects.get(pk=written.pk)


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_inserting_the_same_notice_twice_writes_one_row(request_: RightsRequest, staff: dict[str, User]) -> None:
    draft = NoticeDraft(request_.pk, NoticeKind.REMINDER, 5, staff["caseworker"].pk, DUE, "", "m")
    assert len(notices_insert(drafts=[draft, draft], run=uuid.uuid4(), reason="first")) == 1
    assert notices_insert(drafts=[draft], run=uuid.uuid4(), reason="second") == []
    assert Notice.objects.count() == 1
    assert Notice.history.count() == 1


def test_the_list_shows_only_my_current_notices_unread_first(request_: RightsRequest, staff: dict[str, User]) -> None:
    mine_read = notice(request_, staff["caseworker"], threshold=10)
    notice_mark_read(notice_id=mine_read.pk, user=staff["caseworker"])
    mine_unread = notice(request_, staff["caseworker"], threshold=5)
    stale = notice(request_, staff["caseworker"], threshold=1, due=DUE - dt.timedelta(days=3))  # an old due date
    theirs = notice(request_, staff["other"])
    assert list(notices_for_user(staff["caseworker"])) == [mine_unread, mine_read]
    assert notices_unread_count(staff["caseworker"]) == 1

    response = _client(staff["caseworker"]).get(reverse("notices"))
    assert response.status_code == 200
    page = response.content.decode()
    assert request_.reference in page
    assert f'action="{reverse("notice_read", args=[mine_unread.pk])}"' in page
    assert f'action="{reverse("notice_read", args=[stale.pk])}"' not in page
    assert f'action="{reverse("notice_read", args=[theirs.pk])}"' not in page
    assert "1 unread of 2 notices" in page


def _badge(user: User, count: int) -> str:
    from django.template import engines

    template = engines["django"].from_string('{% include "includes/notices_badge.html" %}')
    return template.render({"user": user, "notices_unread": lambda: count})


def test_the_header_badge_links_to_the_list_with_the_unread_count(staff: dict[str, User]) -> None:
    html = _badge(staff["caseworker"], 2)
    assert f'href="{reverse("notices")}"' in html
    assert '2<span class="govuk-visually-hidden"> unread</span>' in html
    assert "govuk-tag" not in _badge(staff["caseworker"], 0)


def test_the_header_count_is_one_query_made_once_per_page(request_: RightsRequest, staff: dict[str, User]) -> None:
    notice(request_, staff["caseworker"], threshold=10)
    notice(request_, staff["caseworker"], threshold=5)
    response = _client(staff["caseworker"]).get(reverse("notices"))
    count = response.context["notices_unread"]
    with CaptureQueriesContext(connection) as queries:
        assert count() == "2"
        assert count() == "2"
    assert len(queries) <= 1  # one query, or none if the page already asked


def test_the_header_counts_to_99_then_says_99_plus(request_: RightsRequest, staff: dict[str, User]) -> None:
    from requests_app.selectors.notices import BADGE_LIMIT, notices_unread_badge

    assert notices_unread_badge(staff["caseworker"]) == ""
    for threshold in range(BADGE_LIMIT):
        notice(request_, staff["caseworker"], threshold=threshold)
    assert notices_unread_badge(staff["caseworker"]) == "99"
    notice(request_, staff["caseworker"], threshold=BADGE_LIMIT)
    assert notices_unread_badge(staff["caseworker"]) == "99+"
    assert notices_unread_count(staff["caseworker"]) == BADGE_LIMIT + 1  # the notices page still says how many
    page = _client(staff["caseworker"]).get(reverse("dashboard")).content.decode()
    assert '99+<span class="govuk-visually-hidden"> unread</span>' in page


def test_the_context_processor_counts_nothing_for_anonymous_users() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from requests_app.context_processors import notices

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert notices(request) == {"notices_unread": 0}
    assert len(queries) == 0


def test_marking_read_one_and_all(request_: RightsRequest, staff: dict[str, User]) -> None:
    first = notice(request_, staff["caseworker"], threshold=10)
    notice(request_, staff["caseworker"], threshold=5)
    client = _client(staff["caseworker"])
    response = client.post(reverse("notice_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert first.history.first().history_change_reason == "Read"  # type: ignore[union-attr]
    assert first.history.first().history_user == staff["caseworker"]  # type: ignore[union-attr]
    assert notices_unread_count(staff["caseworker"]) == 1
    client.post(reverse("notices_read_all"))
    assert notices_unread_count(staff["caseworker"]) == 0
    assert client.get(reverse("notice_read", args=[first.pk])).status_code == 405  # only by POST


def test_someone_elses_notice_cannot_be_marked(request_: RightsRequest, staff: dict[str, User]) -> None:
    theirs = notice(request_, staff["other"])
    assert _client(staff["caseworker"]).post(reverse("notice_read", args=[theirs.pk])).status_code == 404
    with pytest.raises(ApplicationError):
        notice_mark_read(notice_id=theirs.pk, user=staff["caseworker"])
    assert notices_mark_all_read(user=staff["caseworker"]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_users_are_sent_to_sign_in(request_: RightsRequest) -> None:
    response = Client().get(reverse("notices"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_clearing_obsolete_notices_when_the_due_date_moves(request_: RightsRequest, staff: dict[str, User]) -> None:
    old = notice(request_, staff["caseworker"], threshold=5)
    chaser = notice(request_, staff["caseworker"], kind=NoticeKind.CHASER, threshold=0, about="agency-return:1")
    verify_identity(
        request_, by=staff["caseworker"], on=RECEIVED + dt.timedelta(days=7)
    )  # the month restarts (Art 12A)
    moved = RightsRequest.objects.get(pk=request_.pk)
    assert moved.due_date == dt.date(2026, 4, 9)
    assert list(notices_for_user(staff["caseworker"])) == [chaser]  # the old reminder is hidden at once
    old.refresh_from_db()
    chaser.refresh_from_db()
    assert old.superseded_at is not None  # by the evidence service, in its own transaction
    assert chaser.superseded_at is None  # about the agency's return, not the due date
    last = old.history.first()  # type: ignore[union-attr]
    assert (last.history_change_reason, last.history_user) == (
        "Superseded: due date now 9 April 2026",
        staff["caseworker"],
    )
    assert notices_clear_obsolete(request=moved) == 0


def test_closure_flags_lapse_when_the_request_stops_waiting(request_: RightsRequest, staff: dict[str, User]) -> None:
    flag = notice(request_, staff["caseworker"], kind=NoticeKind.CLOSURE_FLAG, threshold=0, about="waiting-since:x")
    assert list(notices_for_user(staff["caseworker"])) == []  # received, not waiting: the flag does not apply
    assert notices_clear_obsolete(request=request_) == 1
    flag.refresh_from_db()
    assert flag.superseded_at is not None


def test_the_list_page_costs_the_same_queries_for_5_and_50_notices(staff: dict[str, User]) -> None:
    requests = bulk_open_requests(50, due=DUE, received=RECEIVED, assigned_to=staff["caseworker"])
    client = _client(staff["caseworker"])
    counts = []
    for upto in (5, 50):
        for request in requests[:upto]:
            if not Notice.objects.filter(request=request).exists():
                notice(request, staff["caseworker"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("notices")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_every_page_shows_the_unread_count_in_the_header(request_: RightsRequest, staff: dict[str, User]) -> None:
    notice(request_, staff["caseworker"], threshold=10)
    notice(request_, staff["caseworker"], threshold=5)
    page = _client(staff["caseworker"]).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("notices")}"' in page
    assert '2<span class="govuk-visually-hidden"> unread</span>' in page
    quiet = _client(staff["other"]).get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("notices")}"' in quiet
    assert "app-notices-count" not in quiet


# What moves the clock, answers or ends a request clears the reminders that no longer apply, in its own
# transaction (through the services, not by calling notices_clear_obsolete).


@pytest.fixture
def fake_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    from requests_app.services import letters
    from tests.factories import FakeLetters

    monkeypatch.setattr(letters, "letter_generate", FakeLetters())


def _working(request: RightsRequest, staff: dict[str, User]) -> RightsRequest:
    from tests.factories import take_steps

    request = verify_identity(request, by=staff["caseworker"], on=RECEIVED)
    return take_steps(request, "start_work", user=staff["caseworker"], today=RECEIVED)


@pytest.mark.usefixtures("fake_letters")
@pytest.mark.parametrize(
    ("steps", "reason"),
    [
        (("ask_clarification",), "Superseded: due date now"),  # the clock stops: the due date moves on
        (("withdraw",), "Superseded: request finished"),
        (
            ("gather_records", "begin_review", "submit_for_sign_off", "approve", "disclose"),
            "the response has been given",
        ),
    ],
)
def test_a_step_clears_the_reminders_that_no_longer_apply(
    request_: RightsRequest,
    staff: dict[str, User],
    steps: tuple[str, ...],
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from requests_app import guards
    from tests.factories import take_steps

    monkeypatch.setattr(guards, "_REGISTRY", {})  # the disclosure layer's sign-off conditions are tested there
    request = _working(request_, staff)
    reminder = notice(request, staff["caseworker"], threshold=5)
    take_steps(request, *steps, user=staff["manager"], today=RECEIVED + dt.timedelta(days=3))
    reminder.refresh_from_db()
    assert reminder.superseded_at is not None
    last = reminder.history.first()  # type: ignore[union-attr]
    assert reason in last.history_change_reason
    assert last.history_user == staff["manager"]


@pytest.mark.usefixtures("fake_letters")
def test_a_step_that_moves_nothing_leaves_the_reminders(request_: RightsRequest, staff: dict[str, User]) -> None:
    from tests.factories import take_steps

    request = _working(request_, staff)
    reminder = notice(request, staff["caseworker"], threshold=5)
    take_steps(request, "gather_records", user=staff["caseworker"], today=RECEIVED + dt.timedelta(days=3))
    reminder.refresh_from_db()
    assert reminder.superseded_at is None


def test_a_fee_received_clears_the_reminders_about_the_old_due_date(
    request_: RightsRequest, staff: dict[str, User]
) -> None:
    from requests_app.services.evidence import fee_received_record

    reminder = notice(request_, staff["caseworker"], threshold=5)
    fee_received_record(
        request_id=request_.pk, by=staff["caseworker"], received_on=dt.date(2026, 3, 10), today=dt.date(2026, 3, 10)
    )
    reminder.refresh_from_db()
    assert reminder.superseded_at is not None
    assert [n.pk for n in notices_for_user(staff["caseworker"])] == []
