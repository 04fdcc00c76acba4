"""Forms of the disclosure pages: they parse input in plain English; the services decide and refuse.

They reuse the staff workspace's GOV.UK form base (requests_app.forms) and field template.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from core.forms import GovukDateField, GovukForm
from disclosure.models import (
    EXEMPTION_CHOICES,
    Agency,
    AgencyKind,
    Consent,
    DataArea,
    Document,
    OpinionConclusion,
)
from rights import EXEMPTIONS

EXEMPTION_FIELD_HELP = "The code is printed beside each redaction in the pack, and explained in its key."


def exemption_field(label: str = "Exemption relied on") -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[("", "Choose an exemption"), *EXEMPTION_CHOICES],
        label=label,
        help_text=EXEMPTION_FIELD_HELP,
        error_messages={"required": "Choose the exemption the redaction relies on"},
    )


def _reason(label: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}"},
    )


# Redactions: a professional acting in their role is withheld only with a reason (DPA 2018 Sch 2 Pt 3 para 17).
REDACTION_REASON_HELP = (
    "Needed when the words name a health, social work or education professional acting in their role: "
    "the schedule of redactions prints it, so do not repeat the name."
)


# Agencies


class AgencyForm(GovukForm):
    name = forms.CharField(label="Agency name", max_length=200, error_messages={"required": "Enter the agency's name"})
    kind = forms.ChoiceField(choices=AgencyKind.choices, widget=forms.RadioSelect, label="Kind of agency")
    data_owner = forms.CharField(
        label="Named data owner",
        max_length=200,
        help_text="The person (or role) who owns the agency's data and answers for its records.",
        error_messages={"required": "Enter the agency's named data owner"},
    )
    contact_email = forms.EmailField(
        label="Data owner's email",
        required=False,
        help_text="Their registered address: records requests, return links, one-time codes and chasers go here.",
    )
    contact_address = forms.CharField(label="Contact address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    escalation_contact = forms.CharField(
        label="Escalation contact",
        required=False,
        max_length=200,
        help_text="Who is told when a return stays late after its chaser.",
    )
    escalation_email = forms.EmailField(label="Escalation contact's email", required=False)


class AgencyAskForm(GovukForm):
    """Ask an existing agency, or name a new one (added as 'other' until its details are filled in)."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label="Agency", empty_label="Choose an agency"
    )
    new_agency = forms.CharField(
        label="Or add a new agency", required=False, max_length=200, help_text="Its name, if it is not in the list."
    )
    new_agency_kind = forms.ChoiceField(
        choices=AgencyKind.choices, label="Kind of new agency", required=False, initial=AgencyKind.OTHER
    )
    new_agency_data_owner = forms.CharField(
        label="New agency's named data owner",
        required=False,
        max_length=200,
        help_text="If you know it. Otherwise the agency is marked 'Data owner not yet named' until someone names it.",
    )
    requested_on = GovukDateField(
        label="Date the records were asked for", not_future=True, required=False, help_text="Leave empty for today."
    )
    scope = forms.CharField(
        label="What is asked for",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The records the agency is asked for, as it will read it (empty: all records about the person).",
    )
    records_from = GovukDateField(label="Earliest records asked for", required=False, help_text="Empty: any date.")
    records_to = GovukDateField(label="Latest records asked for", required=False, help_text="Empty: any date.")
    notes = _reason("Notes (for the case file; not sent)")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = agencies

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("agency") and not (data.get("new_agency") or "").strip():
            self.add_error("agency", "Choose an agency, or enter the name of a new one")
        if data.get("agency") and (data.get("new_agency") or "").strip():
            self.add_error("new_agency", "Choose an agency from the list or add a new one, not both")
        return data


class AgencyReturnForm(GovukForm):
    outcome = forms.ChoiceField(
        choices=[("received", "Records received"), ("nil_return", "Nil return: the agency holds no records")],
        widget=forms.RadioSelect,
        label="What did the agency send?",
        error_messages={"required": "Choose what the agency sent"},
    )
    received_on = GovukDateField(
        label="Date received", not_future=True, error_messages={"required": "Enter the date the return arrived"}
    )
    notes = _reason("Notes")


# Documents


class DocumentDetailsForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=300, error_messages={"required": "Enter a title for the document"}
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label="From which agency", empty_label="Not from an agency"
    )
    document_date = GovukDateField(label="Date on the document", not_future=True, required=False)
    holds_health_data = forms.BooleanField(required=False, label="Holds health data")
    holds_social_work_data = forms.BooleanField(required=False, label="Holds social work data")
    holds_education_data = forms.BooleanField(required=False, label="Holds education data")
    harm_concern = forms.BooleanField(
        required=False,
        label="Disclosure might cause serious harm to someone's physical or mental health",
        help_text="If so, a professional's opinion is needed before approval (DPA 2018 Schedule 3).",
    )
    subject_already_knows = forms.BooleanField(
        required=False,
        label="The data subject has already seen, or knows, the health information in it",
        help_text="Otherwise health data can be disclosed only with a health professional's opinion, less than six "
        "months old, that serious harm is not likely (DPA 2018 Schedule 3 Part 2 paragraph 6). Say how you know "
        "in the reason.",
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = agencies


class DocumentEditForm(DocumentDetailsForm):
    reason = _reason(
        "Why did the harm concern or the kind of data change?",
        help_text="Needed when you tick or clear one of those boxes: the document then needs review again.",
    )


class DocumentAddForm(DocumentDetailsForm):
    text = forms.CharField(
        label="Paste or type the text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Or upload a file below: one or the other.",
    )
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="Plain text (UTF-8), PDF, PNG or JPEG. Spreadsheets, Word documents, web pages and archives are refused.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = bool((data.get("text") or "").strip())
        has_file = isinstance(data.get("file"), UploadedFile)
        if has_text == has_file:
            self.add_error("text", "Paste the document's text or upload a file (one, not both)")
        upload = data.get("file")
        if isinstance(upload, UploadedFile) and upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
            limit = settings.MAX_UPLOAD_BYTES / (1024 * 1024)
            self.add_error("file", f"The selected file must be smaller than {limit:.0f} MB")
        return data


class PhraseRedactionForm(GovukForm):
    prefix = "phrase"

    phrase = forms.CharField(
        label="Word or phrase",
        max_length=500,
        help_text="Every occurrence is redacted, whatever its case and even across line breaks.",
        error_messages={"required": "Enter the word or phrase to redact"},
    )
    exemption = exemption_field()
    reason = _reason("Reason (optional)", help_text=REDACTION_REASON_HELP)


class SpanRedactionForm(GovukForm):
    prefix = "span"

    start = forms.IntegerField(
        label="From character", min_value=0, error_messages={"required": "Enter the first character to redact"}
    )
    end = forms.IntegerField(
        label="To character (not included)", min_value=1, error_messages={"required": "Enter where the redaction ends"}
    )
    exemption = exemption_field()
    reason = _reason("Reason (optional)", help_text=REDACTION_REASON_HELP)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", "The end must come after the start")
        return data


class RectangleRedactionForm(GovukForm):
    prefix = "rect"

    page = forms.IntegerField(label="Page", min_value=1, error_messages={"required": "Enter the page number"})
    x0 = forms.FloatField(label="Left (points from the left edge)", min_value=0)
    top = forms.FloatField(label="Top (points from the top edge)", min_value=0)
    x1 = forms.FloatField(label="Right (points from the left edge)", min_value=0)
    bottom = forms.FloatField(label="Bottom (points from the top edge)", min_value=0)
    exemption = exemption_field()
    reason = _reason("Reason (optional)", help_text=REDACTION_REASON_HELP)


class RemoveForm(GovukForm):
    reason = _reason("Why is it removed?", required=True)


class WithholdForm(GovukForm):
    prefix = "withhold"

    exemption = exemption_field("Exemption the whole document is withheld under")
    reason = _reason("Why is the whole document withheld?", required=True)


class NcndDocumentForm(GovukForm):
    prefix = "ncnd"

    exemption = exemption_field("Exemption the document is withheld under")
    reason = _reason(
        "Why would saying that this document exists itself cause harm?",
        required=True,
        help_text="A Manager must approve. The document will not appear in any letter, schedule or count.",
    )


class NcndRedactionForm(GovukForm):
    reason = _reason("Why would saying that this was withheld itself cause harm?", required=True)


# Third parties and serious harm


class ThirdPartyForm(GovukForm):
    name = forms.CharField(label="Name, or who they are", max_length=200)
    description = forms.CharField(
        label="Description", required=False, help_text="For example: mother's partner, school nurse, neighbour."
    )
    other_spellings = forms.CharField(
        label="Other spellings of the name",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: every form the records use (a misspelling, a maiden name, initials). Redactions are "
        "suggested for each.",
    )
    document = forms.ModelChoiceField(
        queryset=Document.objects.none(), required=False, label="Named in", empty_label="Several or not recorded"
    )
    is_professional_in_role = forms.BooleanField(
        required=False,
        label="A health, social work or education professional acting in that role",
        help_text="Disclosing their names is normally reasonable (DPA 2018 Sch 2 para 17).",
    )
    consent = forms.ChoiceField(choices=Consent.choices, widget=forms.RadioSelect, label="Consent")
    consent_reason = _reason("Why consent was or was not sought, and any answer")
    consent_asked_on = GovukDateField(label="Date consent was asked for", not_future=True, required=False)
    consent_answered_on = GovukDateField(label="Date of the answer", not_future=True, required=False)

    def __init__(self, *args: Any, documents: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["document"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared just above
        field.queryset = documents


class ThirdPartyDecisionForm(GovukForm):
    reasonable_to_disclose = forms.ChoiceField(
        choices=[("yes", "Yes, reasonable to disclose"), ("no", "No, withhold their information")],
        widget=forms.RadioSelect,
        label="Is it reasonable to disclose their information without consent?",
        error_messages={"required": "Choose whether it is reasonable to disclose"},
    )
    decision_reasons = _reason(
        "Reasons",
        required=True,
        help_text="The type of information, any duty of confidence, steps taken to seek consent, whether they can "
        "consent, and any refusal (DPA 2018 Sch 2 para 16(3)).",
    )


class OpinionForm(GovukForm):
    area = forms.ChoiceField(choices=DataArea.choices, widget=forms.RadioSelect, label="Which data is it about?")
    professional_name = forms.CharField(label="Professional's name", max_length=200)
    professional_role = forms.CharField(
        label="Their role", max_length=200, help_text="For example: consultant paediatrician."
    )
    opinion_date = GovukDateField(label="Date of the opinion", not_future=True)
    opinion = _reason("The opinion", required=True)
    conclusion = forms.ChoiceField(choices=OpinionConclusion.choices, widget=forms.RadioSelect, label="Conclusion")


def exemption_label(key: str) -> str:
    item = EXEMPTIONS.get(key)
    return f"{item.code} \u2013 {item.title}" if item else key


class SuggestionAcceptForm(GovukForm):
    exemption = exemption_field("Exemption relied on")
    reason = _reason("Reason (optional)", help_text=REDACTION_REASON_HELP)


class SuggestionRejectForm(GovukForm):
    reason = _reason("Why it is left in (optional)")


class DocumentSearchForm(GovukForm):
    q = forms.CharField(label="Search the request's documents", max_length=200, required=False)
