"""The safe PDF renderer: nothing outside our own static files loads, metadata is clean, output is deterministic."""

from __future__ import annotations

import base64
import getpass
import hashlib
import io
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest
import weasyprint
from django.conf import settings
from django.template import engines
from PIL import Image

from core.pdf import (
    INLINE_BASE_URL,
    PRODUCER,
    STATIC_BASE_URL,
    RefusedURL,
    SafeURLFetcher,
    pdf_sha256,
    render_pdf,
    safe_url_fetcher,
)

HOSTILE = '<img src="file:///etc/passwd">'


def text_of(pdf: bytes) -> str:
    """Text as a reader sees it, extracted by pdfplumber (not the library that wrote the PDF)."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return " ".join(" ".join((page.extract_text() or "").split()) for page in doc.pages)


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def all_bytes(pdf: bytes) -> bytes:
    """Every object of the file, with streams decompressed (pikepdf), so nothing hides in a compressed stream."""
    parts = [pdf]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream):
                parts.append(obj.read_bytes())
            else:
                parts.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(parts)


def png_bytes(colour: str = "red", size: tuple[int, int] = (20, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def page(body: str, head: str = "") -> str:
    return f'<!DOCTYPE html><html lang="en-GB"><head><title>t</title>{head}</head><body>{body}</body></html>'


@pytest.fixture
def static_dir(settings: object, tmp_path: Path) -> Path:
    """The project's static folder, for these tests: a temporary one with a stylesheet and an image."""
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "letter.css").write_text('body::after { content: "STYLED-BY-OUR-CSS"; }')
    (root / "img").mkdir()
    (root / "img" / "logo.png").write_bytes(png_bytes("blue"))
    (root / "img" / "fake.png").write_bytes(b"not really a png")
    settings.STATICFILES_DIRS = [root]  # type: ignore[attr-defined]
    return root


@pytest.fixture
def secret_files(tmp_path: Path) -> dict[str, Path]:
    """Files outside the static folders that a hostile document might try to pull in."""
    outside = tmp_path / "outside"
    outside.mkdir()
    css = outside / "secret.css"
    css.write_text('body::after { content: "LEAKED-SECRET-CSS"; }')
    image = outside / "secret.png"
    image.write_bytes(png_bytes("green"))
    return {"css": css, "png": image}


# Escaping and refusal


def test_a_hostile_name_given_as_user_content_prints_as_text() -> None:
    template = engines["django"].from_string(
        '<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head><body><p>Dear {{ name }},</p></body></html>'
    )
    html = template.render({"name": HOSTILE})
    assert "&lt;img" in html

    pdf = render_pdf(html, title="Letter RR-2026-0001")

    assert 'Dear <img src="file:///etc/passwd">,' in text_of(pdf)
    assert image_count(pdf) == 0


def test_a_raw_file_url_in_the_html_does_not_load(secret_files: dict[str, Path]) -> None:
    html = page(
        f'<p>Before</p><img src="{secret_files["png"].as_uri()}"><img src="file:///etc/passwd"><p>After</p>',
        head=f'<link rel="stylesheet" href="{secret_files["css"].as_uri()}">',
    )

    pdf = render_pdf(html, title="Hostile")

    text = text_of(pdf)
    assert "Before" in text and "After" in text  # the render carried on
    assert "LEAKED-SECRET-CSS" not in text
    assert image_count(pdf) == 0
    assert b"root:x:0:0" not in all_bytes(pdf)


def test_the_same_html_with_weasyprints_default_fetcher_would_load_those_files(secret_files: dict[str, Path]) -> None:
    """The control: without our fetcher the files above are read, so the test above can fail."""
    html = page(
        f'<img src="{secret_files["png"].as_uri()}">',
        head=f'<link rel="stylesheet" href="{secret_files["css"].as_uri()}">',
    )
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert "LEAKED-SECRET-CSS" in text_of(pdf)
    assert image_count(pdf) == 1


def test_css_imports_fonts_and_backgrounds_cannot_reach_outside(secret_files: dict[str, Path]) -> None:
    css_url = secret_files["css"].as_uri()
    html = page(
        f'<p style="background: url({secret_files["png"].as_uri()})">Text</p>',
        head=(
            f'<style>@import url("{css_url}"); '
            '@font-face { font-family: X; src: url("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"); }'
            "p { font-family: X, sans-serif; }</style>"
        ),
    )
    pdf = render_pdf(html, title="Hostile CSS")
    assert "LEAKED-SECRET-CSS" not in text_of(pdf)
    assert "Text" in text_of(pdf)
    assert image_count(pdf) == 0


def test_attachments_named_in_the_html_are_not_embedded(secret_files: dict[str, Path]) -> None:
    html = page("<p>x</p>", head=f'<link rel="attachment" href="{secret_files["css"].as_uri()}">')
    pdf = render_pdf(html, title="Attachment")
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.attachments) == 0
    assert b"LEAKED-SECRET-CSS" not in all_bytes(pdf)


@pytest.mark.usefixtures("static_dir")
@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.com/style.css",
        "https://example.com/static/css/letter.css",
        "https://rights-desk.invalid.example.com/static/css/letter.css",
        "https://rights-desk.invalid@example.com/static/css/letter.css",
        "ftp://example.com/x.css",
        f"{STATIC_BASE_URL}../../etc/passwd",
        f"{STATIC_BASE_URL}%2e%2e/%2e%2e/etc/passwd.css",
        f"{STATIC_BASE_URL}css/..%2f..%2fsecret.css",
        f"{STATIC_BASE_URL}/etc/passwd.css",
        f"{STATIC_BASE_URL}css\\..\\letter.css",
        f"{STATIC_BASE_URL}css/letter.css%00.png",
        f"{STATIC_BASE_URL}css/missing.css",
        f"{STATIC_BASE_URL}img/fake.png",  # named .png, is not a PNG
        f"{STATIC_BASE_URL}settings.py",
        "https://rights-desk.invalid/etc/passwd",
        f"{INLINE_BASE_URL}unknown.png",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:image/png,notbase64",
        "data:image/png;base64,bm90IGEgcG5n",  # base64 of "not a png"
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses_everything_but_our_own_files(url: str) -> None:
    with pytest.raises(RefusedURL):
        safe_url_fetcher.fetch(url)


def test_the_fetcher_refuses_a_symlink_out_of_the_static_folder(
    static_dir: Path, secret_files: dict[str, Path]
) -> None:
    (static_dir / "css" / "escape.css").symlink_to(secret_files["css"])
    with pytest.raises(RefusedURL):
        safe_url_fetcher.fetch(f"{STATIC_BASE_URL}css/escape.css")


def test_the_fetcher_never_falls_back_to_urllib() -> None:
    with pytest.raises(RefusedURL):
        safe_url_fetcher.open("file:///etc/passwd")


# What it does serve


def test_our_own_static_stylesheet_and_image_load(static_dir: Path) -> None:
    html = page('<p>Hi</p><img src="img/logo.png" alt="Logo">', head='<link rel="stylesheet" href="css/letter.css">')
    pdf = render_pdf(html, title="Static")
    assert "STYLED-BY-OUR-CSS" in text_of(pdf)
    assert image_count(pdf) == 1


def test_the_projects_own_static_folder_is_served() -> None:
    response = safe_url_fetcher.fetch(f"{STATIC_BASE_URL}css/app.css")
    assert response.content_type == "text/css"
    assert Path(settings.BASE_DIR, "static", "css", "app.css").read_bytes() == response.read()


def test_images_given_by_the_caller_and_png_data_urls_load() -> None:
    encoded = base64.b64encode(png_bytes("yellow")).decode()
    html = page(f'<img src="/inline/page-1.png" alt="Page 1"><img src="data:image/png;base64,{encoded}" alt="Dot">')
    pdf = render_pdf(html, title="Inline", resources={"page-1.png": png_bytes("red")})
    assert image_count(pdf) == 2


def test_resources_must_be_images_with_plain_names() -> None:
    with pytest.raises(ValueError, match="not a PNG or JPEG"):
        SafeURLFetcher({"sheet.png": b"PK\x03\x04 a spreadsheet"})
    with pytest.raises(ValueError, match="plain resource name"):
        SafeURLFetcher({"../page.png": png_bytes()})


# Determinism, tagging and metadata


def test_the_same_inputs_give_the_same_bytes() -> None:
    html = page("<h1>Letter</h1><p>Same every time.</p>")
    first = render_pdf(html, title="RR-2026-0001")
    second = render_pdf(html, title="RR-2026-0001")
    assert pdf_sha256(first) == pdf_sha256(second)
    assert pdf_sha256(first) != pdf_sha256(render_pdf(html, title="RR-2026-0002"))


def test_pdf_sha256_is_the_hex_digest_of_the_bytes() -> None:
    assert pdf_sha256(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", pdf_sha256(b""))


def test_the_pdf_is_tagged_for_accessibility() -> None:
    pdf = render_pdf(page("<h1>Heading</h1><p>Paragraph</p>"), title="Tagged")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode()


def test_an_untagged_variant_can_be_asked_for() -> None:
    pdf = render_pdf(page("<p>Plain</p>"), title="Plain", pdf_variant=None)
    assert "/StructTreeRoot" not in pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def test_metadata_carries_no_names_or_paths_whatever_the_html_says(tmp_path: Path) -> None:
    head = (
        '<meta name="author" content="Jane Caseworker">'
        '<meta name="keywords" content="jcaseworker">'
        '<meta name="description" content="Prepared by Jane">'
        '<meta name="generator" content="Word on JANE-PC">'
        '<meta name="dcterms.created" content="2025-01-01T09:13:00+00:00">'
        f'<base href="{tmp_path.as_uri()}/">'
    )
    import datetime as dt

    pdf = render_pdf(page("<p>Body</p>", head=head), title="Letter RR-2026-0007", document_date=dt.date(2026, 3, 4))

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    info = dict(reader.metadata or {})
    assert info == {
        "/Title": "Letter RR-2026-0007",
        "/Creator": PRODUCER,
        "/Producer": PRODUCER,
        "/CreationDate": "D:20260304000000Z",
        "/ModDate": "D:20260304000000Z",
    }
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    everything = all_bytes(pdf)
    for leak in ("Jane", "jcaseworker", "JANE-PC", "WeasyPrint", str(tmp_path), str(settings.BASE_DIR)):
        assert leak not in xmp
        assert leak.encode() not in everything
    user = getpass.getuser()
    assert user not in " ".join(str(value) for value in info.values())
    assert user not in xmp


def test_without_a_document_date_no_dates_are_written() -> None:
    info = dict(pypdf.PdfReader(io.BytesIO(render_pdf(page("<p>x</p>"), title="No date"))).metadata or {})
    assert "/CreationDate" not in info and "/ModDate" not in info


def test_a_title_is_required() -> None:
    with pytest.raises(ValueError, match="title"):
        render_pdf(page("<p>x</p>"), title="  ")


def test_count_pages_lays_out_without_writing_and_agrees_with_the_pdf() -> None:
    from core.pdf import count_pages

    html = "<p>One</p>" + "".join(f'<p style="break-before: page">Page {n}</p>' for n in range(2, 6))
    data = render_pdf(html, title="Five pages")
    assert count_pages(html) == 5 == len(pypdf.PdfReader(io.BytesIO(data)).pages)
