"""Subject search: tolerant name matching, dates of birth, addresses, ranking and a cheap pre-filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import DataSubjectRecord, NameKey
from reviews.search import (
    CANDIDATE_CAP,
    SearchCriteria,
    candidates,
    compare_addresses,
    compare_dates_of_birth,
    compare_names,
    house_and_street,
    jaro_winkler,
    name_keys,
    name_tokens,
    postcode_of,
    search_outcome,
    sound_code,
    soundex,
    subject_search,
    swapped,
)
from reviews.services import subject_restrict
from rights.effects import RestrictionBasis
from tests.reviews.conftest import Holdings

DOB = dt.date(2012, 5, 1)


# Pure pieces -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Alex Smith-Jones", ["alex", "smith", "jones"]),
        ("  ALEX   example ", ["alex", "example"]),
        ("A. Example", ["a", "example"]),
        ("Chloé Zoë Brontë", ["chloe", "zoe", "bronte"]),
        ("Kate O'Brien", ["kate", "obrien"]),
        ("Kate O\u2019Brien", ["kate", "obrien"]),
        ("Example, Alex", ["example", "alex"]),
    ],
)
def test_name_tokens_fold_case_accents_and_punctuation(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Ashcraft", "A261"),
        ("Tymczak", "T522"),
        ("Example", "E251"),
        ("Exmaple", "E251"),
        ("Alx", "A420"),
        ("Alex", "A420"),
        ("", ""),
    ],
)
def test_soundex_codes(token: str, code: str) -> None:
    assert soundex(token) == code


def test_jaro_winkler_known_values() -> None:
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.961, abs=0.001)
    assert jaro_winkler("dwayne", "duane") == pytest.approx(0.84, abs=0.001)
    assert jaro_winkler("abc", "abc") == 1.0
    assert jaro_winkler("abc", "xyz") == 0.0
    assert jaro_winkler("", "abc") == 0.0


@pytest.mark.parametrize(
    ("query", "held", "why_contains", "low", "high"),
    [
        ("Alex Example", "alex  EXAMPLE", "exact", 1.0, 1.0),
        ("Chloe Dupont", "Chloé Dupont", "accents", 0.97, 0.99),
        ("Sam Smith Jones", "Sam Smith-Jones", "hyphens", 0.95, 0.97),
        ("Sam Smithjones", "Sam Smith-Jones", "spacing", 0.94, 0.96),
        ("Example Alex", "Alex Example", "different order", 0.9, 0.93),
        ("Example, Alex", "Alex Example", "different order", 0.9, 0.93),
        ("Alex Jones", "Alex Smith-Jones", "hyphenated surname", 0.85, 0.87),
        ("Alex Smith-Jones", "Alex Jones", "hyphenated surname", 0.85, 0.87),
        ("A. Example", "Alex Example", "initial 'A' fits 'Alex'", 0.8, 0.85),
        ("Alx Exmaple", "Alex Example", "spelling differs", 0.75, 0.85),
        ("Alex Example", "Alex James Example", "middle or extra name", 0.75, 0.8),
        ("John Jones", "Alex Jones", "only 'Jones' in common", 0.3, 0.4),
    ],
)
def test_compare_names_scores_and_explains(query: str, held: str, why_contains: str, low: float, high: float) -> None:
    result = compare_names(query, held)
    assert low <= result.score <= high, result
    assert why_contains in result.why


@pytest.mark.parametrize(
    ("query", "held"),
    [("Bob Brown", "Alex Example"), ("John", "Mark"), ("Smith", "Snead"), ("Jo", "Al"), ("", "Alex"), ("Alex", "  ")],
)
def test_compare_names_unrelated_is_no_match(query: str, held: str) -> None:
    assert compare_names(query, held).score == 0


@pytest.mark.parametrize(
    ("query", "held", "why", "low", "high"),
    [
        ("Mohammed Khan", "Muhammad Khan", "sounds alike: 'Mohammed' and 'Muhammad'", 0.83, 0.84),
        ("Mohamed Khan", "Muhammad Khan", "sounds alike: 'Mohamed' and 'Muhammad'", 0.83, 0.84),
        ("Phillip Jones", "Filip Jones", "sounds alike: 'Phillip' and 'Filip'", 0.83, 0.84),
        ("Catherine Jones", "Kathryn Jones", "sounds alike: 'Catherine' and 'Kathryn'", 0.83, 0.84),
        ("Eva Brown", "Eve Brown", "sounds alike: 'Eva' and 'Eve'", 0.83, 0.84),
        ("Jo Smith", "Joe Smith", "spelling differs: 'Jo' and 'Joe'", 0.83, 0.84),
        ("Joe Smith", "Jo Smith", "spelling differs: 'Joe' and 'Jo'", 0.83, 0.84),
        ("Al Brown", "Ali Brown", "spelling differs: 'Al' and 'Ali'", 0.83, 0.84),
        ("John", "Joan", "sounds alike: 'John' and 'Joan'", 0.77, 0.78),  # a name of its own, often: a hit to decide
        (
            "Muhammad Khan",
            "Khan Mohammed",
            "sounds alike: 'Muhammad' and 'Mohammed'; names in a different order",
            0.8,
            0.82,
        ),
    ],
)
def test_common_variants_sound_alike_or_differ_by_one_letter(
    query: str, held: str, why: str, low: float, high: float
) -> None:
    result = compare_names(query, held)
    assert low <= result.score <= high, result
    assert result.why == why


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("Phillip", "F410"),
        ("Filip", "F410"),
        ("Catherine", "K365"),
        ("Kathryn", "K365"),
        ("Cyril", "S640"),
        ("Knight", "N230"),
        ("Wright", "R230"),
        ("Christopher", "K623"),
        ("Kristopher", "K623"),
        ("Eva", "E100"),
    ],
)
def test_sound_codes_fold_first_letters_that_sound_the_same(token: str, code: str) -> None:
    assert sound_code(token) == code


def test_name_keys_carry_both_sound_codes() -> None:
    assert {"s:P410", "s:F410"} <= name_keys(["Phillip Jones"])


def test_name_order_of_tolerance() -> None:
    """Exact beats punctuation beats reordering beats one changed name part beats one shared name."""
    exact, spaced, reordered = (
        compare_names("Alex Smith-Jones", h).score for h in ("Alex Smith-Jones", "Alex Smith Jones", "Smith-Jones Alex")
    )
    one_part = [compare_names("Alex Smith-Jones", h).score for h in ("Alex Jones", "A Smith-Jones", "Alx Smith-Jones")]
    shared = compare_names("Alex Smith-Jones", "Sam Jones").score
    assert exact > spaced > reordered > max(one_part)
    assert min(one_part) > 0.8 > shared > 0


def test_dates_of_birth() -> None:
    assert compare_dates_of_birth(DOB, DOB) == (20, "date of birth matches (01 May 2012)")
    points, why = compare_dates_of_birth(dt.date(2012, 1, 5), DOB)
    assert points == 8 and "day and month swapped" in why
    points, why = compare_dates_of_birth(dt.date(2013, 5, 1), DOB)
    assert points < 0 and "differs" in why
    assert compare_dates_of_birth(None, DOB) == (0, "")
    assert swapped(dt.date(2012, 5, 1)) == dt.date(2012, 1, 5)
    assert swapped(dt.date(2012, 5, 13)) is None  # no 13th month
    assert swapped(dt.date(2012, 5, 5)) is None  # the same date


def test_addresses() -> None:
    assert postcode_of("1 High Street\nStockport sk11aa") == "SK1 1AA"
    assert postcode_of("Sanderling Building, Birdhall Lane, Stockport SK3 0RF") == "SK3 0RF"
    assert postcode_of("no postcode here") == ""
    assert house_and_street("Flat 2, 14 Acacia Rd, Stockport") == ("14", "acacia road")
    points, reasons = compare_addresses("1 High Street, Stockport SK1 1AA", "1 High St, Stockport, SK1 1AA")
    assert points == 20
    assert reasons == ["postcode SK1 1AA matches", "house number and street match ('1 High Street')"]
    points, reasons = compare_addresses("1 High Street, Stockport SK2 9ZZ", "1 High St, Stockport, SK1 1AA")
    assert points == 8 and "postcode" not in " ".join(reasons)
    assert compare_addresses("2 High Street SK2 9ZZ", "1 High Street SK1 1AA") == (0, [])


def test_name_keys_skip_initials_and_join_double_barrels() -> None:
    keys = name_keys(["A. Smith-Jones"])
    assert "t:a" not in keys
    assert {"t:smith", "t:jones", "t:smithjones", "s:S530", "s:J520"} <= keys


# Against the database ----------------------------------------------------------------------------------


@pytest.fixture
def people(held: Holdings) -> dict[str, int]:
    """A population with the tricky spellings of one child, and others who must rank below."""
    review = held.review()
    submission = held.submission(review)
    address = "1 High Street, Stockport SK1 1AA"
    made = {
        "exact": held.record("Alex Example", submission=submission, date_of_birth=DOB, address=address),
        "typo": held.record("Alx Exmaple", submission=submission, date_of_birth=DOB),
        "initial": held.record("A. Example", submission=submission, date_of_birth=DOB),
        "swapped_order": held.record("Example Alex", submission=submission, date_of_birth=DOB),
        "previous": held.record(
            "Alex Brown", submission=submission, previous_names=("Alex Example",), date_of_birth=DOB
        ),
        "accents": held.record("Aléx Exâmple", submission=submission, date_of_birth=DOB),
        "dob_swapped": held.record("Alex Example", submission=submission, date_of_birth=dt.date(2012, 1, 5)),
        "surname_only": held.record("Sam Example", submission=submission),
        "sibling": held.record("Jo Example", submission=submission, date_of_birth=dt.date(2009, 9, 9)),
        "stranger": held.record("Bob Brown", submission=submission, date_of_birth=dt.date(2001, 2, 3)),
        "same_dob_stranger": held.record("Chris Green", submission=submission, date_of_birth=DOB),
    }
    return {key: record.pk for key, record in made.items()}


def _rank(hits: list, people: dict[str, int]) -> list[str]:
    names = {pk: key for key, pk in people.items()}
    return [names[hit.record.pk] for hit in hits]


def test_ranking_exact_beats_variants_beats_weak(people: dict[str, int]) -> None:
    hits = subject_search(name="Alex Example", date_of_birth=DOB, address="1 High Street, Stockport SK1 1AA")
    order = _rank(hits, people)
    assert order[0] == "exact"
    for variant in ("accents", "swapped_order", "previous", "initial", "typo"):
        assert order.index("exact") < order.index(variant) < order.index("dob_swapped") < order.index("surname_only")
    assert "stranger" not in order
    assert "sibling" not in order  # one shared name and a different date of birth: someone else
    assert "same_dob_stranger" not in order  # a shared date of birth alone is someone else
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].strength == "strong" and hits[-1].strength == "weak"


def test_each_hit_says_why(people: dict[str, int]) -> None:
    hits = {h.record.pk: h for h in subject_search(name="Alex Example", date_of_birth=DOB, address="SK1 1AA")}
    exact = hits[people["exact"]].reasons
    assert exact[0] == "name 'Alex Example' matches 'Alex Example' exactly"
    assert "date of birth matches (01 May 2012)" in exact
    assert "postcode SK1 1AA matches" in exact
    assert "previous name 'Alex Example' matches 'Alex Example' exactly" in hits[people["previous"]].reasons
    assert any("initial 'A' fits 'Alex'" in r for r in hits[people["initial"]].reasons)
    assert any("spelling differs" in r for r in hits[people["typo"]].reasons)
    assert any("different order" in r for r in hits[people["swapped_order"]].reasons)
    assert any("accents" in r for r in hits[people["accents"]].reasons)
    assert any("day and month swapped" in r for r in hits[people["dob_swapped"]].reasons)
    assert hits[people["surname_only"]].reasons == (
        "name 'Sam Example' matches 'Alex Example' (only 'Example' in common)",
    )


def test_typo_in_the_query_finds_the_record(people: dict[str, int]) -> None:
    hits = subject_search(name="Alx Exmaple")
    order = _rank(hits, people)
    assert order[0] == "typo"  # exact for this spelling
    assert "exact" in order


def test_initials_and_swapped_order_in_the_query(people: dict[str, int]) -> None:
    assert people["exact"] in [h.record.pk for h in subject_search(name="A. Example", date_of_birth=DOB)]
    assert people["exact"] in [h.record.pk for h in subject_search(name="Example Alex", date_of_birth=DOB)]


def test_hyphenated_names(held: Holdings) -> None:
    submission = held.submission(held.review())
    double = held.record("Alex Smith-Jones", submission=submission)
    spaced = held.record("Alex Smith Jones", submission=submission)
    single = held.record("Alex Jones", submission=submission)
    hits = subject_search(name="Alex Smith-Jones")
    assert [h.record.pk for h in hits[:3]] == [double.pk, spaced.pk, single.pk]
    assert "(hyphenated surname)" in hits[2].reasons[0]
    # And the other way: the old double-barrelled name held as a previous name.
    renamed = held.record("Alex Green", submission=submission, previous_names=("Alex Smith-Jones",))
    found = {h.record.pk: h for h in subject_search(name="Alex Jones")}
    assert found[renamed.pk].reasons[0] == "previous name 'Alex Smith-Jones' matches 'Alex Jones' (hyphenated surname)"


def test_previous_names_given_in_the_request(held: Holdings) -> None:
    record = held.record("Alex Taylor", date_of_birth=DOB)
    hits = subject_search(name="Alex Morgan", previous_names=["Alex Taylor"], date_of_birth=DOB)
    assert hits[0].record.pk == record.pk
    assert hits[0].reasons[0] == "name 'Alex Taylor' matches the previous name given, 'Alex Taylor' exactly"


def test_postcode_and_dob_together_find_a_renamed_person(held: Holdings) -> None:
    record = held.record("Jordan Reid", date_of_birth=DOB, address="9 Mill Lane, Stockport SK4 2BB")
    held.record("Taylor Hughes", date_of_birth=DOB, address="3 Oak Road, Bury BL9 1AA")
    hits = subject_search(name="Alex Example", date_of_birth=DOB, address="9 Mill Ln, SK4 2BB")
    assert [h.record.pk for h in hits] == [record.pk]
    assert "postcode SK4 2BB matches" in hits[0].reasons


def test_dob_swap_pulls_candidates_in(held: Holdings) -> None:
    record = held.record("Jordan Reid", date_of_birth=dt.date(2012, 1, 5), address="9 Mill Lane, SK4 2BB")
    hits = subject_search(name="Jordan Reed", date_of_birth=DOB)
    assert hits[0].record.pk == record.pk
    assert any("day and month swapped" in r for r in hits[0].reasons)


def test_restricted_records_are_found_and_flagged(held: Holdings, worker) -> None:
    record = held.record("Alex Example", date_of_birth=DOB)
    subject_restrict(record=record, by=worker, basis=RestrictionBasis.ACCURACY_CONTESTED, reason="Date disputed")
    hits = subject_search(name="Alex Example")
    assert hits[0].record.pk == record.pk and hits[0].restricted is True


def test_limit_and_empty_name(people: dict[str, int]) -> None:
    assert len(subject_search(name="Alex Example", date_of_birth=DOB, limit=3)) == 3
    assert subject_search(name="   ") == []


def test_one_query_however_many_candidates(held: Holdings) -> None:
    submission = held.submission(held.review())
    for n in range(30):
        held.record(f"Alex Example{'s' * (n % 3)}", submission=submission, date_of_birth=DOB, address="SK1 1AA")
    with CaptureQueriesContext(connection) as queries:
        hits = subject_search(name="Alex Example", previous_names=["Alex Smith"], date_of_birth=DOB, address="SK1 1AA")
        for hit in hits:
            _ = (hit.record.submission.review.reference, hit.record.submission.agency.name)
    assert len(hits) == 30
    assert len(queries) == 1


def test_prefilter_uses_keys_not_a_table_scan(held: Holdings) -> None:
    """The candidate query is driven by the indexed name keys, date of birth and postcode."""
    record = held.record("Alex Example", date_of_birth=DOB)
    assert NameKey.objects.filter(record=record, key="t:example").exists()
    with CaptureQueriesContext(connection) as queries:
        subject_search(name="Alex Example", date_of_birth=DOB, address="SK1 1AA")
    sql = queries[0]["sql"]
    assert "reviews_namekey" in sql and "date_of_birth" in sql and "postcode" in sql


# The candidate cap ---------------------------------------------------------------------------------------


def _crowd(held: Holdings, n: int) -> None:
    """n people called Alex with other surnames, written in bulk (the services would take minutes)."""
    submission = held.submission(held.review())
    records = DataSubjectRecord.objects.bulk_create(
        [DataSubjectRecord(submission=submission, full_name=f"Alex Other{i}") for i in range(n)]
    )
    NameKey.objects.bulk_create(
        [NameKey(record=r, key=key) for r in records for key in sorted(name_keys([r.full_name]))]
    )


def test_the_cap_keeps_the_strongest_candidates_not_the_oldest(held: Holdings) -> None:
    """5,010 records share 'Alex': the exact name with the date of birth, recorded last, must still be found."""
    _crowd(held, CANDIDATE_CAP + 10)
    exact = held.record("Alex Example", date_of_birth=DOB)
    held.record("Sam Example", date_of_birth=DOB)  # surname and date of birth: stronger than 'Alex' alone
    outcome = search_outcome(SearchCriteria(name="Alex Example", date_of_birth=DOB), limit=5)
    assert outcome.capped is True and outcome.scored == CANDIDATE_CAP
    assert outcome.hits[0].record.pk == exact.pk and outcome.hits[0].strength == "strong"
    assert subject_search(name="Alex Example", date_of_birth=DOB)[0].record.pk == exact.pk


def test_under_the_cap_nothing_is_dropped(held: Holdings) -> None:
    _crowd(held, 5)
    outcome = search_outcome(SearchCriteria(name="Alex Example"), limit=50)
    assert outcome.capped is False and outcome.scored == 5


def test_candidates_come_strongest_first(held: Holdings) -> None:
    submission = held.submission(held.review())
    weak = held.record("Alex Other", submission=submission)
    by_postcode = held.record("Alex Other", submission=submission, address="2 Low Road SK1 1AA")
    by_dob = held.record("Alex Other", submission=submission, date_of_birth=DOB)
    name = held.record("Alex Example", submission=submission)
    best = held.record("Alex Example", submission=submission, date_of_birth=DOB, address="SK1 1AA")
    found = candidates(SearchCriteria(name="Alex Example", date_of_birth=DOB, address="1 High St SK1 1AA"))
    assert [r.pk for r in found] == [best.pk, name.pk, by_dob.pk, by_postcode.pk, weak.pk]


# Common variants against the database ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "held_name", "why"),
    [
        ("Mohammed Khan", "Muhammad Khan", "sounds alike: 'Mohammed' and 'Muhammad'"),
        ("Phillip Jones", "Filip Jones", "sounds alike: 'Phillip' and 'Filip'"),
        ("Eva Brown", "Eve Brown", "sounds alike: 'Eva' and 'Eve'"),
        ("Jo Smith", "Joe Smith", "spelling differs: 'Jo' and 'Joe'"),
    ],
)
def test_a_common_variant_with_the_date_of_birth_is_a_strong_hit(
    held: Holdings, query: str, held_name: str, why: str
) -> None:
    record = held.record(held_name, date_of_birth=DOB)
    held.record("Chris Green", date_of_birth=dt.date(2010, 1, 1))
    [hit] = subject_search(name=query, date_of_birth=DOB)
    assert hit.record.pk == record.pk and hit.strength == "strong", hit
    assert hit.reasons == (f"name '{held_name}' matches '{query}' ({why})", "date of birth matches (01 May 2012)")
    # Without the date of birth the name alone still finds it, as a possible hit.
    [alone] = subject_search(name=query)
    assert alone.record.pk == record.pk and alone.strength == "possible"


def test_exact_name_and_date_of_birth_is_strong_and_the_name_alone_possible(held: Holdings) -> None:
    record = held.record("Alex Example", date_of_birth=DOB)
    [hit] = subject_search(name="Alex Example", date_of_birth=DOB)
    assert (hit.record.pk, hit.strength) == (record.pk, "strong")
    [alone] = subject_search(name="Alex Example")
    assert alone.strength == "possible"


def test_records_indexed_before_the_sound_codes_are_reindexed(held: Holdings) -> None:
    """The migration adds the folded sound codes to names indexed by the old rules, so Filip finds Phillip."""
    import importlib

    from django.apps import apps

    record = held.record("Phillip Jones", previous_names=("Phillip Smith",), date_of_birth=DOB)
    NameKey.objects.filter(record=record, key="s:F410").delete()  # as the old index had it
    assert list(candidates(SearchCriteria(name="Filip"))) == []
    migration = importlib.import_module("reviews.migrations.0004_reindex_name_keys_for_sound_codes")
    migration.reindex(apps, None)
    migration.reindex(apps, None)  # idempotent
    assert set(NameKey.objects.filter(record=record).values_list("key", flat=True)) == name_keys(
        ["Phillip Jones", "Phillip Smith"]
    )
    assert [r.pk for r in candidates(SearchCriteria(name="Filip"))] == [record.pk]
