"""The bench's scales, its figures, and the one line it prints for each figure."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# Targets (issue 8).
PAGE_P95_TARGET_MS = 150.0
SWEEP_TARGET_S = 10.0
PACK_RATIO_TARGET = 0.5
PROCESS_MIB_TARGET = 256.0


@dataclass(frozen=True)
class Scale:
    """How big the synthetic data and the pack are, and how often each page is timed."""

    requests: int = 100_000
    history: int = 1_000_000
    pack_pages: int = 1_000
    repeats: int = 40  # timed requests per page, after the warm-up
    warmup: int = 5
    chunk_pages: int | None = None  # None: the renderer's own CHUNK_PAGES

    def as_args(self) -> list[str]:
        """The same scale as command-line options (what a stage in a child process is given)."""
        args = [
            f"--requests={self.requests}",
            f"--history={self.history}",
            f"--pack-pages={self.pack_pages}",
            f"--repeats={self.repeats}",
            f"--warmup={self.warmup}",
        ]
        if self.chunk_pages:
            args.append(f"--chunk-pages={self.chunk_pages}")
        return args


FULL = Scale()
QUICK = Scale(requests=500, history=5_000, pack_pages=30, repeats=30, warmup=3, chunk_pages=10)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above `fraction` of them (p95 of 40 is the 38th)."""
    if not samples:
        raise ValueError("No samples.")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _mib(value: float) -> str:
    return f"{value:.0f} MiB"


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 100 else f"{value:.0f} s"


@dataclass(frozen=True)
class PageFigure:
    name: str  # dashboard, list, list search, request page
    samples_ms: tuple[float, ...]  # wall clock, per timed request
    cpu_ms: tuple[float, ...]  # this process's CPU time, per timed request
    queries: tuple[int, ...]  # per timed request
    requests: int
    history: int

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples_ms, 0.95)

    @property
    def queries_text(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return f"{low} queries" if low == high else f"{low}-{high} queries"

    @property
    def met(self) -> bool:
        return self.p95_ms <= PAGE_P95_TARGET_MS

    def line(self) -> str:
        return (
            f"{self.name}: median {self.median_ms:.1f} ms, p95 {self.p95_ms:.1f} ms "
            f"(CPU median {statistics.median(self.cpu_ms):.1f} ms), {self.queries_text} "
            f"({self.requests} requests, {self.history} history rows; {len(self.samples_ms)} timed)"
        )


@dataclass(frozen=True)
class ProcessFigure:
    """The memory of the process that served the pages: what one gunicorn worker needs."""

    peak_mib: float
    pages_served: int

    def line(self) -> str:
        return f"web process: peak {_mib(self.peak_mib)} after serving {self.pages_served} pages (one gunicorn worker's memory)"


@dataclass(frozen=True)
class SweepFigure:
    first_day: bool  # the first sweep ever (every notice due at once), else an ordinary morning
    requests: int  # open requests swept
    seconds: float
    peak_mib: float  # the process's peak resident memory
    heap_mib: float  # the Python heap's peak during the sweep (tracemalloc)
    queries: int
    notices: int

    @property
    def met(self) -> bool:
        return self.seconds <= SWEEP_TARGET_S

    def line(self) -> str:
        name = "sweep, first run" if self.first_day else "sweep"
        when = "nothing sent before" if self.first_day else "an ordinary morning"
        return (
            f"{name}: {self.requests} open requests in {self.seconds:.1f} s, peak {_mib(self.peak_mib)} "
            f"(Python heap {_mib(self.heap_mib)}), {self.queries} queries, {self.notices} notices written ({when})"
        )


@dataclass(frozen=True)
class PackFigure:
    pages: int
    seconds: float
    cpu_seconds: float  # every process's CPU time, added up
    peak_mib: float  # the largest peak resident memory of any one process that took part
    workers: int
    how: str  # "multiprocessing pool" or "Celery worker on <broker>"
    chunks: int
    chunk_pages: int
    render_seconds: float  # the chunks (in parallel)
    assemble_seconds: float  # front matter, join, page numbers (one process)
    machine_speedup: float = 1.0  # how much faster `workers` processes ran plain CPU work than one, just before

    @property
    def label(self) -> str:
        return f"{self.workers} worker{'s' if self.workers != 1 else ''}"

    def line(self) -> str:
        machine = (
            f"; {self.workers} processes ran plain CPU work {self.machine_speedup:.1f}x as fast as one here"
            if self.workers > 1
            else ""
        )
        return (
            f"pack: {self.pages} pages in {_seconds(self.seconds)} (CPU {_seconds(self.cpu_seconds)}), "
            f"peak {_mib(self.peak_mib)} per process "
            f"({self.label}, {self.how}; {self.chunks} chunks of about {self.chunk_pages} pages rendered in "
            f"{_seconds(self.render_seconds)}, joined and numbered in {_seconds(self.assemble_seconds)}{machine})"
        )


@dataclass(frozen=True)
class NaiveFigure:
    pages: int
    seconds: float
    cpu_seconds: float
    peak_mib: float

    def line(self) -> str:
        return (
            f"naive pack: {self.pages} pages in {_seconds(self.seconds)} (CPU {_seconds(self.cpu_seconds)}), "
            f"peak {_mib(self.peak_mib)} "
            "(one HTML document, one WeasyPrint write_pdf)"
        )


@dataclass
class Report:
    """Every figure of one run, in the order they are printed."""

    pages: list[PageFigure] = field(default_factory=list)
    web: ProcessFigure | None = None
    sweeps: list[SweepFigure] = field(default_factory=list)
    packs: list[PackFigure] = field(default_factory=list)
    naive: NaiveFigure | None = None

    def ratio_lines(self) -> list[str]:
        if self.naive is None or self.naive.seconds <= 0:
            return []
        return [f"pack/naive time ratio ({pack.label}): {pack.seconds / self.naive.seconds:.2f}" for pack in self.packs]

    def target_lines(self) -> list[str]:
        """Which targets of issue 8 were met, in one line."""
        results: list[str] = []
        if self.pages:
            slow = [p.name for p in self.pages if not p.met]
            results.append(
                f"pages p95 <= {PAGE_P95_TARGET_MS:.0f} ms " + ("met" if not slow else f"MISSED ({', '.join(slow)})")
            )
        if self.sweeps:
            late = [s for s in self.sweeps if not s.met]
            results.append(
                f"sweep <= {SWEEP_TARGET_S:.0f} s "
                + (
                    "met"
                    if not late
                    else "MISSED (" + ", ".join("first run" if s.first_day else "ordinary" for s in late) + ")"
                )
            )
        if self.packs and self.naive is not None:
            verdicts = [
                f"{pack.label} {'met' if pack.seconds / self.naive.seconds <= PACK_RATIO_TARGET else 'MISSED'}"
                for pack in self.packs
            ]
            results.append(f"pack <= {PACK_RATIO_TARGET}x naive ({', '.join(verdicts)})")
        if self.packs:
            heavy = max(p.peak_mib for p in self.packs)
            results.append(
                f"pack <= {PROCESS_MIB_TARGET:.0f} MiB per process "
                + ("met" if heavy <= PROCESS_MIB_TARGET else f"MISSED ({heavy:.0f} MiB)")
            )
        return [f"targets: {'; '.join(results)}"] if results else []

    def lines(self) -> list[str]:
        lines = [figure.line() for figure in self.sweeps]  # first: the pages then show the notices
        lines += [figure.line() for figure in self.pages]
        if self.web is not None:
            lines.append(self.web.line())
        lines += [figure.line() for figure in self.packs]
        if self.naive is not None:
            lines.append(self.naive.line())
        return lines + self.ratio_lines() + self.target_lines()


Figure = PageFigure | ProcessFigure | SweepFigure | PackFigure | NaiveFigure


def as_json(figure: Figure) -> dict[str, Any]:
    return {"type": type(figure).__name__, **asdict(figure)}


FIGURE_TYPES: dict[str, type[Figure]] = {
    cls.__name__: cls for cls in (PageFigure, ProcessFigure, SweepFigure, PackFigure, NaiveFigure)
}


def from_json(value: dict[str, Any]) -> Figure:
    """A figure printed by a stage in a child process, read back by the command that started it."""
    data = dict(value)
    cls = FIGURE_TYPES[data.pop("type")]
    for name, value in list(data.items()):
        if isinstance(value, list):
            data[name] = tuple(value)
    return cls(**data)


def report_add(report: Report, figure: Figure) -> None:
    if isinstance(figure, PageFigure):
        report.pages.append(figure)
    elif isinstance(figure, ProcessFigure):
        report.web = figure
    elif isinstance(figure, SweepFigure):
        report.sweeps.append(figure)
    elif isinstance(figure, PackFigure):
        report.packs.append(figure)
    else:
        report.naive = figure
