"""import_register: a legacy register of past requests comes in as cases, all or nothing, on the register's dates."""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from requests_app.casefile import case_export, case_import
from requests_app.casefile.register import COLUMNS, EVIDENCE_NOTE
from requests_app.models import Evidence, EvidenceKind, RightsRequest, Status, TransitionEvent
from requests_app.reporting.figures import first_answers
from requests_app.reporting.periods import Period
from requests_app.selectors import working_calendar
from rights import due_date

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "request-register.csv"
HEADER = "reference,kind,received,subject_name,status"


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_register", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "register.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def local_day(at: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(at) if at is not None else None


@pytest.fixture
def clerk(staff: dict[str, User]) -> str:
    return staff["caseworker"].username


@pytest.mark.django_db
def test_the_example_register_comes_in_at_its_statuses_on_its_dates(clerk: str) -> None:
    code, out, err = run(str(EXAMPLE), "--verified-by", clerk)

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "imported 7 requests (3 access, 1 rectification, 1 erasure, 1 portability, 1 objection)"
    ]
    status = dict(RightsRequest.objects.values_list("reference", "status"))
    assert status == {
        "RR-2025-0101": Status.CLOSED,
        "RR-2025-0102": Status.REFUSED,
        "RR-2025-0103": Status.CLOSED,
        "RR-2025-0104": Status.WITHDRAWN,
        "RR-2025-0105": Status.REJECTED,
        "RR-2026-0106": Status.IN_PROGRESS,
        "RR-2026-0107": Status.AWAITING_IDENTITY,
    }

    # A closed access request: answered (disclosed) and closed on the register's days, not today.
    access = RightsRequest.objects.get(reference="RR-2025-0101")
    steps = list(access.transitions.exclude(transition__in=["log", "import"]).order_by("at", "pk"))
    assert [e.to_status for e in steps][-2:] == [Status.DISCLOSED, Status.CLOSED]
    assert {local_day(e.at) for e in steps if e.to_status == Status.DISCLOSED} == {dt.date(2025, 2, 3)}
    assert local_day(steps[-1].at) == dt.date(2025, 2, 10)
    assert all(local_day(e.at) == dt.date(2025, 1, 8) for e in steps[:-2])  # work began when identity arrived
    assert local_day(access.closed_at) == dt.date(2025, 2, 10)
    closing = access.history.filter(status=Status.CLOSED).order_by("history_date", "history_id").first()
    assert closing is not None and local_day(closing.history_date) == dt.date(2025, 2, 10)
    # The statute computed the due date: identity on 8 January (the UK date), a month on, Saturday 8 February -> Monday.
    assert access.clock_started == dt.date(2025, 1, 8)
    assert access.due_date == dt.date(2025, 2, 10)
    evidence = {e.kind: e for e in access.evidence.all()}
    assert set(evidence) == {EvidenceKind.IDENTITY, EvidenceKind.AUTHORITY, EvidenceKind.CHILD_CONSENT}  # Alex was 14
    assert {e.description for e in evidence.values()} == {EVIDENCE_NOTE}
    assert evidence[EvidenceKind.IDENTITY].seen_on == dt.date(2025, 1, 8)
    assert evidence[EvidenceKind.IDENTITY].seen_by.username == clerk
    assert access.requester is not None and access.requester.full_name == "Sam Example"
    assert access.representative_role == "parent"

    # The reports count the answer in February 2025, and on time.
    answered = first_answers(Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
    assert sorted(answered.values_list("request__reference", flat=True)) == ["RR-2025-0101"]

    refused = RightsRequest.objects.get(reference="RR-2025-0102")
    assert refused.refusal_ground == "public_task"
    assert refused.decision_reasons == "Needed for the statutory review"
    assert local_day(refused.transitions.get(to_status=Status.REFUSED).at) == dt.date(2025, 3, 1)

    withdrawn = RightsRequest.objects.get(reference="RR-2025-0104")
    assert local_day(withdrawn.closed_at) == dt.date(2025, 4, 15)
    assert withdrawn.transitions.get(to_status=Status.WITHDRAWN).reason == "The requester withdrew by phone"
    assert not withdrawn.evidence.exists()  # withdrawn before identity was seen

    # An open request at its stage, with its statutory date computed from the identity date.
    open_request = RightsRequest.objects.get(reference="RR-2026-0106")
    assert open_request.closed_at is None
    assert (
        open_request.due_date
        == due_date(
            received=dt.date(2026, 11, 16),
            started=dt.date(2026, 11, 18),
            clarifications=[],
            extended=False,
            calendar=working_calendar(),
        ).due
    )
    waiting = RightsRequest.objects.get(reference="RR-2026-0107")
    assert not waiting.evidence.exists() and waiting.identity_verified_at is None


@pytest.mark.django_db
def test_dry_run_says_what_would_come_in_and_writes_nothing(clerk: str) -> None:
    code, out, err = run(str(EXAMPLE), "--dry-run", "--verified-by", clerk)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "row 2: RR-2025-0101 access, closed, due 2025-02-10"
    assert lines[-1] == "would import 7 requests (3 access, 1 rectification, 1 erasure, 1 portability, 1 objection)"
    assert len(lines) == 8
    assert not RightsRequest.objects.exists()
    assert not Evidence.objects.exists()
    assert not TransitionEvent.objects.exists()


@pytest.mark.django_db
def test_a_register_imported_again_is_refused_whole(clerk: str) -> None:
    assert run(str(EXAMPLE), "--verified-by", clerk)[0] == 0
    before = TransitionEvent.objects.count()

    code, out, err = run(str(EXAMPLE), "--verified-by", clerk)

    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 7
    assert lines[0] == "row 2, column reference: a request with reference RR-2025-0101 already exists"
    assert RightsRequest.objects.count() == 7
    assert TransitionEvent.objects.count() == before


@pytest.mark.django_db
def test_an_xlsx_register_with_date_cells(tmp_path: Path, clerk: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            cells: list[object] = list(row)
            if number and row[2]:
                cells[2] = dt.date.fromisoformat(row[2])  # received as a real date cell
            sheet.append(cells)
    path = tmp_path / "register.xlsx"
    book.save(path)

    code, out, err = run(str(path), "--verified-by", clerk)

    assert (code, err) == (0, "")
    assert out.strip() == "imported 7 requests (3 access, 1 rectification, 1 erasure, 1 portability, 1 objection)"
    assert RightsRequest.objects.get(reference="RR-2025-0103").received == dt.date(2025, 3, 3)


@pytest.mark.django_db
def test_the_verified_by_column_overrides_the_option(tmp_path: Path, staff: dict[str, User]) -> None:
    path = write(
        tmp_path,
        f"{HEADER},verified_by\nRR-2025-0201,access,2025-01-06,Ann Lee,in_progress,{staff['manager'].username}\n",
    )
    assert run(path)[0] == 0
    assert RightsRequest.objects.get().evidence.get().seen_by == staff["manager"]


ROW_ERRORS = [
    pytest.param(
        "reference,kind,received,subject_name,status,colour\nRR-2025-0301,access,2025-01-06,A B,received,red\n",
        f"row 1, column colour: unknown column; the columns allowed are {', '.join(COLUMNS)}",
        id="unknown-column",
    ),
    pytest.param(
        "reference,kind,received,subject_name\nRR-2025-0301,access,2025-01-06,A B\n",
        f"row 1, column status: required column missing; the columns allowed are {', '.join(COLUMNS)}",
        id="missing-column",
    ),
    pytest.param(
        "reference,kind,received,subject_name,status,status\nRR-2025-0301,access,2025-01-06,A B,received,received\n",
        "row 1, column status: the column appears twice",
        id="column-twice",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,access,2025-01-06,,received\n",
        "row 2, column subject_name: empty; a value is required",
        id="empty",
    ),
    pytest.param(
        f"{HEADER}\nSAR/19/1,access,2025-01-06,A B,received\n",
        "row 2, column reference: 'SAR/19/1' is not a reference like RR-2019-0042",
        id="reference",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,acess,2025-01-06,A B,received\n",
        "row 2, column kind: 'acess' is not one of inform, access, rectification, erasure, restriction, portability, objection, automated_decision_making",
        id="kind",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,portability,2025-01-06,A B,disclosed\n",
        "row 2, column status: 'disclosed' is not one of received, awaiting_identity, awaiting_fee, in_progress, answered, refused, withdrawn, closed",
        id="status-of-another-kind",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,access,2025-02-30,A B,received\n",
        "row 2, column received: '2025-02-30' is not a real date",
        id="unreal-date",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,access,March 2025,A B,received\n",
        "row 2, column received: 'March 2025' is not a date: write it as YYYY-MM-DD or DD/MM/YYYY",
        id="date-form",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,access,2099-01-06,A B,received\n",
        "row 2, column received: 2099-01-06 is in the future",
        id="future",
    ),
    pytest.param(
        f"{HEADER},requester_name\nRR-2025-0301,access,2025-01-06,A B,received,C D\n",
        "row 2, column requester_role: required with requester_name: one of parent, solicitor, deputy, attorney, other",
        id="requester-role",
    ),
    pytest.param(
        f"{HEADER},requester_role\nRR-2025-0301,access,2025-01-06,A B,received,parent\n",
        "row 2, column requester_role: is given only with requester_name (left empty when the data subject asked)",
        id="role-without-requester",
    ),
    pytest.param(
        f"{HEADER},requester_name,requester_role,requester_authority\nRR-2025-0301,access,2025-01-06,A B,received,C D,parent,lasting_power_of_attorney\n",
        "row 2, column requester_authority: A parent cannot act under lasting power of attorney; expected one of: parental responsibility, written consent.",
        id="authority",
    ),
    pytest.param(
        f"{HEADER},answered\nRR-2025-0301,erasure,2025-01-06,A B,refused,2025-01-20\n",
        "row 2, column refusal_ground: required for a request that is refused (one of manifestly_unfounded, manifestly_excessive, public_task, legal_claims, data_accurate, compelling_grounds, conditions_not_met)",
        id="refusal-ground",
    ),
    pytest.param(
        f"{HEADER},answered,refusal_ground\nRR-2025-0301,erasure,2025-01-06,A B,refused,2025-01-20,data_accurate\n",
        "row 2, column status: a right to erasure request cannot reach 'refused' with the decision this file gives (a refusal or an outcome needs decision.refusal_ground and decision.reasons as its step requires)",
        id="ground-of-another-right",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,access,2025-01-06,A B,withdrawn\n",
        "row 2, column closed: required for a request that is withdrawn (the day it was withdrawn)",
        id="closed-missing",
    ),
    pytest.param(
        f"{HEADER},closed\nRR-2025-0301,access,2025-01-06,A B,in_progress,2025-02-01\n",
        "row 2, column closed: is given only for a closed or withdrawn request (this one is in progress)",
        id="closed-on-open",
    ),
    pytest.param(
        f"{HEADER},answered\nRR-2025-0301,access,2025-01-06,A B,in_progress,2025-02-01\n",
        "row 2, column answered: a request that is in progress was not answered on the way",
        id="answered-on-open",
    ),
    pytest.param(
        f"{HEADER},answered,closed\nRR-2025-0301,access,2025-01-06,A B,closed,2025-02-01,2025-01-20\n",
        "row 2, column closed: 2025-01-20 is before it was answered (2025-02-01)",
        id="closed-before-answered",
    ),
    pytest.param(
        f"{HEADER},answered,refusal_ground\nRR-2025-0301,erasure,2025-01-06,A B,refused,2025-01-02,public_task\n",
        "row 2, column answered: 2025-01-02 is before the request was received (2025-01-06)",
        id="answered-before-received",
    ),
    pytest.param(
        f"{HEADER},outcome\nRR-2025-0301,access,2025-01-06,A B,in_progress,Sent\n",
        "row 2, column outcome: a request that is in_progress has no outcome to note yet",
        id="outcome-on-open",
    ),
    pytest.param(
        f"{HEADER},identity_verified\nRR-2025-0301,access,2025-01-06,A B,awaiting_identity,2025-01-08\n",
        "row 2, column identity_verified: a request that is awaiting_identity has not had identity verified",
        id="identity-while-awaiting",
    ),
    pytest.param(
        f"{HEADER},identity_verified\nRR-2025-0301,access,2025-01-06,A B,in_progress,2025-01-02\n",
        "row 2, column identity_verified: 2025-01-02 is before the request was received",
        id="identity-before-received",
    ),
    pytest.param(
        f"{HEADER},verified_by\nRR-2025-0301,access,2025-01-06,A B,in_progress,nobody\n",
        'row 2, column verified_by: there is no user called "nobody"',
        id="verified-by-unknown",
    ),
    pytest.param(
        f"{HEADER}\nRR-2025-0301,access,2025-01-06,A B,received\nRR-2025-0301,access,2025-01-07,C D,received\n",
        "row 3, column reference: RR-2025-0301 is also on row 2",
        id="reference-twice",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "line"), ROW_ERRORS)
def test_each_error_is_one_line_exit_2_and_nothing_written(tmp_path: Path, clerk: str, text: str, line: str) -> None:
    good = "\nRR-2025-0999,access,2025-01-06,Good Row,received" if text.startswith(HEADER) else ""
    code, out, err = run(write(tmp_path, text.rstrip("\n") + good + "\n"), "--verified-by", clerk)

    assert code == 2
    assert out == ""
    assert err.splitlines() == [line]
    assert not RightsRequest.objects.exists()  # the good row was not written either


@pytest.mark.django_db
def test_past_awaiting_identity_without_anyone_to_record_the_check(tmp_path: Path) -> None:
    code, _, err = run(write(tmp_path, f"{HEADER}\nRR-2025-0301,access,2025-01-06,A B,in_progress\n"))
    assert code == 2
    assert err.strip() == (
        "row 2, column verified_by: required for a request past awaiting identity (the username of the caseworker "
        "or Manager who checked it), or give --verified-by"
    )


@pytest.mark.django_db
def test_every_bad_row_gets_its_line(tmp_path: Path) -> None:
    text = f"{HEADER}\nRR-2025-0301,acess,2025-01-06,A B,received\nRR-2025-0302,access,2025-01-06,,received\n"
    code, _, err = run(write(tmp_path, text))
    assert code == 2
    assert [line.split(":")[0] for line in err.splitlines()] == ["row 2, column kind", "row 3, column subject_name"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "line"),
    [
        ("register.csv", b"", "register.csv is empty: it needs a header row and at least one row of data."),
        ("register.csv", HEADER.encode() + b"\n", "register.csv has a header row but no rows of data."),
        (
            "register.csv",
            b"reference\n\xff\xfe\n",
            "register.csv is not UTF-8 text (byte 11 cannot be read): save it as 'CSV UTF-8' and try again.",
        ),
        (
            "register.xls",
            b"\xd0\xcf\x11\xe0old excel",
            "register.xls is not a CSV or XLSX file: save it as CSV UTF-8 or as an Excel workbook (.xlsx).",
        ),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_line(tmp_path: Path, name: str, data: bytes, line: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(str(path))
    assert (code, out, err.splitlines()) == (2, "", [line])


@pytest.mark.django_db
def test_a_missing_file(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nowhere.csv"))
    assert code == 2
    assert err.startswith(f"{tmp_path / 'nowhere.csv'}: cannot be read")


@pytest.mark.django_db
def test_headers_and_values_are_forgiving_of_case_and_spaces(tmp_path: Path, clerk: str) -> None:
    text = "Reference,Kind,Received,Subject_Name,Status\nrr-2025-0401,Automated decision making,06/01/2025,A B,In progress\n"
    code, out, err = run(write(tmp_path, text), "--verified-by", clerk)
    assert (code, err) == (0, "")
    request = RightsRequest.objects.get()
    assert (request.reference, request.kind, request.status) == (
        "RR-2025-0401",
        "automated_decision_making",
        "in_progress",
    )
    assert out.strip() == "imported 1 request (1 automated_decision_making)"


@pytest.mark.django_db
def test_an_exported_case_keeps_its_step_dates_when_imported_again(clerk: str, tmp_path: Path) -> None:
    assert run(str(EXAMPLE), "--verified-by", clerk)[0] == 0
    exported = case_export(request=RightsRequest.objects.get(reference="RR-2025-0101"))
    assert exported["status_dates"] == {"answered": "2025-02-03", "closed": "2025-02-10"}
    exported["reference"] = "RR-2025-0901"
    again = case_import(data=exported, folder=tmp_path, today=dt.date(2026, 6, 1))
    steps = list(again.transitions.exclude(transition__in=["log", "import"]).order_by("at", "pk"))
    assert {local_day(e.at) for e in steps if e.to_status == Status.DISCLOSED} == {dt.date(2025, 2, 3)}
    assert local_day(steps[-1].at) == dt.date(2025, 2, 10) == local_day(again.closed_at)
    assert case_export(request=again)["status_dates"] == exported["status_dates"]
