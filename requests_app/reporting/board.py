"""The quarterly report to the partnership board: an A4 PDF of the figures, with simple bar charts drawn here as SVG.

The charts are plain SVG rectangles and text computed from the numbers (no script, nothing fetched);
every chart has its table beside it. The document is marked OFFICIAL: it holds aggregates only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.pdf import render_pdf
from requests_app.reporting.figures import Report
from requests_app.reporting.tables import (
    LATE_COLOUR,
    ON_TIME_COLOUR,
    PALETTE,
    SHORT_KIND_LABELS,
    TABLE_NAMES,
    Column,
    Table,
    Value,
    report_tables,
)

MARKING = "OFFICIAL"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | float]
    colour: str


def _nice_max(value: float) -> int:
    """A round number at or above `value` for the axis: 1, 2, 5, 10, 20, 50, ..."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def svg_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 640,
    bar_height: int = 22,
    label_width: int = 190,
) -> SafeString:
    """Horizontal bars, stacked when there is more than one series, each bar's total written at its end."""
    gap, top, legend_height = 8, 6, 26 if len(series) > 1 else 0
    plot_width = width - label_width - 60
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    scale_max = _nice_max(max(totals, default=0))
    height = top + len(labels) * (bar_height + gap) + 24 + legend_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="Arial, Liberation Sans, sans-serif" font-size="11">'
    ]
    axis_y = top + len(labels) * (bar_height + gap)
    ticks = next(n for n in (5, 4, 2, 1) if scale_max % n == 0)  # whole numbers on the axis
    for tick in range(ticks + 1):
        value = scale_max * tick / ticks
        x = label_width + plot_width * tick / ticks
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" stroke="#b1b4b6" stroke-width="0.5"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="middle" fill="#505a5f">{value:g}</text>')
    for row, label in enumerate(labels):
        y = top + row * (bar_height + gap)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height / 2 + 4:.1f}" text-anchor="end" fill="#0b0c0c">{escape(label)}</text>'
        )
        x = float(label_width)
        for s in series:
            value = s.values[row]
            length = plot_width * value / scale_max
            if length > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{escape(s.colour)}"/>'
                )
            x += length
        parts.append(
            f'<text x="{x + 5:.1f}" y="{y + bar_height / 2 + 4:.1f}" fill="#0b0c0c" font-weight="bold">{totals[row]:g}</text>'
        )
    if legend_height:
        x = float(label_width)
        y = axis_y + 24
        for s in series:
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{escape(s.colour)}"/>')
            parts.append(f'<text x="{x + 17:.1f}" y="{y + 10}" fill="#0b0c0c">{escape(s.name)}</text>')
            x += 30 + 7 * len(s.name)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def received_by_kind_table(report: Report) -> Table:
    """Rights down the side and months across: a quarter's three months fit an A4 page."""
    months = report.period.months
    rows: tuple[tuple[Value, ...], ...] = tuple(
        (
            SHORT_KIND_LABELS.get(kind, label),
            *(m.by_kind[kind] for m in report.received_by_month),
            report.received_by_kind[kind],
        )
        for kind, label in report.kinds
    )
    return Table(
        "received_by_kind",
        "Requests received, by right and month",
        "Requests by the day they arrived.",
        (Column("Right", "text"), *(Column(f"{m:%b %Y}") for m in months), Column("Total")),
        rows,
        ("Total", *(m.total for m in report.received_by_month), report.received_total),
    )


def board_charts(report: Report) -> list[tuple[str, SafeString]]:
    """The board report's charts, as (caption, svg)."""
    charts: list[tuple[str, SafeString]] = []
    present = [(kind, label) for kind, label in report.kinds if report.received_by_kind.get(kind)]
    if present:
        charts.append(
            (
                "Requests received in the period, by right",
                svg_bar_chart(
                    title="Requests received in the period, by right",
                    labels=[SHORT_KIND_LABELS.get(kind, label) for kind, label in present],
                    series=[Series("Received", [report.received_by_kind[kind] for kind, _ in present], PALETTE[0])],
                ),
            )
        )
    if report.answered_total.answered:
        charts.append(
            (
                "Requests answered each month: on time and late",
                svg_bar_chart(
                    title="Requests answered each month: on time and late",
                    labels=[f"{m:%B %Y}" for m in report.period.months],
                    series=[
                        Series("On time", [r.on_time for r in report.answered_by_month], ON_TIME_COLOUR),
                        Series("Late", [r.late for r in report.answered_by_month], LATE_COLOUR),
                    ],
                ),
            )
        )
    return charts


def board_report_html(report: Report) -> str:
    tables = {table.name: table for table in report_tables(report)}
    return render_to_string(
        "reports/quarterly_pdf.html",
        {
            "report": report,
            "organisation": settings.ORGANISATION,
            "marking": MARKING,
            "charts": board_charts(report),
            "received": received_by_kind_table(report),
            "tables": [
                tables["answered_by_month"],
                tables["answered_by_kind"],
                tables["open_by_status"],
                tables["extensions_by_kind"],
                tables["refusals_by_reason"],
                *(table for name, table in tables.items() if name not in TABLE_NAMES),  # settings.REPORT_SECTIONS
            ],
            "in_progress": report.period.end >= report.today,
        },
    )


def board_report_title(report: Report) -> str:
    return f"Data-rights requests: report to the partnership board, {report.period.name or report.period.label}"


def board_report_pdf(report: Report) -> bytes:
    """The board report as PDF bytes, through the project's safe renderer (A4, OFFICIAL, no personal data)."""
    return render_pdf(board_report_html(report), title=board_report_title(report), document_date=report.today)


def board_report_filename(report: Report) -> str:
    return f"board-report-{report.period.name or report.period.slug}.pdf".replace("/", "-")
