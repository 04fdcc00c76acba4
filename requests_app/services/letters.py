"""Outgoing letters rendered to PDF and filed in the register (being written)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from requests_app.models import Letter, RightsRequest


def letter_generate(
    *,
    request: RightsRequest,
    template: str,
    by: User | None,
    method: str = "post",
    context: dict[str, Any] | None = None,
) -> Letter:
    raise NotImplementedError("letters are being written")
