"""What complaint and breach services share: roles, references and filed PDFs (history reasons: core.audit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.db.models.fields.files import FieldFile

from casework.models import CaseworkCounter
from core import roles
from core.files import file_discard, file_store
from core.pdf import pdf_sha256
from core.roles import require_role
from rights import ApplicationError

STAFF = (roles.MANAGER, roles.CASEWORKER)
MANAGER_ONLY = (roles.MANAGER,)


def require(user: User | None, allowed: tuple[str, ...], *, action: str) -> None:
    require_role(user, *allowed, action=action)


def reference_next(*, prefix: str, year: int, model: type[models.Model]) -> str:
    """The next free reference for the prefix and year, under a row lock (call inside a transaction)."""
    CaseworkCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = CaseworkCounter.objects.select_for_update().get(prefix=prefix, year=year)
    while True:
        counter.last += 1
        reference = f"{prefix}-{year}-{counter.last:04d}"
        if not model._default_manager.filter(reference=reference).exists():
            counter.save()
            return reference


def text(value: str, *, field: str, message: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise ApplicationError(message, field=field)
    return cleaned


def store_pdf(file: FieldFile, *, name: str, data: bytes) -> str:
    """Write the PDF to storage (not yet saving the row) and return its SHA-256."""
    file_store(file, name, data)
    return pdf_sha256(data)


def discard_file(file: FieldFile) -> None:
    """Remove a file written for a row that was never saved, so a rollback leaves no orphan."""
    file_discard(file.storage, file.name or "")


def fmt_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
