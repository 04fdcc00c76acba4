"""Reading typed values out of parsed JSON, collecting every error with the path of its field."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from core.json_values import json_type

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def show(value: Any) -> str:
    """A value as it appears in the file, shortened for a one-line message."""
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 60 else shown[:57] + "..."


class Reader:
    """Each method returns the value read (or an empty one) and records an error naming the field."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(
        self, value: Any, path: str, *, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"must be an object, not {json_type(value)}")
            return None
        allowed_set = set(allowed)
        for key in value:
            if key not in allowed_set:
                self.error(join(path, key), "unknown key")
        for key in required:
            if value.get(key) is None:
                self.error(join(path, key), "is required")
        return value

    def text(self, value: Any, path: str, *, required: bool = False, max_length: int | None = None) -> str:
        """A string, trimmed; null counts as absent (a required key's absence is reported by obj())."""
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(path, f"must be a string, not {json_type(value)}")
            return ""
        text: str = value.strip()
        if required and not text:
            self.error(path, "must not be empty")
        if max_length is not None and len(text) > max_length:
            self.error(path, f"is {len(text)} characters long; at most {max_length} are allowed")
        return text

    def flag(self, value: Any, path: str) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, not {json_type(value)}")
            return None
        return value

    def date(self, value: Any, path: str) -> dt.date | None:
        """An ISO date (YYYY-MM-DD) that is real and not in the future."""
        if value is None:
            return None
        if not isinstance(value, str) or not ISO_DATE.match(value):
            self.error(path, f"{show(value)} is not a date in the form YYYY-MM-DD")
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.error(path, f"{value} is not a real date")
            return None
        if day > self.today:
            self.error(path, f"{value} is in the future")
        return day

    def choice(self, value: Any, path: str, allowed: Iterable[str]) -> str | None:
        options = [str(option) for option in allowed]
        if value is None:
            return None
        if not isinstance(value, str) or value not in options:
            self.error(path, f"{show(value)} is not one of {', '.join(options)}")
            return None
        return value

    def index(self, value: Any, path: str, size: int) -> int | None:
        """The position of an entry in "letters" (from 0)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
            where = f"0 to {size - 1}" if size else "there are none"
            self.error(path, f'{show(value)} is not the position of a letter in "letters" ({where})')
            return None
        return int(value)

    def array(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, f"must be an array, not {json_type(value)}")
            return []
        return value
