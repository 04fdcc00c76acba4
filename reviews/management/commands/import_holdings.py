"""`manage.py import_holdings FILE [--dry-run]`: import an agency return (CSV or XLSX) into the holdings.

Standard output: agencies and reviews created, `row N: doubtful match with …` lines, and last
`imported N new, U updated, S unchanged records about P people in V reviews` (`would import …` with
--dry-run, nothing written). On any error nothing is written, each error goes to standard error as
`row N, column NAME: what is wrong` (or one line about the whole file), and the exit code is 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reviews.services.returns import ImportRefused, holdings_import


class Command(BaseCommand):
    help = "Import an agency return (CSV or XLSX, one row per record and person); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the return: a .csv (UTF-8) or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and say what would change; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            self.stderr.write(f"{path}: cannot be read ({error.strerror or error}).")
            raise SystemExit(2) from None
        try:
            result = holdings_import(file_name=path.name, data=data, dry_run=options["dry_run"])
        except ImportRefused as refused:
            for line in refused.lines:
                self.stderr.write(line)
            raise SystemExit(2) from None
        for line in result.lines:
            self.stdout.write(line)
