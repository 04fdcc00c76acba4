"""Through a real broker: a sweep, its emails and a letter render complete in a separate `celery worker`.

CI (.ci/run, second part) starts a worker on Redis that reads and writes the database pytest-django
creates for the suite, then runs these with CELERY_BROKER_URL set; then once more with a worker on
`filesystem://`, the embedded broker `make run` uses (kombu's filesystem transport in a folder the worker
and pytest share, CELERY_FILESYSTEM_DIR). Without a broker they are skipped, saying why; everything
else in the suite runs Celery in-process.
"""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from celery.result import EagerResult

from requests_app.models import Letter, Notice, NoticeKind
from requests_app.tasks import letter_generate_task, sweep_deadlines
from tests.factories import caseworker, make_request, manager

BROKER = os.environ.get("CELERY_BROKER_URL", "")
RECEIVED = dt.date(2026, 3, 2)
DUE = dt.date(2026, 4, 2)
WAIT_SECONDS = 60

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not BROKER,
        reason="CELERY_BROKER_URL is not set: no broker and no worker to send tasks to (CI's second run sets it "
        "and starts a worker; see .ci/run)",
    ),
    # The worker only sees committed rows; keep the role groups the migrations made.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _through_the_broker() -> None:
    from config.celery import app

    assert not app.conf.task_always_eager, "tasks would run in this process, not through the worker"


def test_a_sweep_and_its_emails_complete_through_the_worker() -> None:
    _through_the_broker()
    worker = caseworker()
    manager()
    request = make_request(received=RECEIVED, today=RECEIVED, assigned_to=worker)
    assert request.due_date == DUE

    result = sweep_deadlines.apply_async(kwargs={"today": (DUE - dt.timedelta(days=5)).isoformat()})
    assert not isinstance(result, EagerResult)
    counts = result.get(timeout=WAIT_SECONDS)
    assert counts["reminders"] == 1
    assert counts["notices"] == 1
    notice = Notice.objects.get()
    assert (notice.kind, notice.threshold, notice.recipient_id) == (NoticeKind.REMINDER, 5, worker.pk)

    # The worker's sweep queued the email task after its commit; the worker runs that too and stamps the notice.
    deadline = time.monotonic() + WAIT_SECONDS
    while Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).exists():
        assert time.monotonic() < deadline, "the notice email task did not complete through the worker"
        time.sleep(0.2)

    again = sweep_deadlines.apply_async(kwargs={"today": (DUE - dt.timedelta(days=5)).isoformat()})
    assert again.get(timeout=WAIT_SECONDS)["total"] == 0  # idempotent through the broker too
    assert Notice.objects.count() == 1


def test_a_letter_renders_through_the_worker() -> None:
    _through_the_broker()
    request = make_request(received=RECEIVED, today=RECEIVED)
    result = letter_generate_task.apply_async(
        kwargs={"request_id": request.pk, "template": "acknowledgement", "today": RECEIVED.isoformat()}
    )
    assert not isinstance(result, EagerResult)
    letter = Letter.objects.get(pk=result.get(timeout=WAIT_SECONDS))
    assert (letter.request_id, letter.template, letter.date) == (request.pk, "acknowledgement", RECEIVED)
    assert len(letter.sha256) == 64
    assert letter.file.name.endswith(".pdf")
    retry = letter_generate_task.apply_async(
        kwargs={"request_id": request.pk, "template": "acknowledgement", "today": RECEIVED.isoformat()}
    )
    assert retry.get(timeout=WAIT_SECONDS) == letter.pk  # a redelivered task files no second letter
