"""Forms of the request page's work on held data: a correction (Art 16), telling a recipient and naming the
recipients to the requester (Art 19), and a use of restricted data (Art 18(2))."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from core.forms import GovukDateField, GovukForm
from requests_app.models import LetterMethod
from requests_app.models.restricted_uses import RESTRICTED_USE_CHOICES
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


class RecipientsLetterForm(GovukForm):
    """The requester asked who the recipients of the change are (UK GDPR Art 19): when they asked, and how to send."""

    asked_on = GovukDateField(
        label="Date they asked",
        not_future=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date they asked who the recipients are"},
    )
    method = forms.ChoiceField(
        choices=LetterMethod.choices,
        initial=LetterMethod.POST,
        widget=forms.RadioSelect,
        label="How will the letter go?",
        help_text="Where the requester chose to be answered by email, the service emails it.",
        error_messages={"required": "Select how the letter will go"},
    )


ANOTHER_GROUND = "other"


class RestrictedUseForm(GovukForm):
    """One use of restricted data beyond storing it: when, by whom, on which Art 18(2) ground, and what was done."""

    used_on = GovukDateField(
        label="Date the data was used",
        not_future=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the data was used"},
    )
    used_by = forms.CharField(
        label="Who used it?",
        max_length=200,
        help_text="A team, an agency or a role, for example: Stockport Children's Social Care, duty team.",
        error_messages={"required": "Enter who used the data"},
    )
    ground = forms.ChoiceField(
        label="On which ground? (UK GDPR Article 18(2))",
        widget=forms.RadioSelect,
        choices=[*RESTRICTED_USE_CHOICES, (ANOTHER_GROUND, "Another reason")],
        help_text="Only the Manager can record a use to protect another person or for important public interest.",
        error_messages={"required": "Select the ground for using the data"},
    )
    what = forms.CharField(
        label="What was done with the data, and why the ground applies",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was done with the data"},
    )
