"""`manage.py restore DIR`: a backup brought back into an empty installation, every checksum checked first."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import backup_restore
from rights import ApplicationError


class Command(BaseCommand):
    help = (
        "Restore a folder written by `manage.py backup` into this installation, which must be empty (no user, "
        "no record, no file in MEDIA_ROOT). Every file is checked against the manifest before anything changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="the backup folder (with its manifest.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = backup_restore(source=options["source"], actor=_operator())
        except ApplicationError as error:
            raise CommandError(" ".join(error.message.split()), returncode=2) from None
        self.stdout.write(
            f"Restored the {summary.vendor} database and {summary.files} private files from {summary.folder}."
        )
        if summary.pending_migrations:
            self.stdout.write(
                f"This version has {len(summary.pending_migrations)} migrations the backup had not: "
                "run `manage.py migrate` next."
            )


def _operator() -> str:
    """The account running the command, for the log line (a container may have no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
