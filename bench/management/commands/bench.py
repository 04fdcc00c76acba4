"""`manage.py bench [--requests N] [--history N] [--pack-pages N] [--quick]`: the performance figures.

Builds a synthetic data set in a scratch database of its own (a SQLite file under var/bench/, or a
database beside yours when DATABASE_URL is PostgreSQL; never your data), reused by the next run with
the same parameters, and prints one line per figure on standard output:

    dashboard: median 42.1 ms, p95 61.0 ms, 14 queries (100000 requests, 1000000 history rows; 40 timed)
    sweep: 100000 open requests in 6.2 s, peak 88 MiB (Python heap 30 MiB), 23 queries, ...
    pack: 1004 pages in 31.0 s, peak 190 MiB per process (1 worker, multiprocessing pool; ...)
    naive pack: 1000 pages in 55 s, peak 326 MiB (one HTML document, one WeasyPrint write_pdf)
    load: 20 signed-in staff for 60.0 s on gunicorn (2 workers, postgresql): 2400 pages, 40.0/s, median 380 ms, ...
    pack/naive time ratio (2 workers): 0.41
    targets: pages p95 <= 150 ms met; ...

Progress goes to standard error. With CELERY_BROKER_URL set, the pack's chunks go to a real Celery
worker the bench starts (one process, then two); otherwise to a pool of processes. The benchmark is
not a test: CI does not run it. docs/running-at-scale.md explains the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.figures import FULL, QUICK, Scale
from bench.holdings import holdings_import_bench
from bench.run import PARTS, STAGES, bench_command, stage_output, stage_run
from bench.scratch import require_scratch


class Command(BaseCommand):
    help = "Performance figures on synthetic data in a scratch database: pages, the sweep, the pack."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, help=f"synthetic requests (default {FULL.requests})")
        parser.add_argument("--history", type=int, help=f"history rows in all (default {FULL.history})")
        parser.add_argument("--pack-pages", type=int, help=f"pages of the pack (default {FULL.pack_pages})")
        parser.add_argument(
            "--quick",
            action="store_true",
            help=f"everything small: {QUICK.requests} requests, {QUICK.history} history rows, a {QUICK.pack_pages}-page pack",
        )
        parser.add_argument(
            "--more-pack-sizes",
            help="further pack sizes rendered beside --pack-pages, comma-separated (default "
            + ",".join(str(n) for n in FULL.more_pack_sizes)
            + "; 0 for none)",
        )
        parser.add_argument("--ocr-pages", type=int, help=f"scanned pages read by OCR (default {FULL.ocr_pages})")
        parser.add_argument(
            "--load-clients",
            type=int,
            help=f"signed-in staff at once for the load figure (default {FULL.load_clients})",
        )
        parser.add_argument("--load-seconds", type=int, help=f"how long the load lasts (default {FULL.load_seconds} s)")
        parser.add_argument("--repeats", type=int, help="timed fetches of each page (default 40)")
        parser.add_argument("--warmup", type=int, help="untimed fetches of each page first (default 5)")
        parser.add_argument("--chunk-pages", type=int, help="pages per chunk of the pack (default: the renderer's)")
        parser.add_argument("--only", choices=PARTS, action="append", help="run only this part (repeatable)")
        parser.add_argument("--rebuild", action="store_true", help="build the data set again even if it is cached")
        # Used by the bench itself to run one stage in a child process on the scratch database.
        parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
        parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        base = QUICK if options["quick"] else FULL
        scale = Scale(
            requests=_given(options["requests"], base.requests),
            history=_given(options["history"], base.history),
            pack_pages=_given(options["pack_pages"], base.pack_pages),
            repeats=_given(options["repeats"], base.repeats),
            warmup=_given(options["warmup"], base.warmup),
            chunk_pages=options["chunk_pages"] or base.chunk_pages,
            ocr_pages=_given(options["ocr_pages"], base.ocr_pages),
            more_pack_sizes=_sizes(options["more_pack_sizes"], base.more_pack_sizes),
            load_clients=_given(options["load_clients"], base.load_clients),
            load_seconds=_given(options["load_seconds"], base.load_seconds),
        )
        for name in ("requests", "history", "pack_pages", "repeats", "load_clients", "load_seconds"):
            if getattr(scale, name) < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.", returncode=2)
        if options["stage"]:
            self._stage(options["stage"], scale, workers=max(1, options["workers"]))
            return
        bench_command(
            scale,
            parts=options["only"] or PARTS,
            rebuild=options["rebuild"],
            broker=os.environ.get("CELERY_BROKER_URL", ""),
            out=self.stdout,
        )
        if not options["only"]:  # the agency-return import (issue 15), in a scratch database of its own
            holdings_import_bench(rows=1000 if options["quick"] else 10_000, out=self.stdout, say=self.stderr)

    def _stage(self, stage: str, scale: Scale, *, workers: int) -> None:
        require_scratch()
        warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic for the bench
        found = stage_run(
            stage,
            scale,
            workers=workers,
            broker=os.environ.get("CELERY_BROKER_URL", ""),
            say=lambda message: print(message, file=sys.stderr, flush=True),
        )
        self.stdout.write(stage_output(found), ending="")


def _given(value: int | None, default: int) -> int:
    return default if value is None else value


def _sizes(value: str | None, default: tuple[int, ...]) -> tuple[int, ...]:
    if value is None:
        return default
    try:
        sizes = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise CommandError("--more-pack-sizes takes whole numbers, e.g. 100,2000.", returncode=2) from None
    return tuple(size for size in sizes if size > 0)
