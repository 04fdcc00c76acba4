"""`manage.py import_register FILE [--dry-run]`: import a legacy register of past requests (CSV or XLSX).

Standard output: with --dry-run one line per row (`row N: REFERENCE KIND, STATUS, due DATE`), and
always last `imported N requests (A access, ...)` (`would import …` with --dry-run, nothing
written). On any error nothing is written, each error goes to standard error as
`row N, column NAME: what is wrong` (or one line about the whole file), and the exit code is 2.
The columns are in docs/register-import.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from requests_app.casefile.register import RegisterRefused, register_import


class Command(BaseCommand):
    help = "Import a legacy register of past requests (CSV or XLSX, one row per request); all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the register: a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and say what would be imported; write nothing"
        )
        parser.add_argument(
            "--verified-by",
            default="",
            help="username of the caseworker or Manager recorded as having checked identity, for rows with no verified_by",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            self.stderr.write(f"{path}: cannot be read ({error.strerror or error}).")
            raise SystemExit(2) from None
        try:
            result = register_import(
                file_name=str(path), data=data, dry_run=options["dry_run"], verified_by=options["verified_by"]
            )
        except RegisterRefused as refused:
            for line in refused.lines:
                self.stderr.write(line)
            raise SystemExit(2) from None
        for line in result.lines:
            self.stdout.write(line)
