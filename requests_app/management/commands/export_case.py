"""`manage.py export_case REF [--out FILE]`: a request as a case file (JSON), on stdout or beside its files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.casefile import case_dumps, case_export, registered_sections
from requests_app.models import RightsRequest
from rights import ApplicationError


class Command(BaseCommand):
    help = (
        "Print a rights request as a case file (docs/case-format.md) on stdout; with --out, write it to FILE "
        "and the files it names (documents' originals) beside it, and print the paths written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="the request's reference, e.g. RR-2026-0042")
        parser.add_argument("--out", type=Path, help="write the case file here, with its files in the same folder")

    def handle(self, *args: Any, **options: Any) -> None:
        reference = options["reference"].strip()
        request = RightsRequest.objects.filter(reference=reference).first()
        if request is None:
            raise CommandError(f"reference: there is no request {reference!r}", returncode=2)
        try:
            data = case_export(request=request)
        except ApplicationError as error:
            raise CommandError(" ".join(error.message.split()), returncode=2) from None
        out: Path | None = options["out"]
        if out is None:
            self.stdout.write(case_dumps(data), ending="")
            return
        if out.exists():
            raise CommandError(f"--out: {out} exists already; choose a new file name", returncode=2)
        out.parent.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for section in registered_sections():
            if section.key in data and section.write_files is not None:
                written.extend(section.write_files(request, out.parent))
        out.write_text(case_dumps(data), encoding="utf-8")
        for path in [out, *written]:
            self.stdout.write(str(path))
