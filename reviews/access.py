"""Who may do what with the partnership's holdings, and the one access function per reachable model.

The role groups are created by requests_app (a higher layer), so they are named here, not imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from reviews.models import Review, SubjectSearchRun
from rights import ApplicationError

MANAGER = "Manager"
CASEWORKER = "Caseworker"
REVIEWER = "Professional reviewer"
TEAM = frozenset({MANAGER, CASEWORKER, REVIEWER})

AnyUser = User | AnonymousUser


def groups_of(user: AnyUser) -> frozenset[str]:
    """The user's role groups, cached on the user for the length of a request; a superuser counts as Manager."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_reviews_groups", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if getattr(user, "is_superuser", False):
            names.add(MANAGER)
        cached = frozenset(names & TEAM)
        user._reviews_groups = cached  # type: ignore[attr-defined]
    return cached


def is_manager(user: AnyUser) -> bool:
    return MANAGER in groups_of(user)


def can_work(user: AnyUser) -> bool:
    """Managers and caseworkers search holdings and apply the effects of rights."""
    return bool(groups_of(user) & {MANAGER, CASEWORKER})


def can_view_holdings(user: AnyUser) -> bool:
    return bool(groups_of(user))


def require_manager(user: AnyUser | None, *, action: str) -> User:
    if user is None or not isinstance(user, User) or not is_manager(user):
        raise ApplicationError(f"Only a Manager can {action}.")
    return user


def require_worker(user: AnyUser | None, *, action: str) -> User:
    if user is None or not isinstance(user, User) or not can_work(user):
        raise ApplicationError(f"Only a Manager or a caseworker can {action}.")
    return user


HiddenReferencesProvider = Callable[[User], Iterable[str]]
_hidden_providers: list[HiddenReferencesProvider] = []


def register_hidden_references_provider(provider: HiddenReferencesProvider) -> None:
    """requests_app registers which request references a user may not open (restricted requests)."""
    if provider not in _hidden_providers:
        _hidden_providers.append(provider)


def unregister_hidden_references_provider(provider: HiddenReferencesProvider) -> None:
    if provider in _hidden_providers:
        _hidden_providers.remove(provider)


def hidden_references(user: AnyUser) -> frozenset[str]:
    """Request references whose searches this user must not see (a colleague's own request, say)."""
    if not isinstance(user, User):
        return frozenset()
    hidden: set[str] = set()
    for provider in _hidden_providers:
        hidden.update(ref for ref in provider(user) if ref)
    return frozenset(hidden)


def require_reference_visible(user: AnyUser, reference: str) -> None:
    if reference and reference in hidden_references(user):
        raise ApplicationError(f"You cannot work on request {reference}.", field="request_reference")


def search_run_get_for_user(*, user: AnyUser, pk: int) -> SubjectSearchRun:
    """A search run, for a Manager or caseworker who may open its request; 404 otherwise, so nothing leaks."""
    if not can_work(user):
        raise PermissionDenied
    run = get_object_or_404(SubjectSearchRun.objects.select_related("run_by"), pk=pk)
    if run.request_reference and run.request_reference in hidden_references(user):
        raise Http404
    return run


def review_get_for_user(*, user: AnyUser, pk: int) -> Review:
    """A review, for a Manager only: legal holds, conclusion and destruction are a Manager's (403 otherwise)."""
    if not is_manager(user):
        raise PermissionDenied
    return get_object_or_404(Review, pk=pk)
