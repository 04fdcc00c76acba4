"""`manage.py deadline`: the statutory due date for a set of facts, with the reasons behind it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.selectors import working_calendar
from rights import Clarification, DeadlineError, due_date

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # fromisoformat alone also takes 20241125 and 2024-W48-1


def _date(value: str, what: str) -> dt.date:
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{what}: {value!r} is not a date in the form YYYY-MM-DD", returncode=2) from None


class Command(BaseCommand):
    help = "Print the reasons and, as the last line, the ISO due date of a rights request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--received", help="the day the request was received (YYYY-MM-DD)")
        parser.add_argument("--started", help="the day identity, authority or fee arrived (YYYY-MM-DD)")
        parser.add_argument(
            "--clarification",
            action="append",
            default=[],
            metavar="ASKED:ANSWERED",
            help="clarification asked and answered (YYYY-MM-DD:YYYY-MM-DD); repeatable",
        )
        parser.add_argument("--extended", action="store_true", help="extended by two months (complex or numerous)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["received"]:
            raise CommandError("--received is required (YYYY-MM-DD)", returncode=2)
        received = _date(options["received"], "--received")
        started = _date(options["started"], "--started") if options["started"] else None
        clarifications = []
        for raw in options["clarification"]:
            asked, sep, answered = raw.partition(":")
            if not sep:
                raise CommandError(f"--clarification: {raw!r} is not in the form YYYY-MM-DD:YYYY-MM-DD", returncode=2)
            clarifications.append(Clarification(_date(asked, "--clarification"), _date(answered, "--clarification")))
        try:
            deadline = due_date(
                received=received,
                started=started,
                clarifications=clarifications,
                extended=options["extended"],
                calendar=working_calendar(),
            )
        except DeadlineError as error:
            raise CommandError(str(error), returncode=2) from None
        for reason in deadline.reasons:
            self.stdout.write(reason)
        self.stdout.write(deadline.due.isoformat())
