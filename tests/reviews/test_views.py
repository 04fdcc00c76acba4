"""Holdings pages: what we hold (generated from the data, constant queries), subject search, retention."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import access
from reviews.models import HitDecision, SubjectSearchHit, SubjectSearchRun
from reviews.search import SearchCriteria
from reviews.services import review_set_legal_hold, search_run_create, subject_restrict
from rights import ApplicationError
from rights.effects import RestrictionBasis
from tests.factories import sign_in
from tests.reviews.conftest import Holdings

DOB = dt.date(2012, 5, 1)


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _populate(held: Holdings, n: int) -> None:
    police = held.agency()
    school = held.agency("Hillside School", "education")
    for i in range(n):
        review = held.review(review_type=["cspr", "section_11", "learning_review"][i % 3])
        held.record(
            f"Child {i} Example",
            submission=held.submission(review, agency=police),
            date_of_birth=DOB,
            categories={"police": "Incident", "family_members": "Mother, brother"},
        )
        held.record(
            f"Pupil {i} Example", submission=held.submission(review, agency=school, submission_type="self_assessment")
        )


# What we hold -------------------------------------------------------------------------------------------


def test_what_we_hold_is_generated_from_the_data(held: Holdings, worker: User) -> None:
    _populate(held, 3)
    record = held.record(
        "Alex Example", submission=held.submission(held.review(review_type="cspr")), categories={"health": "GP"}
    )
    subject_restrict(record=record, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Disputed")
    response = _client(worker).get(reverse("reviews:what_we_hold"))
    assert response.status_code == 200
    text = _text(response)
    assert "We hold 7 records about people in agency data, of which 1 is restricted." in text
    # Categories, with counts by process (CSPR, Section 11, multi-agency audit, learning review) and sources.
    assert "Name 7 3 2 0 2 Police, Education" in text
    assert "Health records 1 1 0 0 0 Police" in text
    assert "Details of family members 3 1 1 0 1 Police" in text
    assert "Education records None held at present" in text
    assert "Feedback given to services None held at present" in text
    # Sources: submission types by agency kind, and the agencies with their data owners.
    assert "Agency reflection record (including individual management review) 4 4 0 0 0 0" in text
    assert "Practice self-assessment audit tool 3 0 0 3 0 0" in text
    assert "Performance data None held at present" in text
    assert "Hillside School Education Data Protection Officer 3" in text
    # Purposes, lawful basis and retention.
    assert "Child Safeguarding Practice Review Where a child" in text
    assert "UK GDPR Article 6(1)(e)" in text and "Children Act 2004, section 11" in text
    assert "Children and Social Work Act 2017" in text and "Working Together to Safeguard Children 2018" in text
    assert "destroyed when it concludes" in text


def test_what_we_hold_counts_retention_from_reviews(held: Holdings, boss: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REVIEW_RETENTION_DAYS = 10
    held.review(review_type="section_11", concluded=dt.date(2026, 1, 5))
    on_hold = held.review(review_type="section_11", concluded=dt.date(2026, 1, 5))
    review_set_legal_hold(review=on_hold, by=boss, hold=True, reason="Complaint")
    text = _text(_client(boss).get(reverse("reviews:what_we_hold")))
    assert "destroyed 10 days after it concludes" in text
    assert "Section 11 compliance audit 1 1" in text.split("Concluded reviews still holding agency data")[1]
    assert "Section 11 compliance audit Checks" in text


def test_what_we_hold_query_count_is_constant(held: Holdings, worker: User) -> None:
    client = _client(worker)
    _populate(held, 1)
    client.get(reverse("reviews:what_we_hold"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reviews:what_we_hold"))
    _populate(held, 12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reviews:what_we_hold"))
    assert response.status_code == 200
    assert len(many) == len(few) <= 14  # the processes' purposes and lawful bases; the session's second factor


@pytest.mark.parametrize("page", ["reviews:what_we_hold", "reviews:subject_search", "reviews:retention"])
def test_pages_need_login(page: str, db: None) -> None:
    response = Client().get(reverse(page))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pages_need_a_role(db: None) -> None:
    client = _client(User.objects.create_user("norole", password="x" * 12))
    for page in ("reviews:what_we_hold", "reviews:subject_search", "reviews:retention"):
        assert client.get(reverse(page)).status_code == 403


def test_professional_reviewer_reads_what_we_hold_but_cannot_search(professional: User) -> None:
    client = _client(professional)
    assert client.get(reverse("reviews:what_we_hold")).status_code == 200
    assert client.get(reverse("reviews:subject_search")).status_code == 403
    assert client.post(reverse("reviews:subject_search"), {"name": "Alex"}).status_code == 403
    assert not SubjectSearchRun.objects.exists()


# Subject search page ------------------------------------------------------------------------------------


def test_search_page_runs_keeps_and_shows_ranked_hits(held: Holdings, worker: User) -> None:
    exact = held.record("Alex Example", date_of_birth=DOB, address="1 High Street, SK1 1AA")
    typo = held.record("Alx Exmaple", date_of_birth=DOB)
    client = _client(worker)
    assert client.get(reverse("reviews:subject_search") + "?request=RR-2026-0001").status_code == 200
    response = client.post(
        reverse("reviews:subject_search"),
        {
            "name": "Alex Example",
            "previous_names": "Alex Smith\nAlex Smith-Example",
            "dob_day": "1",
            "dob_month": "5",
            "dob_year": "2012",
            "address": "SK1 1AA",
            "request_reference": "RR-2026-0001",
        },
    )
    run = SubjectSearchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reviews:search_run", args=[run.pk])
    assert (run.request_reference, run.date_of_birth, run.previous_name_list, run.run_by) == (
        "RR-2026-0001",
        DOB,
        ["Alex Smith", "Alex Smith-Example"],
        worker,
    )
    assert list(run.hits.order_by("rank").values_list("record_id", flat=True)) == [exact.pk, typo.pk]
    text = _text(client.get(response["Location"]))
    assert text.index(exact.reference) < text.index(typo.reference)
    assert "name 'Alex Example' matches 'Alex Example' exactly" in text
    assert "spelling differs" in text and "postcode SK1 1AA matches" in text


def test_search_page_form_errors(worker: User) -> None:
    client = _client(worker)
    response = client.post(
        reverse("reviews:subject_search"), {"name": "", "dob_day": "31", "dob_month": "2", "dob_year": "2012"}
    )
    assert response.status_code == 200
    text = _text(response)
    assert "There is a problem" in text and "Full name: This field is required." in text
    response = client.post(
        reverse("reviews:subject_search"), {"name": "Alex", "dob_day": "31", "dob_month": "2", "dob_year": "2012"}
    )
    assert "The date of birth must be a real date." in _text(response)
    response = client.post(reverse("reviews:subject_search"), {"name": "Alex", "dob_day": "3"})
    assert "Enter the date of birth in full" in _text(response)
    assert not SubjectSearchRun.objects.exists()


def test_search_page_escapes_what_was_typed(held: Holdings, worker: User) -> None:
    held.record("<script>alert(1)</script> Example", date_of_birth=DOB)
    client = _client(worker)
    response = client.post(reverse("reviews:subject_search"), {"name": "<script>alert(1)</script> Example"})
    page = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_confirm_and_reject_hits(held: Holdings, worker: User, boss: User) -> None:
    held.record("Alex Example", date_of_birth=DOB)
    held.record("A. Example", date_of_birth=DOB)
    client = _client(worker)
    client.post(reverse("reviews:subject_search"), {"name": "Alex Example", "request_reference": "RR-2026-0002"})
    run = SubjectSearchRun.objects.get()
    first, second = run.hits.order_by("rank")
    url = reverse("reviews:hit_decide", args=[run.pk, first.pk])
    response = client.post(url, {"decision": "confirmed"})
    assert response.status_code == 302
    client.post(reverse("reviews:hit_decide", args=[run.pk, second.pk]), {"decision": "rejected"})
    decided = dict(SubjectSearchHit.objects.values_list("pk", "decision"))
    assert decided == {first.pk: HitDecision.CONFIRMED, second.pk: HitDecision.REJECTED}
    text = _text(client.get(reverse("reviews:search_run", args=[run.pk])))
    assert "Confirmed: about this person by worker" in text and "Rejected: someone else by worker" in text
    again = client.post(url, {"decision": "confirmed"}, follow=True)
    assert "That hit is already confirmed." in _text(again)
    assert client.get(url).status_code == 405
    # A hit must belong to the run in the URL.
    other = SubjectSearchRun.objects.create(
        name="x", run_by=boss, run_at=run.run_at, records_searched=0, candidates_scored=0, hit_limit=1
    )
    assert (
        client.post(reverse("reviews:hit_decide", args=[other.pk, first.pk]), {"decision": "rejected"}).status_code
        == 404
    )


def test_search_run_page_query_count_is_constant(held: Holdings, worker: User) -> None:
    client = _client(worker)
    submission = held.submission(held.review())
    held.record("Alex Example", submission=submission, date_of_birth=DOB)
    client.post(reverse("reviews:subject_search"), {"name": "Alex Example"})
    small = SubjectSearchRun.objects.get()
    for n in range(15):
        held.record(f"Alex Example {chr(65 + n)}", submission=held.submission(held.review()), date_of_birth=DOB)
    client.post(reverse("reviews:subject_search"), {"name": "Alex Example"})
    big = SubjectSearchRun.objects.exclude(pk=small.pk).get()
    assert big.hits.count() == 16
    client.get(reverse("reviews:search_run", args=[small.pk]))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reviews:search_run", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("reviews:search_run", args=[big.pk]))
    assert len(few) == len(many)


# Retention page ------------------------------------------------------------------------------------------


def test_retention_page_and_manager_confirmation(held: Holdings, boss: User, worker: User) -> None:
    review = held.review(reference="CSPR-2024-07", concluded=dt.date(2026, 1, 5))
    held.record("Alex Example", submission=held.submission(review))
    text = _text(_client(worker).get(reverse("reviews:retention")))
    assert "CSPR-2024-07" in text and "Ready for a Manager to confirm" in text
    destroy = reverse("reviews:review_destroy", args=[review.pk])
    assert _client(worker).post(destroy).status_code == 403
    response = _client(boss).post(destroy, follow=True)
    assert "Agency data of CSPR-2024-07 destroyed: certificate DC-" in _text(response)
    review.refresh_from_db()
    assert review.agency_data_destroyed_at is not None
    assert "Nothing is due for destruction today." in _text(_client(boss).get(reverse("reviews:retention")))


def test_retention_page_shows_blocks_and_refusals(held: Holdings, boss: User) -> None:
    review = held.review(reference="CSPR-2024-08", concluded=dt.date(2026, 1, 5))
    review_set_legal_hold(review=review, by=boss, hold=True, reason="Inquest")
    client = _client(boss)
    text = _text(client.get(reverse("reviews:retention")))
    assert "Blocked" in text and "It is on legal hold (Inquest)" in text
    response = client.post(reverse("reviews:review_destroy", args=[review.pk]), follow=True)
    assert "Not destroyed (CSPR-2024-08): it is on legal hold (Inquest)." in _text(response)


# Restricted requests (the hook requests_app fills) ---------------------------------------------------------


@pytest.fixture
def hide_from_worker(worker: User):  # type: ignore[no-untyped-def]
    """Stand-in for requests_app: RR-2026-0099 is a restricted request the caseworker may not open."""

    def provider(user: User) -> list[str]:
        return ["RR-2026-0099"] if user.pk == worker.pk else []

    access.register_hidden_references_provider(provider)
    yield
    access.unregister_hidden_references_provider(provider)


@pytest.mark.usefixtures("hide_from_worker")
def test_searches_of_a_hidden_request_stay_hidden(held: Holdings, worker: User, boss: User) -> None:
    held.record("Alex Example", date_of_birth=DOB)
    with pytest.raises(ApplicationError, match="You cannot work on request RR-2026-0099"):
        search_run_create(by=worker, criteria=SearchCriteria(name="Alex Example"), request_reference="RR-2026-0099")
    run = search_run_create(by=boss, criteria=SearchCriteria(name="Alex Example"), request_reference="RR-2026-0099")
    visible = search_run_create(by=boss, criteria=SearchCriteria(name="Alex Example"), request_reference="RR-2026-0100")
    client = _client(worker)
    assert client.get(reverse("reviews:search_run", args=[run.pk])).status_code == 404
    hit = run.hits.get()
    assert (
        client.post(reverse("reviews:hit_decide", args=[run.pk, hit.pk]), {"decision": "confirmed"}).status_code == 404
    )
    assert SubjectSearchHit.objects.get(pk=hit.pk).decision == HitDecision.PENDING
    page = _text(client.get(reverse("reviews:subject_search")))
    assert "RR-2026-0100" in page and "RR-2026-0099" not in page
    assert client.get(reverse("reviews:search_run", args=[visible.pk])).status_code == 200
    assert _client(boss).get(reverse("reviews:search_run", args=[run.pk])).status_code == 200
    response = client.post(
        reverse("reviews:subject_search"), {"name": "Alex Example", "request_reference": "RR-2026-0099"}
    )
    assert "You cannot work on request RR-2026-0099" in _text(response)


def test_search_run_access_by_role(held: Holdings, worker: User, boss: User, professional: User) -> None:
    run = search_run_create(by=worker, criteria=SearchCriteria(name="Alex Example"))
    url = reverse("reviews:search_run", args=[run.pk])
    assert _client(worker).get(url).status_code == 200
    assert _client(boss).get(url).status_code == 200
    assert _client(professional).get(url).status_code == 403
    assert _client(worker).get(reverse("reviews:search_run", args=[run.pk + 100])).status_code == 404


def test_search_run_page_says_when_the_cap_was_reached(
    held: Holdings, worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    held.record("Alex Example", date_of_birth=DOB)
    held.record("Alex Other", date_of_birth=DOB)
    client = _client(worker)
    client.post(reverse("reviews:subject_search"), {"name": "Alex Example"})
    run = SubjectSearchRun.objects.get()
    assert "strongest were compared" not in _text(client.get(reverse("reviews:search_run", args=[run.pk])))
    monkeypatch.setattr("reviews.search.CANDIDATE_CAP", 1)
    response = client.post(reverse("reviews:subject_search"), {"name": "Alex Example"})
    text = _text(client.get(response["Location"]))
    assert (
        "More records shared a name, date of birth or postcode with this search than one search compares: "
        "only the 1 strongest were compared. Add a date of birth, previous names or an address to narrow it, "
        "and search again." in text
    )
