"""The Manager's performance report: figures for a period as charts and tables, CSV and XLSX exports, the board PDF.

Managers only, as the house pattern has it for pages that are not one request: anyone else is told
403 (nothing about a request is revealed: the report holds aggregates only). Every output is built
from the same tables (requests_app.reporting), so the page, the files and the PDF agree.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from core import roles
from core.forms import GovukDateField, GovukForm
from requests_app import reporting
from requests_app.reporting import periods
from rights import ApplicationError

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodForm(GovukForm):
    start = GovukDateField(label="From", help_text="For example, 1 4 2025")
    end = GovukDateField(label="To", help_text="For example, 31 3 2026")

    def clean(self) -> dict[str, Any] | None:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            try:
                data["period"] = periods.Period(start, end)
            except ApplicationError as error:
                self.add_application_error(error)
        return data


def _manager(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not roles.is_manager(user):
        raise PermissionDenied
    return user


def _today() -> dt.date:
    return timezone.localdate()


def _iso_to_parts(query: QueryDict) -> QueryDict:
    """Links and exports name the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD; the form takes day, month and year."""
    data = query.copy()
    for short, name in (("from", "start"), ("to", "end")):
        value = query.get(short, "").strip()
        if value and f"{name}_day" not in query:
            match = ISO_DATE.match(value)
            year, month, day = (str(int(part)) for part in match.groups()) if match else ("", "", value)
            data.update({f"{name}_day": day, f"{name}_month": month, f"{name}_year": year})
    return data


def _period(request: HttpRequest) -> tuple[PeriodForm, periods.Period | None]:
    """The period asked for, or the last 12 months when none is; None (with the form's errors) when it is wrong."""
    if not any(key in request.GET for key in ("from", "to", "start_day", "end_day", "start_year", "end_year")):
        default = periods.last_12_months(_today())
        return PeriodForm(initial={"start": default.start, "end": default.end}), default
    form = PeriodForm(_iso_to_parts(request.GET))
    if form.is_valid():
        return form, form.cleaned_data["period"]
    return form, None


def _period_query(period: periods.Period, **extra: str) -> str:
    return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat(), **extra})


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    _manager(request)
    today = _today()
    form, period = _period(request)
    context: dict[str, Any] = {
        "form": form,
        "period": period,
        "today": today,
        "quick": [(p, f"{reverse('reports')}?{_period_query(p)}") for p in periods.quick_periods(today)],
        "quarters": periods.recent_quarters(today),
        "default_quarter": periods.last_quarter(today),
    }
    if period is not None:
        report = reporting.report_build(period=period, today=today)
        export = reverse("reports_export")
        context.update(
            report=report,
            tables=reporting.report_tables(report),
            charts=reporting.chart_data(report),
            csv_url=f"{export}?{_period_query(period, format='csv')}",
            xlsx_url=f"{export}?{_period_query(period, format='xlsx')}",
        )
    return render(request, "requests_app/reports/report.html", context)


@require_GET
def reports_export(request: HttpRequest) -> HttpResponse:
    """?format=xlsx: every table, a sheet each. ?format=csv&table=<name>: one table (names in TABLE_NAMES)."""
    _manager(request)
    form, period = _period(request)
    if period is None:
        return HttpResponse(
            "The period is not valid: " + " ".join(message for _, message in form.error_summary),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    report = reporting.report_build(period=period, today=_today())
    tables = reporting.report_tables(report)
    stem = f"rights-requests-{period.slug}"
    fmt = request.GET.get("format", "")
    if fmt == "xlsx":
        content = reporting.report_xlsx(report, tables, organisation=settings.ORGANISATION["name"])
        return _attachment(content, content_type=XLSX_TYPE, filename=f"{stem}.xlsx")
    if fmt == "csv":
        name = request.GET.get("table", "")
        table = next((t for t in tables if t.name == name), None)
        if table is None:
            raise Http404("No such table.")
        return _attachment(
            reporting.table_csv(table, report),
            content_type="text/csv; charset=utf-8",
            filename=f"{stem}-{table.name.replace('_', '-')}.csv",
        )
    raise Http404("No such format.")


@require_GET
def reports_board_pdf(request: HttpRequest) -> HttpResponse:
    """The quarterly board report for ?quarter=2026Q3 (a calendar quarter that has begun)."""
    _manager(request)
    today = _today()
    try:
        period = reporting.parse_quarter(request.GET.get("quarter", ""))
    except ApplicationError:
        raise Http404("No such quarter.") from None
    if period.start > today:
        raise Http404("That quarter has not begun.")
    report = reporting.report_build(period=period, today=today)
    return _attachment(
        reporting.board_report_pdf(report),
        content_type="application/pdf",
        filename=reporting.board_report_filename(report),
    )
