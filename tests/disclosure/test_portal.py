"""The requester's portal pages: no login, plain GOV.UK HTML, reference and date of birth, five tries, logged downloads."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from disclosure.models import Pack, PackStatus, PortalAccess, PortalEvent, PortalLink
from disclosure.services.delivery import portal_code_issue_by_phone, portal_link_revoke
from disclosure.services.packs import pack_request
from tests.factories import PACK_SUBJECT_DOB, caseworker, celery_eager, pack_case, sent_portal_link

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
NOON = dt.datetime(2026, 3, 16, 12, 0, tzinfo=ZoneInfo("Europe/London"))
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def issued(staff: dict[str, User], django_capture_on_commit_callbacks) -> tuple[Pack, PortalLink, str]:  # type: ignore[no-untyped-def]
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(request=request, by=staff["caseworker"], today=TODAY)
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED, pack.failure_reason
    link, token = sent_portal_link(pack=pack, by=staff["caseworker"], today=TODAY)
    pack.refresh_from_db()
    return pack, link, token


def text(response: object) -> str:
    return re.sub(r"\s+", " ", response.content.decode())  # type: ignore[attr-defined]


def answer(client: Client, token: str, reference: str, dob: dt.date) -> object:
    return client.post(
        reverse("disclosure:portal", args=[token]),
        {
            "reference": reference,
            "date_of_birth_day": str(dob.day),
            "date_of_birth_month": str(dob.month),
            "date_of_birth_year": str(dob.year),
        },
        HTTP_USER_AGENT=PHONE,
        REMOTE_ADDR="198.51.100.23",
    )


def unlock(client: Client, link: PortalLink, token: str, reference: str) -> object:
    """The whole unlock: reference and date of birth, then the one-time code (here read out by phone)."""
    answered = answer(client, token, reference, PACK_SUBJECT_DOB)
    assert answered["Location"] == reverse("disclosure:portal_code", args=[token])  # type: ignore[index]
    _, code = portal_code_issue_by_phone(link=link, by=caseworker("phone-desk"), identity_check="Security questions")
    return client.post(
        reverse("disclosure:portal_code", args=[token]),
        {"code": code},
        HTTP_USER_AGENT=PHONE,
        REMOTE_ADDR="198.51.100.23",
    )


def test_the_portal_opens_without_a_login_and_shows_no_staff_pages(issued: tuple[Pack, PortalLink, str]) -> None:
    _, _, token = issued
    response = Client().get(reverse("disclosure:portal", args=[token]))
    assert response.status_code == 200
    page = text(response)
    assert "Get your information" in page and 'name="viewport"' in page
    assert "govuk-date-input" in page and "govuk-button" in page and 'class="govuk-input' in page
    for staff_only in ("Sign out", "Dashboard", "Signed in as", "OFFICIAL-SENSITIVE", "Admin"):
        assert staff_only not in page
    assert "<script" not in page  # nothing on the page needs JavaScript
    assert response["Cache-Control"].startswith("no-store")
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_right_answer_opens_the_download_and_each_download_is_logged(issued: tuple[Pack, PortalLink, str]) -> None:
    pack, link, token = issued
    client = Client()
    response = unlock(client, link, token, pack.request.reference)
    assert response.status_code == 302 and response["Location"] == reverse("disclosure:portal", args=[token])  # type: ignore[attr-defined]
    page = client.get(reverse("disclosure:portal", args=[token]))
    assert "Download the PDF" in text(page)
    download = client.get(
        reverse("disclosure:portal_download", args=[token]), HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.23"
    )
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pack.file.open("rb").read()
    assert "attachment" in download["Content-Disposition"] and download["Cache-Control"].startswith("no-store")
    client.get(reverse("disclosure:portal_download", args=[token]), HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.24")
    downloads = list(
        PortalAccess.objects.filter(link=link, event=PortalEvent.DOWNLOADED).values_list(
            "at", "ip_address", "user_agent"
        )
    )
    assert downloads == [(NOON, "198.51.100.23", PHONE), (NOON, "198.51.100.24", PHONE)]


def test_another_browser_must_answer_for_itself(issued: tuple[Pack, PortalLink, str]) -> None:
    pack, link, token = issued
    answer(Client(), token, pack.request.reference, PACK_SUBJECT_DOB)
    stranger = Client().get(reverse("disclosure:portal_download", args=[token]))
    assert stranger.status_code == 302 and stranger["Location"] == reverse("disclosure:portal", args=[token])
    assert not PortalAccess.objects.filter(link=link, event=PortalEvent.DOWNLOADED).exists()


def test_the_answer_lasts_half_an_hour(issued: tuple[Pack, PortalLink, str], _frozen: time_machine.Coordinates) -> None:
    pack, link, token = issued
    client = Client()
    unlock(client, link, token, pack.request.reference)
    assert client.get(reverse("disclosure:portal_download", args=[token])).status_code == 200
    _frozen.shift(dt.timedelta(minutes=31))
    assert client.get(reverse("disclosure:portal_download", args=[token])).status_code == 302


def test_five_wrong_answers_lock_the_link(issued: tuple[Pack, PortalLink, str]) -> None:
    pack, link, token = issued
    client = Client()
    for tries_left in (4, 3, 2, 1):
        response = answer(client, token, pack.request.reference, dt.date(2010, 1, 1))
        assert response.status_code == 400
        assert "is not right" in text(response) and f"{tries_left} more tr" in text(response)
        assert "govuk-error-summary" in text(response)
    locked = answer(client, token, pack.request.reference, dt.date(2010, 1, 1))
    assert locked.status_code == 403 and "This link is locked" in text(locked)
    right = answer(client, token, pack.request.reference, PACK_SUBJECT_DOB)
    assert right.status_code == 403
    assert PortalLink.objects.get(pk=link.pk).failed_attempts == 5


def test_a_badly_typed_date_is_not_a_try(issued: tuple[Pack, PortalLink, str]) -> None:
    _, link, token = issued
    response = Client().post(
        reverse("disclosure:portal", args=[token]),
        {
            "reference": "<script>alert(1)</script>",
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "2016",
        },
    )
    assert response.status_code == 400
    assert "must be a real date" in text(response)
    assert "<script>alert(1)</script>" not in response.content.decode()  # echoed escaped, never as markup
    assert PortalLink.objects.get(pk=link.pk).failed_attempts == 0


def test_expired_revoked_and_unknown_links(
    issued: tuple[Pack, PortalLink, str], staff: dict[str, User], _frozen: time_machine.Coordinates
) -> None:
    pack, link, token = issued
    unknown = Client().get(reverse("disclosure:portal", args=["x" * 43]))
    assert unknown.status_code == 404 and "Link not recognised" in text(unknown)
    _frozen.shift(dt.timedelta(days=28, minutes=1))
    expired = Client().get(reverse("disclosure:portal", args=[token]))
    assert expired.status_code == 403 and "This link has expired" in text(expired)
    _frozen.shift(-dt.timedelta(days=28, minutes=1))
    client = Client()
    unlock(client, link, token, pack.request.reference)
    portal_link_revoke(link=link, by=staff["manager"], reason="Wrong email address")
    revoked = client.get(reverse("disclosure:portal_download", args=[token]))
    assert revoked.status_code == 403 and "no longer works" in text(revoked)
    assert client.get(reverse("disclosure:portal", args=[token])).status_code == 403


def test_opening_the_unlocked_download_page_is_logged(issued: tuple[Pack, PortalLink, str]) -> None:
    pack, link, token = issued
    client = Client()
    url = reverse("disclosure:portal", args=[token])
    client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.23")  # the question, not the download page
    assert not PortalAccess.objects.filter(link=link, event=PortalEvent.OPENED).exists()
    unlock(client, link, token, pack.request.reference)
    page = client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.23")
    assert "Download the PDF" in text(page)
    client.get(url, HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.24")
    opened = list(
        PortalAccess.objects.filter(link=link, event=PortalEvent.OPENED).values_list("at", "ip_address", "user_agent")
    )
    assert opened == [(NOON, "198.51.100.23", PHONE), (NOON, "198.51.100.24", PHONE)]
    assert list(PortalAccess.objects.filter(link=link).values_list("event", flat=True)) == [
        PortalEvent.UNLOCKED,
        PortalEvent.CODE_ACCEPTED,
        PortalEvent.OPENED,
        PortalEvent.OPENED,
    ]


def test_asking_for_a_new_code_too_soon_is_refused_with_a_message_not_an_error(
    issued: tuple[Pack, PortalLink, str],
) -> None:
    pack, link, token = issued
    requester = pack.request.requester
    requester.email = "sam@example.org"
    requester.save()
    type(pack.request).objects.filter(pk=pack.request_id).update(code_by="email")  # test set-up: the chosen channel
    client = Client()
    answer(client, token, pack.request.reference, PACK_SUBJECT_DOB)  # the right answer sends the first code
    assert link.codes.count() == 1
    code_page = reverse("disclosure:portal_code", args=[token])
    again = client.post(code_page, {"resend": "1"})
    assert again.status_code == 429
    assert "There is a problem" in text(again) and "Wait a minute before asking again" in text(again)
    assert "Error: Enter your code" in text(again)
    assert link.codes.count() == 1
