"""Parts of the daily deadline sweep that higher layers add (disclosure's agency chasers).

requests_app never imports disclosure (the layers run one way), so disclosure registers its part
from its AppConfig.ready(); the sweep runs every registered part after its own, in name order.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class SweepContext:
    """What a part is told about the run: the day it sweeps for and the run's id (stamped on its notices)."""

    today: dt.date
    run: uuid.UUID
    batch_size: int


PartFunction = Callable[[SweepContext], Mapping[str, int]]


@dataclass(frozen=True)
class SweepPart:
    name: str
    run: PartFunction
    counts: tuple[str, ...]  # the count lines it adds to, e.g. ("chasers",)


_PARTS: dict[str, SweepPart] = {}


def register_sweep_part(name: str, run: PartFunction, *, counts: tuple[str, ...]) -> None:
    """Add a part to the sweep; registering the same name again replaces it (ready() may run twice in tests)."""
    _PARTS[name] = SweepPart(name=name, run=run, counts=counts)


def sweep_parts() -> list[SweepPart]:
    return [_PARTS[name] for name in sorted(_PARTS)]
