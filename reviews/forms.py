"""Forms for the holdings pages: they parse input only; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from reviews.models import HitDecision
from rights import ApplicationError


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


# GOV.UK Frontend forms for the Manager's review pages ------------------------------------------------
# (requests_app has its own; reviews sits below it and cannot import them.)

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {forms.TextInput: "govuk-input", forms.Textarea: "govuk-textarea"}


class GovukDateWidget(forms.Widget):
    """Three inputs (day, month, year) named <name>_day, <name>_month, <name>_year, as GOV.UK advises."""

    use_fieldset = True
    parts = ("day", "month", "year")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}_{part}", "")).strip() for part in self.parts]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}_{part}" in data for part in self.parts)


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with the GOV.UK pattern's error messages."""

    widget = GovukDateWidget

    def prepare_value(self, value: Any) -> list[str]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, list | tuple) and len(value) == 3:
            return [str(part) for part in value]
        return ["", "", ""]

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        parts = self.prepare_value(value)
        name = str(self.label or "The date")
        if not any(parts):
            return None
        missing = [label for label, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part]
        if missing:
            raise forms.ValidationError(f"{name} must include {' and '.join(missing)}", code="incomplete")
        try:
            day, month, year = (int(part) for part in parts)
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date, in numbers", code="invalid") from None
        if year < 1000:
            raise forms.ValidationError(f"Year must include 4 numbers, for example {timezone.localdate().year}")
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None


class GovukForm(forms.Form):
    """GOV.UK classes on every widget, error classes where a field has errors, and the error summary."""

    use_required_attribute = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def full_clean(self) -> None:
        super().full_clean()
        self._style()

    def add_application_error(self, error: ApplicationError, *, field_map: dict[str, str] | None = None) -> None:
        """Show a service's refusal beside the field it names (via field_map), else at the top."""
        name = (field_map or {}).get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)
        self._style()

    def _style(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            base = _WIDGET_CLASSES.get(type(field.widget))
            if base is not None:
                field.widget.attrs["class"] = f"{base} {base}--error" if name in errors else base

    def anchor(self, name: str) -> str:
        bound = self[name]
        if isinstance(bound.field.widget, forms.RadioSelect):
            return f"{bound.auto_id}_0"
        return str(bound.auto_id)

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        """(href, message) pairs in page order, for the GOV.UK error summary."""
        items = [("", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            items.extend((f"#{self.anchor(name)}", str(message)) for message in self.errors.get(name, []))
        return items


class LegalHoldForm(GovukForm):
    hold = forms.ChoiceField(
        label="Legal hold",
        choices=[("place", "Place a legal hold"), ("lift", "Lift the legal hold")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to place or lift the legal hold",
            "invalid_choice": "Choose whether to place or lift the legal hold",
        },
    )
    reason = forms.CharField(
        label="Why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a hold: the claim, inquiry or investigation that needs the data kept. For lifting: what ended it.",
    )


class ConcludeForm(GovukForm):
    concluded = GovukDateField(
        label="Date the review concluded",
        help_text="For example, 2 2 2026. Its agency data's retention runs from this date.",
        error_messages={"required": "Enter the date the review concluded"},
    )


class DestroyForm(GovukForm):
    confirm = forms.BooleanField(
        label="I confirm that this review's agency data is to be destroyed. This cannot be undone.",
        error_messages={"required": "Confirm that the agency data is to be destroyed"},
    )
