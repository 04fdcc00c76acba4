"""The staff pages and the requester's portal pass axe-core's WCAG 2.2 AA rules with no serious or critical
violation (UK public bodies must meet WCAG 2.2 AA).

axe-core comes from the npm registry (package.json); the set-up copies it to build/frontend/vendor/axe.min.js
and it is injected into each page. Each page is also saved as tests/artifacts/a11y-<name>.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from disclosure.services.delivery import portal_code_issue_by_phone, portal_link_create, portal_link_record_posted
from disclosure.services.packs import pack_request
from tests import factories
from tests.e2e.conftest import AXE, BLOCKING, TIMEOUT_MS, Checker, axe_violations, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_staff_pages_and_portal_have_no_serious_accessibility_violations(
    browser: Any, live_server: Any, artifacts: Path
) -> None:
    assert AXE.exists(), f"axe-core is missing at {AXE}: run the front-end set-up (npm ci)"
    base = live_server.url
    boss = factories.manager("a11y-manager")
    worker = factories.caseworker("a11y-caseworker")
    # An approved access request with redacted documents, rendered, with a portal link (service layer: the
    # journey test drives these steps through the browser; here only the pages matter).
    rights_request = factories.pack_case(manager_user=boss, caseworker_user=worker)
    with factories.celery_eager():
        pack = pack_request(request=rights_request, by=worker)
    pack.refresh_from_db()
    link, token = portal_link_create(pack=pack, by=worker)
    portal_link_record_posted(link=link, by=worker)
    checker = Checker(artifacts)

    anonymous = browser.new_context()
    anonymous.set_default_timeout(TIMEOUT_MS)
    page = anonymous.new_page()
    checker.check(page, "login", f"{base}/login/")
    # The portal: the unlock form, its error state, a link that does not exist, and the download page.
    checker.check(page, "portal-unlock", f"{base}/disclosure/portal/{token}/")
    page.fill("[name=reference]", "RR-0000-0000")
    page.fill("[name=date_of_birth_day]", "31")
    page.fill("[name=date_of_birth_month]", "2")
    page.fill("[name=date_of_birth_year]", "2016")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 1
    checker.check(page, "portal-error")
    checker.check(page, "portal-unknown-link", f"{base}/disclosure/portal/no-such-token/", expect_status=404)
    page.goto(f"{base}/disclosure/portal/{token}/")
    page.fill("[name=reference]", rights_request.reference)
    dob = factories.PACK_SUBJECT_DOB
    page.fill("[name=date_of_birth_day]", str(dob.day))
    page.fill("[name=date_of_birth_month]", str(dob.month))
    page.fill("[name=date_of_birth_year]", str(dob.year))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    checker.check(page, "portal-code")
    _, code = portal_code_issue_by_phone(link=link, by=worker, identity_check="Security questions")
    page.fill("[name=code]", code)
    page.locator("form:has([name=code]) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("a[href$='/download/']").count(), page.inner_text("body")[:1000]
    checker.check(page, "portal-download")
    anonymous.close()

    staff = browser.new_context()
    staff.set_default_timeout(TIMEOUT_MS)
    page = login(staff, base, "a11y-manager")
    pk = rights_request.pk
    checker.check(page, "dashboard", f"{base}/")
    checker.check(page, "request-list", f"{base}/requests/")
    checker.check(page, "request-page", f"{base}/requests/{pk}/")
    checker.check(page, "new-request-form", f"{base}/requests/new/")
    page.locator("form:has([name=subject_name]) button[type=submit]").last.click()  # empty: the error state
    page.wait_for_load_state()
    checker.check(page, "new-request-form-errors")
    checker.check(page, "disclosure-overview", f"{base}/disclosure/{pk}/")
    checker.check(page, "pack-status", f"{base}/disclosure/{pk}/packs/{pack.pk}/")
    checker.check(page, "reports", f"{base}/reports/")
    # The charts are drawn by Chart.js from the page's own figures: a canvas, and a Chart, for every chart with data.
    with_data = page.evaluate(
        """() => {
            const specs = JSON.parse(document.getElementById("report-data").textContent);
            return [...document.querySelectorAll(".app-chart[data-chart]")]
                .filter((holder) => { const s = specs[holder.dataset.chart]; return s && !s.empty && s.labels.length; })
                .length;
        }"""
    )
    assert with_data >= 3, page.inner_text("main")[:1000]  # the pack case: received, open by status, on time...
    assert page.evaluate("typeof window.Chart") == "function", "Chart.js did not load on the report page"
    assert page.locator(".app-chart canvas").count() == with_data
    assert page.evaluate("Object.keys(window.Chart.instances).length") == with_data
    staff.close()

    assert len(checker.checked) == 14  # with the portal's one-time code page
    assert not checker.failures, "Serious or critical accessibility violations:\n" + checker.report()


@pytest.mark.e2e
def test_the_check_finds_a_serious_violation(browser: Any) -> None:
    """The check can fail: an image without alternative text and an unlabelled input are caught."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<html lang="en"><head><title>Bad</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>'
    )
    found = {v["id"]: v["impact"] for v in axe_violations(page)}
    context.close()
    assert found.get("image-alt") == "critical"
    assert found.get("label") in BLOCKING
