"""Log filters: a refused request (403) is one line in the server log, not a traceback."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class ForbiddenOneLine(logging.Filter):
    """Drop the traceback Django attaches to "Forbidden (Permission denied)": refusing is the app working."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
