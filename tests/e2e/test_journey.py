"""The whole journey of an access request in a real browser.

The Manager logs the letter; the caseworker verifies identity, starts work, asks an agency, adds a document
naming a third party, redacts the third party and marks the document reviewed; a professional reviewer records
a serious-harm opinion; the caseworker submits for sign-off and the Manager approves; the pack renders (Celery
eager) and a portal link is made; the requester opens the link in a fresh browser with no login, gives the
reference and date of birth, and downloads the pack. The PDF holds none of the redacted words.

Every page visited is saved as tests/artifacts/NN-name.png.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.utils import timezone
from pypdf import PdfReader

from requests_app.models import RightsRequest
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, Checker, login, no_errors, take_step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETS = ("Jane Doe", "12 Acacia Avenue")
SUBJECT_DOB = (1, 5, 1998)  # a care leaver asking for their own file
DOCUMENT_TEXT = (
    "Referral received by telephone.\n\n"
    "The caller, Jane Doe, of 12 Acacia Avenue, reported concerns about Robin.\n"
    "She asked that her name is not shared.\n\n"
    "Jane Doe rang again the next day. The duty social worker, Pat Lee, visited.\n"
)


class Shots:
    """Numbered full-page screenshots (tests/artifacts/01-login.png, ...), each page checked by axe-core too."""

    def __init__(self, folder: Path) -> None:
        self.checker = Checker(folder)
        self.count = 0

    def __call__(self, page: Any, name: str) -> None:
        self.count += 1
        self.checker.check(page, name, prefix=f"{self.count:02d}-")


def _scan_with_text() -> bytes:
    """An agency's PDF with a text layer that names the third party twice, on two pages."""
    import weasyprint

    return weasyprint.HTML(
        string="<p>Health visitor notes. Jane Doe phoned about Robin on Monday.</p>"
        "<p style='break-before: page'>Visit on Tuesday; JANE DOE was present.</p>"
    ).write_pdf()


def _fill_date(page: Any, name: str, day: int, month: int, year: int) -> None:
    page.fill(f"[name={name}_day]", str(day))
    page.fill(f"[name={name}_month]", str(month))
    page.fill(f"[name={name}_year]", str(year))


def _submit(page: Any, field: str) -> None:
    """Press the submit button of the form holding the field named `field`, and wait for the next page."""
    page.locator(f"form:has([name='{field}']) button[type=submit]").last.click()
    page.wait_for_load_state()


def test_letter_to_download_in_the_browser(browser: Any, live_server: Any, artifacts: Path, tmp_path: Path) -> None:
    base = live_server.url
    factories.manager("e2e-manager")
    worker = factories.caseworker("e2e-caseworker")
    factories.reviewer("e2e-reviewer")
    today = timezone.localdate()
    shot = Shots(artifacts)

    # The Manager signs in and logs the letter.
    manager_context = browser.new_context()
    manager_context.set_default_timeout(TIMEOUT_MS)
    page = manager_context.new_page()
    page.goto(f"{base}/login/")
    shot(page, "login")
    page.close()
    page = login(manager_context, base, "e2e-manager")
    shot(page, "manager-dashboard")
    page.goto(f"{base}/requests/new/")
    page.check("input[name=kind][value=access]")
    page.check("input[name=channel][value=letter]")
    page.check("input[name=letter_method][value=post]")
    _fill_date(page, "received", today.day, today.month, today.year)
    page.fill("[name=summary]", "A copy of everything held about me from my time in care.")
    page.fill("[name=subject_name]", "Robin Carter")
    _fill_date(page, "subject_date_of_birth", *SUBJECT_DOB)
    page.fill("[name=subject_address]", "4 Mill Lane, Stockport SK1 2AB")
    page.check("input[name=asker][value=self]")
    page.select_option("[name=assigned_to]", str(worker.pk))
    shot(page, "new-request-form")
    _submit(page, "subject_name")
    no_errors(page, "Logging the request")
    match = re.search(r"/requests/(\d+)/$", page.url)
    assert match, f"Logging the request did not open its page: {page.url}"
    pk = int(match.group(1))
    reference = RightsRequest.objects.get(pk=pk).reference
    assert reference in page.inner_text("main")
    shot(page, "request-logged")

    # The caseworker verifies identity and starts work.
    worker_context = browser.new_context()
    worker_context.set_default_timeout(TIMEOUT_MS)
    wpage = login(worker_context, base, "e2e-caseworker")
    wpage.goto(f"{base}/requests/{pk}/")
    wpage.click(f"a[href$='/requests/{pk}/evidence/new/']")
    wpage.wait_for_load_state()
    wpage.check("input[name=kind][value=identity]")
    wpage.fill("[name=description]", "Passport ending 4471, seen at the front desk")
    _fill_date(wpage, "seen_on", today.day, today.month, today.year)
    shot(wpage, "evidence-form")
    _submit(wpage, "description")
    no_errors(wpage, "Recording identity")
    shot(wpage, "identity-verified")
    take_step(wpage, pk, "start_work")
    take_step(wpage, pk, "gather_records")
    shot(wpage, "gathering-records")

    # Records: ask an agency, add a document naming a third party.
    wpage.goto(f"{base}/disclosure/{pk}/")
    shot(wpage, "disclosure-overview")
    wpage.click(f"a[href$='/disclosure/{pk}/agencies/ask/']")
    wpage.wait_for_load_state()
    wpage.fill("[name=new_agency]", "Greater Manchester Police")
    wpage.fill("[name=notes]", "All records about Robin Carter, 2004 to 2016.")
    shot(wpage, "agency-ask")
    _submit(wpage, "new_agency")
    no_errors(wpage, "Asking the agency")
    assert "Greater Manchester Police" in wpage.inner_text("main")

    wpage.goto(f"{base}/disclosure/{pk}/documents/add/")
    wpage.fill("[name=title]", "Referral")
    wpage.select_option("[name=agency]", label="Greater Manchester Police")
    wpage.fill("[name=text]", DOCUMENT_TEXT)
    shot(wpage, "document-add")
    _submit(wpage, "text")
    no_errors(wpage, "Adding the document")
    upload = tmp_path / "health-visitor-notes.pdf"
    upload.write_bytes(_scan_with_text())
    wpage.goto(f"{base}/disclosure/{pk}/documents/add/")
    wpage.fill("[name=title]", "Health visitor notes")
    wpage.select_option("[name=agency]", label="Greater Manchester Police")
    wpage.set_input_files("[name=file]", str(upload))
    shot(wpage, "document-upload")
    _submit(wpage, "file")
    no_errors(wpage, "Uploading the document")
    take_step(wpage, pk, "begin_review")

    # Review: redact the third party in both documents (every occurrence at once), mark each reviewed.
    for title, phrases in (("Referral", SECRETS), ("Health visitor notes", SECRETS[:1])):
        wpage.goto(f"{base}/disclosure/{pk}/")
        wpage.locator(f"a[href*='/disclosure/{pk}/documents/']", has_text=title).first.click()
        wpage.wait_for_load_state()
        document_url = wpage.url
        assert re.search(rf"/disclosure/{pk}/documents/\d+/", document_url), document_url
        for secret in phrases:
            wpage.fill("[name=phrase-phrase]", secret)
            wpage.select_option("[name=phrase-exemption]", "third_party")
            _submit(wpage, "phrase-phrase")
            no_errors(wpage, f"Redacting {secret!r} in {title}")
            wpage.goto(document_url)
        shot(wpage, f"document-redacted-{title.split()[0].lower()}")
        wpage.locator("form[action$='/reviewed/'] button[type=submit]").click()
        wpage.wait_for_load_state()
        no_errors(wpage, f"Marking {title} reviewed")
    shot(wpage, "documents-reviewed")

    # The caseworker refers the request to the professional reviewer (who sees nothing not referred to them).
    wpage.goto(f"{base}/requests/{pk}/referrals/new/")
    wpage.select_option("[name=reviewer]", index=1)  # the one professional reviewer
    wpage.check("input[name=kind][value=serious_harm]")
    wpage.fill("[name=question]", "Would disclosing the referral be likely to cause serious harm?")
    _submit(wpage, "question")
    no_errors(wpage, "Referring to the reviewer")

    # The professional reviewer records a serious-harm opinion.
    reviewer_context = browser.new_context()
    reviewer_context.set_default_timeout(TIMEOUT_MS)
    rpage = login(reviewer_context, base, "e2e-reviewer")
    rpage.goto(f"{base}/disclosure/{pk}/opinions/add/")
    rpage.check("input[name=area][value=social_work]")
    rpage.fill("[name=professional_name]", "Dr Priya Shah")
    rpage.fill("[name=professional_role]", "Consultant clinical psychologist")
    _fill_date(rpage, "opinion_date", today.day, today.month, today.year)
    rpage.fill("[name=opinion]", "Disclosure with the third party redacted is not likely to cause serious harm.")
    rpage.check("input[name=conclusion][value=disclose]")
    shot(rpage, "opinion-form")
    _submit(rpage, "professional_name")
    no_errors(rpage, "Recording the opinion")
    assert "Dr Priya Shah" in rpage.inner_text("main")
    shot(rpage, "opinion-recorded")
    reviewer_context.close()

    # The search record sign-off needs (UK GDPR Art 15(1A)): a search from the request, every hit decided, its scope.
    wpage.goto(f"{base}/reviews/search/?request={reference}")
    wpage.locator("form:has([name='name']) button[type=submit]").last.click()
    wpage.wait_for_load_state()
    no_errors(wpage, "Searching the holdings")
    while wpage.locator("button[name=decision][value=confirmed]").count():
        wpage.locator("button[name=decision][value=confirmed]").first.click()
        wpage.wait_for_load_state()
    wpage.fill("[name=holdings_and_agencies]", "Every review and audit the partnership holds.")
    wpage.fill("[name=exclusions]", "Nothing was left out.")
    wpage.fill("[name=cap_reason]", "Fewer hits came back than the cap.")
    _submit(wpage, "cap_reason")
    no_errors(wpage, "Recording the search's scope")
    shot(wpage, "search-scope-recorded")

    # Sign-off: the caseworker submits and asks the police's data owner to check its redactions; the data owner
    # opens the link, enters the one-time code emailed to them, sees its records and agrees; the Manager approves.
    take_step(wpage, pk, "submit_for_sign_off")
    shot(wpage, "submitted-for-sign-off")
    from django.core import mail

    from disclosure.models import Agency

    police = Agency.objects.get(name="Greater Manchester Police")
    wpage.goto(f"{base}/disclosure/{pk}/agencies/{police.pk}/")
    wpage.fill("[name=data_owner]", "Data Protection Officer")
    wpage.fill("[name=contact_email]", "dpo@police.example")
    _submit(wpage, "contact_email")
    no_errors(wpage, "Saving the data owner's email")
    wpage.goto(f"{base}/disclosure/{pk}/#owner-reviews")
    wpage.locator(f"form[action$='/owner-reviews/{police.pk}/ask/'] button[type=submit]").click()
    wpage.wait_for_load_state()
    link = re.search(r"https?://\S+/owner-review/\S+/", mail.outbox[-1].body)
    assert link is not None, mail.outbox[-1].body
    owner_context = browser.new_context()
    owner_context.set_default_timeout(TIMEOUT_MS)
    opage = owner_context.new_page()
    opage.goto(base + re.sub(r"^https?://[^/]+", "", link.group(0)))
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code is not None
    opage.fill("[name=code]", code.group(1))
    _submit(opage, "code")
    assert "Health visitor notes" in opage.inner_text("main")
    shot(opage, "owner-review-records")
    opage.check("input[name=answer][value=agree]")
    opage.fill("[name=name]", "Dana Owner")
    _submit(opage, "name")
    assert "You agreed" in opage.inner_text("main")
    owner_context.close()
    # The Manager approves only once a verified preview exists: one is made (Celery in-process) and checked.
    page.goto(f"{base}/disclosure/{pk}/packs/")
    page.check("input[name=kind][value=preview]")
    with factories.celery_eager():
        _submit(page, "kind")
    no_errors(page, "Making a preview")
    page.goto(f"{base}/disclosure/{pk}/check/")
    shot(page, "check-before-approval")
    take_step(page, pk, "approve")
    shot(page, "approved")
    assert RightsRequest.objects.get(pk=pk).status == "approved"

    # The pack renders (Celery in-process) and a portal link is made.
    page.goto(f"{base}/disclosure/{pk}/packs/")
    shot(page, "packs")
    page.check("input[name=kind][value=pack]")
    with factories.celery_eager():
        _submit(page, "kind")
    no_errors(page, "Making the pack")
    for _ in range(30):  # the status page refreshes itself while rendering; eager Celery has usually finished
        if page.locator("a[href$='/download/']").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    shot(page, "pack-ready")
    assert page.locator("a[href$='/download/']").count(), f"The pack did not render: {page.inner_text('main')}"
    page.locator("form[action$='/portal-links/new/'] button[type=submit]").click()
    page.wait_for_load_state()
    link_input = page.locator("input[id^=new-link-]")
    assert link_input.count() == 1, f"No portal link was shown: {page.inner_text('main')}"
    portal_url = link_input.input_value()
    shot(page, "portal-link-created")
    assert "/disclosure/portal/" in portal_url
    portal_url = base + portal_url[portal_url.index("/disclosure/portal/") :]  # the live server's address
    # Made is not sent: the caseworker posts the letter with the link, and records who posted it.
    page.locator("form[action$='/posted/'] button[type=submit]").click()
    page.wait_for_load_state()
    no_errors(page, "Recording the link as posted")

    # The requester, in a fresh browser with no login, unlocks and downloads the pack.
    requester_context = browser.new_context(accept_downloads=True)
    requester_context.set_default_timeout(TIMEOUT_MS)
    ppage = requester_context.new_page()
    ppage.goto(portal_url)
    shot(ppage, "portal-unlock")
    ppage.fill("[name=reference]", reference)
    _fill_date(ppage, "date_of_birth", 2, 5, 1998)  # wrong date first: refused, with tries left
    _submit(ppage, "reference")
    assert ppage.locator(".govuk-error-summary").count() == 1
    shot(ppage, "portal-wrong-answer")
    ppage.fill("[name=reference]", reference)
    _fill_date(ppage, "date_of_birth", *SUBJECT_DOB)
    _submit(ppage, "reference")
    no_errors(ppage, "Unlocking the portal")
    # The second factor, by phone (the requester replied by post): the caseworker checks who is calling.
    assert ppage.locator("[name=code]").count() == 1, ppage.inner_text("main")
    shot(ppage, "portal-code")
    page.fill("input[name=identity_check]", "Answered the security questions on the file")
    page.locator("form[action$='/phone-code/'] button[type=submit]").click()
    page.wait_for_load_state()
    code = re.search(r"\b(\d{6})\b", page.locator(".govuk-panel__title").first.inner_text())
    assert code, page.inner_text("main")
    ppage.fill("[name=code]", code.group(1))
    _submit(ppage, "code")
    no_errors(ppage, "Entering the code")
    shot(ppage, "portal-download")
    with ppage.expect_download() as download_info:
        ppage.locator("a[href$='/download/']").first.click()
    download = download_info.value
    target = tmp_path / "pack.pdf"
    download.save_as(str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF")

    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    squashed = re.sub(r"\s+", " ", text).lower()
    assert reference in text
    assert "Pat Lee" in re.sub(r"\s+", " ", text)  # the professional in role is not redacted
    assert "Health visitor notes" in text  # the uploaded document is in the pack, as pixels behind its caption
    hidden = [str(value) for value in (PdfReader(io.BytesIO(data)).metadata or {}).values()]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for item in pdf.objects:
            if isinstance(item, pikepdf.Stream):
                try:
                    hidden.append(item.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:  # an image codec pikepdf does not decode: its raw bytes
                    hidden.append(item.read_raw_bytes().decode("latin-1"))
    everything = re.sub(r"\s+", "", (squashed + "".join(hidden)).lower())
    for secret in SECRETS:
        assert secret.lower() not in squashed, f"{secret!r} is in the downloaded pack's text"
        assert secret.lower().replace(" ", "") not in everything, f"{secret!r} is in the pack's metadata or streams"
    assert not shot.checker.failures, "Serious or critical accessibility violations:\n" + shot.checker.report()

    for context in (requester_context, worker_context, manager_context):
        context.close()
