"""Fees in the case file ("fees"): optional, checked field by field, imported as records of the past, round-tripped."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_app.casefile import CaseFileError, case_export, case_import
from requests_app.models import ClockEventKind, Fee, FeeStatus, Letter, RightsRequest, Status
from requests_app.services import letters
from requests_app.services.transitions import request_transition
from tests.factories import FakeLetters, caseworker, make_request, manager, take_steps, verify_identity

TODAY = dt.date(2026, 11, 25)
RECEIVED = dt.date(2026, 3, 2)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("staff")]

PAID_FEE = {
    "basis": "manifestly_excessive",
    "amount_pence": 2500,
    "reason": "The fourth request for the same records this year.",
    "asked_on": "2026-09-04",
    "letter": 1,
    "status": "paid",
    "settled_on": "2026-09-14",
    "settled_reason": "Cheque",
}
WAIVED_FEE = {
    "basis": "manifestly_unfounded",
    "amount_pence": 1000,
    "reason": "Asked only to disrupt the service, as the requester's letter says.",
    "asked_on": "2026-09-20",
    "status": "waived",
    "settled_on": "2026-09-22",
    "settled_reason": "The Manager decided not to charge.",
}


def fee_case(**extra: Any) -> dict[str, Any]:
    """A data subject asking for themselves, with a fee asked and paid, then another asked and waived."""
    case: dict[str, Any] = {
        "format": "rights-desk-case/1",
        "reference": "RR-2026-0200",
        "kind": "rectification",
        "received": "2026-09-01",
        "status": "assessing",
        "subject": {"name": "Jade Ellison", "date_of_birth": "1999-02-03", "address": "3 Orchard Bank, Stockport"},
        "evidence": [
            {"kind": "identity", "description": "Passport ending 123", "seen_on": "2026-09-03", "seen_by": "caseworker"}
        ],
        "letters": [
            {"direction": "in", "date": "2026-09-01", "method": "post", "summary": "Asks for a correction"},
            {
                "direction": "out",
                "date": "2026-09-04",
                "method": "post",
                "summary": "Fee request",
                "template": "fee_request",
            },
        ],
        "clock": [
            {"event": "identity_received", "date": "2026-09-03"},
            {"event": "fee_received", "date": "2026-09-14"},
        ],
        "fees": [PAID_FEE, WAIVED_FEE],
    }
    case.update(extra)
    return case


def test_fees_round_trip_as_records_of_the_past(tmp_path: Path) -> None:
    data = fee_case()
    request = case_import(data=data, folder=tmp_path, today=TODAY)

    fees = list(Fee.objects.filter(request=request).order_by("asked_on"))
    assert [(f.basis, f.amount_pence, f.status, f.asked_on, f.settled_on, f.settled_reason) for f in fees] == [
        ("manifestly_excessive", 2500, FeeStatus.PAID, dt.date(2026, 9, 4), dt.date(2026, 9, 14), "Cheque"),
        (
            "manifestly_unfounded",
            1000,
            FeeStatus.WAIVED,
            dt.date(2026, 9, 20),
            dt.date(2026, 9, 22),
            "The Manager decided not to charge.",
        ),
    ]
    assert fees[0].letter is not None and fees[0].letter.summary == "Fee request"
    assert fees[1].letter is None
    assert all(f.history.first().history_change_reason == "Fee imported from a case file" for f in fees)  # type: ignore[attr-defined]
    # No letter written beyond the file's two, no clock event beyond the file's two.
    assert Letter.objects.filter(request=request).count() == 2
    assert [(e.event, e.date) for e in request.clock_events.order_by("date")] == [
        (ClockEventKind.IDENTITY_RECEIVED, dt.date(2026, 9, 3)),
        (ClockEventKind.FEE_RECEIVED, dt.date(2026, 9, 14)),
    ]
    # UK GDPR Art 12A: the month runs from the day the fee arrived, as the fee_received event already said.
    assert request.clock_started == dt.date(2026, 9, 14) and request.due_date == dt.date(2026, 10, 14)

    exported = case_export(request=request)
    assert exported == {**data, "channel": "letter"}  # the file's other defaults written out
    assert list(exported)[-1] == "fees"  # added after the earlier keys, which keep their order
    exported["reference"] = "RR-2026-0201"
    again = case_export(request=case_import(data=exported, folder=tmp_path, today=TODAY))
    assert again == exported


def test_the_commands_carry_fees_and_refuse_a_bad_one_naming_its_path(tmp_path: Path) -> None:
    data = fee_case()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = StringIO()
    call_command("import_case", str(path), stdout=out)
    assert out.getvalue() == "RR-2026-0200\n"
    exported = StringIO()
    call_command("export_case", "RR-2026-0200", stdout=exported)
    assert json.loads(exported.getvalue())["fees"] == [PAID_FEE, WAIVED_FEE]

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**_with_fee(amount_pence=-1), "reference": "RR-2026-0201"}), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_case", str(bad))
    assert error.value.returncode == 2
    assert "fees[0].amount_pence: -1 is not a sum of money above nothing" in str(error.value)
    assert not RightsRequest.objects.filter(reference="RR-2026-0201").exists()


def test_a_fee_asked_and_paid_on_the_desk_exports_and_reimports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters, "letter_generate", FakeLetters())
    worker, boss = caseworker(), manager()
    request = verify_identity(make_request(received=RECEIVED, today=RECEIVED), by=worker, on=RECEIVED)
    request = take_steps(request, "start_work", user=worker, today=RECEIVED)
    request = request_transition(
        request_id=request.pk,
        user=boss,
        transition="ask_fee",
        expected_version=RightsRequest.objects.get(pk=request.pk).version,
        data={"fee_basis": "manifestly_excessive", "fee_amount": "25", "fee_reason": "The fourth request this year."},
        today=dt.date(2026, 3, 4),
    )
    request = request_transition(
        request_id=request.pk,
        user=worker,
        transition="fee_paid",
        expected_version=request.version,
        data={"paid_on": "2026-03-16", "reason": "Cheque"},
        today=dt.date(2026, 3, 18),
    )
    exported = case_export(request=request)
    assert exported["fees"] == [
        {
            "basis": "manifestly_excessive",
            "amount_pence": 2500,
            "reason": "The fourth request this year.",
            "asked_on": "2026-03-04",
            "letter": next(
                i for i, letter in enumerate(exported["letters"]) if letter.get("template") == "fee_request"
            ),
            "status": "paid",
            "settled_on": "2026-03-16",
            "settled_reason": "Cheque",
        }
    ]
    exported["reference"] = "RR-2026-0202"
    again = case_import(data=exported, folder=tmp_path, today=TODAY)
    assert again.status == Status.IN_PROGRESS and again.due_date == request.due_date
    assert case_export(request=again) == exported


def test_an_old_file_without_fees_still_imports(tmp_path: Path) -> None:
    data = fee_case()
    del data["fees"]
    request = case_import(data=data, folder=tmp_path, today=TODAY)
    assert not Fee.objects.filter(request=request).exists()
    assert request.clock_started == dt.date(2026, 9, 14)  # the fee_received clock event works as before
    assert "fees" not in case_export(request=request)


def _with_fee(**changes: Any) -> dict[str, Any]:
    fee = {**PAID_FEE, **changes}
    return fee_case(fees=[{key: value for key, value in fee.items() if value is not None}])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _with_fee(basis="because"),
            'fees[0].basis: "because" is not one of manifestly_unfounded, manifestly_excessive, further_copies',
        ),
        (_with_fee(amount_pence=-500), "fees[0].amount_pence: -500 is not a sum of money above nothing"),
        (_with_fee(amount_pence=0), "fees[0].amount_pence: 0 is not a sum of money above nothing"),
        (_with_fee(amount_pence="25.00"), 'fees[0].amount_pence: "25.00" is not a whole number of pence'),
        (
            _with_fee(settled_on="2026-09-03"),
            "fees[0].settled_on: 2026-09-03 is before the fee was asked for (2026-09-04)",
        ),
        (
            _with_fee(settled_on=None),
            "fees[0].settled_on: is required for a fee that is paid (the day it was paid)",
        ),
        (
            _with_fee(settled_on="2026-09-15"),
            "fees[0].settled_on: 2026-09-15: the clock has no fee_received event that day",
        ),
        (_with_fee(asked_on="2026-08-30"), "fees[0].asked_on: 2026-08-30 is before the request was received"),
        (_with_fee(basis="further_copies"), "fees[0].basis: A fee for further copies is only for a request under"),
        (_with_fee(amount_pence=10_000_000), "fees[0].amount_pence: A fee of £100,000.00 is more than"),
        (_with_fee(status="asked", settled_on=None, settled_reason=None), "fees[0].status: asked: a fee still awaited"),
        (_with_fee(letter=5), 'fees[0].letter: 5 is not the position of a letter in "letters"'),
        (_with_fee(currency="GBP"), "fees[0].currency"),
        (fee_case(fees={"basis": "x"}), "fees: must be an array, not an object"),
        (
            fee_case(fees=[PAID_FEE, {**WAIVED_FEE, "asked_on": "2026-09-10", "settled_on": "2026-09-11"}]),
            "fees[1].asked_on: 2026-09-10 is before the fee asked on 2026-09-04 was paid (2026-09-14): one fee",
        ),
    ],
    ids=[
        "bad basis",
        "negative amount",
        "zero amount",
        "amount as text",
        "settled before asked",
        "paid without settled_on",
        "paid without its clock event",
        "asked before received",
        "further copies on rectification",
        "above the ceiling",
        "still awaited",
        "no such letter",
        "unknown key",
        "not a list",
        "two fees at once",
    ],
)
def test_a_bad_fee_is_refused_naming_its_path_and_nothing_is_written(
    tmp_path: Path, data: dict[str, Any], message: str
) -> None:
    with pytest.raises(CaseFileError) as error:
        case_import(data=data, folder=tmp_path, today=TODAY)
    assert any(line.startswith(message) for line in error.value.errors), error.value.errors
    assert not RightsRequest.objects.filter(reference="RR-2026-0200").exists()
    assert not Fee.objects.exists()
