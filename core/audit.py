"""The one way a change gets its reason in the history (django-simple-history), and its author when not the signed-in user.

Every service that saves a tracked row says why through `record_change` before the save; the history row keeps
the reason (cut to its column) and the event logs keep the whole text where they exist.
"""

from __future__ import annotations

from typing import Any, TypeVar

HISTORY_REASON_MAX = 100  # simple-history's change-reason column; PostgreSQL refuses a longer one

Tracked = TypeVar("Tracked")
_NOT_GIVEN: Any = object()  # `by=None` records "no user" (a task, the sweep); leaving it out keeps the request's user


def history_reason(text: str) -> str:
    """A change reason that fits its history column: whitespace folded, cut with an ellipsis when too long."""
    text = " ".join(str(text).split())
    return text if len(text) <= HISTORY_REASON_MAX else text[: HISTORY_REASON_MAX - 1].rstrip() + "…"


def record_change(obj: Tracked, reason: str, *, by: Any = _NOT_GIVEN) -> Tracked:
    """Give the next save of `obj` its history reason (and its author, when `by` is given); returns `obj`."""
    obj._change_reason = history_reason(reason)  # type: ignore[attr-defined]
    if by is not _NOT_GIVEN:
        obj._history_user = by  # type: ignore[attr-defined]
    return obj
