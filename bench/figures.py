"""The bench's scales, its figures, and the one line it prints for each figure."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# Targets.
PAGE_P95_TARGET_MS = 150.0
SWEEP_TARGET_S = 10.0
PACK_RATIO_TARGETS = {1: 0.75, 2: 0.4}  # issue 21: against the same-content naive render, at about 1,000 pages
PACK_RATIO_TARGET = 0.5  # for any other number of workers
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
    ocr_pages: int = 20  # scanned pages read by OCR for its own line
    # Further pack sizes rendered beside pack_pages, a line each, so that growth shows (issue 21: about 100 and
    # 2,000 beside 1,000); the time targets are judged at pack_pages, memory at every size.
    more_pack_sizes: tuple[int, ...] = ()
    load_clients: int = 20  # issue 20: 20 concurrent signed-in staff ...
    load_seconds: int = 60  # ... for 60 s, against gunicorn with 2 workers

    @property
    def pack_sizes(self) -> list[int]:
        return sorted({self.pack_pages, *self.more_pack_sizes})

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
        args.append(f"--ocr-pages={self.ocr_pages}")
        if self.more_pack_sizes:
            args.append("--more-pack-sizes=" + ",".join(str(size) for size in self.more_pack_sizes))
        args += [f"--load-clients={self.load_clients}", f"--load-seconds={self.load_seconds}"]
        return args


FULL = Scale(more_pack_sizes=(100, 2_000))
QUICK = Scale(
    requests=500,
    history=5_000,
    pack_pages=30,
    repeats=30,
    warmup=3,
    chunk_pages=10,
    ocr_pages=3,
    load_clients=4,
    load_seconds=5,
)


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
    verify_seconds: float = 0.0  # the pack's verification, on as many processes as it rendered on
    verify_cpu_seconds: float = 0.0
    verify_peak_mib: float = 0.0
    verified: bool = True
    total_peak_mib: float = 0.0  # every process's peak added up: the render workers, the join, this process
    size: int = 0  # the pack's size as asked for (its documents' pages), which the naive render is matched by

    @property
    def ratio_target(self) -> float:
        return PACK_RATIO_TARGETS.get(self.workers, PACK_RATIO_TARGET)

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
            f"{_seconds(self.render_seconds)}, joined and numbered in {_seconds(self.assemble_seconds)}{machine}); "
            f"verified in {_seconds(self.verify_seconds)} (CPU {_seconds(self.verify_cpu_seconds)}, peak "
            f"{_mib(self.verify_peak_mib)} per process{'' if self.verified else ', FAILED'}); "
            f"render + verify {_seconds(self.seconds + self.verify_seconds)}; "
            f"all processes together peak {_mib(self.total_peak_mib)}"
        )


@dataclass(frozen=True)
class NaiveFigure:
    pages: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    content: str = ""  # what the one document holds (the same content as the pack, or the old PNG naive)
    size: int = 0

    @property
    def same_content(self) -> bool:
        return self.content.startswith("same content")

    def line(self) -> str:
        return (
            f"naive pack: {self.pages} pages in {_seconds(self.seconds)} (CPU {_seconds(self.cpu_seconds)}), "
            f"peak {_mib(self.peak_mib)} "
            f"(one HTML document, one WeasyPrint write_pdf; {self.content or 'old naive'})"
        )


@dataclass(frozen=True)
class OcrFigure:
    pages: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    engine: str

    def line(self) -> str:
        rate = self.pages / self.seconds if self.seconds > 0 else 0.0
        return (
            f"ocr: {self.pages} scanned pages in {_seconds(self.seconds)} (CPU {_seconds(self.cpu_seconds)}): "
            f"{rate:.2f} pages/s per worker, peak {_mib(self.peak_mib)} ({self.engine}, English, one worker process)"
        )


@dataclass(frozen=True)
class LoadFigure:
    clients: int
    seconds: float
    workers: int
    samples_ms: tuple[float, ...]  # every fetch, wall clock as the client saw it
    errors: int  # answers that were not a 200, and connections that failed
    first_errors: tuple[str, ...]
    database: str

    @property
    def met(self) -> bool:
        return self.errors == 0 and bool(self.samples_ms)

    def line(self) -> str:
        if not self.samples_ms:
            return f"load: no fetch finished in {_seconds(self.seconds)} ({self.errors} errors)"
        rate = len(self.samples_ms) / self.seconds if self.seconds > 0 else 0.0
        seen = f"; first: {'; '.join(self.first_errors)}" if self.first_errors else ""
        return (
            f"load: {self.clients} signed-in staff for {_seconds(self.seconds)} on gunicorn ({self.workers} workers, "
            f"{self.database}): {len(self.samples_ms)} pages, {rate:.1f}/s, median "
            f"{statistics.median(self.samples_ms):.0f} ms, p95 {percentile(self.samples_ms, 0.95):.0f} ms, "
            f"{self.errors} errors{seen}"
        )


@dataclass
class Report:
    """Every figure of one run, in the order they are printed."""

    pages: list[PageFigure] = field(default_factory=list)
    web: ProcessFigure | None = None
    sweeps: list[SweepFigure] = field(default_factory=list)
    packs: list[PackFigure] = field(default_factory=list)
    naives: list[NaiveFigure] = field(default_factory=list)  # same-content naive renders: what packs are judged by
    naives_old: list[NaiveFigure] = field(default_factory=list)  # the old PNG naive, to compare with earlier runs
    target_size: int = 0  # the size the time targets are judged at (0: any)
    ocr: OcrFigure | None = None
    load: LoadFigure | None = None

    @property
    def naive(self) -> NaiveFigure | None:
        """The same-content naive render at the size the targets are judged at."""
        return _at_size(self.naives, self.target_size)

    @property
    def naive_old(self) -> NaiveFigure | None:
        return _at_size(self.naives_old, self.target_size)

    def _sized(self, pack: PackFigure) -> str:
        sizes = {p.size for p in self.packs}
        return f"{pack.label}, {pack.pages} pages" if len(sizes) > 1 else pack.label

    def ratio_lines(self) -> list[str]:
        lines: list[str] = []
        for kind, naives in (("naive", self.naives), ("old naive", self.naives_old)):
            for pack in self.packs:
                naive = _at_size(naives, pack.size)
                if naive is not None and naive.seconds > 0:
                    lines.append(f"pack/{kind} time ratio ({self._sized(pack)}): {pack.seconds / naive.seconds:.2f}")
            if kind == "naive":
                lines += [
                    f"verify/render time ratio ({self._sized(pack)}): {pack.verify_seconds / pack.seconds:.2f}"
                    for pack in self.packs
                    if pack.seconds > 0
                ]
        return lines

    def target_lines(self) -> list[str]:
        """Which targets were met, in one line."""
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
        naive = self.naive
        judged = [p for p in self.packs if not self.target_size or p.size == self.target_size]
        if judged and naive is not None:
            verdicts = [
                f"{pack.label} <= {pack.ratio_target}x "
                f"{'met' if pack.seconds / naive.seconds <= pack.ratio_target else 'MISSED'}"
                for pack in judged
            ]
            results.append(f"pack vs same-content naive ({', '.join(verdicts)})")
            slow = [pack.label for pack in judged if pack.verify_seconds > pack.seconds]
            results.append("verify <= render " + ("met" if not slow else f"MISSED ({', '.join(slow)})"))
        if self.packs:
            heavy = max(max(p.peak_mib, p.verify_peak_mib) for p in self.packs)  # every size, render and verify
            results.append(
                f"pack <= {PROCESS_MIB_TARGET:.0f} MiB per process "
                + ("met" if heavy <= PROCESS_MIB_TARGET else f"MISSED ({heavy:.0f} MiB)")
            )
        if self.load is not None:
            results.append("load errors = 0 " + ("met" if self.load.met else f"MISSED ({self.load.errors} errors)"))
        return [f"targets: {'; '.join(results)}"] if results else []

    def lines(self) -> list[str]:
        lines = [figure.line() for figure in self.sweeps]  # first: the pages then show the notices
        lines += [figure.line() for figure in self.pages]
        if self.web is not None:
            lines.append(self.web.line())
        for size in sorted({p.size for p in self.packs} | {n.size for n in self.naives + self.naives_old}):
            lines += [figure.line() for figure in self.packs if figure.size == size]
            lines += [figure.line() for figure in self.naives + self.naives_old if figure.size == size]
        if self.ocr is not None:
            lines.append(self.ocr.line())
        if self.load is not None:
            lines.append(self.load.line())
        return lines + self.ratio_lines() + self.target_lines()


Figure = PageFigure | ProcessFigure | SweepFigure | PackFigure | NaiveFigure | OcrFigure | LoadFigure


def as_json(figure: Figure) -> dict[str, Any]:
    return {"type": type(figure).__name__, **asdict(figure)}


FIGURE_TYPES: dict[str, type[Figure]] = {
    cls.__name__: cls
    for cls in (PageFigure, ProcessFigure, SweepFigure, PackFigure, NaiveFigure, OcrFigure, LoadFigure)
}


def from_json(value: dict[str, Any]) -> Figure:
    """A figure printed by a stage in a child process, read back by the command that started it."""
    data = dict(value)
    cls = FIGURE_TYPES[data.pop("type")]
    for name, value in list(data.items()):
        if isinstance(value, list):
            data[name] = tuple(value)
    return cls(**data)


def _at_size(naives: Sequence[NaiveFigure], size: int) -> NaiveFigure | None:
    for naive in naives:
        if not size or naive.size == size:
            return naive
    return None


def report_add(report: Report, figure: Figure) -> None:
    if isinstance(figure, PageFigure):
        report.pages.append(figure)
    elif isinstance(figure, ProcessFigure):
        report.web = figure
    elif isinstance(figure, SweepFigure):
        report.sweeps.append(figure)
    elif isinstance(figure, PackFigure):
        report.packs.append(figure)
    elif isinstance(figure, OcrFigure):
        report.ocr = figure
    elif isinstance(figure, LoadFigure):
        report.load = figure
    elif isinstance(figure, NaiveFigure) and not figure.same_content:
        report.naives_old.append(figure)
    elif isinstance(figure, NaiveFigure):
        report.naives.append(figure)
