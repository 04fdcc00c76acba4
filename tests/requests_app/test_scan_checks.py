"""Scans of letters and evidence get the same content checks as document uploads: a PDF that is also a web page,
or a file that only starts like a PDF, is refused and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.services.evidence import scan_extension
from requests_app.services.letters import letter_log
from requests_app.uploads import check_upload
from rights import ApplicationError
from tests import factories

REAL_PDF = factories.scan_bytes("pdf")
# A PDF that parses, with a web page where a browser sniffing the start of the file would find it.
POLYGLOT = REAL_PDF.replace(b"\n", b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n", 1)
ONLY_A_HEADER = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n"
PNG_POLYGLOT = factories.scan_bytes("png")[:33] + b"<html><script>alert(1)</script>" + factories.scan_bytes("png")[33:]


def test_the_polyglot_is_a_pdf_that_parses() -> None:
    """Today's first-bytes check takes it; so did the document check before it looked for markup."""
    import io

    from pypdf import PdfReader

    assert POLYGLOT.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(POLYGLOT)).pages) == 1


@pytest.mark.parametrize("data", [POLYGLOT, ONLY_A_HEADER, PNG_POLYGLOT])
def test_documents_refuse_them(data: bytes) -> None:
    with pytest.raises(ApplicationError):
        check_upload(data, name="x.pdf", max_bytes=10_000_000)


@pytest.mark.parametrize("data", [POLYGLOT, ONLY_A_HEADER, PNG_POLYGLOT])
def test_evidence_scans_refuse_them(data: bytes) -> None:
    with pytest.raises(ApplicationError) as refused:
        scan_extension(SimpleUploadedFile("passport.pdf", data))
    assert refused.value.field == "scan"


@pytest.mark.django_db
@pytest.mark.parametrize("data", [POLYGLOT, ONLY_A_HEADER, PNG_POLYGLOT])
def test_letter_scans_refuse_them_and_store_nothing(data: bytes) -> None:
    request = factories.make_request(received=dt.date(2026, 3, 2), today=dt.date(2026, 3, 4))
    with pytest.raises(ApplicationError) as refused:
        letter_log(
            request=request,
            by=factories.caseworker(),
            direction="in",
            date=dt.date(2026, 3, 4),
            method="post",
            addressee="Sam Example",
            summary="Signed consent",
            file=SimpleUploadedFile("consent.pdf", data),
            today=dt.date(2026, 3, 4),
        )
    assert refused.value.field == "file"
    assert not request.letters.filter(summary="Signed consent").exists()


def test_real_scans_still_pass() -> None:
    assert scan_extension(SimpleUploadedFile("a.pdf", REAL_PDF)) == "pdf"
    assert scan_extension(SimpleUploadedFile("a.jpg", factories.scan_bytes("jpeg"))) == "jpg"
