"""Thin Celery tasks: each takes ids and dates, calls one service, and is safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from casework.services.breach_clock import breach_clock_sweep_run
from casework.services.sweep import complaint_sweep_run


@shared_task(
    name="casework.sweep_complaints",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def sweep_complaints(today: str | None = None) -> dict[str, object]:
    """The daily complaints sweep (beat); idempotent: a second run writes nothing new."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return complaint_sweep_run(today=day).as_dict()


@shared_task(
    name="casework.sweep_breach_clock",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def sweep_breach_clock(now: str | None = None) -> dict[str, object]:
    """The hourly 72-hour breach clock (beat): alerts Managers at 48 and 72 hours; a second run sends nothing."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    return breach_clock_sweep_run(now=moment).as_dict()
