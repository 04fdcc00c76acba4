"""Who may do what with the partnership's holdings, and the one access function per reachable model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.roles import AnyUser, can_work, is_manager
from reviews.models import AgencySubmission, DataSubjectRecord, HoldingsImport, Review, SubjectSearchRun
from rights import ApplicationError


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


def record_get_for_user(*, user: AnyUser, pk: int) -> DataSubjectRecord:
    """A record about a person, for a Manager or caseworker (403 otherwise), with its submission joined."""
    if not can_work(user):
        raise PermissionDenied
    return get_object_or_404(
        DataSubjectRecord.objects.select_related("submission__review", "submission__agency", "subject"), pk=pk
    )


def submission_get_for_user(*, user: AnyUser, pk: int) -> AgencySubmission:
    """An agency's submission, for a Manager or caseworker (403 otherwise)."""
    if not can_work(user):
        raise PermissionDenied
    return get_object_or_404(AgencySubmission.objects.select_related("review", "agency"), pk=pk)


def import_get_for_user(*, user: AnyUser, pk: int) -> HoldingsImport:
    """An uploaded agency return, for a Manager only (403 otherwise)."""
    if not is_manager(user):
        raise PermissionDenied
    return get_object_or_404(HoldingsImport, pk=pk)


# Filling the search from a request: requests_app says who a request is about (reviews cannot import it).

SubjectDetails = tuple[str, tuple[str, ...], dt.date | None, str]  # name, previous names, date of birth, address
SubjectDetailsProvider = Callable[[User, str], SubjectDetails | None]
_subject_providers: list[SubjectDetailsProvider] = []


def register_subject_details_provider(provider: SubjectDetailsProvider) -> None:
    if provider not in _subject_providers:
        _subject_providers.append(provider)


def subject_details(user: AnyUser, reference: str) -> SubjectDetails | None:
    """The data subject of a request the user may open, to fill the search form; None otherwise."""
    if not isinstance(user, User) or not reference:
        return None
    for provider in _subject_providers:
        found = provider(user, reference)
        if found is not None:
            return found
    return None
