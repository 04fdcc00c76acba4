"""The "documents" section of the case format: validate (with field paths), import through the services, export."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from disclosure.casefile import export_document_files, resolve_case_file, validate_documents
from disclosure.models import Agency, DisclosureEvent, Document, Redaction, RedactionKind, SourceKind
from disclosure.services.documents import document_mark_reviewed
from disclosure.services.redaction import redaction_add_span
from requests_app.casefile import FORMAT, CaseFileError, case_export, case_import
from requests_app.models import RightsRequest, Status
from rights import ApplicationError
from tests.disclosure.conftest import pdf_from_html, png_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 20)
NOTE = "Jane Doe rang on Monday.\nJANE\nDOE rang again; the school nurse saw Alex."


def core(reference: str = "RR-2026-0100") -> dict[str, Any]:
    return {
        "format": FORMAT,
        "reference": reference,
        "kind": "access",
        "received": "2026-03-02",
        "channel": "letter",
        "subject": {"name": "Alex Example", "date_of_birth": "2012-05-01", "address": "1 High Street, Stockport"},
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "referral.pdf").write_bytes(
        pdf_from_html("<p>Police referral: Jane Doe reported concerns about Alex.</p>")
    )
    (tmp_path / "scans" / "photo.png").write_bytes(png_bytes((300, 200), dpi=150))
    (tmp_path / "scans" / "stats.pdf").write_bytes(xlsx_bytes())
    return tmp_path


def documents() -> list[dict[str, Any]]:
    return [
        {
            "title": "Contact log",
            "agency": "Children's Social Care",
            "date": "2026-02-01",
            "text": NOTE,
            "holds": ["social_work"],
            "redactions": [
                {"text": "jane doe", "exemption": "third_party"},
                {"start": 67, "end": 71, "exemption": "not_personal_data", "reason": "Another child"},
            ],
        },
        {
            "title": "Referral",
            "agency": "Police",
            "date": "2026-02-03",
            "file": "scans/referral.pdf",
            "redactions": [{"text": "Jane Doe", "exemption": "third_party"}],
        },
        {
            "title": "Photo",
            "agency": "police",
            "file": "scans/photo.png",
            "redactions": [{"page": 1, "x0": 10, "top": 10, "x1": 60, "bottom": 40, "exemption": "crime"}],
        },
    ]


def test_import_adds_documents_redactions_and_agencies_through_the_services(
    staff: dict[str, User], folder: Path
) -> None:
    assert NOTE[67:71] == "Alex"
    data = {**core(), "documents": documents()}
    rr = case_import(data=data, folder=folder, today=TODAY)
    docs = list(Document.objects.filter(request=rr).order_by("pk"))
    assert [(d.title, d.source_kind) for d in docs] == [
        ("Contact log", SourceKind.TYPED_TEXT),
        ("Referral", SourceKind.PDF_TEXT),
        ("Photo", SourceKind.SCAN_IMAGE),
    ]
    assert sorted(Agency.objects.values_list("name", flat=True)) == ["Children's Social Care", "Police"]
    assert docs[2].agency == docs[1].agency  # "police" is the same agency, whatever the case
    assert set(Agency.objects.values_list("data_owner", flat=True)) == {"Data owner not yet named"}
    assert docs[0].holds_social_work_data
    spans = list(Redaction.objects.filter(document=docs[0]).order_by("start"))
    assert [r.text for r in spans] == ["Jane Doe", "JANE\nDOE", "Alex"]  # every occurrence, any case, across lines
    assert spans[2].reason == "Another child"
    pdf_redaction = Redaction.objects.get(document=docs[1])
    assert pdf_redaction.boxes.count() == 1
    rect = Redaction.objects.get(document=docs[2])
    assert rect.kind == RedactionKind.RECTANGLE
    assert not any(d.is_reviewed for d in docs)


def test_reviewed_by_lets_an_imported_case_reach_approval(staff: dict[str, User], folder: Path) -> None:
    docs = documents()[:1]
    docs[0]["reviewed_by"] = "reviewer"
    data = {
        **core(),
        "status": "approved",
        "evidence": [{"kind": "identity", "description": "Passport", "seen_on": "2026-03-02", "seen_by": "caseworker"}],
        "documents": docs,
    }
    rr = case_import(data=data, folder=folder, today=TODAY, by=staff["manager"])
    assert rr.status == Status.APPROVED
    doc = Document.objects.get(request=rr)
    # The reviewer the file names did not act here: the record says who imported it as reviewed.
    assert doc.is_reviewed and doc.reviewed_by == staff["manager"]
    assert doc.imported_reviewer == "reviewer"
    assert doc.history.first().history_change_reason == "Imported as reviewed (the case file names 'reviewer')"
    event = DisclosureEvent.objects.get(document=doc, action="document_reviewed")
    assert event.by == staff["manager"] and "the case file names 'reviewer'" in event.detail


def test_a_command_line_import_records_documents_as_imported_as_reviewed_by_nobody(
    staff: dict[str, User], folder: Path
) -> None:
    docs = documents()[:1]
    docs[0]["reviewed_by"] = "reviewer"
    rr = case_import(data={**core(), "documents": docs}, folder=folder, today=TODAY)
    doc = Document.objects.get(request=rr)
    assert doc.is_reviewed and doc.reviewed_by is None and doc.imported_reviewer == "reviewer"
    # Undoing the review forgets the claim; a person marking it reviewed again is recorded as themselves.
    redaction_add_span(by=staff["caseworker"], document=doc, start=9, end=15, exemption="third_party")
    doc.refresh_from_db()
    assert not doc.is_reviewed and doc.imported_reviewer == ""
    doc = document_mark_reviewed(by=staff["caseworker"], document=doc)
    assert doc.reviewed_by == staff["caseworker"] and doc.imported_reviewer == ""
    assert case_export(request=rr)["documents"][0]["reviewed_by"] == "caseworker"


def test_unreviewed_documents_stop_an_imported_case_reaching_sign_off(staff: dict[str, User], folder: Path) -> None:
    data = {
        **core(),
        "status": "awaiting_sign_off",
        "evidence": [{"kind": "identity", "description": "Passport", "seen_on": "2026-03-02", "seen_by": "caseworker"}],
        "documents": documents()[:1],
    }
    with pytest.raises(CaseFileError) as caught:
        case_import(data=data, folder=folder, today=TODAY, by=staff["manager"])
    assert "not yet marked reviewed" in caught.value.message
    assert not RightsRequest.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d[1].update(file="/etc/passwd"), "documents[1].file: must be a path relative to the case file"),
        (lambda d: d[1].update(file="../outside.pdf"), "documents[1].file: must not leave the case file's folder"),
        (lambda d: d[1].update(file="scans/missing.pdf"), "documents[1].file: there is no file 'scans/missing.pdf'"),
        (
            lambda d: d[1].update(file="scans/stats.pdf"),
            "documents[1].file: “stats.pdf” cannot be accepted: it is an Excel spreadsheet",
        ),
        (lambda d: d[0].pop("text"), 'documents[0]: give the document\'s "text" or its "file"'),
        (lambda d: d[0].update(colour="red"), "documents[0].colour: unknown key"),
        (lambda d: d[0].update(date="1 Feb 2026"), "documents[0].date: must be an ISO date"),
        (lambda d: d[0].update(title=""), "documents[0].title: must not be empty"),
        (
            lambda d: d[0]["redactions"][0].update(exemption="because"),
            "documents[0].redactions[0].exemption: must be one of: third_party",
        ),
        (
            lambda d: d[0]["redactions"][0].update(text="John Smith"),
            "documents[0].redactions[0].text: does not appear in the document",
        ),
        (lambda d: d[0]["redactions"][1].update(end=10_000), "documents[0].redactions[1]: start must be before end"),
        (lambda d: d[0]["redactions"][1].update(start="a"), "documents[0].redactions[1].start: must be a whole number"),
        (lambda d: d[0]["redactions"][0].update(start=1), "documents[0].redactions[0]: give exactly one of"),
        (lambda d: d[2]["redactions"][0].update(page=2), "documents[2].redactions[0].page: the document has 1 page(s)"),
        (
            lambda d: d[2]["redactions"][0].update(x1=9999),
            "documents[2].redactions[0]: the rectangle must lie on the page",
        ),
        (
            lambda d: d[0]["redactions"].append(
                {"page": 1, "x0": 1, "top": 1, "x1": 2, "bottom": 2, "exemption": "crime"}
            ),
            "documents[0].redactions[2]: rectangles are for PDFs and scans",
        ),
        (
            lambda d: d[2]["redactions"].append({"text": "x", "exemption": "crime"}),
            "documents[2].redactions[1].text: the document is a scan with no text",
        ),
        (
            lambda d: d[1].update(text="Something else entirely"),
            "documents[1].text: does not match the text extracted from the file",
        ),
        (lambda d: d[1].update(sha256="0" * 64), "documents[1].sha256: does not match the file"),
        (
            lambda d: d[0].update(reviewed_by="ghost"),
            "documents[0].reviewed_by: there is no active team member called 'ghost'",
        ),
        (
            lambda d: d[0].update(holds=["finance"]),
            "documents[0].holds: must be a list of: health, social_work, education",
        ),
    ],
)
def test_validation_names_the_field_and_writes_nothing(
    staff: dict[str, User], folder: Path, change: Any, expected: str
) -> None:
    docs = documents()
    change(docs)
    with pytest.raises(CaseFileError) as caught:
        case_import(data={**core(), "documents": docs}, folder=folder, today=TODAY)
    assert any(error.startswith(expected) for error in caught.value.errors), caught.value.errors
    assert not RightsRequest.objects.exists()
    assert not Document.objects.exists() and not Agency.objects.exists()


def test_documents_must_be_a_list(folder: Path) -> None:
    assert validate_documents({"title": "x"}, folder) == ["documents: must be a list, not an object"]


def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    case_folder = tmp_path / "case"
    case_folder.mkdir()
    (case_folder / "link.txt").symlink_to(outside)
    with pytest.raises(ApplicationError, match="points elsewhere"):
        resolve_case_file(case_folder, "link.txt")
    with pytest.raises(ApplicationError, match="absolute"):
        resolve_case_file(case_folder, "C:\\Windows\\win.ini")


def test_export_then_import_round_trips(staff: dict[str, User], folder: Path, tmp_path: Path) -> None:
    docs = documents()
    docs[0]["reviewed_by"] = "reviewer"
    docs[0]["harm_concern"] = True
    docs[1]["withheld"] = {"exemption": "crime", "reason": "Live investigation"}
    rr = case_import(data={**core(), "documents": docs}, folder=folder, today=TODAY)
    exported = case_export(request=rr)["documents"]
    assert exported[0]["text"] == NOTE
    assert exported[0]["reviewed_by"] == "reviewer"
    assert exported[0]["redactions"][0] == {"start": 0, "end": 8, "exemption": "third_party"}
    assert exported[1]["file"].startswith("files/") and exported[1]["file"].endswith("-referral.pdf")
    assert "Jane Doe" in exported[1]["text"] and len(exported[1]["sha256"]) == 64
    assert exported[1]["withheld"] == {"exemption": "crime", "reason": "Live investigation"}
    assert "text" not in exported[2]  # a scan has no text
    assert exported[2]["redactions"] == [
        {"page": 1, "x0": 10.0, "top": 10.0, "x1": 60.0, "bottom": 40.0, "exemption": "crime"}
    ]

    again = tmp_path / "again"
    again.mkdir()
    written = export_document_files(rr, again)
    assert len(written) == 2
    data = {**core("RR-2026-0101"), "documents": json.loads(json.dumps(exported))}
    copy_rr = case_import(data=data, folder=again, today=TODAY)
    assert case_export(request=copy_rr)["documents"] == exported


def test_export_leaves_the_key_out_without_documents(staff: dict[str, User], folder: Path) -> None:
    rr = case_import(data=copy.deepcopy(core()), folder=folder, today=TODAY)
    assert "documents" not in case_export(request=rr)


def test_export_case_out_writes_the_originals_and_the_case_imports_again(
    staff: dict[str, User], folder: Path, tmp_path: Path
) -> None:
    from io import StringIO

    from django.core.management import call_command

    rr = case_import(data={**core(), "documents": documents()}, folder=folder, today=TODAY)
    target = tmp_path / "exported" / "case.json"
    out = StringIO()
    call_command("export_case", rr.reference, "--out", str(target), stdout=out)
    written = out.getvalue().split()
    assert str(target) in written and len(written) == 3  # the case file and two originals
    data = json.loads(target.read_text(encoding="utf-8"))
    data["reference"] = "RR-2026-0102"
    again = case_import(data=data, folder=target.parent, today=TODAY)
    assert [d.sha256 for d in Document.objects.filter(request=again).order_by("pk")] == [
        d.sha256 for d in Document.objects.filter(request=rr).order_by("pk")
    ]


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_text_redaction_counts_every_occurrence_on_a_turned_page(
    staff: dict[str, User], tmp_path: Path, degrees: int
) -> None:
    from tests.disclosure.test_redaction import _rotated

    (tmp_path / "turned.pdf").write_bytes(
        _rotated(pdf_from_html("<p>Jane Doe rang.</p><p>Later Jane Doe wrote again.</p>"), degrees)
    )
    doc = {"title": "Turned", "file": "turned.pdf", "redactions": [{"text": "Jane Doe", "exemption": "third_party"}]}
    rr = case_import(data={**core(), "documents": [doc]}, folder=tmp_path, today=TODAY)
    assert Redaction.objects.filter(document__request=rr).count() == 2
    assert all(r.boxes.exists() for r in Redaction.objects.filter(document__request=rr))
