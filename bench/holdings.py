"""The import benchmark for `manage.py bench`: a synthetic agency return imported into a scratch database.

One line on standard output, like the bench's other figures:

    holdings import: 10000 rows in 18.2 s (imported 10000 new, 0 updated, 0 unchanged records about 7000 people
    in 40 reviews); target <= 60 s met

The return is written to a temporary folder, a fresh SQLite database there is migrated, and
`manage.py import_holdings` runs on it in a child process (never your database); the time is the
child's whole run, start-up included. A benchmark, not a test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Protocol

from django.conf import settings

from reviews.services.returns import COLUMNS

TARGET_SECONDS = 60.0
FIRST = ("Olivia", "Noah", "Amelia", "Oliver", "Isla", "George", "Ava", "Leo", "Mia", "Zoë", "Seán", "Aoife")
LAST = ("Smith", "Jones", "O'Brien", "Taylor", "Brown-Wilson", "Khan", "Nowak", "Evans", "Patel", "Murphy")
AGENCIES = (
    ("Greater Manchester Police", "reflection"),
    ("Stockport NHS Foundation Trust", "reflection"),
    ("Stockport Council Children's Social Care", "performance"),
    ("Stockport Schools Education Service", "self_assessment"),
)
KINDS = ("practice_review", "section_11_audit", "multi_agency_audit", "learning_review")


class Output(Protocol):
    def write(self, text: str, /) -> object: ...


def synthetic_return(rows: int) -> bytes:
    """A return of `rows` rows: 40 reviews, four agencies, about seven people in ten distinct (others recur)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    people = max(1, rows * 7 // 10)
    for i in range(rows):
        person = i % people
        first, last = FIRST[person % len(FIRST)], LAST[(person // len(FIRST)) % len(LAST)]
        born = dt.date(2008, 1, 1) + dt.timedelta(days=person % 5000)
        agency, submission = AGENCIES[i % len(AGENCIES)]
        review = i % 40
        writer.writerow(
            [
                f"BENCH-{review:03d}",
                KINDS[review % len(KINDS)],
                f"Review {review}",
                agency,
                submission,
                f"R-{i:06d}",
                "Chronology",
                "2025-06-01",
                f"{first} {last} {person // (len(FIRST) * len(LAST))}",
                "",
                born.isoformat(),
                f"{person % 200 + 1} High Street, Stockport SK{person % 9 + 1} 1AA",
                "family_members;health",
            ]
        )
    return out.getvalue().encode()


def holdings_import_bench(*, rows: int, out: Output, say: Output | None = None) -> str:
    """Time `import_holdings` on a synthetic return of `rows` rows in a scratch SQLite database; print one line."""
    base = Path(settings.BASE_DIR) / "var" / "bench"
    base.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=base, prefix="holdings-import-") as folder:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'scratch.sqlite3'}",
                "DEBUG": "0",
                "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
                "CELERY_BROKER_URL": "",
                "CELERY_RESULT_BACKEND": "",
                "LOG_LEVEL": "WARNING",
            }
        )
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        if say is not None:
            say.write(f"bench: migrating a scratch database for the holdings import in {folder}\n")
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # noqa: S603 - our own interpreter and manage.py
        path = Path(folder) / "return.csv"
        path.write_bytes(synthetic_return(rows))
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [*manage, "import_holdings", str(path)], env=env, check=True, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "no output"
    met = "met" if seconds <= TARGET_SECONDS else "MISSED"
    line = f"holdings import: {rows} rows in {seconds:.1f} s ({summary}); target <= {TARGET_SECONDS:.0f} s {met}"
    out.write(line + "\n")
    return line
