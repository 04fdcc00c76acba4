"""`manage.py deadline`: the statutory due date for a set of facts, with the reasons behind it."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.selectors import working_calendar
from rights import Clarification, DeadlineError, acknowledgement_due, due_date, governed_by_dpa_1998

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # fromisoformat alone also takes 20241125 and 2024-W48-1


def _date(value: str, what: str) -> dt.date:
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{what}: {value!r} is not a date in the form YYYY-MM-DD", returncode=2) from None


class OneLineParser(CommandParser):
    """argparse's own errors (an unknown option, a missing value) print one line on stderr and exit 2."""

    def error(self, message: str) -> NoReturn:
        if not self.called_from_command_line:
            super().error(message)  # in-process (call_command): Django raises CommandError
        sys.stderr.write(f"CommandError: {message}\n")
        sys.exit(2)


class Command(BaseCommand):
    help = "Print the reasons and, as the last line, the ISO due date of a rights request."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser  # Django builds a CommandParser itself and takes no parser class
        return parser

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
        parser.add_argument(
            "--complaint",
            action="store_true",
            help="the acknowledgement date of a complaint (DPA 2018 s.164A) instead of a request's due date",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["received"]:
            raise CommandError("--received is required (YYYY-MM-DD)", returncode=2)
        received = _date(options["received"], "--received")
        if options["complaint"]:
            self._complaint(received, options)
            return
        # An empty --started is a mistake, not "no start": it must be refused like any other bad date.
        started = _date(options["started"], "--started") if options["started"] is not None else None
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
        if governed_by_dpa_1998(received):
            self.stderr.write(
                f"Warning: a request received on {received.isoformat()}, before 25 May 2018, was governed by the "
                "Data Protection Act 1998 (s.7: 40 days, a fee of up to £10); the date below applies today's rules."
            )
        for reason in deadline.reasons:
            self.stdout.write(reason)
        self.stdout.write(deadline.due.isoformat())

    def _complaint(self, received: dt.date, options: dict[str, Any]) -> None:
        """DPA 2018 s.164A(3)(a): the acknowledgement date, counted as the ICO's complaints guidance counts it."""
        if options["started"] or options["clarification"] or options["extended"]:
            raise CommandError(
                "--complaint takes only --received: a complaint's clock does not start late, stop or extend",
                returncode=2,
            )
        try:
            deadline = acknowledgement_due(received=received, calendar=working_calendar())
        except DeadlineError as error:
            raise CommandError(str(error), returncode=2) from None
        if not deadline.in_force:
            self.stderr.write(
                f"Note: s.164A was not yet in force on {received.isoformat()} (in force from 2026-06-19)."
            )
        for reason in deadline.reasons:
            self.stdout.write(reason)
        self.stdout.write(deadline.due.isoformat())
