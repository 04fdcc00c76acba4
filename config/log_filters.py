"""Logging filter: a requester's portal link and an agency's return link are secrets, so no log line may carry
their tokens."""

from __future__ import annotations

import logging
import re

# /disclosure/portal/<token>/..., /disclosure/agency-return/<token>/... and /disclosure/consent-answer/<token>/...
# as the URL map writes them (disclosure.urls), anywhere in a message.
PORTAL_TOKEN = re.compile(r"(/(?:portal|agency-return|consent-answer)/)[^/\s?#\"']+")
MASK = r"\1[token]"


def mask_portal_tokens(text: str) -> str:
    return PORTAL_TOKEN.sub(MASK, text)


class PortalTokenFilter(logging.Filter):
    """Rewrite each record with its portal tokens masked (message, arguments and any traceback text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_portal_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_portal_tokens(record.exc_text)
        return True
