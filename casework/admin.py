"""Complaints and breaches in the admin: to read, with their history. Changes go through the pages and services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from casework.models import Breach, BreachEvent, Complaint, ComplaintEvent, ComplaintRemedy


class ReadOnlyAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Every write is a service with its event row and checks; the admin shows, it does not change."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("reference", "complainant_name", "channel", "received", "acknowledgement_due", "status")
    list_filter = ("status", "channel")
    search_fields = ("reference", "complainant_name", "ico_reference")


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "action", "from_status", "to_status", "by", "at")


@admin.register(ComplaintRemedy)
class ComplaintRemedyAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "kind", "request", "done_on")


@admin.register(Breach)
class BreachAdmin(ReadOnlyAdmin):
    list_display = ("reference", "cause", "discovered_at", "risk", "report_to_ico", "ico_reference", "closed_at")
    list_filter = ("cause", "risk")
    search_fields = ("reference", "ico_reference")


@admin.register(BreachEvent)
class BreachEventAdmin(ReadOnlyAdmin):
    list_display = ("breach", "action", "by", "at")
