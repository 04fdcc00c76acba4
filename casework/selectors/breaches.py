"""Reads for the breach log and a breach's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet

from casework.access import breaches_visible_to
from casework.models import Breach, BreachEvent, BreachLetter
from disclosure.models import PortalLink
from rights import ReportClock, report_clock


@dataclass(frozen=True)
class BreachPage:
    breach: Breach
    events: list[BreachEvent]
    letters: list[BreachLetter]
    live_links: int
    clock: ReportClock


def breach_log(*, user: User) -> QuerySet[Breach]:
    return breaches_visible_to(user).select_related("request", "pack", "created_by").order_by("-discovered_at", "-pk")


def breach_page(*, breach: Breach, now: dt.datetime) -> BreachPage:
    live = PortalLink.objects.filter(pack_id=breach.pack_id, revoked_at__isnull=True).count() if breach.pack_id else 0
    return BreachPage(
        breach=breach,
        events=list(breach.events.select_related("by").order_by("at", "pk")),
        letters=list(breach.letters.select_related("message", "sent_by").order_by("date", "pk")),
        live_links=live,
        clock=report_clock(discovered=breach.discovered_at, now=now),
    )
