"""`manage.py sweep_deadlines`: run the daily deadline sweep now and print what it did (docs/sweep.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.services.sweep import sweep_run


class Command(BaseCommand):
    help = (
        "Send today's reminders, escalations, extension prompts, agency chasers and closure flags, each once; "
        "print a `name: count` line for each, then the total."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="sweep as if it were this day (YYYY-MM-DD); default: today in Europe/London"
        )
        parser.add_argument("--batch-size", type=int, default=None, help="requests read per query (SWEEP_BATCH_SIZE)")
        parser.add_argument("--no-email", action="store_true", help="write the notices but send no email")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today: {options['today']!r} is not a date in the form YYYY-MM-DD", returncode=2
                ) from None
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1", returncode=2)
        result = sweep_run(today=today, batch_size=options["batch_size"], email=not options["no_email"])
        for line in result.lines():
            self.stdout.write(line)
