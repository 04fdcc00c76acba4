"""A request locked for one transaction, once the person acting may see it and their page is not stale."""

from __future__ import annotations

from core import roles
from core.locking import lock_and_check
from core.roles import AnyUser
from requests_app.access import NO_SUCH_REQUEST, request_is_visible_to
from requests_app.models import RightsRequest
from rights import ApplicationError

RESTRICTED_MESSAGE = "This request is restricted: only the Manager and the assigned caseworker can act on it."


def refuse_unless_visible(locked: RightsRequest, user: AnyUser | None) -> None:
    """Refuse anyone who may not open the request before telling them anything about it (its version, its status)."""
    if user is None or request_is_visible_to(locked, user):
        return
    if not roles.is_team_member(user):
        raise ApplicationError("Only the Manager or a caseworker can act on requests.")
    raise ApplicationError(RESTRICTED_MESSAGE)


def request_lock(request_id: int, *, by: AnyUser | None, expected_version: int | None = None) -> RightsRequest:
    """The request locked for this transaction, once `by` may see it (first: a stale page tells a stranger
    nothing) and the page they acted on is not stale (core.locking)."""
    return lock_and_check(
        RightsRequest.objects.all(),
        request_id,
        expected_version=expected_version,
        missing=NO_SUCH_REQUEST,
        before_check=lambda locked: refuse_unless_visible(locked, by),
    )
