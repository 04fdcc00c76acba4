"""`manage.py deadline --complaint`: the s.164A acknowledgement date, reasons first, ISO date last."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings

from requests_app.models import ExtraBankHoliday
from tests.requests_app.test_deadline_command import manage_deadline


@pytest.fixture(autouse=True)
def _no_extra_holidays_from_settings(settings: Settings) -> None:
    settings.EXTRA_BANK_HOLIDAYS = []


def run(*args: str) -> tuple[list[str], list[str]]:
    out, err = StringIO(), StringIO()
    call_command("deadline", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-07-27", "2026-08-26"),  # ICO guidance: 30 days from the day after; a working day
        ("2026-10-01", "2026-11-02"),  # day 30 a Saturday -> Monday
        ("2026-11-25", "2026-12-29"),  # Christmas and the Boxing Day substitute
        ("2027-01-31", "2027-03-02"),  # February's 28 days
    ],
)
def test_prints_reasons_then_the_acknowledgement_date(received: str, due: str) -> None:
    lines, errors = run("--complaint", "--received", received)
    assert lines[-1] == due
    assert len(lines) >= 3
    assert "s.164A" in lines[0]
    assert errors == []


@pytest.mark.django_db
def test_before_s164a_still_a_date_with_a_note_on_stderr() -> None:
    lines, errors = run("--complaint", "--received", "2026-06-01")
    assert lines[-1] == "2026-07-01"
    assert len(errors) == 1
    assert "s.164A was not yet in force" in errors[0]


@pytest.mark.django_db
def test_an_admin_one_off_holiday_moves_the_date() -> None:
    ExtraBankHoliday.objects.create(date=dt.date(2026, 8, 26), name="One-off")
    lines, _ = run("--complaint", "--received", "2026-07-27")
    assert lines[-1] == "2026-08-27"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["--complaint"],
        ["--complaint", "--received", "2026-13-01"],
        ["--complaint", "--received", "20260701"],
        ["--complaint", "--received", "2026-07-01", "--extended"],
        ["--complaint", "--received", "2026-07-01", "--started", "2026-07-02"],
        ["--complaint", "--received", "9999-12-20"],
    ],
)
def test_bad_input_is_exit_2(args: list[str]) -> None:
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert raised.value.returncode == 2
    assert "\n" not in str(raised.value)


def test_subprocess_bad_input_one_line_on_stderr(tmp_path: Path) -> None:
    result = manage_deadline(tmp_path, "--complaint", "--received", "tomorrow")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
