"""Form parts shared by the complaint and breach pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
LONDON = ZoneInfo("Europe/London")
YES_NO = [("yes", "Yes"), ("no", "No")]


def radios(choices: Any, *, label: str, required: bool = True, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices, widget=forms.RadioSelect, label=label, required=required, help_text=help_text
    )


def textarea(*, label: str, required: bool = True, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def text_input(*, label: str, required: bool = True, help_text: str = "", max_length: int = 200) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=help_text, max_length=max_length)


def parse_time(value: str, *, label: str) -> dt.time:
    """A 24-hour time such as 14:30, as GOV.UK asks for times."""
    match = TIME.match(value or "")
    if not match:
        raise forms.ValidationError(f"Enter {label.lower()} as a 24-hour time, for example 14:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise forms.ValidationError(f"Enter {label.lower()} as a real time, for example 14:30")
    return dt.time(hour, minute)


def london(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=LONDON)
