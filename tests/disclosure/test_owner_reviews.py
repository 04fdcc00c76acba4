"""An agency's data owner signs off the redactions of its own records before the pack is signed off."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from disclosure.models import Agency, OwnerReview, OwnerReviewAccess, OwnerReviewCode
from disclosure.owner_selectors import owner_review_blockers
from disclosure.services.delivery import PortalVisitor
from disclosure.services.owner_reviews import (
    owner_code_check,
    owner_code_send,
    owner_review_answer,
    owner_review_ask,
    owner_review_revoke,
    owner_review_waive,
)
from disclosure.services.redaction import redaction_add_span
from requests_app.guards import blockers
from requests_app.models import Letter, Message, RightsRequest
from requests_app.selectors import working_calendar
from rights import ApplicationError
from rights.owners import owner_review_due
from tests.factories import pack_case, take_steps

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
VISITOR = PortalVisitor(ip_address="198.51.100.4", user_agent="Agency browser")
POLICE = "Greater Manchester Police"
HEALTH = "Stockport NHS Foundation Trust"


@pytest.fixture
def case(staff: dict[str, User]) -> RightsRequest:
    """A reviewed request with records from two agencies, submitted for sign-off; the agencies have addresses."""
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    for name, email in ((POLICE, "dpo@police.example"), (HEALTH, "ig@nhs.example")):
        agency = Agency.objects.get(name=name)
        agency.data_owner = "Data Protection Officer"
        agency.contact_email = email
        agency.save()
    return take_steps(request, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)


def _ask(case: RightsRequest, staff: dict[str, User], name: str) -> tuple[OwnerReview, str]:
    return owner_review_ask(by=staff["caseworker"], request=case, agency=Agency.objects.get(name=name))


def test_asking_sends_the_link_to_the_data_owner_and_files_it(
    case: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        review, token = _ask(case, staff, POLICE)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["dpo@police.example"]
    assert token in email.body and "/owner-review/" in email.body
    assert "Alex Example" not in email.body  # a reference and a link only
    review.refresh_from_db()
    assert review.token_hash != token and token not in review.token_hash  # only the hash is kept
    assert token not in Message.objects.get(pk=review.message_id).body  # masked in the record
    letter = Letter.objects.get(template="owner_review_link")
    assert "Greater Manchester Police" in letter.addressee and "dpo@police.example" in letter.addressee
    assert review.due_on == owner_review_due(review.asked_on, 5, working_calendar())  # AGENCY_REVIEW_WORKING_DAYS


def test_sign_off_gate(case: RightsRequest, staff: dict[str, User]) -> None:
    def gate() -> str:
        return " ".join(blockers(RightsRequest.objects.get(pk=case.pk), "approve"))

    assert POLICE in gate() and HEALTH in gate() and "not been asked" in gate()
    police, _ = _ask(case, staff, POLICE)
    health, _ = _ask(case, staff, HEALTH)
    assert "has not yet answered" in gate()
    owner_review_answer(review_id=police.pk, agrees=True, reason="", name="P Owner", visitor=VISITOR)
    owner_review_answer(
        review_id=health.pk, agrees=False, reason="Page 2 shows a nurse's mobile.", name="H Owner", visitor=VISITOR
    )
    assert POLICE not in gate()
    assert "asked for changes" in gate()
    with pytest.raises(ApplicationError):  # a request for changes is never passed over
        owner_review_waive(by=staff["manager"], review=health, reason="In a hurry", today=TODAY + dt.timedelta(days=30))
    with pytest.raises(ApplicationError, match="asked for changes"):
        take_steps(RightsRequest.objects.get(pk=case.pk), "approve", user=staff["manager"], today=TODAY)
    # The caseworker resolves it (sent back, changed, submitted again) and asks again; the agency agrees.
    request = take_steps(
        RightsRequest.objects.get(pk=case.pk),
        "send_back",
        user=staff["manager"],
        today=TODAY,
        data={"send_back": {"reason": "Health asked for a change"}},
    )
    health2, _ = _ask(request, staff, HEALTH)
    assert OwnerReview.objects.get(pk=health.pk).status == "superseded"
    owner_review_answer(review_id=health2.pk, agrees=True, reason="", name="H Owner", visitor=VISITOR)
    assert gate() == ""
    request = take_steps(request, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    assert take_steps(request, "approve", user=staff["manager"], today=TODAY).status == "approved"


def test_a_change_to_the_records_after_agreement_needs_asking_again(
    case: RightsRequest, staff: dict[str, User]
) -> None:
    for name in (POLICE, HEALTH):
        review, _ = _ask(case, staff, name)
        owner_review_answer(review_id=review.pk, agrees=True, reason="", name="Owner", visitor=VISITOR)
    assert owner_review_blockers(case, today=TODAY) == []
    request = take_steps(
        case, "send_back", user=staff["manager"], today=TODAY, data={"send_back": {"reason": "One more redaction"}}
    )
    document = request.documents.get(title="Referral")
    redaction_add_span(by=staff["caseworker"], document=document, start=0, end=8, exemption="third_party")
    reasons = owner_review_blockers(request, today=TODAY)
    assert len(reasons) == 1 and POLICE in reasons[0] and "changed after it was asked" in reasons[0]


def test_manager_passes_over_a_silent_agency_only_after_its_deadline(
    case: RightsRequest, staff: dict[str, User]
) -> None:
    police, _ = _ask(case, staff, POLICE)
    health, _ = _ask(case, staff, HEALTH)
    owner_review_answer(review_id=police.pk, agrees=True, reason="", name="P", visitor=VISITOR)
    with pytest.raises(ApplicationError, match="still has time"):
        owner_review_waive(by=staff["manager"], review=health, reason="No answer", today=health.due_on)
    with pytest.raises(ApplicationError):
        owner_review_waive(
            by=staff["caseworker"], review=health, reason="No answer", today=health.due_on + dt.timedelta(days=1)
        )
    with pytest.raises(ApplicationError, match="Say why"):
        owner_review_waive(by=staff["manager"], review=health, reason=" ", today=health.due_on + dt.timedelta(days=1))
    waived = owner_review_waive(
        by=staff["manager"],
        review=health,
        reason="Chased twice by phone; no answer.",
        today=health.due_on + dt.timedelta(days=1),
    )
    assert waived.status == "waived" and waived.waived_by == staff["manager"]
    assert owner_review_blockers(case, today=TODAY) == []
    assert case.disclosure_events.filter(action="owner_review_waived", detail__contains="Chased twice").exists()


def test_codes_are_hashed_expire_and_lock(
    case: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    review, _ = _ask(case, staff, POLICE)
    now = dt.datetime(2026, 3, 16, 10, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        owner_code_send(review_id=review.pk, visitor=VISITOR, now=now)
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    assert mail.outbox[-1].to == ["dpo@police.example"]
    assert code not in OwnerReviewCode.objects.get().code_hash
    with pytest.raises(ApplicationError, match="less than a minute"):
        owner_code_send(review_id=review.pk, visitor=VISITOR, now=now + dt.timedelta(seconds=10))
    late = now + dt.timedelta(minutes=16)
    assert owner_code_check(review_id=review.pk, code=code, visitor=VISITOR, now=late) == "no_code"  # expired
    with django_capture_on_commit_callbacks(execute=True):
        owner_code_send(review_id=review.pk, visitor=VISITOR, now=late)
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    assert owner_code_check(review_id=review.pk, code=wrong, visitor=VISITOR, now=late) == "wrong"
    assert owner_code_check(review_id=review.pk, code=code, visitor=VISITOR, now=late) == "ok"
    assert owner_code_check(review_id=review.pk, code=code, visitor=VISITOR, now=late) == "no_code"  # once only
    events = list(OwnerReviewAccess.objects.filter(review=review).values_list("event", flat=True))
    assert events.count("code_sent") == 2 and "wrong_code" in events and "code_accepted" in events


def test_an_agency_sees_only_its_own_records(
    case: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        review, token = _ask(case, staff, HEALTH)
    client = Client()
    url = reverse("disclosure:owner_review", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url)
    assert page.status_code == 200 and "Enter your code" in page.content.decode()
    assert "Health visitor notes" not in page.content.decode()  # nothing before the code
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    assert client.post(url, {"code": code}).status_code == 302
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Health visitor notes" in html and "Photo of a note" in html
    assert "Referral" not in html and "Scanned letter" not in html  # the police's records
    assert "S2 P3 para16" in html  # exemption codes shown
    health_doc = case.documents.get(title="Health visitor notes")
    police_doc = case.documents.get(title="Scanned letter")
    image = client.get(reverse("disclosure:owner_review_page", args=[token, health_doc.pk, 1]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert client.get(reverse("disclosure:owner_review_page", args=[token, police_doc.pk, 1])).status_code == 404
    assert Client().get(reverse("disclosure:owner_review_page", args=[token, health_doc.pk, 1])).status_code == 404
    answer = client.post(url, {"answer": "changes", "reason": "", "name": "H Owner"})
    assert answer.status_code == 400 and "what should change" in answer.content.decode().lower()
    answer = client.post(url, {"answer": "agree", "reason": "", "name": "H Owner"})
    assert answer.status_code == 200 and "You agreed" in answer.content.decode()
    review.refresh_from_db()
    assert review.status == "agreed" and review.answered_by_name == "H Owner"
    events = set(OwnerReviewAccess.objects.filter(review=review).values_list("event", flat=True))
    assert {"code_sent", "code_accepted", "viewed", "page_viewed", "agreed"} <= events
    assert client.get(url).status_code == 403  # answered: the link is closed
    assert Client().get(reverse("disclosure:owner_review", args=["nonsense"])).status_code == 404


def test_staff_pages_ask_and_pass_over(case: RightsRequest, staff: dict[str, User]) -> None:
    from tests.factories import sign_in

    client = Client()
    sign_in(client, staff["caseworker"])
    police = Agency.objects.get(name=POLICE)
    overview = client.get(reverse("disclosure:request", args=[case.pk]))
    assert overview.status_code == 200 and "sign-off of their redactions" in overview.content.decode()
    response = client.post(reverse("disclosure:owner_review_ask", args=[case.pk, police.pk]))
    assert response.status_code == 302
    review = OwnerReview.objects.get(agency=police)
    assert client.get(reverse("disclosure:owner_review_waive", args=[case.pk, review.pk])).status_code == 403
    manager = Client()
    sign_in(manager, staff["manager"])
    page = manager.post(reverse("disclosure:owner_review_waive", args=[case.pk, review.pk]), {"reason": "No answer"})
    assert page.status_code == 400 and "still has time" in page.content.decode()


def test_records_reviewed_outside_rights_desk_by_a_case_file_need_no_sign_off_here(
    case: RightsRequest, staff: dict[str, User]
) -> None:
    from disclosure.models import Document

    for document in Document.objects.filter(request=case, agency__name=POLICE):
        document.imported_reviewer = "someone.elsewhere"
        document.save()
    reasons = owner_review_blockers(case, today=TODAY)
    assert len(reasons) == 1 and HEALTH in reasons[0]


def test_the_manager_sees_agencies_late_with_their_sign_off_in_constant_queries(
    case: RightsRequest, staff: dict[str, User], django_assert_num_queries, caplog
) -> None:  # type: ignore[no-untyped-def]
    import logging

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disclosure.selectors import late_owner_reviews
    from tests.factories import sign_in

    asked_in_march = dt.datetime(2026, 3, 16, 10, tzinfo=dt.UTC)
    police, _ = owner_review_ask(
        by=staff["caseworker"], request=case, agency=Agency.objects.get(name=POLICE), now=asked_in_march
    )
    _ask(case, staff, HEALTH)  # asked today: it still has time
    manager = Client()
    sign_in(manager, staff["manager"])
    url = reverse("disclosure:late_owner_reviews")
    with CaptureQueriesContext(connection) as one_late:
        page = manager.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and POLICE in html and case.reference in html and HEALTH not in html
    assert reverse("disclosure:owner_review_waive", args=[case.pk, police.pk]) in html
    assert "Expired" in html  # the March link has run out: the Manager asks again or passes it over

    # More late agencies on more requests: the same number of queries.
    other = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    other = take_steps(other, "submit_for_sign_off", user=staff["caseworker"], today=TODAY)
    for name in (POLICE, HEALTH):
        owner_review_ask(
            by=staff["caseworker"], request=other, agency=Agency.objects.get(name=name), now=asked_in_march
        )
    with django_assert_num_queries(len(one_late.captured_queries)):
        page = manager.get(url)
    html = page.content.decode()
    assert html.count(f'#owner-reviews">{other.reference}</a>') == 2
    assert html.count(f'#owner-reviews">{case.reference}</a>') == 1
    with django_assert_num_queries(1):
        late = late_owner_reviews(today=TODAY + dt.timedelta(days=60))
    assert [(entry.agency.name, len(entry.late)) for entry in late] == [(POLICE, 2), (HEALTH, 1)]
    assert late_owner_reviews(today=police.due_on) == []  # due today: not late yet

    # An answer takes it off the list.
    other_health = OwnerReview.objects.get(request=other, agency__name=HEALTH)
    owner_review_answer(
        review_id=other_health.pk,
        agrees=True,
        reason="",
        name="H",
        visitor=VISITOR,
        now=asked_in_march + dt.timedelta(days=1),
    )
    assert [(e.agency.name, len(e.late)) for e in late_owner_reviews(today=TODAY + dt.timedelta(days=60))] == [
        (POLICE, 2)
    ]
    worker = Client()
    sign_in(worker, staff["caseworker"])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert worker.get(url).status_code == 403


def test_a_caseworker_revokes_a_link_sent_to_the_wrong_address(
    case: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import sign_in

    with django_capture_on_commit_callbacks(execute=True):
        review, token = _ask(case, staff, POLICE)
    owner = Client()
    url = reverse("disclosure:owner_review", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.get(url).status_code == 200  # a code went to the (wrong) address
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]

    worker = Client()
    sign_in(worker, staff["caseworker"])
    overview = reverse("disclosure:request", args=[case.pk])
    revoke_url = reverse("disclosure:owner_review_revoke", args=[case.pk, review.pk])
    assert revoke_url in worker.get(overview).content.decode()  # the button, with its reason field
    assert worker.get(revoke_url).status_code == 405  # POST only
    worker.post(revoke_url, {"reason": " "})
    assert OwnerReview.objects.get(pk=review.pk).revoked_at is None  # no reason: nothing changed
    assert worker.post(revoke_url, {"reason": "Sent to the wrong address"}).status_code == 302
    review.refresh_from_db()
    assert review.revoked_at is not None and review.revoked_by == staff["caseworker"]
    assert review.revoked_reason == "Sent to the wrong address" and review.status == "asked"
    assert review.history.first().history_change_reason == "Link revoked: Sent to the wrong address"
    assert case.disclosure_events.filter(action="owner_review_revoked", by=staff["caseworker"]).count() == 1
    assert "Link revoked" in worker.get(overview).content.decode()

    # The link's pages refuse, like an expired link; no code can be asked for or used.
    page = owner.get(url)
    assert page.status_code == 403 and "withdrawn" in page.content.decode()
    assert owner.post(url, {"code": code}).status_code == 403
    assert owner.post(url, {"resend": "1"}).status_code == 403
    with pytest.raises(ApplicationError, match="no longer works"):
        owner_code_send(review_id=review.pk, visitor=VISITOR)
    assert owner_code_check(review_id=review.pk, code=code, visitor=VISITOR) == "closed"
    with pytest.raises(ApplicationError, match="no longer works"):
        owner_review_answer(review_id=review.pk, agrees=True, reason="", name="Wrong person", visitor=VISITOR)
    assert OwnerReviewCode.objects.filter(review=review).count() == 1 and review.answered_at is None

    # Sign-off stays blocked for the police until it is asked again.
    reasons = owner_review_blockers(case, today=TODAY)
    assert any(POLICE in r and "revoked" in r for r in reasons)
    with pytest.raises(ApplicationError, match="revoked"):
        take_steps(RightsRequest.objects.get(pk=case.pk), "approve", user=staff["manager"], today=TODAY)
    again, _ = _ask(case, staff, POLICE)
    assert OwnerReview.objects.get(pk=review.pk).status == "superseded"
    assert not any("revoked" in r for r in owner_review_blockers(case, today=TODAY))
    assert again.revoked_at is None


def test_revoking_twice_an_answered_link_or_as_a_reviewer_is_refused_and_changes_nothing(
    case: RightsRequest, staff: dict[str, User]
) -> None:
    from tests.factories import sign_in

    police, _ = _ask(case, staff, POLICE)
    health, _ = _ask(case, staff, HEALTH)
    events = case.disclosure_events.count()
    with pytest.raises(ApplicationError):
        owner_review_revoke(by=staff["reviewer"], review=police, reason="Wrong address")
    reviewer = Client()
    sign_in(reviewer, staff["reviewer"])
    reviewer.post(reverse("disclosure:owner_review_revoke", args=[case.pk, police.pk]), {"reason": "Wrong address"})
    assert OwnerReview.objects.get(pk=police.pk).revoked_at is None and case.disclosure_events.count() == events

    owner_review_revoke(by=staff["manager"], review=police, reason="Wrong address")
    before = OwnerReview.objects.get(pk=police.pk)
    with pytest.raises(ApplicationError, match="already revoked"):
        owner_review_revoke(by=staff["caseworker"], review=police, reason="Again")
    after = OwnerReview.objects.get(pk=police.pk)
    assert (after.revoked_by, after.revoked_reason, after.revoked_at) == (
        before.revoked_by,
        before.revoked_reason,
        before.revoked_at,
    )

    owner_review_answer(review_id=health.pk, agrees=True, reason="", name="H Owner", visitor=VISITOR)
    worker = Client()
    sign_in(worker, staff["caseworker"])
    worker.post(reverse("disclosure:owner_review_revoke", args=[case.pk, health.pk]), {"reason": "Too late"})
    with pytest.raises(ApplicationError, match="answered"):
        owner_review_revoke(by=staff["caseworker"], review=health, reason="Too late")
    health.refresh_from_db()
    assert health.status == "agreed" and health.revoked_at is None
    assert case.disclosure_events.filter(action="owner_review_revoked").count() == 1
    assert owner_review_blockers(case, today=TODAY) == [
        f"The link sent to {POLICE} to check its redactions was revoked: ask it again."
    ]

    # Once its time is up, the Manager may still sign off without the police's answer (the existing action).
    owner_review_waive(
        by=staff["manager"], review=police, reason="Owner on leave", today=police.due_on + dt.timedelta(days=1)
    )
    assert owner_review_blockers(case, today=TODAY) == []
