"""The demo's holdings: every kind of review, four kinds of agency, and a search from a request finds something."""

from __future__ import annotations

import datetime as dt

import pytest

from reviews.demo import demo_holdings_load
from reviews.models import AgencyKind, Review, ReviewType, SourceAgency
from reviews.search import subject_search

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
SUBJECTS = [
    ("Zoë O'Brien-Smith", dt.date(2015, 3, 2), "1 High Street, Stockport SK1 1AA"),
    ("Liam Hart", dt.date(2012, 11, 20), ""),
]


def test_demo_holdings_cover_every_kind_and_are_found_from_a_request() -> None:
    result = demo_holdings_load(subjects=SUBJECTS, today=TODAY)
    assert result.new > 0  # third rows carry no date of birth: reported as doubtful, as an agency's would be
    assert set(Review.objects.values_list("review_type", flat=True)) == set(ReviewType.values)
    assert {AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.EDUCATION, AgencyKind.CHILDRENS_SOCIAL_CARE} <= set(
        SourceAgency.objects.values_list("kind", flat=True)
    )
    hits = subject_search(name="Zoë O'Brien-Smith", date_of_birth=dt.date(2015, 3, 2))
    assert len(hits) >= 2
    assert len({hit.record.full_name for hit in hits}) >= 2  # spelt differently by different agencies
    again = demo_holdings_load(subjects=SUBJECTS, today=TODAY)
    assert (again.new, again.updated, again.unchanged) == (0, 0, result.new)
