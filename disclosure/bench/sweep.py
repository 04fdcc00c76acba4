"""The deadline sweep over every open request of the data set, timed by engineer G's own bench function.

Two figures: an ordinary morning (yesterday's sweep has run, untimed, so today's writes what today
brings) and the first run ever (nothing sent before: every reminder and escalation at once, the worst
case). The sweep writes each notice once, so the notices of any earlier bench run are removed first.
The figure adds the process's own peak memory (each runs in a fresh process) to G's Python-heap peak.
"""

from __future__ import annotations

import datetime as dt
import resource

from django.db import transaction
from django.utils import timezone

from disclosure.bench.figures import SweepFigure
from requests_app.management.commands.bench_sweep import sweep_benchmark
from requests_app.models import Notice


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
