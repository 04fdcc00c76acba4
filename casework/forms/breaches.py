"""Breach forms: recording, containment, assessment and the decisions of Arts 33 and 34."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from casework.forms.common import YES_NO, london, parse_time, radios, text_input, textarea
from casework.models import CAUSE_LABELS, RISK_LABELS, ReturnOrDeletion
from core.forms import GovukDateField, GovukForm


class BreachRecordForm(GovukForm):
    cause = radios([(c.value, label) for c, label in CAUSE_LABELS.items()], label="What happened?")
    what_happened = textarea(label="Describe what happened")
    discovered_on = GovukDateField(label="Date we found out", not_future=True)
    discovered_time = text_input(label="Time we found out", max_length=5, help_text="24-hour clock, for example 14:30")
    data_involved = textarea(label="What personal data, about whom")
    people_affected = forms.IntegerField(label="How many people are affected", min_value=1, initial=1)
    children_affected = forms.IntegerField(label="How many of them are children", min_value=0, initial=0)
    special_category = forms.BooleanField(
        label="It includes special category data (health, ethnicity, sex life, religion and so on)", required=False
    )
    recipient = textarea(label="Who received it (if known)", required=False, rows=3)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        day = data.get("discovered_on")
        raw = data.get("discovered_time")
        if day and raw:
            try:
                data["discovered_at"] = london(day, parse_time(raw, label="The time we found out"))
            except forms.ValidationError as error:
                self.add_error("discovered_time", error)
                return data
            if data["discovered_at"] > timezone.now():
                self.add_error("discovered_time", "The time we found out must be now or in the past")
        return data


class RecallForm(GovukForm):
    on = GovukDateField(label="Date we asked for it back", not_future=True)
    details = textarea(label="How we asked", rows=3)
    addressee = text_input(label="Recipient's name, for a recall letter (optional)", required=False)
    address = textarea(label="Recipient's address (optional)", required=False, rows=3)
    email = forms.EmailField(
        label="Recipient's email address (optional)",
        required=False,
        max_length=254,
        help_text="Given, the service emails the recall letter; otherwise print it, post it and record that you did.",
    )


class ConfirmationForm(GovukForm):
    on = GovukDateField(label="Date the recipient confirmed", not_future=True)
    confirmation = radios(ReturnOrDeletion.choices, label="What did they confirm?")


class AssessForm(GovukForm):
    risk = radios([(r.value, label) for r, label in RISK_LABELS.items()], label="The risk to people")
    reasons = textarea(label="Why", help_text="The likelihood and severity of the effects on the people affected.")


class ReportDecisionForm(GovukForm):
    report = radios(YES_NO, label="Report this breach to the ICO?")
    reasons = textarea(label="Reasons", help_text="Recorded either way (UK GDPR Art 33(5)).")


class IcoReportForm(GovukForm):
    reported_on = GovukDateField(label="Date reported", not_future=True)
    reported_time = text_input(label="Time reported", max_length=5, help_text="24-hour clock, for example 09:15")
    reference = text_input(label="The ICO's reference", max_length=40)
    late_reasons = textarea(label="Reasons for any delay past 72 hours", required=False, rows=3)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("reported_on") and data.get("reported_time"):
            try:
                data["reported_at"] = london(data["reported_on"], parse_time(data["reported_time"], label="The time"))
            except forms.ValidationError as error:
                self.add_error("reported_time", error)
        return data


class TellForm(GovukForm):
    tell = radios(YES_NO, label="Tell the people affected (UK GDPR Art 34)?")
    reasons = textarea(label="Reasons")


class AffectedLetterForm(GovukForm):
    addressee = text_input(label="Name of the person affected")
    address = textarea(label="Their postal address", rows=3, required=False)
    email = forms.EmailField(
        label="Their email address, if they asked to hear from us by email",
        required=False,
        max_length=254,
        help_text="Given, the service emails the letter; otherwise print it, post it and record that you did.",
    )
    what_we_did = textarea(label="What we have done about it, in plain words")
    what_you_can_do = textarea(label="What they can do (optional)", required=False)


class CloseForm(GovukForm):
    lessons = textarea(label="What we change so it does not happen again")
