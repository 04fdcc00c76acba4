"""The bench's synthetic return is a valid return: it imports, people recur, and a second run changes nothing."""

from __future__ import annotations

import pytest

from bench.holdings import synthetic_return
from reviews.services.returns import holdings_import

pytestmark = pytest.mark.django_db


def test_the_synthetic_return_imports_cleanly() -> None:
    data = synthetic_return(60)
    first = holdings_import(file_name="bench.csv", data=data)
    assert (first.new, first.people, first.reviews) == (60, 42, 40)
    again = holdings_import(file_name="bench.csv", data=data)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 60)
