"""The Manager's report page, its CSV and XLSX exports, the board PDF (page and command), and who may see them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pdfplumber
import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from requests_app.models import ClockEvent, ClockEventKind, Person, RightsRequest, Status, TransitionEvent
from rights import RightKind
from tests import factories
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 4, 15, 10, 30, tzinfo=LONDON)
SUBJECT_NAMES = ("Rowan Whitlock", "Imogen Fairweather", "Tobias Kettleby")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def q1() -> dict[str, RightsRequest]:
    """Three requests of Q1 2026 with named subjects (who must never appear in a report), and one open one."""
    made = {}
    for name, kind, received in zip(
        SUBJECT_NAMES,
        [RightKind.ACCESS, RightKind.ERASURE, RightKind.ACCESS],
        [dt.date(2026, 1, 5), dt.date(2026, 2, 2), dt.date(2026, 3, 2)],
        strict=True,
    ):
        made[name] = factories.make_request(kind=kind, received=received, today=received, subject_name=name)
    whitlock, fairweather = made[SUBJECT_NAMES[0]], made[SUBJECT_NAMES[1]]
    TransitionEvent.objects.create(
        request=whitlock,
        transition="disclose",
        from_status="approved",
        to_status="disclosed",
        at=at(dt.date(2026, 2, 2)),
    )  # 28 days, on time (due 5 February)
    TransitionEvent.objects.create(
        request=fairweather,
        transition="decline",
        from_status="assessing",
        to_status="refused",
        at=at(dt.date(2026, 3, 9)),
    )  # 35 days, late (due 2 March)
    fairweather.refusal_ground = "legal_claims"
    fairweather._change_reason = "test"  # type: ignore[attr-defined]
    fairweather.save()
    ClockEvent.objects.create(request=whitlock, event=ClockEventKind.EXTENDED, date=dt.date(2026, 1, 20), reason="x")
    return made


@pytest.fixture
def manager_client(client: Client) -> Client:
    sign_in(client, factories.manager())
    return client


Q1_QUERY = "from=2026-01-01&to=2026-03-31"


# Who may see it


@pytest.mark.parametrize("url_name", ["reports", "reports_export", "reports_board_pdf"])
@pytest.mark.parametrize("role", ["caseworker", "reviewer", "none"])
def test_only_managers_may_see_reports(client: Client, url_name: str, role: str) -> None:
    user = {"caseworker": factories.caseworker, "reviewer": factories.reviewer}.get(role, lambda: None)()
    sign_in(client, user or factories.UserFactory(username="nobody"))
    query = {"reports": "", "reports_export": f"?{Q1_QUERY}&format=xlsx", "reports_board_pdf": "?quarter=2026Q1"}
    response = client.get(reverse(url_name) + query[url_name])
    assert response.status_code == 403
    assert b"requests received" not in response.content
    assert response["Content-Type"].startswith("text/html")


def test_signed_out_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("reports"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_superusers_count_as_managers(client: Client) -> None:
    sign_in(client, User.objects.create_superuser("root", "root@example.org", "x"))
    assert client.get(reverse("reports")).status_code == 200


def test_the_navigation_links_to_reports_for_managers_only(client: Client, manager_client: Client) -> None:
    url = reverse("reports")
    assert f'href="{url}"' in manager_client.get(reverse("dashboard")).content.decode()
    other = Client()
    sign_in(other, factories.caseworker())
    assert f'href="{url}"' not in other.get(reverse("dashboard")).content.decode()


# The page


def test_the_page_defaults_to_the_last_12_months(manager_client: Client, q1: dict[str, RightsRequest]) -> None:
    response = manager_client.get(reverse("reports"))
    assert response.status_code == 200
    period = response.context["period"]
    assert (period.start, period.end) == (dt.date(2025, 5, 1), dt.date(2026, 4, 15))
    body = response.content.decode()
    assert "1 May 2025 to 15 April 2026" in body
    assert "3 requests received; 2 answered, 50.0% of them on time" in body


def test_the_page_shows_tables_charts_data_and_the_rule(manager_client: Client, q1: dict[str, RightsRequest]) -> None:
    response = manager_client.get(f"{reverse('reports')}?{Q1_QUERY}")
    body = response.content.decode()
    for table in (
        "received_by_month",
        "answered_by_month",
        "answered_by_kind",
        "open_by_status",
        "extensions_by_kind",
        "refusals_by_reason",
    ):
        assert re.search(f'<table class="govuk-table app-report-table[^"]*" id="{table}">', body)
        assert f'data-chart="{table}"' in body
        assert f"table={table}" in body  # its CSV link
    assert "on or before its due date" in body  # the on-time rule is on the page
    assert "vendor/chart.umd.min.js" in body and "js/reports.js" in body
    data = json.loads(re.search(r'<script id="report-data" type="application/json">(.*?)</script>', body, re.S)[1])  # type: ignore[index]
    assert data["answered_by_month"]["labels"] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert data["answered_by_month"]["datasets"][0] == {"label": "On time", "data": [0, 1, 0], "colour": "#00703c"}
    assert data["answered_by_month"]["datasets"][1]["data"] == [0, 0, 1]
    assert data["refusals_by_reason"]["labels"] == ["Needed for legal claims (Art 17(3)(e))"]
    # Figures in the tables
    assert re.search(
        r"Right of access|Access</th>\s*<td[^>]*>1</td>\s*<td[^>]*>1</td>\s*<td[^>]*>0</td>\s*<td[^>]*>100.0%</td>\s*<td[^>]*>28</td>",
        body,
    )
    assert re.search(
        r"Erasure</th>\s*<td[^>]*>1</td>\s*<td[^>]*>0</td>\s*<td[^>]*>1</td>\s*<td[^>]*>0.0%</td>\s*<td[^>]*>35</td>",
        body,
    )
    for name in SUBJECT_NAMES:
        assert name not in body
    assert "RR-2026" not in body


def test_quick_links_name_the_last_quarter_and_financial_years(manager_client: Client) -> None:
    body = manager_client.get(reverse("reports")).content.decode()
    assert "from=2026-01-01&amp;to=2026-03-31" in body  # last quarter
    assert "from=2026-04-01&amp;to=2026-04-15" in body  # this financial year so far
    assert "from=2025-04-01&amp;to=2026-03-31" in body  # last financial year
    assert 'value="2026Q1" selected' in body  # the board report defaults to the last quarter


def test_the_period_form_takes_day_month_and_year(manager_client: Client, q1: dict[str, RightsRequest]) -> None:
    response = manager_client.get(
        reverse("reports"),
        {
            "start_day": "1",
            "start_month": "2",
            "start_year": "2026",
            "end_day": "28",
            "end_month": "2",
            "end_year": "2026",
        },
    )
    report = response.context["report"]
    assert (report.period.start, report.period.end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert report.received_total == 1
    assert report.answered_total.answered == 1


def test_a_period_that_runs_backwards_is_refused_in_plain_english(manager_client: Client) -> None:
    response = manager_client.get(f"{reverse('reports')}?from=2026-03-31&to=2026-01-01")
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "The end of the period must be the same as or after its start." in body
    assert "report" not in response.context
    response = manager_client.get(f"{reverse('reports')}?from=2026-02-30&to=2026-03-01")
    assert "must be a real date" in response.content.decode()


def test_the_page_costs_the_same_queries_for_5_and_200_requests(manager_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def topped_up(total: int) -> int:
        made = RightsRequest.objects.count()
        people = Person.objects.bulk_create([Person(full_name=f"P{i}") for i in range(made, total)])
        requests = RightsRequest.objects.bulk_create(
            [
                RightsRequest(
                    reference=f"RR-V-{i:05d}",
                    kind=["access", "erasure"][i % 2],
                    received=dt.date(2026, 1, 1) + dt.timedelta(days=i % 80),
                    due_date=dt.date(2026, 2, 1) + dt.timedelta(days=i % 80),
                    status=[Status.IN_PROGRESS, Status.REFUSED][i % 2],
                    refusal_ground="manifestly_unfounded" if i % 2 else "",
                    subject=person,
                )
                for i, person in zip(range(made, total), people, strict=True)
            ]
        )
        TransitionEvent.objects.bulk_create(
            [
                TransitionEvent(
                    request=r, transition="t", from_status="in_progress", to_status="refused", at=at(r.due_date)
                )
                for r in requests
                if r.status == Status.REFUSED
            ]
        )
        url = f"{reverse('reports')}?{Q1_QUERY}"
        manager_client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = manager_client.get(url)
        assert response.status_code == 200
        assert response.context["report"].received_total == total
        return len(queries)

    assert topped_up(5) == topped_up(200)


# Exports


def test_csv_export_of_one_table(manager_client: Client, q1: dict[str, RightsRequest]) -> None:
    response = manager_client.get(f"{reverse('reports_export')}?{Q1_QUERY}&format=csv&table=answered_by_kind")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="rights-requests-2026-01-01-to-2026-03-31-answered-by-kind.csv"'
    )
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Requests answered on time, and median days to respond, by right"]
    assert rows[1] == ["Period", "2026-01-01", "2026-03-31"]
    assert rows[2] == ["Right", "Answered", "On time", "Late", "On time (%)", "Median days to respond"]
    by_right = {row[0]: row[1:] for row in rows[3:]}
    assert by_right["Access"] == ["1", "1", "0", "100.0", "28.0"]
    assert by_right["Erasure"] == ["1", "0", "1", "0.0", "35.0"]
    assert by_right["Objection"] == ["0", "0", "0", "", ""]
    assert by_right["All rights"] == ["2", "1", "1", "50.0", "31.5"]
    for name in SUBJECT_NAMES:
        assert name not in text


def test_csv_export_of_months_uses_iso_months(manager_client: Client, q1: dict[str, RightsRequest]) -> None:
    response = manager_client.get(f"{reverse('reports_export')}?{Q1_QUERY}&format=csv&table=received_by_month")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[2]
    assert header[0] == "Month" and header[-1] == "Total" and "Access" in header
    months = {row[0]: dict(zip(header, row, strict=True)) for row in rows[3:]}
    assert list(months) == ["2026-01", "2026-02", "2026-03", "Total"]
    assert months["2026-01"]["Access"] == "1"
    assert months["2026-02"]["Erasure"] == "1"
    assert months["Total"]["Total"] == "3"


@pytest.mark.parametrize("query", ["format=csv&table=people", "format=pdf", "format=csv"])
def test_unknown_tables_and_formats_are_not_found(manager_client: Client, query: str) -> None:
    assert manager_client.get(f"{reverse('reports_export')}?{Q1_QUERY}&{query}").status_code == 404


def test_an_export_with_a_bad_period_is_a_bad_request(manager_client: Client) -> None:
    response = manager_client.get(f"{reverse('reports_export')}?from=2026-03-31&to=2026-01-01&format=xlsx")
    assert response.status_code == 400
    assert "same as or after its start" in response.content.decode()


def test_xlsx_export_has_a_sheet_per_table(manager_client: Client, q1: dict[str, RightsRequest]) -> None:
    response = manager_client.get(f"{reverse('reports_export')}?{Q1_QUERY}&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="rights-requests-2026-01-01-to-2026-03-31.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "About",
        "received_by_month",
        "answered_by_month",
        "answered_by_kind",
        "open_by_status",
        "extensions_by_kind",
        "refusals_by_reason",
        "complaints_by_quarter",  # settings.REPORT_SECTIONS: complaints and breaches (casework)
        "breaches_by_cause",
    ]
    about = [row for row in book["About"].iter_rows(values_only=True)]
    assert about[1][:2] == ("From", dt.datetime(2026, 1, 1))
    assert about[2][:2] == ("To", dt.datetime(2026, 3, 31))
    kinds = {row[0]: row[1:] for row in book["answered_by_kind"].iter_rows(min_row=3, values_only=True)}
    assert kinds["Access"] == (1, 1, 0, 100.0, 28.0)
    assert kinds["All rights"] == (2, 1, 1, 50.0, 31.5)
    refusals = {row[0]: row[1] for row in book["refusals_by_reason"].iter_rows(min_row=3, values_only=True)}
    assert refusals["Needed for legal claims (Art 17(3)(e))"] == 1
    assert refusals["Total"] == 1
    extensions = {row[0]: row[1] for row in book["extensions_by_kind"].iter_rows(min_row=3, values_only=True)}
    assert extensions["Access"] == 1
    status = {row[0]: row[1:] for row in book["open_by_status"].iter_rows(min_row=3, values_only=True)}
    # The fixture writes only the event log, so all three still stand at 'received', each past its due date.
    assert status["Received"] == (3, 3)
    assert status["Total"] == (3, 3)
    cells = " ".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row if value
    )
    for name in SUBJECT_NAMES:
        assert name not in cells
    assert "RR-2026" not in cells


# The board report


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_quarterly_command_writes_a_pdf_with_the_figures(tmp_path: Path, q1: dict[str, RightsRequest]) -> None:
    out = tmp_path / "board.pdf"
    stdout = io.StringIO()
    call_command("quarterly_report", "--quarter", "2026Q1", "--out", str(out), stdout=stdout)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    compact = re.sub(r"\s+", " ", text)
    assert "OFFICIAL" in text
    assert "OFFICIAL-SENSITIVE" not in text
    assert "Stockport Safeguarding Children Partnership" in compact
    assert "report to the partnership board" in compact
    assert "2026Q1: 1 January 2026 to 31 March 2026" in compact
    assert (
        "3 requests received; 2 answered, 50.0% of them on time (1 on time, 1 late); median 31.5 days to respond"
        in compact
    )
    assert "1 extension; 1 refusal." in compact
    assert "Needed for legal claims" in compact
    assert "on or before its due date" in compact
    for name in SUBJECT_NAMES:
        assert name not in text
    assert "RR-2026" not in text
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (595, 842)  # A4 in points
        assert pdf.metadata.get("Title", "").startswith("Data-rights requests: report to the partnership board")
    assert "Wrote" in stdout.getvalue() and "2026Q1" in stdout.getvalue()


@pytest.mark.parametrize(
    ("quarter", "message"),
    [("2026Q5", "not a quarter"), ("summer", "not a quarter"), ("2026Q3", "has not begun")],
)
def test_the_quarterly_command_refuses_bad_quarters(tmp_path: Path, quarter: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("quarterly_report", "--quarter", quarter, "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_the_board_report_downloads_from_the_page(manager_client: Client, q1: dict[str, RightsRequest]) -> None:
    response = manager_client.get(f"{reverse('reports_board_pdf')}?quarter=2026Q1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="board-report-2026Q1.pdf"'
    assert "median 31.5 days" in re.sub(r"\s+", " ", _pdf_text(response.content))


@pytest.mark.parametrize("quarter", ["2026Q3", "2026Q9", "", "../etc"])
def test_the_board_report_is_not_found_for_bad_or_future_quarters(manager_client: Client, quarter: str) -> None:
    assert manager_client.get(reverse("reports_board_pdf"), {"quarter": quarter}).status_code == 404


def test_a_quarter_in_progress_says_so(tmp_path: Path, q1: dict[str, RightsRequest]) -> None:
    out = tmp_path / "now.pdf"
    call_command("quarterly_report", "--quarter", "2026Q2", "--out", str(out), stdout=io.StringIO())
    assert "This period is not over yet" in re.sub(r"\s+", " ", _pdf_text(out.read_bytes()))
