"""Staff pages for packs: make one, watch its progress without JavaScript, download it, send it; access for each role."""

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

from disclosure.models import DisclosureEvent, Dispatch, DispatchStatus, Pack, PackStatus, PortalLink
from disclosure.services.delivery import portal_link_create, portal_link_revoke
from disclosure.services.packs import pack_request
from requests_app.models import RightsRequest, Status
from requests_app.services.requests import request_set_restricted
from tests.factories import UserFactory, caseworker, celery_eager, pack_case, refer, sign_in

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 16, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def text(response: object) -> str:
    return re.sub(r"\s+", " ", response.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def approved(staff: dict[str, User]) -> RightsRequest:
    return pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)


@pytest.fixture
def verified(staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks) -> Pack:  # type: ignore[no-untyped-def]
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(request=approved, by=staff["caseworker"], today=TODAY)
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED, pack.failure_reason
    return pack


def test_making_a_preview_from_the_page(
    staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    client = client_for(staff["caseworker"])
    listing = client.get(reverse("disclosure:packs", args=[approved.pk]))
    assert listing.status_code == 200 and "Make it" in text(listing)
    before = set(Pack.objects.values_list("pk", flat=True))  # approval needed a verified preview already
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("disclosure:pack_new", args=[approved.pk]), {"kind": "preview"})
    pack = Pack.objects.exclude(pk__in=before).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "disclosure:pack", args=[approved.pk, pack.pk]
    )
    page = text(client.get(response["Location"]))
    assert pack.preview and "Verified" in page and "never be sent" in page
    assert 'http-equiv="refresh"' not in page  # finished: no more reloading
    assert "Create a portal link" not in page  # a preview has no sending section
    assert "extracted text" in page and "pdfminer.six" in page  # the verification report is shown


def test_a_pack_being_made_reloads_itself_and_offers_a_plain_link(
    staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        pack = pack_request(request=approved, by=staff["caseworker"], today=TODAY)
    client = client_for(staff["caseworker"])
    page = client.get(reverse("disclosure:pack", args=[approved.pk, pack.pk]))
    assert '<meta http-equiv="refresh" content="5">' in page.content.decode()
    assert "Check again" in text(page) and "Queued" in text(page)
    assert 'value="0"' in text(page) and "<script" not in text(page).split("</main>")[0].split("<main")[1]
    fragment = client.get(reverse("disclosure:pack_progress", args=[approved.pk, pack.pk]))
    assert fragment.status_code == 200 and 'http-equiv="refresh"' in fragment.content.decode()


def test_the_real_pack_is_refused_before_approval(staff: dict[str, User]) -> None:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    client = client_for(staff["caseworker"])
    response = client.post(reverse("disclosure:pack_new", args=[request.pk]), {"kind": "pack"}, follow=True)
    assert "only be made once the request is approved" in text(response)
    assert not Pack.objects.exists()


def test_download_is_logged_and_not_cached(staff: dict[str, User], verified: Pack) -> None:
    response = client_for(staff["manager"]).get(
        reverse("disclosure:pack_download", args=[verified.request_id, verified.pk])
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = DisclosureEvent.objects.get(action="pack_downloaded")
    assert event.by == staff["manager"]


def test_a_portal_link_is_shown_once(staff: dict[str, User], verified: Pack) -> None:
    client = client_for(staff["caseworker"])
    status_url = reverse("disclosure:pack", args=[verified.request_id, verified.pk])
    response = client.post(reverse("disclosure:portal_link_new", args=[verified.request_id, verified.pk]))
    assert response.status_code == 302
    first = client.get(status_url).content.decode()
    urls = re.findall(r"http://testserver/disclosure/portal/([A-Za-z0-9_-]+)/", first)
    assert len(urls) == 1
    link = PortalLink.objects.get()
    assert link.token_hash != urls[0] and len(urls[0]) >= 43
    assert urls[0] not in client.get(status_url).content.decode()  # shown once only
    # Made is not sent: disclosed only once the letter with the link is recorded as posted, with who posted it.
    assert RightsRequest.objects.get(pk=verified.request_id).status == Status.APPROVED
    client.post(reverse("disclosure:portal_link_posted", args=[verified.request_id, verified.pk, link.pk]))
    link.refresh_from_db()
    assert link.sent_how == "post" and link.sent_by == staff["caseworker"]
    assert RightsRequest.objects.get(pk=verified.request_id).status == Status.DISCLOSED


def test_a_portal_link_emailed_by_the_service_discloses_once_the_email_has_gone(
    staff: dict[str, User], verified: Pack, smtp_server, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    RightsRequest.objects.filter(pk=verified.request_id).update(reply_by="email", code_by="email")  # test set-up
    request = RightsRequest.objects.select_related("requester", "subject").get(pk=verified.request_id)
    assert request.requester is not None
    request.requester.email = "sam@example.org"  # not printed in the pack: the verified pack stays current
    request.requester.save()
    client = client_for(staff["caseworker"])
    page = text(client.get(reverse("disclosure:pack", args=[verified.request_id, verified.pk])))
    assert "email it to sam@example.org" in page
    url = reverse("disclosure:portal_link_new", args=[verified.request_id, verified.pk])
    summary = text(client.post(url, {"send": "email"}))  # first what will happen, and nothing done
    assert "Check before you email the pack" in summary and "by email to sam@example.org" in summary
    assert 'name="send" value="email"' in summary and "Confirm and email the link" in summary
    assert not PortalLink.objects.exists() and not smtp_server.bodies_to("sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"send": "email", "confirmed": "yes"})
    link = PortalLink.objects.get()
    assert link.sent_how == "email" and link.message is not None and link.message.status == "sent"
    (body,) = smtp_server.bodies_to("sam@example.org")
    assert "/disclosure/portal/" in body and request.reference in body
    assert request.subject.full_name not in body  # a reference and a link: nothing from the pack
    assert RightsRequest.objects.get(pk=verified.request_id).status == Status.DISCLOSED


def test_revoking_a_link_from_the_page(staff: dict[str, User], verified: Pack) -> None:
    link, _ = portal_link_create(pack=verified, by=staff["caseworker"], today=TODAY)
    client = client_for(staff["manager"])
    url = reverse("disclosure:portal_link_revoke", args=[verified.request_id, verified.pk, link.pk])
    assert "Say why the link is revoked." in text(client.post(url, {"reason": ""}, follow=True))
    assert PortalLink.objects.get(pk=link.pk).revoked_at is None
    client.post(url, {"reason": "Sent to an old address"})
    assert PortalLink.objects.get(pk=link.pk).revoked_by == staff["manager"]


def test_posting_through_the_pages_needs_a_second_person(staff: dict[str, User], verified: Pack) -> None:
    pk, pack_id = verified.request_id, verified.pk
    maker = client_for(staff["caseworker"])
    maker.post(reverse("disclosure:dispatch_new", args=[pk, pack_id]), {"method": "post"})
    dispatch = Dispatch.objects.get()
    own_page = text(maker.get(reverse("disclosure:pack", args=[pk, pack_id])))
    assert "A second person must check the address" in own_page and "Check the address" not in own_page
    refused = maker.post(
        reverse("disclosure:dispatch_check", args=[pk, pack_id, dispatch.pk]), {"confirmed": "on"}, follow=True
    )
    assert "second person" in text(refused)
    checker = client_for(staff["manager"])
    assert "Check the address" in text(checker.get(reverse("disclosure:pack", args=[pk, pack_id])))
    checker.post(
        reverse("disclosure:dispatch_check", args=[pk, pack_id, dispatch.pk]),
        {"typed_address": "1 High Street\nStockport SK1 1AA"},
    )
    assert Dispatch.objects.get().status == DispatchStatus.CHECKED
    send_url = reverse("disclosure:dispatch_send", args=[pk, pack_id, dispatch.pk])
    summary = text(maker.post(send_url, {"tracking_number": "AB123456789GB"}))
    assert "Check before you record the pack as posted" in summary and "AB123456789GB" in summary
    assert "Becomes Disclosed" in summary and Dispatch.objects.get().status == DispatchStatus.CHECKED
    maker.post(send_url, {"tracking_number": "AB123456789GB", "confirmed": "yes"})
    assert Dispatch.objects.get().status == DispatchStatus.DISPATCHED
    assert RightsRequest.objects.get(pk=pk).status == Status.DISCLOSED


def test_pages_are_404_for_anyone_who_may_not_open_the_request(staff: dict[str, User], verified: Pack) -> None:
    pk, pack_id = verified.request_id, verified.pk
    urls = [
        reverse("disclosure:packs", args=[pk]),
        reverse("disclosure:pack", args=[pk, pack_id]),
        reverse("disclosure:pack_download", args=[pk, pack_id]),
        reverse("disclosure:pack_progress", args=[pk, pack_id]),
    ]
    nobody = client_for(UserFactory(username="no-role"))
    assert [nobody.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert nobody.post(reverse("disclosure:portal_link_new", args=[pk, pack_id])).status_code == 404
    request_set_restricted(
        request=verified.request, by=staff["manager"], restricted=True, reason="A colleague's family"
    )
    other = client_for(caseworker("caseworker2"))
    assert [other.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert client_for(staff["caseworker"]).get(urls[1]).status_code == 200  # assigned
    anonymous = Client().get(urls[1])
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    other_request = pack_case(
        manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False
    )
    wrong_parent = reverse("disclosure:pack", args=[other_request.pk, pack_id])
    assert client_for(staff["manager"]).get(wrong_parent).status_code == 404


def test_a_reviewer_never_reaches_packs_even_when_the_request_is_referred(
    staff: dict[str, User], verified: Pack
) -> None:
    """A pack holds every document: a reviewer asked for an opinion sees only the documents it is asked on."""
    refer(verified.request, staff["reviewer"])
    client = client_for(staff["reviewer"])
    assert client.get(reverse("request_detail", args=[verified.request_id])).status_code == 200
    for name in ("disclosure:pack", "disclosure:pack_progress", "disclosure:pack_download"):
        assert client.get(reverse(name, args=[verified.request_id, verified.pk])).status_code == 404, name
    assert client.get(reverse("disclosure:packs", args=[verified.request_id])).status_code == 404
    refused = client.post(reverse("disclosure:portal_link_new", args=[verified.request_id, verified.pk]))
    assert refused.status_code == 404
    assert not PortalLink.objects.exists()


def test_the_status_page_makes_the_same_number_of_queries_however_many_links(
    staff: dict[str, User], verified: Pack
) -> None:
    client = client_for(staff["manager"])
    url = reverse("disclosure:pack", args=[verified.request_id, verified.pk])
    portal_link_create(pack=verified, by=staff["caseworker"], today=TODAY)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        extra, _ = portal_link_create(pack=Pack.objects.get(pk=verified.pk), by=staff["caseworker"], today=TODAY)
        portal_link_revoke(link=extra, by=staff["manager"], reason="test")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
