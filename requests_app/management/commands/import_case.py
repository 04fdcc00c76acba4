"""`manage.py import_case FILE`: import a whole case from the JSON case format; prints only the reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.casefile import case_import_file
from rights import ApplicationError


class Command(BaseCommand):
    help = (
        "Import a rights request from a case file (docs/case-format.md). Everything is checked first; on any "
        "error nothing is written, the field is named on stderr and the exit code is 2."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the case file (JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            request = case_import_file(path=options["file"])
        except ApplicationError as error:
            raise CommandError(" ".join(error.message.split()), returncode=2) from None
        self.stdout.write(request.reference)
