"""Pages for what OCR read and the redactions it and the text suggest: accept, reject, look again; and the search
over a request's documents (their text and what OCR read on their scans)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from disclosure import access, reading_selectors
from disclosure.forms import DocumentSearchForm, SuggestionAcceptForm, SuggestionRejectForm
from disclosure.models import Document, RedactionSuggestion
from disclosure.services import suggestions as suggestion_services
from requests_app.models import RightsRequest
from requests_app.services.request_views import request_view_record
from requests_app.viewing import records_view_itself
from rights import ApplicationError


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _rr(request: HttpRequest, pk: int) -> RightsRequest:
    return access.request_get_for_user(
        user=_user(request), pk=pk, queryset=RightsRequest.objects.select_related("subject", "assigned_to")
    )


def _document(request: HttpRequest, pk: int, document_id: int) -> tuple[RightsRequest, Document]:
    rr = _rr(request, pk)
    return rr, access.document_get_for_user(user=_user(request), pk=document_id, request_pk=rr.pk)


def review_context(document: Document) -> dict[str, Any]:
    """What the review page shows of OCR and suggestions."""
    reading = reading_selectors.document_reading(document)
    pending, decided = reading_selectors.document_suggestions(document)
    return {
        "reading": reading,
        "reading_pages": reading_selectors.reading_pages(reading, document),
        "suggestions_pending": [
            (s, SuggestionAcceptForm(prefix=f"s{s.pk}", initial={"exemption": s.suggested_exemption})) for s in pending
        ],
        "suggestions_decided": decided,
        "reject_form": SuggestionRejectForm(),
    }


def _back(document: Document) -> str:
    return reverse("disclosure:document", args=[document.request_id, document.pk]) + "#suggestions"


def _suggestion(request: HttpRequest, pk: int, document_id: int, suggestion_id: int) -> RedactionSuggestion:
    _, document = _document(request, pk, document_id)
    try:
        return RedactionSuggestion.objects.select_related("document__request").get(pk=suggestion_id, document=document)
    except RedactionSuggestion.DoesNotExist:
        raise Http404("No such suggestion.") from None


@require_POST
def suggestion_accept(request: HttpRequest, pk: int, document_id: int, suggestion_id: int) -> HttpResponse:
    suggestion = _suggestion(request, pk, document_id, suggestion_id)
    form = SuggestionAcceptForm(request.POST, prefix=f"s{suggestion.pk}")
    if not form.is_valid():
        messages.error(request, "Choose the exemption the redaction relies on.")
        return redirect(_back(suggestion.document))
    try:
        suggestion_services.suggestion_accept(
            by=_user(request),
            suggestion=suggestion,
            exemption=form.cleaned_data["exemption"],
            reason=form.cleaned_data.get("reason") or "",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{suggestion.text}” redacted.")
    return redirect(_back(suggestion.document))


@require_POST
def suggestion_reject(request: HttpRequest, pk: int, document_id: int, suggestion_id: int) -> HttpResponse:
    suggestion = _suggestion(request, pk, document_id, suggestion_id)
    form = SuggestionRejectForm(request.POST)
    form.is_valid()
    try:
        suggestion_services.suggestion_reject(
            by=_user(request), suggestion=suggestion, reason=form.cleaned_data.get("reason") or ""
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{suggestion.text}” left in.")
    return redirect(_back(suggestion.document))


@require_POST
def suggestions_refresh(request: HttpRequest, pk: int, document_id: int) -> HttpResponse:
    _, document = _document(request, pk, document_id)
    try:
        created = suggestion_services.suggestions_look_again(by=_user(request), document=document)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(created)} new suggestion{'s' if len(created) != 1 else ''}.")
    return redirect(_back(document))


@records_view_itself
def document_search(request: HttpRequest, pk: int) -> HttpResponse:
    rr = _rr(request, pk)
    request_view_record(request=rr, user=_user(request))
    form = DocumentSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    documents = access.documents_visible_to(_user(request), Document.objects.filter(request=rr))
    hits = reading_selectors.documents_search(rr, query, documents=documents) if query else []
    return render(request, "disclosure/search.html", {"rr": rr, "form": form, "query": query, "hits": hits})
