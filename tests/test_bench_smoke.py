"""`manage.py bench` at a tiny scale: every stage runs and prints one line per figure.

The benchmark itself is not a test (CI does not run it); this proves that its pieces work together:
the synthetic data, the page timings, the sweep, the chunked pack on one and two processes, the naive
render, the figures' round trip from a child process, and that a stage refuses any database but a scratch one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from bench import figures, run, scratch
from bench.data import HEAVY_EVERY, dataset_build, sample_requests, status_paths
from bench.figures import PageFigure, Report, Scale
from bench.pages import history_rows
from disclosure.ocr import tesseract_available
from requests_app.models import FINISHED_STATUSES, Notice, RightsRequest, TransitionEvent

TINY = Scale(requests=60, history=600, pack_pages=3, repeats=3, warmup=1, chunk_pages=2, ocr_pages=1)

LINE_PATTERNS = [
    r"sweep, first run: 60 open requests in \d+(?:\.\d)? s, peak \d+ MiB \(Python heap \d+ MiB\), \d+ queries, "
    r"\d+ notices written \(nothing sent before\)",
    r"sweep: 60 open requests in \d+(?:\.\d)? s, .* notices written \(an ordinary morning\)",
    r"dashboard: median \d+\.\d ms, p95 \d+\.\d ms \(CPU median \d+\.\d ms\), \d+ queries \(60 requests, 600 history rows; 3 timed\)",
    r"list: median .* \d+ queries \(60 requests",
    r"list search: median .* queries \(60 requests",
    r"request page: median .* queries \(60 requests",
    r"web process: peak \d+ MiB after serving 16 pages \(one gunicorn worker's memory\)",
    r"pack: \d+ pages in \d+(?:\.\d)? s \(CPU \d+(?:\.\d)? s\), peak \d+ MiB per process \(1 worker, multiprocessing pool; "
    r"\d+ chunks of about 2 pages.*\); verified in \d+(?:\.\d)? s \(CPU \d+(?:\.\d)? s, peak \d+ MiB per process\); "
    r"render \+ verify \d+(?:\.\d)? s; all processes together peak \d+ MiB$",
    r"pack: \d+ pages in \d+(?:\.\d)? s \(CPU \d+(?:\.\d)? s\), peak \d+ MiB per process \(2 workers, multiprocessing pool;"
    r".*; 2 processes ran plain CPU work \d+\.\dx as fast as one here\); verified in .*; render \+ verify",
    r"naive pack: \d+ pages in \d+(?:\.\d)? s \(CPU \d+(?:\.\d)? s\), peak \d+ MiB \(one HTML document, one WeasyPrint write_pdf; "
    r"same content: the pack's front matter and its own image encoding\)",
    r"naive pack: \d+ pages in .*; old naive: PNG page images, no front matter\)",
    r"ocr: 1 scanned pages in \d+(?:\.\d)? s \(CPU \d+(?:\.\d)? s\): \d+\.\d\d pages/s per worker, peak \d+ MiB \(tesseract ",
    r"pack/naive time ratio \(1 worker\): \d+\.\d\d",
    r"pack/naive time ratio \(2 workers\): \d+\.\d\d",
    r"verify/render time ratio \(1 worker\): \d+\.\d\d",
    r"verify/render time ratio \(2 workers\): \d+\.\d\d",
    r"pack/old naive time ratio \(1 worker\): \d+\.\d\d",
    r"pack/old naive time ratio \(2 workers\): \d+\.\d\d",
    r"targets: pages p95 <= 150 ms (met|MISSED .*); sweep <= 10 s (met|MISSED .*); pack vs same-content naive "
    r"\(1 worker <= 0.75x (met|MISSED), 2 workers <= 0.4x (met|MISSED)\); verify <= render (met|MISSED .*); "
    r"pack <= 256 MiB per process (met|MISSED .*)",
]


@pytest.fixture
def bench_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The pack's sources go to a temporary folder, not var/bench."""
    monkeypatch.setattr(run, "bench_dir", lambda: tmp_path)
    return tmp_path


def in_process(stage: str, scale: Scale, *, workers: int = 1, broker: str = "") -> list[run.Figure]:
    """A runner doing what a child stage does, in this process: run, print the JSON lines, read them back."""
    found = run.stage_run(stage, scale, workers=workers, broker=broker, say=lambda message: None)
    return run.figures_from(run.stage_output(found))


@pytest.mark.django_db
def test_a_tiny_bench_prints_one_line_per_figure(bench_folder: Path) -> None:
    if not tesseract_available():
        pytest.skip("Tesseract is not installed here: the bench's OCR line needs it (apt-get install tesseract-ocr)")
    out = io.StringIO()
    said: list[str] = []
    report = run.run_bench(
        TINY,
        runner=in_process,
        out=out,
        say=said.append,
        build=lambda: run.stage_build(TINY, say=said.append, migrate=False),
        # gunicorn cannot see the test's own database; the join's memory line has its own test
        # (tests/disclosure/test_pack_join_memory.py)
        parts=[part for part in run.PARTS if part not in ("load", "join")],
    )

    lines = out.getvalue().splitlines()
    assert len(lines) == len(LINE_PATTERNS), lines
    for line, pattern in zip(lines, LINE_PATTERNS, strict=True):
        assert re.match(pattern, line), (line, pattern)
    assert lines == report.lines()
    # The figures are about what was built and rendered.
    assert RightsRequest.objects.count() == 60
    first, ordinary = report.sweeps
    assert first.first_day and not ordinary.first_day
    assert first.requests == ordinary.requests == 60
    assert first.notices > ordinary.notices  # a first run sends everything due; a morning, only what today brings
    assert Notice.objects.count() >= first.notices
    assert [p.workers for p in report.packs] == [1, 2]
    assert report.packs[0].pages == report.packs[1].pages > 3  # the documents behind the front matter
    assert report.naive is not None and report.naive.pages >= 3
    assert report.naive_old is not None and report.naive.pages > report.naive_old.pages  # with its front matter
    assert all(p.verified and p.verify_seconds > 0 for p in report.packs)
    assert report.ocr is not None and report.ocr.pages == 1
    assert report.packs[0].cpu_seconds > 0 and report.naive.cpu_seconds > 0
    assert report.web is not None and report.web.peak_mib > 0
    assert run.pack_folder(TINY).parent == bench_folder
    assert (run.pack_folder(TINY) / "manifest.json").is_file()
    assert any("data set built" in message for message in said)


@pytest.mark.django_db
def test_the_data_set_has_the_history_asked_for_and_only_open_requests() -> None:
    built = dataset_build(requests=HEAVY_EVERY, history=6 * HEAVY_EVERY, today=dt.date(2026, 3, 16))

    assert built.requests == RightsRequest.objects.count() == HEAVY_EVERY
    assert built.history == history_rows() == 6 * HEAVY_EVERY
    assert not RightsRequest.objects.filter(status__in=[s.value for s in FINISHED_STATUSES]).exists()
    paths = status_paths()
    for request in RightsRequest.objects.all()[:50]:
        steps = list(TransitionEvent.objects.filter(request=request).order_by("at", "pk"))
        assert steps[0].transition == "log"
        assert [s.transition for s in steps[1:]] == [s.name for s in paths[request.kind][request.status]]
        assert request.history.count() >= len(steps)  # one history row when logged and one per step
    # The request page is timed on ordinary and long-running requests alike.
    sample = sample_requests(9)
    assert len(sample) == 9
    heavy = RightsRequest.objects.order_by("pk")[HEAVY_EVERY - 1]
    assert heavy.pk in sample
    assert heavy.letters.count() > 10 and heavy.history.count() > 30


@pytest.mark.django_db
def test_a_stage_refuses_any_database_but_a_scratch_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(scratch.MARKER_ENV, raising=False)
    with pytest.raises(CommandError, match="scratch database"):
        call_command("bench", "--stage=pages", stdout=io.StringIO())
    monkeypatch.setenv(scratch.MARKER_ENV, "/somewhere/else.sqlite3")
    with pytest.raises(CommandError, match="scratch database"):
        call_command("bench", "--stage=sweep", stdout=io.StringIO())
    # Named by the bench, but not under var/bench (or not a *_bench_* database): still refused.
    monkeypatch.setenv(scratch.MARKER_ENV, str(connection.settings_dict["NAME"]))
    with pytest.raises(CommandError, match="not a scratch database"):
        call_command("bench", "--stage=sweep", stdout=io.StringIO())
    assert Notice.objects.count() == 0


def test_the_scratch_database_is_never_the_users() -> None:
    sqlite = scratch.scratch_for("abc123", base_url="")
    assert Path(sqlite.name).parent == scratch.bench_dir()
    assert sqlite.url == f"sqlite:///{sqlite.name}"
    env = scratch.child_env(sqlite)
    assert env["DATABASE_URL"] == sqlite.url
    assert env[scratch.MARKER_ENV] == sqlite.name
    assert env["CELERY_BROKER_URL"] == ""  # nothing from bench data reaches a real queue
    assert env["EMAIL_BACKEND"].endswith("dummy.EmailBackend")

    postgres = scratch.scratch_for("abc123", base_url="postgres://me:pw@db.example:5432/rightsdesk?sslmode=require")
    assert postgres.name == "rightsdesk_bench_abc123"
    assert postgres.url == "postgres://me:pw@db.example:5432/rightsdesk_bench_abc123?sslmode=require"
    assert scratch.child_env(postgres, broker="redis://127.0.0.1:6379/0")["CELERY_BROKER_URL"].startswith("redis:")


def test_the_cache_key_follows_the_scale_and_the_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    key = scratch.cache_key(requests=10, history=100)
    assert key == scratch.cache_key(requests=10, history=100)
    assert key != scratch.cache_key(requests=11, history=100)
    assert key != scratch.cache_key(requests=10, history=101)
    names = scratch.migration_names()
    assert "requests_app.0001_initial" in names
    monkeypatch.setattr(scratch, "migration_names", lambda: [*names, "requests_app.9999_new"])
    assert scratch.cache_key(requests=10, history=100) != key


def test_page_figures_give_median_p95_and_the_query_range() -> None:
    page = PageFigure(
        name="list",
        samples_ms=tuple(float(n) for n in range(1, 41)),
        cpu_ms=(5.0,) * 40,
        queries=(8,) * 39 + (9,),
        requests=100,
        history=1000,
    )
    assert page.median_ms == 20.5
    assert page.p95_ms == 38.0  # nearest rank: the 38th of 40
    assert page.line() == (
        "list: median 20.5 ms, p95 38.0 ms (CPU median 5.0 ms), 8-9 queries (100 requests, 1000 history rows; 40 timed)"
    )
    assert figures.from_json(figures.as_json(page)) == page
    slow = Report(pages=[page, PageFigure("dashboard", (200.0,), (1.0,), (3,), 1, 1)])
    assert slow.target_lines() == ["targets: pages p95 <= 150 ms MISSED (dashboard)"]
