"""Two sweeps at once (two workers, or beat and a person at the command line) send nothing twice. PostgreSQL only."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections

from requests_app.models import Notice, RightsRequest
from requests_app.services import sweep as sweep_module
from requests_app.services.sweep import SweepResult, sweep_run
from tests.factories import bulk_open_requests, caseworker, manager

DUE = dt.date(2026, 4, 2)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the role groups made by migrations
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two concurrent sweeps need two real database connections with row locks: PostgreSQL only "
        "(CI's second run uses PostgreSQL; on SQLite one writer at a time makes the race impossible)",
    ),
]


@pytest.fixture
def workload() -> int:
    """Sixty requests due in 5 days (a reminder each to their caseworker) and twenty overdue (two Managers each)."""
    worker = caseworker()
    manager("manager")
    manager("manager2")
    recent = DUE - dt.timedelta(days=10)  # day 6 of its clock on the sweep's day: no extension prompts
    bulk_open_requests(60, due=DUE, received=recent, assigned_to=worker, prefix="RR-SOON-")
    bulk_open_requests(20, due=DUE - dt.timedelta(days=6), received=recent, assigned_to=worker, prefix="RR-LATE-")
    return 60 + 20 * 2


def _run_together(count: int, work: Callable[[], SweepResult]) -> list[SweepResult]:
    results: list[SweepResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(count, timeout=30)

    def target() -> None:
        try:
            start.wait()
            results.append(work())
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(results) == count
    return results


def test_two_sweeps_at_once_write_and_email_each_notice_once(workload: int) -> None:
    today = DUE - dt.timedelta(days=5)
    results = _run_together(2, lambda: sweep_run(today=today))
    assert Notice.objects.count() == workload
    assert sum(r.notices for r in results) == workload
    assert len(mail.outbox) == 3  # one email each to the caseworker and the two Managers
    assert sum(len(m.body.split("\n- ")) - 1 for m in mail.outbox) == workload
    assert Notice.objects.filter(emailed_at__isnull=True).count() == 0


def test_without_the_lock_the_constraint_still_picks_one_winner(workload: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sweeps reach the insert together; the unique constraint lets each notice in once, to one run."""
    inserting = threading.Barrier(2, timeout=30)
    real_insert = sweep_module.notices_insert

    def insert_together(**kwargs: Any) -> list[Notice]:
        with contextlib.suppress(threading.BrokenBarrierError):  # the other sweep has finished its batches
            inserting.wait()
        return real_insert(**kwargs)

    @contextmanager
    def no_lock() -> Iterator[bool]:
        yield True

    monkeypatch.setattr(sweep_module, "sweep_lock", no_lock)
    monkeypatch.setattr(sweep_module, "notices_insert", insert_together)
    today = DUE - dt.timedelta(days=5)
    results = _run_together(2, lambda: sweep_run(today=today))
    assert not any(r.skipped for r in results)
    assert Notice.objects.count() == workload
    assert sum(r.notices for r in results) == workload  # each notice counted by the one run that wrote it
    assert {n.run for n in Notice.objects.all()} <= {r.run for r in results}
    emailed = sum(len(m.body.split("\n- ")) - 1 for m in mail.outbox)
    assert emailed == workload
    assert RightsRequest.objects.count() == 80
