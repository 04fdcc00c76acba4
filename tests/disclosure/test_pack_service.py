"""Packs made through the service and the Celery task (eager): verified, released never when failed, no leak."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata

import pdfplumber
import pikepdf
import pypdf
import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage

from disclosure.models import DisclosureEvent, Document, Pack, PackStatus, RedactionBox
from disclosure.pack import chunks, render, verify
from disclosure.pack.verify import WATERMARK
from disclosure.services import packs
from disclosure.services.delivery import dispatch_prepare, portal_link_create
from disclosure.services.packs import pack_request
from disclosure.services.redaction import redaction_add_span
from disclosure.tasks import render_pack, render_pack_chunk
from requests_app.models import RightsRequest, Status
from rights import ApplicationError
from tests.factories import PACK_SECRETS, celery_eager, pack_case

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).casefold()


def _texts(data: bytes) -> dict[str, str]:
    """The pack's text as two libraries see it, and every decompressed stream and string."""
    found: dict[str, str] = {}
    found["pypdf"] = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        found["pdfplumber"] = "\n".join(page.extract_text() or "" for page in pdf.pages)
    streams: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    streams.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:
                    streams.append(obj.read_raw_bytes().decode("latin-1"))
            elif isinstance(obj, pikepdf.Dictionary):
                streams.append(repr(obj))
    found["streams"] = "\n".join(streams)
    reader = pypdf.PdfReader(io.BytesIO(data))
    found["metadata"] = repr(dict(reader.metadata or {}))
    found["raw"] = data.decode("latin-1")
    return found


def assert_no_secret(data: bytes, secrets: tuple[str, ...] = PACK_SECRETS) -> None:
    for where, text in _texts(data).items():
        folded = _fold(text)
        bare = folded.replace(" ", "")
        for secret in secrets:
            assert _fold(secret) not in folded, f"{secret!r} found in {where}"
            assert _fold(secret).replace(" ", "") not in bare, f"{secret!r} found in {where} (spaces removed)"


@pytest.fixture
def approved(staff: dict[str, User]) -> RightsRequest:
    return pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)


def test_pack_of_an_approved_request_is_verified_and_holds_no_redacted_string(
    staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        pack = pack_request(request=approved, by=staff["caseworker"], today=TODAY)
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED, pack.failure_reason
    assert pack.progress == 100
    data = pack.file.read()
    assert pack.sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert pack.verification["ok"] is True
    assert pack.verification["page_count"] == pack.page_count == len(pypdf.PdfReader(io.BytesIO(data)).pages)
    painted_check = next(c for c in pack.verification["checks"] if c["name"].startswith("painted boxes"))
    drawn = RedactionBox.objects.filter(redaction__document__request=approved).count()  # rectangles, and a phrase's
    assert drawn >= 2 and painted_check["ok"] and painted_check["detail"].endswith(f"{drawn} of {drawn} boxes")
    assert_no_secret(data)
    text = _texts(data)["pypdf"]
    assert "Sam Example" in text and "S2 P3 para16" in text
    assert DisclosureEvent.objects.filter(request=approved, action="pack_verified").exists()
    assert pack.history.filter(status=PackStatus.VERIFIED).exists()


@pytest.fixture
def unapproved(staff: dict[str, User]) -> RightsRequest:
    return pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)


def make_pack(request: RightsRequest, by: User | None, capture, *, preview: bool = False) -> Pack:  # type: ignore[no-untyped-def]
    with celery_eager(), capture(execute=True):
        pack = pack_request(request=request, by=by, preview=preview, today=TODAY)
    pack.refresh_from_db()
    return pack


def test_a_preview_can_be_made_before_approval_and_is_watermarked(
    staff: dict[str, User], unapproved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    pack = make_pack(unapproved, staff["caseworker"], django_capture_on_commit_callbacks, preview=True)
    assert pack.status == PackStatus.VERIFIED and pack.preview
    pages = pypdf.PdfReader(io.BytesIO(pack.file.read())).pages
    assert all(WATERMARK in (page.extract_text() or "") for page in pages)
    with pytest.raises(ApplicationError, match="can never be sent"):
        portal_link_create(pack=pack, by=staff["caseworker"])


def test_the_real_pack_needs_an_approved_request(staff: dict[str, User], unapproved: RightsRequest) -> None:
    with pytest.raises(ApplicationError, match="only be made once the request is approved"):
        pack_request(request=unapproved, by=staff["caseworker"], today=TODAY)
    assert not Pack.objects.exists()


def test_a_reviewer_cannot_make_a_pack(staff: dict[str, User], approved: RightsRequest) -> None:
    with pytest.raises(ApplicationError, match="make a disclosure pack"):
        pack_request(request=approved, by=staff["reviewer"], today=TODAY)


def test_one_pack_at_a_time(
    staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        pack_request(request=approved, by=staff["caseworker"], today=TODAY)
    with pytest.raises(ApplicationError, match="already being made"):
        pack_request(request=approved, by=staff["caseworker"], today=TODAY)


def test_a_planted_leak_fails_the_pack_and_it_is_never_released(
    staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = render.chunk_html

    def leaky(inputs, chunk):  # type: ignore[no-untyped-def]
        html, resources, images = original(inputs, chunk)
        return html.replace("</body>", "<p>Also present: jane  DOE.</p></body>"), resources, images

    monkeypatch.setattr(render, "chunk_html", leaky)
    pack = make_pack(approved, staff["caseworker"], django_capture_on_commit_callbacks)
    assert pack.status == PackStatus.FAILED
    assert not pack.file  # the leaking PDF is not kept
    assert pack.verification["ok"] is False and pack.sha256
    assert re.search(r"redaction \d+ in document \d+.* found at page \d+", pack.failure_reason)
    assert "Jane" not in pack.failure_reason and "jane" not in json.dumps(pack.verification)
    with pytest.raises(ApplicationError, match="Only a verified pack can be sent"):
        portal_link_create(pack=pack, by=staff["caseworker"])
    with pytest.raises(ApplicationError, match="Only a verified pack can be sent"):
        dispatch_prepare(pack=pack, by=staff["caseworker"], method="post")
    assert RightsRequest.objects.get(pk=approved.pk).status == Status.APPROVED
    assert DisclosureEvent.objects.filter(request=approved, action="pack_failed").exists()


def test_records_changed_after_queueing_fail_the_pack(
    staff: dict[str, User], unapproved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        pack = pack_request(request=unapproved, by=staff["caseworker"], preview=True, today=TODAY)
    document = Document.objects.filter(request=unapproved, source_kind="typed_text").get()
    start = document.text.index("Pat Lee")
    redaction_add_span(by=staff["caseworker"], document=document, start=start, end=start + 7, exemption="third_party")
    with celery_eager():
        render_pack.delay(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED
    assert "changed after the pack was queued" in pack.failure_reason


def test_the_task_is_idempotent(
    staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    pack = make_pack(approved, staff["caseworker"], django_capture_on_commit_callbacks)
    rows = pack.history.count()
    with celery_eager():
        render_pack.delay(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.status == PackStatus.VERIFIED and pack.history.count() == rows


def test_the_fan_out_steps_give_the_same_bytes_as_rendering_in_one_process(
    staff: dict[str, User], approved: RightsRequest, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the Celery chord does, step by step, with chunks and page ranges done out of order."""
    monkeypatch.setattr(chunks, "CHUNK_PAGES", 2)
    monkeypatch.setattr(packs, "VERIFY_PAGES", 3)
    first = make_pack(approved, staff["caseworker"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        second = pack_request(request=approved, by=staff["manager"], today=TODAY)
    count = packs.pack_plan(pack_id=second.pk)
    assert count is not None and count > 2
    for index in reversed(range(count)):
        packs.pack_render_chunk(pack_id=second.pk, index=index)
    packs.pack_render_chunk(pack_id=second.pk, index=0)  # a redelivered task: nothing happens
    pages = packs.pack_assemble(pack_id=second.pk)
    assert pages == first.page_count
    parts = [packs.pack_verify_pages(pack_id=second.pk, first=a, last=b) for a, b in verify.page_ranges(pages, 3)]
    whole = packs.pack_verify_whole(pack_id=second.pk)
    packs.pack_complete(pack_id=second.pk, whole=whole, parts=list(reversed(parts)))
    second.refresh_from_db()
    assert second.status == PackStatus.VERIFIED
    assert second.sha256 == first.sha256  # same inputs, same bytes, whichever way it was made
    assert not default_storage.exists(f"{packs.WORK_ROOT}/{second.pk}/{second.inputs_hash[:16]}/assembled.pdf")


def test_a_task_that_fails_for_good_fails_its_pack(
    staff: dict[str, User],
    unapproved: RightsRequest,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        pack = pack_request(request=unapproved, by=staff["caseworker"], preview=True, today=TODAY)
    packs.pack_plan(pack_id=pack.pk)

    def broken(**kwargs: object) -> None:
        raise ConnectionError("broker went away")

    monkeypatch.setattr(packs, "pack_render_chunk", broken)
    monkeypatch.setitem(render_pack_chunk.__dict__, "max_retries", 0)
    with celery_eager():
        result = render_pack_chunk.apply(kwargs={"pack_id": pack.pk, "index": 0}, throw=False)
    assert result.failed()
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED and "repeated errors" in pack.failure_reason


def test_neither_confirm_nor_deny_items_leave_no_trace_in_the_pack(
    staff: dict[str, User], unapproved: RightsRequest, django_capture_on_commit_callbacks
) -> None:
    from disclosure.models import Redaction
    from disclosure.services.review import ncnd_approve, ncnd_flag_document, ncnd_flag_redaction

    hidden_document = Document.objects.get(request=unapproved, title="Scanned letter")
    address = Redaction.objects.get(document__request=unapproved, text="12 Acacia Avenue")
    flags = [
        ncnd_flag_document(
            by=staff["caseworker"],
            document=hidden_document,
            exemption="crime",
            reason="Saying it exists would tip off.",
        ),
        ncnd_flag_redaction(by=staff["caseworker"], redaction=address, reason="Saying it was withheld would harm."),
    ]
    for flag in flags:
        ncnd_approve(by=staff["manager"], flag=flag)
    pack = make_pack(unapproved, staff["caseworker"], django_capture_on_commit_callbacks, preview=True)
    assert pack.status == PackStatus.VERIFIED, pack.failure_reason
    data = pack.file.read()
    texts = [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    everything = _fold(" ".join(texts))
    assert _fold("Scanned letter") not in everything  # not in the letter, the schedule or the pages
    assert "3 documents" in everything and "4 documents" not in everything
    assert _fold("12 Acacia Avenue") not in everything
    referral = next(t for t in texts if "Document 1: Referral" in t)
    assert referral.count("S2 P3 para16") == 2  # the two Jane Does; the NCND span leaves no box
    assert "S2 P1 para2" not in " ".join(texts)  # the NCND document's exemption is in no key or count
    schedule = _fold(next(t for t in texts if "Schedule of documents" in t))
    assert _fold("S2 P3 para16 \u00d7 2") in schedule and _fold("\u00d7 3") not in schedule  # "code times n"
    assert_no_secret(data)


def test_reading_the_inputs_takes_the_same_queries_however_many_documents(
    staff: dict[str, User], unapproved: RightsRequest
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from disclosure.pack.build import build_inputs
    from disclosure.services.documents import DocumentDetails, document_add_text

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            build_inputs(RightsRequest.objects.get(pk=unapproved.pk), preview=True, letter_date=TODAY)
        return len(queries)

    before = count()
    for number in range(3):
        extra = document_add_text(
            by=staff["caseworker"],
            request=unapproved,
            details=DocumentDetails(title=f"Note {number}"),
            text="Pat Lee and Jo Bloggs met.",
            today=TODAY,
        )
        redaction_add_span(by=staff["reviewer"], document=extra, start=0, end=7, exemption="third_party")
    assert count() == before
