"""Running the bench: each stage in a fresh child process on the scratch database, one line per figure.

``run_bench`` decides what to run and prints; a runner runs one stage and hands back its figures. The
command's runner starts ``manage.py bench --stage NAME`` with the scratch database's environment (so
peak memory is each stage's own, and the user's database is never opened); the smoke test runs the
same stages in its own process on the test database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from bench import figures
from bench.figures import Report, Scale
from bench.packdata import PACK_DATA_VERSION, pack_sources_write
from bench.scratch import (
    SCRATCH_SUFFIX,
    Scratch,
    bench_dir,
    cache_key,
    child_env,
    scratch_for,
    stale_sqlite_files,
)

FIGURE_PREFIX = "BENCH-FIGURE "
STAGES = ("build", "sweep-first", "sweep", "pages", "load", "pack", "naive", "naive-png", "ocr")
PARTS = ("sweep", "pages", "load", "pack", "join", "ocr")

Figure = figures.Figure


class Output(Protocol):
    """Where the figures go: standard output, a command's OutputWrapper, or a StringIO in a test."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


class Runner(Protocol):
    def __call__(self, stage: str, scale: Scale, *, workers: int = 1, broker: str = "") -> list[Figure]: ...


# The stages (run in the child process) ----------------------------------------------------------------------


def pack_folder(scale: Scale) -> Path:
    return bench_dir() / f"pack-{scale.pack_pages}-v{PACK_DATA_VERSION}"


def pack_sources(scale: Scale, *, say: Callable[[str], None]) -> Path:
    """The pack's source documents, written once per size and reused (sources of an older version are removed)."""
    folder = pack_folder(scale)
    if not (folder / "manifest.json").is_file():
        say(f"bench: writing the pack's {scale.pack_pages} pages of sources into {folder}")
        pack_sources_write(folder, pages=scale.pack_pages)
        for old in folder.parent.glob("pack-*-v*"):
            if old.is_dir() and not old.name.endswith(f"-v{PACK_DATA_VERSION}"):
                shutil.rmtree(old)
    return folder


def stage_build(scale: Scale, *, say: Callable[[str], None], migrate: bool = True) -> list[Figure]:
    from bench.data import dataset_build

    if migrate:
        say("bench: migrating the scratch database")
        call_command("migrate", interactive=False, verbosity=0)
    say(f"bench: writing {scale.requests} requests and {scale.history} history rows")
    built = dataset_build(requests=scale.requests, history=scale.history, today=timezone.localdate(), progress=say)
    say(
        f"bench: data set built in {built.seconds:.0f} s: {built.requests} requests, {built.people} people, "
        f"{built.letters} letters, {built.clock_events} clock events, {built.transition_events} transition "
        f"events, {built.history} history rows"
    )
    return []


def stage_sweep(scale: Scale, *, first_day: bool, today: dt.date | None = None) -> list[Figure]:
    from bench.sweep import sweep_figure

    return [sweep_figure(first_day=first_day, today=today)]


def stage_pages(scale: Scale) -> list[Figure]:
    from bench.pages import pages_benchmark

    return list(pages_benchmark(repeats=scale.repeats, warmup=scale.warmup))


def stage_pack(scale: Scale, *, workers: int, broker: str = "", say: Callable[[str], None]) -> list[Figure]:
    from bench.pack import chunked_render

    folder = pack_sources(scale, say=say)
    figure = chunked_render(folder, workers=workers, chunk_pages=scale.chunk_pages, broker=broker)
    return [dataclasses.replace(figure, size=scale.pack_pages)]


def stage_naive(scale: Scale, *, say: Callable[[str], None], same_content: bool = True) -> list[Figure]:
    """The naive render in a process of its own (its peak memory is its own): the same content as the pack, or
    the old naive (PNG page images, no front matter)."""
    from bench.pack import naive_render

    figure = naive_render(pack_sources(scale, say=say), same_content=same_content)
    return [dataclasses.replace(figure, size=scale.pack_pages)]


def stage_load(scale: Scale) -> list[Figure]:
    from bench.load import load_benchmark

    return [load_benchmark(clients=scale.load_clients, seconds=scale.load_seconds)]


def stage_ocr(scale: Scale) -> list[Figure]:
    from bench.ocr import ocr_benchmark

    return [ocr_benchmark(pages=scale.ocr_pages)]


def stage_run(
    stage: str, scale: Scale, *, workers: int = 1, broker: str = "", say: Callable[[str], None]
) -> list[Figure]:
    """One stage, in this process, on whatever database it is connected to (the caller has checked it)."""
    if stage == "build":
        return stage_build(scale, say=say)
    if stage in ("sweep", "sweep-first"):
        return stage_sweep(scale, first_day=stage == "sweep-first")
    if stage == "pages":
        return stage_pages(scale)
    if stage == "load":
        return stage_load(scale)
    if stage == "pack":
        return stage_pack(scale, workers=workers, broker=broker, say=say)
    if stage == "naive":
        return stage_naive(scale, say=say)
    if stage == "naive-png":
        return stage_naive(scale, say=say, same_content=False)
    if stage == "ocr":
        return stage_ocr(scale)
    raise CommandError(f"No stage {stage!r}: one of {', '.join(STAGES)}.")


def figure_lines(found: Sequence[Figure]) -> list[str]:
    """How a stage hands its figures to the command that started it: one JSON line each on stdout."""
    return [FIGURE_PREFIX + json.dumps(figures.as_json(figure), sort_keys=True) for figure in found]


def figures_from(output: str) -> list[Figure]:
    return [
        figures.from_json(json.loads(line.removeprefix(FIGURE_PREFIX)))
        for line in output.splitlines()
        if line.startswith(FIGURE_PREFIX)
    ]


# The parent ---------------------------------------------------------------------------------------------


class ChildRunner:
    """Runs a stage as `manage.py bench --stage ...` in a fresh process on the scratch database."""

    def __init__(self, scratch: Scratch) -> None:
        self.scratch = scratch

    def __call__(self, stage: str, scale: Scale, *, workers: int = 1, broker: str = "") -> list[Figure]:
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench",
            f"--stage={stage}",
            f"--workers={workers}",
            *scale.as_args(),
        ]
        completed = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            command,
            cwd=settings.BASE_DIR,
            env=child_env(self.scratch, broker=broker),
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise CommandError(f"The bench's {stage} stage failed (exit status {completed.returncode}).")
        return figures_from(completed.stdout)


def scratch_prepare(scratch: Scratch, *, say: Callable[[str], None]) -> None:
    """An empty scratch database to build into (an unfinished one from an interrupted run is replaced)."""
    scratch.ready_marker.parent.mkdir(parents=True, exist_ok=True)
    scratch.ready_marker.unlink(missing_ok=True)
    if scratch.vendor == "sqlite":
        for stale in stale_sqlite_files(scratch):
            say(f"bench: removing an older data set, {stale.name}")
            stale.unlink(missing_ok=True)
        for path in Path(scratch.name).parent.glob(Path(scratch.name).name + "*"):
            path.unlink()
        return
    with connection._nodb_cursor() as cursor:
        # Older data sets this bench made (each left a marker in var/bench/), then this one afresh.
        for marker in sorted(scratch.ready_marker.parent.glob(f"*{SCRATCH_SUFFIX}*.ready")):
            name = marker.name.removesuffix(".ready")
            if name != scratch.name and SCRATCH_SUFFIX in name:
                say(f"bench: dropping an older data set, database {name}")
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
                marker.unlink()
        quoted = connection.ops.quote_name(scratch.name)
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")


def scratch_exists(scratch: Scratch) -> bool:
    """Built, and still there (a PostgreSQL server may have been reset since)."""
    if not scratch.is_built:
        return False
    if scratch.vendor != "postgresql":
        return True
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch.name])
        return cursor.fetchone() is not None


def run_bench(
    scale: Scale,
    *,
    runner: Runner,
    out: Output,
    say: Callable[[str], None],
    build: Callable[[], object] | None = None,
    parts: Sequence[str] = PARTS,
    broker: str = "",
) -> Report:
    """Build the data set if it is not there yet (``build``), then every figure, printed as it comes."""
    report = Report()
    started = time.perf_counter()

    def emit(found: Sequence[Figure]) -> None:
        for figure in found:
            figures.report_add(report, figure)
            out.write(figure.line() + "\n")
            out.flush()

    if build is not None and ("sweep" in parts or "pages" in parts or "load" in parts):
        build()
    if "sweep" in parts:
        say("bench: the deadline sweep, its first run ever")
        emit(runner("sweep-first", scale))
        say("bench: the deadline sweep, an ordinary morning")
        emit(runner("sweep", scale))
    if "pages" in parts:
        say(f"bench: pages ({scale.warmup} warm-up and {scale.repeats} timed fetches each)")
        emit(runner("pages", scale))
    if "load" in parts:
        say(f"bench: load, {scale.load_clients} signed-in staff for {scale.load_seconds} s on gunicorn (2 workers)")
        emit(runner("load", scale))
    report.target_size = scale.pack_pages
    if "pack" in parts:
        for size in scale.pack_sizes:  # a line per size, so that growth shows
            sized = dataclasses.replace(scale, pack_pages=size, more_pack_sizes=())
            for workers in (1, 2):
                say(f"bench: the chunked {size}-page pack on {workers} worker process{'es' if workers > 1 else ''}")
                emit(runner("pack", sized, workers=workers, broker=broker))
            say(f"bench: the naive single-document render of {size} pages (the same content as the pack)")
            emit(runner("naive", sized))
            say(f"bench: the old naive render of {size} pages (PNG page images, no front matter)")
            emit(runner("naive-png", sized))
    if "join" in parts:  # synthetic parts, in this process's temporary folder: no database, no render
        from bench.joinmem import join_peak, join_sizes

        with tempfile.TemporaryDirectory(prefix="bench-join-") as folder:
            for size in join_sizes(scale.pack_sizes):
                say(f"bench: the join's own peak memory at {size} synthetic pages")
                out.write(join_peak(Path(folder), size).line() + "\n")
                out.flush()
    if "ocr" in parts:
        say(f"bench: OCR of {scale.ocr_pages} scanned pages")
        emit(runner("ocr", scale))
    for line in report.ratio_lines() + report.target_lines():
        out.write(line + "\n")
    out.flush()
    say(f"bench: done in {time.perf_counter() - started:.0f} s")
    return report


def bench_command(scale: Scale, *, parts: Sequence[str], rebuild: bool, broker: str, out: Output) -> Report:
    """What `manage.py bench` does: the scratch database, built or reused, then every stage in a child process."""

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    scratch = scratch_for(cache_key(requests=scale.requests, history=scale.history))
    runner = ChildRunner(scratch)

    def build() -> None:
        if not rebuild and scratch_exists(scratch):
            say(f"bench: reusing the data set in {scratch.name}")
            return
        say(f"bench: building the data set in {scratch.name} (reused by the next run with the same parameters)")
        scratch_prepare(scratch, say=say)
        runner("build", scale)
        scratch.ready_marker.write_text(timezone.now().isoformat() + "\n")

    if rebuild and pack_folder(scale).exists():
        shutil.rmtree(pack_folder(scale))
    # Which database the figures were measured on: the page and sweep figures depend on it.
    out.write(f"database: {'PostgreSQL' if scratch.vendor == 'postgresql' else 'SQLite'} ({scratch.name})\n")
    return run_bench(scale, runner=runner, out=out, say=say, build=build, parts=parts, broker=broker)


def stage_output(found: Sequence[Figure]) -> str:
    return "".join(line + "\n" for line in figure_lines(found))
