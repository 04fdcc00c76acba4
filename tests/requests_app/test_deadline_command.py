"""`manage.py deadline`: reasons then the ISO due date; bad facts exit 2 with one line on stderr."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django import Settings

from requests_app.models import ExtraBankHoliday

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_extra_holidays_from_settings(settings: Settings) -> None:
    settings.EXTRA_BANK_HOLIDAYS = []


def run_deadline(*args: str) -> list[str]:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--received", "2024-11-25"], "2024-12-27"),  # ICO example: over Christmas
        (["--received", "2025-01-31"], "2025-02-28"),
        (["--received", "2024-01-31"], "2024-02-29"),
        (["--received", "2025-09-03"], "2025-10-03"),
        (["--received", "2026-03-03"], "2026-04-07"),  # Good Friday, Easter Monday
        (["--received", "2025-09-03", "--started", "2025-09-10"], "2025-10-10"),
        (["--received", "2025-09-03", "--extended"], "2025-12-03"),
        (["--received", "2025-09-03", "--clarification", "2025-09-10:2025-09-12"], "2025-10-06"),
        (
            [
                "--received",
                "2025-09-03",
                "--clarification",
                "2025-09-05:2025-09-06",
                "--clarification",
                "2025-09-15:2025-09-19",
            ],
            "2025-10-10",
        ),
        (["--received", "2025-09-03", "--clarification", "2025-09-10:2025-09-12", "--extended"], "2025-12-08"),
    ],
)
def test_prints_reasons_then_the_iso_due_date(args: list[str], expected: str) -> None:
    lines = run_deadline(*args)
    assert lines[-1] == expected
    reasons = lines[:-1]
    assert len(reasons) >= 3
    assert reasons[0].startswith("Request received on")
    due = dt.date.fromisoformat(expected)
    assert reasons[-1] == f"Response due by {due:%A} {due.day} {due:%B %Y}."


@pytest.mark.django_db
def test_reasons_name_the_clarifications_and_extension() -> None:
    lines = run_deadline(
        "--received",
        "2025-09-03",
        "--clarification",
        "2025-09-05:2025-09-06",
        "--clarification",
        "2025-09-15:2025-09-19",
        "--extended",
    )
    text = "\n".join(lines)
    assert "stopped for 2 days" in text
    assert "stopped for 5 days" in text
    assert "Extended by two further months" in text
    # 3 Dec + 7 days = Wed 10 Dec 2025.
    assert lines[-1] == "2025-12-10"


@pytest.mark.django_db
def test_an_admin_one_off_holiday_moves_the_due_date() -> None:
    assert run_deadline("--received", "2025-09-03")[-1] == "2025-10-03"
    ExtraBankHoliday.objects.create(date=dt.date(2025, 10, 3), name="A one-off holiday for the test")
    lines = run_deadline("--received", "2025-09-03")
    assert lines[-1] == "2025-10-06"  # Fri 3 Oct is a holiday, then the weekend
    assert any("additional bank holiday" in line for line in lines)


@pytest.mark.django_db
def test_a_one_off_holiday_from_settings_moves_the_due_date(settings: Settings) -> None:
    settings.EXTRA_BANK_HOLIDAYS = ["2025-10-03"]
    assert run_deadline("--received", "2025-09-03")[-1] == "2025-10-06"


def _command_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "EXTRA_BANK_HOLIDAYS"}
    env["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    # A throwaway database: the command must not touch the developer's or CI's.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deadline.sqlite3'}"
    return env


def manage_deadline(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed command with this interpreter
        [sys.executable, "manage.py", "deadline", *args],
        cwd=PROJECT_ROOT,
        env=_command_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,  # generous: a loaded CI machine can take a long while to start Django
        check=False,
    )


def test_subprocess_happy_path(tmp_path: Path) -> None:
    result = manage_deadline(tmp_path, "--received", "2024-11-25")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "2024-12-27"
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param(["--received", "2025-02-30"], "--received", id="bad date"),
        pytest.param(["--received", "yesterday"], "--received", id="not a date"),
        pytest.param([], "--received is required", id="missing received"),
        pytest.param(["--received", "2025-09-03", "--started", "2025-13-01"], "--started", id="bad start"),
        pytest.param(["--received", "2025-09-03", "--started", "2025-09-02"], "before the request", id="start early"),
        pytest.param(
            ["--received", "2025-09-03", "--clarification", "2025-09-10:2025-09-09"],
            "answered before",
            id="clarification ends before it starts",
        ),
        pytest.param(
            ["--received", "2025-09-03", "--clarification", "2025-09-01:2025-09-05"],
            "before the request",
            id="clarification before receipt",
        ),
        pytest.param(
            [
                "--received",
                "2025-09-03",
                "--clarification",
                "2025-09-05:2025-09-10",
                "--clarification",
                "2025-09-09:2025-09-12",
            ],
            "overlap",
            id="overlapping clarifications",
        ),
        pytest.param(["--received", "2025-09-03", "--clarification", "2025-09-10"], "--clarification", id="no colon"),
        pytest.param(
            ["--received", "2025-09-03", "--clarification", "2025-09-10:soon"], "--clarification", id="bad answer"
        ),
        pytest.param(
            ["--received", "2025-09-03", "--clarification", "2025-09-10:2025-09-12:2025-09-13"],
            "--clarification",
            id="three parts",
        ),
        pytest.param(["--received", "20250903"], "--received", id="basic format"),
        pytest.param(["--received", "2025-09-03", "--started", ""], "--started", id="empty start"),
        pytest.param(["--received", "2025-09-03", "--bogus"], "unrecognized arguments", id="unknown option"),
        pytest.param(["--received"], "expected one argument", id="option without its value"),
        pytest.param(["--received", "2025-W36-3"], "--received", id="week date"),
        pytest.param(["--received", "9999-12-01"], "too far in the future", id="end of the calendar"),
        pytest.param(["--received", "2025-09-03", "--started", "9999-12-15"], "too far", id="start at the end"),
        pytest.param(
            ["--received", "2025-09-03", "--clarification", "2025-09-10:9999-12-31"],
            "too far",
            id="endless clarification",
        ),
    ],
)
def test_bad_facts_exit_2_with_one_line_on_stderr(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = manage_deadline(tmp_path, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CommandError: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_a_clarification_asked_the_day_the_previous_was_answered_is_legitimate() -> None:
    lines = run_deadline(
        "--received",
        "2025-09-03",
        "--clarification",
        "2025-09-05:2025-09-10",
        "--clarification",
        "2025-09-10:2025-09-12",
    )
    assert lines[-1] == "2025-10-13"  # 6 + 2 days, the shared 10 Sep counted once
    assert any("counted with the previous one" in line for line in lines)


def test_a_request_before_25_may_2018_warns_that_the_dpa_1998_applied(tmp_path: Path) -> None:
    result = manage_deadline(tmp_path, "--received", "2018-05-24")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "2018-06-25"  # 24 Jun 2018 is a Sunday
    [warning] = result.stderr.splitlines()
    assert "Data Protection Act 1998" in warning
    assert manage_deadline(tmp_path, "--received", "2018-05-25").stderr == ""
