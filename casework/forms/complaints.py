"""Complaint forms: the public question pages, staff logging, and the steps of a complaint."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from casework.forms.common import YES_NO, radios, text_input, textarea
from casework.models import REMEDY_LABELS, ComplaintAbout, ComplaintChannel, Finding, ReplyBy
from core.forms import GovukDateField, GovukForm
from requests_app.forms import UserChoiceField
from requests_app.selectors import assignable_users

# The public question pages, one question each (GOV.UK "one thing per page").


class WhoForm(GovukForm):
    complainant_name = text_input(label="Your full name")
    for_self = radios(YES_NO, label="Is the complaint about your own information?")
    on_behalf_of = text_input(
        label="Whose information is it about?",
        required=False,
        help_text="Their full name, if you are complaining for someone else (for example your child).",
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("for_self") == "no" and not (data.get("on_behalf_of") or "").strip():
            self.add_error("on_behalf_of", "Enter the name of the person whose information it is")
        if data.get("for_self") == "yes":
            data["on_behalf_of"] = ""
        return data


class AboutForm(GovukForm):
    about = radios(ComplaintAbout.choices, label="What is your complaint about?")
    request_reference = text_input(
        label="Request reference (if you know it)",
        required=False,
        max_length=40,
        help_text="It is on our letters and looks like RR-2026-0123.",
    )


class WhatWentWrongForm(GovukForm):
    what_went_wrong = textarea(
        label="What went wrong?",
        help_text="Tell us what happened, when, and who was involved, if you know.",
        rows=8,
    )


class WhatYouWantForm(GovukForm):
    what_they_want = textarea(
        label="What would you like us to do? (optional)",
        required=False,
        help_text="For example, correct something, give you something we missed, or apologise.",
    )


class ReplyForm(GovukForm):
    reply_by = radios(ReplyBy.choices, label="How should we reply to you?")
    email = forms.EmailField(label="Email address", required=False, max_length=254)
    phone = text_input(label="Telephone number", required=False, max_length=40)
    address = textarea(label="Postal address", required=False, rows=4)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        need = {"email": "an email address", "post": "a postal address", "phone": "a telephone number"}
        field = {"email": "email", "post": "address", "phone": "phone"}.get(data.get("reply_by", ""))
        if field and not (data.get(field) or "").strip():
            self.add_error(field, f"Enter {need[data['reply_by']]} so we can reply")
        return data


QUESTIONS: dict[str, tuple[type[GovukForm], str]] = {
    "who": (WhoForm, "About you"),
    "about": (AboutForm, "What your complaint is about"),
    "what-went-wrong": (WhatWentWrongForm, "What went wrong"),
    "what-you-want": (WhatYouWantForm, "What you would like"),
    "reply": (ReplyForm, "How to reply"),
}


# Staff pages.


class ComplaintLogForm(GovukForm):
    channel = radios(
        [c for c in ComplaintChannel.choices if c[0] != ComplaintChannel.ONLINE], label="How did the complaint arrive?"
    )
    received = GovukDateField(label="Date received", not_future=True)
    complainant_name = text_input(label="Complainant's full name")
    on_behalf_of = text_input(label="On behalf of (optional)", required=False)
    about = radios(ComplaintAbout.choices, label="What is it about?")
    request_reference = text_input(label="Request reference (optional)", required=False, max_length=40)
    what_went_wrong = textarea(label="What went wrong, in their words")
    what_they_want = textarea(label="What they would like (optional)", required=False)
    reply_by = radios(ReplyBy.choices, label="How to reply")
    email = forms.EmailField(label="Email address", required=False, max_length=254)
    phone = text_input(label="Telephone number", required=False, max_length=40)
    address = textarea(label="Postal address", required=False, rows=4)


class StepForm(GovukForm):
    reason = textarea(label="Note (optional)", required=False, rows=3)


class OutcomeForm(GovukForm):
    finding = radios(Finding.choices, label="What did we find?")
    outcome = textarea(label="The outcome, as the complainant will read it", rows=8)


class ProgressForm(GovukForm):
    update = textarea(label="What has happened")
    complainant_told = forms.BooleanField(label="The complainant has been told", required=False)
    send_letter = forms.BooleanField(label="Write an update letter to the complainant", required=False)


class IcoReferralForm(GovukForm):
    ico_reference = text_input(label="The ICO's case reference", max_length=40)
    ico_asked = textarea(label="What the ICO asked us for", required=False)


class IcoCaseForm(GovukForm):
    answered = textarea(label="What we answered", required=False)
    decision = textarea(label="The ICO's decision (once made)", required=False)
    decided_on = GovukDateField(label="Date of the decision (optional)", required=False, not_future=True)


class RemedyForm(GovukForm):
    kind = radios([(k.value, label) for k, label in REMEDY_LABELS.items()], label="What kind of remedy?")
    description = textarea(label="What we will do", rows=3)
    request_reference = text_input(
        label="The request whose work it causes (optional)",
        required=False,
        max_length=40,
        help_text="For a correction or a further disclosure, for example RR-2026-0123.",
    )
    work_reference = text_input(label="Other work it causes (optional)", required=False)


class LinkForm(GovukForm):
    request_reference = text_input(
        label="Request reference", required=False, max_length=40, help_text="Leave empty to unlink."
    )


class AssignForm(GovukForm):
    assignee = UserChoiceField(
        queryset=User.objects.none(),
        label="Who handles it",
        required=False,
        empty_label="Nobody (every Manager is reminded)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()  # type: ignore[attr-defined]
