"""The report as tables (the source of truth for the page, the exports and the board report) and as chart data.

Every table holds aggregates only: counts, shares and medians, labelled by month, right, status or
ground. No reference, name or date of birth is ever in one, so the exports carry no personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.utils.module_loading import import_string
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from requests_app.reporting.figures import Answered, Report, Tally, format_days, format_percent

NOTHING = "\u2013"  # an en dash: no figure (nothing answered, so no share or median)
ColumnKind = Literal["text", "month", "count", "percent", "days"]
Value = str | int | float | dt.date | None

# Short names for the rights, so a table of eight columns fits the page.
SHORT_KIND_LABELS = {
    "inform": "Informed",
    "access": "Access",
    "rectification": "Rectification",
    "erasure": "Erasure",
    "restriction": "Restriction",
    "portability": "Portability",
    "objection": "Objection",
    "automated_decision_making": "Automated decisions",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = "count"

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "percent", "days")

    def display(self, value: Value) -> str:
        """As the page and the PDF show it."""
        if value is None or value == "":
            return NOTHING
        if self.kind == "month" and isinstance(value, dt.date):
            return f"{value:%B %Y}"
        if self.kind == "percent" and isinstance(value, int | float):
            return format_percent(float(value))
        if self.kind == "days" and isinstance(value, int | float):
            return format_days(float(value))
        return str(value)

    def export(self, value: Value) -> str | int | float | None:
        """As a spreadsheet holds it: numbers as numbers, months as YYYY-MM, nothing as an empty cell."""
        if value is None or value == "":
            return None
        if self.kind == "month" and isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    total: tuple[Value, ...] | None = None

    @property
    def display_rows(self) -> list[list[str]]:
        return [[column.display(value) for column, value in zip(self.columns, row, strict=True)] for row in self.rows]

    @property
    def display_total(self) -> list[str] | None:
        if self.total is None:
            return None
        return [column.display(value) for column, value in zip(self.columns, self.total, strict=True)]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def export_rows(self) -> list[list[str | int | float | None]]:
        """Header, rows and total, ready for a CSV file or a sheet."""
        body = [*self.rows, *([self.total] if self.total is not None else [])]
        header: list[str | int | float | None] = list(self.headers)
        return [
            header,
            *([column.export(value) for column, value in zip(self.columns, row, strict=True)] for row in body),
        ]


def _answered_cells(answered: Answered, *, with_median: bool) -> tuple[Value, ...]:
    cells: tuple[Value, ...] = (answered.answered, answered.on_time, answered.late, answered.on_time_percent)
    return (*cells, answered.median_days) if with_median else cells


def _tally_table(name: str, title: str, description: str, first: str, count: str, rows: Sequence[Tally]) -> Table:
    return Table(
        name,
        title,
        description,
        (Column(first, "text"), Column(count)),
        tuple((row.label, row.count) for row in rows),
        ("Total", sum(row.count for row in rows)),
    )


def report_tables(report: Report) -> list[Table]:
    """The six tables, in page order; `name` is what `?table=` picks for a CSV export."""
    kinds = [kind for kind, _ in report.kinds]
    answered_columns = (Column("Answered"), Column("On time"), Column("Late"), Column("On time (%)", "percent"))
    return [*_request_tables(report, kinds, answered_columns), *section_tables(report)]


def section_tables(report: Report) -> list[Table]:
    """Tables other apps add to the report, named in settings.REPORT_SECTIONS (callables of period and today).

    The settings name them so this lower layer never imports the apps above it (casework: complaints, breaches).
    """
    tables: list[Table] = []
    for path in getattr(settings, "REPORT_SECTIONS", ()):
        tables.extend(import_string(path)(report.period, report.today))
    return tables


def _request_tables(report: Report, kinds: list[str], answered_columns: tuple[Column, ...]) -> list[Table]:
    return [
        Table(
            "received_by_month",
            "Requests received, by month and right",
            "Requests by the day they arrived.",
            (
                Column("Month", "month"),
                *(Column(SHORT_KIND_LABELS.get(kind, kind)) for kind in kinds),
                Column("Total"),
            ),
            tuple((row.month, *(row.by_kind[kind] for kind in kinds), row.total) for row in report.received_by_month),
            ("Total", *(report.received_by_kind[kind] for kind in kinds), report.received_total),
        ),
        Table(
            "answered_by_month",
            "Requests answered, and how many on time, by month",
            "Requests by the day they were answered.",
            (Column("Month", "month"), *answered_columns),
            tuple(
                (month, *_answered_cells(row, with_median=False))
                for month, row in zip(report.period.months, report.answered_by_month, strict=True)
            ),
            ("Total", *_answered_cells(report.answered_total, with_median=False)),
        ),
        Table(
            "answered_by_kind",
            "Requests answered on time, and median days to respond, by right",
            "Requests answered in the period; days are calendar days from receipt to the answer.",
            (Column("Right", "text"), *answered_columns, Column("Median days to respond", "days")),
            tuple(
                (SHORT_KIND_LABELS.get(row.key, row.label), *_answered_cells(row, with_median=True))
                for row in report.answered_by_kind
            ),
            ("All rights", *_answered_cells(report.answered_total, with_median=True)),
        ),
        Table(
            "open_by_status",
            f"Open requests by status, on {report.today.day} {report.today:%B %Y}",
            "As they stand today, whatever the period.",
            (Column("Status", "text"), Column("Open"), Column("Overdue")),
            tuple((row.label, row.open, row.overdue) for row in report.open_by_status),
            ("Total", report.open_total, report.overdue_total),
        ),
        _tally_table(
            "extensions_by_kind",
            "Extensions by right",
            "Deadlines extended by two further months in the period (UK GDPR Article 12A).",
            "Right",
            "Extensions",
            [Tally(row.key, SHORT_KIND_LABELS.get(row.key, row.label), row.count) for row in report.extensions_by_kind],
        ),
        _tally_table(
            "refusals_by_reason",
            "Refusals by reason",
            "Requests refused, and objections rejected, in the period, by the ground given.",
            "Reason",
            "Refusals",
            report.refusals_by_reason,
        ),
    ]


TABLE_NAMES = (
    "received_by_month",
    "answered_by_month",
    "answered_by_kind",
    "open_by_status",
    "extensions_by_kind",
    "refusals_by_reason",
)


# Exports: CSV is one table per file (?table=...); XLSX is one workbook with a sheet per table.


def _safe_text(value: str | int | float | None) -> str | int | float | None:
    """Our labels never start with a formula character, but a spreadsheet must never run a cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(table: Table, report: Report) -> bytes:
    """One table as CSV (UTF-8 with a byte-order mark, so that Excel reads it right), after two lines naming the period."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([table.title])
    writer.writerow(["Period", report.period.start.isoformat(), report.period.end.isoformat()])
    for row in table.export_rows():
        writer.writerow(["" if value is None else _safe_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(report: Report, tables: Sequence[Table], *, organisation: str) -> bytes:
    """Every table on its own sheet, after an About sheet with the period and the rules."""
    book = Workbook()
    about = book.worksheets[0]
    about.title = "About"
    bold = Font(bold=True)
    lines: list[list[Any]] = [
        [f"{organisation}: data-rights requests"],
        ["From", report.period.start],
        ["To", report.period.end],
        ["Figures as at", report.today],
        [],
        ["Summary", report.summary],
        [],
        ["How the figures are worked out"],
        *([rule] for rule in report.rules),
    ]
    for line in lines:
        about.append(line)
    about["A1"].font = bold
    about.column_dimensions["A"].width = 30
    about.column_dimensions["B"].width = 100
    for cell in ("B2", "B3", "B4"):
        about[cell].number_format = "yyyy-mm-dd"
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append([table.title])
        sheet["A1"].font = bold
        rows = table.export_rows()
        for row in rows:
            sheet.append([_safe_text(value) for value in row])
        for cell in sheet[2]:
            cell.font = bold
        if table.total is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, min(45, len(column.header) + 4))
            if column.kind == "percent":
                for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cell.number_format = "0.0"
        sheet.freeze_panes = "B3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Chart data for static/js/reports.js, passed with json_script: numbers and our own labels only.

PALETTE = ["#1d70b8", "#f47738", "#00703c", "#912b88", "#d4351c", "#28a197", "#6f72af", "#505a5f"]
ON_TIME_COLOUR, LATE_COLOUR, OVERDUE_COLOUR = "#00703c", "#d4351c", "#d4351c"


def chart_data(report: Report) -> dict[str, Any]:
    """One entry per chart, keyed by the table it draws; the table beside it is its text alternative."""
    months = [f"{m.month:%b %Y}" for m in report.received_by_month]
    present = [(kind, label) for kind, label in report.kinds if report.received_by_kind.get(kind)]
    charts: dict[str, Any] = {
        "received_by_month": {
            "type": "bar",
            "stacked": True,
            "labels": months,
            "datasets": [
                {
                    "label": SHORT_KIND_LABELS.get(kind, label),
                    "data": [m.by_kind[kind] for m in report.received_by_month],
                    "colour": PALETTE[i % len(PALETTE)],
                }
                for i, (kind, label) in enumerate(present)
            ],
            "yTitle": "Requests received",
            "empty": report.received_total == 0,
        },
        "answered_by_month": {
            "type": "bar",
            "stacked": True,
            "labels": months,
            "datasets": [
                {"label": "On time", "data": [r.on_time for r in report.answered_by_month], "colour": ON_TIME_COLOUR},
                {"label": "Late", "data": [r.late for r in report.answered_by_month], "colour": LATE_COLOUR},
            ],
            "yTitle": "Requests answered",
            "empty": report.answered_total.answered == 0,
        },
        "answered_by_kind": {
            "type": "bar",
            "horizontal": True,
            "labels": [SHORT_KIND_LABELS.get(r.key, r.label) for r in report.answered_by_kind if r.answered],
            "datasets": [
                {
                    "label": "Median days to respond",
                    "data": [r.median_days for r in report.answered_by_kind if r.answered],
                    "colour": PALETTE[0],
                }
            ],
            "yTitle": "Median days to respond",
            "empty": report.answered_total.answered == 0,
        },
        "open_by_status": {
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "labels": [r.label for r in report.open_by_status],
            "datasets": [
                {
                    "label": "Not overdue",
                    "data": [r.open - r.overdue for r in report.open_by_status],
                    "colour": PALETTE[0],
                },
                {"label": "Overdue", "data": [r.overdue for r in report.open_by_status], "colour": OVERDUE_COLOUR},
            ],
            "yTitle": "Open requests",
            "empty": report.open_total == 0,
        },
        "extensions_by_kind": {
            "type": "bar",
            "horizontal": True,
            "labels": [SHORT_KIND_LABELS.get(r.key, r.label) for r in report.extensions_by_kind if r.count],
            "datasets": [
                {
                    "label": "Extensions",
                    "data": [r.count for r in report.extensions_by_kind if r.count],
                    "colour": PALETTE[1],
                }
            ],
            "yTitle": "Extensions",
            "empty": report.extensions_total == 0,
        },
        "refusals_by_reason": {
            "type": "bar",
            "horizontal": True,
            "labels": [r.label for r in report.refusals_by_reason if r.count],
            "datasets": [
                {
                    "label": "Refusals",
                    "data": [r.count for r in report.refusals_by_reason if r.count],
                    "colour": PALETTE[3],
                }
            ],
            "yTitle": "Refusals",
            "empty": report.refusals_total == 0,
        },
    }
    return charts
