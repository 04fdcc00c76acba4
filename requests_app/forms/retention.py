"""Forms of the retention of closed requests: a legal hold, and the Manager's confirmation of destruction."""

from __future__ import annotations

from django import forms

from core.forms import GovukForm
from requests_app.forms import VersionForm, _radios


class LegalHoldForm(VersionForm):
    """Place or lift a legal hold on a request: it is then never destroyed at the end of its retention."""

    hold = _radios(
        [
            ("yes", "Yes: keep it past its retention period"),
            ("no", "No: it may be destroyed when its retention period ends"),
        ],
        label="Keep this request on legal hold?",
        error_messages={"required": "Select whether to keep the request on legal hold"},
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a complaint to the ICO about this request is open. It is kept with the request's history.",
        error_messages={"required": "Enter why"},
    )


class DestroyForm(GovukForm):
    """The Manager's confirmation: destruction cannot be undone."""

    confirm = forms.BooleanField(
        label="I confirm the destruction. It cannot be undone.",
        error_messages={"required": "Confirm the destruction by ticking the box"},
    )
