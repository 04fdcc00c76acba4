"""`manage.py render_pack REF --out FILE [--preview]`: make a request's disclosure pack from the command line.

It is made in this process (whatever the Celery settings), verified like any other pack, recorded as a
pack of the request (made by nobody: the command line), and copied to FILE. On success one line goes to
standard output, tab-separated:

    path=/absolute/path/to/FILE<TAB>pages=12<TAB>sha256=<64 hex digits>

Exit codes: 0 made and verified; 1 made but failed verification (nothing is written to FILE); 2 refused
(unknown reference, not approved without --preview, bad arguments). Errors are one line on standard error.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disclosure.models import PackStatus
from disclosure.services.packs import pack_render, pack_request
from requests_app.models import RightsRequest
from rights import ApplicationError


def _one_line(text: str) -> str:
    return " ".join(text.split())


class Command(BaseCommand):
    help = "Render, verify and save a request's disclosure pack (--preview: watermarked, before approval)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="the request's reference, e.g. RR-2026-0042")
        parser.add_argument("--out", required=True, help="where to write the PDF")
        parser.add_argument(
            "--preview",
            action="store_true",
            help="a preview, watermarked on every page as not for disclosure; works before approval",
        )
        parser.add_argument("--date", help="the date on the covering letter (YYYY-MM-DD); default today")

    def handle(self, *args: Any, **options: Any) -> None:
        reference = str(options["reference"]).strip()
        out = Path(options["out"]).expanduser().resolve()
        if not out.parent.is_dir():
            raise CommandError(f"render_pack: the folder {out.parent} does not exist", returncode=2)
        today: dt.date | None = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"render_pack: --date {options['date']!r} is not YYYY-MM-DD", returncode=2) from None
        request = RightsRequest.objects.filter(reference=reference).first()
        if request is None:
            raise CommandError(f"render_pack: there is no request {reference}", returncode=2)
        try:
            pack = pack_request(request=request, by=None, preview=options["preview"], today=today, enqueue=False)
        except ApplicationError as error:
            raise CommandError(f"render_pack: {_one_line(error.message)}", returncode=2) from None
        pack = pack_render(pack_id=pack.pk)
        if pack.status != PackStatus.VERIFIED:
            raise CommandError(f"render_pack: {reference}: {_one_line(pack.failure_reason)}", returncode=1)
        with pack.file.open("rb") as source, out.open("wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(f"path={out}\tpages={pack.page_count}\tsha256={pack.sha256}")
