"""Queueing a Celery task from a service: by its dotted name, so an app's services never import its task module
(the task module imports the services), and only once the transaction that wrote its inputs has committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Task
from celery.result import AsyncResult
from django.db import transaction
from django.utils.module_loading import import_string


def task_send(name: str, *args: Any, countdown: int | None = None, **kwargs: Any) -> AsyncResult[Any]:
    """Send the task now (eagerly in tests, to the broker otherwise). `name` is the task function's dotted path."""
    task: Task[Any, Any] = import_string(name)
    if countdown:
        return task.apply_async(args, kwargs, countdown=countdown)
    return task.apply_async(args, kwargs)


def task_send_on_commit(
    name: str,
    *args: Any,
    countdown: int | None = None,
    sent: Callable[[AsyncResult[Any]], None] | None = None,
    **kwargs: Any,
) -> None:
    """Send the task once the current transaction commits (at once outside one); `sent` gets its result handle."""

    def send() -> None:
        result = task_send(name, *args, countdown=countdown, **kwargs)
        if sent is not None:
            sent(result)

    transaction.on_commit(send)
