"""Write the quarterly report for the partnership board as a PDF: `manage.py quarterly_report --quarter 2026Q3 --out FILE`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.pdf import pdf_sha256
from requests_app import reporting
from rights import ApplicationError


class Command(BaseCommand):
    help = (
        "Write the board's quarterly report (A4 PDF, marked OFFICIAL, figures only) for a calendar quarter: "
        "Q1 January-March, Q2 April-June, Q3 July-September, Q4 October-December."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quarter", required=True, help="the calendar quarter, e.g. 2026Q3 (July to September 2026)"
        )
        parser.add_argument("--out", required=True, type=Path, help="the PDF file to write")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="the date the report is made on (YYYY-MM-DD; default: today), for open and overdue counts",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today: dt.date = options["today"] or timezone.localdate()
        try:
            period = reporting.parse_quarter(options["quarter"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        if period.start > today:
            raise CommandError(f"{period.name} has not begun: it starts on {period.start:%d %B %Y}.")
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"There is no folder {out.parent} to write the report into.")
        report = reporting.report_build(period=period, today=today)
        pdf = reporting.board_report_pdf(report)
        out.write_bytes(pdf)
        self.stdout.write(
            f"Wrote {out} ({len(pdf):,} bytes, SHA-256 {pdf_sha256(pdf)}): {period.name}, {period.label}."
        )
        self.stdout.write(report.summary)
