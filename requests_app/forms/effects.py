"""Forms of the request page's work on held data: a correction (Art 16) and telling a recipient (Art 19)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from core.forms import GovukDateField, GovukForm
from reviews.models import Category, DataSubjectRecord, NotificationMethod
from reviews.services import IDENTITY_FIELDS

EVERY_RECORD = ""


def correction_targets() -> list[tuple[str, str]]:
    """What can be corrected: the identity fields, then each category held (reviews' own names)."""
    return [
        *((key, label.capitalize()) for key, label in IDENTITY_FIELDS.items()),
        *((category.value, category.label) for category in Category),
    ]


class CorrectionForm(GovukForm):
    """One correction to the data held about the subject: which record, which field, the new value and why."""

    record = forms.ChoiceField(
        label="Which record?",
        widget=forms.RadioSelect,
        required=False,
        help_text="Every record the subject search confirmed as the data subject's is listed.",
    )
    target = forms.ChoiceField(
        label="What is corrected?",
        error_messages={"required": "Select what is corrected"},
    )
    new_value = forms.CharField(
        label="The correct value",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="A date of birth as 2012-05-01. The old value is kept with the correction.",
    )
    reason = forms.CharField(
        label="Why is it corrected?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the birth certificate seen on 4 March shows 1 May 2012.",
        error_messages={"required": "Enter why it is corrected"},
    )

    def __init__(self, *args: Any, records: Iterable[DataSubjectRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["record"]).choices = [
            (EVERY_RECORD, "Every confirmed record that holds it wrongly"),
            *(
                (
                    str(record.pk),
                    f"{record.reference}: {record.submission.review.reference}, "
                    f"{record.submission.get_submission_type_display().lower()} from {record.submission.agency.name}",
                )
                for record in records
            ),
        ]
        cast(forms.ChoiceField, self.fields["target"]).choices = [("", "Choose"), *correction_targets()]
        self._style()

    @property
    def record_id(self) -> int | None:
        value = self.cleaned_data.get("record") or EVERY_RECORD
        return int(value) if value.isdigit() else None


class RecipientToldForm(GovukForm):
    """A recipient agency was told of the change: when, and how (UK GDPR Art 19)."""

    sent_on = GovukDateField(
        label="Date the agency was told",
        not_future=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the agency was told"},
    )
    method = forms.ChoiceField(
        choices=NotificationMethod.choices,
        widget=forms.RadioSelect,
        label="How was it told?",
        error_messages={"required": "Select how the agency was told"},
    )


class RecipientNotRequiredForm(GovukForm):
    """Telling this agency is impossible or would involve disproportionate effort (Art 19): why, for the record."""

    reason = forms.CharField(
        label="Why is telling this agency impossible or disproportionate?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why telling this agency is impossible or disproportionate"},
    )
