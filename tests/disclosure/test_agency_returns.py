"""Agencies asked through the service: the records request, the return link and its code, the return, the conversion
of Word, Excel and email files, and the sweep's chasers and escalations."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from email.message import EmailMessage
from typing import Any

import pdfplumber
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.log_filters import mask_portal_tokens
from disclosure.convert import classify, soffice_path
from disclosure.models import (
    AgencyRequest,
    AgencyRequestStatus,
    AgencyReturn,
    AgencyReturnLink,
    ConversionStatus,
    Document,
    Pack,
    PackStatus,
    ReturnFileKind,
)
from disclosure.services.chasers import agency_chasers_sweep, agency_escalations_sweep
from disclosure.services.delivery import token_hash
from disclosure.services.records import agency_create
from disclosure.services.redaction import redact_phrase
from disclosure.services.returns import ReturnedUpload, Visitor, agency_ask, agency_return_submit
from requests_app.models import Letter, Message, RightsRequest
from requests_app.sweep_registry import SweepContext
from tests.factories import celery_eager, sign_in

pytestmark = pytest.mark.django_db

VISITOR = Visitor(ip_address="127.0.0.1", user_agent="pytest")
SECRET = "Jordan Hidden"


def _agency(staff: dict[str, User], name: str = "Stockport Police", email: str = "dpo@police.example") -> Any:
    return agency_create(
        by=staff["caseworker"],
        name=name,
        data_owner="Data Protection Officer",
        contact_email=email,
        escalation_contact="Head of Information",
        escalation_email=f"head@{name.split()[-1].lower()}.example",
    )


def _ask(request: RightsRequest, staff: dict[str, User], agency: Any, capture: Any, **kwargs: Any) -> AgencyRequest:
    with celery_eager(), capture(execute=True):
        return agency_ask(by=staff["caseworker"], request=request, agency=agency, **kwargs)


def _token(outbox_index: int = -1) -> str:
    found = re.search(r"/disclosure/agency-return/([^/\s]+)/", mail.outbox[outbox_index].body)
    assert found is not None
    return found.group(1)


def test_asking_emails_the_data_owner_the_request_with_a_link_kept_only_as_a_hash(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    agency = _agency(staff)
    asked = _ask(
        access_request,
        staff,
        agency,
        django_capture_on_commit_callbacks,
        scope="Custody records and call logs",
        records_from=dt.date(2020, 1, 1),
        records_to=dt.date(2025, 12, 31),
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["dpo@police.example"]
    assert access_request.reference in sent.subject
    assert "Custody records and call logs" in sent.body
    assert "from 1 January 2020 to 31 December 2025" in sent.body
    assert f"{asked.due_on.day} {asked.due_on:%B %Y}" in sent.body
    token = _token()
    link = AgencyReturnLink.objects.get(agency_request=asked)
    assert link.token_hash == token_hash(token)
    message = Message.objects.get(template="agency_records_request")
    assert token not in message.body and "[not kept]" in message.body  # the record never holds the link
    asked.refresh_from_db()
    assert asked.asking_letter is not None and asked.asking_letter.template == "agency_records_request"
    assert "2012" not in sent.body  # the date of birth stays behind the link and its code


def test_without_a_data_owner_email_the_request_is_a_letter_to_post(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    agency = _agency(staff, email="")
    asked = _ask(access_request, staff, agency, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    letter = Letter.objects.get(template="agency_records_request")
    assert asked.asking_letter_id == letter.pk if (asked := AgencyRequest.objects.get(pk=asked.pk)) else False
    with pdfplumber.open(letter.file.path) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "Alex Example" in text and "1 May 2012" in text and "Records request" in text
    assert not AgencyReturnLink.objects.exists()


def _verified_client(client: Client, token: str, capture: Any) -> Client:
    with celery_eager(), capture(execute=True):
        assert client.post(reverse("disclosure:agency_return_open", args=[token])).status_code == 302
    code = re.search(r"is (\d{6})\.", mail.outbox[-1].body)
    assert code is not None
    response = client.post(reverse("disclosure:agency_return_code", args=[token]), {"code": code.group(1)})
    assert response.status_code == 302
    return client


def test_the_data_owner_confirms_with_a_code_then_says_nothing_held(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    asked = _ask(access_request, staff, _agency(staff), django_capture_on_commit_callbacks)
    token = _token()
    client = Client()
    start = client.get(reverse("disclosure:agency_return_open", args=[token]))
    assert start.status_code == 200 and b"Send me a code" in start.content
    assert b"1 May 2012" not in start.content  # nothing about the person before the code
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disclosure:agency_return_open", args=[token]))
    assert mail.outbox[-1].to == ["dpo@police.example"]
    wrong = client.post(reverse("disclosure:agency_return_code", args=[token]), {"code": "000000"})
    assert wrong.status_code == 400 and b"The code is not right" in wrong.content
    assert client.get(reverse("disclosure:agency_return_open", args=[token])).content.count(b"Send me a code") == 1
    code = re.search(r"is (\d{6})\.", mail.outbox[-1].body)
    assert code is not None
    assert (
        client.post(reverse("disclosure:agency_return_code", args=[token]), {"code": code.group(1)}).status_code == 302
    )
    upload = client.get(reverse("disclosure:agency_return_open", args=[token]))
    assert upload.status_code == 200 and b"1 May 2012" in upload.content
    done = client.post(
        reverse("disclosure:agency_return_open", args=[token]), {"returned_by_name": "Pat Owner", "nothing_held": "on"}
    )
    assert done.status_code == 302
    asked.refresh_from_db()
    assert asked.status == AgencyRequestStatus.NIL_RETURN
    returned = AgencyReturn.objects.get(agency_request=asked)
    assert returned.nothing_held and returned.returned_by_name == "Pat Owner"
    assert returned.returned_by_email == "dpo@police.example"
    assert client.get(reverse("disclosure:agency_return_sent", args=[token])).status_code == 200
    again = Client().get(reverse("disclosure:agency_return_open", args=[token]))
    assert again.status_code == 403 and b"Records already sent" in again.content


def test_wrong_or_expired_links_are_refused_plainly_and_change_nothing(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    asked = _ask(access_request, staff, _agency(staff), django_capture_on_commit_callbacks)
    token = _token()
    unknown = Client().post(reverse("disclosure:agency_return_open", args=["not-a-token"]))
    assert unknown.status_code == 404 and b"Link not recognised" in unknown.content
    link = AgencyReturnLink.objects.get(agency_request=asked)
    link.expires_at = timezone.now() - dt.timedelta(minutes=1)
    link.save()
    sent_before = len(mail.outbox)
    expired = Client().post(reverse("disclosure:agency_return_open", args=[token]))
    assert expired.status_code == 403 and b"This link has expired" in expired.content
    assert len(mail.outbox) == sent_before  # no code sent
    with pytest.raises(Exception, match="no longer works"):
        agency_return_submit(link_id=link.pk, returned_by_name="X", nothing_held=True, files=[], visitor=VISITOR)
    asked.refresh_from_db()
    assert asked.status == AgencyRequestStatus.REQUESTED and not AgencyReturn.objects.exists()


def test_one_agency_link_never_opens_another_agency_request(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    _ask(access_request, staff, _agency(staff), django_capture_on_commit_callbacks)
    police_token = _token()
    _ask(
        access_request,
        staff,
        _agency(staff, "Stockport Health", "owner@health.example"),
        django_capture_on_commit_callbacks,
    )
    health_token = _token()
    client = _verified_client(Client(), police_token, django_capture_on_commit_callbacks)
    assert b"Stockport Police" in client.get(reverse("disclosure:agency_return_open", args=[police_token])).content
    other = client.get(reverse("disclosure:agency_return_open", args=[health_token]))
    assert b"Send me a code" in other.content and b"1 May 2012" not in other.content  # not verified for this one
    posted = client.post(
        reverse("disclosure:agency_return_open", args=[health_token]), {"returned_by_name": "X", "nothing_held": "on"}
    )
    assert (
        posted.status_code == 302
        and not AgencyReturn.objects.filter(agency_request__agency__name="Stockport Health").exists()
    )


def test_a_refused_file_refuses_the_whole_return(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    asked = _ask(access_request, staff, _agency(staff), django_capture_on_commit_callbacks)
    link = AgencyReturnLink.objects.get(agency_request=asked)
    with pytest.raises(Exception, match="cannot be accepted"):
        agency_return_submit(
            link_id=link.pk,
            returned_by_name="Pat",
            nothing_held=False,
            files=[ReturnedUpload("program.exe", b"MZ\x90\x00" + b"\x00" * 100)],
            visitor=VISITOR,
        )
    assert not AgencyReturn.objects.exists()


def test_the_log_filter_masks_return_link_tokens() -> None:
    assert mask_portal_tokens("GET /disclosure/agency-return/abcDEF123/code/ 200") == (
        "GET /disclosure/agency-return/[token]/code/ 200"
    )
    assert mask_portal_tokens("/disclosure/agency-returns/late/") == "/disclosure/agency-returns/late/"


# Conversion ------------------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(f"Visit note. {SECRET} was present at the home visit.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Contact"
    sheet["A2"] = f"{SECRET} phoned the office"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _eml() -> bytes:
    message = EmailMessage()
    message["From"] = "worker@police.example"
    message["To"] = "dpo@police.example"
    message["Subject"] = "Referral"
    message["Date"] = "Mon, 2 Mar 2026 10:00:00 +0000"
    message.set_content(f"The referral named {SECRET} as the caller.")
    message.add_attachment(_docx(), maintype="application", subtype="octet-stream", filename="attached note.docx")
    return message.as_bytes()


def test_files_are_classified_by_content() -> None:
    assert classify(_docx(), name="x.pdf") == ReturnFileKind.WORD
    assert classify(_xlsx(), name="x") == ReturnFileKind.EXCEL
    assert classify(_eml(), name="mail.eml") == ReturnFileKind.EMAIL
    with pytest.raises(Exception, match="cannot be accepted"):
        classify(b"just some text", name="notes.txt")


@pytest.mark.office
@needs_soffice
def test_word_excel_and_email_are_converted_redacted_and_absent_from_the_pack(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    from disclosure.services.packs import pack_request

    asked = _ask(access_request, staff, _agency(staff), django_capture_on_commit_callbacks)
    link = AgencyReturnLink.objects.get(agency_request=asked)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        returned = agency_return_submit(
            link_id=link.pk,
            returned_by_name="Pat Owner",
            nothing_held=False,
            files=[
                ReturnedUpload("visit.docx", _docx()),
                ReturnedUpload("contacts.xlsx", _xlsx()),
                ReturnedUpload("referral.eml", _eml()),
            ],
            visitor=VISITOR,
        )
    files = list(returned.files.order_by("pk"))
    assert [f.status for f in files] == [ConversionStatus.DONE] * 3, [f.error for f in files]
    assert [f.kind for f in files] == [ReturnFileKind.WORD, ReturnFileKind.EXCEL, ReturnFileKind.EMAIL]
    documents = list(Document.objects.filter(return_file__agency_return=returned).order_by("pk"))
    assert len(documents) == 4  # the email's body and its Word attachment are two
    for document in documents:
        assert document.agency == asked.agency and document.media_type == "application/pdf"
        assert document.original.read().startswith(b"%PDF-")
        assert SECRET in document.text.replace("\n", " ")
        redact_phrase(by=staff["caseworker"], document=document, phrase=SECRET, exemption="third_party")
    assert all(f.original.read()[:2] in {b"PK", b"Fr"} or f.kind == ReturnFileKind.EMAIL for f in files)
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        preview = pack_request(request=access_request, by=staff["caseworker"], preview=True)
    preview = Pack.objects.get(pk=preview.pk)
    assert preview.status == PackStatus.VERIFIED, preview.failure_reason
    with pdfplumber.open(preview.file.path) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
        pages = len(pdf.pages)
    assert "Jordan" not in text and "Hidden" not in text  # the pack's own verification also searched for it
    assert pages > len(documents)  # every converted document is in the pack, after its covering pages


# The sweep ------------------------------------------------------------------------------------


def test_the_sweep_emails_one_chaser_then_one_escalation_however_often_it_runs(
    access_request: RightsRequest, staff: dict[str, User], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.AGENCY_ESCALATION_WORKING_DAYS = 5
    asked = _ask(
        access_request,
        staff,
        _agency(staff),
        django_capture_on_commit_callbacks,
        requested_on=dt.date(2026, 3, 3),
        today=dt.date(2026, 3, 3),
    )
    assert asked.due_on == dt.date(2026, 3, 17)
    mail.outbox.clear()

    def run(day: dt.date) -> tuple[int, int]:
        import uuid

        context = SweepContext(today=day, run=uuid.uuid4(), batch_size=100)
        with celery_eager(), django_capture_on_commit_callbacks(execute=True):
            return (
                agency_chasers_sweep(context)["chasers"],
                agency_escalations_sweep(context)["agency escalations"],
            )

    assert run(dt.date(2026, 3, 17)) == (0, 0)  # due today: not late
    assert run(dt.date(2026, 3, 18)) == (1, 0)
    assert run(dt.date(2026, 3, 18)) == (0, 0)
    chasers = [m for m in mail.outbox if m.to == ["dpo@police.example"]]
    assert len(chasers) == 1 and "/disclosure/agency-return/" in chasers[0].body
    assert run(dt.date(2026, 3, 23)) == (0, 0)  # four working days late
    assert run(dt.date(2026, 3, 24)) == (0, 1)  # five
    assert run(dt.date(2026, 3, 25)) == (0, 0)
    escalations = [m for m in mail.outbox if m.to == ["head@police.example"]]
    assert len(escalations) == 1 and access_request.reference in escalations[0].subject
    assert "Alex" not in escalations[0].body  # nothing about the data subject
    asked.refresh_from_db()
    assert asked.status == AgencyRequestStatus.LATE and asked.escalated_on == dt.date(2026, 3, 24)


def test_the_manager_sees_which_agencies_are_late_in_constant_queries(
    access_request: RightsRequest,
    staff: dict[str, User],
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
    caplog: Any,
) -> None:
    for name in ("Stockport Police", "Stockport Health", "Stockport Schools"):
        _ask(
            access_request,
            staff,
            _agency(staff, name, f"o@{name.split()[-1].lower()}.example"),
            django_capture_on_commit_callbacks,
            requested_on=dt.date(2026, 3, 3),
            today=dt.date(2026, 3, 3),
        )
    client = Client()
    sign_in(client, staff["manager"])
    url = reverse("disclosure:late_agency_returns")
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    for name in (b"Stockport Police", b"Stockport Health", b"Stockport Schools"):
        assert name in page.content
    assert access_request.reference.encode() in page.content
    worker = Client()
    sign_in(worker, staff["caseworker"])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert worker.get(url).status_code == 403
