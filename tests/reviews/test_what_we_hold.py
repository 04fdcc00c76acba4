"""The "what we hold" table comes from data: purposes and lawful bases are kept on each process, seeded
from the privacy notice; counts come from the holdings; one selector returns the whole table."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from reviews.models import ProcessLawfulBasis, ProcessProfile, ReviewType
from reviews.selectors import LawfulBasisRow, what_we_hold
from tests.factories import sign_in
from tests.reviews.conftest import TODAY, Holdings

DOB = dt.date(2012, 5, 1)


def _text(client: Client) -> str:
    page = client.get(reverse("reviews:what_we_hold")).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#x27;", "'")


def test_every_process_is_seeded_from_the_privacy_notice(db: None) -> None:
    profiles = {p.review_type: p for p in ProcessProfile.objects.prefetch_related("lawful_bases")}
    assert set(profiles) == set(ReviewType.values)
    assert profiles["cspr"].purpose.startswith("Where a child or young person has died or experienced abuse")
    assert profiles["learning_review"].purpose == "To capture system issues or good practice."
    for profile in profiles.values():
        titles = [b.title for b in profile.lawful_bases.all()]
        assert titles[:3] == [
            "Public task",
            "Working Together to Safeguard Children 2018",
            "Children and Social Work Act 2017",
        ]
        assert "Health and other special category data" in titles
    # The notice says "Children's Act 2006"; section 11 is in the Children Act 2004 (the law wins).
    section_11 = [b.title for b in profiles["section_11"].lawful_bases.all()]
    assert "Children Act 2004, section 11" in section_11
    assert "Children Act 2004, section 11" not in [b.title for b in profiles["cspr"].lawful_bases.all()]


def test_the_seed_is_idempotent_and_keeps_edits(db: None) -> None:
    profile = ProcessProfile.objects.get(review_type="cspr")
    profile.purpose = "Edited by the Manager."
    profile.save()
    migration = importlib.import_module("reviews.migrations.0005_process_profiles")
    migration.seed_profiles(apps, None)
    assert ProcessProfile.objects.count() == 4
    assert ProcessProfile.objects.get(review_type="cspr").purpose == "Edited by the Manager."
    assert ProcessLawfulBasis.objects.filter(profile=profile).count() == 4


def test_the_page_follows_the_data(held: Holdings, worker: User) -> None:
    client = Client()
    sign_in(client, worker)
    profile = ProcessProfile.objects.get(review_type="multi_agency_audit")
    profile.purpose = "To see how well agencies in Stockport work together."
    profile.save()
    ProcessLawfulBasis.objects.create(
        profile=profile, position=9, title="Local agreement", explanation="The partnership's published arrangements."
    )
    text = _text(client)
    assert "Multi-agency audit of practice To see how well agencies in Stockport work together." in text
    assert "Local agreement The partnership's published arrangements. For: Multi-agency audit of practice" in text
    assert "Public task UK GDPR Article 6(1)(e)" in text and "For: every process" in text
    ProcessLawfulBasis.objects.filter(title="Local agreement").delete()
    ProcessProfile.objects.filter(review_type="learning_review").delete()
    text = _text(client)
    assert "Local agreement" not in text
    assert "Multi-agency learning review Purpose not recorded" in text


def test_one_selector_returns_the_whole_table(held: Holdings, boss: User, settings: Any) -> None:
    settings.REVIEW_RETENTION_DAYS = 30
    cspr = held.review(review_type="cspr")
    audit = held.review(review_type="section_11")
    police = held.agency()
    school = held.agency("Hillside School", "education")
    alex = held.record(
        "Alex Example",
        submission=held.submission(cspr, agency=police),
        date_of_birth=DOB,
        categories={"police": "Incident log"},
    )
    held.record("Sam Green", submission=held.submission(audit, agency=school), categories={"education": "Attendance"})

    table = what_we_hold(today=TODAY)
    assert table.retention_days == 30
    assert table.retention == (
        "Agency data is destroyed 30 days after its review or audit concludes, unless a legal hold or an open "
        "request needs it."
    )
    rows = {p.key: p for p in table.processes}
    assert rows["cspr"].purpose.startswith("Where a child")
    assert rows["cspr"].lawful_basis[0] == ("Public task", rows["cspr"].lawful_basis[0][1])
    assert rows["cspr"].in_progress == 1 and rows["section_11"].in_progress == 1
    bases = {b.title: b for b in table.lawful_basis}
    assert isinstance(bases["Public task"], LawfulBasisRow)
    assert bases["Public task"].processes == tuple(ReviewType.labels)
    assert bases["Children Act 2004, section 11"].processes == ("Section 11 compliance audit",)
    categories = {c.key: c for c in table.categories}
    assert (categories["police"].total, categories["education"].total, categories["name"].total) == (1, 1, 2)

    # The same table for one person's records: what the Art 15 section of a pack needs.
    theirs = what_we_hold(today=TODAY, record_ids=[alex.pk])
    categories = {c.key: c for c in theirs.categories}
    assert (categories["police"].total, categories["education"].total, categories["name"].total) == (1, 0, 1)
    assert {s.key: s.total for s in theirs.sources}["reflection"] == 1
    assert sum(s.total for s in theirs.sources) == 1
    assert [a.name for a in theirs.agencies] == ["Greater Manchester Police"]
    assert [p.key for p in theirs.processes if p.in_progress] == ["cspr"]
    assert theirs.records_held == 1


@pytest.mark.parametrize("n", [1, 8])
def test_the_selector_query_count_is_constant(held: Holdings, n: int, django_assert_max_num_queries: Any) -> None:
    for i in range(n):
        held.record(f"Child {i} Example", submission=held.submission(held.review()), categories={"health": "GP"})
    with django_assert_max_num_queries(7):
        what_we_hold(today=TODAY)


def test_a_manager_edits_purposes_and_bases_in_the_admin(db: None) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "x" * 12)
    client = Client()
    sign_in(client, root)
    profile = ProcessProfile.objects.get(review_type="cspr")
    page = client.get(reverse("admin:reviews_processprofile_change", args=[profile.pk]))
    assert page.status_code == 200 and "Working Together to Safeguard Children 2018" in page.content.decode()
