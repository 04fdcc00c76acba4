"""Thin Celery tasks: each takes ids and dates, calls one service, and is safe to run twice.

Queued with `delay_on_commit` so a worker never looks for rows that are not yet committed;
transient failures (the database or the mail server away for a moment) retry with backoff.
With no broker configured (CELERY_TASK_ALWAYS_EAGER), they run in-process.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import uuid
from typing import Any

from celery import shared_task
from django.contrib.auth.models import User
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from requests_app.models import Letter, RightsRequest
from requests_app.services.letters import letter_generate
from requests_app.services.messages import message_deliver, message_queue, message_retry_delay
from requests_app.services.notices import notices_email
from requests_app.services.retention import request_retention_refresh
from requests_app.services.sweep import sweep_run

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,  # includes NoticeEmailError: some emails of a run did not go
    TimeoutError,
    smtplib.SMTPException,
)
BACKOFF_MAX_SECONDS = 600  # retries wait 1 s, 2 s, 4 s ... (with jitter), never more than this
MAX_RETRIES = 5


def _day(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(
    name="requests_app.sweep_deadlines",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def sweep_deadlines(today: str | None = None) -> dict[str, Any]:
    """The daily deadline sweep (beat); idempotent: a second run writes and sends nothing new."""
    return sweep_run(today=_day(today)).as_dict()


@shared_task(
    name="requests_app.notices_email",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def notices_email_task(run: str | None = None, notice_ids: list[int] | None = None, pending: bool = False) -> int:
    """Email a sweep run's notices (or those listed, or every pending one); only unsent ones go, so a retry sends nothing twice."""
    return notices_email(run=uuid.UUID(run) if run else None, notice_ids=notice_ids, pending=pending)


@shared_task(
    name="requests_app.letter_generate",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def letter_generate_task(
    request_id: int,
    template: str,
    by_id: int | None = None,
    method: str = "post",
    context: dict[str, Any] | None = None,
    today: str | None = None,
) -> int:
    """Render a letter to PDF and file it; returns the letter's id.

    Idempotent: a retry (or a redelivered message) finds the letter of that template already filed
    for the request that day by the same person, and returns it rather than filing a second one.
    """
    day = _day(today)
    request = RightsRequest.objects.select_related("subject", "requester").get(pk=request_id)
    by = User.objects.get(pk=by_id) if by_id is not None else None
    existing = (
        Letter.objects.filter(request_id=request_id, template=template, date=day, created_by_id=by_id)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing.pk
    letter = letter_generate(request=request, template=template, by=by, method=method, context=context, today=day)
    return letter.pk


@shared_task(
    name="requests_app.request_retention_sweep",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def request_retention_sweep(today: str | None = None) -> int:
    """Daily: list the closed requests due for destruction (idempotent); returns how many. Destroying needs a Manager."""
    return len(request_retention_refresh(today=_day(today)))


@shared_task(
    name="requests_app.message_deliver", autoretry_for=(OperationalError, InterfaceError), max_retries=MAX_RETRIES
)
def message_deliver_task(message_id: int) -> str:
    """Send one message; a failure is recorded and tried again later (backoff), until MESSAGE_MAX_ATTEMPTS."""
    message = message_deliver(message_id=message_id)
    if message.status == "failed" and message.pending_body:
        message_queue(message_id=message_id, countdown=message_retry_delay(message.attempts))
    return str(message.status)
