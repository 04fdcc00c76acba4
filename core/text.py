"""Text as staff and letters read it: dates in one GOV.UK style, summaries cut at a word."""

from __future__ import annotations

import datetime as dt
import functools
import textwrap


@functools.lru_cache(maxsize=4096)
def day_text(day: dt.date) -> str:
    """A date as GOV.UK writes it: 4 January 2027, never 04 January 2027 (cached: a sweep prints the same few
    hundred dates many times)."""
    return f"{day.day} {day:%B %Y}"


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut at a word boundary to at most `width` characters, an ellipsis showing the cut."""
    line = " ".join(text.split())
    if len(line) <= width:
        return line
    cut = textwrap.shorten(line, width=width, placeholder="…")
    return cut if cut != "…" else line[: width - 1] + "…"  # a first word longer than the width: cut inside it


def address_lines(address: str) -> list[str]:
    """A postal address as envelope lines: one per line as typed, else split at the commas."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if len(lines) == 1:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    return lines
