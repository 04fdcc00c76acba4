"""The admin for disclosure: everything read-only with its history, narrowed to requests the user may open.

Records, documents and review decisions change only through disclosure.services (which keep the
event log, the review state and the locks in step); agencies alone may be edited here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from disclosure.models import (
    Agency,
    AgencyRequest,
    DisclosureEvent,
    Document,
    NcndFlag,
    Redaction,
    RedactionBox,
    RedactionSuggestion,
    SeriousHarmOpinion,
    ThirdParty,
)
from requests_app.access import requests_open_in_full_to
from requests_app.admin import AuditedAdmin, ReadOnlyAdmin, RequestScopedAdmin


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    """Agencies may be edited here; every one needs a named data owner (the model requires it)."""

    list_display = ("name", "kind", "data_owner", "owner_named", "contact_email", "escalation_contact")
    list_filter = ("kind",)
    search_fields = ("name", "data_owner")

    @admin.display(boolean=True, description="Data owner named")
    def owner_named(self, obj: Agency) -> bool:
        return obj.data_owner_named


@admin.register(AgencyRequest)
class AgencyRequestAdmin(RequestScopedAdmin):
    list_display = ("request", "agency", "requested_on", "due_on", "status", "received_on")
    list_filter = ("status",)


@admin.register(Document)
class DocumentAdmin(RequestScopedAdmin):
    list_display = ("title", "request", "agency", "source_kind", "page_count", "reviewed_at")
    list_filter = ("source_kind",)
    exclude = ("text", "pages")  # the text is read on the review page, not in the admin


@admin.register(DisclosureEvent)
class DisclosureEventAdmin(RequestScopedAdmin):
    list_display = ("request", "action", "at", "by")
    list_filter = ("action",)


@admin.register(ThirdParty)
class ThirdPartyAdmin(RequestScopedAdmin):
    list_display = ("name", "request", "consent", "reasonable_to_disclose")


@admin.register(SeriousHarmOpinion)
class SeriousHarmOpinionAdmin(RequestScopedAdmin):
    list_display = ("request", "area", "professional_name", "opinion_date", "conclusion")


@admin.register(NcndFlag)
class NcndFlagAdmin(RequestScopedAdmin):
    list_display = ("request", "document", "redaction", "exemption", "approved_at")


class DocumentScopedAdmin(ReadOnlyAdmin):
    """Rows that belong to a document: only those of requests the user may open."""

    document_path = "document__request"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)
        return queryset.filter(**{f"{self.document_path}__in": requests_open_in_full_to(request.user)})


@admin.register(Redaction)
class RedactionAdmin(DocumentScopedAdmin):
    list_display = ("document", "kind", "exemption", "start", "end", "created_at")
    list_filter = ("kind", "exemption")
    exclude = ("text",)  # redacted text stays out of admin lists and forms


@admin.register(RedactionBox)
class RedactionBoxAdmin(DocumentScopedAdmin):
    document_path = "redaction__document__request"
    list_display = ("redaction", "page", "x0", "top", "x1", "bottom")


@admin.register(RedactionSuggestion)
class RedactionSuggestionAdmin(DocumentScopedAdmin):
    """Suggested redactions and the decision on each (made on the review page, through the services)."""

    list_display = ("document", "source", "origin", "status", "exemption", "decided_by", "decided_at")
    list_filter = ("source", "status")
    exclude = ("text", "boxes")  # what was suggested stays out of admin lists and forms, like redacted text
