"""The GOV.UK form kit every app's pages use: the date field (day, month, year) and the form base.

Rendered with GOV.UK Frontend markup by templates/includes/field.html; errors appear in the GOV.UK
error-summary pattern, each linked to its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from rights import ApplicationError


class GovukDateWidget(forms.Widget):
    """Three inputs (day, month, year) named <name>_day, <name>_month, <name>_year, as GOV.UK advises."""

    use_fieldset = True
    parts = ("day", "month", "year")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [str(data.get(f"{name}_{part}", "")).strip() for part in self.parts]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}_{part}" in data for part in self.parts)


class GovukDateField(forms.Field):
    """A date entered as day, month and year, with the GOV.UK pattern's error messages.

    not_future=True also refuses a date after today (a letter's arrival, say).
    """

    widget = GovukDateWidget

    def __init__(self, *, not_future: bool = False, **kwargs: Any) -> None:
        self.not_future = not_future
        super().__init__(**kwargs)

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
        name = str(self.label or "The date").replace(" (optional)", "")
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
            day_value = dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None
        if self.not_future and day_value > timezone.localdate():
            raise forms.ValidationError(f"{name} must be today or in the past", code="future")
        return day_value


WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.TextInput: "govuk-input",
    forms.EmailInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.FileInput: "govuk-file-upload",
    forms.ClearableFileInput: "govuk-file-upload",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files at once; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


@dataclass(frozen=True)
class RevealedRadio:
    """One radio of a question with conditional reveals, and the questions shown when it is chosen."""

    radio: Any  # django.forms.boundfield.BoundWidget
    revealed: list[forms.BoundField]
    conditional_id: str


class GovukForm(forms.Form):
    """GOV.UK classes on every widget, error classes where a field has errors, and the error summary.

    `reveals` names, for a radio question, the questions each answer reveals (GOV.UK conditional radios): with
    JavaScript on the others stay hidden; with it off all are shown, and the form's clean ignores what does not apply.
    """

    use_required_attribute = False
    field_order: list[str] | None = None
    reveals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {}

    def revealing(self, name: str) -> list[RevealedRadio]:
        """The radios of question `name`, each with the bound fields it reveals."""
        wanted = self.reveals.get(name, {})
        radios = []
        for radio in self[name]:
            revealed = [self[field] for field in wanted.get(str(radio.data["value"]), ())]
            radios.append(RevealedRadio(radio, revealed, f"conditional-{radio.id_for_label}"))
        return radios

    def not_applicable(self, *names: str) -> None:
        """Questions the answers given do not reveal: whatever was typed in them is ignored, not refused (clean)."""
        for name in names:
            (getattr(self, "_errors", None) or {}).pop(name, None)
            self.cleaned_data[name] = self.fields[name].to_python("")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def full_clean(self) -> None:
        super().full_clean()
        self._style()

    def add_error(self, field: str | None, error: Any) -> None:
        if field is not None and field not in self.fields:
            field = None
        if not hasattr(self, "cleaned_data"):
            # An unbound form (a page answering a button, not a filled-in form) has never been cleaned: Django's
            # add_error would fail on the missing cleaned_data, and the refusal would become a server error.
            self.cleaned_data = {}
        super().add_error(field, error)
        self._style()

    def add_application_error(self, error: ApplicationError, *, field_map: dict[str, str] | None = None) -> None:
        """Show a service's refusal beside the field it names (via field_map), else at the top."""
        name = (field_map or {}).get(error.field or "", error.field)
        self.add_error(name if name in self.fields else None, error.message)

    def _style(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            widget = field.widget
            base = WIDGET_CLASSES.get(type(widget))
            if base is None:
                continue
            width = widget.attrs.get("data-width", "")
            classes = [base, *([width] if width else [])]
            if name in errors:
                classes.append(f"{base}--error")
            widget.attrs["class"] = " ".join(classes)

    def anchor(self, name: str) -> str:
        """The id the error summary links to: the field itself, or its first radio."""
        bound = self[name]
        if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{bound.auto_id}_0"
        return str(bound.auto_id)

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        """(href, message) pairs in page order, for the GOV.UK error summary."""
        items: list[tuple[str, str]] = []
        for message in self.non_field_errors():
            items.append(("#main-form", str(message)))
        for name in self.fields:
            for message in self.errors.get(name, []):
                items.append((f"#{self.anchor(name)}", str(message)))
        return items
