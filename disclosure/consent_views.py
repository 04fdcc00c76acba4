"""Asking a third party for consent (DPA 2018 Sch 2 Pt 3 para 16): the letter, and the answer filed with it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.forms import GovukDateField, GovukForm
from core.text import day_text
from disclosure import access
from disclosure.models import ConsentMethod, ConsentRequest
from disclosure.services import consent as services
from disclosure.views import _form_page, _rr, _user
from requests_app.viewing import records_view
from rights import ApplicationError
from rights.owners import ConsentAnswer


class ConsentRequestForm(GovukForm):
    method = forms.ChoiceField(choices=ConsentMethod.choices, widget=forms.RadioSelect, label="How the letter goes")
    email = forms.EmailField(label="Their email address", required=False)
    address = forms.CharField(label="Their postal address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    what_disclosed = forms.CharField(
        label="What would be disclosed about them",
        help_text="In plain words, e.g. 'that you made a referral on 1 February 2026, and what you said'.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    why = forms.CharField(
        label="To whom and why, in general terms",
        help_text="Never the requester's name, e.g. 'a person entitled to see a child's records has asked for them'.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class ConsentAnswerForm(GovukForm):
    answer = forms.ChoiceField(
        choices=[
            (ConsentAnswer.CONSENT.value, "They consent"),
            (ConsentAnswer.REFUSAL.value, "They refuse"),
            (ConsentAnswer.NO_ANSWER.value, "No answer by the date given"),
        ],
        widget=forms.RadioSelect,
        label="Their answer",
    )
    answered_on = GovukDateField(label="Date of the answer (or today, for no answer)", not_future=True)
    note = forms.CharField(
        label="What they said", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    file = forms.FileField(label="Their letter or email (PDF, PNG or JPEG)", required=False)


@records_view
@require_http_methods(["GET", "POST"])
def consent_request_new(request: HttpRequest, pk: int, third_party_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    party = access.third_party_get_for_user(user=_user(request), pk=third_party_id)
    if party.request_id != rr.pk:
        raise Http404("No such third party.")
    initial = {
        "method": ConsentMethod.EMAIL if party.contact_email else ConsentMethod.POST,
        "email": party.contact_email,
        "address": party.contact_address,
    }
    form = ConsentRequestForm(request.POST or None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_request_send(
                by=_user(request),
                third_party=party,
                method=data["method"],
                what_disclosed=data["what_disclosed"],
                why=data["why"],
                email=data.get("email") or "",
                address=data.get("address") or "",
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, f"Consent asked of {party.name}: the letter is in the letters register.")
            return redirect("disclosure:third_party", rr.pk, party.pk)
    return _form_page(
        request,
        rr,
        form,
        heading=f"Ask {party.name} for consent",
        submit="Send the letter",
        intro="The letter says what would be disclosed about them, to whom in general terms, why, how to answer and "
        "by when (DPA 2018 Schedule 2 paragraph 16). By post, it is filed as a PDF to print and post.",
    )


@records_view
@require_http_methods(["GET", "POST"])
def consent_answer(request: HttpRequest, pk: int, consent_id: int) -> HttpResponse:
    rr = _rr(request, pk)
    consent = (
        ConsentRequest.objects.select_related("third_party").filter(pk=consent_id, third_party__request=rr).first()
    )
    if consent is None:
        raise Http404("No such request for consent.")
    form = ConsentAnswerForm(request.POST or None, request.FILES or None, initial={"answered_on": timezone.localdate()})
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_answer_record(
                by=_user(request),
                consent=consent,
                answer=data["answer"],
                answered_on=data["answered_on"],
                note=data.get("note") or "",
                file=data.get("file"),
            )
        except ApplicationError as error:
            form.add_application_error(error)
        else:
            messages.success(request, "Answer recorded: now record the decision whether it is reasonable to disclose.")
            return redirect("disclosure:third_party", rr.pk, consent.third_party_id)
    return _form_page(
        request,
        rr,
        form,
        heading=f"{consent.third_party.name}'s answer",
        submit="Record the answer",
        intro=f"Asked on {day_text(consent.sent_on)}, to answer by {day_text(consent.due_on)}.",
        multipart=True,
    )
