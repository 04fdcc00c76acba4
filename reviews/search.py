"""Subject search: find everything held about a data subject, ranked, each hit with its reasons.

Names are compared with tolerance for case, accents, hyphens and punctuation, order, initials,
typing slips (one letter in a short name), and names that sound alike (Mohammed and Muhammad,
Phillip and Filip, Eva and Eve); dates of birth exactly (and, weaker, with day and month swapped); addresses by
postcode (strong) and by house number and street (weaker). The database pre-filters cheaply on
indexed keys (name tokens and sound-alike codes, date of birth, postcode); scoring is in Python
over the candidates fetched in one query.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from reviews.models import DataSubjectRecord, NameKey, RecordStatus, Restriction

# Weights: a name can bring 60 points, a date of birth 20, an address 20.
NAME_WEIGHT = 60
DOB_EXACT = 20
DOB_SWAPPED = 8
DOB_CONFLICT = -10
POSTCODE = 12
HOUSE_AND_STREET = 8
STRONG = 70
POSSIBLE = 45
MIN_SCORE = 20
CANDIDATE_CAP = 5000  # a bound on one search's work; a name shared by more records than this needs narrowing
SIMILAR = 0.88  # Jaro-Winkler similarity at which two name tokens count as the same name mistyped
SOUNDS_ALIKE = 0.86  # two name tokens with the same sound code (Mohammed, Muhammad) and enough letters in common
SOUNDS_ALIKE_FLOOR = 0.75  # Jaro-Winkler below which a shared sound code is chance (Smith, Snead)
SHORT_SLIP = 0.86  # a one-letter difference in a short name (Jo, Joe), too short for Jaro-Winkler to judge
SHORT = 3  # tokens shorter than this are compared by edit distance, not Jaro-Winkler

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_SEPARATORS = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")
_STREET_WORDS = {
    "st": "street",
    "rd": "road",
    "ave": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
}


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Case and whitespace folded, accents kept."""
    return _SPACES.sub(" ", text.casefold()).strip()


def name_tokens(name: str) -> list[str]:
    """Lower-case tokens without accents; apostrophes vanish (O'Brien: obrien), hyphens and dots split."""
    text = _APOSTROPHES.sub("", strip_accents(name).casefold())
    return [token for token in _SPACES.split(_SEPARATORS.sub(" ", text)) if token]


def hyphenated_parts(name: str) -> list[frozenset[str]]:
    """The token groups of each hyphenated (double-barrelled) part: 'Smith-Jones' gives {smith, jones}."""
    groups: list[frozenset[str]] = []
    for word in _SPACES.split(strip_accents(name).casefold()):
        if "-" in word.strip("-"):
            parts = frozenset(name_tokens(word))
            if len(parts) > 1:
                groups.append(parts)
    return groups


def soundex(token: str) -> str:
    """American Soundex: names that sound alike share a code (Exmaple and Example: E251)."""
    letters = [ch for ch in token.upper() if "A" <= ch <= "Z"]
    if not letters:
        return ""
    codes = {**dict.fromkeys("BFPV", "1"), **dict.fromkeys("CGJKQSXZ", "2"), **dict.fromkeys("DT", "3")}
    codes.update({"L": "4", "M": "5", "N": "5", "R": "6"})
    out = letters[0]
    previous = codes.get(letters[0], "")
    for ch in letters[1:]:
        code = codes.get(ch, "")
        if code and code != previous:
            out += code
        if ch not in "HW":
            previous = code
    return (out + "000")[:4]


# First letters written differently for the same sound: soundex keeps the first letter as it is,
# so Phillip (P410) and Filip (F410) would never meet.
_SOUND_PREFIXES = (("ph", "f"), ("kn", "n"), ("wr", "r"), ("wh", "w"), ("ch", "k"))


def sound_code(token: str) -> str:
    """Soundex after folding first letters that sound the same (Ph/F, Kn/N, Wr/R, hard C/K, soft C/S)."""
    text = strip_accents(token).casefold()
    for written, sound in _SOUND_PREFIXES:
        if text.startswith(written):
            text = sound + text[len(written) :]
            break
    else:
        if text.startswith("c"):
            text = ("s" if text[1:2] in ("e", "i", "y") else "k") + text[1:]
    return soundex(text)


def within_one_edit(a: str, b: str) -> bool:
    """Whether one letter added, dropped or changed turns one token into the other."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1]; kind to typing slips and transposed letters."""
    if a == b:
        return 1.0
    len_a, len_b = len(a), len(b)
    if not len_a or not len_b:
        return 0.0
    window = max(max(len_a, len_b) // 2 - 1, 0)
    a_matched = [False] * len_a
    b_matched = [False] * len_b
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(i + window + 1, len_b)):
            if not b_matched[j] and b[j] == ch:
                a_matched[i] = b_matched[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions = 0
    k = 0
    for i in range(len_a):
        if a_matched[i]:
            while not b_matched[k]:
                k += 1
            if a[i] != b[k]:
                transpositions += 1
            k += 1
    jaro = (matches / len_a + matches / len_b + (matches - transpositions // 2) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def name_keys(names: Iterable[str]) -> set[str]:
    """Index keys for names: each token ("t:"), its sound-alike code ("s:") and joined double-barrels."""
    keys: set[str] = set()
    for name in names:
        tokens = name_tokens(name)
        for group in hyphenated_parts(name):
            ordered = [t for t in tokens if t in group]
            tokens.append("".join(ordered))
        for token in tokens:
            if len(token) < 2:
                continue  # initials would pull in half the records
            keys.add(f"t:{token}"[:60])
            for code in {soundex(token), sound_code(token)}:
                if code:
                    keys.add(f"s:{code}")
    return keys


def postcode_of(address: str) -> str:
    """The UK postcode in an address, normalised ("sk11aa" -> "SK1 1AA"); empty when there is none."""
    match = _POSTCODE.search(address.upper())
    return f"{match.group(1)} {match.group(2)}" if match else ""


def house_and_street(address: str) -> tuple[str, str] | None:
    """The house number and street of the first address line that starts with a number."""
    for line in re.split(r"[,\n]", strip_accents(address).casefold()):
        words = name_tokens(line)
        if len(words) >= 2 and words[0][0].isdigit():
            street = " ".join(_STREET_WORDS.get(w, w) for w in words[1:])
            return words[0], street
    return None


@dataclass(frozen=True)
class NameComparison:
    score: float  # 0 to 1
    why: str  # plain words, e.g. "hyphenated surname"


NO_MATCH = NameComparison(0.0, "")


def _pair_similarity(q: str, c: str) -> tuple[float, str]:
    if q == c:
        return 1.0, "same"
    if len(q) == 1 and c.startswith(q):
        return 0.85, "initial"
    if len(c) == 1 and q.startswith(c):
        return 0.85, "initial"
    shortest = min(len(q), len(c))
    if shortest >= SHORT:
        similarity = jaro_winkler(q, c)
        if similarity >= SIMILAR:
            return similarity * 0.95, "spelling"
    elif shortest >= 2 and q[0] == c[0] and within_one_edit(q, c):
        return SHORT_SLIP, "spelling"
    if shortest >= 2 and sound_code(q) == sound_code(c) and jaro_winkler(q, c) >= SOUNDS_ALIKE_FLOOR:
        return SOUNDS_ALIKE, "sound"
    return 0.0, ""


def compare_names(query: str, candidate: str) -> NameComparison:
    """How well a name given in a request matches a name held, with the reason in plain words."""
    if not query.strip() or not candidate.strip():
        return NO_MATCH
    if fold(query) == fold(candidate):
        return NameComparison(1.0, "exact match")
    if fold(strip_accents(query)) == fold(strip_accents(candidate)):
        return NameComparison(0.98, "same apart from accents")
    q_tokens, c_tokens = name_tokens(query), name_tokens(candidate)
    if not q_tokens or not c_tokens:
        return NO_MATCH
    if q_tokens == c_tokens:
        return NameComparison(0.96, "same apart from hyphens or punctuation")
    if "".join(q_tokens) == "".join(c_tokens):
        return NameComparison(0.95, "same apart from spacing or hyphens")
    if sorted(q_tokens) == sorted(c_tokens):
        return NameComparison(0.92, "same names in a different order")

    # Pair tokens greedily, best first: equal, initial, or a likely typing slip.
    scored = []
    for i, q in enumerate(q_tokens):
        for j, c in enumerate(c_tokens):
            similarity, kind = _pair_similarity(q, c)
            if similarity:
                scored.append((similarity, i, j, kind))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[tuple[float, int, int, str]] = []
    for similarity, i, j, kind in scored:
        if i not in used_q and j not in used_c:
            used_q.add(i)
            used_c.add(j)
            pairs.append((similarity, i, j, kind))
    if not pairs:
        return NO_MATCH

    notes: list[str] = []
    for _, i, j, kind in sorted(pairs, key=lambda p: p[1]):
        if kind == "initial":
            short, full = (q_tokens[i], c_tokens[j]) if len(q_tokens[i]) == 1 else (c_tokens[j], q_tokens[i])
            notes.append(f"initial '{short.upper()}' fits '{full.capitalize()}'")
        elif kind == "spelling":
            notes.append(f"spelling differs: '{q_tokens[i].capitalize()}' and '{c_tokens[j].capitalize()}'")
        elif kind == "sound":
            notes.append(f"sounds alike: '{q_tokens[i].capitalize()}' and '{c_tokens[j].capitalize()}'")
    in_order = [j for _, _, j, _ in sorted(pairs, key=lambda p: p[1])] == sorted(j for _, _, j, _ in pairs)
    total = sum(p[0] for p in pairs)

    if len(pairs) == len(q_tokens) == len(c_tokens):
        score = 0.9 * total / len(pairs)
        if not in_order:
            score *= 0.97
            notes.append("names in a different order")
        return NameComparison(score, "; ".join(notes))

    unmatched_q = {q_tokens[i] for i in range(len(q_tokens)) if i not in used_q}
    unmatched_c = {c_tokens[j] for j in range(len(c_tokens)) if j not in used_c}
    for side_unmatched, side_name, other_unmatched in (
        (unmatched_c, candidate, unmatched_q),
        (unmatched_q, query, unmatched_c),
    ):
        if side_unmatched and not other_unmatched:
            for group in hyphenated_parts(side_name):
                if side_unmatched <= group and group - side_unmatched:
                    return NameComparison(0.86 * total / len(pairs), "; ".join(["hyphenated surname", *notes]))
    if len(pairs) == min(len(q_tokens), len(c_tokens)) and len(pairs) > 1:
        # Every name of the shorter side found: a middle name given on one side only.
        return NameComparison(0.78 * total / len(pairs), "; ".join(["a middle or extra name on one side only", *notes]))
    matched_words = [c_tokens[j].capitalize() for _, _, j, _ in sorted(pairs, key=lambda p: p[2])]
    notes.insert(0, f"only {' and '.join(repr(w) for w in matched_words)} in common")
    return NameComparison(0.7 * total / max(len(q_tokens), len(c_tokens)), "; ".join(notes))


def compare_dates_of_birth(given: dt.date | None, held: dt.date | None) -> tuple[int, str]:
    if given is None or held is None:
        return 0, ""
    if given == held:
        return DOB_EXACT, f"date of birth matches ({held:%d %B %Y})"
    if given.year == held.year and given.day == held.month and given.month == held.day:
        return DOB_SWAPPED, (
            f"date of birth matches with day and month swapped (held {held:%d/%m/%Y}, given {given:%d/%m/%Y})"
        )
    return DOB_CONFLICT, f"date of birth differs (held {held:%d/%m/%Y}, given {given:%d/%m/%Y})"


def swapped(day: dt.date) -> dt.date | None:
    """The date with day and month swapped, where that is a different real date."""
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


def compare_addresses(given: str, held: str) -> tuple[int, list[str]]:
    points, reasons = 0, []
    postcode = postcode_of(given)
    if postcode and postcode == postcode_of(held):
        points += POSTCODE
        reasons.append(f"postcode {postcode} matches")
    given_street, held_street = house_and_street(given), house_and_street(held)
    same_house = bool(given_street and held_street and given_street[0] == held_street[0])
    if same_house and given_street and held_street and jaro_winkler(given_street[1], held_street[1]) >= 0.93:
        points += HOUSE_AND_STREET
        reasons.append(f"house number and street match ('{held_street[0]} {held_street[1].title()}')")
    return points, reasons


@dataclass(frozen=True)
class SearchCriteria:
    name: str
    previous_names: tuple[str, ...] = ()
    date_of_birth: dt.date | None = None
    address: str = ""

    @property
    def names(self) -> list[str]:
        return [n for n in (self.name, *self.previous_names) if n.strip()]


@dataclass(frozen=True)
class SearchHit:
    record: DataSubjectRecord
    score: int
    strength: str  # strong, possible or weak
    reasons: tuple[str, ...]
    restricted: bool

    @property
    def why(self) -> str:
        """The reasons on one line, as the page lists them; a neither-confirm-nor-deny record's start with [NCND]."""
        text = "; ".join(self.reasons)
        return f"[NCND] {text}" if self.record.ncnd else text


def _best_name(criteria: SearchCriteria, record: DataSubjectRecord) -> tuple[float, str]:
    best = (0.0, "")
    held_names = [("name", record.full_name)] + [("previous name", n) for n in record.previous_name_list]
    for given_index, given in enumerate(criteria.names):
        for label, held in held_names:
            result = compare_names(given, held)
            if result.score > best[0]:
                given_words = f"'{given}'" if given_index == 0 else f"the previous name given, '{given}'"
                reason = f"{label} '{held}' matches {given_words}"
                if result.why and result.why != "exact match":
                    reason += f" ({result.why})"
                elif result.why == "exact match":
                    reason += " exactly"
                best = (result.score, reason)
    return best


def score_record(criteria: SearchCriteria, record: DataSubjectRecord) -> tuple[int, tuple[str, ...]] | None:
    """The score (0-100) and reasons of one record, or None when it is not a plausible hit."""
    name_score, name_reason = _best_name(criteria, record)
    reasons = [name_reason] if name_reason else []
    points = NAME_WEIGHT * name_score
    dob_points, dob_reason = compare_dates_of_birth(criteria.date_of_birth, record.date_of_birth)
    address_points, address_reasons = (
        compare_addresses(criteria.address, record.address) if criteria.address else (0, [])
    )
    points += dob_points + address_points
    reasons.extend(address_reasons)
    if dob_reason:
        reasons.insert(1 if name_reason else 0, dob_reason)
    other_signals = (dob_points > 0) + (address_points > 0)
    if name_score < 0.3 and other_signals < 2:
        return None  # a date of birth or a postcode alone is someone else far more often than not
    score = round(max(0.0, min(100.0, points)))
    if score < MIN_SCORE:
        return None
    return score, tuple(reasons)


def strength_of(score: int) -> str:
    return "strong" if score >= STRONG else "possible" if score >= POSSIBLE else "weak"


# Candidate order before the cap: a shared name word counts most, then a matching date of birth,
# the postcode, and a sound-alike name code; ties go to the older record.
RANK_TOKEN = 6
RANK_SOUND = 1
RANK_DOB = 6
RANK_DOB_SWAPPED = 2
RANK_POSTCODE = 5


def _keys_in_common(keys: Iterable[str]) -> Coalesce:
    """How many of the given index keys a candidate record has (a correlated count over the indexed keys)."""
    counted = (
        NameKey.objects.filter(record=OuterRef("pk"), key__in=sorted(keys))
        .order_by()
        .values("record")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def candidates(criteria: SearchCriteria) -> QuerySet[DataSubjectRecord]:
    """Held records sharing an indexed key with the criteria, strongest first: one query, joins done up front.

    The order matters: only the first CANDIDATE_CAP are scored, so the cap drops the weakest.
    """
    keys = name_keys(criteria.names)
    condition = Q(pk__in=NameKey.objects.filter(key__in=sorted(keys)).values("record_id"))
    strength: Any = RANK_TOKEN * _keys_in_common(k for k in keys if k.startswith("t:")) + RANK_SOUND * _keys_in_common(
        k for k in keys if k.startswith("s:")
    )
    if criteria.date_of_birth:
        dates = [criteria.date_of_birth]
        other = swapped(criteria.date_of_birth)
        if other:
            dates.append(other)
            strength += Case(When(date_of_birth=other, then=Value(RANK_DOB_SWAPPED)), default=Value(0))
        condition |= Q(date_of_birth__in=dates)
        strength += Case(When(date_of_birth=criteria.date_of_birth, then=Value(RANK_DOB)), default=Value(0))
    postcode = postcode_of(criteria.address)
    if postcode:
        condition |= Q(postcode=postcode)
        strength += Case(When(postcode=postcode, then=Value(RANK_POSTCODE)), default=Value(0))
    active_restriction = Restriction.objects.filter(record=OuterRef("pk"), lifted_at__isnull=True)
    return (
        DataSubjectRecord.objects.filter(condition, status=RecordStatus.ACTIVE)
        .select_related("submission__review", "submission__agency")
        .annotate(is_restricted=Exists(active_restriction), candidate_strength=strength)
        .order_by("-candidate_strength", "pk")
    )


def subject_search(
    *,
    name: str,
    previous_names: Sequence[str] = (),
    date_of_birth: dt.date | None = None,
    address: str | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Everything held that may be about this person, best first, each with why it matched."""
    return search_with_stats(
        SearchCriteria(
            name=name.strip(),
            previous_names=tuple(n.strip() for n in previous_names if n.strip()),
            date_of_birth=date_of_birth,
            address=(address or "").strip(),
        ),
        limit=limit,
    )[0]


@dataclass(frozen=True)
class SearchOutcome:
    """The ranked hits, how many candidates were scored, and whether the cap cut the candidates short."""

    hits: list[SearchHit]
    scored: int
    capped: bool


def search_outcome(criteria: SearchCriteria, *, limit: int = 50) -> SearchOutcome:
    """Score the strongest CANDIDATE_CAP candidates and rank the hits; say whether more were left out."""
    if not criteria.names:
        return SearchOutcome([], 0, False)
    found = list(candidates(criteria)[: CANDIDATE_CAP + 1])
    capped = len(found) > CANDIDATE_CAP
    found = found[:CANDIDATE_CAP]
    hits: list[SearchHit] = []
    for record in found:
        result = score_record(criteria, record)
        if result is not None:
            score, reasons = result
            hits.append(SearchHit(record, score, strength_of(score), reasons, bool(record.is_restricted)))  # type: ignore[attr-defined]
    hits.sort(key=lambda hit: (-hit.score, hit.record.pk))
    return SearchOutcome(hits[: max(limit, 0)], len(found), capped)


def search_with_stats(criteria: SearchCriteria, *, limit: int = 50) -> tuple[list[SearchHit], int]:
    """The ranked hits and how many candidates were scored (kept as evidence of the search)."""
    outcome = search_outcome(criteria, limit=limit)
    return outcome.hits, outcome.scored
