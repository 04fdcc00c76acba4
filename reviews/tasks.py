"""Thin Celery tasks: each calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from reviews.services.retention import destruction_due_refresh


@shared_task(name="reviews.retention_sweep", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def retention_sweep() -> int:
    """Daily: list the reviews whose agency data is due for destruction (idempotent); returns how many."""
    from reviews.services.returns import holdings_imports_purge

    holdings_imports_purge()  # uploaded returns never confirmed: their files hold names
    return len(destruction_due_refresh(today=timezone.localdate()))


@shared_task(name="reviews.holdings_import_check", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def holdings_import_check_task(import_id: int) -> str:
    """Check an uploaded agency return (a dry run) and keep its preview."""
    from reviews.services.returns import holdings_import_check

    return holdings_import_check(import_id=import_id).status


@shared_task(name="reviews.holdings_import_run", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def holdings_import_run_task(import_id: int) -> str:
    """Run a confirmed agency return's import, with progress on its page."""
    from reviews.services.returns import holdings_import_run

    return holdings_import_run(import_id=import_id).status
