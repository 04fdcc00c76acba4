"""The record of a reasonable and proportionate search that an access request's sign-off relies on (Art 15(1A))."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# UK GDPR Art 15(1A) (DUAA 2025 s.78): the controller need only make reasonable and proportionate searches, and
# ICO guidance asks for a record of what was searched, how, what was left out and why: that record is this.


@dataclass(frozen=True)
class SubjectTerms:
    """Who the search looks for: the data subject as the request records them, or the terms a search used."""

    name: str
    previous_names: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    address: str = ""


@dataclass(frozen=True)
class SearchRecord:
    """A kept subject search with its scope: which holdings and agencies, the terms and dates, the exclusions and
    why, why the cap on hits was enough, and how many hits are still to be confirmed or rejected."""

    terms: SubjectTerms
    holdings_and_agencies: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    exclusions: str = ""
    cap_reason: str = ""
    hit_limit: int = 0
    hits_pending: int = 0
    scope_recorded: bool = False


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def missing_terms(subject: SubjectTerms, used: SubjectTerms) -> tuple[str, ...]:
    """The data subject's details the search did not use, in plain words (Art 15(1A): search by what is known)."""
    names_used = {_folded(n) for n in (used.name, *used.previous_names) if n.strip()}
    missing: list[str] = []
    if subject.name.strip() and _folded(subject.name) not in names_used:
        missing.append(f"name “{subject.name.strip()}”")
    missing += [
        f"previous name “{name.strip()}”"
        for name in subject.previous_names
        if name.strip() and _folded(name) not in names_used
    ]
    if subject.date_of_birth is not None and used.date_of_birth != subject.date_of_birth:
        missing.append("date of birth")
    if subject.address.strip() and _folded(subject.address) not in _folded(used.address):
        missing.append("address")
    return tuple(missing)


def search_record_gaps(record: SearchRecord | None, *, subject: SubjectTerms) -> tuple[str, ...]:
    """What the search record lacks before an access request can be signed off, in plain words; empty when complete."""
    if record is None:
        # Art 15(1A): no record of any search, so nothing shows the search was reasonable and proportionate.
        return (
            "No subject search is kept for this request: search the partnership's holdings from the request's page "
            "(the form is filled in with the data subject's details), confirm or reject every hit, and record the "
            "search's scope (UK GDPR Article 15(1A)).",
        )
    gaps: list[str] = []
    missing = missing_terms(subject, record.terms)
    if missing:
        gaps.append(
            f"The latest subject search did not use the data subject's {', '.join(missing)} as the request records "
            "them: search again from the request's page."
        )
    if record.hits_pending:
        gaps.append(
            f"The subject search is not complete: {record.hits_pending} "
            f"hit{'s are' if record.hits_pending != 1 else ' is'} not yet confirmed or rejected."
        )
    if not record.scope_recorded:
        gaps.append(
            "The subject search's scope is not recorded: say which holdings and agencies were searched, the dates, "
            "what was left out and why, and why the cap on hits was enough (UK GDPR Article 15(1A))."
        )
        return tuple(gaps)
    if not record.holdings_and_agencies.strip():
        gaps.append("Record which holdings and agencies the search covered.")
    if record.date_from and record.date_to and record.date_from > record.date_to:
        gaps.append("The search's date range ends before it starts.")
    if not record.exclusions.strip():
        gaps.append("Record what was left out of the search and why (or that nothing was).")
    if not record.cap_reason.strip():
        gaps.append(f"Record why showing at most {record.hit_limit} hits was enough.")
    return tuple(gaps)
