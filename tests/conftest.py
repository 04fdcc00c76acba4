"""Shared fixtures: every test writes its files to its own temporary folder, and runs Celery in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User


@pytest.fixture(autouse=True)
def _private_media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _rows_made_by_migrations(request: pytest.FixtureRequest) -> None:
    """Put back the rows migrations made (role groups, the beat schedule) when an earlier test emptied them.

    A transactional test (a browser journey, a restore) ends with Django's flush, which empties every table; Django
    runs such tests last, but with `-n 2 --dist loadfile` a file of ordinary tests can follow one in the same
    process. Reloaded inside this test's transaction (so rolled back with it), from the copy Django serialised when
    it made the test database.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    if (marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    ):
        return  # a transactional test loads them itself (serialized_rollback) or makes what it needs
    request.getfixturevalue("db")
    from django.contrib.auth.models import Group
    from django.db import connections

    if Group.objects.exists():
        return
    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)
            _reset_sequences(connection)


def _reset_sequences(connection: Any) -> None:
    """Move each table's id sequence past the rows just reloaded with their own ids (PostgreSQL).

    Without it the next row a test makes takes an id a reloaded row already has (duplicate key).
    """
    from django.apps import apps
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def _celery_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run eagerly in every test but the `broker` ones, even when CELERY_BROKER_URL is set.

    CI's second run sets a broker, and its worker reads only the database of the broker tests' run: a task sent
    from any other test would reach a worker that cannot see that test's database.
    """
    from tests.factories import celery_eager  # after Django is set up

    if request.node.get_closest_marker("broker"):
        yield
        return
    with celery_eager():
        yield


@pytest.fixture
def staff(db: None) -> dict[str, User]:
    """One member of staff in each role; a module that needs more adds them to this dict (see test_sweep.py)."""
    from tests.factories import caseworker, manager, reviewer  # after Django is set up

    return {"manager": manager(), "caseworker": caseworker(), "reviewer": reviewer()}


class LoopbackMailbox:
    """What a real SMTP server on loopback received; addresses starting "bounce" are refused (550)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []  # email.message.EmailMessage, in arrival order

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower().startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import email
        import email.policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def bodies_to(self, address: str) -> list[str]:
        return [str(m.get_body(("plain",)).get_content()) for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[LoopbackMailbox]:
    """A real SMTP server (aiosmtpd) on a free loopback port, with Django's SMTP backend pointed at it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = LoopbackMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox
    finally:
        controller.stop()
