"""Through a real broker: a pack renders as a chord of chunk tasks, then verifies as a chord of page ranges,
in a separate `celery worker` (CI's second run starts one on Redis; without a broker this is skipped)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from disclosure.models import Document, DocumentReading, Pack, PackStatus, ReadingStatus
from disclosure.services.packs import pack_request
from tests.factories import caseworker, manager, pack_case

BROKER = os.environ.get("CELERY_BROKER_URL", "")
TODAY = dt.date(2026, 3, 16)
WAIT_SECONDS = 240

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not BROKER,
        reason="CELERY_BROKER_URL is not set: no broker and no worker to send tasks to (CI's second run sets it "
        "and starts a worker; see .ci/run)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _private_media_root(transactional_db: None) -> Iterator[None]:
    """The worker is another process with the test settings' MEDIA_ROOT: keep that one, so it finds the files;
    remove what this test stored there afterwards."""
    yield
    for document in Document.objects.exclude(original=""):
        document.original.delete(save=False)
    for pack in Pack.objects.exclude(file=""):
        pack.file.delete(save=False)


def test_a_pack_renders_and_verifies_through_the_worker() -> None:
    from config.celery import app

    assert not app.conf.task_always_eager, "tasks would run in this process, not through the worker"
    staff: dict[str, User] = {"manager": manager(), "caseworker": caseworker()}
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)
    deadline = time.monotonic() + WAIT_SECONDS
    # The worker reads the documents the case was given (their text goes into the pack's inputs): as staff see
    # on the page, a pack made while they are still being read fails as "records changed", so wait as they would.
    while DocumentReading.objects.filter(
        document__request=request, status__in=[ReadingStatus.QUEUED, ReadingStatus.READING]
    ).exists():
        assert time.monotonic() < deadline, "the documents were not read through the worker"
        time.sleep(0.5)
    pack = pack_request(request=request, by=staff["caseworker"], today=TODAY)  # queued on commit, to the worker
    while Pack.objects.get(pk=pack.pk).status in {PackStatus.QUEUED, PackStatus.RENDERING}:
        assert time.monotonic() < deadline, "the pack did not finish through the worker"
        time.sleep(0.5)
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED, pack.failure_reason
    assert pack.progress == 100 and str(settings.MEDIA_ROOT)
    data = pack.file.read()
    assert hashlib.sha256(data).hexdigest() == pack.sha256
    pages = [c for c in pack.verification["checks"] if c["library"].startswith("pdfminer")]
    assert pages and pages[0]["detail"] == f"{pack.page_count} of {pack.page_count} pages"
