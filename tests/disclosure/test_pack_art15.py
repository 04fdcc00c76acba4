"""Issues 5 and 7: the pack's Art 15(1) section is worked out from what the partnership holds about the data
subject (the records the subject search confirmed for the request), or, when none are, from what it holds in
general; nothing about anyone else, and no count of records, reaches the pack."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from typing import Any

import pypdf
import pytest
from django.contrib.auth.models import User

from disclosure.models import PackStatus
from disclosure.pack.build import build_inputs
from disclosure.services.packs import pack_request
from requests_app.models import RightsRequest
from reviews.models import DataSubjectRecord, HitDecision, ProcessProfile, SubjectSearchHit
from reviews.search import SearchCriteria
from reviews.services import (
    agency_create,
    review_create,
    search_hit_decide,
    search_run_create,
    subject_export,
    subject_record_create,
    submission_create,
)
from tests.disclosure.conftest import TODAY
from tests.factories import celery_eager

pytestmark = pytest.mark.django_db

DOB = dt.date(2012, 5, 1)  # make_request's subject date of birth
FALLBACK = (
    "No record of the partnership's reviews and audits has been confirmed as being about you, so what follows "
    "describes the information the partnership holds in general."
)


def _record(
    by: User,
    *,
    reference: str,
    review_type: str,
    agency: Any,
    submission_type: str,
    name: str,
    dob: dt.date,
    categories: dict[str, str],
) -> DataSubjectRecord:
    review = review_create(
        by=by, reference=reference, review_type=review_type, title="Child A", started=dt.date(2025, 1, 6)
    )
    submission = submission_create(
        by=by,
        review=review,
        agency=agency,
        submission_type=submission_type,
        title="Agency return",
        received_on=dt.date(2025, 2, 3),
    )
    return subject_record_create(by=by, submission=submission, full_name=name, date_of_birth=dob, categories=categories)


@pytest.fixture
def holdings(staff: dict[str, User]) -> dict[str, DataSubjectRecord]:
    """The subject's record (a CSPR, from the police, shared with youth justice) and someone else's (a Section 11
    audit, from a school and a health trust, with categories held only about them)."""
    by = staff["manager"]
    police = agency_create(by=by, name="Greater Manchester Police", kind="police", data_owner="Records officer")
    school = agency_create(by=by, name="Hillside School", kind="education", data_owner="Head teacher")
    youth = agency_create(by=by, name="Stockport Youth Justice", kind="other", data_owner="Service manager")
    alex = _record(
        by,
        reference="CSPR-2025-01",
        review_type="cspr",
        agency=police,
        submission_type="reflection",
        name="Alex Example",
        dob=DOB,
        categories={"name": "Alex Example", "police": "Incident log"},
    )
    subject_export(record=alex, by=by, purpose="Strategy meeting", recipient=youth, today=TODAY)
    other = _record(
        by,
        reference="S11-2025-01",
        review_type="section_11",
        agency=school,
        submission_type="self_assessment",
        name="Sam Green",
        dob=dt.date(2011, 9, 9),
        categories={"name": "Sam Green", "education": "Attendance", "health": "Asthma plan"},
    )
    return {"alex": alex, "other": other}


def _confirm(request: RightsRequest, by: User, record: DataSubjectRecord) -> None:
    run = search_run_create(
        by=by, criteria=SearchCriteria(name="Alex Example", date_of_birth=DOB), request_reference=request.reference
    )
    hits = list(SubjectSearchHit.objects.filter(run=run))
    assert record.pk in {hit.record_id for hit in hits}
    for hit in hits:
        decision = HitDecision.CONFIRMED if hit.record_id == record.pk else HitDecision.REJECTED
        search_hit_decide(hit=hit, by=by, decision=decision)


def _pack_text(request: RightsRequest, by: User, capture: Any) -> str:
    """The Art 15 section of a preview made through the service, as pypdf reads it (whitespace folded)."""
    with celery_eager(), capture(execute=True):
        pack = pack_request(request=request, by=by, preview=True, today=TODAY)
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED, pack.failure_reason
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pack.file.read())).pages)
    text = re.sub(r"\s+", " ", text)
    start = text.index("How the partnership uses personal information, and your rights")
    return text[start : text.index("Schedule of documents", start)]


def _no_numbers(value: object) -> None:
    """Every field of the Art 15 data is a name, a sentence or a flag: no count can reach the pack."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            _no_numbers(getattr(value, item.name))
    elif isinstance(value, tuple):
        for item in value:
            _no_numbers(item)
    else:
        assert value is None or isinstance(value, str | bool), value  # None: a part not written (no search yet)


def test_the_section_shows_this_subjects_processes_and_categories_and_nothing_held_only_about_others(
    staff: dict[str, User],
    access_request: RightsRequest,
    holdings: dict[str, DataSubjectRecord],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _confirm(access_request, staff["caseworker"], holdings["alex"])
    held = build_inputs(access_request, preview=True, letter_date=TODAY).held
    assert held.about_subject
    assert [p.process for p in held.purposes] == ["Child Safeguarding Practice Review"]
    assert held.categories == ("Name", "Date of birth", "Police records")
    assert held.sources == ("Greater Manchester Police (Police)",)
    assert held.supplied == ("Agency reflection record (including individual management review)",)
    assert held.recipients == ("Greater Manchester Police", "Stockport Youth Justice")  # supplied it; was sent it
    assert [b.title for b in held.lawful_bases] == [  # not "Children Act 2004, section 11": the audit's own basis
        "Public task",
        "Working Together to Safeguard Children 2018",
        "Children and Social Work Act 2017",
        "Health and other special category data",
    ]
    _no_numbers(held)

    text = _pack_text(access_request, staff["caseworker"], django_capture_on_commit_callbacks)
    assert "found to be about you" in text and FALLBACK not in text
    assert "Child Safeguarding Practice Review: Where a child or young person has died" in text
    assert "Public task: UK GDPR Article 6(1)(e)" in text
    assert "Police records" in text and "Name" in text
    assert (
        "The agencies that have the information about you are: Greater Manchester Police, Stockport Youth Justice."
        in text
    )
    assert "provided by: Greater Manchester Police (Police)." in text
    assert "Agency data is destroyed" in text
    for others in (
        "Education records",
        "Health records",
        "Section 11 compliance audit",
        "Children Act 2004, section 11",
        "Hillside School",
        "Practice self-assessment audit tool",
        "Sam Green",
    ):
        assert others not in text, others


def test_with_nothing_confirmed_the_section_says_so_and_describes_the_holdings_in_general(
    staff: dict[str, User],
    access_request: RightsRequest,
    holdings: dict[str, DataSubjectRecord],
    django_capture_on_commit_callbacks: Any,
) -> None:
    held = build_inputs(access_request, preview=True, letter_date=TODAY).held  # no search at all
    assert not held.about_subject
    assert len(held.purposes) == 4
    assert held.categories == ("Name", "Date of birth", "Health records", "Education records", "Police records")
    assert held.recipients == ("Greater Manchester Police", "Hillside School", "Stockport Youth Justice")
    _no_numbers(held)
    text = _pack_text(access_request, staff["caseworker"], django_capture_on_commit_callbacks)
    assert FALLBACK in text and "found to be about" not in text
    assert "Section 11 compliance audit" in text and "Education records" in text
    assert "Sam Green" not in text and "Alex Example" not in text

    # A search that finds the subject but is rejected leaves nothing confirmed: still the general table.
    run = search_run_create(
        by=staff["caseworker"],
        criteria=SearchCriteria(name="Alex Example", date_of_birth=DOB),
        request_reference=access_request.reference,
    )
    for hit in SubjectSearchHit.objects.filter(run=run):
        search_hit_decide(hit=hit, by=staff["caseworker"], decision=HitDecision.REJECTED)
    assert build_inputs(access_request, preview=True, letter_date=TODAY).held == held


def test_on_behalf_of_a_child_the_section_names_the_child(staff: dict[str, User], holdings: Any) -> None:
    from disclosure.pack import render
    from rights import Authority, RepresentativeRole
    from tests.factories import make_request

    request = make_request(
        received=TODAY,
        today=TODAY,
        requester_name="Sam Example",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
        assigned_to=staff["caseworker"],
    )
    inputs = build_inputs(request, preview=True, letter_date=TODAY)
    assert inputs.on_behalf
    data = render.render_cover_letter(inputs, pages_total=None)  # the letter filed in the register has it too
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages))
    assert FALLBACK.replace("about you", "about Alex Example") in text


def test_the_fingerprint_follows_the_art15_content(
    staff: dict[str, User], access_request: RightsRequest, holdings: dict[str, DataSubjectRecord]
) -> None:
    _confirm(access_request, staff["caseworker"], holdings["alex"])
    before = build_inputs(access_request, preview=True, letter_date=TODAY)
    assert build_inputs(access_request, preview=True, letter_date=TODAY).fingerprint() == before.fingerprint()
    profile = ProcessProfile.objects.get(review_type="cspr")
    profile.purpose = "Edited by the Manager in the admin."
    profile.save()
    after = build_inputs(access_request, preview=True, letter_date=TODAY)
    assert after.held.purposes[0].purpose == "Edited by the Manager in the admin."
    assert after.fingerprint() != before.fingerprint()
    # Someone else's holdings changing does not touch this subject's section.
    audit = ProcessProfile.objects.get(review_type="section_11")
    audit.purpose = "Not this subject's process."
    audit.save()
    assert build_inputs(access_request, preview=True, letter_date=TODAY).fingerprint() == after.fingerprint()
