"""Forms for the holdings pages: they parse input only; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from core.forms import GovukDateField, GovukForm
from reviews.models import AgencyKind, Category, HitDecision, ReviewType, SourceAgency, SubmissionType


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


class SearchScopeForm(GovukForm):
    """The scope of a kept search (UK GDPR Art 15(1A)): an access request is signed off only with it recorded."""

    holdings_and_agencies = forms.CharField(
        label="Which holdings and agencies did the search cover?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: every review and audit the partnership holds, and the agencies asked for their records.",
        error_messages={"required": "Say which holdings and agencies the search covered"},
    )
    date_from = GovukDateField(
        label="Earliest date searched (optional)", required=False, help_text="Empty for no limit."
    )
    date_to = GovukDateField(label="Latest date searched (optional)", required=False, help_text="Empty for no limit.")
    exclusions = forms.CharField(
        label="What was left out, and why?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Holdings, agencies or dates not searched and the reason; or say that nothing was left out.",
        error_messages={"required": "Say what was left out of the search and why, or that nothing was"},
    )
    cap_reason = forms.CharField(
        label="Why was the cap on hits enough?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: fewer hits came back than the cap, or the weakest hits shown were already someone else.",
        error_messages={"required": "Say why the cap on hits was enough"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The date range must end on or after the day it starts")
        return data


class HitDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(HitDecision.CONFIRMED, "Confirm"), (HitDecision.REJECTED, "Reject")])
    note = forms.CharField(required=False, max_length=500)


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


# Entering the partnership's own data ------------------------------------------------------------------


class ReviewForm(GovukForm):
    reference = forms.CharField(
        label="Reference", max_length=30, help_text="The partnership's reference, for example CSPR-2026-01. No names."
    )
    review_type = forms.ChoiceField(label="Kind", choices=ReviewType.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label="Title", max_length=200, help_text="Avoid names: 'Child A' rather than the child's name."
    )
    started = GovukDateField(label="Date it started", error_messages={"required": "Enter the date it started"})


class ReviewEditForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    started = GovukDateField(label="Date it started", error_messages={"required": "Enter the date it started"})
    reason = forms.CharField(label="Why is it changed?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AgencyForm(GovukForm):
    name = forms.CharField(label="Agency name", max_length=200)
    kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices, widget=forms.RadioSelect)
    data_owner = forms.CharField(label="Data owner", max_length=200, help_text="The role or person who owns its data.")
    contact_email = forms.EmailField(label="Contact email (optional)", required=False)


class SubmissionForm(GovukForm):
    agency = forms.ModelChoiceField(label="Agency", queryset=SourceAgency.objects.order_by("name"))
    submission_type = forms.ChoiceField(label="What it is", choices=SubmissionType.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200)
    received_on = GovukDateField(label="Date received", error_messages={"required": "Enter the date it was received"})
    summary = forms.CharField(label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SubjectRecordForm(GovukForm):
    """A person in a submission, with the categories held about them (the seed notice's list)."""

    agency_reference = forms.CharField(label="Agency's reference (optional)", max_length=100, required=False)
    title = forms.CharField(label="What the record is (optional)", max_length=200, required=False)
    record_date = GovukDateField(label="Date of the record (optional)", required=False)
    full_name = forms.CharField(label="Full name", max_length=200)
    previous_names = forms.CharField(
        label="Previous names (one a line)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False)
    address = forms.CharField(label="Address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    categories = forms.MultipleChoiceField(
        label="What is held about them",
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @property
    def previous_name_list(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("previous_names") or "").splitlines() if line.strip()]


class SubjectRecordEditForm(SubjectRecordForm):
    reason = forms.CharField(label="Why is it changed?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class NcndForm(GovukForm):
    ncnd = forms.ChoiceField(
        label="Neither confirm nor deny",
        choices=[("set", "Flag: neither confirm nor deny"), ("lift", "Lift the flag")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Why", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ImportUploadForm(GovukForm):
    file = forms.FileField(
        label="Agency return (CSV or XLSX)",
        help_text="One row per record and person; the columns are listed below.",
    )
