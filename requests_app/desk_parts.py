"""Panels of the dashboard that higher layers add (disclosure's queue of serious-harm opinions wanted).

requests_app never imports disclosure (the layers run one way), so disclosure registers its panel from
its AppConfig.ready(); the dashboard asks every registered panel, in name order, whether it has
anything for this person (a panel returns None when it is not for their role).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from core.roles import AnyUser
from requests_app.models import RightsRequest


@dataclass(frozen=True)
class DeskRow:
    request: RightsRequest
    note: str  # what is wanted of this person, in plain words
    due: dt.date
    overdue: bool


@dataclass(frozen=True)
class DeskPanel:
    title: str
    intro: str
    count: int
    overdue_count: int
    due_soon_count: int
    rows: list[DeskRow] = field(default_factory=list)
    empty: str = "Nothing is waiting for you."


PanelFunction = Callable[[AnyUser, dt.date], DeskPanel | None]

_PANELS: dict[str, PanelFunction] = {}


def register_desk_panel(name: str, panel: PanelFunction) -> None:
    """Add a panel to the dashboard; registering the same name again replaces it (ready() may run twice)."""
    _PANELS[name] = panel


def desk_panels(user: AnyUser, today: dt.date) -> list[DeskPanel]:
    found = (_PANELS[name](user, today) for name in sorted(_PANELS))
    return [panel for panel in found if panel is not None]
