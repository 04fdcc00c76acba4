"""Proof of identity and authority sent with an online request: checked by the scans' content checks, refused
files counted and nothing kept, accepted ones filed privately with the request, shown to the team who may open
it (and to nobody else), and an acknowledgement that does not ask again for what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_app.models import (
    OnlineRejection,
    RejectionReason,
    RequestView,
    RightsRequest,
    SubmittedDocument,
)
from tests import factories
from tests.conftest import LoopbackMailbox
from tests.requests_app.test_online_requests import PARENT, answer_up_to_email, confirm_email

pytestmark = pytest.mark.django_db

PDF = factories.scan_bytes("pdf")
PNG = factories.scan_bytes("png")
POLYGLOT = PDF.replace(b"\n", b"\n%<html><body><script>alert(1)</script></body></html>\n", 1)


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "submitted"
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def ready_to_send(smtp: LoopbackMailbox, capture) -> Client:  # type: ignore[no-untyped-def]
    """A parent who answered every question and confirmed their email address, on check your answers."""
    client = Client()
    with capture(execute=True):
        answer_up_to_email(client)
    confirm_email(client, smtp)
    return client


def send(client: Client, capture, **files: object) -> object:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(reverse("online:check"), {"website": "", **files})


def test_proof_sent_is_filed_privately_and_the_acknowledgement_does_not_ask_again(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = ready_to_send(smtp_server, django_capture_on_commit_callbacks)
    page = client.get(reverse("online:check")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="identity_documents"' in page and 'name="authority_documents"' in page
    response = send(
        client,
        django_capture_on_commit_callbacks,
        identity_documents=[SimpleUploadedFile("passport.pdf", PDF, content_type="application/pdf")],
        authority_documents=[
            SimpleUploadedFile("birth certificate.png", PNG, content_type="image/png"),
            SimpleUploadedFile("court order.jpg", factories.scan_bytes("jpeg"), content_type="image/jpeg"),
        ],
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    request = RightsRequest.objects.get()
    documents = list(request.submitted_documents.order_by("pk"))
    assert [(d.kind, d.original_name, d.media_type) for d in documents] == [
        ("identity", "passport.pdf", "application/pdf"),
        ("authority", "birth certificate.png", "image/png"),
        ("authority", "court order.jpg", "image/jpeg"),
    ]
    # Stored under a generated name, never the requester's, with the bytes sent and a record of each upload.
    first = documents[0]
    assert first.file.name.startswith("submitted/") and "passport" not in first.file.name
    assert first.file.name.endswith(".pdf")
    with first.file.open("rb") as handle:
        assert handle.read() == PDF
    assert first.size == len(PDF) and len(first.sha256) == 64 and first.ip_address == "127.0.0.1"
    assert first.history.get().history_change_reason == "Sent with the online request"
    assert len(stored_files()) == 3
    # Not evidence yet: a caseworker must look and record what was seen; the month has not started.
    assert request.evidence.count() == 0 and request.identity_verified_at is None
    acknowledgement = " ".join(" ".join(smtp_server.bodies_to(PARENT)).split())
    assert "We have the proof of your identity and of your authority to act for Robin Parent" in acknowledgement
    assert "we will tell you exactly what we need, if we have not done so already" not in acknowledgement
    done = client.get(reverse("online:done")).content.decode()
    assert "We have the 3 files you sent" in done


def test_identity_alone_still_asks_for_authority(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = ready_to_send(smtp_server, django_capture_on_commit_callbacks)
    send(
        client,
        django_capture_on_commit_callbacks,
        identity_documents=[SimpleUploadedFile("licence.png", PNG, content_type="image/png")],
    )
    acknowledgement = " ".join(" ".join(smtp_server.bodies_to(PARENT)).split())
    assert "We have the proof of your identity that you sent with your request" in acknowledgement
    assert "We also need proof that you may act for Robin Parent" in acknowledgement


def test_without_proof_the_acknowledgement_asks_as_before(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = ready_to_send(smtp_server, django_capture_on_commit_callbacks)
    send(client, django_capture_on_commit_callbacks)
    assert SubmittedDocument.objects.count() == 0
    acknowledgement = " ".join(" ".join(smtp_server.bodies_to(PARENT)).split())
    assert "we will tell you exactly what we need" in acknowledgement
    assert "We have the proof" not in acknowledgement


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("passport.pdf", POLYGLOT, "also a web page"),
        ("passport.pdf", b"%PDF-1.4 not really", "damaged PDF"),
        ("passport.docx", b"PK\x03\x04" + b"\0" * 30, "zip archive"),
        ("passport.txt", b"My passport number is 123", "The scan must be a PDF, PNG or JPEG file."),
    ],
)
def test_a_refused_file_refuses_the_request_is_counted_and_nothing_is_kept(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks, name: str, data: bytes, said: str
) -> None:
    client = ready_to_send(smtp_server, django_capture_on_commit_callbacks)
    response = send(
        client,
        django_capture_on_commit_callbacks,
        identity_documents=[SimpleUploadedFile("good.png", PNG, content_type="image/png")],
        authority_documents=[SimpleUploadedFile(name, data, content_type="application/pdf")],
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert said in page and 'href="#id_authority_documents"' in page
    assert "Choose the file again" in page  # beside the good file, which was not kept either
    assert RightsRequest.objects.count() == 0 and SubmittedDocument.objects.count() == 0
    assert stored_files() == []
    rejection = OnlineRejection.objects.get()
    assert (rejection.step, rejection.reason, rejection.email) == ("documents", RejectionReason.UPLOAD_REFUSED, PARENT)
    # The answers are kept: the same request can be sent at once without the bad file.
    response = send(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and RightsRequest.objects.count() == 1  # type: ignore[attr-defined]


def test_too_many_files_are_refused(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks, settings: object
) -> None:
    settings.ONLINE_UPLOAD_MAX_FILES = 2  # type: ignore[attr-defined]
    client = ready_to_send(smtp_server, django_capture_on_commit_callbacks)
    response = send(
        client,
        django_capture_on_commit_callbacks,
        identity_documents=[SimpleUploadedFile(f"page{n}.png", PNG, content_type="image/png") for n in range(3)],
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "You chose 3 files. You can send up to 2 with your request." in response.content.decode()  # type: ignore[attr-defined]
    assert RightsRequest.objects.count() == 0 and stored_files() == []
    assert OnlineRejection.objects.get().reason == RejectionReason.UPLOAD_REFUSED


def test_a_file_too_large_is_refused(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks, settings: object
) -> None:
    settings.ONLINE_UPLOAD_MAX_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    client = ready_to_send(smtp_server, django_capture_on_commit_callbacks)
    big = PDF + b"%" + b"x" * (1024 * 1024)
    response = send(
        client,
        django_capture_on_commit_callbacks,
        identity_documents=[SimpleUploadedFile("scan.pdf", big, content_type="application/pdf")],
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "the largest file accepted is 1 MB" in response.content.decode()  # type: ignore[attr-defined]
    assert RightsRequest.objects.count() == 0 and stored_files() == []


def test_a_person_asking_for_themselves_is_not_offered_authority(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.post(reverse("online:question", args=["who"]), {"role": "self", "website": ""})
    from tests.requests_app.test_online_requests import ABOUT_CHILD

    client.post(reverse("online:question", args=["about"]), ABOUT_CHILD | {"subject-full_name": "Sam Self"})
    client.post(reverse("online:question", args=["right"]), {"kind": "access"})
    client.post(reverse("online:question", args=["details"]), {"summary": "My records."})
    client.post(reverse("online:question", args=["reply"]), {"reply_by": "email", "format_needs_detail": ""})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("online:question", args=["email"]), {"email": PARENT})
    confirm_email(client, smtp_server)
    page = client.get(reverse("online:check")).content.decode()
    assert 'name="identity_documents"' in page and 'name="authority_documents"' not in page
    response = send(
        client,
        django_capture_on_commit_callbacks,
        identity_documents=[SimpleUploadedFile("passport.png", PNG, content_type="image/png")],
        authority_documents=[SimpleUploadedFile("order.png", PNG, content_type="image/png")],  # ignored: not asked
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert list(SubmittedDocument.objects.values_list("kind", flat=True)) == ["identity"]
    acknowledgement = " ".join(" ".join(smtp_server.bodies_to(PARENT)).split())
    assert "We have the proof of your identity that you sent with your request" in acknowledgement
    assert "We also need" not in acknowledgement


def _sent_online(smtp: LoopbackMailbox, capture) -> SubmittedDocument:  # type: ignore[no-untyped-def]
    client = ready_to_send(smtp, capture)
    send(client, capture, identity_documents=[SimpleUploadedFile("passport.pdf", PDF, content_type="application/pdf")])
    return SubmittedDocument.objects.select_related("request").get()


def signed_in(user: User) -> Client:
    client = Client()
    factories.sign_in(client, user)
    return client


def test_the_team_sees_the_proof_on_the_request_and_the_evidence_step(
    smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks
) -> None:
    document = _sent_online(smtp_server, django_capture_on_commit_callbacks)
    casey = factories.caseworker("casey")
    client = signed_in(casey)
    url = reverse("submitted_document_file", args=[document.pk])
    for page_url in (
        reverse("request_detail", args=[document.request.pk]),
        reverse("evidence_new", args=[document.request.pk]),
    ):
        page = client.get(page_url).content.decode()
        assert "Proof sent with the online request" in page and "passport.pdf" in page and url in page
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "no-store" and download["X-Content-Type-Options"] == "nosniff"
    assert RequestView.objects.filter(request=document.request, user=casey).exists()  # the look is recorded


def test_nobody_else_sees_the_proof(smtp_server: LoopbackMailbox, django_capture_on_commit_callbacks) -> None:
    document = _sent_online(smtp_server, django_capture_on_commit_callbacks)
    url = reverse("submitted_document_file", args=[document.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    # A caseworker outside a restricted request, and a reviewer referred on it, get nothing.
    from requests_app.services.requests import request_set_restricted

    manager = factories.manager("mo")
    request_set_restricted(request=document.request, by=manager, restricted=True, reason="Staff member's family")
    assert signed_in(factories.caseworker("other")).get(url).status_code == 404
    reviewer = factories.reviewer("rev")
    factories.refer(document.request, reviewer, kind="competence", by=manager)
    assert signed_in(reviewer).get(url).status_code == 404
    page = signed_in(reviewer).get(reverse("request_detail", args=[document.request.pk]))
    assert page.status_code == 200 and "passport.pdf" not in page.content.decode()
    assert signed_in(manager).get(url).status_code == 200
