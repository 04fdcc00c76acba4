"""Staff send, send again and revoke the requester's status link from the request's page (any request, however
it arrived): the Manager or the assigned caseworker only; no email address means a clear refusal and no change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from requests_app.models import Message, RightsRequest, StatusLink
from requests_app.services.requests import PersonDetails, request_create
from rights import RepresentativeRole, RightKind
from tests import factories
from tests.conftest import LoopbackMailbox

pytestmark = pytest.mark.django_db

REQUESTER = "sam.requester@example.org"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def logged_by_staff(*, by: User, email: str = REQUESTER, assigned_to: User | None = None) -> RightsRequest:
    """A request typed in by staff from a letter: a parent asks for a child's records."""
    return request_create(
        by=by,
        kind=RightKind.ACCESS,
        received=dt.date.today(),
        subject=PersonDetails(full_name="Robin Child", date_of_birth=dt.date(2014, 3, 1), address="1 High Street"),
        requester=PersonDetails(full_name="Sam Requester", address="1 High Street", email=email),
        role=RepresentativeRole.PARENT,
        channel="letter",
        summary="All records about my child",
        assigned_to=assigned_to,
        today=dt.date.today(),
    )


def signed_in(user: User) -> Client:
    client = Client()
    factories.sign_in(client, user)
    return client


def send(client: Client, request: RightsRequest, capture) -> object:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(reverse("status_link_send", args=[request.pk]))


def emailed_paths(mailbox: LoopbackMailbox) -> list[str]:
    found = [re.search(r"(/ask/status/[^/\s]+/)", body) for body in mailbox.bodies_to(REQUESTER)]
    return [match.group(1) for match in found if match]


def test_the_manager_sends_a_link_for_a_request_logged_by_staff(
    staff: dict[str, User], smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    manager = staff["manager"]
    request = logged_by_staff(by=manager)
    client = signed_in(manager)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "No status link has been sent." in page and reverse("status_link_send", args=[request.pk]) in page
    response = send(client, request, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("request_detail", args=[request.pk])
    link = StatusLink.objects.get()
    assert (link.request, link.to, link.sent_by, link.revoked_at) == (request, REQUESTER, manager, None)
    assert link.message is not None and link.message.created_by == manager
    (record,) = link.history.all()
    assert (record.history_change_reason, record.history_user) == ("Status link sent", manager)
    (path,) = emailed_paths(smtp_server)
    assert Client().get(path).status_code == 200  # the status page offers to send a code
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert f"A working status link was sent to {REQUESTER}" in page and "Send the status link again" in page


def test_sending_again_stops_the_earlier_link(
    staff: dict[str, User], smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    manager = staff["manager"]
    request = logged_by_staff(by=manager)
    client = signed_in(manager)
    send(client, request, django_capture_on_commit_callbacks)
    send(client, request, django_capture_on_commit_callbacks)
    first, second = emailed_paths(smtp_server)
    old = Client().get(first)
    assert old.status_code == 404 and "This link does not work" in old.content.decode()
    assert Client().get(second).status_code == 200
    old_link, new_link = StatusLink.objects.order_by("pk")
    assert old_link.revoked_by == manager and old_link.revoked_reason == "Replaced by a new link"
    assert old_link.history.first().history_change_reason == "Revoked: replaced by a new link"
    assert new_link.revoked_at is None


def test_revoking_with_a_reason_stops_the_link(
    staff: dict[str, User], smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    manager = staff["manager"]
    request = logged_by_staff(by=manager)
    client = signed_in(manager)
    send(client, request, django_capture_on_commit_callbacks)
    (path,) = emailed_paths(smtp_server)
    url = reverse("status_link_revoke", args=[request.pk])

    refused = client.post(url, {"reason": "  "}, follow=True)
    assert "Say why the status link is being revoked." in refused.content.decode()
    assert StatusLink.objects.get().revoked_at is None and Client().get(path).status_code == 200

    response = client.post(url, {"reason": "The father may read her email"})
    assert response.status_code == 302
    link = StatusLink.objects.get()
    assert (link.revoked_by, link.revoked_reason) == (manager, "The father may read her email")
    assert link.history.first().history_change_reason == "Revoked: The father may read her email"
    assert link.history.first().history_user == manager
    status_page = Client().get(path)
    assert status_page.status_code == 404 and "This link does not work" in status_page.content.decode()
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "No working status link" in page and "The father may read her email" in page

    again = client.post(url, {"reason": "twice"}, follow=True)
    assert "This request has no working status link to revoke." in again.content.decode()


def test_no_email_address_is_a_clear_refusal_and_changes_nothing(
    staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:
    manager = staff["manager"]
    request = logged_by_staff(by=manager, email="")
    messages_before = Message.objects.count()
    client = signed_in(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("status_link_send", args=[request.pk]), follow=True)
    assert "There is no email address for the requester, so no status link can be sent." in response.content.decode()
    assert not StatusLink.objects.exists() and Message.objects.count() == messages_before


def test_only_the_manager_or_the_assigned_caseworker(
    staff: dict[str, User], smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    manager, caseworker, reviewer = staff["manager"], staff["caseworker"], staff["reviewer"]
    stranger = factories.UserFactory(username="stranger")  # signed in, no role
    other = factories.caseworker("other-caseworker")
    request = logged_by_staff(by=manager, assigned_to=caseworker)
    send_url = reverse("status_link_send", args=[request.pk])
    revoke_url = reverse("status_link_revoke", args=[request.pk])

    assert signed_in(stranger).post(send_url).status_code == 404
    assert signed_in(reviewer).post(send_url).status_code == 404  # nothing referred: as if it did not exist
    factories.refer(request, reviewer, by=manager)
    assert signed_in(reviewer).post(send_url).status_code == 403  # may read the request, not act on the link
    other_client = signed_in(other)
    assert other_client.post(send_url).status_code == 403  # a caseworker, but not this request's
    assert "Email a status link" not in other_client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert not StatusLink.objects.exists()

    assigned = signed_in(caseworker)
    assert assigned.get(send_url).status_code == 405  # POST only
    assert send(assigned, request, django_capture_on_commit_callbacks).status_code == 302
    assert StatusLink.objects.get().sent_by == caseworker
    for user in (stranger, reviewer, other):
        assert signed_in(user).post(revoke_url, {"reason": "no"}).status_code in {403, 404}
    assert StatusLink.objects.get().revoked_at is None
    assert assigned.post(revoke_url, {"reason": "Asked us to stop"}).status_code == 302
    assert StatusLink.objects.get().revoked_by == caseworker


def test_the_forms_need_the_csrf_token(staff: dict[str, User]) -> None:
    manager = staff["manager"]
    request = logged_by_staff(by=manager)
    client = Client(enforce_csrf_checks=True)
    factories.sign_in(client, manager)
    assert client.post(reverse("status_link_send", args=[request.pk])).status_code == 403
    assert not StatusLink.objects.exists()
