"""The online request form's questions, one page each (GOV.UK question pages), in plain English."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from core.forms import GovukDateField, GovukForm, MultipleFileField
from requests_app.models import FormatNeed, ReplyMethod
from rights import Authority, RepresentativeRole, RightKind
from rights.people import ROLE_AUTHORITIES

ROLE_LABELS = {
    RepresentativeRole.SELF: "Me: I want information about myself",
    RepresentativeRole.PARENT: "I am a parent or carer asking for a child",
    RepresentativeRole.SOLICITOR: "I am a solicitor asking for a client",
    RepresentativeRole.DEPUTY: "I am a deputy appointed by the Court of Protection",
    RepresentativeRole.ATTORNEY: "I have a lasting power of attorney for them",
    RepresentativeRole.OTHER: "Someone else is asking for them",
}
AUTHORITY_LABELS = {
    Authority.PARENTAL_RESPONSIBILITY: "I have parental responsibility for them",
    Authority.WRITTEN_CONSENT: "They have said in writing that I can ask for them",
    Authority.COURT_ORDER: "A court order says I can act for them",
    Authority.LASTING_POWER_OF_ATTORNEY: "A lasting power of attorney",
}
NOT_SURE = "not_sure"
RIGHT_LABELS = {
    RightKind.ACCESS: "See the information you hold (a copy of the records)",
    RightKind.INFORM: "Be told what you do with the information and why",
    RightKind.RECTIFICATION: "Correct information that is wrong",
    RightKind.ERASURE: "Delete information",
    RightKind.RESTRICTION: "Stop using information for now",
    RightKind.PORTABILITY: "Get the information in a form a computer can read, to give to someone else",
    RightKind.OBJECTION: "Object to how the information is used",
    RightKind.AUTOMATED_DECISION_MAKING: "Question a decision made by a computer alone",
}
FORMAT_LABELS = {
    FormatNeed.LARGE_PRINT: "Large print",
    FormatNeed.EASY_READ: "Easy read (short sentences and simple words)",
    FormatNeed.LANGUAGE: "Another language",
    FormatNeed.BRAILLE: "Braille",
    FormatNeed.AUDIO: "Audio",
}


class Honeypot(forms.CharField):
    """A field people never see or reach (hidden by CSS, out of the tab order, hidden from screen readers)."""

    def __init__(self) -> None:
        super().__init__(
            required=False,
            label="Leave this blank",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )


class WhoForm(GovukForm):
    role = forms.ChoiceField(
        label="Who is asking?",
        choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is asking"},
    )
    website = Honeypot()


class AuthorityForm(GovukForm):
    authority = forms.ChoiceField(
        label="What lets you ask for them?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what lets you ask for them, or 'I am not sure'"},
    )
    relationship = forms.CharField(
        label="How do you know them?",
        help_text="For example, 'I am their grandmother' or 'I am their advocate'.",
        max_length=200,
        required=False,
        widget=forms.TextInput,
    )

    def __init__(self, *args: Any, role: RepresentativeRole, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        allowed = [a for a in AUTHORITY_LABELS if a in ROLE_AUTHORITIES[role]]
        cast(forms.ChoiceField, self.fields["authority"]).choices = [
            (a.value, AUTHORITY_LABELS[a]) for a in allowed
        ] + [(NOT_SURE, "I am not sure (we will ask you)")]
        if role is not RepresentativeRole.OTHER:
            self.fields["relationship"].label = "How do you know them? (optional)"

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        data = self.cleaned_data
        if self.role is RepresentativeRole.OTHER and not str(data.get("relationship", "")).strip():
            self.add_error("relationship", "Tell us how you know the person")
        return data


class YouForm(GovukForm):
    full_name = forms.CharField(
        label="Your full name", max_length=200, error_messages={"required": "Enter your full name"}
    )
    address = forms.CharField(
        label="Your postal address",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your postal address"},
    )
    phone = forms.CharField(
        label="Your phone number (optional)",
        help_text="So we can call you if we need to.",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "data-width": "govuk-input--width-20"}),
    )


class AboutForm(GovukForm):
    full_name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter their full name"})
    previous_names = forms.CharField(label="Any other names they have used (optional)", max_length=300, required=False)
    date_of_birth = GovukDateField(label="Date of birth", help_text="For example, 27 3 2012", not_future=True)
    address = forms.CharField(
        label="Postal address",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter their postal address"},
    )

    def __init__(self, *args: Any, myself: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if myself:
            self.fields["full_name"].error_messages["required"] = "Enter your full name"
            self.fields["address"].error_messages["required"] = "Enter your postal address"
        self.fields["date_of_birth"].error_messages["required"] = "Enter the date of birth"

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data.get("date_of_birth")
        if value is None:
            raise forms.ValidationError("Enter the date of birth")
        return value


class RightForm(GovukForm):
    kind = forms.ChoiceField(
        label="What do you want us to do?",
        choices=[(kind.value, label) for kind, label in RIGHT_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want us to do"},
    )


class DetailsForm(GovukForm):
    summary = forms.CharField(
        label="Tell us what you want",
        help_text="For example, which records, which years, or which information you think is wrong. "
        "The more you tell us, the quicker we can help.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Tell us what you want", "max_length": "Use 5,000 characters or fewer"},
    )


class ReplyForm(GovukForm):
    reply_by = forms.ChoiceField(
        label="How should we send you our letters?",
        choices=[
            (ReplyMethod.EMAIL.value, "By email"),
            (ReplyMethod.POST.value, "By post, to the address you gave"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how we should send you our letters"},
    )
    format_needs = forms.MultipleChoiceField(
        label="Do you need our letters in another format? (optional)",
        choices=[(need.value, label) for need, label in FORMAT_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    format_needs_detail = forms.CharField(
        label="Tell us more, for example which language (optional)", max_length=200, required=False
    )

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        data = self.cleaned_data
        if (
            FormatNeed.LANGUAGE in (data.get("format_needs") or [])
            and not str(data.get("format_needs_detail", "")).strip()
        ):
            self.add_error("format_needs_detail", "Tell us which language")
        return data


class EmailForm(GovukForm):
    email = forms.EmailField(
        label="Your email address",
        help_text="We will send a code to this address to check it is yours, and tell you about your request.",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=12,
        help_text="6 numbers",
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "data-width": "govuk-input--width-5",
            }
        ),
    )


PROOF_HINT = "A PDF, or a photo or scan (PNG or JPEG). You can choose more than one file."


class SubmitForm(GovukForm):
    """Send the request, with any proof of identity and (for someone acting for another) of authority."""

    identity_documents = MultipleFileField(
        label="Proof of who you are (optional)",
        help_text="For example, a passport, driving licence or a recent bill with your name and address. " + PROOF_HINT,
        required=False,
        error_messages={"empty": "The file you chose is empty"},
    )
    authority_documents = MultipleFileField(
        label="Proof that you can act for them (optional)",
        help_text="For example, a birth certificate, a court order, a lasting power of attorney or their signed "
        "consent. " + PROOF_HINT,
        required=False,
        error_messages={"empty": "The file you chose is empty"},
    )
    website = Honeypot()

    def __init__(self, *args: Any, myself: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if myself:  # asking for themselves: no authority to prove
            del self.fields["authority_documents"]
