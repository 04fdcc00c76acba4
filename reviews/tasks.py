"""Thin Celery tasks: each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reviews.retention import destruction_due_refresh


@shared_task(name="reviews.retention_sweep", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def retention_sweep() -> int:
    """Daily: list the reviews whose agency data is due for destruction (idempotent); returns how many."""
    return len(destruction_due_refresh(today=timezone.localdate()))
