"""`manage.py sweep_breach_clock`: run the 72-hour breach clock now and print what it did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from casework.services.breach_clock import breach_clock_sweep_run


class Command(BaseCommand):
    help = (
        "Alert every Manager (on the breach log and by email) about breaches with no reporting decision at 48 "
        "and 72 hours from discovery (UK GDPR Art 33(1)), each alert once; print the counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="sweep as if it were this moment (YYYY-MM-DDTHH:MM, Europe/London); default: now"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                moment = dt.datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(
                    f"--now: {options['now']!r} is not a moment in the form YYYY-MM-DDTHH:MM", returncode=2
                ) from None
            now = moment if moment.tzinfo else timezone.make_aware(moment)
        result = breach_clock_sweep_run(now=now)
        self.stdout.write(f"alerts: {result.alerts}")
        self.stdout.write(f"emails: {result.emails}")
