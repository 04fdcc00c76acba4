"""`manage.py render_pack REF --out FILE [--preview]`: a preview at any time, the real pack only once approved."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pypdf
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from disclosure.models import Pack, PackStatus
from disclosure.pack.verify import WATERMARK
from requests_app.models import RightsRequest
from tests.factories import celery_eager, pack_case

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 16)
OUTPUT = re.compile(r"^path=(?P<path>[^\t]+)\tpages=(?P<pages>\d+)\tsha256=(?P<sha>[0-9a-f]{64})$")


def run(*args: str) -> str:
    out = io.StringIO()
    with celery_eager():
        call_command("render_pack", *args, stdout=out)
    return out.getvalue().strip()


def test_a_preview_renders_before_approval_watermarked_on_every_page(staff: dict[str, User], tmp_path: Path) -> None:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    target = tmp_path / "preview.pdf"
    line = run(request.reference, "--out", str(target), "--preview", "--date", TODAY.isoformat())
    match = OUTPUT.match(line)
    assert match, line
    data = target.read_bytes()
    assert match["path"] == str(target.resolve())
    assert match["sha"] == hashlib.sha256(data).hexdigest()
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert int(match["pages"]) == len(pages)
    assert all(WATERMARK in (page.extract_text() or "") for page in pages)
    pack = Pack.objects.get()
    assert pack.preview and pack.status == PackStatus.VERIFIED and pack.created_by is None


def test_without_preview_an_unapproved_request_is_refused_with_exit_code_2(
    staff: dict[str, User], tmp_path: Path
) -> None:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY, approve=False)
    target = tmp_path / "pack.pdf"
    with pytest.raises(CommandError) as refused:
        run(request.reference, "--out", str(target))
    assert refused.value.returncode == 2
    assert "\n" not in str(refused.value) and "approved" in str(refused.value)
    assert not target.exists() and not Pack.objects.exists()


def test_an_approved_request_renders_and_the_same_inputs_give_the_same_file(
    staff: dict[str, User], tmp_path: Path
) -> None:
    request = pack_case(manager_user=staff["manager"], caseworker_user=staff["caseworker"], today=TODAY)
    first = OUTPUT.match(run(request.reference, "--out", str(tmp_path / "a.pdf"), "--date", TODAY.isoformat()))
    second = OUTPUT.match(run(request.reference, "--out", str(tmp_path / "b.pdf"), "--date", TODAY.isoformat()))
    assert first and second
    assert first["sha"] == second["sha"]
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert not any(WATERMARK in (p.extract_text() or "") for p in pypdf.PdfReader(tmp_path / "a.pdf").pages)
    assert RightsRequest.objects.get(pk=request.pk).status == "approved"  # rendering is not sending


def test_an_unknown_reference_or_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as unknown:
        run("RR-2026-9999", "--out", str(tmp_path / "x.pdf"))
    assert unknown.value.returncode == 2 and "no request RR-2026-9999" in str(unknown.value)
    with pytest.raises(CommandError) as folder:
        run("RR-2026-9999", "--out", str(tmp_path / "missing" / "x.pdf"))
    assert folder.value.returncode == 2


def test_a_whole_case_imported_from_json_renders_from_the_command_line(staff: dict[str, User], tmp_path: Path) -> None:
    """The issue's case format with "documents" (text and a file), imported approved, then rendered."""
    import json

    import weasyprint

    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "notes.pdf").write_bytes(
        weasyprint.HTML(string="<p>Clinic notes: Bob Smith-Jones called about Alex.</p>").write_pdf()
    )
    case = {
        "format": "rights-desk-case/1",
        "reference": "RR-2026-0777",
        "kind": "access",
        "received": "2026-03-02",
        "status": "approved",
        "assigned_to": "caseworker",
        "subject": {
            "name": "Alex Example",
            "date_of_birth": "2016-05-01",
            "address": "1 High Street, Stockport SK1 1AA",
        },
        "evidence": [
            {"kind": "identity", "description": "Passport ending 123", "seen_on": "2026-03-03", "seen_by": "caseworker"}
        ],
        "clock": [{"event": "identity_received", "date": "2026-03-03"}],
        "documents": [
            {
                "title": "Referral",
                "agency": "Police",
                "date": "2026-02-01",
                "text": "The caller, Jane Doe, rang about Alex. Jane Doe asked not to be named.",
                "reviewed_by": "caseworker",
                "redactions": [{"text": "Jane Doe", "exemption": "third_party"}],
            },
            {
                "title": "Clinic notes",
                "agency": "Health",
                "file": "scans/notes.pdf",
                "reviewed_by": "caseworker",
                "redactions": [{"text": "Bob Smith-Jones", "exemption": "third_party"}],
            },
        ],
    }
    (tmp_path / "case.json").write_text(json.dumps(case), encoding="utf-8")
    with celery_eager():
        call_command("import_case", str(tmp_path / "case.json"), stdout=io.StringIO())
    assert RightsRequest.objects.get(reference="RR-2026-0777").status == "approved"
    line = run("RR-2026-0777", "--out", str(tmp_path / "pack.pdf"))
    assert OUTPUT.match(line), line
    text = " ".join(page.extract_text() or "" for page in pypdf.PdfReader(tmp_path / "pack.pdf").pages)
    assert "Referral" in text and "Clinic notes" in text and "S2 P3 para16" in text
    assert "Jane" not in text and "Smith-Jones" not in text
