"""The join's memory must not grow with the pack (issue 21): a process-level peak, not a timing.

Each join runs in a fresh spawned process and reports its own high-water resident set (VmHWM), which counts qpdf's C++
allocations (tracemalloc sees only Python's). 200 and 800 synthetic tagged pages of 64 KiB each: a join
that holds every page's content grows by about 25 MiB between them; the streamed one by about 7 MiB
(its page and structure trees).
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from bench.joinmem import JoinPeak, join_peak, join_sizes

FLAT_BOUND_MIB = 12  # growth allowed from 200 to 800 pages: the page tree and structure tree, not the content


def test_join_peak_memory_does_not_grow_with_pages(tmp_path: Path) -> None:
    small = join_peak(tmp_path, 200)
    large = join_peak(tmp_path, 800)
    with pikepdf.open(tmp_path / "joined-800.pdf") as joined:  # the join did its whole work
        assert len(joined.pages) == 800
        assert len(joined.Root.StructTreeRoot.ParentTree.Nums) == 2 * 800
        with pikepdf.open(tmp_path / "part-800-0015.pdf") as last_part:  # each page's own content, whole
            assert joined.pages[799].Contents.read_bytes() == last_part.pages[49].Contents.read_bytes()
            assert joined.pages[750].Contents.read_bytes() == last_part.pages[0].Contents.read_bytes()
    growth = large.peak_mib - small.peak_mib
    assert growth <= FLAT_BOUND_MIB, (
        f"join peak {small.peak_mib:.0f} MiB at 200 pages, {large.peak_mib:.0f} MiB at 800 (+{growth:.0f} MiB)"
    )


def test_the_bench_line_names_the_peak_and_the_target() -> None:
    assert JoinPeak(pages=2000, peak_mib=391.4, seconds=12.0).line() == (
        "join memory: 2000 synthetic pages joined, peak 391 MiB in the join's process (12.0 s; target <= 256 MiB missed)"
    )
    assert "target <= 256 MiB met" in JoinPeak(pages=100, peak_mib=40, seconds=0.5).line()
    assert join_sizes([100, 1000, 2000]) == [100, 1000, 2000, 5000]  # a full run: the 5,000 pages too
    assert join_sizes([30, 200]) == [30, 200]  # a reduced run stays small
