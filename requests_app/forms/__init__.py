"""Forms of the staff workspace: they parse and check input in plain English; the services decide.

Rendered with GOV.UK Frontend markup by templates/includes/field.html; errors appear in the
GOV.UK error-summary pattern, each linked to its field.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from core.forms import GovukDateField, GovukForm
from core.text import day_text, shorten
from requests_app.models import (
    Channel,
    CodeChannel,
    EvidenceKind,
    FormatNeed,
    Letter,
    LetterDirection,
    LetterMethod,
    ReferralKind,
    RefusalGround,
    ReplyMethod,
    RightsRequest,
    Status,
)
from requests_app.models.core import (
    AFFAIRS_CHOICES,
    AUTHORITY_CHOICES,
    BEST_INTERESTS_CHOICES,
    COMPETENCE_CHOICES,
    KIND_CHOICES,
    POWER_KIND_CHOICES,
    PR_BASIS_CHOICES,
    PR_EVIDENCE_CHOICES,
)
from requests_app.selectors import DEFAULT_SORT, SHOW_ALL, SHOW_FINISHED, SHOW_OPEN, SORTS, RequestFilters
from requests_app.services.evidence import ActingDetails
from rights import Authority, FeeBasis, RepresentativeRole
from rights.effects import ErasureMethod, RestrictionBasis
from rights.people import AffairsArea, EvidenceDocument, ParentalResponsibilityBasis, PowerKind

ALLOWED_UPLOAD_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
ASKER_CHOICES = [("self", "The data subject, for themselves"), ("other", "Someone else, for the data subject")]
ROLE_CHOICES = [
    (RepresentativeRole.PARENT.value, "A parent or carer"),
    (RepresentativeRole.SOLICITOR.value, "A solicitor"),
    (RepresentativeRole.DEPUTY.value, "A deputy appointed by the Court of Protection"),
    (RepresentativeRole.ATTORNEY.value, "An attorney (lasting power of attorney)"),
    (RepresentativeRole.OTHER.value, "Someone else acting for them"),
]


# Widgets and fields


class ScanField(forms.FileField):
    """A scanned or generated document: PDF or image, no larger than the configured limit."""

    widget = forms.FileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            if Path(upload.name or "").suffix.lower() not in ALLOWED_UPLOAD_SUFFIXES:
                raise forms.ValidationError("The selected file must be a PDF, JPG or PNG")
            if upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
                limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
                raise forms.ValidationError(f"The selected file must be smaller than {limit}MB")
        return upload


def _radios(
    choices: Any, *, label: str, required: bool = True, help_text: str = "", **kwargs: Any
) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices, widget=forms.RadioSelect, label=label, required=required, help_text=help_text, **kwargs
    )


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of staff member, shown by full name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class VersionForm(GovukForm):
    """Every POST that changes a request carries the version the user saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


# Logging a new request from a letter

SUBJECT_FIELDS = {
    "subject_name": "full_name",
    "subject_previous_names": "previous_names",
    "subject_date_of_birth": "date_of_birth",
    "subject_address": "address",
    "subject_previous_addresses": "previous_addresses",
    "subject_email": "email",
    "subject_phone": "phone",
}
REQUESTER_FIELDS = {
    "requester_name": "full_name",
    "requester_address": "address",
    "requester_email": "email",
    "requester_phone": "phone",
}


NEW_PERSON = "new"  # at logging: none of the people on record who match; create a new one


class RequestCreateForm(GovukForm):
    # Offered once the details match people on record (requests_app.selectors.related.people_matching).
    subject_person = forms.CharField(required=False, label="Is the data subject one of these people already on record?")
    requester_person = forms.CharField(
        required=False, label="Is the person asking one of these people already on record?"
    )
    kind = _radios(
        KIND_CHOICES,
        label="Which right are they using?",
        error_messages={"required": "Select which right they are using"},
    )
    channel = _radios(
        Channel.choices,
        label="How did the request arrive?",
        initial=Channel.LETTER,
        error_messages={"required": "Select how the request arrived"},
    )
    letter_method = _radios(
        [
            (LetterMethod.POST.value, "Post"),
            (LetterMethod.RECORDED_DELIVERY.value, "Recorded delivery"),
            (LetterMethod.HAND.value, "By hand"),
        ],
        label="If it came as a letter, how was it delivered?",
        required=False,
        initial=LetterMethod.POST,
    )
    received = GovukDateField(
        label="Date received",
        not_future=True,
        help_text="The day it arrived is day one of the clock. For example, 27 3 2026",
        error_messages={"required": "Enter the date the request was received"},
    )
    summary = forms.CharField(
        label="What are they asking for?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In their words, from the letter.",
        error_messages={"required": "Enter what they are asking for"},
    )
    subject_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the data subject's full name"}
    )
    subject_previous_names = forms.CharField(
        label="Previous names (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One name per line, for example a name before adoption or marriage.",
    )
    subject_date_of_birth = GovukDateField(
        label="Date of birth (optional)", required=False, not_future=True, help_text="For example, 1 5 2012"
    )
    subject_address = forms.CharField(
        label="Address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    subject_previous_addresses = forms.CharField(
        label="Previous addresses (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One address per line, for example where they lived when a review took place.",
    )
    subject_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={
            "invalid": "Enter the data subject's email address in the correct format, like name@example.com"
        },
    )
    subject_phone = forms.CharField(label="Phone number (optional)", required=False, max_length=40)
    asker = _radios(
        ASKER_CHOICES,
        label="Who is asking?",
        initial="self",
        error_messages={"required": "Select who is asking"},
    )
    representative_role = _radios(ROLE_CHOICES, label="Who are they to the data subject?", required=False)
    requester_name = forms.CharField(label="Their full name", required=False, max_length=200)
    requester_address = forms.CharField(label="Their address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    requester_email = forms.EmailField(
        label="Their email address (optional)",
        required=False,
        error_messages={"invalid": "Enter the requester's email address in the correct format, like name@example.com"},
    )
    requester_phone = forms.CharField(label="Their phone number (optional)", required=False, max_length=40)
    authority = _radios(
        [("", "Not seen yet"), *AUTHORITY_CHOICES],
        label="What authority do they act under?",
        required=False,
        help_text="Leave as 'Not seen yet' if it is still to come: the month starts when it arrives.",
    )
    reply_by = _radios(
        ReplyMethod.choices,
        label="How do they want us to reply?",
        required=False,
        initial=ReplyMethod.POST.value,
        help_text="By email: the service emails letters and the pack's link itself, to the email address above.",
    )
    code_by = _radios(
        [("", "By email if they reply by email, else by phone"), *CodeChannel.choices],
        label="How should the one-time code that opens their pack reach them?",
        required=False,
        help_text="Never by post: the code must not arrive in the same letterbox as a posted link.",
    )
    format_needs = forms.MultipleChoiceField(
        choices=FormatNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Do they need letters in another format?",
    )
    format_needs_detail = forms.CharField(
        label="Which language, or what else helps (optional)", required=False, max_length=200
    )
    assigned_to = UserChoiceField(
        queryset=User.objects.none(), required=False, label="Assign to (optional)", empty_label="Not assigned yet"
    )
    acknowledge = forms.BooleanField(
        required=False,
        initial=True,
        label="Send the acknowledgement letter now",
        help_text="It is filed in the letters register.",
    )

    reveals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        "channel": {Channel.LETTER.value: ("letter_method",)},
        "asker": {"other": ("representative_role", *REQUESTER_FIELDS, "authority")},
    }

    def __init__(self, data: Any = None, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        if data is not None and "asker" not in data and data.get("representative_role"):
            # A form posted before "who is asking" was split in two: the role says which.
            data = data.copy()
            role = data.get("representative_role")
            data["asker"] = "self" if role == RepresentativeRole.SELF.value else "other"
            if role == RepresentativeRole.SELF.value:
                data.pop("representative_role")
        super().__init__(data, *args, **kwargs)
        cast(UserChoiceField, self.fields["assigned_to"]).queryset = assignees

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        data = self.cleaned_data
        if data.get("asker") == "self":
            # Shown without JavaScript, but not asked: someone asking for themselves has no requester or authority.
            self.not_applicable("representative_role", *REQUESTER_FIELDS, "authority")
            data["representative_role"] = RepresentativeRole.SELF.value
        elif data.get("asker") == "other":
            if not data.get("representative_role") and "representative_role" not in self.errors:
                self.add_error("representative_role", "Select who they are to the data subject")
            if not data.get("requester_name") and "requester_name" not in self.errors:
                self.add_error("requester_name", "Enter the full name of the person asking for the data subject")
        if data.get("channel") == Channel.LETTER:
            data["letter_method"] = data.get("letter_method") or LetterMethod.POST.value
        elif data.get("channel"):
            self.not_applicable("letter_method")  # only a letter is delivered by post or by hand
        return data


# Letters, evidence, assignment, restriction, transitions

NOT_BY_LETTER = ("", "It did not come by letter (for example, by phone or in person)")


def letter_choices(letters: Iterable[Letter]) -> list[tuple[str, str]]:
    """Incoming letters as radio choices, with a first choice for something that came another way."""
    return [
        NOT_BY_LETTER,
        *((str(letter.pk), f"{day_text(letter.date)}: {shorten(letter.summary, 80)}") for letter in letters),
    ]


class LetterForm(VersionForm):
    direction = _radios(
        LetterDirection.choices,
        label="Is the letter coming in or going out?",
        error_messages={"required": "Select in or out"},
    )
    date = GovukDateField(
        label="Date of the letter",
        not_future=True,
        help_text="The day it arrived or was sent. For example, 27 3 2026",
        error_messages={"required": "Enter the date of the letter"},
    )
    method = _radios(
        LetterMethod.choices,
        label="How was it sent or delivered?",
        initial=LetterMethod.POST,
        error_messages={"required": "Select how it was sent or delivered"},
    )
    addressee = forms.CharField(
        label="From or to whom",
        max_length=200,
        required=False,
        help_text="Who sent it (in) or who it is addressed to (out).",
    )
    summary = forms.CharField(
        label="What does it say?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the letter says"},
    )
    file = ScanField(label="Scan of the letter (optional)", required=False, help_text="PDF, JPG or PNG.")


class EvidenceForm(VersionForm):
    kind = _radios(
        EvidenceKind.choices,
        label="What is it evidence of?",
        error_messages={"required": "Select what it is evidence of"},
    )
    description = forms.CharField(
        label="What was seen",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: passport, number ending 123. Do not copy the full number.",
        error_messages={"required": "Enter what was seen"},
    )
    seen_on = GovukDateField(
        label="Date seen",
        not_future=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the evidence was seen"},
    )
    received_on = GovukDateField(
        label="Date it arrived",
        required=False,  # required for identity and authority (clean): the others do not move the clock
        not_future=True,
        help_text="For identity and authority: the month runs from the day it arrived. If it came with the request, "
        "this is the day the request arrived, and the clock does not move.",
    )
    authority = _radios(
        [("", "As already recorded"), *AUTHORITY_CHOICES],
        label="For authority evidence: what authority does it show?",
        required=False,
        help_text="Only for evidence of a representative's authority to act.",
    )
    competence = _radios(
        [("", "Not applicable"), *COMPETENCE_CHOICES],
        label="The professional's judgement of the child's understanding",
        required=False,
        help_text="Only for a professional judgement of a child's competence.",
    )
    incoming_letter = forms.ChoiceField(
        choices=[],
        widget=forms.RadioSelect,
        required=False,
        label="Which letter did it come in?",
        help_text="Log the letter in the register first if it is not listed.",
    )
    scan = ScanField(label="Scan (optional)", required=False, help_text="PDF, JPG or PNG.")

    # The basis the representative acts on, as the authority evidence shows it (rights.people.acting_power_refusal).
    pr_basis = _radios(
        [("", "Not applicable"), *PR_BASIS_CHOICES],
        label="For parental responsibility: on what basis does the requester have it?",
        required=False,
        help_text="Children Act 1989 ss2-5, 12, 14C, 33; Adoption and Children Act 2002 s46.",
    )
    pr_evidence = forms.MultipleChoiceField(
        choices=PR_EVIDENCE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="For parental responsibility: which documents were seen?",
        help_text="Select each document seen. It must show the basis chosen above.",
    )
    child_adopted_since = forms.BooleanField(
        required=False,
        label="The child has since been adopted by someone else",
        help_text="An adoption order ends every earlier parent's parental responsibility.",
    )
    deputy_order_covers = forms.MultipleChoiceField(
        choices=AFFAIRS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="For a deputy: what does the Court of Protection order cover?",
    )
    power_kind = _radios(
        [("", "Not applicable"), *POWER_KIND_CHOICES],
        label="For an attorney: what kind of power is it?",
        required=False,
    )
    power_made_on = GovukDateField(
        label="For an attorney: date the power was made",
        required=False,
        not_future=True,
        help_text="For example, 27 3 2019",
    )
    power_registered_on = GovukDateField(
        label="For an attorney: date the Office of the Public Guardian registered it",
        required=False,
        not_future=True,
        help_text="Leave blank if it is not registered: an unregistered power cannot be used.",
    )
    donor_lacks_capacity = forms.BooleanField(
        required=False,
        label="The donor lacks capacity to decide about the request",
        help_text="A health and welfare power can be used only while the donor lacks capacity.",
    )
    affairs = _radios(
        [("", "Not applicable"), *AFFAIRS_CHOICES],
        label="For a deputy or an attorney: what is the request about?",
        required=False,
        help_text="Health and social care records are health and welfare.",
    )

    ACTING_FIELDS = (
        "pr_basis",
        "pr_evidence",
        "child_adopted_since",
        "deputy_order_covers",
        "power_kind",
        "power_made_on",
        "power_registered_on",
        "donor_lacks_capacity",
        "affairs",
    )
    reveals: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        "kind": {
            EvidenceKind.AUTHORITY.value: ("authority", *ACTING_FIELDS),
            EvidenceKind.COMPETENCE.value: ("competence",),
        }
    }

    def __init__(
        self,
        *args: Any,
        letters: Iterable[Letter] = (),
        request_received: dt.date | None = None,
        role: RepresentativeRole = RepresentativeRole.SELF,
        authority: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.request_authority = authority
        cast(forms.ChoiceField, self.fields["incoming_letter"]).choices = letter_choices(letters)
        if request_received is not None:
            self.fields["received_on"].help_text = (
                "For identity and authority: the month runs from the day it arrived. If it came with the request, "
                f"this is the day the request arrived ({request_received.day} {request_received:%B %Y}), and the "
                "clock does not move."
            )

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == EvidenceKind.COMPETENCE and not data.get("competence"):
            self.add_error("competence", "Select the professional's judgement of the child's understanding")
        if data.get("kind") and data.get("kind") != EvidenceKind.COMPETENCE:
            self.not_applicable("competence")  # shown without JavaScript, but asked only for competence evidence
        if data.get("kind") and data.get("kind") != EvidenceKind.AUTHORITY:
            self.not_applicable("authority", *self.ACTING_FIELDS)  # asked only for evidence of authority to act
        elif data.get("kind") == EvidenceKind.AUTHORITY:
            self._clean_acting(data)
        seen_on, received_on = data.get("seen_on"), data.get("received_on")
        clock_evidence = data.get("kind") in {EvidenceKind.IDENTITY, EvidenceKind.AUTHORITY}
        if clock_evidence and not received_on and "received_on" not in self.errors:
            self.add_error("received_on", "Enter the date it arrived")
        if seen_on and received_on and received_on > seen_on:
            self.add_error("received_on", "Date it arrived must be on or before the date it was seen")
        return data

    def _clean_acting(self, data: dict[str, Any]) -> None:
        """Ask only for the facts the authority relies on; ignore the rest (shown without JavaScript)."""
        authority = data.get("authority") or self.request_authority
        is_pr = authority == Authority.PARENTAL_RESPONSIBILITY.value
        is_deputy = self.role is RepresentativeRole.DEPUTY and authority == Authority.COURT_ORDER.value
        is_attorney = authority == Authority.LASTING_POWER_OF_ATTORNEY.value
        if not is_pr:
            self.not_applicable("pr_basis", "pr_evidence", "child_adopted_since")
        elif not data.get("pr_basis"):
            self.add_error("pr_basis", "Select the basis of parental responsibility")
        elif not data.get("pr_evidence"):
            self.add_error("pr_evidence", "Select the documents seen that show parental responsibility")
        if not is_deputy:
            self.not_applicable("deputy_order_covers")
        elif not data.get("deputy_order_covers"):
            self.add_error("deputy_order_covers", "Select what the deputyship order covers")
        if not is_attorney:
            self.not_applicable("power_kind", "power_made_on", "power_registered_on", "donor_lacks_capacity")
        elif not data.get("power_kind"):
            self.add_error("power_kind", "Select the kind of power of attorney")
        if not (is_deputy or is_attorney):
            self.not_applicable("affairs")
        elif not data.get("affairs"):
            self.add_error("affairs", "Select what the request is about")

    def acting_details(self) -> ActingDetails | None:
        """The basis recorded with authority evidence, for the evidence service; None for other evidence."""
        data = self.cleaned_data
        if data.get("kind") != EvidenceKind.AUTHORITY:
            return None
        return ActingDetails(
            pr_basis=ParentalResponsibilityBasis(data["pr_basis"]) if data.get("pr_basis") else None,
            pr_evidence=frozenset(EvidenceDocument(v) for v in data.get("pr_evidence") or ()),
            child_adopted_since=bool(data.get("child_adopted_since")),
            affairs=AffairsArea(data["affairs"]) if data.get("affairs") else None,
            deputy_order_covers=frozenset(AffairsArea(v) for v in data.get("deputy_order_covers") or ()),
            power_kind=PowerKind(data["power_kind"]) if data.get("power_kind") else None,
            power_registered_on=data.get("power_registered_on"),
            power_made_on=data.get("power_made_on"),
            donor_lacks_capacity=bool(data.get("donor_lacks_capacity")),
        )


class BestInterestsForm(VersionForm):
    """Is disclosure to the representative in the best interests of the child, or adult lacking capacity, they act for?"""

    decision = _radios(
        BEST_INTERESTS_CHOICES,
        label="Is disclosing the records to the requester in the data subject's best interests?",
        help_text="Decide for the child, or the adult who lacks capacity: not for the requester. Where a person with "
        "parental responsibility or a deputy asks, child abuse data that it is not in their best interests to "
        "disclose is withheld (DPA 2018 Sch 3 Pt 5 para 21): redact it with S3 P5 para21.",
        error_messages={"required": "Select whether disclosure is in their best interests"},
    )
    reasons = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Who was consulted, the child's views where they can give them, and what weighed most.",
        error_messages={"required": "Enter the reasons for the decision"},
    )
    decided_on = GovukDateField(
        label="Date decided",
        not_future=True,
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the decision"},
    )


class FeeForm(VersionForm):
    """A fee received: the month runs from the day it arrived (UK GDPR Art 12A)."""

    received_on = GovukDateField(
        label="Date the fee arrived",
        not_future=True,
        help_text="The month starts again from the day it arrived, not the day it is recorded. For example, 27 3 2026",
        error_messages={"required": "Enter the date the fee arrived"},
    )
    incoming_letter = forms.ChoiceField(
        choices=[],
        widget=forms.RadioSelect,
        required=False,
        label="Which letter did it come in?",
        help_text="Log the letter in the register first if it is not listed.",
    )
    reason = forms.CharField(
        label="What was paid (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: cheque for £10 for further copies.",
    )

    def __init__(self, *args: Any, letters: Iterable[Letter] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["incoming_letter"]).choices = letter_choices(letters)


class ComplexForm(VersionForm):
    """Complex, or one of numerous requests (UK GDPR Art 12A): only such a request may be extended."""

    is_complex = _radios(
        [
            ("yes", "Yes, it is complex"),
            ("numerous", "Yes, it is one of numerous requests from the same person"),
            ("no", "No"),
        ],
        label="Is the request complex, or one of numerous requests?",
        help_text="Only then may the time limit be extended by two further months (UK GDPR Article 12A). The sweep "
        "prompts for a decision on day 20 of such a request.",
        error_messages={"required": "Select whether the request is complex"},
    )
    numerous_with = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which of the same person's other requests?",
        help_text="Only for one of numerous requests: the extension notice names them.",
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: records from six agencies, some on paper. It is kept with the request's history.",
        error_messages={"required": "Enter why"},
    )

    def __init__(self, *args: Any, candidates: Iterable[RightsRequest] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["numerous_with"]).choices = [
            (str(other.pk), f"{other.reference}: {other.get_kind_display()}, received {day_text(other.received)}")
            for other in candidates
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("is_complex") == "numerous" and not cleaned.get("numerous_with"):
            self.add_error("numerous_with", "Choose the other requests from the same person")
        return cleaned


class AssignForm(VersionForm):
    assigned_to = UserChoiceField(
        queryset=User.objects.none(), required=False, label="Assign to", empty_label="Nobody (unassign)"
    )

    def __init__(self, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UserChoiceField, self.fields["assigned_to"]).queryset = assignees


class ReferralForm(GovukForm):
    reviewer = UserChoiceField(
        queryset=User.objects.none(),
        label="Professional reviewer",
        empty_label="Choose a reviewer",
        error_messages={
            "required": "Choose a professional reviewer",
            "invalid_choice": "Choose a professional reviewer",
        },
    )
    kind = _radios(
        ReferralKind.choices,
        label="What is the opinion on?",
        help_text="Serious harm: they see the documents marked as a concern for harm. Competence: the request and "
        "any judgement of the child's competence.",
        error_messages={"required": "Select what the opinion is on"},
    )
    question = forms.CharField(
        label="What do you want to ask? (optional)", required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, reviewers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UserChoiceField, self.fields["reviewer"]).queryset = reviewers


class RestrictForm(VersionForm):
    restricted = _radios(
        [
            ("yes", "Yes, only the Manager and the assigned caseworker can open it"),
            ("no", "No, the whole team can open it"),
        ],
        label="Restrict who can open this request?",
        error_messages={"required": "Select whether to restrict the request"},
    )
    reason = forms.CharField(
        label="Why is it restricted?",
        required=False,
        max_length=200,
        help_text="For example: a colleague's own request, or a case involving staff.",
    )

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        data = self.cleaned_data
        if data.get("restricted") == "yes" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the request is restricted")
        return data


ERASURE_METHOD_CHOICES = [
    (ErasureMethod.DESTROY.value, "Destroy: delete the records"),
    (ErasureMethod.ANONYMISE.value, "Anonymise: remove everything that identifies the person, keep the rest"),
]
# Art 18(1)(a)-(d); an upheld objection (Art 21(1)) is the objection's own step, not a basis chosen here.
RESTRICTION_BASIS_CHOICES = [
    (basis.value, f"{basis.info.title} ({basis.info.article})")
    for basis in RestrictionBasis
    if basis is not RestrictionBasis.OBJECTION_UPHELD
]

TRANSITION_INPUTS: dict[str, forms.Field] = {
    "reason": forms.CharField(
        label="Reason, for the record",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    ),
    "refusal_ground": forms.ChoiceField(
        choices=RefusalGround.choices,
        widget=forms.RadioSelect,
        label="On what ground?",
        error_messages={"required": "Select the ground"},
    ),
    "decision_reasons": forms.CharField(
        label="Reasons given to the requester",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="These go in the letter, in plain words.",
        error_messages={"required": "Enter the reasons given to the requester"},
    ),
    "supplementary_statement": forms.CharField(
        label="The requester's supplementary statement",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Their own words, to be kept with the data (UK GDPR Article 16).",
        error_messages={"required": "Enter the requester's supplementary statement"},
    ),
    "clarification_question": forms.CharField(
        label="What needs clarifying, and why?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For an access request the clock stops until the answer arrives; for other rights it keeps "
        "running (UK GDPR Article 12A). Only ask when it is really needed.",
        error_messages={"required": "Enter what needs clarifying"},
    ),
    "clarification_reason": forms.CharField(
        label="Why is clarification needed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Never ask as a matter of routine (ICO). The usual reason is a large amount of information about "
        "the person: say what is held and why the answer is needed to find what they want. It goes in the letter.",
        error_messages={"required": "Enter why clarification is needed"},
    ),
    "extension_reason": forms.CharField(
        label="Why is more time needed?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The request must be complex, or one of numerous requests (UK GDPR Article 12A).",
        error_messages={"required": "Enter why more time is needed"},
    ),
    "method": forms.ChoiceField(
        choices=LetterMethod.choices,
        widget=forms.RadioSelect,
        label="How will the letter be sent?",
        initial=LetterMethod.POST,
        error_messages={"required": "Select how the letter will be sent"},
    ),
    "received_on": GovukDateField(
        label="Date the answer arrived",
        not_future=True,
        help_text="The clock restarts from the day the answer arrived, not the day it is recorded. For example, 27 3 2026",
        error_messages={"required": "Enter the date the answer arrived"},
    ),
    "incoming_letter": forms.ChoiceField(
        choices=[],
        widget=forms.RadioSelect,
        label="Which letter did it come in?",
        help_text="Log the letter in the register first if it is not listed.",
    ),
    "erasure_method": forms.ChoiceField(
        choices=ERASURE_METHOD_CHOICES,
        widget=forms.RadioSelect,
        label="How is the data erased?",
        help_text="Every record the subject search confirmed as the data subject's is erased, and a destruction "
        "certificate issued. This cannot be undone.",
        error_messages={"required": "Select how the data is erased"},
    ),
    "restriction_basis": forms.ChoiceField(
        choices=RESTRICTION_BASIS_CHOICES,
        widget=forms.RadioSelect,
        label="Which Article 18(1) condition applies?",
        error_messages={"required": "Select the condition that applies"},
    ),
    "fee_basis": forms.ChoiceField(
        choices=[(basis.value, basis.label) for basis in FeeBasis],
        widget=forms.RadioSelect,
        label="On what ground is a fee charged?",
        help_text="Every request is free, except a manifestly unfounded or excessive one (instead of refusing it) "
        "and further copies under the right of access.",
        error_messages={"required": "Select the ground for the fee"},
    ),
    "fee_amount": forms.CharField(
        label="The fee, in pounds",
        max_length=12,
        help_text="A reasonable fee, based on the administrative costs. For example, 25.00",
        error_messages={"required": "Enter the fee"},
    ),
    "fee_reason": forms.CharField(
        label="Why a fee, and how it is worked out",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="It goes in the letter. For a repeat request, cite the earlier requests listed above.",
        error_messages={"required": "Enter why a fee is charged and how it is worked out"},
    ),
    "paid_on": GovukDateField(
        label="Date the fee arrived",
        not_future=True,
        help_text="The month runs from the day the fee arrived, not the day it is recorded. For example, 27 3 2026",
        error_messages={"required": "Enter the date the fee arrived"},
    ),
}


class TransitionForm(VersionForm):
    """Asks for exactly what one step needs, plus the version the user saw; `required` ones must be filled in."""

    def __init__(
        self,
        *args: Any,
        needs: tuple[str, ...],
        required: tuple[str, ...] = (),
        grounds: tuple[tuple[str, str], ...] = (),
        letters: Iterable[Letter] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in needs:
            template = TRANSITION_INPUTS.get(name)
            if template is None:
                continue
            field = copy.deepcopy(template)
            field.required = name in required
            if not field.required and isinstance(field.widget, forms.Textarea):
                field.label = f"{field.label} (optional)"
            if name == "refusal_ground" and grounds:
                cast(forms.ChoiceField, field).choices = list(grounds)
            if name == "incoming_letter":
                cast(forms.ChoiceField, field).choices = letter_choices(letters)
            self.fields[name] = field
        self._style()

    @property
    def data_for_service(self) -> dict[str, str]:
        """The inputs as the service takes them: strings, dates in ISO form."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else str(value)
            for name, value in self.cleaned_data.items()
            if name != "version" and value
        }


# The list's filters (GET)


class RequestFilterForm(GovukForm):
    q = forms.CharField(label="Reference or name", required=False, max_length=200)
    kind = forms.ChoiceField(choices=[("", "Any right"), *KIND_CHOICES], required=False, label="Right")
    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False, label="Status")
    caseworker = forms.ChoiceField(required=False, label="Caseworker")
    due_from = GovukDateField(label="Due from", required=False)
    due_to = GovukDateField(label="Due by", required=False)
    show = forms.ChoiceField(
        label="Show",
        choices=[
            (SHOW_OPEN, "Open requests"),
            (SHOW_ALL, "All requests"),
            (SHOW_FINISHED, "Closed and withdrawn"),
        ],
        required=False,
        initial=SHOW_OPEN,
        widget=forms.RadioSelect,
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    waiting = forms.BooleanField(label="Waiting on the requester only", required=False)
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTS], required=False, widget=forms.HiddenInput)
    order = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *args: Any, assignees: QuerySet[User], **kwargs: Any) -> None:
        if data is not None and not data.get("show"):
            data = data.copy()
            data["show"] = SHOW_OPEN  # what the list shows without a choice, so the radios say so
        super().__init__(data, *args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["caseworker"])
        field.choices = [
            ("", "Anyone"),
            ("none", "Not assigned"),
            *((str(user.pk), user.get_full_name() or user.get_username()) for user in assignees),
        ]

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        data = self.cleaned_data
        due_from, due_to = data.get("due_from"), data.get("due_to")
        if due_from and due_to and due_from > due_to:
            self.add_error("due_to", "Due by must be the same as or after Due from")
        return data

    def filters(self, *, today: dt.date) -> RequestFilters:
        """The valid form as the selector's filters."""
        data = self.cleaned_data
        caseworker = data.get("caseworker") or ""
        return RequestFilters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            caseworker=int(caseworker) if caseworker.isdigit() else None,
            unassigned=caseworker == "none",
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            # An older link's "open_only" still means open; without a choice the list shows open requests.
            show=data.get("show") or SHOW_OPEN,
            overdue_on=today if data.get("overdue") else None,
            waiting_only=bool(data.get("waiting")),
            sort=data.get("sort") or DEFAULT_SORT,
            descending=data.get("order") == "desc",
        )
