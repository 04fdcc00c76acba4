"""The admin for holdings: setting-up data (reviews, agencies, submissions) is editable; everything a
right or retention writes is read-only here, because the services keep its records and history in step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

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


class AuditedAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """History is shown but never reverted (a revert would bypass the services); nothing is deleted."""

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)
        return response

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


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
class CorrectionAdmin(ReadOnlyAdmin):
    list_display = ("record", "target", "request_reference", "made_by", "made_at")
    search_fields = ("request_reference",)


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ("record", "basis", "request_reference", "placed_at", "lifted_at")
    list_filter = ("basis",)
    search_fields = ("request_reference",)


@admin.register(DataShare)
class DataShareAdmin(ReadOnlyAdmin):
    list_display = ("record", "agency", "shared_on", "purpose")


@admin.register(RecipientNotification)
class RecipientNotificationAdmin(ReadOnlyAdmin):
    list_display = ("record", "agency", "effect", "status", "request_reference", "created_at", "sent_on")
    list_filter = ("effect", "status")
    search_fields = ("request_reference",)


@admin.register(SubjectSearchRun)
class SubjectSearchRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "request_reference", "run_by", "run_at", "candidates_scored")
    search_fields = ("request_reference",)


@admin.register(SubjectSearchHit)
class SubjectSearchHitAdmin(ReadOnlyAdmin):
    list_display = ("run", "rank", "record", "score", "strength", "decision", "decided_by")
    list_filter = ("decision", "strength")


@admin.register(DestructionCertificate)
class DestructionCertificateAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "method", "review", "records", "destroyed_at", "destroyed_by_name")
    list_filter = ("kind", "method")


@admin.register(DestructionDue)
class DestructionDueAdmin(ReadOnlyAdmin):
    list_display = ("review", "due_on", "listed_on", "status", "blocked_reason")
    list_filter = ("status",)
