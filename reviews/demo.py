"""Demo holdings: a review of each kind with returns from police, health, education and children's social care.

Built as an agency return and put through the real import (reviews.services.returns), so the demo
shows what an import makes. Some records are about the demo requests' data subjects, spelt as an
agency might (accents dropped, names swapped, an initial, a hyphen lost), so a subject search from a
demo request finds something; others are about fictional people no request names. Importing again
changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from reviews.search import strip_accents
from reviews.services.returns import COLUMNS, ImportResult, holdings_import

REVIEWS = (
    ("CSPR-DEMO-01", "practice_review", "Child A"),
    ("S11-DEMO-01", "section_11_audit", "Section 11 audit 2025"),
    ("MAA-DEMO-01", "multi_agency_audit", "Neglect: multi-agency audit"),
    ("LR-DEMO-01", "learning_review", "Family B learning review"),
)
AGENCIES = (
    ("Greater Manchester Police", "reflection", "police;family_members"),
    ("Stockport NHS Foundation Trust", "reflection", "health;family_members"),
    ("Stockport Schools Education Service", "self_assessment", "education;outcomes"),
    ("Stockport Children's Social Care", "performance", "local_authority;specialist_services;feedback"),
)
OTHERS = (
    ("Amelia Nowak", dt.date(2013, 7, 9), "4 Mill Lane, Stockport SK4 2BB"),
    ("Jayden Okafor", dt.date(2011, 2, 14), ""),
    ("Ruby-Mae Collins", None, "18 Church Street, Stockport SK1 3CD"),
)


def spelt_otherwise(name: str, variant: int) -> str:
    """The name as another agency might have written it."""
    words = name.split()
    if variant == 0:
        return strip_accents(name)
    if variant == 1 and len(words) >= 2:
        return f"{words[-1]} {' '.join(words[:-1])}"
    if variant == 2 and len(words) >= 2:
        return f"{words[0][0]} {' '.join(words[1:])}"
    return name.replace("-", " ").replace("'", "")


def demo_return(subjects: Sequence[tuple[str, dt.date | None, str]], *, today: dt.date) -> bytes:
    """The demo's agency return as CSV: each person in two or three agencies' returns, spelt differently."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    people = [*subjects, *OTHERS]
    for index, (name, born, address) in enumerate(people):
        review, kind, title = REVIEWS[index % len(REVIEWS)]
        for turn in range(2 + index % 2):
            agency, submission, categories = AGENCIES[(index + turn) % len(AGENCIES)]
            writer.writerow(
                [
                    review,
                    kind,
                    title,
                    agency,
                    submission,
                    f"DEMO-{index:03d}-{turn}",
                    "Chronology of contacts" if submission == "reflection" else "Audit return",
                    (today - dt.timedelta(days=200 + 7 * index + turn)).isoformat(),
                    name if turn == 0 else spelt_otherwise(name, (index + turn) % 4),
                    "",
                    born.isoformat() if born and turn < 2 else "",
                    address if turn == 0 else "",
                    categories,
                ]
            )
    return out.getvalue().encode()


def demo_holdings_load(*, subjects: Sequence[tuple[str, dt.date | None, str]], today: dt.date) -> ImportResult:
    """Import the demo return (idempotent: a second run reports everything unchanged)."""
    return holdings_import(file_name="demo-return.csv", data=demo_return(subjects, today=today), today=today)
