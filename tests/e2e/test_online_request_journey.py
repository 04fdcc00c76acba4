"""A request made online on a phone, in a real browser (issue 17).

A parent with no login answers the question pages in a 375 px window, reads the email code from a real SMTP
server on loopback, confirms it, checks their answers, sends the request and sees its reference; the status-page
link that arrives by email opens, after a second emailed code, the requester's status page; then a caseworker
signs in and finds the request in the staff queue, with channel "web". Every public page is checked with
axe-core (no serious or critical violation) and saved as tests/artifacts/online-NN-name.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from requests_app.models import RightsRequest
from tests import factories
from tests.conftest import LoopbackMailbox
from tests.e2e.conftest import AXE, TIMEOUT_MS, Checker, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 812}
PARENT = "pat.parent@example.org"
# The page's width as laid out: wider than the viewport means the reader must scroll sideways (WCAG 1.4.10).
PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


class Shots:
    """Each page: a screenshot, axe-core, and no sideways scrolling at phone width."""

    def __init__(self, folder: Path) -> None:
        self.checker = Checker(folder)
        self.count = 0

    def __call__(self, page: Any, name: str) -> None:
        self.count += 1
        self.checker.check(page, name, prefix=f"online-{self.count:02d}-")
        laid_out = page.evaluate(PAGE_WIDTH)
        assert laid_out <= PHONE["width"], f"{name} is {laid_out} px wide in a {PHONE['width']} px window"


def _continue(page: Any) -> None:
    page.locator("#main-form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, f"Refused: {summary.first.inner_text()}"


def _code(body: str) -> str:
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def test_a_parent_asks_online_on_a_phone_and_staff_see_it_in_the_queue(
    browser: Any, live_server: Any, artifacts: Path, smtp_server: LoopbackMailbox
) -> None:
    assert AXE.exists(), f"axe-core is missing at {AXE}: run the front-end set-up (npm ci)"
    cache.clear()  # the per-address and per-IP limits start from nothing
    base = live_server.url
    factories.caseworker("online-caseworker")
    shot = Shots(artifacts)

    public = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    public.set_default_timeout(TIMEOUT_MS)
    page = public.new_page()
    page.goto(f"{base}/ask/")
    shot(page, "start")
    page.click("text=Start now")
    page.wait_for_load_state()

    # An empty answer is refused with the GOV.UK error summary, and that state passes axe too.
    page.locator("#main-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Select who is asking" in page.locator(".govuk-error-summary").inner_text()
    assert page.title().startswith("Error: ")
    shot(page, "who-error")
    page.check("input[name=role][value=parent]")
    shot(page, "who")
    _continue(page)

    page.check("input[name=authority][value=parental_responsibility]")
    shot(page, "authority")
    _continue(page)

    page.fill("[name=requester-full_name]", "Pat Parent")
    page.fill("[name=requester-address]", "1 High Street\nStockport\nSK1 1AA")
    shot(page, "you")
    _continue(page)

    page.fill("[name=subject-full_name]", "Robin Parent")
    page.fill("[name=subject-date_of_birth_day]", "4")
    page.fill("[name=subject-date_of_birth_month]", "5")
    page.fill("[name=subject-date_of_birth_year]", "2014")
    page.fill("[name=subject-address]", "1 High Street\nStockport\nSK1 1AA")
    shot(page, "about")
    _continue(page)

    page.check("input[name=kind][value=access]")
    shot(page, "right")
    _continue(page)

    page.fill("[name=summary]", "All of Robin's records from the school nurse, 2020 to now.")
    shot(page, "details")
    _continue(page)

    page.check("input[name=reply_by][value=email]")
    page.check("input[name=format_needs][value=easy_read]")
    shot(page, "reply")
    _continue(page)

    page.fill("[name=email]", PARENT)
    shot(page, "email")
    _continue(page)
    assert "/ask/email-code/" in page.url
    assert RightsRequest.objects.count() == 0  # nothing exists before the address is confirmed and the form sent

    # A wrong code first: refused, with the tries left, and the page still passes axe.
    code = _code(smtp_server.bodies_to(PARENT)[-1])
    page.fill("[name=code]", "000000" if code != "000000" else "111111")
    page.locator("#main-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "2 more tries" in page.locator(".govuk-error-summary").inner_text()
    shot(page, "email-code-wrong")
    page.fill("[name=code]", code)
    shot(page, "email-code")
    _continue(page)

    assert page.inner_text("h1") == "Check your answers before sending your request"
    answers = page.inner_text(".govuk-summary-list")
    assert "Robin Parent" in answers and PARENT in answers and "Easy read" in answers
    shot(page, "check-answers")
    page.click("button:has-text('Send request')")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Request sent"
    rights_request = RightsRequest.objects.get()
    assert rights_request.reference in page.inner_text(".govuk-panel")
    shot(page, "sent")

    # The acknowledgement and the status-page link arrived by email.
    subjects = [str(m["Subject"]) for m in smtp_server.messages if PARENT in str(m["To"])]
    bodies = smtp_server.bodies_to(PARENT)
    assert subjects == [
        "Your code to confirm your email address",  # a wrong try sends no new code
        f"Acknowledgement: your request {rights_request.reference}",
        f"See how your request {rights_request.reference} is going",
    ]
    assert "Robin" not in bodies[2]  # the status link's email names no child
    links = [m for body in bodies for m in re.findall(r"https?://\S+/ask/status/[\w-]+/", body)]
    assert len(links) == 1, bodies
    token = links[0].rstrip("/").rsplit("/", 1)[1]

    # The status page, after a second code to the same address.
    page.goto(f"{base}/ask/status/{token}/")
    shot(page, "status-start")
    _continue(page)
    assert "/code/" in page.url
    shot(page, "status-code")
    page.fill("[name=code]", _code(smtp_server.bodies_to(PARENT)[-1]))
    _continue(page)
    assert page.inner_text("h1") == "How your request is going"
    assert rights_request.reference in page.inner_text("main")
    shot(page, "status")
    page.goto(f"{base}/ask/status/not-a-real-token/")
    assert page.inner_text("h1") == "This link does not work"
    shot(page, "status-refused")
    public.close()

    # A caseworker finds it in the queue.
    staff = browser.new_context()
    staff.set_default_timeout(TIMEOUT_MS)
    page = login(staff, base, "online-caseworker")
    page.goto(f"{base}/requests/?q={rights_request.reference}")
    row = page.locator("tr", has_text=rights_request.reference)
    assert row.count() == 1, page.inner_text("main")[:2000]
    assert "Robin Parent" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_load_state()
    assert f"/requests/{rights_request.pk}/" in page.url
    detail = page.inner_text("main")
    assert "(web form)" in detail and "Easy read" in detail, detail[:3000]
    staff.close()

    rights_request.refresh_from_db()
    assert rights_request.channel == "web"
    assert rights_request.received == timezone.localdate()
    assert not shot.checker.failures, "Serious or critical accessibility violations:\n" + shot.checker.report()
    assert shot.count == 18  # every public page of the form, its error states, and the status pages
