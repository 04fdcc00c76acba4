"""Headers every response carries beside Django's own: a Permissions-Policy, and no caching of dynamic pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store, private` on every page Django renders.

    Every dynamic page here is case data, a sign-in step or a portal page reached with a secret link: none may be
    kept by a browser, a shared computer's cache or a proxy. Static files are served before this runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if "no-store" not in response.get("Cache-Control", ""):  # a download's own no-store stands
            response["Cache-Control"] = "no-store, private"
        return response
