"""The verifier reads a PDF back with other libraries and fails it for any redacted string, wherever it hides."""

from __future__ import annotations

import io

import pikepdf
import pytest
import weasyprint

from disclosure.pack.inputs import Secret
from disclosure.pack.verify import WATERMARK, combine, fold, page_ranges, verify_pages, verify_pdf, verify_whole

REFERENCE = "RR-2026-0042"
SECRETS = (Secret("redaction 1 in document 1", "Jane Doe"), Secret("redaction 2 in document 1", "12 Acacia Avenue"))


def pdf(body: str, *, pages: int = 1, furniture: bool = True, preview: bool = False) -> bytes:
    """A small PDF with the pack's furniture on every page (unless told not to) and `body` on the first."""
    sheets = []
    for number in range(1, pages + 1):
        marks = (
            f"<p>{REFERENCE} OFFICIAL-SENSITIVE Page {number} of {pages}"
            + (f" {WATERMARK}" if preview else "")
            + "</p>"
            if furniture
            else ""
        )
        sheets.append(
            f"<section style='break-after: page'>{marks}{body if number == 1 else '<p>Nothing here.</p>'}</section>"
        )
    return weasyprint.HTML(string="<html><body>" + "".join(sheets) + "</body></html>").write_pdf()


def failed(report: dict[str, object]) -> set[str]:
    return {f"{c['name']} ({c['library']})" for c in report["checks"] if not c["ok"]}  # type: ignore[index,union-attr]


def run(data: bytes, **kwargs: object) -> dict[str, object]:
    return verify_pdf(data, secrets=SECRETS, reference=REFERENCE, preview=bool(kwargs.pop("preview", False)), **kwargs)  # type: ignore[arg-type]


def test_a_clean_pdf_passes_and_the_report_keeps_no_secret() -> None:
    report = run(pdf("<p>The caller, [S2 P3 para16], reported concerns.</p>", pages=2))
    assert report["ok"] is True
    assert report["page_count"] == 2
    assert set(report["libraries"]) == {"pypdf", "pdfminer.six", "pikepdf"}  # type: ignore[arg-type]
    assert report["searched"]["count"] == 2  # type: ignore[index]
    assert "Jane" not in repr(report) and "Acacia" not in repr(report)
    assert len(report["sha256"]) == 64  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        "<p>The caller, Jane Doe, reported concerns.</p>",
        "<p>The caller, JANE<br>\n   doe, reported concerns.</p>",  # case and whitespace folded
        "<p>The caller, J a n e D o e, reported concerns.</p>",  # spaces dropped
        "<p>At 12&nbsp;Acacia&nbsp;Avenue.</p>",  # non-breaking spaces
        "<p><span style='background:#000;color:#000'>Jane Doe</span> under a black box</p>",  # Manafort-style
        "<p style='font-size:1px;color:white'>Jane Doe</p>",  # invisible text
    ],
)
def test_a_planted_string_in_the_text_fails_the_pack(body: str) -> None:
    report = run(pdf(body))
    assert report["ok"] is False
    assert "extracted text (pypdf 7.1.1)" in failed(report) or any("pypdf" in name for name in failed(report))
    assert any("pdfminer" in name for name in failed(report))
    hit = next(h for h in report["hits"] if "secret" in h)  # type: ignore[attr-defined]
    assert hit["secret"].startswith("redaction") and hit["where"] == "page 1"


def _with(data: bytes, change: object) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as document:
        change(document)  # type: ignore[operator]
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def test_a_name_in_the_metadata_fails_the_pack() -> None:
    def author(document: pikepdf.Pdf) -> None:
        document.docinfo["/Author"] = "Jane Doe"

    report = run(_with(pdf("<p>Clean.</p>"), author))
    assert report["ok"] is False
    assert any(name.startswith("metadata") for name in failed(report))


def test_a_staff_name_or_a_path_in_the_metadata_fails_the_pack() -> None:
    def creator(document: pikepdf.Pdf) -> None:
        document.docinfo["/Creator"] = "Casey Worker, /home/casey/packs/draft.html"

    report = run(_with(pdf("<p>Clean.</p>"), creator), staff_names=["Casey Worker"])
    problems = [h["problem"] for h in report["hits"] if "problem" in h]  # type: ignore[attr-defined]
    assert "a staff name is in the metadata" in problems and "a file path is in the metadata" in problems


def test_a_string_hidden_in_an_annotation_fails_the_pack() -> None:
    def note(document: pikepdf.Pdf) -> None:
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[0, 0, 10, 10],
            Contents=pikepdf.String("12 Acacia Avenue"),
        )
        document.pages[0].obj.Annots = document.make_indirect(pikepdf.Array([annot]))

    report = run(_with(pdf("<p>Clean.</p>"), note))
    assert report["ok"] is False
    assert any(name.startswith("string objects") for name in failed(report))
    assert any(name.startswith("structure") for name in failed(report))  # and a stray annotation


def test_a_string_in_a_compressed_stream_no_page_shows_fails_the_pack() -> None:
    def stray(document: pikepdf.Pdf) -> None:
        stream = pikepdf.Stream(document, b"BT /F1 12 Tf (Jane Doe) Tj ET")  # saved Flate-compressed
        document.Root.Stray = document.make_indirect(stream)

    data = _with(pdf("<p>Clean.</p>"), stray)
    assert b"Jane Doe" not in data  # not visible in the raw bytes: only decompression finds it
    report = run(data)
    assert report["ok"] is False
    assert any(name.startswith("decompressed streams") for name in failed(report))


def test_a_string_in_the_raw_bytes_fails_the_pack() -> None:
    data = pdf("<p>Clean.</p>") + b"\n% left behind: JANE DOE\n"
    report = run(data)
    assert any(name.startswith("raw file bytes") for name in failed(report))


def test_javascript_fails_the_pack() -> None:
    def script(document: pikepdf.Pdf) -> None:
        document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))

    report = run(_with(pdf("<p>Clean.</p>"), script))
    assert any(name.startswith("structure") for name in failed(report))


def test_missing_furniture_fails_the_pack() -> None:
    report = run(pdf("<p>Clean.</p>", furniture=False))
    assert report["ok"] is False
    problems = [h["problem"] for h in report["hits"] if "problem" in h]  # type: ignore[attr-defined]
    assert "page 1: no page number" in problems


def test_a_preview_without_its_watermark_fails() -> None:
    assert run(pdf("<p>Clean.</p>", preview=True), preview=True)["ok"] is True
    report = run(pdf("<p>Clean.</p>"), preview=True)
    assert "page 1: no watermark" in [h.get("problem") for h in report["hits"]]  # type: ignore[attr-defined]


def test_short_secrets_match_whole_words_only() -> None:
    secrets = (Secret("redaction 9", "Jo"),)
    clean = verify_pdf(pdf("<p>John and Joanne.</p>"), secrets=secrets, reference=REFERENCE, preview=False)
    leaked = verify_pdf(pdf("<p>John met Jo.</p>"), secrets=secrets, reference=REFERENCE, preview=False)
    assert clean["ok"] is True and leaked["ok"] is False


def test_a_secret_too_short_to_search_is_reported_not_ignored() -> None:
    report = verify_pdf(
        pdf("<p>Clean.</p>"), secrets=(Secret("redaction 7", "J."),), reference=REFERENCE, preview=False
    )
    assert report["searched"]["not_searchable"] == ["redaction 7"]  # type: ignore[index]


def test_page_ranges_checked_apart_combine_into_the_same_verdict() -> None:
    data = pdf("<p>The caller, Jane Doe.</p>", pages=5)
    whole = verify_whole(data, secrets=SECRETS)
    parts = [
        verify_pages(data, secrets=SECRETS, reference=REFERENCE, preview=False, first=a, last=b)
        for a, b in page_ranges(5, 2)
    ]
    combined = combine(whole, list(reversed(parts)), reference=REFERENCE, preview=False)
    assert combined["ok"] is False and combined["page_count"] == 5
    assert combined["ok"] == run(data)["ok"]
    incomplete = combine(whole, parts[1:], reference=REFERENCE, preview=False)
    assert "only 3 of 5 pages were checked" in [h.get("problem") for h in incomplete["hits"]]  # type: ignore[attr-defined]


def test_fold() -> None:
    assert fold("  Jane\u00a0\n DOE\u200b ") == "jane doe"
