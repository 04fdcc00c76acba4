"""The admin: every model with its history, read-only where the services own the writes.

The case's records (requests, letters, evidence, clock and transition events, views) change only
through requests_app.services, which keep the event log, the clock and the version in step; here
they can be read, with their history, but not added, edited, reverted or deleted. Personal data is
never lost: nothing of the case has a delete permission. What a user sees is narrowed by the same
access functions as the workspace, so a restricted request stays hidden here too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from core import admin as core_admin
from requests_app.access import people_visible_to, requests_open_in_full_to, requests_visible_to
from requests_app.admin_calendar import BankHolidayAdminMixin
from requests_app.models import (
    ClockEvent,
    Evidence,
    ExtraBankHoliday,
    Fee,
    Letter,
    Message,
    Notice,
    OnlineRejection,
    Person,
    ReferenceCounter,
    Referral,
    RequestDestructionCertificate,
    RequestRetentionDue,
    RequestStatistic,
    RequestView,
    RestrictedDataUse,
    RightsRequest,
    SavedListView,
    SubmittedDocument,
    TransitionEvent,
)
from requests_app.services.queue import request_search_keys_refresh
from requests_app.services.request_views import request_view_record


class AuditedAdmin(core_admin.AuditedAdmin):
    """History is shown but never reverted, nothing is deleted (core.admin.AuditedAdmin), and more for a case's records.

    The history pages answer only for objects the user may open here (get_queryset): simple-history
    would otherwise show a hidden object's history from its historical records. Opening a request's
    record here is recorded as opening the request (RequestView), as in the workspace.
    """

    records_request_views = True

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> Model:
        """The object if this admin's queryset (narrowed by access) holds it, else 404: its existence never leaks."""
        pk = unquote(object_id)
        try:
            obj: Model = self.get_queryset(request).get(pk=pk)
        except (self.model.DoesNotExist, ValueError, ValidationError):
            raise Http404("No such record.") from None
        return obj

    def _record_view(self, request: HttpRequest, obj: Model) -> None:
        rights_request = obj if isinstance(obj, RightsRequest) else getattr(obj, "request", None)
        if self.records_request_views and isinstance(rights_request, RightsRequest) and isinstance(request.user, User):
            request_view_record(request=rights_request, user=request.user)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        obj = self._visible_or_404(request, object_id)
        response: HttpResponse = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._record_view(request, obj)
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied
        obj = self._visible_or_404(request, object_id)
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)
        if response.status_code == 200:
            self._record_view(request, obj)
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response: HttpResponse = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
            if obj is not None:
                self._record_view(request, obj)
        return response


class ReadOnlyAdmin(AuditedAdmin, core_admin.ReadOnlyAdmin):
    """Records written only by the services (core.admin.ReadOnlyAdmin), shown as AuditedAdmin shows them."""


class RequestScopedAdmin(ReadOnlyAdmin):
    """Rows that belong to a request: only those of requests the user may open in full (a professional reviewer,
    who sees only what is referred to them, sees none of these here)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)
        return queryset.filter(request__in=requests_open_in_full_to(request.user)).select_related("request")


@admin.register(RightsRequest)
class RightsRequestAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "status", "received", "due_date", "assigned_to", "is_restricted")
    list_filter = ("kind", "status", "channel", "is_restricted", "extended", "is_complex", "processing_restricted")
    search_fields = ("reference", "subject__full_name", "requester__full_name")
    date_hierarchy = "received"
    list_select_related = ("assigned_to",)
    readonly_fields = ("status", "workspace_link")
    fieldsets = (
        (None, {"fields": ("reference", "workspace_link", "kind", "channel", "received", "summary", "status")}),
        ("People", {"fields": ("subject", "requester", "representative_role", "authority", "assigned_to")}),
        (
            "Clock",
            {"fields": ("due_date", "first_month_due", "clock_started", "extended", "is_complex", "complex_reason")},
        ),
        (
            "Verification",
            {"fields": ("identity_verified_at", "authority_verified_at", "child_competence", "child_consented_on")},
        ),
        (
            "Outcome",
            {"fields": ("processing_restricted", "refusal_ground", "decision_reasons", "supplementary_statement")},
        ),
        ("Replies", {"fields": ("reply_by", "code_by", "format_needs", "format_needs_detail")}),
        ("Access", {"fields": ("is_restricted", "restricted_reason")}),
        ("Record", {"fields": ("paused_from", "closed_at", "version", "created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[RightsRequest]:
        return requests_visible_to(request.user).select_related("subject", "assigned_to")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        known = {f.name for f in RightsRequest._meta.get_fields()} | {"workspace_link"}
        return [(name, {"fields": [f for f in opts["fields"] if f in known]}) for name, opts in self.fieldsets]

    @admin.display(description="In the workspace")
    def workspace_link(self, obj: RightsRequest) -> str:
        return format_html('<a href="{}">Open {} in the workspace</a>', reverse("request_detail", args=[obj.pk]), obj)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    """People's details may be corrected here (with history); they are added only by logging a request."""

    list_display = ("full_name", "date_of_birth", "created_at")
    search_fields = ("full_name", "previous_names")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return people_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        """A corrected name is searched at once: the requests naming the person get their search key again."""
        super().save_model(request, obj, form, change)
        request_search_keys_refresh(person=obj)


@admin.register(SavedListView)
class SavedListViewAdmin(AuditedAdmin):
    """Each person's named views of the request list (they make and delete them on the list itself)."""

    list_display = ("name", "user", "query", "created_at")
    list_filter = ("user",)
    readonly_fields = ("user", "name", "query", "created_at")
    records_request_views = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(RequestScopedAdmin):
    list_display = ("request", "direction", "date", "method", "addressee", "template")
    list_filter = ("direction", "method", "template")
    search_fields = ("request__reference", "addressee", "summary")
    exclude = ("file",)
    readonly_fields = ("download",)

    @admin.display(description="File")
    def download(self, obj: Letter) -> str:
        if not obj.file:
            return "None"
        return format_html('<a href="{}">Download</a>', reverse("letter_file", args=[obj.pk]))


@admin.register(Referral)
class ReferralAdmin(RequestScopedAdmin):
    list_display = ("request", "reviewer", "kind", "referred_at", "referred_by", "closed_at")
    list_filter = ("kind",)
    search_fields = ("request__reference", "reviewer__username")


@admin.register(Fee)
class FeeAdmin(RequestScopedAdmin):
    """Fees asked for (Art 12(5)(a), 15(3)), paid or waived: shown with history; changed only through the request's steps."""

    list_display = ("request", "basis", "amount_pence", "asked_on", "status", "settled_on")
    list_filter = ("basis", "status")
    search_fields = ("request__reference",)


@admin.register(RestrictedDataUse)
class RestrictedDataUseAdmin(RequestScopedAdmin):
    """Uses of restricted data on an Art 18(2) ground: shown with history; recorded only from the request's page."""

    list_display = ("request", "used_on", "ground", "used_by", "recorded_by")
    list_filter = ("ground",)
    search_fields = ("request__reference",)


@admin.register(SubmittedDocument)
class SubmittedDocumentAdmin(RequestScopedAdmin):
    """Proof sent with an online request: shown with history; the file only through the recorded download."""

    list_display = ("request", "kind", "original_name", "media_type", "size", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("request__reference",)
    exclude = ("file",)
    readonly_fields = ("download",)

    @admin.display(description="File")
    def download(self, obj: SubmittedDocument) -> str:
        if not obj.file:
            return "None"
        return format_html('<a href="{}">Download</a>', reverse("submitted_document_file", args=[obj.pk]))


@admin.register(Evidence)
class EvidenceAdmin(RequestScopedAdmin):
    list_display = ("request", "kind", "seen_on", "seen_by")
    list_filter = ("kind",)
    search_fields = ("request__reference",)
    exclude = ("scan",)
    readonly_fields = ("download",)

    @admin.display(description="Scan")
    def download(self, obj: Evidence) -> str:
        if not obj.scan:
            return "None"
        return format_html('<a href="{}">Download</a>', reverse("evidence_scan", args=[obj.pk]))


@admin.register(ClockEvent)
class ClockEventAdmin(RequestScopedAdmin):
    list_display = ("request", "event", "date", "recorded_by")
    list_filter = ("event",)
    search_fields = ("request__reference",)


@admin.register(TransitionEvent)
class TransitionEventAdmin(RequestScopedAdmin):
    list_display = ("request", "transition", "from_status", "to_status", "by", "at")
    list_filter = ("transition", "to_status")
    search_fields = ("request__reference",)


@admin.register(RequestView)
class RequestViewAdmin(RequestScopedAdmin):
    records_request_views = False  # reading the log of who opened a request is not opening it
    list_display = ("request", "user", "at")
    search_fields = ("request__reference", "user__username")
    list_filter = ("at",)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """What the service sent: for visible requests, and those sent before any request existed (address codes)."""

    list_display = ("created_at", "request", "channel", "to", "template", "status", "attempts")
    list_filter = ("status", "channel", "template")
    search_fields = ("request__reference", "to")
    exclude = ("pending_body",)  # the body as sent, with any code or token: never shown

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)
        visible = Q(request__in=requests_visible_to(request.user)) | Q(request__isnull=True)
        return queryset.filter(visible).select_related("request")


@admin.register(OnlineRejection)
class OnlineRejectionAdmin(ReadOnlyAdmin):
    """Steps of the online request form refused by an abuse limit or the honeypot: counted, never silently dropped."""

    list_display = ("at", "step", "reason", "ip_address", "email")
    list_filter = ("reason", "step")
    date_hierarchy = "at"


@admin.register(Notice)
class NoticeAdmin(RequestScopedAdmin):
    """Notices the deadline sweep wrote: sent once, kept as the record of who was told what."""

    list_display = ("request", "kind", "recipient", "due_date", "created_at", "emailed_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("request__reference", "recipient__username")


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ("year", "last")


@admin.register(ExtraBankHoliday)
class ExtraBankHolidayAdmin(BankHolidayAdminMixin, AuditedAdmin):
    """One-off bank holidays (a state funeral, say): adding or removing one recomputes open requests' due dates."""

    list_display = ("date", "name")


@admin.register(RequestRetentionDue)
class RequestRetentionDueAdmin(RequestScopedAdmin):
    """The daily listing of closed requests at the end of their retention (written by the task)."""

    list_display = ("request", "due_on", "listed_on", "blocked_reason")


@admin.register(RequestDestructionCertificate)
class RequestDestructionCertificateAdmin(ReadOnlyAdmin):
    """What was destroyed, when, by whom and how: references and counts, never a name."""

    records_request_views = False
    list_display = ("__str__", "request_reference", "kind", "destroyed_at", "destroyed_by_name")
    search_fields = ("request_reference",)


@admin.register(RequestStatistic)
class RequestStatisticAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Destroyed requests as anonymous figures: read only, and without history by design (see the model)."""

    list_display = ("kind", "received_month", "answered_month", "outcome", "on_time")
    list_filter = ("kind", "outcome")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
