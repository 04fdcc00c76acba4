"""The deadline sweep over every open request of the data set, timed by `sweep_benchmark` here
(also behind `manage.py bench_sweep`).

Two figures: an ordinary morning (yesterday's sweep has run, untimed, so today's writes what today
brings) and the first run ever (nothing sent before: every reminder and escalation at once, the worst
case). The sweep writes each notice once, so the notices of any earlier bench run are removed first.
The figure adds the process's own peak memory (each runs in a fresh process) to the benchmark's Python-heap peak.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
import tracemalloc
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.figures import SweepFigure
from core import roles
from requests_app.models import Notice, Person, RightsRequest, Status
from requests_app.services.sweep import sweep_run

BENCH_PREFIX = "RR-BENCH-"
BENCH_USER = "bench-caseworker"
INSERT_BATCH = 5000
# Open statuses: four with the clock running, one waiting on the requester.
STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.GATHERING_RECORDS, Status.IN_REVIEW, Status.AWAITING_IDENTITY)


@dataclass(frozen=True)
class BenchResult:
    requests: int
    seconds: float
    peak_mib: float
    queries: int
    notices: int

    def line(self) -> str:
        return (
            f"sweep: {self.requests} requests in {self.seconds:.2f} s, peak {self.peak_mib:.1f} MiB, "
            f"{self.queries} queries"
        )


def bench_requests_create(count: int, *, today: dt.date) -> int:
    """Bulk-insert `count` open requests with due dates spread over the 60 days around today (no history: bench data)."""
    user, _ = User.objects.get_or_create(username=BENCH_USER, defaults={"first_name": "Bench", "is_active": True})
    user.groups.add(Group.objects.get_or_create(name=roles.CASEWORKER)[0])
    made = RightsRequest.objects.filter(reference__startswith=BENCH_PREFIX).count()
    for start in range(made, count, INSERT_BATCH):
        end = min(start + INSERT_BATCH, count)
        with transaction.atomic():
            people = Person.objects.bulk_create([Person(full_name=f"Bench Person {i}") for i in range(start, end)])
            RightsRequest.objects.bulk_create(
                [
                    RightsRequest(
                        reference=f"{BENCH_PREFIX}{i:07d}",
                        kind="access",
                        received=today - dt.timedelta(days=i % 40),
                        due_date=today + dt.timedelta(days=(i % 60) - 30),
                        first_month_due=today + dt.timedelta(days=(i % 60) - 30),
                        status=STATUSES[i % len(STATUSES)],
                        subject=person,
                        assigned_to=user if i % 3 else None,
                    )
                    for i, person in zip(range(start, end), people, strict=True)
                ]
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as a database in service has (PostgreSQL and SQLite)
    return max(count - made, 0)


def bench_notices_remove() -> None:
    """Forget the notices earlier runs wrote about the synthetic requests, so every run does a first day's work."""
    requests = RightsRequest.objects.filter(reference__startswith=BENCH_PREFIX).values("pk")
    with transaction.atomic():
        Notice.history.filter(request_id__in=requests)._raw_delete(Notice.objects.db)
        Notice.objects.filter(request__in=requests)._raw_delete(Notice.objects.db)


def bench_requests_remove() -> int:
    """Remove the synthetic requests, their notices (and the notices' history) and people.

    Plain DELETEs: bench data has no history to keep, and a model delete() of 100,000 rows would
    fetch each one and write a history row for each deletion.
    """
    with transaction.atomic():
        bench_notices_remove()
        requests = RightsRequest.objects.filter(reference__startswith=BENCH_PREFIX)
        removed: int = requests._raw_delete(requests.db)
        Person.objects.filter(
            full_name__startswith="Bench Person ", requests_as_subject__isnull=True, requests_as_requester__isnull=True
        )._raw_delete(Person.objects.db)
    return removed


def sweep_benchmark(
    *, requests: int, create: bool, keep: bool = False, today: dt.date | None = None, first_day: bool = False
) -> BenchResult:
    """Run the sweep over the database's open requests and measure it (no email is sent).

    By default it measures an ordinary morning: yesterday's sweep has run (untimed), so today's
    writes only what today brings. With first_day, nothing was ever sent: the worst case.

    tracemalloc slows Python several times over, so memory and time come from two identical runs:
    first one under tracemalloc inside a transaction that is rolled back (so it writes nothing that
    lasts), then the timed one, which writes the notices.
    """
    today = today or timezone.localdate()
    if create:
        bench_requests_create(requests, today=today)
    bench_notices_remove()
    if not first_day:
        sweep_run(today=today - dt.timedelta(days=1), email=False)
    open_count = RightsRequest.objects.exclude(status__in=[Status.CLOSED, Status.WITHDRAWN]).count()
    try:
        tracemalloc.start()
        with transaction.atomic():
            sweep_run(today=today, email=False)
            _, peak = tracemalloc.get_traced_memory()
            transaction.set_rollback(True)
        tracemalloc.stop()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = sweep_run(today=today, email=False)
        seconds = time.perf_counter() - started
    finally:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        if create and not keep:
            bench_requests_remove()
    return BenchResult(
        requests=open_count, seconds=seconds, peak_mib=peak / 2**20, queries=len(queries), notices=result.notices
    )


def notices_clear() -> int:
    """Remove every notice and its history (scratch data only: the stage refuses any other database)."""
    with transaction.atomic():
        Notice.history.all()._raw_delete(Notice.objects.db)
        removed: int = Notice.objects.all()._raw_delete(Notice.objects.db)
    return removed


def sweep_figure(*, first_day: bool = False, today: dt.date | None = None) -> SweepFigure:
    notices_clear()
    result = sweep_benchmark(requests=0, create=False, today=today or timezone.localdate(), first_day=first_day)
    return SweepFigure(
        first_day=first_day,
        requests=result.requests,
        seconds=result.seconds,
        peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        heap_mib=result.peak_mib,
        queries=result.queries,
        notices=result.notices,
    )
