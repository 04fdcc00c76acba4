"""Who may reach which object: one access function per model, used by every view and the admin.

The team (anyone with a role) sees the team's requests; a request the Manager marks restricted is
open only to Managers and its assigned caseworker. Anonymous, inactive and role-less users see
nothing. A request the user may not open is reported as not found (404), never as forbidden, so
that its existence does not leak.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from requests_app import roles
from requests_app.models import Evidence, Letter, Person, RightsRequest
from requests_app.roles import AnyUser


def _visible(user: AnyUser, queryset: QuerySet[RightsRequest]) -> QuerySet[RightsRequest]:
    if not roles.is_team_member(user):
        return queryset.none()
    if roles.is_manager(user):
        return queryset
    return queryset.filter(Q(is_restricted=False) | Q(assigned_to_id=user.pk))


def requests_visible_to(user: AnyUser) -> QuerySet[RightsRequest]:
    """Every request the user may open; an empty queryset for anyone without a role."""
    return _visible(user, RightsRequest.objects.all())


def request_is_visible_to(request: RightsRequest, user: AnyUser) -> bool:
    """The same rule as requests_visible_to, for a request already in hand (no query once roles are cached)."""
    if not roles.is_team_member(user):
        return False
    if roles.is_manager(user) or not request.is_restricted:
        return True
    return request.assigned_to_id is not None and request.assigned_to_id == user.pk


def request_get_for_user(
    *,
    user: AnyUser,
    pk: int | None = None,
    reference: str | None = None,
    queryset: QuerySet[RightsRequest] | None = None,
) -> RightsRequest:
    """The request by pk or reference if the user may open it; otherwise Http404, as if it did not exist.

    `queryset` lets a selector add its joins; it is narrowed by the same rule.
    """
    if (pk is None) == (reference is None):
        raise ValueError("Give exactly one of pk or reference.")
    visible = _visible(user, queryset if queryset is not None else RightsRequest.objects.all())
    lookup: dict[str, object] = {"pk": pk} if pk is not None else {"reference": reference}
    try:
        return visible.get(**lookup)
    except RightsRequest.DoesNotExist:
        raise Http404("No such request.") from None


def letter_get_for_user(*, user: AnyUser, pk: int) -> Letter:
    """A letter of a request the user may open; otherwise Http404."""
    try:
        return Letter.objects.select_related("request").get(pk=pk, request__in=requests_visible_to(user))
    except Letter.DoesNotExist:
        raise Http404("No such letter.") from None


def evidence_get_for_user(*, user: AnyUser, pk: int) -> Evidence:
    """Identity or authority evidence of a request the user may open; otherwise Http404."""
    try:
        return Evidence.objects.select_related("request").get(pk=pk, request__in=requests_visible_to(user))
    except Evidence.DoesNotExist:
        raise Http404("No such evidence.") from None


def people_visible_to(user: AnyUser) -> QuerySet[Person]:
    """People named in a request the user may open (Managers: everyone)."""
    if not roles.is_team_member(user):
        return Person.objects.none()
    if roles.is_manager(user):
        return Person.objects.all()
    visible = requests_visible_to(user)
    linked = Person.objects.filter(Q(requests_as_subject__in=visible) | Q(requests_as_requester__in=visible))
    return Person.objects.filter(pk__in=linked.values("pk"))
