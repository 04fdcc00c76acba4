"""A professional reviewer sees and acts on only what is referred to them for an opinion (least privilege).

Every kind of URL about a request answers 404 to a reviewer it was not referred to, as for a request that does not
exist; once referred for a serious-harm opinion they open the request and the documents where harm is a concern,
never the other documents, packs, letters or identity papers; closing the referral takes it all away again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from disclosure.models import Document, Pack, ThirdParty
from disclosure.services.packs import pack_request
from requests_app.models import EvidenceKind, Referral, RightsRequest
from requests_app.services.evidence import evidence_record
from requests_app.services.letters import letter_log
from requests_app.services.referrals import referral_close, referral_make
from rights import ApplicationError
from tests.factories import caseworker, celery_eager, manager, pack_case, refer, reviewer, scan_bytes, sign_in

TODAY = dt.date(2026, 3, 16)
PDF = scan_bytes("pdf")
PNG = scan_bytes("png")


@pytest.fixture
def case(db: None, django_capture_on_commit_callbacks) -> dict[str, object]:  # type: ignore[no-untyped-def]
    boss, worker = manager(), caseworker()
    rr = pack_case(manager_user=boss, caseworker_user=worker, today=TODAY)
    documents = list(Document.objects.filter(request=rr).order_by("pk"))
    concern, other = documents[1], documents[0]  # a PDF (with page images) and a typed note
    Document.objects.filter(pk=concern.pk).update(harm_concern=True)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(request=rr, by=worker, preview=True, today=TODAY)
    letter = letter_log(
        request=rr,
        by=boss,
        direction="in",
        date=TODAY,
        method="post",
        addressee="Requester",
        summary="Their letter",
        file=ContentFile(PDF, name="scan.pdf"),
        today=TODAY,
    )
    identity = evidence_record(
        request_id=rr.pk,
        by=boss,
        kind=EvidenceKind.IDENTITY,
        description="Passport ending 123",
        seen_on=TODAY,
        received_on=TODAY,
        scan=ContentFile(PNG, name="passport.png"),
        today=TODAY,
    )
    return {"rr": rr, "concern": concern, "other": other, "pack": pack, "letter": letter, "identity": identity}


def urls_of(case: dict[str, object], document: Document) -> list[str]:
    rr, pack = case["rr"], case["pack"]
    assert isinstance(rr, RightsRequest) and isinstance(pack, Pack)
    party = ThirdParty.objects.filter(request=rr).first()
    assert party is not None
    d = (rr.pk, document.pk)
    return [
        reverse("request_detail", args=[rr.pk]),
        reverse("disclosure:request", args=[rr.pk]),
        reverse("disclosure:document", args=d),
        reverse("disclosure:document_edit", args=d),
        reverse("disclosure:page_image", args=[*d, 1]) + "?boxes=0",
        reverse("disclosure:document_search", args=[rr.pk]) + "?q=Jane",
        reverse("disclosure:third_party", args=[rr.pk, party.pk]),
    ]


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def never_for_a_reviewer(case: dict[str, object]) -> list[str]:
    rr, pack, letter, identity = case["rr"], case["pack"], case["letter"], case["identity"]
    return [
        reverse("disclosure:packs", args=[rr.pk]),  # type: ignore[attr-defined]
        reverse("disclosure:pack", args=[rr.pk, pack.pk]),  # type: ignore[attr-defined]
        reverse("disclosure:pack_download", args=[rr.pk, pack.pk]),  # type: ignore[attr-defined]
        reverse("disclosure:agency_ask", args=[rr.pk]),  # type: ignore[attr-defined]
        reverse("disclosure:document_add", args=[rr.pk]),  # type: ignore[attr-defined]
        reverse("letter_file", args=[letter.pk]),  # type: ignore[attr-defined]
        reverse("evidence_scan", args=[identity.pk]),  # type: ignore[attr-defined]
    ]


def test_a_reviewer_not_referred_gets_404_everywhere_as_if_nothing_existed(case: dict[str, object]) -> None:
    client = client_for(reviewer())
    for url in [*urls_of(case, case["concern"]), *never_for_a_reviewer(case)]:  # type: ignore[arg-type]
        assert client.get(url).status_code == 404, url
    rr = case["rr"]
    assert rr.reference not in client.get(reverse("request_list")).content.decode()  # type: ignore[attr-defined]
    assert rr.reference not in client.get(reverse("dashboard")).content.decode()  # type: ignore[attr-defined]
    found = client.get(reverse("request_list"), {"q": rr.reference}).content.decode()  # type: ignore[attr-defined]
    assert reverse("request_detail", args=[rr.pk]) not in found  # type: ignore[attr-defined]


def test_a_referred_reviewer_sees_the_request_and_the_documents_of_concern_only(case: dict[str, object]) -> None:
    asked = reviewer()
    refer(case["rr"], asked)  # type: ignore[arg-type]
    client = client_for(asked)
    for url in urls_of(case, case["concern"]):  # type: ignore[arg-type]
        assert client.get(url).status_code == 200, url
    other: Document = case["other"]  # type: ignore[assignment]
    for url in urls_of(case, other)[2:5]:  # the other document's pages and images
        assert client.get(url).status_code == 404, url
    for url in never_for_a_reviewer(case):
        assert client.get(url).status_code == 404, url
    overview = client.get(reverse("disclosure:request", args=[case["rr"].pk])).content.decode()  # type: ignore[attr-defined]
    assert other.title not in overview or other.title == case["concern"].title  # type: ignore[attr-defined]
    request_page = client.get(reverse("request_detail", args=[case["rr"].pk])).content.decode()  # type: ignore[attr-defined]
    assert "Passport ending 123" not in request_page and "Their letter" not in request_page
    listed = client.get(reverse("request_list")).content.decode()
    assert case["rr"].reference in listed  # type: ignore[attr-defined]
    assert case["rr"].reference in client.get(reverse("dashboard")).content.decode()  # type: ignore[attr-defined]


def test_the_document_search_finds_only_the_documents_referred(case: dict[str, object]) -> None:
    asked = reviewer()
    refer(case["rr"], asked)  # type: ignore[arg-type]
    rr = case["rr"]
    url = reverse("disclosure:document_search", args=[rr.pk])  # type: ignore[attr-defined]
    everyone = client_for(User.objects.get(username="caseworker")).get(url, {"q": "Jane Doe"}).context["hits"]
    theirs = client_for(asked).get(url, {"q": "Jane Doe"}).context["hits"]
    assert len(everyone) > len(theirs)
    assert {hit.document.pk for hit in theirs} <= {case["concern"].pk}  # type: ignore[attr-defined]


def test_a_competence_referral_shows_the_request_but_no_document(case: dict[str, object]) -> None:
    asked = reviewer()
    refer(case["rr"], asked, kind="competence")  # type: ignore[arg-type]
    client = client_for(asked)
    assert client.get(reverse("request_detail", args=[case["rr"].pk])).status_code == 200  # type: ignore[attr-defined]
    concern = case["concern"]
    assert client.get(reverse("disclosure:document", args=[concern.request_id, concern.pk])).status_code == 404  # type: ignore[attr-defined]


def test_closing_the_referral_takes_the_request_away(case: dict[str, object]) -> None:
    asked = reviewer()
    referral = refer(case["rr"], asked)  # type: ignore[arg-type]
    client = client_for(asked)
    page = reverse("request_detail", args=[case["rr"].pk])  # type: ignore[attr-defined]
    assert client.get(page).status_code == 200
    closed = client.post(reverse("referral_close", args=[case["rr"].pk, referral.pk]))  # type: ignore[attr-defined]
    assert closed.status_code == 302 and closed["Location"] == reverse("dashboard")
    assert client.get(page).status_code == 404
    referral.refresh_from_db()
    assert referral.closed_by == asked and referral.history.first().history_change_reason == "Closed"  # type: ignore[attr-defined]


def test_staff_refer_through_the_page_and_the_rules_hold(case: dict[str, object]) -> None:
    rr: RightsRequest = case["rr"]  # type: ignore[assignment]
    asked = reviewer("dr-who")
    worker = User.objects.get(username="caseworker")
    url = reverse("referral_new", args=[rr.pk])
    client = client_for(worker)
    assert client.get(url).status_code == 200
    missing = client.post(url, {})
    assert missing.status_code == 200 and "Choose a professional reviewer" in missing.content.decode()
    done = client.post(url, {"reviewer": str(asked.pk), "kind": "serious_harm", "question": "Would it harm her?"})
    assert done.status_code == 302
    referral = Referral.objects.get()
    assert (referral.reviewer, referral.referred_by, referral.question) == (asked, worker, "Would it harm her?")
    assert "dr-who" in client.get(reverse("request_detail", args=[rr.pk])).content.decode() or asked.get_full_name()
    with pytest.raises(ApplicationError, match="already has this question"):
        referral_make(request=rr, by=worker, reviewer=asked, kind="serious_harm")
    with pytest.raises(ApplicationError, match="Choose a professional reviewer"):
        referral_make(request=rr, by=worker, reviewer=worker, kind="serious_harm")
    with pytest.raises(ApplicationError, match="Only a manager or caseworker"):
        referral_make(request=rr, by=reviewer("another"), reviewer=asked, kind="serious_harm")
    # A reviewer cannot refer, nor reach the referral form (404: the request is not theirs to see).
    assert client_for(reviewer("third")).get(url).status_code == 404
    referral_close(referral=referral, by=worker)
    again = referral_make(request=rr, by=worker, reviewer=asked, kind="serious_harm")  # closed: may be asked again
    assert again.pk != referral.pk


def test_the_admin_shows_a_reviewer_none_of_the_requests_records(case: dict[str, object]) -> None:
    asked = reviewer()
    asked.is_staff = True
    asked.save()
    refer(case["rr"], asked)  # type: ignore[arg-type]
    client = client_for(asked)
    for name in ("admin:requests_app_letter_changelist", "admin:disclosure_redaction_changelist"):
        response = client.get(reverse(name))
        if response.status_code == 200:
            assert response.context["cl"].result_count == 0, name
        else:
            assert response.status_code in (302, 403), name
