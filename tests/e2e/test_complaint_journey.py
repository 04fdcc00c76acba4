"""A complaint made online and answered, in a real browser (issue 19, DPA 2018 s.164A).

Someone with no login answers the question pages, checks their answers and sends the complaint; the
Manager finds it in the complaints list, acknowledges it (the letter is filed), starts investigating,
records a progress update, records and sends the outcome, and downloads the outcome letter.
Every page is saved as tests/artifacts/complaint-NN-name.png and checked with axe-core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from casework.models import Complaint
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, Checker, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Shots:
    def __init__(self, folder: Path) -> None:
        self.checker = Checker(folder)
        self.count = 0

    def __call__(self, page: Any, name: str) -> None:
        self.count += 1
        self.checker.check(page, name, prefix=f"complaint-{self.count:02d}-")


def _continue(page: Any) -> None:
    page.locator("#main-form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, f"Refused: {summary.first.inner_text()}"


def test_a_complaint_made_online_and_answered(browser: Any, live_server: Any, artifacts: Path, tmp_path: Path) -> None:
    base = live_server.url
    factories.manager("e2e-manager")
    shot = Shots(artifacts)

    # The complainant, with no login.
    public = browser.new_context()
    public.set_default_timeout(TIMEOUT_MS)
    page = public.new_page()
    page.goto(f"{base}/complain/")
    shot(page, "start")
    page.click("text=Start now")
    page.wait_for_load_state()
    page.fill("[name=complainant_name]", "Sam Example")
    page.check("input[name=for_self][value=yes]")
    shot(page, "who")
    _continue(page)
    page.check("input[name=about][value=other]")
    _continue(page)
    page.fill("[name=what_went_wrong]", "You told my neighbour about my son's case.")
    _continue(page)
    page.fill("[name=what_they_want]", "An apology and to know it will not happen again.")
    _continue(page)
    page.check("input[name=reply_by][value=email]")
    page.fill("[name=email]", "sam@example.org")
    _continue(page)
    assert "Check your answers" in page.inner_text("h1")
    shot(page, "check-answers")
    page.click("button:has-text('Send complaint')")
    page.wait_for_load_state()
    assert "Complaint sent" in page.inner_text("h1")
    shot(page, "confirmation")
    complaint = Complaint.objects.get()
    assert complaint.reference in page.inner_text("main")
    public.close()

    # The Manager answers it.
    staff = browser.new_context(accept_downloads=True)
    staff.set_default_timeout(TIMEOUT_MS)
    page = login(staff, base, "e2e-manager")
    page.click("a.govuk-service-navigation__link:has-text('Complaints')")
    page.wait_for_load_state()
    shot(page, "list")
    page.click(f"text={complaint.reference}")
    page.wait_for_load_state()
    shot(page, "received")
    for label in ("Acknowledge the complaint", "Start investigating"):
        page.click(f"a.govuk-button:has-text('{label}')")
        page.wait_for_load_state()
        _continue(page)
    page.click("text=Record progress")
    page.wait_for_load_state()
    page.fill("[name=update]", "We have spoken to the member of staff involved.")
    page.check("[name=complainant_told]")
    _continue(page)
    page.click("text=Record the outcome")
    page.wait_for_load_state()
    page.check("input[name=finding][value=upheld]")
    page.fill("[name=outcome]", "We should not have said anything. We are sorry, and staff have had training.")
    shot(page, "outcome-form")
    _continue(page)
    page.click("a.govuk-button:has-text('Send the outcome')")
    page.wait_for_load_state()
    _continue(page)
    shot(page, "outcome-sent")
    assert "Outcome sent" in page.inner_text("h1")
    with page.expect_download() as download:
        page.click("a:has-text('Outcome,')")
    path = tmp_path / "outcome.pdf"
    download.value.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "The outcome of your complaint" in text and "upheld" in text
    staff.close()

    complaint.refresh_from_db()
    assert complaint.status == "outcome_sent"
    assert complaint.acknowledged_on_time()
    assert list(complaint.letters.values_list("kind", flat=True)) == ["acknowledgement", "outcome"]
    assert not shot.checker.failures, shot.checker.report()


def test_breach_pages_have_no_serious_accessibility_violations(browser: Any, live_server: Any, artifacts: Path) -> None:
    """A disclosure in error recorded in the browser from a request's page, then its page and the log, axe-checked."""
    import datetime as dt

    base = live_server.url
    boss = factories.manager("e2e-manager")
    rights_request = factories.make_request(received=dt.date(2026, 7, 1), by=boss)
    checker = Checker(artifacts)
    staff = browser.new_context()
    staff.set_default_timeout(TIMEOUT_MS)
    page = login(staff, base, "e2e-manager")
    checker.check(page, "breach-form", f"{base}/breaches/new/?request={rights_request.pk}", prefix="complaint-")
    page.check("input[name=cause][value=wrong_enclosure]")
    page.fill("[name=what_happened]", "Another family's letter was enclosed with the acknowledgement.")
    page.fill("[name=discovered_on_day]", "31")
    page.fill("[name=discovered_on_month]", "7")
    page.fill("[name=discovered_on_year]", "2026")
    page.fill("[name=discovered_time]", "09:30")
    page.fill("[name=data_involved]", "Another family's names and address.")
    page.locator("#main-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "wrong enclosure" in page.inner_text("h1"), page.inner_text("main")[:2000]
    checker.check(page, "breach-page", prefix="complaint-")
    checker.check(page, "breach-log", f"{base}/breaches/", prefix="complaint-")
    checker.check(page, "complaints-empty", f"{base}/complaints/?all=1", prefix="complaint-")
    staff.close()
    assert not checker.failures, checker.report()
