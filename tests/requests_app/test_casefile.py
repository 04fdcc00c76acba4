"""The JSON case format: import validates everything and writes all or nothing; export round-trips."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app import casefile
from requests_app.casefile import (
    CaseFileError,
    case_export,
    case_import,
    importer,
    register_section,
    unregister_section,
)
from requests_app.models import ClockEvent, ClockEventKind, Letter, RightsRequest, Status
from requests_app.services.clock import deadline_for
from rights import ApplicationError, Authority, RepresentativeRole
from tests import factories

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CASES = PROJECT_ROOT / "tests" / "fixtures" / "cases"
EXAMPLE = CASES / "access-by-parent.json"
FULL = CASES / "full-rectification.json"
TODAY = dt.date(2026, 11, 25)


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def import_file(path: Path) -> str:
    out = StringIO()
    call_command("import_case", str(path), stdout=out)
    return out.getvalue()


def export(reference: str) -> dict[str, Any]:
    out = StringIO()
    call_command("export_case", reference, stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def write_case(tmp_path: Path, data: Any, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def model_counts() -> dict[str, int]:
    """Rows in every model of the project (history tables included) and in auth."""
    labels = ("requests_app", "auth")
    return {
        model._meta.label: model._default_manager.count()
        for label in labels
        for model in apps.get_app_config(label).get_models()
    }


# --- import ----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_prints_only_the_reference_and_writes_the_whole_case() -> None:
    assert import_file(EXAMPLE) == "RR-2026-0001\n"

    request = RightsRequest.objects.select_related("subject", "requester").get(reference="RR-2026-0001")
    assert request.kind == "access"
    assert request.channel == "letter"
    assert request.received == dt.date(2026, 3, 2)
    assert request.status == Status.RECEIVED
    assert request.subject.full_name == "Alex Example"
    assert request.subject.date_of_birth == dt.date(2012, 5, 1)
    assert request.subject.address == "1 High Street, Stockport SK1 1AA"
    assert request.requester is not None and request.requester.full_name == "Sam Example"
    assert request.representative_role == "parent"
    assert request.authority == "parental_responsibility"

    letters = list(request.letters.all())
    assert [(letter.direction, letter.date, letter.method, letter.summary) for letter in letters] == [
        ("in", dt.date(2026, 3, 2), "post", "Request for Alex's records")
    ]
    events = [(e.event, e.date, e.reason) for e in request.clock_events.order_by("date", "pk")]
    assert events == [
        (ClockEventKind.IDENTITY_RECEIVED, dt.date(2026, 3, 5), ""),
        (ClockEventKind.CLARIFICATION_ASKED, dt.date(2026, 3, 6), ""),
        (ClockEventKind.CLARIFICATION_ANSWERED, dt.date(2026, 3, 9), ""),
        (ClockEventKind.EXTENDED, dt.date(2026, 3, 20), "complex"),
    ]
    # Start 5 March (identity), three months to 5 June, plus 4 clarification days: Tuesday 9 June 2026.
    assert request.due_date == dt.date(2026, 6, 9)
    assert request.due_date == deadline_for(request).due
    assert request.clock_started == dt.date(2026, 3, 5)
    assert request.extended is True
    assert [t.transition for t in request.transitions.order_by("pk")] == ["log", "import"]
    assert request.history.count() >= 1


@pytest.mark.django_db
def test_import_full_case_with_optional_keys(staff: dict[str, User]) -> None:
    assert import_file(FULL) == "RR-2026-0002\n"
    request = RightsRequest.objects.select_related("subject").get(reference="RR-2026-0002")
    assert request.assigned_to == staff["caseworker"]
    assert request.is_restricted is True
    assert request.restricted_reason == "The data subject's aunt works in the partnership team."
    assert request.subject.previous_name_list == ["Chloe Ashworth"]
    assert request.subject.email == "chloe.brennan@example.org"
    assert request.subject.phone == "07700 900123"
    assert request.requester is None and request.representative_role == "self"
    identity = request.clock_events.get(event=ClockEventKind.IDENTITY_RECEIVED)
    assert identity.letter is not None and identity.letter.summary == "Copy of passport and a council tax bill"
    asked = request.clock_events.get(event=ClockEventKind.CLARIFICATION_ASKED)
    assert asked.letter is not None and asked.letter.template == "clarification_request"
    assert not request.clock_events.filter(event=ClockEventKind.CLARIFICATION_ANSWERED).exists()
    assert Letter.objects.get(request=request, template="identity_request").direction == "out"
    evidence = request.evidence.get()
    assert (evidence.kind, evidence.seen_by, evidence.seen_on) == (
        "identity",
        staff["caseworker"],
        dt.date(2026, 4, 20),
    )
    assert request.identity_verified_at is not None
    # The status was reached through the state machine, as a record: no new letters, no new clock events.
    assert request.status == Status.AWAITING_CLARIFICATION
    assert request.paused_from == Status.ASSESSING
    assert [(t.transition, t.from_status, t.to_status) for t in request.transitions.order_by("pk")] == [
        ("log", "received", "received"),
        ("import", "received", "received"),
        ("start_work", "received", "assessing"),
        ("ask_clarification", "assessing", "awaiting_clarification"),
    ]
    assert request.letters.count() == 4
    assert request.clock_events.count() == 2
    # The step's event records the question and why it was asked (the file gave no "why": the import says so).
    assert request.transitions.get(transition="ask_clarification").reason == (
        "Which of three reviews holds the error Why: Recorded when the case was imported from a case file."
    )
    assert request.clock_events.get(event="clarification_asked").reason == "Which of three reviews holds the error"


# --- round trip ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", [EXAMPLE, FULL], ids=["example", "full"])
def test_export_then_import_round_trips(path: Path, staff: dict[str, User], tmp_path: Path) -> None:
    original = load(path)
    import_file(path)
    exported = export(original["reference"])
    expected = {"status": "received", **original}  # the example gives no status: it is logged as received
    assert exported == expected
    assert list(exported)[:5] == ["format", "reference", "kind", "received", "channel"]

    exported["reference"] = "RR-2026-0900"
    import_file(write_case(tmp_path, exported))
    again = export("RR-2026-0900")
    assert again == {**exported, "reference": "RR-2026-0900"}
    assert {key: value for key, value in again.items() if key != "reference"} == {
        key: value for key, value in expected.items() if key != "reference"
    }


@pytest.mark.django_db
def test_export_is_stable_text_with_indent_two() -> None:
    import_file(EXAMPLE)
    first, second = StringIO(), StringIO()
    call_command("export_case", "RR-2026-0001", stdout=first)
    call_command("export_case", "RR-2026-0001", stdout=second)
    assert first.getvalue() == second.getvalue()
    assert first.getvalue().startswith('{\n  "format": "rights-desk-case/1",\n  "reference": "RR-2026-0001",')
    assert first.getvalue().endswith("}\n")


@pytest.mark.django_db
def test_export_of_a_logged_request_round_trips(tmp_path: Path) -> None:
    """A request logged through the service (not imported) exports and re-imports to the same JSON."""
    request = factories.make_request(
        received=dt.date(2026, 9, 1),
        requester_name="Pat Solicitor",
        role=RepresentativeRole.SOLICITOR,
        authority=Authority.WRITTEN_CONSENT,
        subject_dob=dt.date(1990, 1, 2),
        today=TODAY,
    )
    exported = case_export(request=request)
    assert exported["representative"] == {"role": "solicitor", "authority": "written_consent"}
    assert exported["summary"] == "All records held about me"
    assert "letters" in exported and exported["letters"] == []
    exported["reference"] = "RR-2026-0901"
    case_import(data=exported, folder=tmp_path, today=TODAY)
    again = case_export(request=RightsRequest.objects.get(reference="RR-2026-0901"))
    assert again == exported


@pytest.mark.django_db
def test_export_unknown_reference_exits_2() -> None:
    with pytest.raises(CommandError) as caught:
        call_command("export_case", "RR-2026-0404")
    assert caught.value.returncode == 2
    assert "RR-2026-0404" in str(caught.value)


# --- validation: every error names its field and nothing is written ----------------------------------------------


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()

BAD_CASES: list[tuple[str, tuple[Any, ...], Any, str]] = [
    ("wrong format", ("format",), "rights-desk-case/2", "format: "),
    ("missing format", ("format",), _DELETE, "format: is required"),
    ("bad reference", ("reference",), "RR-26-1", "reference: "),
    ("missing reference", ("reference",), _DELETE, "reference: is required"),
    ("unknown kind", ("kind",), "acess", 'kind: "acess" is not one of inform, access,'),
    ("bad channel", ("channel",), "pigeon", 'channel: "pigeon" is not one of letter,'),
    ("received not a date", ("received",), "02/03/2026", 'received: "02/03/2026" is not a date in the form YYYY-MM-DD'),
    ("received impossible", ("received",), "2026-02-30", "received: 2026-02-30 is not a real date"),
    ("received in the future", ("received",), "2999-01-01", "received: 2999-01-01 is in the future"),
    ("bad status", ("status",), "finished", 'status: "finished" is not one of received,'),
    ("subject name missing", ("subject", "name"), _DELETE, "subject.name: is required"),
    ("subject name blank", ("subject", "name"), "  ", "subject.name: must not be empty"),
    ("subject not an object", ("subject",), "Alex", "subject: must be an object, not a string"),
    ("subject unknown key", ("subject", "nmae"), "Alex", "subject.nmae: unknown key"),
    (
        "bad date of birth",
        ("subject", "date_of_birth"),
        "2012-13-01",
        "subject.date_of_birth: 2012-13-01 is not a real date",
    ),
    ("bad email", ("subject", "email"), "not-an-email", 'subject.email: "not-an-email" is not an email address'),
    ("previous names not a list", ("subject", "previous_names"), "Al", "subject.previous_names: must be an array"),
    ("requester name missing", ("requester", "name"), _DELETE, "requester.name: is required"),
    ("bad role", ("representative", "role"), "uncle", 'representative.role: "uncle" is not one of self, parent,'),
    ("bad authority", ("representative", "authority"), "verbal", 'representative.authority: "verbal" is not one of'),
    (
        "authority not for role",
        ("representative", "authority"),
        "lasting_power_of_attorney",
        "representative.authority: A parent cannot act under lasting power of attorney",
    ),
    ("representative without requester", ("requester",), _DELETE, "requester: A parent is asking: enter who they are."),
    ("requester without representative", ("representative",), _DELETE, "representative: is required when a requester"),
    (
        "self with a requester",
        ("representative", "role"),
        "self",
        "representative.role: A requester who is not the data subject needs a representative role.",
    ),
    (
        "parental responsibility for an adult",
        ("subject", "date_of_birth"),
        "1990-01-01",
        "representative.authority: parental responsibility ends at 18; the data subject was 36",
    ),
    ("unknown top-level key", ("notes",), [], "notes: unknown key"),
    ("letters not a list", ("letters",), {"a": 1}, "letters: must be an array, not an object"),
    (
        "letter direction",
        ("letters", 0, "direction"),
        "sideways",
        'letters[0].direction: "sideways" is not one of in, out',
    ),
    ("letter method", ("letters", 0, "method"), "fax", 'letters[0].method: "fax" is not one of post,'),
    ("letter date", ("letters", 0, "date"), "yesterday", 'letters[0].date: "yesterday" is not a date'),
    ("letter summary", ("letters", 0, "summary"), _DELETE, "letters[0].summary: is required"),
    ("letter unknown key", ("letters", 0, "colour"), "blue", "letters[0].colour: unknown key"),
    ("clock event unknown", ("clock", 0, "event"), "fee_paid", 'clock[0].event: "fee_paid" is not one of'),
    ("clock date missing", ("clock", 0, "date"), _DELETE, "clock[0].date: is required"),
    (
        "clock before received",
        ("clock", 0, "date"),
        "2026-03-01",
        "clock[0].date: 2026-03-01 is before the request was received (2026-03-02)",
    ),
    (
        "answered before asked",
        ("clock", 1, "answered"),
        "2026-03-05",
        "clock[1].answered: 2026-03-05 is before asked 2026-03-06",
    ),
    ("asked missing", ("clock", 1, "asked"), _DELETE, "clock[1].asked: is required"),
    ("extension reason missing", ("clock", 2, "reason"), _DELETE, "clock[2].reason: is required"),
    (
        "extension too late",
        ("clock", 2, "date"),
        "2026-04-20",
        "clock[2].date: the extension was notified on 2026-04-20, after the first month ended",
    ),
    ("clock letter out of range", ("clock", 0, "letter"), 3, "clock[0].letter: 3 is not the position of a letter"),
    ("clock unknown key", ("clock", 0, "asked"), "2026-03-05", "clock[0].asked: unknown key"),
    ("restricted without reason", ("restricted",), {}, "restricted.reason: is required"),
    ("assigned to nobody", ("assigned_to",), "ghost", 'assigned_to: there is no user called "ghost"'),
    (
        "assigned to a reviewer",
        ("assigned_to",),
        "reviewer",
        "assigned_to: reviewer is not a caseworker or the Manager",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "value", "message"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_every_error_names_its_field_and_writes_nothing(
    path: tuple[Any, ...], value: Any, message: str, staff: dict[str, User], tmp_path: Path
) -> None:
    data = load(EXAMPLE)
    _set(data, path, value)
    before = model_counts()
    with pytest.raises(CommandError) as caught:
        import_file(write_case(tmp_path, data))
    assert caught.value.returncode == 2
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert model_counts() == before


@pytest.mark.django_db
def test_overlapping_and_open_clarifications_are_refused(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    data["clock"].append({"event": "clarification", "asked": "2026-03-08", "answered": "2026-03-10"})
    with pytest.raises(CaseFileError) as caught:
        case_import(data=data, folder=tmp_path, today=TODAY)
    assert caught.value.errors == (
        "clock[3].asked: 2026-03-08 overlaps the clarification at clock[1] (2026-03-06 to 2026-03-09)",
    )

    data = load(EXAMPLE)
    del data["clock"][1]["answered"]
    data["clock"].append({"event": "clarification", "asked": "2026-03-12", "answered": "2026-03-13"})
    with pytest.raises(CaseFileError) as caught:
        case_import(data=data, folder=tmp_path, today=TODAY)
    assert caught.value.errors[0].startswith("clock[3].asked: 2026-03-12 is after the clarification at clock[1]")
    assert RightsRequest.objects.count() == 0


@pytest.mark.django_db
def test_a_second_extension_is_refused(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    data["clock"].append({"event": "extended", "date": "2026-03-25", "reason": "numerous"})
    with pytest.raises(CaseFileError) as caught:
        case_import(data=data, folder=tmp_path, today=TODAY)
    assert caught.value.errors == (
        "clock[3]: the request is already extended at clock[2]; it can be extended only once",
    )


@pytest.mark.django_db
def test_all_errors_of_the_file_are_reported_together(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    data["kind"] = "nope"
    data["subject"]["name"] = ""
    data["letters"][0]["method"] = "fax"
    with pytest.raises(CaseFileError) as caught:
        case_import(data=data, folder=tmp_path, today=TODAY)
    fields = [error.split(":", 1)[0] for error in caught.value.errors]
    assert fields == ["kind", "subject.name", "letters[0].method"]
    assert caught.value.field == "kind"
    assert RightsRequest.objects.count() == 0


@pytest.mark.django_db
def test_not_an_object_and_bad_json_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError) as caught:
        case_import(data=[1, 2], folder=tmp_path, today=TODAY)
    assert caught.value.errors == ("case: must be an object, not an array",)

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(CommandError) as command_error:
        import_file(bad)
    assert command_error.value.returncode == 2
    assert "not valid JSON" in str(command_error.value)

    with pytest.raises(CommandError) as missing:
        import_file(tmp_path / "missing.json")
    assert "no such file" in str(missing.value)


@pytest.mark.django_db
def test_existing_reference_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    import_file(EXAMPLE)
    before = model_counts()
    data = load(EXAMPLE)
    data["subject"]["name"] = "Someone Else"
    with pytest.raises(CommandError) as caught:
        import_file(write_case(tmp_path, data))
    assert caught.value.returncode == 2
    assert str(caught.value) == "reference: a request with reference RR-2026-0001 already exists"
    assert model_counts() == before
    assert RightsRequest.objects.get().subject.full_name == "Alex Example"


@pytest.mark.django_db
def test_a_failure_during_the_write_rolls_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error after the request, letters and clock were written leaves no trace of any of them."""

    def boom(**kwargs: Any) -> Any:
        raise ApplicationError("The clock events do not fit together: test.", field="clock")

    monkeypatch.setattr(importer, "request_refresh_due_date", boom)
    before = model_counts()
    with pytest.raises(CaseFileError) as caught:
        case_import(data=load(EXAMPLE), folder=tmp_path, today=TODAY)
    assert str(caught.value) == "clock: The clock events do not fit together: test."
    assert model_counts() == before


# --- the command line, in a separate process ------------------------------------------------------------------------


def run_import(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    return subprocess.run(  # noqa: S603 - a fixed command with this interpreter
        [sys.executable, "manage.py", "import_case", str(path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            lambda d: d["clock"][1].update(answered="2026-03-01"),
            "clock[1].answered: 2026-03-01 is before asked 2026-03-06",
            id="answered before asked",
        ),
        pytest.param(
            lambda d: d.update(kind="complaint"), 'kind: "complaint" is not one of inform, access,', id="bad kind"
        ),
        pytest.param(None, "not valid JSON", id="bad JSON"),
    ],
)
def test_cli_exits_2_with_one_line_on_stderr(mutate: Any, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    if mutate is None:
        path.write_text("{not json", encoding="utf-8")
    else:
        data = load(EXAMPLE)
        mutate(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    result = run_import(path, tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


# --- extension sections --------------------------------------------------------------------------------------------


NOTES: dict[int, list[str]] = {}


def _validate_notes(value: Any, folder: Path) -> list[str]:
    if not isinstance(value, list):
        return ["notes: must be an array"]
    errors = [f"notes[{i}]: must be a string" for i, item in enumerate(value) if not isinstance(item, str)]
    errors += [
        f"notes[{i}].file: {item} does not exist"
        for i, item in enumerate(value)
        if isinstance(item, str) and item.startswith("file:") and not (folder / item[5:]).exists()
    ]
    return errors


def _import_notes(request: RightsRequest, value: Any, folder: Path, by: User | None) -> None:
    assert RightsRequest.objects.filter(pk=request.pk).exists()  # after the core import
    if "explode" in value:
        raise ApplicationError("cannot store that note", field="notes")
    NOTES[request.pk] = list(value)
    Letter.objects.create(request=request, direction="out", date=request.received, summary="Notes filed", created_by=by)


def _export_notes(request: RightsRequest) -> Any:
    return NOTES.get(request.pk)


def _write_notes(request: RightsRequest, folder: Path) -> list[Path]:
    target = folder / "notes" / f"{request.reference}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(NOTES.get(request.pk, [])), encoding="utf-8")
    return [target]


@pytest.fixture
def notes_section() -> Any:
    register_section(
        "notes", validate=_validate_notes, import_=_import_notes, export=_export_notes, write_files=_write_notes
    )
    NOTES.clear()
    yield
    unregister_section("notes")
    NOTES.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("notes_section")
def test_a_registered_section_is_validated_imported_and_exported(tmp_path: Path) -> None:
    (tmp_path / "scan.txt").write_text("x", encoding="utf-8")
    data = load(EXAMPLE)
    data["notes"] = ["first", "file:scan.txt"]
    request = case_import(data=data, folder=tmp_path, today=TODAY)
    assert NOTES[request.pk] == ["first", "file:scan.txt"]
    exported = case_export(request=request)
    assert exported["notes"] == ["first", "file:scan.txt"]
    assert list(exported)[-1] == "notes"

    without = load(EXAMPLE)
    without["reference"] = "RR-2026-0003"
    other = case_import(data=without, folder=tmp_path, today=TODAY)
    assert "notes" not in case_export(request=other)  # export returned None: key left out


@pytest.mark.django_db
@pytest.mark.usefixtures("notes_section")
def test_section_errors_are_reported_with_the_core_errors(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    data["notes"] = [1, "file:missing.pdf"]
    data["channel"] = "fax"
    with pytest.raises(CaseFileError) as caught:
        case_import(data=data, folder=tmp_path, today=TODAY)
    assert caught.value.errors == (
        'channel: "fax" is not one of letter, email, phone, in_person, web',
        "notes[0]: must be a string",
        "notes[1].file: file:missing.pdf does not exist",
    )
    assert RightsRequest.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("notes_section")
def test_a_section_failing_on_import_rolls_back_the_whole_case(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    data["notes"] = ["explode"]
    before = model_counts()
    with pytest.raises(CaseFileError) as caught:
        case_import(data=data, folder=tmp_path, today=TODAY)
    assert str(caught.value) == "notes: cannot store that note"
    assert model_counts() == before


def test_core_keys_cannot_be_registered() -> None:
    with pytest.raises(ValueError, match="core key"):
        register_section("clock", validate=_validate_notes, import_=_import_notes, export=_export_notes)


def test_an_unregistered_section_is_an_unknown_key(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    data["notes"] = []
    with pytest.raises(CaseFileError) as caught:
        casefile.case_validate(data, folder=tmp_path, today=TODAY)
    assert caught.value.errors == ("notes: unknown key",)


@pytest.mark.django_db
def test_example_is_not_mutated_by_import(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    snapshot = copy.deepcopy(data)
    case_import(data=data, folder=tmp_path, today=TODAY)
    assert data == snapshot
    assert ClockEvent.objects.count() == 4


# --- status: reached through the state machine ----------------------------------------------------------------------


def self_request(**extra: Any) -> dict[str, Any]:
    """A data subject asking for themselves, identity seen, ready to be worked."""
    case: dict[str, Any] = {
        "format": "rights-desk-case/1",
        "reference": "RR-2026-0100",
        "kind": "rectification",
        "received": "2026-09-01",
        "subject": {"name": "Jade Ellison", "date_of_birth": "1999-02-03", "address": "3 Orchard Bank, Stockport"},
        "evidence": [
            {"kind": "identity", "description": "Passport ending 123", "seen_on": "2026-09-03", "seen_by": "caseworker"}
        ],
        "letters": [{"direction": "in", "date": "2026-09-01", "summary": "Asks for a correction"}],
        "clock": [{"event": "identity_received", "date": "2026-09-03"}],
    }
    case.update(extra)
    return case


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_a_refused_rectification_with_a_statement_replays_decline_then_statement(tmp_path: Path) -> None:
    decision = {
        "refusal_ground": "data_accurate",
        "reasons": "The school's register confirms the dates.",
        "supplementary_statement": "I was at my nan's that year.",
    }
    request = case_import(data=self_request(status="refused", decision=decision), folder=tmp_path, today=TODAY)
    assert request.status == Status.REFUSED
    assert (request.refusal_ground, request.decision_reasons, request.supplementary_statement) == (
        "data_accurate",
        "The school's register confirms the dates.",
        "I was at my nan's that year.",
    )
    steps = list(request.transitions.order_by("pk").values_list("transition", "by"))
    assert steps == [
        ("log", None),
        ("import", None),
        ("start_work", None),
        ("decline", None),
        ("add_supplementary_statement", None),
    ]
    assert request.letters.count() == 1  # record only: the steps wrote no letters
    assert request.clock_events.count() == 1
    exported = case_export(request=request)
    assert exported["status"] == "refused" and exported["decision"] == decision


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_processing_restricted_is_reached_by_its_step(tmp_path: Path) -> None:
    request = case_import(
        data=self_request(status="assessing", processing_restricted=True), folder=tmp_path, today=TODAY
    )
    assert request.processing_restricted is True
    assert request.transitions.filter(transition="restrict_processing").exists()
    assert case_export(request=request)["processing_restricted"] is True


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_withdrawn_keeps_its_reason(tmp_path: Path) -> None:
    request = case_import(
        data=self_request(status="withdrawn", status_reason="Phoned to withdraw."), folder=tmp_path, today=TODAY
    )
    assert request.status == Status.WITHDRAWN
    assert request.transitions.get(transition="withdraw").reason == "Phoned to withdraw."
    assert case_export(request=request)["status_reason"] == "Phoned to withdraw."


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_steps_are_taken_by_the_actor_with_the_right_role(tmp_path: Path) -> None:
    manager = User.objects.get(username="manager")
    caseworker = User.objects.get(username="caseworker")
    decision = {"reasons": "Deleted from the shared drive."}
    case = {**self_request(status="erased", decision=decision), "kind": "erasure"}
    request = case_import(
        data=case,
        folder=tmp_path,
        by=manager,
        today=TODAY,
        actor=lambda allowed: caseworker if "Caseworker" in allowed else manager,
    )
    by_step = dict(request.transitions.values_list("transition", "by__username"))
    assert by_step == {"log": "manager", "import": "manager", "start_work": "caseworker", "erase": "manager"}


STATUS_ERRORS: list[tuple[str, dict[str, Any], str]] = [
    (
        "not a status of the kind",
        {"status": "disclosed"},
        "status: 'disclosed' is not a status of a right to rectification request",
    ),
    (
        "guard refuses: identity not verified",
        {"status": "assessing", "evidence": []},
        "status: on the way to assessing, step 'start_work' was refused: You cannot start work yet: "
        "The requester's identity has not been verified",
    ),
    (
        "a decision no step records",
        {"status": "assessing", "decision": {"reasons": "Corrected."}},
        "decision.reasons: no step on the way to assessing records it",
    ),
    (
        "no path without the decision",
        {"status": "rectified"},
        "status: a right to rectification request cannot reach 'rectified' with the decision this file gives",
    ),
    (
        "wrong ground for the step",
        {"status": "refused", "decision": {"refusal_ground": "public_task", "reasons": "Needed."}},
        "status: a right to rectification request cannot reach 'refused'",
    ),
    (
        "awaiting clarification without an open one",
        {"status": "awaiting_clarification"},
        "status: awaiting_clarification needs an open clarification",
    ),
    (
        "open clarification while working",
        {"status": "assessing", "clock": [{"event": "clarification", "asked": "2026-09-04"}]},
        "clock[0].answered: is required unless the status is awaiting_clarification",
    ),
    (
        "status reason on a step that takes none",
        {"status": "assessing", "status_reason": "Because."},
        "status_reason: the step to 'assessing' takes no reason of its own",
    ),
    ("paused_from without clarification", {"paused_from": "assessing"}, "paused_from: is only given when"),
    (
        "statement without a decline",
        {"status": "assessing", "decision": {"supplementary_statement": "Mine."}},
        "decision.supplementary_statement: a right to rectification request that is assessing cannot have",
    ),
    (
        "competence judged by a caseworker",
        {"evidence": [{"kind": "competence", "description": "x", "seen_on": "2026-09-03", "seen_by": "caseworker"}]},
        "evidence[0].seen_by: caseworker is not a professional reviewer or the Manager",
    ),
    (
        "evidence with nobody who saw it",
        {"evidence": [{"kind": "identity", "description": "Passport", "seen_on": "2026-09-03"}]},
        "evidence[0].seen_by: is required (who saw it) when importing from the command line",
    ),
    (
        "authority evidence when asking for oneself",
        {"evidence": [{"kind": "authority", "description": "x", "seen_on": "2026-09-03", "seen_by": "caseworker"}]},
        "evidence[0].kind: authority: the data subject is asking for themselves",
    ),
    (
        "unknown evidence kind",
        {"evidence": [{"kind": "dna", "description": "x", "seen_on": "2026-09-03"}]},
        "evidence[0].kind",
    ),
    (
        "bad refusal ground",
        {"status": "refused", "decision": {"refusal_ground": "because", "reasons": "x"}},
        'decision.refusal_ground: "because" is not one of',
    ),
    (
        "processing restricted not a flag",
        {"processing_restricted": "yes"},
        "processing_restricted: must be true or false",
    ),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
@pytest.mark.parametrize(("extra", "message"), [c[1:] for c in STATUS_ERRORS], ids=[c[0] for c in STATUS_ERRORS])
def test_status_errors_name_their_field_and_write_nothing(extra: dict[str, Any], message: str, tmp_path: Path) -> None:
    before = model_counts()
    with pytest.raises(CaseFileError) as caught:
        case_import(data=self_request(**extra), folder=tmp_path, today=TODAY)
    assert message in str(caught.value)
    assert model_counts() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_logging_needs_a_manager(tmp_path: Path) -> None:
    before = model_counts()
    with pytest.raises(CaseFileError) as caught:
        case_import(data=self_request(), folder=tmp_path, by=User.objects.get(username="caseworker"), today=TODAY)
    assert str(caught.value).startswith("case: Only a manager can log a new request")
    assert model_counts() == before


@pytest.mark.parametrize(
    ("kind", "status", "decision", "expected"),
    [
        (
            "access",
            "closed",
            {},
            ["start_work", "gather_records", "begin_review", "submit_for_sign_off", "approve", "disclose", "close"],
        ),
        ("access", "closed", {"refusal_ground": "manifestly_excessive", "reasons": "x"}, ["refuse", "close"]),
        ("access", "awaiting_identity", {}, ["request_identity"]),
        ("restriction", "lifted", {"reasons": "x"}, ["start_work", "restrict", "lift"]),
        ("objection", "rejected", {"refusal_ground": "legal_claims", "reasons": "x"}, ["start_work", "reject"]),
        ("portability", "answered", {}, ["start_work", "answer"]),
        ("inform", "received", {}, []),
    ],
)
def test_plan_finds_the_shortest_lawful_path(
    kind: str, status: str, decision: dict[str, str], expected: list[str]
) -> None:
    from requests_app.casefile.plan import Wanted, plan

    wanted = Wanted(
        status=status, refusal_ground=decision.get("refusal_ground", ""), decision_reasons=decision.get("reasons", "")
    )
    assert [step.name for step in plan(kind, wanted)] == expected


def test_plan_pauses_for_clarification_where_the_file_says() -> None:
    from requests_app.casefile.plan import Wanted, plan

    steps = plan(
        "access",
        Wanted(
            status="awaiting_clarification",
            paused_from="gathering_records",
            clarification_question="Which?",
            clarification_reason="Six agencies' records",
        ),
    )
    assert [step.name for step in steps] == ["start_work", "gather_records", "ask_clarification"]
    assert steps[-1].data == {"clarification_question": "Which?", "clarification_reason": "Six agencies' records"}


@pytest.mark.django_db
@pytest.mark.usefixtures("notes_section")
def test_export_out_writes_the_case_file_and_the_sections_files(tmp_path: Path) -> None:
    data = load(EXAMPLE)
    data["notes"] = ["first", "second"]
    request = case_import(data=data, folder=tmp_path, today=TODAY)
    target = tmp_path / "out" / "case.json"
    out = StringIO()
    call_command("export_case", request.reference, "--out", str(target), stdout=out)
    notes_file = tmp_path / "out" / "notes" / "RR-2026-0001.txt"
    assert out.getvalue().splitlines() == [str(target), str(notes_file)]
    assert json.loads(target.read_text(encoding="utf-8")) == case_export(request=request)
    assert notes_file.read_text(encoding="utf-8") == "first\nsecond"

    with pytest.raises(CommandError) as caught:
        call_command("export_case", request.reference, "--out", str(target))
    assert caught.value.returncode == 2
    assert "exists already" in str(caught.value)


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_complex_is_an_optional_key_that_round_trips(tmp_path: Path) -> None:
    marked = case_import(data=self_request(status="assessing", complex=True), folder=tmp_path, today=TODAY)
    assert marked.is_complex is True
    reasons = list(marked.history.values_list("history_change_reason", flat=True))  # type: ignore[attr-defined]
    assert "Marked complex: as the imported case file says" in reasons
    exported = case_export(request=marked)
    assert exported["complex"] is True
    assert list(exported).index("complex") == list(exported).index("subject") - 1  # in the table's order
    exported["reference"] = "RR-2026-0102"
    again = case_export(request=case_import(data=exported, folder=tmp_path, today=TODAY))
    assert again == exported
    plain = case_import(data=self_request(reference="RR-2026-0101"), folder=tmp_path, today=TODAY)
    assert plain.is_complex is False  # the default
    assert "complex" not in case_export(request=plain)


@pytest.mark.django_db
def test_complex_must_be_true_or_false(tmp_path: Path) -> None:
    before = model_counts()
    with pytest.raises(CaseFileError, match="complex: must be true or false, not a string"):
        case_import(data=self_request(complex="yes"), folder=tmp_path, today=TODAY)
    assert model_counts() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_previous_addresses_are_an_optional_key_that_round_trips(tmp_path: Path) -> None:
    data = self_request()
    data["subject"] = {**data["subject"], "previous_addresses": ["4 Mill Lane, Stockport SK1 2AB", "9 Park Road, Hyde"]}
    request = case_import(data=data, folder=tmp_path, today=TODAY)
    assert request.subject.previous_address_list == ["4 Mill Lane, Stockport SK1 2AB", "9 Park Road, Hyde"]
    exported = case_export(request=request)
    assert exported["subject"]["previous_addresses"] == data["subject"]["previous_addresses"]
    exported["reference"] = "RR-2026-0103"
    assert case_export(request=case_import(data=exported, folder=tmp_path, today=TODAY)) == exported
    assert (
        "previous_addresses"
        not in case_export(
            request=case_import(data=self_request(reference="RR-2026-0104"), folder=tmp_path, today=TODAY)
        )["subject"]
    )


@pytest.mark.django_db
def test_a_previous_address_is_one_line(tmp_path: Path) -> None:
    data = self_request()
    data["subject"] = {**data["subject"], "previous_addresses": ["4 Mill Lane\nStockport", None]}
    with pytest.raises(CaseFileError) as error:
        case_import(data=data, folder=tmp_path, today=TODAY)
    assert error.value.errors == (
        "subject.previous_addresses[0]: must be one address on one line (its parts separated by commas)",
        "subject.previous_addresses[1]: must be a string, not null",
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
def test_the_extension_ground_round_trips_with_the_other_requests_named(tmp_path: Path) -> None:
    first = case_import(data=self_request(status="assessing"), folder=tmp_path, today=TODAY)
    ground = {"ground": "numerous", "reason": "Two requests in a week", "numerous_with": [first.reference]}
    second = case_import(
        data=self_request(reference="RR-2026-0101", status="assessing", complex=True, extension_ground=ground),
        folder=tmp_path,
        today=TODAY,
    )
    assert (second.extension_ground, [o.reference for o in second.numerous_with.all()]) == (
        "numerous",
        [first.reference],
    )
    exported = case_export(request=second)
    assert exported["extension_ground"] == ground
    assert list(exported)[-1] == "extension_ground"  # added after the first format's keys, which keep their order
    exported["reference"] = "RR-2026-0102"
    assert case_export(request=case_import(data=exported, folder=tmp_path, today=TODAY))["extension_ground"] == ground


@pytest.mark.django_db
@pytest.mark.usefixtures("staff")
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"extension_ground": {"ground": "complex"}}, 'needs "complex": true'),
        ({"complex": True, "extension_ground": {"ground": "numerous"}}, "names the other requests"),
        ({"complex": True, "extension_ground": {"ground": "busy"}}, "is not one of complex, numerous"),
        (
            {"complex": True, "extension_ground": {"ground": "numerous", "numerous_with": ["RR-2026-0999"]}},
            "RR-2026-0999 not on record",
        ),
    ],
)
def test_a_bad_extension_ground_is_refused(tmp_path: Path, extra: dict[str, Any], message: str) -> None:
    with pytest.raises(CaseFileError) as error:
        case_import(data=self_request(status="assessing", **extra), folder=tmp_path, today=TODAY)
    assert message in str(error.value)
    assert not RightsRequest.objects.filter(reference="RR-2026-0100").exists()
