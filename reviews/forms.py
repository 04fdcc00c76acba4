"""Forms for the holdings pages: they parse input only; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from reviews.models import HitDecision


class SubjectSearchForm(forms.Form):
    name = forms.CharField(max_length=200, label="Full name")
    previous_names = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Previous names (one a line)"
    )
    dob_day = forms.IntegerField(required=False, min_value=1, max_value=31, label="Day")
    dob_month = forms.IntegerField(required=False, min_value=1, max_value=12, label="Month")
    dob_year = forms.IntegerField(required=False, min_value=1900, max_value=2100, label="Year")
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Address")
    request_reference = forms.CharField(required=False, max_length=40, label="Request reference (optional)")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parts = [cleaned.get("dob_day"), cleaned.get("dob_month"), cleaned.get("dob_year")]
        cleaned["date_of_birth"] = None
        if any(p is not None for p in parts):
            if any(p is None for p in parts):
                raise forms.ValidationError("Enter the date of birth in full (day, month and year), or leave it empty.")
            try:
                cleaned["date_of_birth"] = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))  # type: ignore[arg-type]
            except ValueError:
                raise forms.ValidationError("The date of birth must be a real date.") from None
        return cleaned

    @property
    def previous_name_list(self) -> tuple[str, ...]:
        text = self.cleaned_data.get("previous_names") or ""
        return tuple(line.strip() for line in text.splitlines() if line.strip())


class HitDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(HitDecision.CONFIRMED, "Confirm"), (HitDecision.REJECTED, "Reject")])
    note = forms.CharField(required=False, max_length=500)
