"""The three roles, as Django groups (created by requests_app's migrations), and the questions every access check asks."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from rights import ApplicationError

MANAGER = "Manager"
CASEWORKER = "Caseworker"
REVIEWER = "Professional reviewer"
ROLES = (MANAGER, CASEWORKER, REVIEWER)
TEAM = frozenset(ROLES)

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
        cached = frozenset(names & TEAM)
        user._rights_desk_roles = cached  # type: ignore[attr-defined]
    return cached


def is_manager(user: AnyUser) -> bool:
    return MANAGER in roles_of(user)


def is_caseworker(user: AnyUser) -> bool:
    return CASEWORKER in roles_of(user)


def is_reviewer(user: AnyUser) -> bool:
    return REVIEWER in roles_of(user)


def is_team_member(user: AnyUser) -> bool:
    """Anyone with a role: Managers and caseworkers see the team's requests (restricted ones aside), a professional
    reviewer only what is referred to them (requests_app.access)."""
    return bool(roles_of(user))


def can_work(user: AnyUser) -> bool:
    """Managers and caseworkers work on cases: they search holdings and apply the effects of rights."""
    return bool(roles_of(user) & {MANAGER, CASEWORKER})


def reviews_only(user: AnyUser) -> bool:
    """A professional reviewer and nothing more: they see only what is referred to them for an opinion."""
    held = roles_of(user)
    return REVIEWER in held and not held & {MANAGER, CASEWORKER}


def require_role(user: User | None, *allowed: str, action: str) -> None:
    """Refuse, in plain words, an action the user's roles do not allow; None is the command line."""
    if user is None:
        return
    if not roles_of(user) & set(allowed):
        raise ApplicationError(f"Only a {' or '.join(a.lower() for a in allowed)} can {action}.")
