"""The admin for holdings: setting-up data (reviews, agencies, submissions) is editable; everything a
right or retention writes is read-only here, because the services keep its records and history in step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from core.admin import AuditedAdmin, ReadOnlyAdmin
from reviews.access import hidden_references
from reviews.models import (
    AgencySubmission,
    Correction,
    DataShare,
    DataSubjectRecord,
    DestructionCertificate,
    DestructionDue,
    HeldCategory,
    ProcessLawfulBasis,
    ProcessProfile,
    RecipientNotification,
    Restriction,
    Review,
    SourceAgency,
    SubjectSearchHit,
    SubjectSearchRun,
)


class RequestReferenceScopedAdmin(ReadOnlyAdmin):
    """Rows that carry a rights request's reference: hidden, with their history, from anyone who may not open
    that request (the workspace's rule, through reviews.access.hidden_references)."""

    request_reference_path = "request_reference"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)
        hidden = hidden_references(request.user)
        if hidden:
            queryset = queryset.exclude(**{f"{self.request_reference_path}__in": sorted(hidden)})
        return queryset

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> None:
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404("No such record.")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._visible_or_404(request, object_id)
        response: HttpResponse = super().history_view(request, object_id, extra_context)
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Review)
class ReviewAdmin(AuditedAdmin):
    list_display = (
        "reference",
        "review_type",
        "status",
        "started",
        "concluded",
        "legal_hold",
        "agency_data_destroyed_at",
    )
    list_filter = ("review_type", "status", "legal_hold")
    search_fields = ("reference",)
    # Concluding, legal holds and destruction go through the services (reviews.services, reviews.retention).
    readonly_fields = (
        "status",
        "concluded",
        "legal_hold",
        "legal_hold_reason",
        "agency_data_destroyed_at",
        "created_at",
    )


class ProcessLawfulBasisInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProcessLawfulBasis
    extra = 0
    fields = ("position", "title", "explanation")


@admin.register(ProcessProfile)
class ProcessProfileAdmin(AuditedAdmin):
    """The purpose and lawful bases the "what we hold" page states for each process: configuration, kept with history."""

    list_display = ("review_type", "purpose")
    inlines = (ProcessLawfulBasisInline,)


@admin.register(SourceAgency)
class SourceAgencyAdmin(AuditedAdmin):
    list_display = ("name", "kind", "data_owner", "contact_email")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(AgencySubmission)
class AgencySubmissionAdmin(ReadOnlyAdmin):
    list_display = ("review", "agency", "submission_type", "title", "received_on", "destroyed_at")
    list_filter = ("submission_type", "agency__kind")
    list_select_related = ("review", "agency")
    search_fields = ("review__reference", "title")


@admin.register(DataSubjectRecord)
class DataSubjectRecordAdmin(ReadOnlyAdmin):
    list_display = ("reference", "full_name", "date_of_birth", "postcode", "status", "submission")
    list_filter = ("status",)
    list_select_related = ("submission",)


@admin.register(HeldCategory)
class HeldCategoryAdmin(ReadOnlyAdmin):
    list_display = ("record", "category")
    list_filter = ("category",)


@admin.register(Correction)
class CorrectionAdmin(RequestReferenceScopedAdmin):
    list_display = ("record", "target", "request_reference", "made_by", "made_at")
    search_fields = ("request_reference",)


@admin.register(Restriction)
class RestrictionAdmin(RequestReferenceScopedAdmin):
    list_display = ("record", "basis", "request_reference", "placed_at", "lifted_at")
    list_filter = ("basis",)
    search_fields = ("request_reference",)


@admin.register(DataShare)
class DataShareAdmin(ReadOnlyAdmin):
    list_display = ("record", "agency", "shared_on", "purpose")


@admin.register(RecipientNotification)
class RecipientNotificationAdmin(RequestReferenceScopedAdmin):
    list_display = ("record", "agency", "effect", "status", "request_reference", "created_at", "sent_on")
    list_filter = ("effect", "status")
    search_fields = ("request_reference",)


@admin.register(SubjectSearchRun)
class SubjectSearchRunAdmin(RequestReferenceScopedAdmin):
    list_display = ("pk", "request_reference", "run_by", "run_at", "candidates_scored")
    search_fields = ("request_reference",)


@admin.register(SubjectSearchHit)
class SubjectSearchHitAdmin(RequestReferenceScopedAdmin):
    request_reference_path = "run__request_reference"
    list_display = ("run", "rank", "record", "score", "strength", "decision", "decided_by")
    list_filter = ("decision", "strength")


@admin.register(DestructionCertificate)
class DestructionCertificateAdmin(RequestReferenceScopedAdmin):
    list_display = ("reference", "kind", "method", "review", "records", "destroyed_at", "destroyed_by_name")
    list_filter = ("kind", "method")


@admin.register(DestructionDue)
class DestructionDueAdmin(RequestReferenceScopedAdmin):
    request_reference_path = "certificate__request_reference"
    list_display = ("review", "due_on", "listed_on", "status", "blocked_reason")
    list_filter = ("status",)
