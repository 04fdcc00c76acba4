"""Two imports of one reference at once: the loser gets the documented one-line refusal and exit 2."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import QuerySet

from requests_app.casefile import importer
from requests_app.models import RightsRequest

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "cases" / "access-by-parent.json"


@pytest.mark.django_db
def test_the_import_that_loses_the_race_for_a_reference_exits_2_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both runs check the reference before either commits (PostgreSQL, read committed: the other's row is not
    visible yet), so both checks pass and the second INSERT meets the unique constraint."""
    real_validate, real_create, real_exists = importer.case_validate, importer.request_create, QuerySet.exists
    raced = False

    def validate_then_the_other_run_commits(data: Any, **kwargs: Any) -> Any:
        nonlocal raced
        case = real_validate(data, **kwargs)
        if not raced:
            raced = True
            call_command("import_case", str(EXAMPLE), stdout=StringIO())  # the other run wins
        return case

    def exists(self: QuerySet[Any]) -> bool:
        if self.model is RightsRequest and '"reference"' in str(self.query):
            return False
        return real_exists(self)

    def create_not_yet_seeing_it(**kwargs: Any) -> Any:
        with monkeypatch.context() as invisible:
            invisible.setattr(QuerySet, "exists", exists)  # the other's row, as this run's checks saw it
            return real_create(**kwargs)

    monkeypatch.setattr(importer, "case_validate", validate_then_the_other_run_commits)
    monkeypatch.setattr(importer, "request_create", create_not_yet_seeing_it)
    with pytest.raises(CommandError) as caught:
        call_command("import_case", str(EXAMPLE), stdout=StringIO())
    assert caught.value.returncode == 2
    assert str(caught.value) == "reference: a request with reference RR-2026-0001 already exists"
    assert RightsRequest.objects.count() == 1
