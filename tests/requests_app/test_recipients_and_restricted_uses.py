"""The requester's letter naming the recipients of a change (UK GDPR Art 19), and the record of each use of
restricted data on an Art 18(2) ground."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from requests_app import guards
from requests_app.models import Letter, RestrictedDataUse, RightsRequest
from requests_app.services.effects import (
    request_recipient_not_required,
    request_recipient_told,
    request_recipients_letter_send,
)
from requests_app.services.restricted_uses import restricted_use_record
from requests_app.services.transitions import request_transition
from reviews.models import DataShare, DataSubjectRecord, RecipientNotification
from rights import ApplicationError, RightKind
from tests import factories
from tests.factories import sign_in
from tests.reviews.conftest import Holdings

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 3, 2)
DAY = dt.date(2026, 3, 4)
DOB = dt.date(2012, 5, 1)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Europe/London"))):
        yield


@pytest.fixture(autouse=True)
def _only_this_layers_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "_REGISTRY", {})


@pytest.fixture
def boss() -> User:
    return factories.manager("boss")


@pytest.fixture
def casey() -> User:
    return factories.caseworker("casey")


@pytest.fixture
def holdings(boss: User) -> Holdings:
    return Holdings(by=boss)


def _records(holdings: Holdings) -> tuple[DataSubjectRecord, DataSubjectRecord]:
    """Alex held by the police (shared with a school) and by a health trust."""
    police = holdings.record("Alex Example", date_of_birth=DOB, categories={"police": "Incident log 2024"})
    health = holdings.record(
        "Alex Example",
        submission=holdings.submission(holdings.review(), agency=holdings.agency("Stockport NHS Trust", "health")),
        date_of_birth=DOB,
        categories={"health": "Referral 2023"},
    )
    school = holdings.agency("Hillside School", "education")
    DataShare.objects.create(
        record=police, agency=school, shared_on=dt.date(2025, 2, 1), purpose="Multi-agency audit", shared_by=holdings.by
    )
    return police, health


def _request(kind: RightKind, casey: User, confirm: tuple[DataSubjectRecord, ...]) -> RightsRequest:
    request = factories.make_request(kind=kind, received=RECEIVED, today=RECEIVED, subject_name="Alex Example")
    request = factories.verify_identity(request, by=casey, on=RECEIVED)
    factories.keep_subject_search(request, by=casey, confirm=confirm)
    return factories.take_steps(request, "start_work", user=casey, today=DAY)


def _step(request: RightsRequest, name: str, user: User, today: dt.date = DAY, **data: str) -> RightsRequest:
    return request_transition(
        request_id=request.pk,
        user=user,
        transition=name,
        expected_version=RightsRequest.objects.get(pk=request.pk).version,
        data=data or factories.STEP_INPUTS.get(name, {}),
        today=today,
    )


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _pdf_text(letter: Letter) -> str:
    with letter.file.open("rb") as handle:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(handle).pages)


# Art 19: the letter naming the recipients


def test_the_requester_who_asks_gets_a_letter_naming_each_recipient_and_whether_it_was_told(
    holdings: Holdings, boss: User, casey: User
) -> None:
    police, health = _records(holdings)
    request = _step(_request(RightKind.ERASURE, casey, (police, health)), "erase", boss)
    notices = RecipientNotification.objects.filter(request_reference=request.reference)
    police_notice = notices.get(agency__name="Greater Manchester Police")
    request_recipient_told(
        request_id=request.pk, by=casey, notification_id=police_notice.pk, sent_on=DAY, method="post", today=DAY
    )
    school = notices.get(agency__name="Hillside School")
    request_recipient_not_required(
        request_id=request.pk, by=boss, notification_id=school.pk, reason="The school closed in 2025 (internal note)."
    )

    client = _client(casey)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    url = reverse("request_recipients_letter", args=[request.pk])
    assert url in page
    assert client.get(url).status_code == 200
    response = client.post(url, {"asked_on_day": "3", "asked_on_month": "3", "asked_on_year": "2026", "method": "post"})
    assert response.status_code == 302, response.content.decode()

    letter = Letter.objects.get(request=request, template="recipients_list")
    assert (letter.method, letter.created_by, letter.date) == ("post", casey, DAY)
    assert letter.history.first().history_change_reason == "Generated: The organisations told of the change"
    text = _pdf_text(letter)
    assert "3 March 2026" in text and "erasure of the information" in text and "Article 19" in text
    assert "Greater Manchester Police, which supplied the information to us: told on 4 March 2026" in text
    assert "Hillside School, which received the information from us: not told" in text
    assert "impossible or would involve disproportionate effort" in text
    assert "Stockport NHS Trust, which supplied the information to us: we are telling it now" in text
    assert "internal note" not in text  # the staff's reason stays on the record, not in the letter
    assert "Incident log" not in text  # never what was held


def test_the_recipients_letter_is_refused_before_the_change_and_for_a_day_that_cannot_be(
    holdings: Holdings, boss: User, casey: User
) -> None:
    police, health = _records(holdings)
    request = _request(RightKind.ERASURE, casey, (police, health))
    with pytest.raises(ApplicationError, match="Nothing has been corrected, erased or restricted"):
        request_recipients_letter_send(request_id=request.pk, by=casey, asked_on=DAY, method="post", today=DAY)
    client = _client(casey)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert reverse("request_recipients_letter", args=[request.pk]) not in page
    response = client.post(
        reverse("request_recipients_letter", args=[request.pk]),
        {"asked_on_day": "4", "asked_on_month": "3", "asked_on_year": "2026", "method": "post"},
    )
    assert response.status_code == 200 and "Nothing has been corrected" in response.content.decode()

    request = _step(request, "erase", boss)
    with pytest.raises(ApplicationError, match="before the request was received"):
        request_recipients_letter_send(
            request_id=request.pk, by=casey, asked_on=dt.date(2026, 3, 1), method="post", today=DAY
        )
    with pytest.raises(ApplicationError, match="future"):
        request_recipients_letter_send(
            request_id=request.pk, by=casey, asked_on=dt.date(2026, 3, 5), method="post", today=DAY
        )
    access = factories.make_request(kind=RightKind.ACCESS, received=RECEIVED, today=RECEIVED)
    with pytest.raises(ApplicationError, match="rectification, erasure, restriction or objection"):
        request_recipients_letter_send(request_id=access.pk, by=casey, asked_on=DAY, method="post", today=DAY)
    assert not Letter.objects.filter(template="recipients_list").exists()


# Art 18(2): uses of restricted data


def _restricted(holdings: Holdings, casey: User) -> RightsRequest:
    police, health = _records(holdings)
    request = _request(RightKind.RESTRICTION, casey, (police, health))
    return _step(request, "restrict", casey, restriction_basis="legal_claims", decision_reasons="Needed for a claim.")


def _use(day: str = "4", ground: str = "consent", what: str = "Shared with the family court.") -> dict[str, str]:
    return {
        "used_on_day": day,
        "used_on_month": "3",
        "used_on_year": "2026",
        "used_by": "Children's Social Care, legal team",
        "ground": ground,
        "what": what,
    }


def test_a_use_of_restricted_data_is_recorded_with_its_ground_and_shown_on_the_page(
    holdings: Holdings, boss: User, casey: User
) -> None:
    request = _restricted(holdings, casey)
    client = _client(casey)
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    url = reverse("request_restricted_use_new", args=[request.pk])
    assert url in page and "No use beyond storing the data has been recorded." in page
    assert client.get(url).status_code == 200

    response = client.post(url, _use(ground="legal_claims", what="Disclosed to the council's solicitor."))
    assert response.status_code == 302, response.content.decode()
    use = RestrictedDataUse.objects.get(request=request)
    assert (use.used_on, use.ground, use.recorded_by, use.used_by) == (
        DAY,
        "legal_claims",
        casey,
        "Children's Social Care, legal team",
    )
    assert use.history.first().history_change_reason == (
        "Restricted data used: for the establishment, exercise or defence of legal claims (Art 18(2))"
    )
    page = client.get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Disclosed to the council&#x27;s solicitor." in page and "4 March 2026" in page


def test_a_use_without_an_article_18_2_ground_is_refused_and_the_managers_grounds_need_the_manager(
    holdings: Holdings, boss: User, casey: User
) -> None:
    request = _restricted(holdings, casey)
    url = reverse("request_restricted_use_new", args=[request.pk])
    client = _client(casey)

    refused = client.post(url, _use(ground="other"))
    assert refused.status_code == 200
    assert "may only be stored" in refused.content.decode() and "Article 18(2)" in refused.content.decode()
    refused = client.post(url, _use(ground="public_interest"))
    assert refused.status_code == 200 and "Only the Manager can decide" in refused.content.decode()
    refused = client.post(url, _use(day="1"))  # before the restriction began on 4 March
    assert refused.status_code == 200 and "The restriction began on 4 March 2026" in refused.content.decode()
    assert not RestrictedDataUse.objects.exists()

    response = _client(boss).post(url, _use(ground="protect_another", what="A sibling's safety plan."))
    assert response.status_code == 302
    assert RestrictedDataUse.objects.get().ground == "protect_another"


def test_no_use_is_recorded_once_the_restriction_is_lifted_or_before_it(
    holdings: Holdings, boss: User, casey: User
) -> None:
    police, health = _records(holdings)
    assessing = _request(RightKind.RESTRICTION, casey, (police, health))
    with pytest.raises(ApplicationError, match="not restricted now"):
        restricted_use_record(
            request_id=assessing.pk, by=casey, used_on=DAY, used_by="Legal", ground="consent", what="x", today=DAY
        )
    assert _client(casey).get(reverse("request_restricted_use_new", args=[assessing.pk])).status_code == 404

    request = _step(assessing, "restrict", casey, restriction_basis="legal_claims", decision_reasons="Claim.")
    restricted_use_record(
        request_id=request.pk, by=casey, used_on=DAY, used_by="Legal", ground="consent", what="Asked.", today=DAY
    )
    request = _step(request, "give_lift_notice", boss)
    later = dt.date(2026, 3, 20)
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=ZoneInfo("Europe/London"))):
        request = _step(request, "lift", boss, today=later)
        assert not request.processing_restricted
        with pytest.raises(ApplicationError, match="not restricted now"):
            restricted_use_record(
                request_id=request.pk, by=casey, used_on=later, used_by="Legal", ground="consent", what="x", today=later
            )
    page = _client(casey).get(reverse("request_detail", args=[request.pk])).content.decode()
    assert "Uses of restricted data (Article 18(2))" in page  # the record stays after the lift
    assert reverse("request_restricted_use_new", args=[request.pk]) not in page
    assert RestrictedDataUse.objects.count() == 1


def test_a_reviewer_or_stranger_cannot_record_a_use(holdings: Holdings, casey: User) -> None:
    request = _restricted(holdings, casey)
    with pytest.raises(ApplicationError, match="Only a manager or caseworker"):
        restricted_use_record(
            request_id=request.pk,
            by=factories.UserFactory(),
            used_on=DAY,
            used_by="Legal",
            ground="consent",
            what="x",
            today=DAY,
        )
    assert not RestrictedDataUse.objects.exists()
