"""The disclosure pages: every page behind the request's access rule (404 otherwise), forms, refusals, page images."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from disclosure.models import (
    AgencyRequest,
    AgencyRequestStatus,
    Document,
    NcndFlag,
    Redaction,
    SeriousHarmOpinion,
    SourceKind,
    ThirdParty,
)
from disclosure.services.documents import DocumentDetails, document_add_text, document_add_upload
from disclosure.services.records import agency_create, agency_request_create
from disclosure.services.redaction import redaction_add_span
from disclosure.services.review import ThirdPartyDetails, ncnd_flag_document, ncnd_flag_redaction, third_party_add
from requests_app.models import RequestView, RightsRequest
from requests_app.services.requests import request_set_restricted
from tests.disclosure.conftest import RECEIVED, TODAY, pdf_from_html, xlsx_bytes
from tests.factories import UserFactory, caseworker, refer, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 16, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def text_of(response: object) -> str:
    return re.sub(r"\s+", " ", response.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def world(staff: dict[str, User], access_request: RightsRequest) -> dict[str, object]:
    """A request with one of everything, so every page has an object to show."""
    by = staff["caseworker"]
    police = agency_create(by=by, name="Greater Manchester Police", kind="police", data_owner="Data Protection Officer")
    asked = agency_request_create(by=by, request=access_request, agency=police, requested_on=RECEIVED, today=TODAY)
    text_doc = document_add_text(
        by=by,
        request=access_request,
        details=DocumentDetails(title="Contact log"),
        text="Jane Doe rang. jane doe again.",
        today=TODAY,
    )
    pdf_doc = document_add_upload(
        by=by,
        request=access_request,
        details=DocumentDetails(title="Referral"),
        data=pdf_from_html("<p>Referral about Jane Doe.</p>"),
        name="referral.pdf",
        today=TODAY,
    )
    redaction = redaction_add_span(by=by, document=text_doc, start=0, end=8, exemption="third_party")
    flag = ncnd_flag_redaction(by=by, redaction=redaction, reason="Tip-off risk")
    party = third_party_add(
        by=by,
        request=access_request,
        details=ThirdPartyDetails(name="Jane Doe", consent_reason="Cannot be traced"),
        today=TODAY,
    )
    return {
        "rr": access_request,
        "asked": asked,
        "text_doc": text_doc,
        "pdf_doc": pdf_doc,
        "redaction": redaction,
        "flag": flag,
        "party": party,
    }


def every_url(w: dict[str, object]) -> list[tuple[str, str]]:
    rr = w["rr"].pk  # type: ignore[attr-defined]
    text_doc, pdf_doc = w["text_doc"].pk, w["pdf_doc"].pk  # type: ignore[attr-defined]
    asked, redaction = w["asked"].pk, w["redaction"].pk  # type: ignore[attr-defined]
    flag, party = w["flag"].pk, w["party"].pk  # type: ignore[attr-defined]
    return [
        ("get", reverse("disclosure:request", args=[rr])),
        ("get", reverse("disclosure:agency_new", args=[rr])),
        ("get", reverse("disclosure:agency_ask", args=[rr])),
        ("get", reverse("disclosure:agency", args=[rr, w["asked"].agency_id])),  # type: ignore[attr-defined]
        ("get", reverse("disclosure:agency_return", args=[rr, asked])),
        ("post", reverse("disclosure:agency_chase", args=[rr, asked])),
        ("get", reverse("disclosure:document_add", args=[rr])),
        ("get", reverse("disclosure:document", args=[rr, text_doc])),
        ("get", reverse("disclosure:document_edit", args=[rr, text_doc])),
        ("get", reverse("disclosure:page_image", args=[rr, pdf_doc, 1])),
        ("post", reverse("disclosure:redact_phrase", args=[rr, text_doc])),
        ("post", reverse("disclosure:redact_span", args=[rr, text_doc])),
        ("post", reverse("disclosure:redact_rectangle", args=[rr, pdf_doc])),
        ("post", reverse("disclosure:document_reviewed", args=[rr, text_doc])),
        ("post", reverse("disclosure:document_withhold", args=[rr, text_doc])),
        ("post", reverse("disclosure:document_release", args=[rr, text_doc])),
        ("post", reverse("disclosure:document_ncnd", args=[rr, text_doc])),
        ("get", reverse("disclosure:redaction_remove", args=[rr, redaction])),
        ("get", reverse("disclosure:redaction_ncnd", args=[rr, redaction])),
        ("post", reverse("disclosure:ncnd_approve", args=[rr, flag])),
        ("get", reverse("disclosure:ncnd_remove", args=[rr, flag])),
        ("get", reverse("disclosure:third_party_add", args=[rr])),
        ("get", reverse("disclosure:third_party", args=[rr, party])),
        ("get", reverse("disclosure:opinion_add", args=[rr])),
    ]


def test_every_page_is_404_for_a_user_who_cannot_open_the_request(
    staff: dict[str, User], world: dict[str, object]
) -> None:
    rr = world["rr"]
    request_set_restricted(request=rr, by=staff["manager"], restricted=True, reason="A colleague's own request")  # type: ignore[arg-type]
    outsiders = [caseworker("other"), UserFactory(username="norole")]
    for user in outsiders:
        client = client_for(user)
        for method, url in every_url(world):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (user.username, method, url, response.status_code)
    # Nothing was changed by any of those posts.
    assert Redaction.objects.count() == 1
    assert NcndFlag.objects.get().approved_at is None
    assert AgencyRequest.objects.get().status == AgencyRequestStatus.REQUESTED


def test_every_page_works_for_the_assigned_caseworker(staff: dict[str, User], world: dict[str, object]) -> None:
    client = client_for(staff["caseworker"])
    opinion_form = reverse("disclosure:opinion_add", args=[world["rr"].pk])  # type: ignore[attr-defined]
    for method, url in every_url(world):
        if method == "get":
            response = client.get(url)
            # The serious-harm opinion is not a caseworker's to record: refused before the form, not after it.
            assert response.status_code == (403 if url == opinion_form else 200), (url, response.status_code)


def test_anonymous_users_are_sent_to_sign_in(world: dict[str, object]) -> None:
    for method, url in every_url(world):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_object_of_another_request_is_404(staff: dict[str, User], world: dict[str, object]) -> None:
    from tests.factories import make_request

    other = make_request(received=RECEIVED, today=RECEIVED, subject_name="Someone Else")
    text_doc = world["text_doc"]
    response = client_for(staff["manager"]).get(reverse("disclosure:document", args=[other.pk, text_doc.pk]))  # type: ignore[attr-defined]
    assert response.status_code == 404


def test_overview_lists_records_review_and_blockers(staff: dict[str, User], world: dict[str, object]) -> None:
    rr = world["rr"]
    response = client_for(staff["caseworker"]).get(reverse("disclosure:request", args=[rr.pk]))  # type: ignore[attr-defined]
    page = text_of(response)
    assert "Greater Manchester Police" in page
    assert "Contact log" in page and "Referral" in page
    assert "S2 P3 para16 \u00d7 1" in page
    assert "2 documents are not yet marked reviewed" in page
    assert "neither-confirm-nor-deny flag awaits the Manager" in page
    assert "no decision on whether it is reasonable to disclose" in page
    assert RequestView.objects.filter(request=rr, user=staff["caseworker"]).exists()


def test_overview_queries_do_not_grow_with_documents(staff: dict[str, User], access_request: RightsRequest) -> None:
    client = client_for(staff["caseworker"])
    url = reverse("disclosure:request", args=[access_request.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for i in range(n):
            doc = document_add_text(
                by=staff["caseworker"],
                request=access_request,
                details=DocumentDetails(title=f"Doc {i}"),
                text="Jane Doe",
                today=TODAY,
            )
            redaction_add_span(by=staff["caseworker"], document=doc, start=0, end=4, exemption="third_party")

    add(2)
    few = count()
    add(8)
    assert count() == few


def test_add_a_typed_document_then_redact_by_phrase_and_mark_reviewed(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    client = client_for(staff["caseworker"])
    response = client.post(
        reverse("disclosure:document_add", args=[access_request.pk]),
        {"title": "Social care note", "text": "Jane Doe visited.\r\nJANE DOE left.", "holds_social_work_data": "on"},
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "disclosure:document", args=[access_request.pk, doc.pk]
    )
    assert doc.text == "Jane Doe visited.\nJANE DOE left." and doc.holds_social_work_data
    response = client.post(
        reverse("disclosure:redact_phrase", args=[access_request.pk, doc.pk]),
        {"phrase-phrase": "jane doe", "phrase-exemption": "third_party", "phrase-reason": ""},
    )
    assert response.status_code == 302
    assert Redaction.objects.filter(document=doc).count() == 2
    page = text_of(client.get(reverse("disclosure:document", args=[access_request.pk, doc.pk])))
    assert page.count('class="app-redacted"') == 2
    response = client.post(reverse("disclosure:document_reviewed", args=[access_request.pk, doc.pk]))
    doc.refresh_from_db()
    assert doc.is_reviewed and doc.reviewed_by == staff["caseworker"]


def test_refused_upload_is_shown_beside_the_field(staff: dict[str, User], access_request: RightsRequest) -> None:
    response = client_for(staff["caseworker"]).post(
        reverse("disclosure:document_add", args=[access_request.pk]),
        {"title": "Stats", "file": SimpleUploadedFile("stats.pdf", xlsx_bytes(), content_type="application/pdf")},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "There is a problem" in page
    assert "it is an Excel spreadsheet" in page
    assert not Document.objects.exists()


def test_upload_a_pdf_and_see_its_page(staff: dict[str, User], access_request: RightsRequest) -> None:
    client = client_for(staff["caseworker"])
    client.post(
        reverse("disclosure:document_add", args=[access_request.pk]),
        {
            "title": "Referral",
            "file": SimpleUploadedFile("r.pdf", pdf_from_html("<p>Jane Doe</p>"), content_type="application/pdf"),
        },
    )
    doc = Document.objects.get()
    assert doc.source_kind == SourceKind.PDF_TEXT
    response = client.get(reverse("disclosure:page_image", args=[access_request.pk, doc.pk, 1]))
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (827, 1170)
    assert client.get(reverse("disclosure:page_image", args=[access_request.pk, doc.pk, 2])).status_code == 404


def test_page_image_of_a_text_document_is_404(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, text_doc = world["rr"], world["text_doc"]
    url = reverse("disclosure:page_image", args=[rr.pk, text_doc.pk, 1])  # type: ignore[attr-defined]
    assert client_for(staff["caseworker"]).get(url).status_code == 404


def test_two_clicks_on_the_page_fill_in_the_rectangle(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, pdf_doc = world["rr"], world["pdf_doc"]
    url = reverse("disclosure:document", args=[rr.pk, pdf_doc.pk])  # type: ignore[attr-defined]
    client = client_for(staff["caseworker"])
    first = text_of(client.get(url, {"page": 1, "corner.x": 100, "corner.y": 200}))
    assert "First corner at 72.0, 144.0 points" in first
    second = client.get(url, {"page": 1, "fx": 72.0, "fy": 144.0, "corner.x": 50, "corner.y": 300})
    form = second.context["rect_form"]
    assert (form.initial["x0"], form.initial["top"], form.initial["x1"], form.initial["bottom"]) == (
        36.0,
        144.0,
        72.0,
        216.0,
    )


def test_rectangle_form_posts_and_errors_show_on_the_page(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, pdf_doc = world["rr"], world["pdf_doc"]
    url = reverse("disclosure:redact_rectangle", args=[rr.pk, pdf_doc.pk])  # type: ignore[attr-defined]
    client = client_for(staff["caseworker"])
    bad = client.post(
        url,
        {"rect-page": 1, "rect-x0": 10, "rect-top": 10, "rect-x1": 9000, "rect-bottom": 50, "rect-exemption": "crime"},
    )
    assert bad.status_code == 400 and "must lie on the page" in text_of(bad)
    good = client.post(
        url,
        {"rect-page": 1, "rect-x0": 10, "rect-top": 10, "rect-x1": 90, "rect-bottom": 50, "rect-exemption": "crime"},
    )
    assert good.status_code == 302
    assert Redaction.objects.filter(document=pdf_doc, kind="rectangle").count() == 1


def test_span_form_and_missing_exemption(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, text_doc = world["rr"], world["text_doc"]
    url = reverse("disclosure:redact_span", args=[rr.pk, text_doc.pk])  # type: ignore[attr-defined]
    client = client_for(staff["caseworker"])
    response = client.post(url, {"span-start": 15, "span-end": 23})
    assert response.status_code == 400 and "Choose the exemption" in text_of(response)
    assert client.post(url, {"span-start": 15, "span-end": 23, "span-exemption": "third_party"}).status_code == 302
    assert Redaction.objects.filter(document=text_doc, start=15, end=23).exists()


def test_manager_approves_ncnd_from_the_overview(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, flag = world["rr"], world["flag"]
    url = reverse("disclosure:ncnd_approve", args=[rr.pk, flag.pk])  # type: ignore[attr-defined]
    client_for(staff["caseworker"]).post(url)
    assert NcndFlag.objects.get().approved_at is None
    client_for(staff["manager"]).post(url)
    assert NcndFlag.objects.get().approved_by == staff["manager"]


def test_ncnd_document_flag_from_the_review_page(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, pdf_doc = world["rr"], world["pdf_doc"]
    response = client_for(staff["caseworker"]).post(
        reverse("disclosure:document_ncnd", args=[rr.pk, pdf_doc.pk]),  # type: ignore[attr-defined]
        {"ncnd-exemption": "crime", "ncnd-reason": "Tip-off risk"},
    )
    assert response.status_code == 302
    assert NcndFlag.objects.filter(document=pdf_doc, redaction__isnull=True).exists()


def test_third_party_decision_and_opinion_pages(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, party = world["rr"], world["party"]
    refer(rr, staff["reviewer"])  # type: ignore[arg-type]
    Document.objects.filter(pk=party.document_id).update(harm_concern=True)  # type: ignore[attr-defined]
    client = client_for(staff["reviewer"])
    url = reverse("disclosure:third_party", args=[rr.pk, party.pk])  # type: ignore[attr-defined]
    missing = client.post(url, {"form": "decision", "decision-reasonable_to_disclose": "no"})
    assert missing.status_code == 400 and "Enter reasons" in text_of(missing)
    client.post(
        url,
        {
            "form": "decision",
            "decision-reasonable_to_disclose": "no",
            "decision-decision_reasons": "Confidential source",
        },
    )
    assert ThirdParty.objects.get().reasonable_to_disclose == "no"
    response = client.post(
        reverse("disclosure:opinion_add", args=[rr.pk]),  # type: ignore[attr-defined]
        {
            "area": "health",
            "professional_name": "Dr A Patel",
            "professional_role": "Consultant paediatrician",
            "opinion_date_day": "10",
            "opinion_date_month": "3",
            "opinion_date_year": "2026",
            "opinion": "Serious harm is likely.",
            "conclusion": "withhold_in_part",
        },
    )
    assert response.status_code == 302
    assert SeriousHarmOpinion.objects.get().opinion_date == dt.date(2026, 3, 10)


def test_caseworker_cannot_record_an_opinion(staff: dict[str, User], world: dict[str, object]) -> None:
    rr = world["rr"]
    response = client_for(staff["caseworker"]).post(
        reverse("disclosure:opinion_add", args=[rr.pk]),  # type: ignore[attr-defined]
        {
            "area": "health",
            "professional_name": "Dr A Patel",
            "professional_role": "Consultant",
            "opinion_date_day": "10",
            "opinion_date_month": "3",
            "opinion_date_year": "2026",
            "opinion": "x",
            "conclusion": "disclose",
        },
    )
    assert response.status_code == 403  # refused at once: the form is never offered to a caseworker
    assert not SeriousHarmOpinion.objects.exists()
    overview = text_of(client_for(staff["caseworker"]).get(reverse("disclosure:request", args=[rr.pk])))  # type: ignore[attr-defined]
    assert "Record a serious-harm opinion" not in overview
    assert "A professional reviewer or the Manager records serious-harm opinions" in overview


def test_ask_an_agency_and_record_its_return(staff: dict[str, User], access_request: RightsRequest) -> None:
    client = client_for(staff["caseworker"])
    response = client.post(
        reverse("disclosure:agency_ask", args=[access_request.pk]),
        {"new_agency": "Hillside Primary", "new_agency_kind": "education", "notes": "All records about Alex"},
    )
    assert response.status_code == 302
    asked = AgencyRequest.objects.get()
    assert asked.agency.name == "Hillside Primary" and asked.requested_on == TODAY
    response = client.post(
        reverse("disclosure:agency_return", args=[access_request.pk, asked.pk]),
        {"outcome": "nil_return", "received_on_day": "16", "received_on_month": "3", "received_on_year": "2026"},
    )
    assert response.status_code == 302
    assert AgencyRequest.objects.get().status == AgencyRequestStatus.NIL_RETURN


def test_user_content_is_escaped(staff: dict[str, User], access_request: RightsRequest) -> None:
    document_add_text(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="<script>alert(1)</script>"),
        text="<img src=x onerror=alert(1)>",
        today=TODAY,
    )
    client = client_for(staff["caseworker"])
    overview = client.get(reverse("disclosure:request", args=[access_request.pk])).content.decode()
    assert "<script>alert(1)</script>" not in overview and "&lt;script&gt;" in overview
    doc = Document.objects.get()
    review = client.get(reverse("disclosure:document", args=[access_request.pk, doc.pk])).content.decode()
    assert "<img src=x" not in review and "&lt;img src=x onerror=alert(1)&gt;" in review


def test_flagged_document_shows_on_the_overview(staff: dict[str, User], world: dict[str, object]) -> None:
    rr, pdf_doc = world["rr"], world["pdf_doc"]
    ncnd_flag_document(by=staff["caseworker"], document=pdf_doc, exemption="crime", reason="Tip-off risk")  # type: ignore[arg-type]
    page = text_of(client_for(staff["manager"]).get(reverse("disclosure:request", args=[rr.pk])))  # type: ignore[attr-defined]
    assert "The whole of “Referral”" in page
    assert page.count(">Approve<") == 2


def test_overview_of_another_kind_of_request_says_records_are_for_access_requests(staff: dict[str, User]) -> None:
    from rights import RightKind
    from tests.factories import make_request

    erasure = make_request(kind=RightKind.ERASURE, received=RECEIVED, today=RECEIVED)
    response = client_for(staff["caseworker"]).get(reverse("disclosure:request", args=[erasure.pk]))
    page = text_of(response)
    assert response.status_code == 200
    assert "only for access requests" in page
    assert "Add a document" not in page


def test_clearing_the_harm_concern_on_the_details_page_needs_a_reason_and_undoes_review(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    from disclosure.services.documents import document_mark_reviewed

    doc = document_add_text(
        by=staff["caseworker"],
        request=access_request,
        details=DocumentDetails(title="GP letter", holds_health_data=True, harm_concern=True),
        text="Jane Doe",
        today=TODAY,
    )
    document_mark_reviewed(by=staff["reviewer"], document=doc)
    client = client_for(staff["caseworker"])
    url = reverse("disclosure:document_edit", args=[access_request.pk, doc.pk])
    response = client.post(url, {"title": "GP letter", "holds_health_data": "on"})
    assert response.status_code == 400
    assert "Say why the harm concern" in text_of(response)
    doc.refresh_from_db()
    assert doc.harm_concern and doc.is_reviewed
    response = client.post(url, {"title": "GP letter", "holds_health_data": "on", "reason": "The GP withdrew it"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert not doc.harm_concern and not doc.is_reviewed
    assert doc.history.first().history_user == staff["caseworker"]
    assert "“harm is a concern” cleared: The GP withdrew it" in doc.history.first().history_change_reason


def test_an_agency_is_added_only_with_its_named_data_owner(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    from disclosure.models import Agency

    client = client_for(staff["caseworker"])
    url = reverse("disclosure:agency_new", args=[access_request.pk])
    response = client.post(url, {"name": "Hillside Primary", "kind": "education", "data_owner": ""})
    assert response.status_code == 400 and "Enter the agency&#x27;s named data owner" in text_of(response)
    assert not Agency.objects.exists()
    response = client.post(url, {"name": "Hillside Primary", "kind": "education", "data_owner": "Head teacher"})
    assert response.status_code == 302 and Agency.objects.get().data_owner == "Head teacher"


def test_an_agency_without_a_named_owner_is_flagged_until_someone_names_it(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    client = client_for(staff["caseworker"])
    response = client.post(
        reverse("disclosure:agency_ask", args=[access_request.pk]),
        {"new_agency": "Stockport Youth Service", "notes": ""},
    )
    assert response.status_code == 302
    asked = AgencyRequest.objects.get()
    overview = text_of(client.get(reverse("disclosure:request", args=[access_request.pk])))
    assert "Data owner not yet named" in overview
    url = reverse("disclosure:agency", args=[access_request.pk, asked.agency_id])
    page = text_of(client.get(url))
    assert "Stockport Youth Service has no named data owner yet" in page
    response = client.post(url, {"name": "Stockport Youth Service", "kind": "other", "data_owner": "Service manager"})
    assert response.status_code == 302
    asked.agency.refresh_from_db()
    assert asked.agency.data_owner == "Service manager" and asked.agency.data_owner_named
    assert asked.agency.history.first().history_change_reason == "Agency details changed"
    overview = text_of(client.get(reverse("disclosure:request", args=[access_request.pk])))
    assert "Data owner not yet named" not in overview and "Data owner: Service manager" in overview
    assert "has no named data owner" not in text_of(client.get(url))


def test_the_admin_requires_an_agencys_data_owner(db: None) -> None:
    from disclosure.models import Agency

    client = client_for(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(reverse("admin:disclosure_agency_add"), {"name": "Fire service", "kind": "other"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Agency.objects.exists()
    from disclosure.services.records import agency_get_or_create_by_name

    agency_get_or_create_by_name(by=None, name="Imported agency")
    changelist = client.get(reverse("admin:disclosure_agency_changelist")).content.decode()
    assert "Data owner named" in changelist and "Data owner not yet named" in changelist
