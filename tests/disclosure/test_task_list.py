"""The records-and-review task list, the check-your-answers page before sign-off, and approval only after a preview."""

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

from disclosure.models import Pack, PackStatus
from disclosure.services.documents import DocumentDetails, document_add_text, document_mark_reviewed, document_withhold
from disclosure.services.records import agency_create, agency_request_create
from disclosure.services.redaction import redaction_add_span
from disclosure.services.review import ThirdPartyDetails, third_party_add, third_party_decide
from requests_app.models import RequestView, RightsRequest, Status
from requests_app.services.transitions import request_transition
from rights import ApplicationError, RightKind
from tests.disclosure.conftest import RECEIVED, TODAY
from tests.factories import keep_subject_search, make_request, owners_agree, preview_made, sign_in, take_steps
from tests.factories import verify_identity as identity_verified

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


def statuses(response: object) -> dict[str, str]:
    """Each task's status as the page shows it, by the task's key."""
    html = response.content.decode()  # type: ignore[attr-defined]
    found = re.findall(r'id="task-([a-z_]+)-status">(.*?)</div>', html, flags=re.S)
    return {key: re.sub(r"<[^>]+>", "", value).strip() for key, value in found}


def in_review(request: RightsRequest, worker: User) -> RightsRequest:
    request = identity_verified(request, by=worker, on=RECEIVED)
    return take_steps(request, "start_work", "gather_records", "begin_review", user=worker, today=TODAY)


def reviewed_case(request: RightsRequest, worker: User) -> dict[str, object]:
    """In review: one document redacted and disclosed, one withheld in full, a third party decided, a search kept."""
    request = in_review(request, worker)
    told = document_add_text(
        by=worker,
        request=request,
        details=DocumentDetails(title="Contact log"),
        text="Jane Doe rang about Alex.",
        today=TODAY,
    )
    redaction_add_span(by=worker, document=told, start=0, end=8, exemption="third_party")
    kept = document_add_text(
        by=worker, request=request, details=DocumentDetails(title="Police intelligence"), text="Intel.", today=TODAY
    )
    document_withhold(by=worker, document=kept, exemption="crime", reason="An open investigation.")
    party = third_party_add(
        by=worker,
        request=request,
        details=ThirdPartyDetails(name="Jane Doe", consent_reason="Asking would alert the family."),
        today=TODAY,
    )
    third_party_decide(by=worker, third_party=party, reasonable_to_disclose=False, reasons="A neighbour; no consent.")
    for document in (told, kept):
        document_mark_reviewed(by=worker, document=document)
    keep_subject_search(request, by=worker)
    return {"request": RightsRequest.objects.get(pk=request.pk), "told": told, "kept": kept, "party": party}


def test_a_new_access_request_shows_every_section_not_started_or_waiting(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    response = client_for(staff["caseworker"]).get(reverse("disclosure:request", args=[access_request.pk]))
    assert response.status_code == 200
    assert statuses(response) == {
        "search": "Not started",
        "agencies": "Not started",
        "documents": "Not started",
        "third_parties": "Not started",
        "opinions": "Cannot start yet",
        "preview": "Cannot start yet",
        "sign_off": "Cannot start yet",
    }
    page = text_of(response)
    assert "0 of 7 sections completed." in page
    assert 'class="govuk-task-list"' in page
    # A section that cannot start yet has no link; one that can links to its part of the work.
    assert f'href="{reverse("disclosure:check", args=[access_request.pk])}"' not in page


def test_statuses_follow_the_work(staff: dict[str, User], access_request: RightsRequest) -> None:
    worker = staff["caseworker"]
    client = client_for(worker)
    url = reverse("disclosure:request", args=[access_request.pk])
    police = agency_create(by=worker, name="Greater Manchester Police", kind="police", data_owner="DPO")
    agency_request_create(by=worker, request=access_request, agency=police, requested_on=RECEIVED, today=TODAY)
    document = document_add_text(
        by=worker, request=access_request, details=DocumentDetails(title="Log"), text="Jane Doe rang.", today=TODAY
    )
    redaction_add_span(by=worker, document=document, start=0, end=8, exemption="third_party")
    party = third_party_add(
        by=worker,
        request=access_request,
        details=ThirdPartyDetails(name="Jane Doe", consent_reason="Asking would alert the family."),
        today=TODAY,
    )
    first = statuses(client.get(url))
    assert first["agencies"] == "In progress"
    assert first["documents"] == "In progress"  # redacting has begun, nothing marked reviewed
    assert first["third_parties"] == "In progress"
    assert first["preview"] == "Not started"

    document_mark_reviewed(by=worker, document=document)
    third_party_decide(by=worker, third_party=party, reasonable_to_disclose=False, reasons="No consent.")
    keep_subject_search(access_request, by=worker)
    Pack.objects.create(request=access_request, preview=True, status=PackStatus.RENDERING)
    second = statuses(client.get(url))
    assert second["documents"] == "Completed"
    assert second["third_parties"] == "Completed"
    assert second["opinions"] == "Completed"  # none needed once every document is reviewed
    assert second["search"] == "Completed"
    assert second["preview"] == "In progress"
    assert second["sign_off"] == "Not started"  # the agency's return is still awaited, but does not block sign-off
    assert second["agencies"] == "In progress"


def test_a_harm_concern_leaves_opinions_to_do(staff: dict[str, User], access_request: RightsRequest) -> None:
    worker = staff["caseworker"]
    document_add_text(
        by=worker,
        request=access_request,
        details=DocumentDetails(title="GP letter", holds_health_data=True, harm_concern=True),
        text="Health.",
        today=TODAY,
    )
    response = client_for(worker).get(reverse("disclosure:request", args=[access_request.pk]))
    assert statuses(response)["opinions"] == "Not started"
    assert statuses(response)["sign_off"] == "Cannot start yet"


def test_task_list_queries_do_not_grow(staff: dict[str, User], access_request: RightsRequest) -> None:
    worker = staff["caseworker"]
    client = client_for(worker)
    url = reverse("disclosure:request", args=[access_request.pk])
    check = reverse("disclosure:check", args=[access_request.pk])

    def counts() -> tuple[int, int]:
        result = []
        for page in (url, check):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            result.append(len(queries))
        return result[0], result[1]

    def add(n: int) -> None:
        for i in range(n):
            doc = document_add_text(
                by=worker, request=access_request, details=DocumentDetails(title=f"Doc {i}"), text="Jane", today=TODAY
            )
            redaction_add_span(by=worker, document=doc, start=0, end=4, exemption="third_party")
            party = third_party_add(
                by=worker,
                request=access_request,
                details=ThirdPartyDetails(name=f"Person {i}", consent_reason="Not traceable."),
                today=TODAY,
            )
            third_party_decide(by=worker, third_party=party, reasonable_to_disclose=True, reasons="Consented.")

    add(2)
    few = counts()
    add(6)
    assert counts() == few


def test_check_page_shows_what_is_disclosed_and_withheld_and_why(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    case = reviewed_case(access_request, staff["caseworker"])
    response = client_for(staff["caseworker"]).get(reverse("disclosure:check", args=[access_request.pk]))
    assert response.status_code == 200
    page = text_of(response)
    disclosed = page[page.index('id="disclosed"') : page.index('id="redactions"')]
    assert "Contact log" in disclosed and "S2 P3 para16 \u00d7 1" in disclosed
    assert "Police intelligence" not in disclosed
    withheld = page[page.index('id="withheld"') : page.index('id="third-parties"')]
    assert "Police intelligence" in withheld and "Withheld in full" in withheld
    redactions = page[page.index('id="redactions"') : page.index('id="withheld"')]
    assert "1 redaction" in redactions
    third = page[page.index('id="third-parties"') : page.index('id="opinions"')]
    assert "Jane Doe" in third and "A neighbour; no consent." in third
    assert "None made yet" in page  # no preview
    # The caseworker's step is on the page, as a form posting to the step itself.
    assert f'action="{reverse("request_step", args=[access_request.pk, "submit_for_sign_off"])}"' in page
    assert RequestView.objects.filter(request=case["request"], user=staff["caseworker"]).exists()


def test_sign_off_from_the_check_page_then_approve_only_with_a_preview(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    worker, manager = staff["caseworker"], staff["manager"]
    reviewed_case(access_request, worker)
    step_url = reverse("request_step", args=[access_request.pk, "submit_for_sign_off"])
    version = RightsRequest.objects.get(pk=access_request.pk).version
    response = client_for(worker).post(step_url, {"version": version, "confirmed": "yes"})
    assert response.status_code == 302
    assert RightsRequest.objects.get(pk=access_request.pk).status == Status.AWAITING_SIGN_OFF
    owners_agree(access_request, by=worker)

    manager_client = client_for(manager)
    check = reverse("disclosure:check", args=[access_request.pk])
    page = text_of(manager_client.get(check))
    assert "You cannot approve yet" in page
    assert "No verified preview of the pack exists" in page
    approve_url = reverse("request_step", args=[access_request.pk, "approve"])
    assert f'action="{approve_url}"' not in page
    refused = manager_client.post(approve_url, {"version": RightsRequest.objects.get(pk=access_request.pk).version})
    assert refused.status_code == 200
    assert "No verified preview" in text_of(refused)
    assert RightsRequest.objects.get(pk=access_request.pk).status == Status.AWAITING_SIGN_OFF

    preview_made(access_request, by=worker)
    page = text_of(manager_client.get(check))
    assert f'action="{approve_url}"' in page
    assert 'name="confirmed" value="yes"' in page and "Confirm and approve" in page  # the check page is the summary
    version = RightsRequest.objects.get(pk=access_request.pk).version
    done = manager_client.post(approve_url, {"version": version, "confirmed": "yes"})
    assert done.status_code == 302
    assert RightsRequest.objects.get(pk=access_request.pk).status == Status.APPROVED
    tasks = statuses(manager_client.get(reverse("disclosure:request", args=[access_request.pk])))
    assert tasks["sign_off"] == "Completed"
    assert tasks["preview"] == "Completed"


def test_a_failed_preview_does_not_allow_approval(staff: dict[str, User], access_request: RightsRequest) -> None:
    worker = staff["caseworker"]
    reviewed_case(access_request, worker)
    request = take_steps(access_request, "submit_for_sign_off", user=worker, today=TODAY)
    owners_agree(request, by=worker)
    Pack.objects.create(request=request, preview=True, status=PackStatus.FAILED)
    Pack.objects.create(request=request, preview=False, status=PackStatus.FAILED)
    with pytest.raises(ApplicationError, match="No verified preview"):
        request_transition(
            request_id=request.pk,
            user=staff["manager"],
            transition="approve",
            expected_version=RightsRequest.objects.get(pk=request.pk).version,
            data={},
            today=TODAY,
        )
    assert RightsRequest.objects.get(pk=request.pk).status == Status.AWAITING_SIGN_OFF


def test_request_page_leads_to_the_check_page_for_sign_off(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    reviewed_case(access_request, staff["caseworker"])
    page = text_of(client_for(staff["caseworker"]).get(reverse("request_detail", args=[access_request.pk])))
    check = reverse("disclosure:check", args=[access_request.pk])
    assert f'<a href="{check}" role="button"' in page
    step_url = reverse("request_step", args=[access_request.pk, "submit_for_sign_off"])
    assert f'action="{step_url}"' not in page  # no one-click sign-off without the summary


def test_check_page_is_for_access_requests_and_staff_who_see_all_records(staff: dict[str, User]) -> None:
    erasure = make_request(kind=RightKind.ERASURE, received=RECEIVED, today=RECEIVED)
    assert client_for(staff["manager"]).get(reverse("disclosure:check", args=[erasure.pk])).status_code == 404
    access = make_request(received=RECEIVED, today=RECEIVED)
    assert client_for(staff["reviewer"]).get(reverse("disclosure:check", args=[access.pk])).status_code == 404
    response = client_for(staff["manager"]).get(reverse("disclosure:request", args=[erasure.pk]))
    assert 'class="govuk-task-list"' not in response.content.decode()
