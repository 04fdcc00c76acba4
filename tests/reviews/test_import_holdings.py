"""`manage.py import_holdings FILE [--dry-run]`: an agency return, all or nothing, idempotent, people matched."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command

from reviews.models import (
    AgencySubmission,
    DataSubject,
    DataSubjectRecord,
    HeldCategory,
    Review,
    ReviewType,
    SourceAgency,
    SubmissionType,
)
from reviews.services.returns import COLUMNS, ImportRefused, holdings_import

pytestmark = pytest.mark.django_db

HEADER = list(COLUMNS)


def row(**values: str) -> dict[str, str]:
    base = {
        "review": "CSPR-2026-01",
        "review_kind": "practice_review",
        "review_title": "Child A",
        "agency": "Greater Manchester Police",
        "submission": "reflection",
        "record": "GMP-1",
        "record_title": "Chronology of contacts",
        "record_date": "2026-01-05",
        "name": "Zoë O'Brien",
        "previous_names": "",
        "date_of_birth": "2015-03-02",
        "address": "1 High Street, Stockport SK1 1AA",
        "categories": "police;family_members",
    }
    base.update(values)
    return base


def csv_file(
    tmp_path: Path, rows: list[dict[str, str]], *, header: list[str] | None = None, name: str = "return.csv"
) -> Path:
    header = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(column, "") for column in header])
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def run(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_holdings", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_a_return_creates_agencies_reviews_records_and_people(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        [
            row(),
            row(agency="Stockport NHS Foundation Trust", record="NHS-7", categories="health", name="Zoe OBrien"),
            row(record="GMP-2", name="Liam Hart", date_of_birth="2012-11-20", submission="statistics"),
        ],
    )
    code, out, err = run(path)
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert "created agency: Greater Manchester Police (police)" in lines
    assert "created agency: Stockport NHS Foundation Trust (health)" in lines
    assert "created review: CSPR-2026-01 (Child Safeguarding Practice Review)" in lines
    assert lines[-1] == "imported 3 new, 0 updated, 0 unchanged records about 2 people in 1 reviews"
    review = Review.objects.get(reference="CSPR-2026-01")
    assert review.review_type == ReviewType.CSPR and review.started == dt.date(2026, 1, 5)
    assert set(AgencySubmission.objects.values_list("submission_type", flat=True)) == {
        SubmissionType.REFLECTION,
        SubmissionType.STATISTICAL,
    }
    zoe = DataSubjectRecord.objects.get(agency_reference="GMP-1")
    assert zoe.subject == DataSubjectRecord.objects.get(agency_reference="NHS-7").subject
    assert zoe.postcode == "SK1 1AA" and zoe.title == "Chronology of contacts"
    assert set(zoe.categories.values_list("category", flat=True)) == {
        "name",
        "date_of_birth",
        "address",
        "police",
        "family_members",
    }
    assert zoe.history.first().history_change_reason == "Imported from return.csv"
    assert DataSubject.objects.count() == 2


def test_importing_the_same_return_again_changes_nothing(tmp_path: Path) -> None:
    path = csv_file(tmp_path, [row(), row(record="GMP-2", name="Liam Hart")])
    assert run(path)[0] == 0
    history = DataSubjectRecord.history.count() + HeldCategory.history.count()
    code, out, _ = run(path)
    assert code == 0
    assert out.strip().splitlines() == ["imported 0 new, 0 updated, 2 unchanged records about 2 people in 1 reviews"]
    assert DataSubjectRecord.history.count() + HeldCategory.history.count() == history
    assert DataSubjectRecord.objects.count() == 2 and SourceAgency.objects.count() == 1


def test_a_changed_row_updates_its_record_with_history(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [row(), row(record="GMP-2", name="Liam Hart")]))
    record = DataSubjectRecord.objects.get(agency_reference="GMP-1")
    code, out, _ = run(
        csv_file(
            tmp_path,
            [row(address="9 Low Road, Stockport SK2 6PQ", categories="police"), row(record="GMP-2", name="Liam Hart")],
        )
    )
    assert code == 0
    assert out.strip().splitlines()[-1] == "imported 0 new, 1 updated, 1 unchanged records about 2 people in 1 reviews"
    record.refresh_from_db()
    assert record.postcode == "SK2 6PQ"
    assert set(record.categories.values_list("category", flat=True)) == {"name", "date_of_birth", "address", "police"}
    assert record.history.first().history_change_reason == "Imported from return.csv: address, categories changed"
    assert record.history.last().address == "1 High Street, Stockport SK1 1AA"


def test_dry_run_says_what_would_happen_and_writes_nothing(tmp_path: Path) -> None:
    code, out, _ = run(csv_file(tmp_path, [row()]), "--dry-run")
    assert code == 0
    assert out.strip().splitlines() == [
        "would create agency: Greater Manchester Police (police)",
        "would create review: CSPR-2026-01 (Child Safeguarding Practice Review)",
        "would import 1 new, 0 updated, 0 unchanged records about 1 people in 1 reviews",
    ]
    assert not Review.objects.exists() and not SourceAgency.objects.exists() and not DataSubjectRecord.objects.exists()


def test_one_bad_row_writes_nothing_and_every_error_is_a_line(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        [
            row(),
            row(record="GMP-2", review_kind="serious_case_review", record_date="05/01/2026"),
            row(record="GMP-3", submission="minutes", categories="police;shoe_size", name=""),
            row(record="GMP-1", date_of_birth="2099-01-01"),
        ],
    )
    code, out, err = run(path)
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        "row 3, column review_kind: 'serious_case_review' is not one of practice_review, section_11_audit, "
        "multi_agency_audit, learning_review",
        "row 3, column record_date: '05/01/2026' is not a date in the form YYYY-MM-DD",
        "row 4, column name: empty; a value is required",
        "row 4, column submission: 'minutes' is not one of statistics, performance, reflection, self_assessment",
        "row 4, column categories: 'shoe_size' is not a category; the categories are name, date_of_birth, address, "
        "family_members, health, education, local_authority, police, specialist_services, outcomes, feedback",
        "row 5, column date_of_birth: 2099-01-01 is in the future",
    ]
    assert not Review.objects.exists() and not DataSubjectRecord.objects.exists()


def test_errors_found_against_the_file_and_what_is_held(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [row()]))
    code, _, err = run(
        csv_file(
            tmp_path,
            [
                row(review_kind="learning_review", record="GMP-5"),
                row(record="GMP-6"),
                row(record="GMP-6", name="Someone Else"),
            ],
        )
    )
    assert code == 2
    assert err.strip().splitlines() == [
        "row 2, column review_kind: review CSPR-2026-01 is held as a practice_review",
        "row 3, column review_kind: review CSPR-2026-01 is given another kind on row 2",
        "row 4, column record: Greater Manchester Police's record GMP-6 is also on row 3",
        "row 4, column review_kind: review CSPR-2026-01 is given another kind on row 2",
    ]
    assert DataSubjectRecord.objects.count() == 1


def test_unknown_and_missing_columns_are_refused_naming_the_columns_allowed(tmp_path: Path) -> None:
    header = [c for c in HEADER if c != "record_date"] + ["shoe_size"]
    code, _, err = run(csv_file(tmp_path, [row()], header=header))
    allowed = ", ".join(COLUMNS)
    assert code == 2
    assert err.strip().splitlines() == [
        f"row 1, column shoe_size: unknown column; the columns allowed are {allowed}",
        f"row 1, column record_date: required column missing; the columns allowed are {allowed}",
    ]


def test_columns_in_any_order_and_optional_ones_left_out(tmp_path: Path) -> None:
    header = list(reversed([c for c in HEADER if c not in ("address", "categories", "previous_names")]))
    code, out, _ = run(csv_file(tmp_path, [row()], header=header))
    assert code == 0 and out.strip().endswith(
        "imported 1 new, 0 updated, 0 unchanged records about 1 people in 1 reviews"
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("return.csv", b"", "return.csv is empty: it needs a header row and at least one row of data."),
        ("return.csv", b"\n\n", "return.csv is empty: it needs a header row and at least one row of data."),
        ("return.csv", ",".join(COLUMNS).encode(), "return.csv has a header row but no rows of data."),
        (
            "return.csv",
            "review,name\nCSPR,Zo\xeb".encode("latin-1"),
            "return.csv is not UTF-8 text (byte 20 cannot be read): save it as 'CSV UTF-8' and try again.",
        ),
        (
            "return.pdf",
            b"%PDF-1.7\x00\x01binary",
            "return.pdf is not a CSV or XLSX file: save it as CSV UTF-8 or as an Excel workbook (.xlsx).",
        ),
        (
            "return.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "return.xls is not a CSV or XLSX file: save it as CSV UTF-8 or as an Excel workbook (.xlsx).",
        ),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_clear_line(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(path)
    assert (code, out, err.strip()) == (2, "", message)


def test_a_broken_xlsx_gets_one_line(tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run(path)
    assert code == 2 and err.startswith("return.xlsx is not a CSV or XLSX file that can be read")
    assert len(err.strip().splitlines()) == 1


def test_xlsx_with_real_dates_and_row_numbers_that_skip_blank_rows(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    first = row()
    sheet.append([dt.date(2026, 1, 5) if c == "record_date" else first[c] for c in HEADER])
    sheet.append([None] * len(HEADER))
    bad = row(record="GMP-2", record_date="not a date")
    sheet.append([bad[c] for c in HEADER])
    path = tmp_path / "return.xlsx"
    workbook.save(path)
    code, _, err = run(path)
    assert code == 2
    assert err.strip() == "row 4, column record_date: 'not a date' is not a date in the form YYYY-MM-DD"
    sheet.delete_rows(4)
    workbook.save(path)
    code, out, _ = run(path)
    assert code == 0 and out.strip().endswith(
        "imported 1 new, 0 updated, 0 unchanged records about 1 people in 1 reviews"
    )
    assert DataSubjectRecord.objects.get().record_date == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    "held_name",
    [
        "Zoe O'Brien",  # accents
        "Zoë OBrien",  # apostrophe
        "Zoë O-Brien",  # hyphen
        "O'Brien Zoë",  # order
        "Z O'Brien",  # initial
        "ZOË O\u2019BRIEN",  # case and a curly apostrophe
    ],
)
def test_tricky_spellings_of_the_same_person_with_the_same_birthday_are_one_person(
    tmp_path: Path, held_name: str
) -> None:
    run(csv_file(tmp_path, [row()]))
    code, out, _ = run(
        csv_file(tmp_path, [row(agency="Stockport Council Children's Social Care", record="CSC-1", name=held_name)])
    )
    assert code == 0 and "doubtful" not in out
    assert out.strip().endswith("imported 1 new, 0 updated, 0 unchanged records about 1 people in 1 reviews")
    assert DataSubject.objects.count() == 1


def test_same_name_different_birthday_is_another_person_silently(tmp_path: Path) -> None:
    run(csv_file(tmp_path, [row(name="Liam Hart", date_of_birth="2012-11-20")]))
    code, out, _ = run(csv_file(tmp_path, [row(record="GMP-2", name="Liam Hart", date_of_birth="2014-06-01")]))
    assert code == 0 and "doubtful" not in out
    assert DataSubject.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "dob", "why"),
    [
        ("Zoë O'Brien", "", "no date of birth to compare"),
        ("Zoë O'Brien", "2015-02-03", "date of birth with day and month swapped"),
        ("Zoë Anne O Brien Smith", "2015-03-02", "a weaker name match with the same date of birth"),
    ],
)
def test_a_doubtful_match_is_reported_and_gets_a_new_person(tmp_path: Path, name: str, dob: str, why: str) -> None:
    run(csv_file(tmp_path, [row()]))
    held = DataSubjectRecord.objects.get()
    code, out, _ = run(csv_file(tmp_path, [row(record="GMP-9", name=name, date_of_birth=dob)]))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith(f"row 2: doubtful match with {held.reference} ('Zoë O'Brien': ")
    assert why in lines[0] and lines[0].endswith("recorded as a new person")
    assert lines[-1] == "imported 1 new, 0 updated, 0 unchanged records about 1 people in 1 reviews"
    assert DataSubject.objects.count() == 2


def test_an_erased_record_is_not_brought_back(tmp_path: Path, boss: object) -> None:
    from reviews.services import subject_erase
    from rights.effects import ErasureMethod

    run(csv_file(tmp_path, [row()]))
    record = DataSubjectRecord.objects.get()
    subject_erase(
        record=record, by=boss, method=ErasureMethod.DESTROY, reason="Art 17 request", request_reference="SAR-1"
    )
    code, _, err = run(csv_file(tmp_path, [row()]))
    assert code == 2
    assert err.startswith("row 2, column record: Greater Manchester Police's record GMP-1 was ")
    assert f"({record.reference}); an erased record is not brought back" in err


def test_the_service_reports_progress_and_is_refused_to_non_managers(tmp_path: Path, worker: object) -> None:
    data = csv_file(
        tmp_path, [row(record=f"GMP-{i}", name=f"Child {chr(65 + i % 26)} Hart") for i in range(3)]
    ).read_bytes()
    seen: list[tuple[int, int]] = []
    result = holdings_import(file_name="r.csv", data=data, progress=lambda done, total: seen.append((done, total)))
    assert result.new == 3 and seen[-1] == (3, 3)
    from rights import ApplicationError

    with pytest.raises(ApplicationError):
        holdings_import(file_name="r.csv", data=data, by=worker)  # type: ignore[arg-type]
    with pytest.raises(ImportRefused):
        holdings_import(file_name="r.csv", data=b"")
