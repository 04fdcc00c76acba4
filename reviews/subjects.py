"""The data subject behind a record: their other records, and the restrictions that follow them.

A restriction (UK GDPR Art 18(2)) or an upheld objection (Art 21(1)) is about a person, yet it is
placed on one record. A person's records are linked two ways:

- the same identity, through the search's own normalisation: a name with the same words (any case,
  accents, punctuation or order, at least two words, the full name or a previous name) and the same
  date of birth; records with no date of birth are never linked this way;
- the caseworker's decisions: records confirmed (latest decision) as the subject of the same request.

Links are followed a few steps, so a renamed child confirmed for one request and recorded under the
old name elsewhere is still found. Reads only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q

from reviews.models import DataSubjectRecord, HitDecision, RecordStatus, Restriction, SubjectSearchHit
from reviews.search import name_tokens

MAX_STEPS = 4  # a bound on the links followed; each step is a few indexed queries

SAME_IDENTITY = "same name and date of birth"


def identity_keys(names: Iterable[str]) -> frozenset[str]:
    """The order-free, normalised form of each name of two words or more (one word is too common to link people)."""
    keys = set()
    for name in names:
        tokens = name_tokens(name)
        if len(tokens) >= 2:
            keys.add(" ".join(sorted(tokens)))
    return frozenset(keys)


@dataclass(frozen=True)
class PersonRestriction:
    """An active restriction on the person, the record it was placed on and how that record is linked."""

    restriction: Restriction
    record_id: int
    link: str  # "" for the record itself, else why it is the same person

    @property
    def record_reference(self) -> str:
        return f"DSR-{self.record_id:06d}"


def _record_names(full_name: str, previous_names: str) -> list[str]:
    return [full_name, *(line.strip() for line in previous_names.splitlines() if line.strip())]


def _same_identity(identities: dict[dt.date, frozenset[str]], known: set[int]) -> dict[int, str]:
    """Held records with one of these dates of birth and a name in common, not yet known."""
    found: dict[int, str] = {}
    if not identities:
        return found
    rows = DataSubjectRecord.objects.filter(
        date_of_birth__in=sorted(identities), status=RecordStatus.ACTIVE
    ).values_list("pk", "full_name", "previous_names", "date_of_birth")
    for pk, full_name, previous_names, date_of_birth in rows:
        if pk in known or date_of_birth is None:
            continue
        if identity_keys(_record_names(full_name, previous_names)) & identities[date_of_birth]:
            found[pk] = SAME_IDENTITY
    return found


def _confirmed_for(*, record_ids: Iterable[int] = (), references: Iterable[str] = ()) -> dict[tuple[int, str], bool]:
    """(record, request) -> whether the latest decision on the record for that request is a confirmation."""
    condition = Q()
    ids, refs = sorted(set(record_ids)), sorted({r for r in references if r})
    if ids:
        condition |= Q(record_id__in=ids)
    if refs:
        condition |= Q(run__request_reference__in=refs)
    if not ids and not refs:
        return {}
    latest: dict[tuple[int, str], bool] = {}
    rows = (
        SubjectSearchHit.objects.filter(condition)
        .exclude(run__request_reference="")
        .exclude(decision=HitDecision.PENDING)
        .order_by("decided_at", "pk")
        .values_list("record_id", "run__request_reference", "decision")
    )
    for record_id, reference, decision in rows:
        latest[(record_id, reference)] = decision == HitDecision.CONFIRMED
    return latest


def person_restrictions(
    *,
    record: DataSubjectRecord | None = None,
    names: Sequence[str] = (),
    date_of_birth: dt.date | None = None,
) -> list[PersonRestriction]:
    """Active restrictions on the person of `record`, or of a person not yet recorded (names and date of birth).

    The record's own restrictions come first, then the others, oldest first.
    """
    links: dict[int, str] = {}
    identities: dict[dt.date, frozenset[str]] = {}
    if record is not None and record.pk:
        links[record.pk] = ""
        names = [*names, *_record_names(record.full_name, record.previous_names)]
        date_of_birth = date_of_birth or record.date_of_birth
    if date_of_birth is not None and identity_keys(names):
        identities[date_of_birth] = identity_keys(names)
    references: set[str] = set()
    frontier = set(links)
    for _ in range(MAX_STEPS):
        found = _same_identity(identities, set(links))
        confirmed_refs = {ref for (rid, ref), yes in _confirmed_for(record_ids=frontier | set(found)).items() if yes}
        new_refs = confirmed_refs - references
        references |= new_refs
        for (rid, ref), yes in _confirmed_for(references=new_refs).items():
            if yes and rid not in links and rid not in found:
                found[rid] = f"both confirmed for request {ref}"
        if not found:
            break
        links.update(found)
        frontier = set(found)
        identities = {}
        for _pk, full_name, previous_names, dob in DataSubjectRecord.objects.filter(
            pk__in=sorted(found), date_of_birth__isnull=False
        ).values_list("pk", "full_name", "previous_names", "date_of_birth"):
            keys = identity_keys(_record_names(full_name, previous_names))
            if keys and dob is not None:
                identities[dob] = identities.get(dob, frozenset()) | keys
    if not links and not references:
        return []
    active = Restriction.objects.filter(
        Q(record_id__in=sorted(links)) | Q(request_reference__in=sorted(references)), lifted_at__isnull=True
    ).order_by("placed_at", "pk")
    own = record.pk if record is not None else None
    result = [
        PersonRestriction(
            restriction,
            restriction.record_id,
            ""
            if restriction.record_id == own
            else links.get(restriction.record_id)
            or f"restricted for request {restriction.request_reference}, for which this record was confirmed",
        )
        for restriction in active
    ]
    return sorted(result, key=lambda r: r.record_id != own)
