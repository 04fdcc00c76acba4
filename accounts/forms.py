"""Forms for proving a second factor, a Manager's changes to a colleague's sign-in, and Django's password
forms in GOV.UK markup."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms

from core.forms import GovukForm


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Code",
        max_length=16,
        strip=True,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes",
        error_messages={"required": "Enter the code from your authenticator app, or a recovery code"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def clean_token(self) -> str:
        return "".join(str(self.cleaned_data["token"]).split())


class ResetFactorsForm(GovukForm):
    reason = forms.CharField(
        label="Why is this being reset?",
        max_length=300,
        help_text="For example: lost phone, reported to the Manager on 5 December",
        error_messages={"required": "Enter why the second factor is being reset"},
    )


class PasswordChangeForm(GovukForm, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(GovukForm, auth_forms.SetPasswordForm):  # type: ignore[type-arg]
    pass


class PasswordResetForm(GovukForm, auth_forms.PasswordResetForm):
    pass
