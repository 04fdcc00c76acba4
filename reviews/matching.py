"""Is a person being recorded one the partnership already holds? Matching names and dates of birth.

Names are compared by the subject search's own rules (reviews.search.compare_names: accents,
hyphens, apostrophes, initials, order, spelling slips). A person is the same when a name matches
well and the date of birth is the same on both sides; a match that needs a guess (a good name with
no date of birth to compare, a weaker name with the same date of birth, a date with day and month
swapped) is *doubtful*: the caller records a new person and reports it, never guesses. Reads only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from reviews.models import DataSubjectRecord, RecordStatus
from reviews.search import compare_names, name_keys, swapped

SAME = 0.80  # a name at least this close, with the same date of birth, is the same person
CLOSE = 0.60  # with the same date of birth, a name this close is a doubtful match
NAME_ONLY = 0.85  # with no date of birth to compare, a name this close is a doubtful match


@dataclass(frozen=True)
class Identity:
    """One way a person is known: a record's names and date of birth."""

    subject: int  # a DataSubject pk, or a negative number for a person planned but not yet saved
    record_label: str  # e.g. DSR-000012, or "row 7" for a person planned in the same file
    names: tuple[str, ...]
    date_of_birth: dt.date | None


@dataclass(frozen=True)
class Match:
    subject: int | None  # the person matched, or None: record a new person
    doubtful: tuple[str, ...] = ()  # why a possible match was not taken, one reason per candidate


@dataclass
class SubjectIndex:
    """Identities held, indexed by name key and date of birth, to find a person's candidates quickly."""

    identities: list[Identity] = field(default_factory=list)
    by_key: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_dob: dict[dt.date, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_key_undated: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of_records(cls, records: Iterable[DataSubjectRecord]) -> SubjectIndex:
        index = cls()
        for record in records:
            if record.subject_id is not None and record.status == RecordStatus.ACTIVE:
                index.add(
                    Identity(
                        record.subject_id,
                        record.reference,
                        (record.full_name, *record.previous_name_list),
                        record.date_of_birth,
                    )
                )
        return index

    @classmethod
    def held(cls) -> SubjectIndex:
        """Every held record that is linked to a person: one query."""
        return cls.of_records(
            DataSubjectRecord.objects.filter(status=RecordStatus.ACTIVE, subject__isnull=False).only(
                "pk", "subject_id", "full_name", "previous_names", "date_of_birth", "status"
            )
        )

    @classmethod
    def around(cls, names: Sequence[str], date_of_birth: dt.date | None) -> SubjectIndex:
        """Only the held records that could match these names or date of birth: one indexed query."""
        condition = Q(name_keys__key__in=sorted(k for k in name_keys(names) if k.startswith("t:")))
        if date_of_birth is not None:
            condition |= Q(date_of_birth=date_of_birth)
        return cls.of_records(
            DataSubjectRecord.objects.filter(condition, status=RecordStatus.ACTIVE, subject__isnull=False).distinct()
        )

    def add(self, identity: Identity) -> None:
        position = len(self.identities)
        self.identities.append(identity)
        for key in name_keys(identity.names):
            if key.startswith("t:"):
                self.by_key[key].add(position)
                if identity.date_of_birth is None:
                    self.by_key_undated[key].add(position)
        if identity.date_of_birth is not None:
            self.by_dob[identity.date_of_birth].add(position)

    def _candidates(self, names: Sequence[str], date_of_birth: dt.date | None) -> set[int]:
        """Identities that could be 'same' or doubtful, without comparing every name held.

        With a date of birth: those born that day (or with day and month swapped), and those held with
        no date of birth that share a name word. Without one: those sharing one of the two rarest name
        words given (a surname or a first name; an initial alone finds nothing, as in the search).
        """
        keys = [k for k in name_keys(names) if k.startswith("t:")]
        found: set[int] = set()
        if date_of_birth is not None:
            found |= self.by_dob.get(date_of_birth, set())
            other = swapped(date_of_birth)
            if other is not None:
                found |= self.by_dob.get(other, set())
            for key in keys:
                found |= self.by_key_undated.get(key, set())
            return found
        postings = sorted((self.by_key.get(key, set()) for key in keys), key=len)
        for posting in postings[:2]:
            found |= posting
        return found

    def match(self, names: Sequence[str], date_of_birth: dt.date | None) -> Match:
        names = [n for n in names if n.strip()]
        positions = self._candidates(names, date_of_birth)
        best: tuple[float, int] | None = None
        doubts: dict[int, str] = {}
        for position in sorted(positions):
            identity = self.identities[position]
            score, why, held_name = _best_name(names, identity.names)
            verdict = _verdict(score, date_of_birth, identity.date_of_birth)
            if verdict == "same":
                if best is None or score > best[0]:
                    best = (score, identity.subject)
            elif verdict and identity.subject not in doubts:
                shown = f"{why}; " if why and why != "exact match" else ""
                doubts[identity.subject] = f"{identity.record_label} ('{held_name}': {shown}{verdict})"
        if best is not None:
            return Match(best[1])
        return Match(None, tuple(doubts.values()))


def _best_name(given: Sequence[str], held: Sequence[str]) -> tuple[float, str, str]:
    best = (0.0, "", "")
    for one in given:
        for other in held:
            result = compare_names(one, other)
            if result.score > best[0]:
                best = (result.score, result.why, other)
    return best


def _verdict(score: float, given: dt.date | None, held: dt.date | None) -> str:
    """'same', a reason the match is doubtful, or '' for a different person."""
    if given is not None and held is not None:
        if given == held:
            if score >= SAME:
                return "same"
            return "a weaker name match with the same date of birth" if score >= CLOSE else ""
        if score >= NAME_ONLY and swapped(given) == held:
            return "date of birth with day and month swapped"
        return ""
    if score >= NAME_ONLY:
        return "no date of birth to compare"
    return ""
