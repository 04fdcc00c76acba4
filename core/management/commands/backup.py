"""`manage.py backup --out DIR`: the database and the private files, with a manifest of checksums."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import backup_create
from rights import ApplicationError


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database (pg_dump, or SQLite's online backup) and of MEDIA_ROOT to a new "
        "folder, with manifest.json listing every file's size and SHA-256, the version, migrations and database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="a new (or empty) folder for the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_create(out=options["out"], actor=_operator())
        except ApplicationError as error:
            raise CommandError(" ".join(error.message.split()), returncode=2) from None
        self.stdout.write(
            f"Backed up the {summary.vendor} database and {summary.files} private files "
            f"({summary.total_bytes} bytes) to {summary.folder}. It holds personal data: keep it as safe as the "
            "live system."
        )


def _operator() -> str:
    """The account running the command, for the log line (a container may have no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
