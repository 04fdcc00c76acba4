"""A refused request (403) writes one line to the server log: no traceback, and not twice."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.factories import sign_in


@pytest.mark.django_db
def test_a_403_logs_one_line() -> None:
    caseworker = factories.caseworker("casey")
    client = Client()
    sign_in(client, caseworker)
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler]
    assert len(handlers) == 1 and not logging.getLogger("django").propagate  # printed once, not twice
    handler = handlers[0]
    saved = handler.setStream(stream)
    try:
        response = client.get(reverse("reports"))
    finally:
        handler.setStream(saved)
    assert response.status_code == 403
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    assert lines == ["Forbidden (Permission denied): /reports/"], lines
