"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisation's name and contact details, for headers and footers."""
    return {
        "organisation": settings.ORGANISATION,
        "service_name": settings.ORGANISATION["service_name"],
        "oidc_enabled": settings.OIDC_ENABLED,  # the login page's "Sign in with …" button
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
    }
