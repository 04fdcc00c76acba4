"""Pack timings: the chunked renderer on one and on two worker processes, and a naive render.

The chunked render is the production path's own functions (disclosure.pack.chunks.plan,
disclosure.pack.render.render_chunk and assemble): chunks are rendered by worker processes, then one
process joins them behind the front matter and stamps "Page X of Y" on every page. The workers are
either a multiprocessing pool (fork) or, when CELERY_BROKER_URL is set, a real Celery worker started
for the bench with that many processes, sent one task per chunk as a group. Verification is not timed
here: it is the same for both ways of rendering.

The naive render is what one would write first: every document in one HTML document with CSS page
counters for "Page X of Y", and one WeasyPrint write_pdf (tagged, as the real pack is).

Peak memory is each process's own peak resident set size (ru_maxrss), the largest of the processes
that took part (the stage's own, which joins; its workers; any process the renderer starts); a stage
runs in a fresh process, so nothing before it counts. CPU time is added up over every process: on a
machine shared with other work it says what the render costs when the wall clock cannot.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from celery import group, shared_task
from django.conf import settings

from bench.figures import NaiveFigure, PackFigure
from bench.packdata import pack_inputs_load
from core.pdf import render_pdf
from disclosure.pack import chunks as chunking
from disclosure.pack import render
from disclosure.pack.chunks import ChunkResult

NAIVE_PAGE_STYLE = """
@page {
  @top-left { content: "%(reference)s"; font-size: 8.5pt; }
  @top-center { content: "OFFICIAL-SENSITIVE"; font-size: 8.5pt; font-weight: bold; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt; }
}
"""


def peak_mib() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mib() -> float:
    """The largest peak of any child process that has ended (pool workers, the renderer's own join process)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# The work of one chunk, wherever it runs ------------------------------------------------------------------


def render_chunk_to_file(folder: str, chunk_pages: int, index: int, out_dir: str) -> dict[str, Any]:
    """Render chunk `index` of the pack in `folder` into `out_dir`; what it found, and this process's peak."""
    started = cpu_seconds()
    inputs = pack_inputs_load(folder)
    plan_file = Path(out_dir, "plan.json")  # planned once per pack, as the tasks do
    if plan_file.exists():
        chunk = chunking.Chunk.from_json(json.loads(plan_file.read_text())["chunks"][index])
    else:
        chunk = chunking.plan(inputs, chunk_pages=chunk_pages)[index]
    data, result = render.render_chunk(inputs, chunk)
    Path(out_dir, f"chunk-{index:05d}.pdf").write_bytes(data)
    return {
        "result": result.as_json(),
        "peak_mib": peak_mib(),
        "cpu_seconds": cpu_seconds() - started,
        "pid": os.getpid(),
    }


def _burn(rounds: int) -> float:
    started = time.perf_counter()
    total = 0
    for number in range(rounds):
        total += number * number
    return time.perf_counter() - started


def parallel_speedup(workers: int, *, rounds: int = 5_000_000) -> float:
    """How much faster `workers` processes get through the same CPU work than one, on this machine now.

    On a machine of its own with `workers` cores this is about `workers`; on a shared one, less: the
    pack's figures with more workers can only be read beside it.
    """
    if workers <= 1:
        return 1.0
    alone = _burn(rounds)
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(processes=workers) as pool:
        pool.map(_burn, [rounds] * workers)
    together = time.perf_counter() - started
    return workers * alone / together


def _pool_task(arguments: tuple[str, int, int, str]) -> dict[str, Any]:
    return render_chunk_to_file(*arguments)


def verify_part(folder: str, path: str, first: int, last: int) -> dict[str, Any]:
    """One verification task as the pack's own: the whole file once (``first`` 0), or pages first..last."""
    from disclosure.pack import verify
    from disclosure.pack.painted import painted_boxes

    started = cpu_seconds()
    inputs = pack_inputs_load(folder)
    if first == 0:
        report = verify.verify_whole(Path(path), secrets=inputs.secrets, staff_names=inputs.staff_names)
    else:
        report = verify.verify_pages(
            Path(path),
            secrets=inputs.secrets,
            reference=inputs.reference,
            preview=inputs.preview,
            first=first,
            last=last,
            boxes=painted_boxes(inputs),
        )
    ok = all(check.get("ok", True) for check in report.get("checks", []))
    return {"ok": ok, "peak_mib": peak_mib(), "cpu_seconds": cpu_seconds() - started, "pid": os.getpid()}


def _verify_task(arguments: tuple[str, str, int, int]) -> dict[str, Any]:
    return verify_part(*arguments)


def verify_pack(folder: Path, pack: Path, pages: int, *, workers: int) -> tuple[float, float, float, bool]:
    """Verify the pack as the tasks do (whole file beside one task per 100 pages) on `workers` processes:
    (seconds, CPU seconds, peak MiB of any one process, every check passed)."""
    from disclosure.pack.verify import page_ranges
    from disclosure.services.packs import VERIFY_PAGES

    parts = [(str(folder), str(pack), 0, 0)] + [
        (str(folder), str(pack), first, last) for first, last in page_ranges(pages, VERIFY_PAGES)
    ]
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=workers, maxtasksperchild=1) as pool:
        found = list(pool.imap_unordered(_verify_task, parts))
    seconds = time.perf_counter() - started
    return (
        seconds,
        sum(float(item["cpu_seconds"]) for item in found),
        max(float(item["peak_mib"]) for item in found),
        all(bool(item["ok"]) for item in found),
    )


@shared_task(name="bench.render_chunk")
def bench_render_chunk(folder: str, chunk_pages: int, index: int, out_dir: str) -> dict[str, Any]:
    """The same work as a Celery task (only ever sent to the worker the bench starts, on its own queue)."""
    return render_chunk_to_file(folder, chunk_pages, index, out_dir)


# Running the chunks ---------------------------------------------------------------------------------------


def _run_pool(folder: str, chunk_pages: int, count: int, out_dir: str, workers: int) -> list[dict[str, Any]]:
    # Forked workers never touch the database (the renderer works on plain data) and leave with os._exit,
    # so an open connection of this process is neither used nor closed by them.
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=workers) as pool:
        return list(pool.imap_unordered(_pool_task, [(folder, chunk_pages, i, out_dir) for i in range(count)]))


class CeleryWorker:
    """A Celery worker of `concurrency` processes on a queue of its own, for the length of a `with` block."""

    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        self.queue = f"bench-{uuid.uuid4().hex[:12]}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CeleryWorker:
        from celery import current_app as app  # the project's app (config/__init__.py loads it)

        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            f"--concurrency={self.concurrency}", "--pool=prefork", f"--queues={self.queue}",
            "--include=bench.pack", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=WARNING", f"--hostname={self.queue}@%h",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=dict(os.environ))  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("The bench's Celery worker stopped as it started.")
            replies = app.control.ping(timeout=1.0) or []
            if any(name.startswith(f"{self.queue}@") for reply in replies for name in reply):
                return self
        raise RuntimeError("The bench's Celery worker did not start within a minute.")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _run_celery(worker: CeleryWorker, folder: str, chunk_pages: int, count: int, out_dir: str) -> list[dict[str, Any]]:
    job = group(bench_render_chunk.s(folder, chunk_pages, i, out_dir) for i in range(count))
    found: list[dict[str, Any]] = job.apply_async(queue=worker.queue).get(timeout=3600)
    return found


def chunked_render(
    folder: Path, *, workers: int, chunk_pages: int | None = None, broker: str = "", out: Path | None = None
) -> PackFigure:
    """Render the pack in `folder` with the chunked renderer on `workers` processes; its figure."""
    inputs = pack_inputs_load(str(folder))
    size = chunk_pages or chunking.CHUNK_PAGES
    planned = chunking.plan(inputs, chunk_pages=size)
    how = f"Celery worker on {broker.split('://')[0]}" if broker else "multiprocessing pool"
    speedup = parallel_speedup(workers)
    with tempfile.TemporaryDirectory(prefix="bench-pack-") as work:
        target = out or Path(work) / "pack.pdf"
        Path(work, "plan.json").write_text(json.dumps({"chunks": [chunk.as_json() for chunk in planned]}))
        if broker:
            with CeleryWorker(workers) as worker:
                started = time.perf_counter()
                found = _run_celery(worker, str(folder), size, len(planned), work)
                rendered = time.perf_counter()
        else:
            started = time.perf_counter()
            found = _run_pool(str(folder), size, len(planned), work, workers)
            rendered = time.perf_counter()
        results = sorted((ChunkResult.from_json(item["result"]) for item in found), key=lambda r: r.index)
        files = [Path(work, f"chunk-{r.index:05d}.pdf") for r in results]
        assembling = cpu_seconds() + cpu_seconds(resource.RUSAGE_CHILDREN)
        pack = render.assemble(inputs, files, results, target)
        finished = time.perf_counter()
        assemble_cpu = cpu_seconds() + cpu_seconds(resource.RUSAGE_CHILDREN) - assembling
        join_peak = children_peak_mib()
        verify_seconds, verify_cpu, verify_peak, verified = verify_pack(folder, target, pack.pages, workers=workers)
    worker_peaks: dict[int, float] = {}
    for item in found:
        worker_peaks[int(item["pid"])] = max(worker_peaks.get(int(item["pid"]), 0.0), float(item["peak_mib"]))
    return PackFigure(
        pages=pack.pages,
        seconds=finished - started,
        cpu_seconds=sum(float(item["cpu_seconds"]) for item in found) + assemble_cpu,
        peak_mib=max([peak_mib(), children_peak_mib(), *(float(item["peak_mib"]) for item in found)]),
        workers=workers,
        how=how,
        chunks=len(planned),
        chunk_pages=size,
        render_seconds=rendered - started,
        machine_speedup=speedup,
        assemble_seconds=finished - rendered,
        verify_seconds=verify_seconds,
        verify_cpu_seconds=verify_cpu,
        verify_peak_mib=verify_peak,
        verified=verified,
        # at the busiest moment: this process, the render workers, and the join's own process
        total_peak_mib=peak_mib() + sum(worker_peaks.values()) + join_peak,
    )


NAIVE_SAME = "same content: the pack's front matter and its own image encoding"
NAIVE_PNG = "old naive: PNG page images, no front matter"


def naive_html(folder: Path, *, same_content: bool = True) -> tuple[str, dict[str, bytes]]:
    """Every document of the pack in one HTML document, with CSS page furniture.

    ``same_content`` (the honest comparison, issue 21): the front matter (letter, Art 15 information,
    schedule, key) comes first, as in the pack, and the page images are the pack's own encoding (a JPEG
    where the pack keeps one). Without it, the old naive render: PNG page images and no front matter.
    """
    from django.template.loader import render_to_string

    inputs = pack_inputs_load(str(folder))
    whole = chunking.plan(inputs, chunk_pages=10**9)
    if len(whole) != 1:
        raise RuntimeError("Expected the whole pack as one chunk.")
    html, resources, _images = render.chunk_html(inputs, whole[0], placeholders=False, png_files=not same_content)
    if same_content:
        front = render_to_string("disclosure/pack/front.html", render.front_context(inputs, {}, pages_total=None))
        body = front.split("<body>", 1)[1].rsplit("</body>", 1)[0]
        html = html.replace("<body>", "<body>" + body + '<div class="new-page"></div>', 1)
    style = NAIVE_PAGE_STYLE % {"reference": inputs.reference}
    return html.replace("</style>", style + "</style>", 1), resources


def naive_render(folder: Path, *, out: Path | None = None, same_content: bool = True) -> NaiveFigure:
    """One HTML, one write_pdf: the same content as the pack, without chunks or joining."""
    import pikepdf

    inputs = pack_inputs_load(str(folder))
    started, cpu_started = time.perf_counter(), cpu_seconds()
    html, resources = naive_html(folder, same_content=same_content)
    data = render_pdf(html, title=inputs.title, document_date=inputs.letter_date, resources=resources or None)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    if out is not None:
        out.write_bytes(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    return NaiveFigure(
        pages=pages,
        seconds=seconds,
        cpu_seconds=cpu,
        peak_mib=peak_mib(),
        content=NAIVE_SAME if same_content else NAIVE_PNG,
    )
