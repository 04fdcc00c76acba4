"""`manage.py subject_search`: the page's search, one hit a line, best first; NCND records marked for staff."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from reviews.services import record_set_ncnd
from rights import ApplicationError
from tests.reviews.conftest import Holdings

pytestmark = pytest.mark.django_db

DOB = dt.date(2015, 3, 2)


def search(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("subject_search", *args, stdout=out)
    return out.getvalue().splitlines()


def test_hits_best_first_with_agency_record_and_why(held: Holdings) -> None:
    exact = held.record("Zoë O'Brien", date_of_birth=DOB, address="1 High Street, Stockport SK1 1AA")
    spelt = held.record("Zoe OBrian", date_of_birth=DOB)
    held.record("Someone Else", date_of_birth=dt.date(2001, 1, 1))
    lines = search("--name", "Zoë O'Brien", "--dob", "2015-03-02", "--address", "SK1 1AA")
    assert lines[-1] == "2 hits"
    rows = [line.split("\t") for line in lines[:-1]]
    assert [len(r) for r in rows] == [4, 4]
    assert [r[2] for r in rows] == [exact.reference, spelt.reference]
    scores = [int(r[0]) for r in rows]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert rows[0][1] == "Greater Manchester Police"
    assert rows[0][3].startswith("name 'Zoë O'Brien' matches 'Zoë O'Brien' exactly; date of birth matches")
    assert "postcode SK1 1AA matches" in rows[0][3]
    assert "spelling differs" in rows[1][3]


def test_nothing_found_prints_zero_hits(held: Holdings) -> None:
    held.record("Zoë O'Brien", date_of_birth=DOB)
    assert search("--name", "Xavier Quigley") == ["0 hits"]


def test_an_ncnd_record_is_found_and_marked(held: Holdings, boss: User, worker: User) -> None:
    record = held.record("Liam Hart", date_of_birth=DOB)
    with pytest.raises(ApplicationError):
        record_set_ncnd(record=record, by=worker, ncnd=True, reason="Police operation")
    record_set_ncnd(record=record, by=boss, ncnd=True, reason="Police operation")
    lines = search("--name", "Liam Hart")
    assert lines[-1] == "1 hits"
    assert lines[0].split("\t")[3].startswith("[NCND] name 'Liam Hart' matches")


def test_a_bad_date_is_refused(held: Holdings) -> None:
    with pytest.raises(CommandError, match="--dob: '02/03/2015' is not a date in the form YYYY-MM-DD"):
        search("--name", "Liam Hart", "--dob", "02/03/2015")
