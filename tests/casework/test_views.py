"""Complaint and breach pages: the public question pages, staff pages by role, views recorded, reports."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from casework.models import Breach, Complaint, ComplaintView
from disclosure.models import PortalLink
from tests.casework.conftest import acknowledged_complaint, investigating_complaint, received_complaint
from tests.casework.test_breach_services import pack_with_links
from tests.factories import make_request, sign_in

pytestmark = pytest.mark.django_db

ANSWERS = [
    ("who", {"complainant_name": "Sam Example", "for_self": "no", "on_behalf_of": "Alex Example"}),
    ("about", {"about": "request", "request_reference": ""}),
    ("what-went-wrong", {"what_went_wrong": "You sent the pack late."}),
    ("what-you-want", {"what_they_want": "An apology."}),
    ("reply", {"reply_by": "email", "email": "sam@example.org"}),
]


@time_machine.travel(dt.datetime(2026, 7, 27, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_public_form_from_start_to_confirmation() -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    client = Client()
    assert client.get(reverse("casework:complaint_start")).status_code == 200
    for slug, data in ANSWERS:
        if slug == "about":
            data = {**data, "request_reference": rights_request.reference}
        response = client.post(reverse("casework:complaint_question", args=[slug]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
    check = client.get(reverse("casework:complaint_check"))
    assert b"Check your answers" in check.content and b"Alex Example" in check.content
    sent = client.post(reverse("casework:complaint_check"))
    assert sent["Location"] == reverse("casework:complaint_done")
    done = client.get(sent["Location"])
    complaint = Complaint.objects.get()
    assert complaint.reference.encode() in done.content
    assert complaint.request == rights_request and complaint.on_behalf_of == "Alex Example"
    assert complaint.acknowledgement_due == dt.date(2026, 8, 26)


def test_a_question_left_unanswered_shows_the_error_and_saves_nothing() -> None:
    client = Client()
    response = client.post(reverse("casework:complaint_question", args=["reply"]), {"reply_by": "post"})
    assert response.status_code == 400
    assert b"Enter a postal address" in response.content
    assert client.get(reverse("casework:complaint_check"))["Location"].endswith("/complain/who/")
    assert not Complaint.objects.exists()


def test_staff_log_a_complaint_and_the_page_shows_its_date(worker: User) -> None:
    client = Client()
    sign_in(client, worker)
    response = client.post(
        reverse("casework:complaint_new"),
        {
            "channel": "phone",
            "received_day": "27",
            "received_month": "7",
            "received_year": "2026",
            "complainant_name": "Pat Caller",
            "about": "other",
            "what_went_wrong": "You shared my address with my ex-partner.",
            "reply_by": "phone",
            "phone": "0161 000 0000",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    page = client.get(response["Location"])
    assert b"Wednesday 26 August 2026" in page.content
    assert ComplaintView.objects.filter(complaint=complaint, user=worker).count() == 1


def test_reviewers_get_no_complaint_or_breach_pages(boss: User, outsider: User) -> None:
    complaint = received_complaint(by=boss)
    client = Client()
    sign_in(client, outsider)
    assert client.get(reverse("casework:complaints")).status_code == 403
    assert client.get(reverse("casework:complaint", args=[complaint.pk])).status_code == 403
    assert client.get(reverse("casework:breaches")).status_code == 403
    assert client.get(reverse("casework:breach_new")).status_code == 403


def test_only_the_manager_sees_the_breach_log(worker: User, boss: User) -> None:
    client = Client()
    sign_in(client, worker)
    assert client.get(reverse("casework:breaches")).status_code == 403
    sign_in(client, boss)
    assert client.get(reverse("casework:breaches")).status_code == 200


def test_acknowledge_through_the_page_files_the_letter(worker: User) -> None:
    complaint = received_complaint(by=worker)
    client = Client()
    sign_in(client, worker)
    url = reverse("casework:complaint_step", args=[complaint.pk, "acknowledge"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "acknowledged"
    letter = complaint.letters.get()
    pdf = client.get(reverse("casework:complaint_letter", args=[complaint.pk, letter.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_refused_step_is_shown_not_taken(worker: User) -> None:
    complaint = investigating_complaint(by=worker)
    client = Client()
    sign_in(client, worker)
    response = client.post(reverse("casework:complaint_step", args=[complaint.pk, "close"]), {"reason": ""})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == "investigating"


def test_the_request_page_shows_its_complaints_and_breaches(boss: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    complaint = acknowledged_complaint(by=boss)
    complaint.request = rights_request
    complaint.save()
    client = Client()
    sign_in(client, boss)
    page = client.get(reverse("request_detail", args=[rights_request.pk]))
    assert complaint.reference.encode() in page.content
    assert reverse("casework:breach_new").encode() in page.content


def test_recording_from_a_pack_page_revokes_its_links(worker: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1), assigned_to=worker)
    pack = pack_with_links(rights_request)
    client = Client()
    sign_in(client, worker)
    url = reverse("casework:breach_new") + f"?pack={pack.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "cause": "wrong_recipient",
            "what_happened": "Emailed to the wrong address.",
            "discovered_on_day": "31",
            "discovered_on_month": "7",
            "discovered_on_year": "2026",
            "discovered_time": "09:30",
            "data_involved": "The pack: a child's social care records.",
            "people_affected": "2",
            "children_affected": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    breach = Breach.objects.get()
    assert breach.pack == pack
    assert not PortalLink.objects.filter(pack=pack, revoked_at__isnull=True).exists()
    page = client.get(response["Location"])
    assert b"Report to the ICO by" in page.content or b"72 hours" in page.content


def test_the_reports_count_complaints_and_breaches(boss: User) -> None:
    acknowledged_complaint(by=boss)
    client = Client()
    sign_in(client, boss)
    page = client.get(reverse("reports") + "?from=2026-07-01&to=2026-09-30")
    assert page.status_code == 200
    assert b"Complaints, by quarter" in page.content
    assert b"Personal data breaches, by cause" in page.content
    csv = client.get(
        reverse("reports_export") + "?from=2026-07-01&to=2026-09-30&format=csv&table=complaints_by_quarter"
    )
    lines = csv.content.decode().splitlines()
    assert any(line.startswith("2026 Q3,1,1,1") for line in lines), lines
    board = client.get(reverse("reports_board_pdf") + "?quarter=2026Q3")
    assert board.status_code == 200


def test_assign_and_the_notices_shown_to_the_assignee(boss: User, worker: User) -> None:
    from casework.models import ComplaintNotice
    from casework.services.sweep import complaint_sweep_run

    complaint = received_complaint(by=worker)
    client = Client()
    sign_in(client, boss)
    response = client.post(reverse("casework:complaint_assign", args=[complaint.pk]), {"assignee": str(worker.pk)})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.assigned_to == worker
    complaint_sweep_run(today=dt.date(2026, 8, 25))
    notice = ComplaintNotice.objects.get(recipient=worker)
    sign_in(client, worker)
    page = client.get(reverse("casework:complaints"))
    assert notice.message.encode() in page.content
    assert client.post(reverse("casework:complaint_assign", args=[complaint.pk]), {"assignee": ""}).status_code == 400
    client.post(reverse("casework:complaint_notice_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_log_a_complaint_from_the_request_page(worker: User) -> None:
    rights_request = make_request(received=dt.date(2026, 7, 1))
    client = Client()
    sign_in(client, worker)
    page = client.get(reverse("casework:complaint_new") + f"?request={rights_request.pk}")
    assert rights_request.reference.encode() in page.content


def test_a_caseworker_sees_only_the_breaches_they_recorded(worker: User, boss: User) -> None:
    from casework.models import BreachView
    from casework.services.breaches import breach_record
    from tests.casework.test_breach_services import FOUND, facts

    mine = breach_record(by=worker, facts=facts(), now=FOUND)
    theirs = breach_record(by=boss, facts=facts(), now=FOUND)
    client = Client()
    sign_in(client, worker)
    assert client.get(reverse("casework:breach", args=[mine.pk])).status_code == 200
    assert client.get(reverse("casework:breach", args=[theirs.pk])).status_code == 404
    assert BreachView.objects.filter(breach=mine, user=worker).count() == 1
    assert client.get(reverse("casework:breach_action", args=[mine.pk, "assess"])).status_code == 200
    refused = client.post(
        reverse("casework:breach_action", args=[mine.pk, "assess"]), {"risk": "high", "reasons": "Child's records."}
    )
    assert refused.status_code == 400 and b"Only a manager" in refused.content


def test_every_step_button_on_the_page_leads_somewhere(boss: User) -> None:
    import re

    from tests.casework.conftest import outcome_sent_complaint

    complaint = outcome_sent_complaint(by=boss)
    client = Client()
    sign_in(client, boss)
    page = client.get(reverse("casework:complaint", args=[complaint.pk])).content.decode()
    links = set(re.findall(r'href="(/complaints/\d+/[^"]*)"', page))
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("who", ["boss", "worker"])
def test_every_link_on_the_breach_and_complaint_pages_works(who: str, request: pytest.FixtureRequest) -> None:
    import re

    from casework.services.breaches import breach_record
    from tests.casework.test_breach_services import FOUND, facts

    user = request.getfixturevalue(who)
    rights_request = make_request(received=dt.date(2026, 7, 1))
    breach = breach_record(by=user, facts=facts(), pack=pack_with_links(rights_request), now=FOUND)
    complaint = received_complaint(by=user)
    client = Client()
    sign_in(client, user)
    for url in (
        reverse("casework:breach", args=[breach.pk]),
        reverse("casework:complaint", args=[complaint.pk]),
        reverse("casework:complaints"),
    ):
        page = client.get(url).content.decode()
        for link in set(re.findall(r'href="(/(?:complaints|breaches|requests)/[^"]*)"', page)):
            assert client.get(link.replace("&amp;", "&")).status_code == 200, (url, link)
