"""Template context for every page: the signed-in person's unread notices, counted only if the page shows it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest

from requests_app.selectors.notices import notices_unread_badge


def notices(request: HttpRequest) -> dict[str, Any]:
    """`notices_unread`: a callable the template calls (one query, at most once per page) for the header's
    number ("12", "99+", or "" for none); 0 when signed out."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_active:
        return {"notices_unread": 0}
    badge: Callable[[], str] = cache(lambda: notices_unread_badge(user))
    return {"notices_unread": badge}


class LazyCalendar:
    """The working calendar, read only when a page first needs it and then once (not callable, so the template
    passes it to the filter unread: with no internal target set, no query at all)."""

    def __init__(self) -> None:
        from requests_app.selectors import working_calendar

        self.get = cache(working_calendar)


def target_calendar(request: HttpRequest) -> dict[str, Any]:
    """`target_calendar`: the working calendar for the internal target dates (requests_app.templatetags)."""
    return {"target_calendar": LazyCalendar()}
