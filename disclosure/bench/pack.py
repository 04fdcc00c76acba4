"""Pack timings: engineer E2's chunked renderer on one and on two worker processes, and a naive render.

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

from disclosure.bench.figures import NaiveFigure, PackFigure
from disclosure.bench.packdata import pack_inputs_load
from disclosure.pack import chunks as chunking
from disclosure.pack import render
from disclosure.pack.chunks import ChunkResult
from requests_app.pdf import render_pdf

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
    planned = chunking.plan(inputs, chunk_pages=chunk_pages)
    data, result = render.render_chunk(inputs, planned[index])
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


@shared_task(name="disclosure.bench.render_chunk")
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
            "--include=disclosure.bench.pack", "--without-gossip", "--without-mingle", "--without-heartbeat",
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
    )


def naive_html(folder: Path) -> tuple[str, dict[str, bytes]]:
    """Every document of the pack in one HTML document, with CSS page furniture."""
    inputs = pack_inputs_load(str(folder))
    whole = chunking.plan(inputs, chunk_pages=10**9)
    if len(whole) != 1:
        raise RuntimeError("Expected the whole pack as one chunk.")
    html, resources, _images = render.chunk_html(inputs, whole[0], placeholders=False)
    style = NAIVE_PAGE_STYLE % {"reference": inputs.reference}
    return html.replace("</style>", style + "</style>", 1), resources


def naive_render(folder: Path, *, out: Path | None = None) -> NaiveFigure:
    """One HTML, one write_pdf: the same content as the pack, without chunks or joining."""
    import pikepdf

    inputs = pack_inputs_load(str(folder))
    started, cpu_started = time.perf_counter(), cpu_seconds()
    html, resources = naive_html(folder)
    data = render_pdf(html, title=inputs.title, document_date=inputs.letter_date, resources=resources or None)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    if out is not None:
        out.write_bytes(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
    return NaiveFigure(pages=pages, seconds=seconds, cpu_seconds=cpu, peak_mib=peak_mib())
