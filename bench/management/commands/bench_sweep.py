"""`manage.py bench_sweep`: time the deadline sweep over N synthetic open requests (for `make bench`).

Prints one line: `sweep: N requests in X.XX s, peak Y MiB, Q queries`. The peak is the Python heap
during the sweep (tracemalloc, on an identical run rolled back), the queries those the timed run sent. With --create, synthetic
requests (references RR-BENCH-nnnnnnn, one synthetic caseworker without an email address) are
bulk-inserted first and, unless --keep, removed afterwards with their notices. Notices about them
from earlier runs are removed first; then yesterday's sweep runs untimed and today's is measured
(an ordinary morning), or with --first-day today's alone (the worst case: every notice is new,
about half the synthetic requests get one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.sweep import sweep_benchmark


class Command(BaseCommand):
    help = "Time the deadline sweep: `sweep: N requests in X.XX s, peak Y MiB, Q queries`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=100_000, help="synthetic open requests to create")
        parser.add_argument("--create", action="store_true", help="bulk-insert the synthetic requests first")
        parser.add_argument("--keep", action="store_true", help="keep the synthetic requests afterwards")
        parser.add_argument("--today", help="sweep as if it were this day (YYYY-MM-DD)")
        parser.add_argument(
            "--first-day", action="store_true", help="the worst case: no sweep ran yesterday, every notice is new"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requests"] < 0:
            raise CommandError("--requests must not be negative", returncode=2)
        today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        result = sweep_benchmark(
            requests=options["requests"],
            create=options["create"],
            keep=options["keep"],
            today=today,
            first_day=options["first_day"],
        )
        self.stdout.write(result.line())
