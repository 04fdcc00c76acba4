"""What the request's page says about the requester's status link: whether one works, when it was sent, by whom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from requests_app.models import RightsRequest, StatusLink


@dataclass(frozen=True)
class StatusLinkState:
    live: StatusLink | None  # the working link, if any
    latest: StatusLink | None  # the newest link sent, working or not


def status_link_state(request: RightsRequest, now: dt.datetime) -> StatusLinkState:
    """The request's status links in one query (a request has few)."""
    links = list(StatusLink.objects.filter(request=request).select_related("sent_by", "revoked_by"))
    live = next((link for link in links if link.works(now)), None)
    return StatusLinkState(live=live, latest=links[0] if links else None)
