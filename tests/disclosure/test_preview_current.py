"""Approval asks that the verified preview is still current: what the records make now is what was previewed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from disclosure.models import Document, Pack, PackStatus, Redaction
from disclosure.pack.selectors import preview_check, preview_is_current
from disclosure.services.documents import document_mark_reviewed
from disclosure.services.packs import pack_request
from disclosure.services.redaction import redaction_add_span, redaction_remove
from disclosure.services.review import ThirdPartyDetails, third_party_add, third_party_decide
from requests_app.models import RightsRequest, Status
from requests_app.services.transitions import request_transition
from rights import ApplicationError
from tests.disclosure.conftest import TODAY
from tests.disclosure.test_task_list import client_for, reviewed_case, statuses, text_of
from tests.factories import owners_agree, preview_made, take_steps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 16, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def awaiting_sign_off(access_request: RightsRequest, staff: dict[str, User]) -> dict[str, object]:
    case = reviewed_case(access_request, staff["caseworker"])
    request = take_steps(access_request, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    owners_agree(request, by=staff["caseworker"])
    case["request"] = RightsRequest.objects.get(pk=request.pk)
    return case


def approve(request: RightsRequest, manager: User) -> RightsRequest:
    return request_transition(
        request_id=request.pk,
        user=manager,
        transition="approve",
        expected_version=RightsRequest.objects.get(pk=request.pk).version,
        data={},
        today=TODAY,
    )


def test_a_queued_preview_is_current_as_the_pack_service_records_it(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    """The fingerprint compared is the one pack_request records (not only the test factory's)."""
    case = awaiting_sign_off(access_request, staff)
    request = case["request"]
    assert isinstance(request, RightsRequest)
    queued = pack_request(request=request, by=staff["caseworker"], preview=True, today=TODAY, enqueue=False)
    assert queued.inputs_hash and preview_is_current(request, queued)
    Redaction.objects.filter(document=case["told"]).delete()  # even a deletion, which leaves no timestamp behind
    assert not preview_is_current(request, queued)


def test_a_redaction_removed_after_the_preview_blocks_approval_until_a_new_preview(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    worker, manager = staff["caseworker"], staff["manager"]
    case = awaiting_sign_off(access_request, staff)
    request = case["request"]
    assert isinstance(request, RightsRequest)
    first = preview_made(request, by=worker)
    assert preview_check(request) is None

    told = case["told"]
    assert isinstance(told, Document)
    redaction_remove(by=worker, redaction=told.redactions.get(), reason="Jane Doe is the requester's own mother.")
    document_mark_reviewed(by=worker, document=Document.objects.get(pk=told.pk))
    assert isinstance(first, Pack)
    reason = preview_check(RightsRequest.objects.get(pk=request.pk))
    assert reason is not None and f"Preview {first.pk} is out of date" in reason

    with pytest.raises(ApplicationError, match="is out of date"):
        approve(request, manager)
    assert RightsRequest.objects.get(pk=request.pk).status == Status.AWAITING_SIGN_OFF

    # The check page says so, with a link to make a new one, and offers no approval button.
    client = client_for(manager)
    page = text_of(client.get(reverse("disclosure:check", args=[request.pk])))
    assert "Out of date" in page and f"Preview {first.pk} is out of date" in page
    assert f'id="make-new-preview" href="{reverse("disclosure:packs", args=[request.pk])}"' in page
    assert f'action="{reverse("request_step", args=[request.pk, "approve"])}"' not in page
    tasks = statuses(client.get(reverse("disclosure:request", args=[request.pk])))
    assert tasks["preview"] == "In progress"

    preview_made(request, by=worker)
    page = text_of(client.get(reverse("disclosure:check", args=[request.pk])))
    assert "Out of date" not in page and 'id="make-new-preview"' not in page
    assert approve(request, manager).status == Status.APPROVED


def test_an_exemption_changed_or_a_third_party_decided_after_the_preview_makes_it_stale(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    worker = staff["caseworker"]
    case = awaiting_sign_off(access_request, staff)
    request = case["request"]
    assert isinstance(request, RightsRequest)
    preview = preview_made(request, by=worker)
    assert isinstance(preview, Pack)
    redaction = Redaction.objects.get(document=case["told"])
    redaction.exemption = "crime"
    redaction.save()
    assert not preview_is_current(request, preview)

    redaction.exemption = "third_party"
    redaction.save()
    assert preview_is_current(request, preview)  # the pack is made the same again: the preview shows it
    party = third_party_add(
        by=worker,
        request=request,
        details=ThirdPartyDetails(name="Contact", consent_reason="Not traceable."),
        today=TODAY,
    )
    third_party_decide(by=worker, third_party=party, reasonable_to_disclose=False, reasons="No consent.")
    assert not preview_is_current(request, preview)  # a new name the pack is checked never to contain


def test_a_preview_of_an_earlier_day_stays_current_and_one_without_a_fingerprint_does_not(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    worker = staff["caseworker"]
    case = awaiting_sign_off(access_request, staff)
    request = case["request"]
    assert isinstance(request, RightsRequest)
    earlier = preview_made(request, by=worker, on=TODAY - dt.timedelta(days=3))
    assert isinstance(earlier, Pack)
    assert preview_check(request) is None  # the letter date it was made with is the one it is compared at
    later = Pack.objects.create(request=request, preview=True, status=PackStatus.VERIFIED, progress=100)
    reason = preview_check(request)
    assert reason is not None and f"Preview {later.pk} is out of date" in reason  # the newest verified one counts


def test_redacting_more_after_the_preview_shows_out_of_date_on_the_records_page(
    staff: dict[str, User], access_request: RightsRequest
) -> None:
    worker = staff["caseworker"]
    case = awaiting_sign_off(access_request, staff)
    request = case["request"]
    assert isinstance(request, RightsRequest)
    preview_made(request, by=worker)
    client = client_for(worker)
    url = reverse("disclosure:request", args=[request.pk])
    assert statuses(client.get(url))["preview"] == "Completed"
    told = case["told"]
    assert isinstance(told, Document)
    redaction_add_span(by=worker, document=told, start=18, end=22, exemption="third_party")
    response = client.get(url)
    assert statuses(response)["preview"] == "In progress"
    assert "is out of date: the records changed since" in text_of(response)
