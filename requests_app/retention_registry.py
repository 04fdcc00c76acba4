"""What higher layers destroy with a closed request at the end of its retention (disclosure's records and packs).

requests_app never imports disclosure (the layers run one way), so disclosure registers its part from
its AppConfig.ready(). When a request is destroyed, every registered part runs inside the same
transaction, before the request's own rows go: it deletes its rows that name the request (and their
history) and returns what it deleted and the stored files to delete once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.files.storage import Storage
from django.db.models import FileField, Model, QuerySet

from requests_app.models import RightsRequest


@dataclass(frozen=True)
class Purged:
    """What a part deleted: rows by what they were (history rows counted apart), and the files to delete after commit."""

    counts: Mapping[str, int] = field(default_factory=dict)
    history_rows: int = 0
    files: Sequence[tuple[Storage, str]] = ()
    after_commit: Sequence[Callable[[], None]] = ()  # other clean-up once committed (work folders)


PurgeFunction = Callable[[RightsRequest], Purged]


@dataclass(frozen=True)
class RetentionPart:
    name: str
    purge: PurgeFunction


_PARTS: dict[str, RetentionPart] = {}


def register_retention_part(name: str, purge: PurgeFunction) -> None:
    """Add a part; registering the same name again replaces it (ready() may run twice in tests)."""
    _PARTS[name] = RetentionPart(name=name, purge=purge)


def unregister_retention_part(name: str) -> None:
    _PARTS.pop(name, None)


def retention_parts() -> list[RetentionPart]:
    return [_PARTS[name] for name in sorted(_PARTS)]


def delete_with_history(queryset: QuerySet[Any], *, also: Sequence[type[Model]] = ()) -> tuple[int, int]:
    """Delete the rows and every history row of them (and of the `also` models they cascade to); (rows, history rows).

    Deleting a tracked row writes one last history row ("-"); it goes with the others, so nothing of
    the row survives. Historical tables are not themselves tracked, so deleting from them loses nothing.
    """
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0, 0
    cascaded: list[tuple[type[Model], list[Any]]] = []
    for child in also:
        links = [f.name for f in child._meta.get_fields() if getattr(f, "related_model", None) is model and f.concrete]
        for link in links:
            cascaded.append(
                (child, list(child._default_manager.filter(**{f"{link}__in": ids}).values_list("pk", flat=True)))
            )
    _, per_model = model._default_manager.filter(pk__in=ids).delete()
    rows = per_model.get(model._meta.label, 0)
    history = 0
    for tracked, tracked_ids in [(model, ids), *cascaded]:
        if tracked_ids and hasattr(tracked, "history"):
            deleted, _ = tracked.history.model.objects.filter(id__in=tracked_ids).delete()
            history += deleted
    return rows, history


def stored_files(model: type[Model], field_name: str, ids: Iterable[Any]) -> list[tuple[Storage, str]]:
    """Every file a row held in that field, now or in any earlier version (its history): all go with it."""
    wanted = list(ids)
    if not wanted:
        return []
    storage = cast(FileField, model._meta.get_field(field_name)).storage
    names = set(model._default_manager.filter(pk__in=wanted).values_list(field_name, flat=True))
    if hasattr(model, "history"):
        names |= set(model.history.model.objects.filter(id__in=wanted).values_list(field_name, flat=True))
    return [(storage, name) for name in sorted(n for n in names if n)]
