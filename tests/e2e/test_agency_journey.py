"""Two agencies asked for records through the service, in a real browser, with email over a real SMTP server.

The caseworker asks two agencies; each data owner gets the records request by email with a return link. The
police's data owner opens the link, enters the one-time code emailed to them and uploads a Word document (turned
into a PDF by LibreOffice); the health trust's says nothing is held. The caseworker sees both returns, redacts a
third party in the converted document and submits for sign-off; the police's data owner opens the sign-off link,
enters the emailed code, sees its record and agrees; the Manager approves.

Every page is saved as tests/artifacts/agency-NN-name.png and checked with axe-core.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from disclosure.convert import soffice_path
from disclosure.models import AgencyRequestStatus, ConversionStatus, Document
from disclosure.services.records import agency_create
from requests_app.models import RightsRequest
from tests import factories
from tests.conftest import LoopbackMailbox
from tests.e2e.conftest import TIMEOUT_MS, Checker, login, no_errors, take_step

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.office,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed"),
]

POLICE_OWNER = "dpo@police.example"
HEALTH_OWNER = "ig@health.example"
SECRET = "Jordan Hidden"


class Shots:
    def __init__(self, folder: Path) -> None:
        self.checker = Checker(folder)
        self.count = 0

    def __call__(self, page: Any, name: str) -> None:
        self.count += 1
        self.checker.check(page, name, prefix=f"agency-{self.count:02d}-")


def _visit_note_docx(path: Path) -> Path:
    """A real Word document, as a police records officer would export it."""
    import docx

    document = docx.Document()
    document.add_heading("Visit note", level=1)
    document.add_paragraph(f"Officers attended the home. {SECRET}, a neighbour, let them in.")
    document.add_paragraph("The child was asleep upstairs and was not woken.")
    out = io.BytesIO()
    document.save(out)
    path.write_bytes(out.getvalue())
    return path


def _submit(page: Any, field: str) -> None:
    page.locator(f"form:has([name='{field}']) button[type=submit]").last.click()
    page.wait_for_load_state()


def _local(base: str, url: str) -> str:
    """A link from an email (SITE_URL) pointed at the live server."""
    return base + re.sub(r"^https?://[^/]+", "", url)


def _link_in(mailbox: LoopbackMailbox, to: str, pattern: str) -> str:
    bodies = mailbox.bodies_to(to)
    assert bodies, f"Nothing was emailed to {to}"
    found = re.search(rf"https?://\S+{pattern}\S+/", bodies[-1])
    assert found is not None, bodies[-1]
    return found.group(0)


def _code_in(mailbox: LoopbackMailbox, to: str) -> str:
    found = re.search(r"\bis (\d{6})\b", mailbox.bodies_to(to)[-1])
    assert found is not None, mailbox.bodies_to(to)[-1]
    return found.group(1)


def _return_through_link(browser: Any, base: str, mailbox: LoopbackMailbox, to: str, shot: Shots, name: str) -> Any:
    """The data owner opens the return link from the email and enters the code sent to them: the upload page."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(_local(base, _link_in(mailbox, to, "/disclosure/agency-return/")))
    assert "Send me a code" in page.inner_text("main")
    shot(page, f"{name}-return-start")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, f"{name}-return-code")
    page.fill("[name=code]", _code_in(mailbox, to))
    _submit(page, "code")
    no_errors(page, f"{name}'s code")
    assert "Send the records" in page.inner_text("h1"), page.inner_text("main")[:1000]
    return page


def test_two_agencies_return_through_their_links_and_the_owner_signs_off(
    browser: Any, live_server: Any, artifacts: Path, tmp_path: Path, smtp_server: LoopbackMailbox
) -> None:
    base = live_server.url
    boss = factories.manager("e2e-manager")
    worker = factories.caseworker("e2e-caseworker")
    today = timezone.localdate()
    shot = Shots(artifacts)
    request = factories.make_request(received=today, today=today, by=boss, assigned_to=worker)
    request = factories.verify_identity(request, by=worker, on=today)
    request = factories.take_steps(request, "start_work", "gather_records", user=worker, today=today)
    for name, email in (("Stockport Police", POLICE_OWNER), ("Stockport Health", HEALTH_OWNER)):
        agency_create(by=worker, name=name, data_owner="Data Protection Officer", contact_email=email)
    pk = request.pk

    # The caseworker asks both agencies; each data owner is emailed the request and a return link.
    staff = browser.new_context()
    staff.set_default_timeout(TIMEOUT_MS)
    wpage = login(staff, base, "e2e-caseworker")
    for name in ("Stockport Police", "Stockport Health"):
        wpage.goto(f"{base}/disclosure/{pk}/agencies/ask/")
        wpage.select_option("[name=agency]", label=name)
        wpage.fill("[name=scope]", "Call logs and visit notes about Alex Example")
        shot(wpage, f"ask-{name.split()[-1].lower()}")
        _submit(wpage, "scope")
        no_errors(wpage, f"Asking {name}")
    assert len(smtp_server.bodies_to(POLICE_OWNER)) == 1 and len(smtp_server.bodies_to(HEALTH_OWNER)) == 1
    assert "Call logs and visit notes" in smtp_server.bodies_to(POLICE_OWNER)[0]

    # The police's data owner returns a Word document through its link.
    police = _return_through_link(browser, base, smtp_server, POLICE_OWNER, shot, "police")
    police.fill("[name=returned_by_name]", "Pat Owner")
    police.set_input_files("[name=records]", str(_visit_note_docx(tmp_path / "visit note.docx")))
    shot(police, "police-return-upload")
    _submit(police, "returned_by_name")
    no_errors(police, "The police's return")
    assert "Records sent" in police.inner_text("h1")
    assert "visit note.docx" in police.inner_text("main")
    shot(police, "police-return-sent")
    police.context.close()

    # The health trust's data owner says nothing is held.
    health = _return_through_link(browser, base, smtp_server, HEALTH_OWNER, shot, "health")
    health.fill("[name=returned_by_name]", "Sam Keeper")
    health.check("[name=nothing_held]")
    _submit(health, "returned_by_name")
    no_errors(health, "The health trust's return")
    assert "Nothing held: sent" in health.inner_text("h1")
    health.context.close()

    # The caseworker sees both returns: the Word file converted and ready for review, and the nil return.
    wpage.goto(f"{base}/disclosure/{pk}/")
    agencies = wpage.locator("#agencies + .app-table-scroll").inner_text()
    assert "Sent through its link by Pat Owner" in agencies, agencies
    assert "visit note.docx (Word document)" in agencies and ConversionStatus.DONE.label in agencies, agencies
    assert "Sent through its link by Sam Keeper: nothing held" in agencies and "Nil return" in agencies, agencies
    shot(wpage, "returns-seen")
    statuses = dict(request.agency_requests.values_list("agency__name", "status"))
    assert statuses == {
        "Stockport Police": AgencyRequestStatus.RECEIVED,
        "Stockport Health": AgencyRequestStatus.NIL_RETURN,
    }

    # Review: the converted Word document is redacted like any PDF and marked reviewed.
    take_step(wpage, pk, "begin_review")
    document = Document.objects.get(request_id=pk)
    assert document.agency.name == "Stockport Police" and document.media_type == "application/pdf"
    wpage.goto(f"{base}/disclosure/{pk}/documents/{document.pk}/")
    wpage.fill("[name=phrase-phrase]", SECRET)
    wpage.select_option("[name=phrase-exemption]", "third_party")
    _submit(wpage, "phrase-phrase")
    no_errors(wpage, "Redacting the neighbour")
    wpage.goto(f"{base}/disclosure/{pk}/documents/{document.pk}/")
    shot(wpage, "converted-document-redacted")
    wpage.locator("form[action$='/reviewed/'] button[type=submit]").click()
    wpage.wait_for_load_state()
    no_errors(wpage, "Marking the visit note reviewed")
    factories.keep_subject_search(RightsRequest.objects.get(pk=pk), by=worker)  # the search record (Art 15(1A))
    take_step(wpage, pk, "submit_for_sign_off")

    # Only the police has records in the pack: its data owner is asked to check the redactions.
    wpage.goto(f"{base}/disclosure/{pk}/#owner-reviews")
    police_agency = document.agency
    wpage.locator(f"form[action$='/owner-reviews/{police_agency.pk}/ask/'] button[type=submit]").click()
    wpage.wait_for_load_state()
    no_errors(wpage, "Asking the police to check its redactions")
    shot(wpage, "owner-review-asked")

    owner = browser.new_context()
    owner.set_default_timeout(TIMEOUT_MS)
    opage = owner.new_page()
    opage.goto(_local(base, _link_in(smtp_server, POLICE_OWNER, "/owner-review/")))
    shot(opage, "owner-review-code")
    opage.fill("[name=code]", _code_in(smtp_server, POLICE_OWNER))
    _submit(opage, "code")
    no_errors(opage, "The data owner's code")
    records = opage.inner_text("main")
    assert document.title in records, records[:2000]
    assert f"{SECRET} S2 P3 para16" in records  # its own words, marked with the exemption the pack will show
    shot(opage, "owner-review-records")
    opage.check("input[name=answer][value=agree]")
    opage.fill("[name=name]", "Pat Owner")
    _submit(opage, "name")
    assert "You agreed" in opage.inner_text("main")
    shot(opage, "owner-review-agreed")
    owner.close()

    # The Manager approves once a verified preview exists: one is made (Celery in-process) and checked.
    mctx = browser.new_context()
    mctx.set_default_timeout(TIMEOUT_MS)
    mpage = login(mctx, base, "e2e-manager")
    mpage.goto(f"{base}/disclosure/{pk}/packs/")
    mpage.check("input[name=kind][value=preview]")
    with factories.celery_eager():
        _submit(mpage, "kind")
    no_errors(mpage, "Making a preview")
    take_step(mpage, pk, "approve")
    shot(mpage, "approved")
    assert RightsRequest.objects.get(pk=pk).status == "approved"
    mctx.close()
    staff.close()
    assert not shot.checker.failures, "Serious or critical accessibility violations:\n" + shot.checker.report()
