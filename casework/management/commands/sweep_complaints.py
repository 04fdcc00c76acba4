"""`manage.py sweep_complaints`: run the daily complaints sweep now and print what it did."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from casework.services.sweep import complaint_sweep_run

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Command(BaseCommand):
    help = "Write today's reminders and escalations for unacknowledged complaints, each once; print the counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="sweep as if it were this day (YYYY-MM-DD); default: today in Europe/London"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                if not ISO_DATE.fullmatch(options["today"]):
                    raise ValueError(options["today"])
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today: {options['today']!r} is not a date in the form YYYY-MM-DD", returncode=2
                ) from None
        result = complaint_sweep_run(today=today)
        self.stdout.write(f"reminders: {result.reminders}")
        self.stdout.write(f"escalations: {result.escalations}")
        self.stdout.write(f"emails: {result.emails}")
