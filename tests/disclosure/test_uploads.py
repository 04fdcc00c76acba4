"""Uploads are judged by content, not name: text, PDF, PNG and JPEG only; everything else refused, saying why."""

from __future__ import annotations

import pytest

from requests_app.uploads import ACCEPTED, UploadKind, check_upload
from rights import ApplicationError
from tests.disclosure.conftest import (
    docx_bytes,
    ods_bytes,
    pdf_from_html,
    png_bytes,
    scan_pdf_bytes,
    xlsx_bytes,
    zip_bytes,
)

LIMIT = 5 * 1024 * 1024


def refused(data: bytes, name: str, limit: int = LIMIT) -> str:
    with pytest.raises(ApplicationError) as caught:
        check_upload(data, name=name, max_bytes=limit)
    assert caught.value.field == "file"
    return caught.value.message


def test_xlsx_renamed_pdf_is_refused_as_a_spreadsheet() -> None:
    message = refused(xlsx_bytes(), "referral.pdf")
    assert "Excel spreadsheet" in message
    assert "hide sheets" in message
    assert ACCEPTED in message
    assert "“referral.pdf”" in message


def test_ods_spreadsheet_is_refused() -> None:
    assert "OpenDocument spreadsheet" in refused(ods_bytes(), "stats.txt")


def test_word_document_is_refused() -> None:
    message = refused(docx_bytes(), "letter.docx")
    assert "Word document" in message
    assert ACCEPTED in message


def test_old_office_file_is_refused() -> None:
    assert "older Microsoft Office" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls")


def test_plain_zip_is_refused_as_an_archive() -> None:
    assert "zip archive" in refused(zip_bytes({"a.txt": b"hello"}), "bundle.pdf")


@pytest.mark.parametrize(
    "html",
    [
        b"<!DOCTYPE html><html><body>Hi</body></html>",
        b"  <html><p>x</p></html>",
        b"Dear Sir,\nplease see <script>alert(1)</script>\n",
    ],
)
def test_html_is_refused(html: bytes) -> None:
    assert "web page (HTML)" in refused(html, "notes.txt")


def test_executable_is_refused() -> None:
    assert "Windows program" in refused(b"MZ\x90\x00" + b"\x00" * 200, "report.pdf")
    assert "ELF" in refused(b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "notes.txt")


def test_binary_named_txt_is_refused() -> None:
    assert "binary data" in refused(bytes(range(256)) * 4, "notes.txt")


def test_text_with_control_characters_is_binary() -> None:
    assert "control characters" in refused(b"hello\x00world", "notes.txt")


def test_latin1_text_is_refused_as_not_utf8() -> None:
    assert "UTF-8" in refused("Café au lait".encode("latin-1"), "notes.txt")


def test_oversize_file_is_refused_with_sizes() -> None:
    with pytest.raises(ApplicationError) as caught:
        check_upload(b"a" * 2048, name="big.txt", max_bytes=1024)
    assert "2 KB" in caught.value.message
    assert "largest file accepted is 1 KB" in caught.value.message


def test_empty_file_is_refused() -> None:
    with pytest.raises(ApplicationError, match="empty"):
        check_upload(b"", name="x.txt", max_bytes=LIMIT)


def test_utf8_text_is_accepted_with_bom_and_crlf_normalised() -> None:
    checked = check_upload("\ufeffLine one\r\nLine two \u2013 ünïcode".encode(), name="a.pdf", max_bytes=LIMIT)
    assert checked.kind is UploadKind.TEXT
    assert checked.text == "Line one\nLine two \u2013 ünïcode"


def test_pdf_is_accepted_by_content_whatever_its_name() -> None:
    checked = check_upload(pdf_from_html("<p>Hello</p>"), name="scan.png", max_bytes=LIMIT)
    assert checked.kind is UploadKind.PDF
    assert checked.page_count == 1


def test_damaged_pdf_is_refused() -> None:
    assert "damaged PDF" in refused(b"%PDF-1.7\n garbage that is not a pdf", "x.pdf")


def test_pdf_with_an_attachment_is_refused() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_from_html("<p>Cover</p>"))))
    writer.add_attachment("hidden.xlsx", xlsx_bytes())
    out = io.BytesIO()
    writer.write(out)
    assert "attached file" in refused(out.getvalue(), "cover.pdf")


def test_password_protected_pdf_is_refused() -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_from_html("<p>Secret</p>"))))
    writer.encrypt(user_password="open-sesame", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    assert "password-protected" in refused(out.getvalue(), "secret.pdf")


def test_png_and_jpeg_are_accepted() -> None:
    assert check_upload(png_bytes(), name="a.txt", max_bytes=LIMIT).kind is UploadKind.PNG
    assert check_upload(png_bytes(fmt="JPEG"), name="a.png", max_bytes=LIMIT).kind is UploadKind.JPEG


def test_gif_is_refused_naming_the_format() -> None:
    assert "GIF image" in refused(png_bytes(fmt="GIF", dpi=None), "photo.png")


def test_truncated_png_is_refused() -> None:
    assert "damaged PNG" in refused(png_bytes()[:60], "photo.png")


def test_scanned_pdf_is_accepted() -> None:
    assert check_upload(scan_pdf_bytes(), name="scan.pdf", max_bytes=LIMIT).page_count == 2


def test_real_workbook_with_a_hidden_sheet_renamed_pdf_is_refused() -> None:
    import io

    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["Child", "School"])
    hidden = workbook.create_sheet("Names")
    hidden.append(["Jane Doe", "12 Hidden Road"])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    message = refused(out.getvalue(), "statistics.pdf")
    assert "Excel spreadsheet (.xlsx)" in message
    assert "hide sheets" in message
