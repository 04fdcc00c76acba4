"""The request list as a team's work queue: assigning many requests at once, named views, and the search key."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

from core import roles
from core.audit import record_change
from core.roles import require_role
from requests_app.access import requests_visible_to
from requests_app.models import Person, RightsRequest, SavedListView
from requests_app.services.requests import PersonDetails, request_assign
from rights import ApplicationError

# What a saved view keeps of the list's address: its filters and order, never the page.
SAVED_VIEW_KEYS = frozenset(
    {
        "q",
        "kind",
        "status",
        "caseworker",
        "show",
        "overdue",
        "waiting",
        "sort",
        "order",
        *(f"{name}_{part}" for name in ("due_from", "due_to") for part in ("day", "month", "year")),
    }
)
MAX_SAVED_VIEWS = 30
MAX_BULK = 200


def requests_assign_bulk(*, by: User, request_ids: Iterable[int], assignee: User | None) -> list[RightsRequest]:
    """Give (or take back) many requests at once (Manager only): all of them or, on any refusal, none."""
    require_role(by, roles.MANAGER, action="assign requests")
    ids = sorted(set(request_ids))
    if not ids:
        raise ApplicationError("Choose at least one request.", field="requests")
    if len(ids) > MAX_BULK:
        raise ApplicationError(f"Assign at most {MAX_BULK} requests at once.", field="requests")
    found = list(requests_visible_to(by).filter(pk__in=ids).order_by("pk"))
    if len(found) != len(ids):
        raise ApplicationError("Some of those requests no longer exist.", field="requests")
    with transaction.atomic():
        return [request_assign(request=rr, by=by, assignee=assignee) for rr in found]


def _clean_query(query: str) -> str:
    pairs = [(key, value) for key, value in parse_qsl(query, keep_blank_values=False) if key in SAVED_VIEW_KEYS]
    return urlencode(pairs)


def saved_view_save(*, user: User, name: str, query: str) -> SavedListView:
    """Keep the list's filters and order under a name of the user's own; the same name replaces the old view."""
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Enter a name for this view.", field="name")
    if len(name) > 80:
        raise ApplicationError("The name must be 80 characters or fewer.", field="name")
    query = _clean_query(query)
    if len(query) > 1000:
        raise ApplicationError("These filters are too long to save.", field="name")
    with transaction.atomic():
        existing = SavedListView.objects.select_for_update().filter(user=user, name=name).first()
        if existing is not None:
            existing.query = query
            existing.save(update_fields=["query"])
            return existing
        if SavedListView.objects.filter(user=user).count() >= MAX_SAVED_VIEWS:
            raise ApplicationError(f"You can keep {MAX_SAVED_VIEWS} views: delete one first.", field="name")
        view = SavedListView(user=user, name=name, query=query)
        view.full_clean()
        view.save()
        return view


def saved_view_delete(*, user: User, pk: int) -> None:
    """Delete one of the user's own views (someone else's is as if it did not exist)."""
    deleted, _ = SavedListView.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise ApplicationError("There is no such view.")


def request_search_keys_refresh(*, person: Person) -> int:
    """Fold a person's names again into every request that names them (after their details change)."""
    changed = 0
    for rr in RightsRequest.objects.select_related("subject", "requester").filter(
        Q(subject=person) | Q(requester=person)
    ):
        old = rr.search_key
        rr.set_search_key()
        if rr.search_key != old:
            # A derived column the history does not track (excluded there): saved alone, no version bump.
            RightsRequest.objects.filter(pk=rr.pk).update(search_key=rr.search_key)
            changed += 1
    return changed


def person_update(*, person: Person, by: User | None, details: PersonDetails, reason: str) -> Person:
    """Correct a person's details as a letter gives them, with the reason in their history, and refresh search."""
    name = details.full_name.strip()
    if not name:
        raise ApplicationError("Enter the person's full name.", field="full_name")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        locked.full_name = name
        locked.previous_names = details.previous_names.strip()
        locked.date_of_birth = details.date_of_birth
        locked.address = details.address.strip()
        locked.email = details.email.strip()
        locked.phone = details.phone.strip()
        locked.previous_addresses = details.previous_addresses.strip()
        locked.full_clean()
        record_change(locked, reason, by=by)
        locked.save()
        request_search_keys_refresh(person=locked)
    return locked
