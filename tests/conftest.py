"""Shared fixtures: every test writes its files to its own temporary folder, and runs Celery in-process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"  # type: ignore[attr-defined]


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
