"""Admin wiring for the additional bank holidays: adding or deleting one goes through the calendar services.

To use it, put the mixin first in the bases of the ExtraBankHoliday admin (requests_app/admin.py):
`class ExtraBankHolidayAdmin(BankHolidayAdminMixin, AuditedAdmin)`. Then adding a holiday, or deleting
one, recomputes every open request's due date in the same transaction, with history; the date of
an existing holiday cannot be edited (delete it and add the right one), only its name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from core import roles
from core.audit import record_change
from requests_app.models import ExtraBankHoliday
from requests_app.services.calendar import CalendarChange, bank_holiday_add, bank_holiday_check, bank_holiday_remove
from rights import ApplicationError


def _by(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _report(request: HttpRequest, change: CalendarChange) -> None:
    what = "added" if change.added else "removed"
    moved = len(change.moved)
    text = f"Bank holiday {what}: {change.checked} open request(s) checked, {moved} due date(s) moved"
    if change.moved:
        text += f" ({', '.join(change.moved[:20])}{', ...' if moved > 20 else ''})"
    messages.success(request, text + ".")
    if change.failed:
        messages.warning(
            request,
            f"These requests' clock events do not fit together; their due dates were left: {', '.join(change.failed)}.",
        )


class BankHolidayAdminMixin:
    """save_model and delete_model call bank_holiday_add / bank_holiday_remove (Manager only)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fields: tuple[str, ...] = tuple(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return (*fields, "date") if obj is not None else fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return roles.is_manager(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return roles.is_manager(request.user)

    def get_form(self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any) -> Any:
        form_class: type[forms.ModelForm[ExtraBankHoliday]] = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]

        class CheckedForm(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned: dict[str, Any] = super().clean()
                day = cleaned.get("date")
                if obj is None and day is not None:
                    # The service checks again in its transaction; this shows the problem on the form.
                    try:
                        bank_holiday_check(date=day)
                    except ApplicationError as error:
                        raise forms.ValidationError(error.message) from None
                return cleaned

        return CheckedForm

    def save_model(self, request: HttpRequest, obj: ExtraBankHoliday, form: Any, change: bool) -> None:
        if change:  # only the name can change, and it moves no date
            record_change(obj, "Renamed")
            obj.save()
            return
        result = bank_holiday_add(date=obj.date, name=obj.name, by=_by(request))
        obj.pk = ExtraBankHoliday.objects.get(date=obj.date).pk
        _report(request, result)

    def delete_model(self, request: HttpRequest, obj: ExtraBankHoliday) -> None:
        _report(request, bank_holiday_remove(date=obj.date, by=_by(request)))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ExtraBankHoliday]) -> None:
        with transaction.atomic():
            for day in list(queryset.values_list("date", flat=True)):
                _report(request, bank_holiday_remove(date=day, by=_by(request)))
