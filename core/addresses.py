"""The address a request came from: django-axes counts sign-in failures by it, the public pages rate-limit by it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT trusted proxies the address the outermost of them saw.

    Each proxy appends the address it received from to X-Forwarded-For, so the client is the entry that many
    places from the right; entries further left were written by the client and cannot be trusted.
    """
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= proxies:
            return str(chain[-proxies])
    remote = request.META.get("REMOTE_ADDR")
    return str(remote) if remote else None
