"""The pages issue 20 changed, at 1280 px and 375 px, for each role: axe-core finds no serious or critical
violation, nothing but a table's own scroll box is wider than the viewport (WCAG 1.4.10 reflow, checked down to
320 px for the dashboard and the list), and a screenshot of each is saved as tests/artifacts/queue-<page>-<width>.png.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from disclosure.services.documents import DocumentDetails, document_add_text, document_mark_reviewed
from disclosure.services.packs import pack_request
from disclosure.services.redaction import redaction_add_span
from requests_app.services.queue import saved_view_save
from tests import factories
from tests.e2e.conftest import AXE, TIMEOUT_MS, Checker, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 375)
# The page's width as laid out: wider than the viewport means the reader must scroll sideways (WCAG 1.4.10).
PAGE_WIDTH = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def visit(checker: Checker, page: Any, name: str, url: str, width: int) -> None:
    checker.check(page, f"{name}-{width}", url, prefix="queue-")
    laid_out = page.evaluate(PAGE_WIDTH)
    assert laid_out <= width, f"{name} is {laid_out} px wide in a {width} px window"


def test_changed_pages_for_each_role_at_two_widths(browser: Any, live_server: Any, artifacts: Path) -> None:
    assert AXE.exists(), f"axe-core is missing at {AXE}: run the front-end set-up (npm ci)"
    base = live_server.url
    boss = factories.manager("q-manager")
    worker = factories.caseworker("q-caseworker")
    factories.reviewer("q-reviewer")
    today = timezone.localdate()
    rr = factories.pack_case(
        manager_user=boss, caseworker_user=worker, received=today - dt.timedelta(days=10), today=today
    )
    with factories.celery_eager():
        pack = pack_request(request=rr, by=worker)
    for i, name in enumerate(("Zoë O'Neil-Smith", "Siân ap Rhys", "Jean-Luc d'Arcy")):
        other = factories.make_request(
            received=today - dt.timedelta(days=40 - 12 * i), today=today, subject_name=name, assigned_to=worker
        )
        if i == 0:
            document_add_text(
                by=worker,
                request=other,
                details=DocumentDetails(title="Clinic letter", holds_health_data=True, harm_concern=True),
                text="Seen in clinic.",
                today=today,
            )
    # A request reviewed and ready to go for sign-off: its task list and its check-your-answers page.
    ready = factories.verify_identity(
        factories.make_request(
            received=today - dt.timedelta(days=5), today=today, subject_name="Robin Example", assigned_to=worker
        ),
        by=worker,
        on=today - dt.timedelta(days=5),
    )
    ready = factories.take_steps(ready, "start_work", "gather_records", "begin_review", user=worker, today=today)
    log = document_add_text(
        by=worker, request=ready, details=DocumentDetails(title="Contact log"), text="Jane Doe rang.", today=today
    )
    redaction_add_span(by=worker, document=log, start=0, end=8, exemption="third_party")
    document_mark_reviewed(by=worker, document=log)
    factories.keep_subject_search(ready, by=worker)
    saved_view_save(user=boss, name="Access, latest due first", query="kind=access&sort=due&order=desc")
    checker = Checker(artifacts)

    pages = {
        "q-manager": [
            ("dashboard-manager", "/"),
            ("request-list", "/requests/"),
            ("request-list-search", "/requests/?q=zoe+oneil&sort=subject"),
            ("due-calendar", "/requests/calendar/"),
            ("pack-status", f"/disclosure/{rr.pk}/packs/{pack.pk}/"),
            ("sign-off-check-approved", f"/disclosure/{rr.pk}/check/"),
            ("reports", "/reports/"),
        ],
        "q-caseworker": [
            ("dashboard-caseworker", "/"),
            ("request-list-caseworker", "/requests/"),
            ("disclosure-overview-caseworker", f"/disclosure/{rr.pk}/"),
            ("task-list-ready", f"/disclosure/{ready.pk}/"),
            ("sign-off-check-ready", f"/disclosure/{ready.pk}/check/"),
        ],
        "q-reviewer": [("dashboard-reviewer", "/")],
    }
    for width in WIDTHS:
        for username, visits in pages.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.set_default_timeout(TIMEOUT_MS)
            page = login(context, base, username)
            for name, path in visits:
                visit(checker, page, name, base + path, width)
            context.close()

    # Reflow at 320 px: the dashboard and the list fit; their tables scroll inside their own box.
    context = browser.new_context(viewport={"width": 320, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = login(context, base, "q-manager")
    for name, path in (("dashboard-manager", "/"), ("request-list", "/requests/")):
        visit(checker, page, name, base + path, 320)
    # The header names the person, in the sans-serif stack.
    header = page.locator(".app-header__user")
    assert header.inner_text().startswith(f"Signed in as {boss.get_full_name()}")
    assert "serif" in header.evaluate("e => getComputedStyle(e).fontFamily")
    assert "helvetica" in header.evaluate("e => getComputedStyle(e).fontFamily").lower()
    context.close()

    assert not checker.failures, "Serious or critical accessibility violations:\n" + checker.report()
