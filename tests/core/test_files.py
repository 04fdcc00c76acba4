"""Files written by a transaction that fails are removed with it: no PDF about a child is left with no row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from core.files import file_store, files_removed_on_rollback
from requests_app.models import Letter, RightsRequest, Status
from requests_app.services import transitions
from requests_app.services.transitions import request_transition
from rights import ApplicationError, RightKind
from tests.factories import caseworker, make_request, take_steps, verify_identity

pytestmark = pytest.mark.django_db
RECEIVED = dt.date(2026, 3, 2)


def _files_under(folder: str) -> list[str]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_failed_block_removes_what_it_stored_and_a_good_one_keeps_it() -> None:
    kept = Letter().file
    with files_removed_on_rollback(), transaction.atomic():
        file_store(kept, "kept.pdf", b"%PDF-1.7 kept")
    gone = Letter().file
    with pytest.raises(RuntimeError), files_removed_on_rollback(), transaction.atomic():
        file_store(gone, "gone.pdf", b"%PDF-1.7 gone")
        assert default_storage.exists(gone.name)
        raise RuntimeError("a later part of the step failed")
    assert default_storage.exists(kept.name) and not default_storage.exists(gone.name)


def test_an_inner_block_that_succeeded_is_undone_with_the_outer_one() -> None:
    inner = Letter().file
    with pytest.raises(ApplicationError), files_removed_on_rollback(), transaction.atomic():
        with files_removed_on_rollback(), transaction.atomic():
            file_store(inner, "inner.pdf", b"%PDF-1.7 inner")
        assert default_storage.exists(inner.name)  # the inner block succeeded; the outer may still fail
        raise ApplicationError("refused after the letter was written")
    assert not default_storage.exists(inner.name)


def test_a_step_refused_after_its_letter_was_written_leaves_no_letter_file(monkeypatch: pytest.MonkeyPatch) -> None:
    worker = caseworker()
    request = verify_identity(
        make_request(kind=RightKind.ACCESS, received=RECEIVED, today=RECEIVED), by=worker, on=RECEIVED
    )
    request = take_steps(request, "start_work", user=worker, today=RECEIVED)
    letters_before = _files_under("letters")
    rows_before = Letter.objects.count()

    def refuse_after_the_letter(**kwargs: object) -> str:
        assert len(_files_under("letters")) == len(letters_before) + 1  # the PDF was written...
        raise ApplicationError("The restriction could not be lifted.")  # ...then the step was refused

    monkeypatch.setattr(transitions.effects, "effect_after_letter", refuse_after_the_letter)
    with pytest.raises(ApplicationError, match="could not be lifted"):
        request_transition(
            request_id=request.pk,
            user=worker,
            transition="ask_clarification",
            expected_version=None,
            data={"clarification_question": "Which review do you mean?", "clarification_reason": "Two reviews match."},
            today=RECEIVED + dt.timedelta(days=3),
        )
    assert _files_under("letters") == letters_before  # ...and removed with the rows that pointed at it
    assert Letter.objects.count() == rows_before
    assert RightsRequest.objects.get(pk=request.pk).status != Status.AWAITING_CLARIFICATION
