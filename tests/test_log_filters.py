"""Portal tokens never reach the log: a wrong link's warning and a crash's traceback show them masked."""

from __future__ import annotations

import logging
from io import StringIO

import pytest
from django.test import Client

from config.log_filters import PortalTokenFilter, mask_portal_tokens

TOKEN = "s3cr3t-Portal_Token-0123456789abcdef"


def test_the_mask_keeps_the_path_and_hides_the_token() -> None:
    assert mask_portal_tokens(f"Not Found: /disclosure/portal/{TOKEN}/download/") == (
        "Not Found: /disclosure/portal/[token]/download/"
    )
    assert mask_portal_tokens("GET /requests/12/ 200") == "GET /requests/12/ 200"


@pytest.mark.django_db
def test_the_configured_handler_masks_a_wrong_links_log_line() -> None:
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, PortalTokenFilter) for f in h.filters)]
    assert handlers, "the console handler carries the filter"
    handler = handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    stream = StringIO()
    old = handler.setStream(stream)
    try:
        response = Client().get(f"/disclosure/portal/{TOKEN}/")
        try:
            raise ValueError(f"while opening /disclosure/portal/{TOKEN}/")
        except ValueError:
            logging.getLogger("django.request").exception("Internal Server Error: /disclosure/portal/%s/", TOKEN)
    finally:
        handler.setStream(old)  # type: ignore[arg-type]
    written = stream.getvalue()
    assert response.status_code in {403, 404, 410}
    assert "/disclosure/portal/[token]/" in written
    assert TOKEN not in written
