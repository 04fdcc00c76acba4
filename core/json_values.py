"""Words for a JSON value's type, for import errors a person reads ("must be a string, not a number")."""

from __future__ import annotations

from typing import Any


def json_type(value: Any, *, array: str = "an array") -> str:
    """The value's JSON type in words; `array` names a list as the file format's own documentation does."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return array
    return "an object"
