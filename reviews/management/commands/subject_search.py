"""`manage.py subject_search --name NAME [--dob YYYY-MM-DD] [--address TEXT]`: the subject search, for scripts.

One hit a line, best first: `SCORE<TAB>AGENCY<TAB>RECORD<TAB>WHY` (SCORE 0-100; RECORD the agency's own
reference, or the record's DSR reference when it has none; WHY the reasons the search page shows,
starting `[NCND]` for a record flagged neither-confirm-nor-deny), then `N hits`. Only hits that pass
the page's own threshold are printed. Nothing is kept: the page keeps a request's searches as evidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.search import subject_search


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--dob: {text!r} is not a date in the form YYYY-MM-DD", returncode=2) from None


class Command(BaseCommand):
    help = "Search the partnership's holdings for a person; prints SCORE, AGENCY, RECORD and WHY per hit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="the person's name as given")
        parser.add_argument("--dob", help="date of birth, YYYY-MM-DD")
        parser.add_argument("--address", default="", help="an address (the postcode counts most)")
        parser.add_argument("--limit", type=int, default=50, help="most hits printed (default 50, as the page)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("--name must not be empty", returncode=2)
        hits = subject_search(
            name=name,
            date_of_birth=_date(options["dob"]) if options["dob"] else None,
            address=options["address"],
            limit=options["limit"],
        )
        for hit in hits:
            record = hit.record
            why = " ".join(hit.why.split())  # one line: no tab or newline from held data
            agency = " ".join(record.submission.agency.name.split())
            self.stdout.write(f"{hit.score}\t{agency}\t{record.agency_reference or record.reference}\t{why}")
        self.stdout.write(f"{len(hits)} hits")  # always 'hits': a public interface scripts match
