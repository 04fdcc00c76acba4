"""The three roles, as Django groups, and the questions every access check asks of a user."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

MANAGER = "Manager"
CASEWORKER = "Caseworker"
REVIEWER = "Professional reviewer"
ROLES = (MANAGER, CASEWORKER, REVIEWER)

AnyUser = User | AnonymousUser


def roles_of(user: AnyUser) -> frozenset[str]:
    """The user's roles, cached on the user object for the length of a request."""
    if not user.is_authenticated or not getattr(user, "is_active", False):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_rights_desk_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if getattr(user, "is_superuser", False):
            names.add(MANAGER)
        cached = frozenset(names & set(ROLES))
        user._rights_desk_roles = cached  # type: ignore[attr-defined]
    return cached


def is_manager(user: AnyUser) -> bool:
    return MANAGER in roles_of(user)


def is_caseworker(user: AnyUser) -> bool:
    return CASEWORKER in roles_of(user)


def is_reviewer(user: AnyUser) -> bool:
    return REVIEWER in roles_of(user)


def is_team_member(user: AnyUser) -> bool:
    """Anyone with a role sees the team's requests (restricted ones aside)."""
    return bool(roles_of(user))
