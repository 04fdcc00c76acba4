"""`manage.py retention_due`: the reviews whose agency data is due for destruction, and what blocks each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reviews.retention import due_items, retention_days
from rights import ApplicationError


class Command(BaseCommand):
    help = "Print the reviews whose agency data is due for destruction (nothing is destroyed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to check as of (YYYY-MM-DD); default: today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError:
            raise CommandError(
                f"--today: {options['today']!r} is not a date in the form YYYY-MM-DD", returncode=2
            ) from None
        try:
            days = retention_days()
            items = due_items(today=today)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        when = "the day it concludes" if days == 0 else f"{days} days after it concludes"
        self.stdout.write(f"Agency data is due for destruction {when} (REVIEW_RETENTION_DAYS={days}).")
        if not items:
            self.stdout.write(f"Nothing is due for destruction on {today.isoformat()}.")
            return
        for item in items:
            review = item.review
            state = "ready for a Manager to confirm" if item.ready else "blocked: " + "; ".join(item.blocked)
            self.stdout.write(
                f"{review.reference}\t{review.get_review_type_display()}\tconcluded {review.concluded}\t"
                f"due {item.due_on.isoformat()}\t{state}"
            )
        ready = sum(1 for item in items if item.ready)
        self.stdout.write(f"{len(items)} due, {ready} ready, {len(items) - ready} blocked.")
